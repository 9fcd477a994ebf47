"""yingji init: migrate, load reference data, create the first administrator (idempotent)."""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from yingji.core.audit import record_event
from yingji.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "初始化:数据库迁移、载入参考数据(行政区划、组织机构)、创建首个管理员。可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-username", default=os.environ.get("YINGJI_ADMIN_USER", "admin")
        )
        parser.add_argument("--admin-password", default=os.environ.get("YINGJI_ADMIN_PASSWORD"))
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, **opts):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file = settings.VAR_DIR / "secret_key"
        if not os.environ.get("SECRET_KEY") and not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
            self.stdout.write("已生成本机密钥 var/secret_key")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库迁移完成")
        from yingji.geo.loader import load_regions
        from yingji.orgs.loader import load_organisations

        r = load_regions(settings.YINGJI_REGION)
        self.stdout.write(
            f"行政区划:新增 {r['created']},更新 {r['updated']},边界 {r['boundaries']}"
        )
        o = load_organisations()
        self.stdout.write(f"组织机构:新增 {o['created']}")
        from yingji.core.textsearch import ensure_built

        for label, n in ensure_built().items():
            self.stdout.write(f"检索索引:{label} {n} 条")
        self._ensure_admin(opts["admin_username"], opts["admin_password"])
        if not opts["no_collectstatic"] and not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
            self.stdout.write("静态文件已收集")

    @transaction.atomic
    def _ensure_admin(self, username, password):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("已存在管理员账号,跳过创建")
            return
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=username, password=password, email="")
        record_event("auth.admin.created", f"创建首个管理员“{username}”", target=user)
        if generated:
            self.stdout.write(
                self.style.WARNING(f"首个管理员:{username} / {password}(请登录后立即修改)")
            )
        else:
            self.stdout.write(f"首个管理员:{username}")
