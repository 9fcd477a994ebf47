"""Jobs of 值班与应急响应 (run by `yingji daily` and the worker; every write audited)."""

from yingji.core.jobs import audited_task


@audited_task
def escalate_overdue_reports(today: str | None = None) -> dict:
    """报告超时提醒: every breached, unmet report deadline of an open event is escalated once to
    the 带班领导 on duty (see escalations.py). ``today`` is ignored: deadlines run by the hour,
    so the job checks them as of now (the pages sweep between runs)."""
    from .escalations import do_escalate_breaches

    return do_escalate_breaches()
