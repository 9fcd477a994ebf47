"""Background jobs of 预案与演练: the daily review (评估) reminder in working days."""

from yingji.core.jobs import audited_task


@audited_task
def plans_daily_check(today: str | None = None) -> dict:
    from datetime import date

    from .services import do_remind_plan_reviews

    return do_remind_plan_reviews(today=date.fromisoformat(today) if today else None)
