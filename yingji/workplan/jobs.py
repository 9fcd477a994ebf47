"""Background jobs of 工作要点督办. `workplan_daily_check` runs once a day (cron:
`yingji workplan-daily`, or enqueue it for `yingji worker`)."""

from yingji.core.jobs import audited_task


@audited_task
def workplan_daily_check(today: str | None = None) -> dict:
    from datetime import date

    from .services import do_run_daily_check

    return do_run_daily_check(today=date.fromisoformat(today) if today else None)


@audited_task
def workplan_ladder(today: str | None = None) -> dict:
    """督查督办 ladder: move overdue items up 提醒 → 催办 → 督办单 → 通报 → 约谈 (once per step)."""
    from datetime import date

    from .services import do_run_ladder

    return do_run_ladder(today=date.fromisoformat(today) if today else None)
