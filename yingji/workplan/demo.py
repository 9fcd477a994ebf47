"""Demo data for 工作要点督办: the 2022 seed document imported through the same services as a
user would (upload → map the unconfirmed alias → confirm), plus plausible progress: half-year
and annual reports by the lead sections, most accepted, a few returned or waiting for review,
some late; county plans for 西固区 and 城关区 with their own reports (two, to keep the demo load quick); one 督办单. Idempotent:
nothing is done if the demo plan exists. All marked 演示 (Plan.is_demo)."""

from __future__ import annotations

import random
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


def _demo_users():
    users = get_user_model().objects.filter(username__in=[COORDINATOR_USER, "city_admin"])
    return {u.username: u for u in users}


@transaction.atomic
def load_demo(seed: int = 2022) -> dict:
    if Plan.objects.filter(is_demo=True).exists():
        return {"plans": 0}
    users = _demo_users()
    coordinator_user = users.get(COORDINATOR_USER)
    admin = users.get("city_admin")
    if coordinator_user is None or admin is None:
        return {"plans": 0}
    owner = Organisation.objects.get(code="LZYJJ")
    coordinator = Organisation.objects.get(code="LZYJJ-ZHXT")
    ctx = get_actor_context()
    source = ctx.source if ctx else "system"
    with actor_context(coordinator_user, source=source, label="demo"):
        session = services.do_start_import(
            actor=coordinator_user,
            file_name=SEED.name,
            data=SEED.read_bytes(),
            owner=owner,
            coordinator=coordinator,
        )
        session = services.do_update_import_mapping(
            actor=coordinator_user,
            session=session,
            mapping={"救灾和物资储备科": ["救灾和物资保障科"]},
        )
        plan, _counts = services.do_confirm_import(actor=coordinator_user, session=session)
        Plan.objects.filter(pk=plan.pk).update(is_demo=True)
        plan.refresh_from_db()
        counties = [
            services.do_create_county_plan(
                actor=coordinator_user,
                city_plan=plan,
                county=Organisation.objects.get(code=code),
            )
            for code in ("XGQ-YJJ", "CGQ-YJJ")
            if Organisation.objects.filter(code=code).exists()
        ]
        rng = random.Random(seed)
        reports = _progress(plan, coordinator_user, admin, rng)
        for county_plan in counties:
            reports += _progress(county_plan, coordinator_user, admin, rng, done_rate=0.6)
        late = (
            Assignment.objects.filter(task__plan=plan, status="late")
            .select_related("task")
            .order_by("pk")
            .first()
        )
        if late is not None:
            from datetime import date

            services.do_issue_notice(
                actor=coordinator_user,
                assignment=late,
                deadline=date(2022, 12, 30),
                reason="该项工作已超过完成时限,请于办结时限前完成并报送办理情况。",
                today=date(2022, 12, 21),
            )
    record_event(
        "demo.workplan", f"演示:工作要点督办,计划 {1 + len(counties)} 个,进展报告 {reports} 份"
    )
    return {"plans": 1 + len(counties), "reports": reports}


def _progress(plan, coordinator_user, admin, rng, done_rate: float = 0.75) -> int:
    """Half-year and annual reports for every assignment, submitted on behalf of the unit (the
    demo has no users in most sections) and reviewed by the coordinating section."""
    cycles = {c.kind: c for c in plan.cycles.all()}
    half, annual = cycles.get("half_year"), cycles.get("annual")
    count = 0
    assignments = list(
        Assignment.objects.filter(task__plan=plan).select_related("task").order_by("pk")
    )
    for assignment in assignments:
        if half is not None:
            report = services.do_submit_report(
                actor=admin,
                assignment=assignment,
                cycle=half,
                reported_status="in_progress",
                percent=rng.choice([30, 40, 50, 60]),
                narrative=rng.choice(PHRASES["in_progress"]),
            )
            services.do_review_report(
                actor=coordinator_user, report=report, decision="accept", today=half.due
            )
            count += 1
        if annual is None:
            continue
        roll = rng.random()
        if roll < done_rate:
            status, percent = "done", 100
        elif roll < done_rate + 0.1:
            status, percent = "late", rng.choice([60, 70, 80])
        else:
            continue  # no annual report yet: it will show as late (overdue)
        report = services.do_submit_report(
            actor=admin,
            assignment=assignment,
            cycle=annual,
            reported_status=status,
            percent=percent,
            narrative=rng.choice(PHRASES[status]),
        )
        count += 1
        decision = rng.random()
        if decision < 0.8:
            services.do_review_report(
                actor=coordinator_user, report=report, decision="accept", today=annual.due
            )
        elif decision < 0.9:
            services.do_review_report(
                actor=coordinator_user,
                report=report,
                decision="return",
                comment="请补充量化指标完成情况和佐证材料。",
            )
    from datetime import date

    services.do_run_daily_check(today=date(plan.year, 12, 21))
    return count
