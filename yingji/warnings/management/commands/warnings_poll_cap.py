"""yingji warnings-poll-cap [--url URL …] [--user NAME]: fetch the intranet CAP URLs
(WARNINGS_CAP_URLS: one CAP message or an Atom/RSS feed of them, only the configured hosts) and
import what is new, under WARNINGS_CAP_INBOX_USER's name; run it from cron every minute."""

from __future__ import annotations

from django.core.management.base import CommandError

from yingji.core.commands import AuditedCommand
from yingji.core.context import actor_context
from yingji.core.errors import DomainError


class Command(AuditedCommand):
    help = "拉取内网 CAP 地址(WARNINGS_CAP_URLS)中的外部预警并导入新的(重复的跳过)"

    def add_arguments(self, parser):
        parser.add_argument("--url", action="append", help="地址,可多次给出;默认 WARNINGS_CAP_URLS")
        parser.add_argument("--user", help="以该用户的名义导入,默认 WARNINGS_CAP_INBOX_USER")

    def handle(self, *args, url=None, user=None, **options):
        from yingji.warnings.capinbox import inbox_user
        from yingji.warnings.cappoll import configured_urls, poll

        urls = url or configured_urls()
        if not urls:
            raise CommandError("未设置地址:请用 --url 或 WARNINGS_CAP_URLS 指定。")
        try:
            actor = inbox_user(user)
            with actor_context(actor, source="cli", label="cli:warnings-poll-cap"):
                out = poll(actor, urls)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for item in out["imported"]:
            self.stdout.write(f"{item['url']}:已导入(预警 #{item['warning']})")
        for item in out["refused"]:
            self.stdout.write(f"{item['url']}:未导入,{item['reason']}")
        self.stdout.write(
            f"取回 {out['fetched']} 个,导入 {len(out['imported'])} 个,"
            f"重复 {out['duplicates']} 个,拒绝 {len(out['refused'])} 个。"
        )
