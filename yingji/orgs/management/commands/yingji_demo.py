"""yingji demo: demo personas and demo data (clearly marked 演示), on top of `yingji init`."""

from django.core.management import call_command

from yingji.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "载入演示账号和演示数据(均标注为演示)。会先执行 init。可重复执行。"

    def handle(self, *args, **opts):
        call_command("yingji_init", stdout=self.stdout)
        from yingji.core.demo import run_demo_loaders
        from yingji.orgs.demo import DEMO_PASSWORD, PERSONAS

        run_demo_loaders(self.stdout)
        self.stdout.write("")
        self.stdout.write(f"演示账号(密码均为 {DEMO_PASSWORD}):")
        for username, full_name, _org_code, _role, _title in PERSONAS:
            self.stdout.write(f"  {username:<16} {full_name}")
