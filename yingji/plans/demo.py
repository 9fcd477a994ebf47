"""Demo plans and drills (all 演示, invented): the city's plan set (总体, 专项, 部门) with a
revised 总体预案, 西固 and 城关 county plans, the plans of two demo enterprises in each of the
filing states, and a year of drills with findings at every step of 整改 → 验证 (one overdue).
Written through the real services by the personas who would do it, each step dated in the past.
Idempotent; fast (a few dozen rows)."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.demo import dated, moment
from yingji.standards.emergency_plans import filing_checklist

from . import services
from .models import Plan
from .schemas import (
    DrillFindingIn,
    EmergencyDrillIn,
    EmergencyPlanIn,
    FindingRectifyIn,
    FindingVerifyIn,
    PlanFilingDecisionIn,
    PlanFilingSubmitIn,
    PlanReviseIn,
    ScheduledDrillIn,
)

SEED = 31
MARK = "(演示)"

SECTIONS = ("总则", "组织指挥体系", "监测预警", "应急响应", "后期处置", "应急保障", "附则")


def _text(title: str, extra: dict | None = None) -> str:
    """An invented plan text: one paragraph per chapter, clearly marked as demo data."""
    lines = [f"{title}{MARK}", "本文件为演示数据,内容系虚构,仅用于展示平台功能。"]
    for n, section in enumerate(SECTIONS, 1):
        lines.append(f"{n} {section}")
        lines.append(
            (extra or {}).get(section, f"{section}:按照分级负责、属地为主的原则组织实施。")
        )
    return "\n".join(lines)


# (code, title, kind, owner, parent code, event types, years before today it took effect)
CITY = [
    (
        "DEMO-YA-620100-ZT",
        "兰州市突发事件总体应急预案",
        "general",
        "LZYJJ",
        None,
        ["natural", "production", "public_health", "social"],
        3.4,
    ),
    (
        "DEMO-YA-620100-WHP",
        "兰州市危险化学品事故应急预案",
        "special",
        "LZYJJ-WHP",
        "DEMO-YA-620100-ZT",
        ["hazchem"],
        2.1,
    ),
    (
        "DEMO-YA-620100-FX",
        "兰州市防汛抗旱应急预案",
        "special",
        "LZYJJ-FXHZ",
        "DEMO-YA-620100-ZT",
        ["flood"],
        2.85,
    ),
    (
        "DEMO-YA-620100-DZ",
        "兰州市地震应急预案",
        "special",
        "LZYJJ-JYYA",
        "DEMO-YA-620100-ZT",
        ["earthquake"],
        1.2,
    ),
    (
        "DEMO-YA-620100-JZ",
        "兰州市自然灾害救助应急预案",
        "department",
        "LZYJJ-JZWZ",
        "DEMO-YA-620100-ZT",
        ["natural"],
        0.6,
    ),
    (
        "DEMO-SC-620100-TX",
        "兰州市应急通信保障工作手册",
        "handbook",
        "LZYJJ-YJZH",
        "DEMO-YA-620100-ZT",
        [],
        3.3,
    ),
    (
        "DEMO-YA-620104-ZT",
        "西固区突发事件总体应急预案",
        "general",
        "XGQ-YJJ",
        "DEMO-YA-620100-ZT",
        ["natural", "production"],
        1.5,
    ),
    (
        "DEMO-YA-620104-WHP",
        "西固区危险化学品事故应急预案",
        "special",
        "XGQ-YJJ",
        "DEMO-YA-620104-ZT",
        ["hazchem"],
        3.2,
    ),
    (
        "DEMO-YA-620102-ZT",
        "城关区突发事件总体应急预案",
        "general",
        "CGQ-YJJ",
        "DEMO-YA-620100-ZT",
        ["natural", "production"],
        2.0,
    ),
    (
        "DEMO-YA-620102-FX",
        "城关区防汛应急预案",
        "special",
        "CGQ-YJJ",
        "DEMO-YA-620102-ZT",
        ["flood"],
        3.05,
    ),
]
# enterprise plans: (code suffix, title, kind, years ago, filing: none/submitted/returned/accepted)
ENTERPRISE = [
    ("ZH", "生产安全事故综合应急预案", "enterprise_general", 1.0, "accepted"),
    ("XL", "危险化学品泄漏专项应急预案", "enterprise_special", 0.3, "submitted"),
    ("HZ", "储罐区火灾现场处置方案", "onsite", 3.1, "returned"),
]


def _years_ago(today: dt.date, years: float) -> dt.date:
    return today - dt.timedelta(days=int(years * 365))


def _user(name):
    return get_user_model().objects.filter(username=name).first()


def _step(user, day, rng, fn):
    with actor_context(user, source="cli", label="demo"), dated(moment(day, rng)):
        return fn()


def load_demo(seed: int = SEED) -> dict:
    if Plan.objects.filter(code__startswith="DEMO-YA-", is_demo=True).exists():
        return {"plans": 0, "drills": 0}
    from yingji.orgs.models import Organisation

    city, county, ent = _user("whk_staff"), _user("xigu_staff"), _user("ent_user")
    cg = _user("chengguan_staff")
    if not all((city, county, ent, cg)):
        return {"plans": 0, "drills": 0}
    rng = random.Random(seed)
    today = timezone.localdate()
    plans: dict[str, Plan] = {}
    actor_for = {"XGQ-YJJ": county, "CGQ-YJJ": cg}
    for code, title, kind, owner, parent, events, years in CITY:
        day = _years_ago(today, years)
        user = actor_for.get(owner, city)
        data = EmergencyPlanIn(
            code=code,
            title=title + MARK,
            kind=kind,
            owner=owner,
            parent=plans[parent].pk if parent else None,
            event_types=events,
            effective_on=day,
            text=_text(title),
        )
        plans[code] = _step(
            user, day, rng, lambda u=user, d=data: services.do_create_plan(actor=u, data=d)
        )
    # the city's 总体预案 revised: a new version whose text differs in two chapters
    zt = plans["DEMO-YA-620100-ZT"]
    day = _years_ago(today, 0.9)
    revised = _text(
        "兰州市突发事件总体应急预案",
        {
            "组织指挥体系": "组织指挥体系:市突发事件应急委员会统一领导,下设专项应急指挥部。",
            "应急响应": "应急响应:响应分为一级、二级、三级、四级,一级为最高级别。",
        },
    )
    plans[zt.code] = _step(
        city,
        day,
        rng,
        lambda: services.do_revise_plan(
            actor=city,
            plan=zt,
            data=PlanReviseIn(
                effective_on=day,
                reason="机构改革后调整指挥体系和响应分级",
                text=revised,
                version=zt.version,
            ),
        ),
    )
    # 西固 county plans filed with the city bureau: accepted
    xg = plans["DEMO-YA-620104-ZT"]
    _file(county, city, xg, "accepted", _years_ago(today, 1.4), rng)
    # the enterprise's plans, in each filing state, decided by 西固区应急局
    org = Organisation.objects.filter(code="DEMO-ENT-620104-01").first()
    if org is not None:
        for suffix, title, kind, years, filing in ENTERPRISE:
            day = _years_ago(today, years)
            data = EmergencyPlanIn(
                code=f"DEMO-QY-620104-01-{suffix}",
                title=f"{org.name}{title}{MARK}",
                kind=kind,
                owner=org.code,
                parent=plans["DEMO-YA-620104-WHP"].pk,
                event_types=["hazchem"],
                effective_on=day,
                text=_text(title),
            )
            plan = _step(ent, day, rng, lambda d=data: services.do_create_plan(actor=ent, data=d))
            if filing != "none":
                _file(ent, county, plan, filing, day + dt.timedelta(days=10), rng)
            plans[plan.code] = plan
    Plan.objects.filter(pk__in=[p.pk for p in plans.values()]).update(is_demo=True)
    drills = _drills(plans, city, county, ent, rng, today)
    _parts(plans["DEMO-YA-620100-ZT"], city, _years_ago(today, 0.8), rng)
    # today's run of the daily job: the reviews due within the reminder's working days
    _step(city, today, rng, lambda: services.do_remind_plan_reviews(today=today))
    return {"plans": len(plans), "drills": drills}


# The structured parts of the city's 总体预案 (invented for the demo; the grading of response
# follows the usual four levels of government plans, the conditions are examples).
PARTS = [
    (
        "level",
        1,
        "一级应急响应",
        "市长",
        "发生特别重大突发事件,或死亡(含失踪)30人以上的生产安全事故。",
    ),
    ("level", 2, "二级应急响应", "市长", "发生重大突发事件,或死亡(含失踪)10人以上30人以下。"),
    ("level", 3, "三级应急响应", "分管副市长", "发生较大突发事件,或死亡(含失踪)3人以上10人以下。"),
    ("level", 4, "四级应急响应", "市应急管理局局长", "发生一般突发事件,需市级协调处置的。"),
    ("group", None, "综合协调组", "市应急管理局", "信息汇总、综合协调、会议组织。"),
    ("group", None, "抢险救援组", "市消防救援支队", "人员搜救、抢险救援、现场警戒配合。"),
    ("group", None, "医疗救治组", "市卫生健康委", "伤员救治、卫生防疫。"),
]
RESOURCES = [("棉帐篷", "ZP-01", "300", "顶"), ("折叠床", "ZC-01", "1000", "张")]


def _parts(plan, user, day, rng):
    from decimal import Decimal

    from .schemas import PlanPartIn

    for kind, level, name, lead, text in PARTS:
        data = PlanPartIn(kind=kind, level=level, name=name + MARK, lead_unit=lead, text=text)
        _step(
            user, day, rng, lambda d=data: services.do_add_plan_part(actor=user, plan=plan, data=d)
        )
    for name, code, qty, unit in RESOURCES:
        data = PlanPartIn(
            kind="resource", name=name + MARK, item_code=code, quantity=Decimal(qty), unit=unit
        )
        _step(
            user, day, rng, lambda d=data: services.do_add_plan_part(actor=user, plan=plan, data=d)
        )


def _file(submitter, decider, plan, outcome, day, rng):
    plan.refresh_from_db()
    _step(
        submitter,
        day,
        rng,
        lambda: services.do_submit_filing(
            actor=submitter,
            plan=plan,
            data=PlanFilingSubmitIn(note="请予备案", version=plan.version),
        ),
    )
    if outcome == "submitted":
        return
    plan.refresh_from_db()
    accept = outcome == "accepted"
    comment = (
        "" if accept else "未附应急资源调查报告,现场处置方案未明确岗位人员职责,请补充后重新报送。"
    )
    _step(
        decider,
        day + dt.timedelta(days=5),
        rng,
        lambda: services.do_decide_filing(
            actor=decider,
            plan=plan,
            data=PlanFilingDecisionIn(
                accept=accept,
                comment=comment,
                checklist=[
                    k
                    for k, _label in filing_checklist(services.filer_of(plan))
                    if accept or k != "resource_survey"
                ],
                version=plan.version,
            ),
        ),
    )


# (title, kind, days ago, organiser, actor key, plan codes, findings: (text, owner, due in days from drill, state))
DRILLS = [
    (
        "兰州市危险化学品泄漏事故综合应急演练",
        "comprehensive",
        200,
        "LZYJJ-WHP",
        "city",
        ["DEMO-YA-620100-WHP"],
        [
            ("现场指挥部与企业通信链路切换耗时过长", "张某(演示)", 30, "verified"),
            ("洗消物资储备点位置与预案不符", "李某(演示)", 45, "verified"),
        ],
    ),
    (
        "汛期应急通讯保障拉练",
        "comms",
        120,
        "LZYJJ-YJZH",
        "city",
        ["DEMO-SC-620100-TX"],
        [
            ("卫星电话电池未按期充电维护", "王某(演示)", 15, "rectified"),
            ("偏远乡镇短波电台值守人员不熟悉操作", "赵某(演示)", 30, "open"),
        ],
    ),
    (
        "西固区化工园区无脚本拉动演练",
        "unscripted",
        75,
        "XGQ-YJJ",
        "county",
        ["DEMO-YA-620104-WHP"],
        [
            ("夜间集结时间超出方案要求", "刘某(演示)", 20, "open"),
            ("园区周边群众疏散路线标识缺失", "陈某(演示)", 60, "rectified"),
        ],
    ),
    (
        "地震应急桌面推演",
        "tabletop",
        40,
        "LZYJJ-JYYA",
        "city",
        ["DEMO-YA-620100-DZ", "DEMO-YA-620100-ZT"],
        [
            ("各专项指挥部响应启动条件表述不一致", "孙某(演示)", 90, "open"),
        ],
    ),
    (
        "储罐区火灾现场处置演练",
        "special",
        25,
        "DEMO-ENT-620104-01",
        "ent",
        ["DEMO-QY-620104-01-HZ"],
        [
            ("消防泡沫液储量不足", "周某(演示)", 10, "open"),
        ],
    ),
]


# Drill scores (百分制) in the order of DRILLS, and the findings that are gaps of a plan itself
# (the plan is then flagged for revision). Invented for the demo.
SCORES = [86, 78, 72, 81, 75]
GAPS = {"各专项指挥部响应启动条件表述不一致": "DEMO-YA-620100-DZ"}
# This year's drill plans not yet carried out: (title, kind, organiser, actor key, months ahead)
UPCOMING = [
    ("兰州市森林草原火灾应急综合演练", "comprehensive", "LZYJJ-YJZH", "city", 1),
    ("西固区危化品道路运输事故桌面推演", "tabletop", "XGQ-YJJ", "county", 2),
    ("兰州市地质灾害避险转移演练", "special", "LZYJJ-YJZH", "city", -1),  # a month passed
]


def _schedule(user, rng, today, title, kind, organiser, month, codes_ids):
    """An item of this year's annual drill plan, entered in January (演示)."""
    day = min(dt.date(today.year, 1, 10), today)
    item = _step(
        user,
        day,
        rng,
        lambda: services.do_schedule_drill(
            actor=user,
            data=ScheduledDrillIn(
                year=today.year,
                month=month,
                title=title + MARK,
                kind=kind,
                organiser=organiser,
                plans=codes_ids,
            ),
        ),
    )
    type(item).objects.filter(pk=item.pk).update(is_demo=True)
    return item


def _upcoming(users, rng, today) -> None:
    for title, kind, organiser, who, ahead in UPCOMING:
        month = today.month + ahead
        if 1 <= month <= 12:
            _schedule(users[who], rng, today, title, kind, organiser, month, [])


def _drills(plans, city, county, ent, rng, today) -> int:
    from . import selectors

    users = {"city": city, "county": county, "ent": ent}
    n = 0
    _upcoming(users, rng, today)
    for i, (title, kind, days, organiser, who, codes, findings) in enumerate(DRILLS):
        user = users[who]
        held = today - dt.timedelta(days=days)
        ids = [plans[c].pk for c in codes if c in plans]
        scheduled = None
        if held.year == today.year:  # carried out as an item of this year's drill plan
            scheduled = _schedule(user, rng, today, title, kind, organiser, held.month, ids).pk
        teams = [t.pk for t in selectors.team_choices(user)[: 2 if who != "ent" else 0]]
        data = EmergencyDrillIn(
            score=SCORES[i % len(SCORES)],
            teams=teams,
            scheduled=scheduled,
            title=title + MARK,
            kind=kind,
            held_on=held,
            place="演示地点",
            organiser=organiser,
            plans=ids,
            participants="应急、消防、公安、卫健、属地街道及企业应急队伍(演示)",
            summary="演练按脚本完成,总体达到检验预案、锻炼队伍的目的;发现问题见下表。(演示)",
        )
        drill = _step(
            user, held, rng, lambda u=user, d=data: services.do_record_drill(actor=u, data=d)
        )
        type(drill).objects.filter(pk=drill.pk).update(is_demo=True)
        n += 1
        for text, owner, due, state in findings:
            f = _step(
                user,
                held,
                rng,
                lambda u=user, dr=drill, t=text, o=owner, d=due: services.do_add_finding(
                    actor=u,
                    drill=dr,
                    data=DrillFindingIn(
                        description=t,
                        owner_name=o,
                        due_on=dr.held_on + dt.timedelta(days=d),
                        plan=plans[GAPS[t]].pk if t in GAPS and GAPS[t] in plans else None,
                    ),
                ),
            )
            if state == "open":
                continue
            fixed_on = min(held + dt.timedelta(days=max(due - 3, 1)), today)
            f = _step(
                user,
                fixed_on,
                rng,
                lambda u=user, f=f: services.do_rectify_finding(
                    actor=u,
                    finding=f,
                    data=FindingRectifyIn(
                        rectification="已按要求整改,附整改照片(演示)", version=f.version
                    ),
                ),
            )
            if state == "verified":
                _step(
                    user,
                    min(fixed_on + dt.timedelta(days=2), today),
                    rng,
                    lambda u=user, f=f: services.do_verify_finding(
                        actor=u,
                        finding=f,
                        data=FindingVerifyIn(
                            passed=True, opinion="现场复核,整改到位(演示)", version=f.version
                        ),
                    ),
                )
    return n
