"""Background jobs of 预警信息: the daily expiry (pages compute it on read as well)."""

from yingji.core.jobs import audited_task


@audited_task
def expire_warnings(today: str | None = None) -> dict:
    from .services import do_expire_warnings

    return do_expire_warnings()
