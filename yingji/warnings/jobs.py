"""Background jobs of 预警信息: sending the deliveries of a release (queued on commit, and again
at each retry's time) and the daily expiry (pages compute it on read as well)."""

from yingji.core.jobs import audited_task


@audited_task
def expire_warnings(today: str | None = None) -> dict:
    from .services import do_expire_warnings

    return do_expire_warnings()


@audited_task
def send_deliveries(warning_id: int) -> dict:
    from .services import do_send_deliveries

    return do_send_deliveries(warning_id=warning_id)
