from datetime import datetime
from pathlib import Path

from django.conf import settings

from yingji.core.audit import record_event
from yingji.core.backup import backup
from yingji.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "备份数据库(SQLite 在线备份或 pg_dump)和上传文件为一个 .tar.gz。"

    def add_arguments(self, parser):
        parser.add_argument(
            "output", nargs="?", help="输出文件(默认 var/backups/yingji-时间.tar.gz)"
        )

    def handle(self, *args, output=None, **opts):
        out = (
            Path(output)
            if output
            else settings.VAR_DIR
            / "backups"
            / ("yingji-" + datetime.now().strftime("%Y%m%d-%H%M%S") + ".tar.gz")
        )
        manifest = backup(settings.DATABASES["default"], Path(settings.MEDIA_ROOT), out)
        record_event("system.backup", f"备份到 {out}", path=str(out), engine=manifest["engine"])
        self.stdout.write(f"备份完成:{out}")
