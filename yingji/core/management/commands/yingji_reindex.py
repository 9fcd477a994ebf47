"""yingji reindex: rebuild the text-search index of the big lists from their records (after a
bulk load or a restore; saves through the services keep it current by themselves)."""

import time

from django.core.management.base import BaseCommand

from yingji.core.textsearch import rebuild


class Command(BaseCommand):
    help = "重建列表全文检索索引(批量导入或恢复备份之后运行)。"

    def handle(self, *args, **opts):
        started = time.monotonic()
        counts = rebuild()
        for label, n in counts.items():
            self.stdout.write(f"{label}: {n} 条")
        self.stdout.write(f"完成,用时 {time.monotonic() - started:.1f} 秒。")
