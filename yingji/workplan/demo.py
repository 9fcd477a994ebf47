"""Demo data for 工作要点督办: the 2022 seed document imported through the same services as a
user would (upload → map the unconfirmed alias → confirm), plus plausible progress: half-year
and annual reports by the lead sections, most accepted, a few returned or waiting for review,
some late; county plans for 西固区 and 城关区 with their own reports (two, to keep the demo
load quick); one 督办单. Idempotent: nothing is done if the demo plan exists. All marked 演示
(Plan.is_demo).

The loader is the data below plus small steps, each one service call as a user would make it."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from yingji.core.audit import record_event
from yingji.core.context import actor_context, get_actor_context
from yingji.orgs.models import Organisation

from . import services
from .models import Assignment, Plan

SEED = Path(__file__).parent / "data" / "2022-lanzhou-emergency-work-points.txt"
COORDINATOR_USER = "zhxt_staff"
ADMIN_USER = "city_admin"  # reports on behalf of the units (most sections have no demo user)
OWNER, COORDINATOR = "LZYJJ", "LZYJJ-ZHXT"
MAPPING = {"救灾和物资储备科": ["救灾和物资保障科"]}  # the alias the parser flags
COUNTIES = ("XGQ-YJJ", "CGQ-YJJ")

PHRASES = {
    "in_progress": [
        "已制定工作方案,明确责任分工和时间节点,正在按计划推进。",
        "已召开专题会议部署,完成前期调研,正在组织实施。",
        "已完成阶段性目标,剩余工作正在推进中。",
    ],
    "done": [
        "已按要求全面完成,形成工作总结并归档。",
        "各项工作已落实到位,相关制度文件已印发执行。",
        "已完成全部任务,量化指标均已达到。",
    ],
    "late": ["受疫情影响部分工作延后,已调整计划,正在加快推进。"],
}
HALF_YEAR_PERCENTS = [30, 40, 50, 60]
LATE_PERCENTS = [60, 70, 80]
DONE_RATE = {"city": 0.75, "county": 0.6}  # share of annual reports saying 已完成
LATE_RATE = 0.1  # then 滞后; the rest have no annual report yet (they show as overdue)
ACCEPT_RATE, RETURN_RATE = 0.8, 0.1  # of annual reports; the rest wait for review
RETURN_COMMENT = "请补充量化指标完成情况和佐证材料。"
DAILY_CHECK = (12, 21)  # month, day of the plan year: the demo's "today"
NOTICE = {
    "deadline": date(2022, 12, 30),
    "reason": "该项工作已超过完成时限,请于办结时限前完成并报送办理情况。",
    "today": date(2022, 12, 21),
}


def _demo_users():
    users = get_user_model().objects.filter(username__in=[COORDINATOR_USER, ADMIN_USER])
    return {u.username: u for u in users}


@transaction.atomic
def load_demo(seed: int = 2022) -> dict:
    if Plan.objects.filter(is_demo=True).exists():
        return {"plans": 0}
    users = _demo_users()
    coordinator_user, admin = users.get(COORDINATOR_USER), users.get(ADMIN_USER)
    if coordinator_user is None or admin is None:
        return {"plans": 0}
    ctx = get_actor_context()
    with actor_context(coordinator_user, source=ctx.source if ctx else "system", label="demo"):
        plan = _import_seed(coordinator_user)
        counties = _county_plans(plan, coordinator_user)
        rng = random.Random(seed)
        reports = _progress(plan, coordinator_user, admin, rng, DONE_RATE["city"])
        for county_plan in counties:
            reports += _progress(county_plan, coordinator_user, admin, rng, DONE_RATE["county"])
        _notice_for_a_late_task(plan, coordinator_user)
    record_event(
        "demo.workplan", f"演示:工作要点督办,计划 {1 + len(counties)} 个,进展报告 {reports} 份"
    )
    return {"plans": 1 + len(counties), "reports": reports}


def _import_seed(user) -> Plan:
    """Upload the seed document, map the flagged alias, confirm; mark the plan as demo."""
    session = services.do_start_import(
        actor=user,
        file_name=SEED.name,
        data=SEED.read_bytes(),
        owner=Organisation.objects.get(code=OWNER),
        coordinator=Organisation.objects.get(code=COORDINATOR),
    )
    session = services.do_update_import_mapping(actor=user, session=session, mapping=MAPPING)
    plan, _counts = services.do_confirm_import(actor=user, session=session)
    Plan.objects.filter(pk=plan.pk).update(is_demo=True)
    plan.refresh_from_db()
    return plan


def _county_plans(plan: Plan, user) -> list[Plan]:
    counties = Organisation.objects.filter(code__in=COUNTIES)
    by_code = {c.code: c for c in counties}
    return [
        services.do_create_county_plan(actor=user, city_plan=plan, county=by_code[code])
        for code in COUNTIES
        if code in by_code
    ]


def _progress(plan, coordinator_user, admin, rng, done_rate: float) -> int:
    """Half-year and annual reports for every assignment, submitted on behalf of the unit (the
    demo has no users in most sections) and reviewed by the coordinating section."""
    cycles = {c.kind: c for c in plan.cycles.all()}
    half, annual = cycles.get("half_year"), cycles.get("annual")
    count = 0
    assignments = Assignment.objects.filter(task__plan=plan).select_related("task", "organisation")
    for assignment in assignments.order_by("pk"):
        if half is not None:
            _half_year(assignment, half, coordinator_user, admin, rng)
            count += 1
        if annual is not None:
            count += _annual(assignment, annual, coordinator_user, admin, rng, done_rate)
    services.do_run_daily_check(today=date(plan.year, *DAILY_CHECK))
    return count


def _half_year(assignment, cycle, coordinator_user, admin, rng) -> None:
    """推进中 at half-year, accepted."""
    report = services.do_submit_report(
        actor=admin,
        assignment=assignment,
        cycle=cycle,
        reported_status="in_progress",
        percent=rng.choice(HALF_YEAR_PERCENTS),
        narrative=rng.choice(PHRASES["in_progress"]),
    )
    services.do_review_report(
        actor=coordinator_user, report=report, decision="accept", today=cycle.due
    )


def _annual_outcome(rng, done_rate: float) -> tuple[str, int] | None:
    roll = rng.random()
    if roll < done_rate:
        return "done", 100
    if roll < done_rate + LATE_RATE:
        return "late", rng.choice(LATE_PERCENTS)
    return None  # no annual report yet: it will show as late (overdue)


def _annual(assignment, cycle, coordinator_user, admin, rng, done_rate: float) -> int:
    """已完成 or 滞后 at the year end (or nothing yet); most accepted, some returned, some
    waiting for review. Returns the number of reports made (0 or 1)."""
    outcome = _annual_outcome(rng, done_rate)
    if outcome is None:
        return 0
    status, percent = outcome
    report = services.do_submit_report(
        actor=admin,
        assignment=assignment,
        cycle=cycle,
        reported_status=status,
        percent=percent,
        narrative=rng.choice(PHRASES[status]),
    )
    decision = rng.random()
    if decision < ACCEPT_RATE:
        services.do_review_report(
            actor=coordinator_user, report=report, decision="accept", today=cycle.due
        )
    elif decision < ACCEPT_RATE + RETURN_RATE:
        services.do_review_report(
            actor=coordinator_user, report=report, decision="return", comment=RETURN_COMMENT
        )
    return 1


def _notice_for_a_late_task(plan: Plan, user) -> None:
    late = (
        Assignment.objects.filter(task__plan=plan, status="late")
        .select_related("task")
        .order_by("pk")
        .first()
    )
    if late is not None:
        services.do_issue_notice(
            actor=user,
            assignment=late,
            deadline=NOTICE["deadline"],
            reason=NOTICE["reason"],
            today=NOTICE["today"],
        )
