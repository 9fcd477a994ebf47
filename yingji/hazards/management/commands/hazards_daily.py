"""yingji hazards-daily [--date YYYY-MM-DD]: remind before rectification deadlines (working
days) and escalate overdue hazards to the supervising bureau, each once."""

from datetime import date as Date

from django.core.management.base import CommandError

from yingji.core.commands import AuditedCommand
from yingji.core.jobs import run_job_inline
from yingji.hazards.jobs import hazards_daily_check


class Command(AuditedCommand):
    help = "隐患排查治理每日检查:整改期限临期提醒与逾期上报。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期检查(默认今天),格式 YYYY-MM-DD")

    def handle(self, *args, date=None, **opts):
        if date:
            try:
                Date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"日期“{date}”格式不正确,应为 YYYY-MM-DD。") from None
        counts = run_job_inline(hazards_daily_check, date)
        self.stdout.write(f"临期提醒 {counts['reminded']} 条,逾期上报 {counts['escalated']} 条")
