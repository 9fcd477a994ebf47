"""yingji workplan-daily [--date YYYY-MM-DD]: reminders N working days before due dates and
overdue detection (滞后). Run it daily from cron; running it twice a day does nothing twice."""

from yingji.core.commands import AuditedCommand
from yingji.core.jobs import run_job_inline
from yingji.workplan.jobs import workplan_daily_check


class Command(AuditedCommand):
    help = "工作要点督办每日检查:临期提醒(按工作日)与逾期(滞后)标记。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期检查(默认今天),格式 YYYY-MM-DD")

    def handle(self, *args, date=None, **opts):
        counts = run_job_inline(workplan_daily_check, date)
        self.stdout.write(f"临期提醒 {counts['reminders']} 条,新增逾期 {counts['overdue']} 条")
