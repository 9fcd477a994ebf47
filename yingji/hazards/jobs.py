"""Background jobs of 隐患排查治理: the daily reminder and overdue escalation."""

from yingji.core.jobs import audited_task


@audited_task
def hazards_daily_check(today: str | None = None) -> dict:
    from datetime import date

    from .services import do_run_hazard_check

    return do_run_hazard_check(today=date.fromisoformat(today) if today else None)
