from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yingji.core.backup import restore


class Command(BaseCommand):
    help = "从备份文件恢复数据库和上传文件(会覆盖现有数据;请先停止服务)。"

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="不再确认")

    def handle(self, *args, archive, yes, **opts):
        path = Path(archive)
        if not path.exists():
            raise CommandError(f"备份文件不存在:{path}")
        if not yes:
            answer = input("恢复将覆盖当前数据库和上传文件,确定吗?输入 yes 继续:")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消。")
        from django.db import connections

        connections.close_all()
        manifest = restore(path, settings.DATABASES["default"], Path(settings.MEDIA_ROOT))
        self.stdout.write(f"已恢复 {manifest['created']} 的备份({manifest['engine']})。")
