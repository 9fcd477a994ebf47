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


@audited_task
def import_cap_inbox(today: str | None = None) -> dict:
    """The CAP watched folder (WARNINGS_CAP_INBOX), under WARNINGS_CAP_INBOX_USER's name."""
    from django.conf import settings

    from yingji.core.context import actor_context

    from .capinbox import import_folder, inbox_user

    folder = getattr(settings, "WARNINGS_CAP_INBOX", "")
    if not folder:
        return {"imported": 0, "refused": 0, "skipped": "WARNINGS_CAP_INBOX 未设置"}
    from yingji.core.errors import DomainError

    try:
        actor = inbox_user()
    except DomainError as exc:
        return {"imported": 0, "refused": 0, "skipped": exc.message}
    with actor_context(actor, source="job", label="job:import_cap_inbox"):
        counts = import_folder(folder, actor)
    return {"imported": counts["imported"], "refused": counts["refused"]}


@audited_task
def poll_cap_urls(today: str | None = None) -> dict:
    """The polled intranet CAP URLs (WARNINGS_CAP_URLS), under WARNINGS_CAP_INBOX_USER's name."""
    from yingji.core.context import actor_context
    from yingji.core.errors import DomainError

    from .capinbox import inbox_user
    from .cappoll import configured_urls, poll

    if not configured_urls():
        return {"imported": 0, "refused": 0, "skipped": "WARNINGS_CAP_URLS 未设置"}
    try:
        actor = inbox_user()
    except DomainError as exc:
        return {"imported": 0, "refused": 0, "skipped": exc.message}
    with actor_context(actor, source="job", label="job:poll_cap_urls"):
        out = poll(actor)
    return {
        "imported": len(out["imported"]),
        "duplicates": out["duplicates"],
        "refused": len(out["refused"]),
        "reasons": [f"{r['url']}:{r['reason']}" for r in out["refused"][:20]],
    }
