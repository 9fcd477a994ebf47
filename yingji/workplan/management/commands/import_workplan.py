"""yingji import-workplan FILE [--dry-run] [--format json|text] [--map 名称=机构] [--confirm]

Parses a work-points document (.txt or .docx) against the organisations in the database.
--dry-run prints the structure (the JSON format of docs/workplan-json.md) and saves nothing.
Without it the document is kept as an import waiting for review (the same as an upload in the
web UI, where it can be reviewed and confirmed); with --confirm it is applied at once, which is
refused while a name is still unresolved. --user names who does it (a coordinator).
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
        parser.add_argument("--user", help="以该用户身份导入(须为督办科室或制定单位人员)")
        parser.add_argument("--owner", default="LZYJJ", help="制定单位编码(默认 LZYJJ)")
        parser.add_argument(
            "--coordinator", default="LZYJJ-ZHXT", help="督办科室编码(默认 LZYJJ-ZHXT)"
        )
        parser.add_argument("--confirm", action="store_true", help="直接确认导入(不经网页审核)")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="名称=机构1,机构2",
            help="把文中未识别或待确认的名称对应到机构(可重复)",
        )

    def handle(self, *args, file, dry_run, format, map, **opts):
        mapping = {}
        for item in map:
            name, _, targets = item.partition("=")
            if not name or not targets:
                raise CommandError(f"--map 的格式应为 名称=机构1,机构2,实际为“{item}”。")
            mapping[name.strip()] = [t.strip() for t in targets.split(",") if t.strip()]
        if not dry_run:
            return self._save(file, mapping, opts)
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

    def _save(self, file, mapping, opts):
        from pathlib import Path

        from django.contrib.auth import get_user_model

        from yingji.core.context import set_context_user
        from yingji.core.errors import DomainError
        from yingji.orgs.models import Organisation
        from yingji.workplan import services

        if not opts.get("user"):
            raise CommandError("保存导入须用 --user 指明操作人(督办科室或制定单位人员)。")
        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"用户不存在:{opts['user']}")
        set_context_user(user)
        owner = Organisation.objects.filter(code=opts["owner"]).first()
        coordinator = Organisation.objects.filter(code=opts["coordinator"]).first()
        if owner is None or coordinator is None:
            raise CommandError(f"机构编码不存在:{opts['owner']} / {opts['coordinator']}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在:{path}")
        try:
            session = services.do_start_import(
                actor=user,
                file_name=path.name,
                data=path.read_bytes(),
                owner=owner,
                coordinator=coordinator,
                mapping=mapping,
            )
            self.stdout.write(f"已上传,导入编号 {session.pk}")
            for w in services.all_warnings(session.parsed):
                self.stdout.write(f"  [{w['ref'] or '文件'}] {w['message']}")
            if not opts.get("confirm"):
                self.stdout.write(
                    f"请在网页“工作要点督办 → 导入”中审核并确认(/workplan/imports/{session.pk}/)。"
                )
                return
            plan, counts = services.do_confirm_import(actor=user, session=session)
        except DomainError as exc:
            raise CommandError(exc.message)
        summary = "、".join(f"{k} {v}" for k, v in counts.items() if v) or "无变化"
        self.stdout.write(f"已导入《{plan.title}》(计划编号 {plan.pk}):{summary}")
