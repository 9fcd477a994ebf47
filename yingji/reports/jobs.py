from yingji.core.jobs import audited_task


@audited_task
def draft_scheduled_briefs(today: str | None = None) -> dict:
    """Daily: draft the weekly brief on Mondays, the monthly on the 1st, the quarterly at a
    quarter's start (each once)."""
    from datetime import date

    from .services import do_draft_scheduled_briefs

    return do_draft_scheduled_briefs(today=date.fromisoformat(today) if today else None)
