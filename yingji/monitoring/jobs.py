"""Background jobs of 监测预警: the sweep that raises 设备离线 alarms and escalates red alarms
left unacknowledged (also run on reading the board; `yingji monitoring-sweep` from cron every
minute, and in `yingji daily`)."""

from yingji.core.jobs import audited_task


@audited_task
def monitoring_sweep(today: str | None = None) -> dict:
    from .services import do_escalate_alarms, do_raise_offline_alarms

    return {**do_raise_offline_alarms(), **do_escalate_alarms()}


@audited_task
def monitoring_partitions(today: str | None = None) -> dict:
    """PostgreSQL: the observations' partitions of this month and the next two (so that the
    ingest never has to create one); nothing on SQLite."""
    import datetime as dt

    from . import partitions

    if not partitions.enabled():
        return {"partitions_created": 0}
    day = dt.date.fromisoformat(today) if today else None
    return {"partitions_created": len(partitions.ensure_ahead(2, day))}
