"""yingji monitoring-demo-feed [--every SECONDS]: keep the demo monitoring stations reporting
(one round, or a round every SECONDS until stopped). `yingji serve` runs it beside the server
when the database holds the demo stations; see yingji.monitoring.demo."""

from __future__ import annotations

import os
import time

from yingji.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "演示监测站点数据馈送:补齐演示站点自上次数据以来的逐小时数据(--every 秒:循环运行)"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="每隔多少秒运行一轮(0:只运行一轮)")

    def handle(self, *args, every=0, **options):
        from yingji.monitoring.demo import feed_demo, has_demo_stations

        parent = os.getppid()
        while True:
            if has_demo_stations():
                counts = feed_demo()
                if counts["observations"] or not every:
                    self.stdout.write(
                        f"演示站点数据馈送:写入 {counts['observations']} 条,告警 {counts['alarms']} 条"
                    )
                    self.stdout.flush()
            if not every:
                return
            for _ in range(every):
                if os.getppid() != parent:  # the server that started us has gone
                    return
                time.sleep(1)
