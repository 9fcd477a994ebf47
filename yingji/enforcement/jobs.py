"""Background job of 执法: the daily 复查 check (an order whose deadline passed becomes 待复查)."""

from yingji.core.jobs import audited_task


@audited_task
def reinspection_daily_check(today: str | None = None) -> dict:
    from datetime import date

    from .services import do_run_reinspection_check

    return do_run_reinspection_check(today=date.fromisoformat(today) if today else None)
