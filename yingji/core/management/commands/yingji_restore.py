from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError, connections

from yingji.core.audit import record_event
from yingji.core.backup import (
    BackupError,
    code_migrations,
    engine_of,
    file_sha256,
    restore_verified,
    verified_archive,
)
from yingji.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = (
        "从备份文件恢复数据库和上传文件(会替换现有数据;请先停止服务)。恢复前先完整校验备份:"
        "清单与 SHA-256、压缩包中不得有 ../、绝对路径或链接、SQLite 完整性检查(PostgreSQL:"
        "pg_restore --list 并先恢复到临时数据库)、数据库迁移齐全;任何一项不通过都拒绝恢复,"
        "当前数据不动。恢复前的数据保留为回滚副本:SQLite 为数据库文件旁的 "
        "*.before-restore-时间,PostgreSQL 为改名后的数据库 名称_before_restore_时间(需要"
        "数据库用户有 CREATEDB 权限并拥有该数据库),上传文件目录改名为 *.before-restore-时间。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="不再确认")

    def handle(self, *args, archive, yes, **opts):
        path = Path(archive)
        db = settings.DATABASES["default"]
        expected = code_migrations()
        work_dir = settings.VAR_DIR if Path(settings.VAR_DIR).is_dir() else None
        try:
            with verified_archive(
                path, engine=engine_of(db), expected_migrations=expected, work_dir=work_dir
            ) as verified:
                self.stdout.write(f"备份文件校验通过:{verified.summary()}。")
                if not yes:
                    answer = input("恢复将替换当前数据库和上传文件,确定吗?输入 yes 继续:")
                    if answer.strip().lower() != "yes":
                        raise CommandError("已取消,当前数据未改动。")
                archive_sha = file_sha256(path)
                connections.close_all()
                result = restore_verified(
                    verified, db, Path(settings.MEDIA_ROOT), expected_migrations=expected
                )
        except BackupError as exc:
            self._record_refusal(path, str(exc))
            raise CommandError(f"恢复被拒绝:{exc}")
        except OSError as exc:
            raise CommandError(f"恢复失败:{exc}")
        # Written into the restored database: the restore is part of its history.
        record_event(
            "system.restore",
            f"从备份 {path} 恢复(备份时间 {result['created']})",
            archive=str(path),
            sha256=archive_sha,
            engine=result["engine"],
            created=result["created"],
            rollback=result["rollback"],
            media_rollback=result["media_rollback"],
        )
        self.stdout.write(f"已恢复 {result['created']} 的备份({result['engine']})。")
        if result["rollback"]:
            self.stdout.write(f"恢复前的数据库保留为:{result['rollback']}")
        if result["media_rollback"]:
            self.stdout.write(f"恢复前的上传文件保留为:{result['media_rollback']}")

    def _record_refusal(self, path: Path, reason: str) -> None:
        """The live database is untouched: the refusal goes into its audit trail (unless the
        live database itself is unusable, which is why one restores)."""
        try:
            record_event(
                "system.restore_refused",
                f"拒绝从备份 {path} 恢复:{reason}",
                archive=str(path),
                reason=reason[:500],
            )
        except DatabaseError as exc:
            self.stderr.write(f"(未能记录到审计日志:{exc})")
