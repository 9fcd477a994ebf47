"""yingji warnings-import-cap [--folder DIR] [--user NAME]: import every *.xml of the CAP
watched folder once (WARNINGS_CAP_INBOX, WARNINGS_CAP_INBOX_USER), moving each to imported/ or
refused/ (with the reasons); run it from cron every few minutes."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from yingji.core.commands import AuditedCommand
from yingji.core.context import actor_context
from yingji.core.errors import DomainError


class Command(AuditedCommand):
    help = "导入 CAP 收件目录中的外部预警(每个 *.xml 只导入一次,导入后移到 imported/ 或 refused/)"

    def add_arguments(self, parser):
        parser.add_argument("--folder", help="收件目录,默认 WARNINGS_CAP_INBOX")
        parser.add_argument("--user", help="以该用户的名义导入,默认 WARNINGS_CAP_INBOX_USER")

    def handle(self, *args, folder=None, user=None, **options):
        from yingji.warnings.capinbox import import_folder, inbox_user

        folder = folder or getattr(settings, "WARNINGS_CAP_INBOX", "")
        if not folder:
            raise CommandError("未设置收件目录:请用 --folder 或 WARNINGS_CAP_INBOX 指定。")
        try:
            actor = inbox_user(user)
            with actor_context(actor, source="cli", label="cli:warnings-import-cap"):
                counts = import_folder(folder, actor)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for f in counts["files"]:
            line = f"{f['file']}:" + (
                "已导入" if f["result"] == "imported" else f"未导入,{f['reason']}"
            )
            self.stdout.write(line)
        self.stdout.write(f"导入 {counts['imported']} 个,拒绝 {counts['refused']} 个。")
