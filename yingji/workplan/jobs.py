"""Background jobs of 工作要点督办. `workplan_daily_check` runs once a day (cron:
`yingji workplan-daily`, or enqueue it for `yingji worker`)."""

from yingji.core.jobs import audited_task


@audited_task
def workplan_daily_check(today: str | None = None) -> dict:
    from datetime import date

    from .services import do_run_daily_check

    return do_run_daily_check(today=date.fromisoformat(today) if today else None)
