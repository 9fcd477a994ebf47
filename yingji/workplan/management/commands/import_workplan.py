"""yingji import-workplan FILE --dry-run [--format json|text]

Parses a work-points document (.txt or .docx) against the organisations in the database and
prints the structure (the JSON format of docs/workplan-json.md). Saving the plan into tracked
tasks comes with the supervision module (issue #3) and is not available yet: --dry-run is
required, and the command says so instead of pretending to save.
"""

import json

from django.core.management.base import CommandError

from yingji.core.commands import AuditedCommand
from yingji.workplan.importing import parse_file
from yingji.workplan.parsing import WorkplanParseError


class Command(AuditedCommand):
    help = "解析工作要点文件(.txt/.docx),输出结构(--dry-run,不保存)。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只解析并输出,不保存")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="名称=机构1,机构2",
            help="把文中未识别或待确认的名称对应到机构(可重复)",
        )

    def handle(self, *args, file, dry_run, format, map, **opts):
        if not dry_run:
            raise CommandError(
                "保存到督办台账的功能尚未开放(见 issue #3);请加 --dry-run 预览解析结果。"
            )
        mapping = {}
        for item in map:
            name, _, targets = item.partition("=")
            if not name or not targets:
                raise CommandError(f"--map 的格式应为 名称=机构1,机构2,实际为“{item}”。")
            mapping[name.strip()] = [t.strip() for t in targets.split(",") if t.strip()]
        try:
            plan = parse_file(file, mapping=mapping or None)
        except WorkplanParseError as exc:
            raise CommandError(exc.message)
        if format == "json":
            self.stdout.write(json.dumps(plan, ensure_ascii=False, indent=1))
            return
        self._summary(plan)

    def _summary(self, plan):
        parts = plan["parts"]
        sections = [s for p in parts for s in p["sections"]]
        tasks = [t for s in sections for t in s["tasks"]]
        self.stdout.write(f"{plan['title']}({plan['issuer']},{plan['issued_on']})")
        self.stdout.write(f"部分 {len(parts)},节 {len(sections)},任务 {len(tasks)}")
        for report in plan["reporting"]:
            self.stdout.write(f"报送:{report['name']} {report['due']}({report['interpretation']})")
        warnings = [(t["ref"], w) for t in tasks for w in t["warnings"]]
        warnings += [("文件", w) for w in plan["warnings"]]
        self.stdout.write(f"需审核的提示 {len(warnings)} 条:")
        for ref, w in warnings:
            self.stdout.write(f"  [{ref}] {w['message']}")
