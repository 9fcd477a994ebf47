"""Demo 执法检查 (all marked 演示 / is_demo): this year's plans of the city bureau, 西固区 and
城关区 built by the plan builder (the first proposals of each, to stay fast), inspections with
checklists and findings (one finding turned into a hazard), a duplicate inspection of a 西固区
enterprise by the city bureau recorded with its reason, and one enforcement case file.
Written through the services, by the demo personas; nothing is done if a demo plan exists.

The demo is data (PLANS, VISITS, CASE) played by small steps."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yingji.core.context import actor_context, get_actor_context
from yingji.core.demo import dated, moment
from yingji.core.hooks import preconditions
from yingji.enterprises.models import Enterprise
from yingji.orgs.models import Organisation

from . import services
from .models import Inspection, InspectionPlan, Overlap, PlanEntry
from .selectors import plan_proposals

PROPOSALS_PER_PLAN = 12
PLANS = [
    # owner, acting persona, agency, inspectors
    ("LZYJJ", "whk_staff", "LZYJJ-ZD", "市安全生产监察支队 执法一大队"),
    ("XGQ-YJJ", "xigu_staff", "XGQ-YJJ", "西固区应急局 执法大队"),
    ("CGQ-YJJ", "chengguan_staff", "CGQ-YJJ", "城关区应急局 执法大队"),
]


RNG = random.Random(2022)  # the times of day of the demo's steps


@dataclass(frozen=True)
class Visit:
    """A demo inspection: who inspects which enterprise (a key of ENTERPRISES) how many days
    from today, and what they found (checklist code → (description, category, level)).
    Without a ``summary`` it stays scheduled; ``from_plan`` takes a planned entry of that
    bureau's plan when one falls in this year."""

    key: str
    persona: str
    agency: str
    enterprise: str
    days: int
    kind: str
    participants: str
    summary: str = ""
    fails: dict = field(default_factory=dict)
    hazchem_fails: dict = field(default_factory=dict)  # only for a 危化 checklist
    hazard: bool = False  # the first finding becomes a hazard
    reason: str = ""  # the reason to proceed despite another bureau's inspection
    from_plan: str = ""


VISITS = [
    # 1. 西固区 inspects its county-tier enterprise A1 (from its plan if A1 is in it).
    Visit(
        "xigu_a1",
        "xigu_staff",
        "XGQ-YJJ",
        "a1",
        -20,
        "special",
        "王建国、李志强",
        summary="演示:例行检查,发现问题已责令限期整改。",
        fails={"C4": ("隐患排查治理台账未记录整改责任人和完成时限", "management", "general")},
        hazchem_fails={"H3": ("罐区可燃气体检测报警器超期未检定", "equipment", "general")},
        hazard=True,
        from_plan="XGQ-YJJ",
    ),
    # 2. The city bureau's 专项检查 of the same enterprise ten days later: an overlap, with reason.
    Visit(
        "city_a1",
        "whk_staff",
        "LZYJJ-WHP",
        "a1",
        -10,
        "special",
        "赵海燕、陈立新",
        summary="演示:市级督导检查,未发现新问题。",
        reason="危险化学品安全专项整治三年行动市级督导检查,已与西固区应急局沟通(演示)",
    ),
    # 3. 城关区: one completed inspection with findings, one scheduled.
    Visit(
        "chengguan_done",
        "chengguan_staff",
        "CGQ-YJJ",
        "chengguan_1",
        -15,
        "unannounced",
        "张文静、刘学军",
        summary="演示:暗查暗访。",
        fails={"C5": ("应急预案未按期组织演练", "management", "general")},
    ),
    Visit(
        "chengguan_next",
        "chengguan_staff",
        "CGQ-YJJ",
        "chengguan_2",
        7,
        "special",
        "张文静、刘学军",
    ),
    # 4. The city bureau inspects a city-tier enterprise and opens a case file (CASE).
    Visit(
        "city_case",
        "whk_staff",
        "LZYJJ-ZD",
        "city_hazchem",
        -30,
        "special",
        "赵海燕、陈立新、孙明",
        summary="演示:专项检查发现违法行为,移交立案。",
        fails={"H4": ("动火作业未办理作业票,现场无监护人", "behaviour", "major")},
    ),
]

# 立案 → 调查取证 (with the 执法全过程记录 ticked) → 处罚决定, on the inspection of VISITS "city_case".
CASE = {
    "visit": "city_case",
    "persona": "whk_staff",
    "agency": "LZYJJ-ZD",
    "cause": "未按规定进行动火作业审批(违反《安全生产法》第四十三条)(演示)",
    "days": -28,
    "handlers": "赵海燕、陈立新",
    "steps": [
        (
            "advance",
            {
                "to_state": "investigating",
                "investigation": "调取作业票台账和监控录像,制作询问笔录 2 份(演示)。",
            },
        ),
        (
            "system",
            {"system": "recording", "note": "现场检查和询问全程执法记录仪录像,已归档(演示)"},
        ),
        (
            "advance",
            {
                "to_state": "decided",
                "decision": "责令改正,处罚款人民币叁万元整(演示)。",
                "decision_number": "兰应急罚〔演示〕1号",
                "penalty_amount": Decimal("30000"),
            },
        ),
    ],
}
CASE_STEPS = {"advance": services.do_advance_case, "system": services.do_set_case_system}


def _county_enterprise(region_code: str, index: int):
    """The ``index``-th operating county-tier enterprise of a county, or None."""
    found = Enterprise.objects.filter(
        region__code=region_code, tier="county", status="operating"
    ).order_by("organisation__code")[index : index + 1]
    return found.first()


ENTERPRISES = {
    "a1": lambda: Enterprise.objects.filter(organisation__code="DEMO-ENT-620104-01").first(),
    "chengguan_1": lambda: _county_enterprise("620102", 0),
    "chengguan_2": lambda: _county_enterprise("620102", 1),
    "city_hazchem": lambda: (
        Enterprise.objects.filter(tier="city", status="operating", sector__startswith="hazchem")
        .order_by("organisation__code")
        .first()
    ),
}


@dataclass
class Run:
    """What one demo load has made so far."""

    today: date
    source: str
    users: dict
    orgs: dict
    plans: dict = field(default_factory=dict)
    inspections: dict = field(default_factory=dict)
    counts: dict = field(
        default_factory=lambda: dict.fromkeys(
            ("plans", "entries", "inspections", "overlaps", "cases"), 0
        )
    )

    def acting(self, username: str):
        return actor_context(self.users[username], source=self.source, label="demo")


def _usernames() -> set[str]:
    return {p[1] for p in PLANS} | {v.persona for v in VISITS} | {CASE["persona"]}


def _org_codes() -> set[str]:
    codes = {p[0] for p in PLANS} | {p[2] for p in PLANS} | {v.agency for v in VISITS}
    return codes | {CASE["agency"]}


def _start() -> Run | None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=_usernames())}
    if len(users) < len(_usernames()):
        return None
    ctx = get_actor_context()
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=_org_codes())}
    return Run(timezone.localdate(), ctx.source if ctx else "system", users, orgs)


def _make_plan(run: Run, owner_code: str, username: str, agency_code: str, inspectors: str):
    """A plan of this year built from the first proposals, and issued."""
    actor, owner, year = run.users[username], run.orgs[owner_code], run.today.year
    issued = min(date(year, 1, 10) + timedelta(days=run.counts["plans"] * 3), run.today)
    with run.acting(username), dated(moment(issued, RNG)):
        plan = services.do_create_plan(
            actor=actor,
            owner=owner,
            year=year,
            title=f"{owner.name}{year}年度安全生产监督检查计划(演示)",
            note="演示数据:由计划生成器按监管层级和风险等级生成。",
            is_demo=True,
        )
        wanted = [p["enterprise"].pk for p in plan_proposals(plan)[:PROPOSALS_PER_PLAN]]
        result = services.do_build_plan(
            actor=actor,
            plan=plan,
            enterprise_ids=wanted,
            agency=run.orgs[agency_code],
            inspectors=inspectors,
        )
        services.do_issue_plan(actor=actor, plan=plan)
    run.plans[owner_code] = plan
    run.counts["plans"] += 1
    run.counts["entries"] += result["created"]


def _plan_entry(run: Run, visit: Visit, enterprise, day: date) -> PlanEntry | None:
    if not visit.from_plan or day.year != run.today.year:
        return None
    entries = PlanEntry.objects.filter(
        plan=run.plans[visit.from_plan], enterprise=enterprise, state="planned"
    )
    return entries.order_by("month").first()


def _record(actor, inspection: Inspection, visit: Visit) -> Inspection:
    """Fill the checklist (all 符合 but the visit's fails), add the findings, optionally make
    the first a hazard, complete the inspection."""
    fails = dict(visit.fails)
    if inspection.sector_group == "hazchem":
        fails |= visit.hazchem_fails
    results = {i["code"]: ("fail" if i["code"] in fails else "ok") for i in inspection.checklist}
    inspection = services.do_record_checklist(
        actor=actor,
        inspection=inspection,
        results=results,
        remarks={code: f[0][:60] for code, f in fails.items()},
        participants=visit.participants,
        enterprise_attendees="安全管理负责人",
        summary=visit.summary,
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
    # Completed here unless another module's rule is not met yet (执法 requires two certified
    # officers named on it): that module's demo names them and completes it.
    if not preconditions("inspections.complete", inspection):
        inspection = services.do_complete_inspection(actor=actor, inspection=inspection)
    if visit.hazard and findings:
        services.do_create_hazard_from_finding(actor=actor, finding=findings[0])
    return inspection


def _make_visit(run: Run, visit: Visit) -> None:
    enterprise = ENTERPRISES[visit.enterprise]()
    if enterprise is None:
        return
    actor, day = run.users[visit.persona], run.today + timedelta(days=visit.days)
    # scheduled a week ahead (or today, for a visit that is still to come), recorded that day
    scheduled = min(day - timedelta(days=7), run.today)
    with run.acting(visit.persona), dated(moment(scheduled, RNG)):
        entry = _plan_entry(run, visit, enterprise, day)
        inspection = services.do_schedule_inspection(
            actor=actor,
            enterprise=enterprise,
            inspected_on=day,
            agency=run.orgs[visit.agency],
            kind="planned" if entry else visit.kind,
            entry=entry,
            participants=visit.participants,
            reason=visit.reason,
            is_demo=True,
        )
    if visit.summary:
        with run.acting(visit.persona), dated(moment(min(day, run.today), RNG)):
            inspection = _record(actor, inspection, visit)
    run.inspections[visit.key] = inspection
    run.counts["inspections"] += 1


def _open_case(run: Run) -> None:
    inspection = run.inspections.get(CASE["visit"])
    if inspection is None:
        return
    actor = run.users[CASE["persona"]]
    filed = min(run.today + timedelta(days=CASE["days"]), run.today)
    with run.acting(CASE["persona"]), dated(moment(filed, RNG)):
        case = services.do_open_case(
            actor=actor,
            enterprise=inspection.enterprise,
            agency=run.orgs[CASE["agency"]],
            cause=CASE["cause"],
            filed_on=run.today + timedelta(days=CASE["days"]),
            inspection=inspection,
            handlers=CASE["handlers"],
            is_demo=True,
        )
        for step, values in CASE["steps"]:
            case = CASE_STEPS[step](actor=actor, case=case, **values)
    run.counts["cases"] += 1


@transaction.atomic
def load_demo() -> dict:
    if InspectionPlan.objects.filter(is_demo=True).exists():
        return {"plans": 0}
    run = _start()
    if run is None:
        return {"plans": 0}
    RNG.seed(2022)
    for spec in PLANS:
        _make_plan(run, *spec)
    for visit in VISITS:
        _make_visit(run, visit)
    _open_case(run)
    run.counts["overlaps"] = Overlap.objects.filter(is_demo=True).count()
    return run.counts
