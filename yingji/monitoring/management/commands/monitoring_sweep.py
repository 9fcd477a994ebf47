"""yingji monitoring-sweep: raise the 设备离线 alarms that are due and escalate red alarms left
unacknowledged past the configured time (run it from cron every minute; idempotent)."""

from __future__ import annotations

from yingji.core.commands import AuditedCommand
from yingji.core.jobs import run_job_inline


class Command(AuditedCommand):
    help = "监测预警巡检:设备离线告警、红色告警超时未确认升级(可每分钟运行)"

    def handle(self, *args, **options):
        from yingji.monitoring.jobs import monitoring_sweep

        counts = run_job_inline(monitoring_sweep)
        self.stdout.write(
            f"新增设备离线告警 {counts['offline_raised']} 条,解除 {counts['offline_cleared']} 条;"
            f"升级上报红色告警 {counts['escalated']} 条"
        )
