from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from yingji.core.audit import record_event
from yingji.core.backup import BackupError, backup, code_migrations, file_sha256, verify
from yingji.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = (
        "备份数据库(SQLite 在线备份或 pg_dump)和上传文件为一个 .tar.gz,附带逐个文件的 "
        "SHA-256 清单。--verify 文件:只校验一个备份(清单与校验和、数据库完整性、数据库迁移"
        "是否齐全),不恢复、不改动任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output", nargs="?", help="输出文件(默认 var/backups/yingji-时间.tar.gz)"
        )
        parser.add_argument(
            "--verify", metavar="FILE", help="只校验该备份文件能否安全恢复,不做备份也不恢复"
        )

    def handle(self, *args, output=None, verify=None, **opts):
        if verify:
            return self.verify(Path(verify))
        out = (
            Path(output)
            if output
            else settings.VAR_DIR
            / "backups"
            / ("yingji-" + datetime.now().strftime("%Y%m%d-%H%M%S") + ".tar.gz")
        )
        try:
            manifest = backup(settings.DATABASES["default"], Path(settings.MEDIA_ROOT), out)
        except (BackupError, OSError) as exc:
            raise CommandError(f"备份失败:{exc}")
        record_event(
            "system.backup",
            f"备份到 {out}",
            path=str(out),
            engine=manifest["engine"],
            sha256=file_sha256(out),
            files=len(manifest["files"]),
        )
        self.stdout.write(f"备份完成:{out}(共 {len(manifest['files'])} 个文件,均已记录 SHA-256)")

    def verify(self, path: Path):
        try:
            manifest = verify(path, expected_migrations=code_migrations())
        except BackupError as exc:
            raise CommandError(f"备份文件校验失败:{exc}")
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            self.style.SUCCESS(
                f"备份文件完好:{path}(备份时间 {manifest['created']},{manifest['engine']} "
                f"数据库,上传文件 {media} 个;清单、SHA-256、数据库完整性和迁移均已校验)"
            )
        )
