"""yingji check: Django's deployment checks plus the platform's own production warnings."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def production_problems() -> list[str]:
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG 已开启:生产环境必须关闭(YINGJI_DEBUG=0)。")
    if not os.environ.get("SECRET_KEY"):
        problems.append("未设置 SECRET_KEY 环境变量:生产环境请设置一个随机长密钥。")
    if settings.SECRET_KEY.startswith("insecure") or len(settings.SECRET_KEY) < 40:
        problems.append("SECRET_KEY 不安全(过短或为默认值)。")
    hosts = set(settings.ALLOWED_HOSTS)
    if "*" in hosts or hosts <= {"127.0.0.1", "localhost", "testserver"}:
        problems.append("ALLOWED_HOSTS 未设置为本平台的实际域名/地址。")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append("正在使用内置 SQLite:生产环境建议使用 PostgreSQL(DATABASE_URL)。")
    if not getattr(settings, "SESSION_COOKIE_SECURE", False):
        problems.append("会话 Cookie 未设置 Secure:生产环境请通过 HTTPS 访问。")
    return problems


class Command(BaseCommand):
    help = "检查配置;--production 时检查 DEBUG、SECRET_KEY、ALLOWED_HOSTS 等生产环境设置。"

    def add_arguments(self, parser):
        parser.add_argument("--production", action="store_true")

    def handle(self, *args, production=False, **opts):
        call_command("check", deploy=production, stdout=self.stdout)
        if production or settings.PRODUCTION:
            problems = production_problems()
            for p in problems:
                self.stdout.write(self.style.WARNING("警告:" + p))
            if problems:
                raise CommandError(f"发现 {len(problems)} 项生产环境配置问题。")
            self.stdout.write(self.style.SUCCESS("生产环境配置检查通过。"))
