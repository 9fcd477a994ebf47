"""Background jobs of 监测预警: the sweep that raises 设备离线 alarms and escalates red alarms
left unacknowledged (also run on reading the board; `yingji monitoring-sweep` from cron every
minute, and in `yingji daily`)."""

from yingji.core.jobs import audited_task


@audited_task
def monitoring_sweep(today: str | None = None) -> dict:
    from .services import do_escalate_alarms, do_raise_offline_alarms

    return {**do_raise_offline_alarms(), **do_escalate_alarms()}
