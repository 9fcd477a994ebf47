"""yingji daily [--date YYYY-MM-DD] [--only KEY …]: run every app's daily job (reminders,
overdue detection, escalation), as each AppConfig declares them (``daily_jobs``). Run it once
a day from cron; every job is idempotent, so running it twice changes nothing twice."""

from django.core.management.base import CommandError
from django.utils.module_loading import import_string

from yingji.core.commands import AuditedCommand
from yingji.core.hooks import daily_jobs
from yingji.core.jobs import run_job_inline


class Command(AuditedCommand):
    help = "运行各模块的每日检查(临期提醒、逾期标记与上报)。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期检查(默认今天),格式 YYYY-MM-DD")
        parser.add_argument("--only", nargs="*", help="只运行这些任务(见 --list)")
        parser.add_argument("--list", action="store_true", help="列出全部每日任务")

    def handle(self, *args, date=None, only=None, list=False, **opts):  # noqa: A002
        jobs = daily_jobs()
        if list:
            for job in jobs:
                self.stdout.write(f"{job.key}\t{job.label}")
            return
        unknown = set(only or ()) - {job.key for job in jobs}
        if unknown:
            raise CommandError(
                f"没有这些每日任务:{'、'.join(sorted(unknown))}(见 yingji daily --list)"
            )
        for job in jobs:
            if only and job.key not in only:
                continue
            counts = run_job_inline(import_string(job.job), date)
            figures = ",".join(f"{k} {v}" for k, v in (counts or {}).items())
            self.stdout.write(f"{job.label}:{figures}")
