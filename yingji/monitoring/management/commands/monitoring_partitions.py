"""yingji monitoring-partitions: the monthly partitions of the observations table on
PostgreSQL — list them, create the current month and N months ahead, detach the months
before a given one (each kept as a plain table monitoring_observation_archive_yYYYYmMM, to
dump and drop). On SQLite the observations are one plain table: nothing to do."""

from __future__ import annotations

import re

from django.core.management.base import CommandError

from yingji.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "监测数据按月分区(PostgreSQL):列出、预建后续月份分区、分离早于某月的分区"

    def add_arguments(self, parser):
        parser.add_argument(
            "--ensure-ahead",
            type=int,
            metavar="N",
            help="确保本月及之后 N 个月的分区存在(每日任务按 2 执行)",
        )
        parser.add_argument(
            "--detach-before",
            metavar="YYYY-MM",
            help="分离早于该月的全部分区(分离后保留为归档表,可导出后删除)",
        )

    def handle(self, *args, **options):
        from yingji.monitoring import partitions

        if not partitions.enabled():
            self.stdout.write("当前数据库不是 PostgreSQL(或未分区):监测数据为普通表,无需分区操作。")
            return
        ahead, before = options["ensure_ahead"], options["detach_before"]
        if ahead is not None:
            if not 0 <= ahead <= 24:
                raise CommandError("--ensure-ahead 应为 0–24。")
            made = partitions.ensure_ahead(ahead)
            names = "、".join(f"{y}-{m:02d}" for y, m in made) or "无(均已存在)"
            self.stdout.write(f"新建分区:{names}")
        if before:
            match = re.fullmatch(r"(\d{4})-(\d{2})", before.strip())
            if not match or not 1 <= int(match[2]) <= 12:
                raise CommandError("--detach-before 应为 YYYY-MM,如 2024-01。")
            try:
                done = partitions.detach_before(int(match[1]), int(match[2]))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"已分离 {len(done)} 个分区,保留为归档表:{'、'.join(done)}"
                if done
                else "没有需要分离的分区。"
            )
        months = partitions.partitions()
        listed = "、".join(f"{y}-{m:02d}" for y, m in months) or "无"
        self.stdout.write(f"现有分区({len(months)} 个):{listed}")
        archived = partitions.archives()
        if archived:
            self.stdout.write(f"已分离的归档表:{'、'.join(archived)}")
