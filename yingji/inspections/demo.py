"""Demo 执法检查 (all marked 演示 / is_demo): this year's plans of the city bureau, 西固区 and
城关区 built by the plan builder (the first proposals of each, to stay fast), inspections with
checklists and findings (one finding turned into a hazard), a duplicate inspection of a 西固区
enterprise by the city bureau recorded with its reason, and one enforcement case file.
Written through the services, by the demo personas; nothing is done if a demo plan exists."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yingji.core.context import actor_context, get_actor_context
from yingji.enterprises.models import Enterprise
from yingji.orgs.models import Organisation

from . import services
from .models import InspectionPlan, PlanEntry
from .selectors import plan_proposals

PROPOSALS_PER_PLAN = 12
PLANS = [
    # owner, acting persona, agency, inspectors
    ("LZYJJ", "whk_staff", "LZYJJ-ZD", "市安全生产监察支队 执法一大队"),
    ("XGQ-YJJ", "xigu_staff", "XGQ-YJJ", "西固区应急局 执法大队"),
    ("CGQ-YJJ", "chengguan_staff", "CGQ-YJJ", "城关区应急局 执法大队"),
]


def _users():
    names = [p[1] for p in PLANS]
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _record(actor, inspection, fails: dict, participants: str, summary: str, hazard=False):
    """Fill the checklist (all 符合 but `fails`: code → (description, category, level)), add
    the findings, optionally make the first a hazard, complete the inspection."""
    results = {i["code"]: ("fail" if i["code"] in fails else "ok") for i in inspection.checklist}
    remarks = {code: f[0][:60] for code, f in fails.items()}
    inspection = services.do_record_checklist(
        actor=actor,
        inspection=inspection,
        results=results,
        remarks=remarks,
        participants=participants,
        enterprise_attendees="安全管理负责人",
        summary=summary,
    )
    findings = [
        services.do_add_finding(
            actor=actor,
            inspection=inspection,
            description=description,
            category=category,
            level=level,
            location="生产区",
            item_code=code,
        )
        for code, (description, category, level) in fails.items()
    ]
    inspection = services.do_complete_inspection(actor=actor, inspection=inspection)
    if hazard and findings:
        services.do_create_hazard_from_finding(actor=actor, finding=findings[0])
    return inspection


@transaction.atomic
def load_demo() -> dict:
    if InspectionPlan.objects.filter(is_demo=True).exists():
        return {"plans": 0}
    users = _users()
    if len(users) < len(PLANS):
        return {"plans": 0}
    today = timezone.localdate()
    year = today.year
    ctx = get_actor_context()
    source = ctx.source if ctx else "system"
    orgs = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in=[p[0] for p in PLANS] + ["LZYJJ-ZD", "LZYJJ-WHP"]
        )
    }
    counts = {"plans": 0, "entries": 0, "inspections": 0, "overlaps": 0, "cases": 0}
    plans = {}
    for owner_code, username, agency_code, inspectors in PLANS:
        actor = users[username]
        with actor_context(actor, source=source, label="demo"):
            plan = services.do_create_plan(
                actor=actor,
                owner=orgs[owner_code],
                year=year,
                title=f"{orgs[owner_code].name}{year}年度安全生产监督检查计划(演示)",
                note="演示数据:由计划生成器按监管层级和风险等级生成。",
                is_demo=True,
            )
            wanted = [p["enterprise"].pk for p in plan_proposals(plan)[:PROPOSALS_PER_PLAN]]
            result = services.do_build_plan(
                actor=actor,
                plan=plan,
                enterprise_ids=wanted,
                agency=orgs[agency_code],
                inspectors=inspectors,
            )
            services.do_issue_plan(actor=actor, plan=plan)
        plans[owner_code] = plan
        counts["plans"] += 1
        counts["entries"] += result["created"]

    xigu, city, chengguan = users["xigu_staff"], users["whk_staff"], users["chengguan_staff"]
    a1 = Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")
    # 1. 西固区 inspects its county-tier enterprise A1 (from its plan if A1 is in it).
    with actor_context(xigu, source=source, label="demo"):
        entry = PlanEntry.objects.filter(plan=plans["XGQ-YJJ"], enterprise=a1, state="planned")
        entry = entry.order_by("month").first()
        day = today - timedelta(days=20)
        entry = entry if entry and day.year == year else None
        insp = services.do_schedule_inspection(
            actor=xigu,
            enterprise=a1,
            inspected_on=day,
            agency=orgs["XGQ-YJJ"],
            kind="planned" if entry else "special",
            entry=entry,
            participants="王建国、李志强",
            is_demo=True,
        )
        fails = {
            "C4": ("隐患排查治理台账未记录整改责任人和完成时限", "management", "general"),
        }
        if insp.sector_group == "hazchem":
            fails["H3"] = ("罐区可燃气体检测报警器超期未检定", "equipment", "general")
        _record(
            xigu,
            insp,
            fails,
            "王建国、李志强",
            "演示:例行检查,发现问题已责令限期整改。",
            hazard=True,
        )
        counts["inspections"] += 1
    # 2. The city bureau's 专项检查 of the same enterprise ten days later: an overlap, with reason.
    with actor_context(city, source=source, label="demo"):
        insp2 = services.do_schedule_inspection(
            actor=city,
            enterprise=a1,
            inspected_on=today - timedelta(days=10),
            agency=orgs["LZYJJ-WHP"],
            kind="special",
            participants="赵海燕、陈立新",
            reason="危险化学品安全专项整治三年行动市级督导检查,已与西固区应急局沟通(演示)",
            is_demo=True,
        )
        _record(city, insp2, {}, "赵海燕、陈立新", "演示:市级督导检查,未发现新问题。")
        counts["inspections"] += 1
        counts["overlaps"] += insp2.overlaps.count()
    # 3. 城关区: one completed inspection with findings, one scheduled.
    with actor_context(chengguan, source=source, label="demo"):
        cg = list(
            Enterprise.objects.filter(
                region__code="620102", tier="county", status="operating"
            ).order_by("organisation__code")[:2]
        )
        if cg:
            done = services.do_schedule_inspection(
                actor=chengguan,
                enterprise=cg[0],
                inspected_on=today - timedelta(days=15),
                agency=orgs["CGQ-YJJ"],
                kind="unannounced",
                participants="张文静、刘学军",
                is_demo=True,
            )
            _record(
                chengguan,
                done,
                {"C5": ("应急预案未按期组织演练", "management", "general")},
                "张文静、刘学军",
                "演示:暗查暗访。",
            )
            counts["inspections"] += 1
        if len(cg) > 1:
            services.do_schedule_inspection(
                actor=chengguan,
                enterprise=cg[1],
                inspected_on=today + timedelta(days=7),
                agency=orgs["CGQ-YJJ"],
                kind="special",
                participants="张文静、刘学军",
                is_demo=True,
            )
            counts["inspections"] += 1
    # 4. The city bureau inspects a city-tier enterprise and opens a case file (立案 → 处罚决定).
    with actor_context(city, source=source, label="demo"):
        target = (
            Enterprise.objects.filter(tier="city", status="operating", sector__startswith="hazchem")
            .order_by("organisation__code")
            .first()
        )
        if target is not None:
            insp3 = services.do_schedule_inspection(
                actor=city,
                enterprise=target,
                inspected_on=today - timedelta(days=30),
                agency=orgs["LZYJJ-ZD"],
                kind="special",
                participants="赵海燕、陈立新、孙明",
                is_demo=True,
            )
            insp3 = _record(
                city,
                insp3,
                {"H4": ("动火作业未办理作业票,现场无监护人", "behaviour", "major")},
                "赵海燕、陈立新、孙明",
                "演示:专项检查发现违法行为,移交立案。",
            )
            case = services.do_open_case(
                actor=city,
                enterprise=target,
                agency=orgs["LZYJJ-ZD"],
                cause="未按规定进行动火作业审批(违反《安全生产法》第四十三条)(演示)",
                filed_on=today - timedelta(days=28),
                inspection=insp3,
                handlers="赵海燕、陈立新",
                is_demo=True,
            )
            case = services.do_advance_case(
                actor=city,
                case=case,
                to_state="investigating",
                investigation="调取作业票台账和监控录像,制作询问笔录 2 份(演示)。",
            )
            case = services.do_set_case_system(
                actor=city,
                case=case,
                system="recording",
                note="现场检查和询问全程执法记录仪录像,已归档(演示)",
            )
            case = services.do_advance_case(
                actor=city,
                case=case,
                to_state="decided",
                decision="责令改正,处罚款人民币叁万元整(演示)。",
                decision_number="兰应急罚〔演示〕1号",
                penalty_amount=Decimal("30000"),
            )
            counts["cases"] += 1
    return counts
