"""Demo data for 工作要点督办, set in the present: the 2022 seed document imported through the
same services as a user would (upload → map the unconfirmed alias → confirm; the import keeps
the 2022 text as its source document), then carried over to this year's plan (year, title,
cycle deadlines 半年度 6/20 and 年度 12/20 and task deadlines of the current year). Plausible
progress dated in the past months: half-year reports around 6/20, most accepted, a few
returned; annual reports only as far as today allows (units that finished early), some waiting
for review; county plans for 西固区 and 城关区 with their own reports (two, to keep the demo load
quick); one 督办单 for a task whose deadline has passed. Idempotent: nothing is done if the demo
plan exists. All marked 演示 (Plan.is_demo).

The loader is the data below plus small steps, each one service call as a user would make it,
each moved to its plausible moment with core.demo.dated (times of day, not all the same minute)."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.context import actor_context, get_actor_context
from yingji.core.demo import dated, moment
from yingji.orgs.models import Organisation

from . import services
from .models import Assignment, Plan, ReportingCycle, Task

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
NOTICE_REASON = "该项工作已超过完成时限,请于办结时限前完成并报送办理情况。"
NOTICE_DAYS = 10  # the 督办单's 办结时限, from today
# Reports of a cycle come in over the weeks before its deadline (the annual one: units that
# finish early report from November); reviews follow within a few working days.
REPORT_WINDOW = {"half_year": 21, "annual": 45}
LATE_SUBMISSION_RATE = 0.1  # half-year reports that came in a few days after the deadline


def plan_year(today: date) -> int:
    """This year's plan once it has been issued (the seed was issued on 18 April); before May
    the demo shows last year's."""
    return today.year if today >= date(today.year, 5, 1) else today.year - 1


def _shift(day: date | None, years: int) -> date | None:
    if day is None or not years:
        return day
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


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
    today = timezone.localdate()
    rng = random.Random(seed)
    ctx = get_actor_context()
    with actor_context(coordinator_user, source=ctx.source if ctx else "system", label="demo"):
        year = plan_year(today)
        with dated(moment(date(year, 4, 20), rng)):
            plan = _import_seed(coordinator_user)
            plan = _carry_over(plan, year)
        with dated(moment(date(year, 4, 28), rng)):
            counties = _county_plans(plan, coordinator_user)
        reports = _progress(plan, coordinator_user, admin, rng, DONE_RATE["city"], today)
        for county_plan in counties:
            reports += _progress(
                county_plan, coordinator_user, admin, rng, DONE_RATE["county"], today
            )
        with dated(moment(today, rng, 8, 9)):
            services.do_run_daily_check(today=today)
        ladder = _supervision(plan, admin, rng, today)
    record_event(
        "demo.workplan", f"演示:工作要点督办,计划 {1 + len(counties)} 个,进展报告 {reports} 份"
    )
    return {"plans": 1 + len(counties), "reports": reports, **ladder}


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


def _carry_over(plan: Plan, year: int) -> Plan:
    """The 2022 plan as this year's: its year, title and issue date, the cycles' names and
    deadlines (半年度 6/20, 年度 12/20) and the tasks' and assignments' deadlines move by the
    same number of years. The import session keeps the 2022 text as the source document."""
    years = year - plan.year
    if not years:
        return plan
    old = f"{plan.year}年"
    plan.title = plan.title.replace(old, f"{year}年")
    plan.year, plan.issued_on = year, _shift(plan.issued_on, years)
    plan.save()
    for cycle in ReportingCycle.objects.filter(plan=plan).order_by("pk"):
        cycle.name = re.sub(rf"^{old}", f"{year}年", cycle.name)
        cycle.due = _shift(cycle.due, years)
        cycle.save()
    for task in Task.objects.filter(plan=plan).exclude(due=None).order_by("pk"):
        task.due, task.due_start = _shift(task.due, years), _shift(task.due_start, years)
        task.save()
    for assignment in Assignment.objects.filter(task__plan=plan).exclude(due=None).order_by("pk"):
        assignment.due = _shift(assignment.due, years)
        assignment.save()
    record_event(
        "demo.workplan.carried_over",
        f"演示:以{year - years}年工作要点文本生成《{plan.title}》",
        target=plan,
    )
    return plan


def _county_plans(plan: Plan, user) -> list[Plan]:
    counties = Organisation.objects.filter(code__in=COUNTIES)
    by_code = {c.code: c for c in counties}
    return [
        services.do_create_county_plan(actor=user, city_plan=plan, county=by_code[code])
        for code in COUNTIES
        if code in by_code
    ]


def _window(cycle, today: date) -> tuple[date, date] | None:
    """The days on which the cycle's reports came in (before today), or None if none yet."""
    first = cycle.due - timedelta(days=REPORT_WINDOW.get(cycle.kind, 21))
    last = min(cycle.due, today - timedelta(days=1))
    return (first, last) if first <= last else None


def _day(rng, window: tuple[date, date]) -> date:
    first, last = window
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _review_day(rng, submitted: date, today: date) -> date | None:
    """Reviewed one to five days later, if that is already past."""
    day = submitted + timedelta(days=rng.randint(1, 5))
    return day if day < today else None


def _progress(plan, coordinator_user, admin, rng, done_rate: float, today: date) -> int:
    """Half-year and annual reports for every assignment, submitted on behalf of the unit (the
    demo has no users in most sections) and reviewed by the coordinating section, each on its
    own day and time."""
    cycles = {c.kind: c for c in plan.cycles.all()}
    half, annual = cycles.get("half_year"), cycles.get("annual")
    windows = {
        kind: _window(cycle, today)
        for kind, cycle in (("half_year", half), ("annual", annual))
        if cycle is not None
    }
    cast = (coordinator_user, admin, rng, today)
    count = 0
    assignments = Assignment.objects.filter(task__plan=plan).select_related("task", "organisation")
    for assignment in assignments.order_by("pk"):
        if windows.get("half_year"):
            count += _half_year(assignment, half, windows["half_year"], cast)
        if windows.get("annual"):
            count += _annual(assignment, annual, windows["annual"], cast, done_rate)
    return count


def _submit(admin, assignment, cycle, day: date, rng, status: str, percent: int):
    with dated(moment(day, rng)):
        return services.do_submit_report(
            actor=admin,
            assignment=assignment,
            cycle=cycle,
            reported_status=status,
            percent=percent,
            narrative=rng.choice(PHRASES[status]),
        )


def _review(coordinator_user, report, day: date, rng, decision: str = "accept") -> None:
    with dated(moment(day, rng)):
        if decision == "accept":
            services.do_review_report(
                actor=coordinator_user, report=report, decision="accept", today=day
            )
        else:
            services.do_review_report(
                actor=coordinator_user, report=report, decision="return", comment=RETURN_COMMENT
            )


def _half_year(assignment, cycle, window, cast) -> int:
    """推进中 at half-year (a few a little after the deadline); most accepted, a few returned."""
    coordinator_user, admin, rng, today = cast
    day = _day(rng, window)
    if rng.random() < LATE_SUBMISSION_RATE:
        day = min(cycle.due + timedelta(days=rng.randint(1, 6)), today - timedelta(days=1))
    status = "in_progress"
    report = _submit(admin, assignment, cycle, day, rng, status, rng.choice(HALF_YEAR_PERCENTS))
    review_day = _review_day(rng, day, today)
    if review_day is not None:
        decision = "return" if rng.random() < RETURN_RATE / 2 else "accept"
        _review(coordinator_user, report, review_day, rng, decision)
    return 1


def _annual_outcome(rng, done_rate: float) -> tuple[str, int] | None:
    roll = rng.random()
    if roll < done_rate:
        return "done", 100
    if roll < done_rate + LATE_RATE:
        return "late", rng.choice(LATE_PERCENTS)
    return None  # no annual report yet


def _annual(assignment, cycle, window, cast, done_rate: float) -> int:
    """已完成 or 滞后 by the year end (or nothing yet); before the deadline only the units that
    finished early have reported. Most accepted, some returned, some waiting for review.
    Returns the number of reports made (0 or 1)."""
    coordinator_user, admin, rng, today = cast
    outcome = _annual_outcome(rng, done_rate)
    if outcome is None:
        return 0
    if cycle.due > today and rng.random() < 0.4:
        return 0  # the deadline is still ahead: not every unit has reported yet
    status, percent = outcome
    day = _day(rng, window)
    if status == "late" and (assignment.due is None or assignment.due >= day):
        status = "in_progress"  # 滞后 only once its own deadline has passed
    report = _submit(admin, assignment, cycle, day, rng, status, percent)
    decision = rng.random()
    review_day = _review_day(rng, day, today)
    if review_day is None or decision >= ACCEPT_RATE + RETURN_RATE:
        return 1  # waiting for review
    _review(
        coordinator_user, report, review_day, rng, "accept" if decision < ACCEPT_RATE else "return"
    )
    return 1


# --- 督查督办 (issue #19) ---------------------------------------------------------------------------

OFFICE_USER = ("bgs_staff", "办公室科员(演示)", "LZYJJ-BGS", "city_staff", "科员")
LADDER_DAYS = 15  # the daily job has run on the last 15 working days (cron)
NOTICE_ITEM_OVERDUE = 12  # working days: reached 督办单 (5), answered before its deadline
URGE_ITEM_OVERDUE = 3  # working days: at 催办 (3), not yet 督办单 (5)
REPLY = "已召开专题会议研究,制定整改推进措施,明确专人负责,预计两周内完成并报送进展报告。"


def _office_user():
    """办公室 (the default 督查科室) has a demo user: bgs_staff, password as the personas."""
    from yingji.orgs.demo import DEMO_PASSWORD
    from yingji.orgs.models import Membership

    username, full_name, org_code, role, title = OFFICE_USER
    office = Organisation.objects.filter(code=org_code).first()
    if office is None:
        return None
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=full_name, is_active=True)
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.get_or_create(
        user=user, organisation=office, role=role, defaults={"title": title}
    )
    return user


def _open_assignment(plan: Plan, org_code: str, exclude=()) -> Assignment | None:
    qs = (
        Assignment.objects.filter(task__plan=plan, status__in=("in_progress", "not_started"))
        .exclude(pk__in=exclude)
        .order_by("pk")
    )
    return qs.filter(organisation__code=org_code).first() or qs.first()


def _supervision(plan: Plan, admin, rng, today: date) -> dict:
    """The ladder as the bureau sees it today: the daily job has run on the last working days;
    one 危化科 task overdue enough to have reached 督办单, answered by 危化科 and waiting for
    办公室 to accept it; one task at 催办; the half-year 通报 issued by 办公室."""
    from yingji.calendars.selectors import work_calendar

    office = _office_user()
    if office is None:
        return {}
    calendar = work_calendar()
    noticed = _open_assignment(plan, "LZYJJ-WHP")
    urged = _open_assignment(plan, "LZYJJ-CSAQ", exclude=[noticed.pk] if noticed else [])
    for assignment, days in ((noticed, NOTICE_ITEM_OVERDUE), (urged, URGE_ITEM_OVERDUE)):
        if assignment is not None:  # the demo's scenario: these two fell behind recently
            Assignment.objects.filter(pk=assignment.pk).update(
                due=calendar.subtract_workdays(today, days), status="late"
            )
    whk = get_user_model().objects.filter(username="whk_staff").first()
    counts: dict[str, int] = {}
    day = calendar.subtract_workdays(today, LADDER_DAYS)
    while day <= today:
        with actor_context(None, source="job", label="workplan-ladder"):
            with dated(moment(day, rng, 7, 8)):
                for key, n in services.do_run_ladder(today=day).items():
                    counts[key] = counts.get(key, 0) + n
        if noticed is not None and day == calendar.subtract_workdays(today, 3):
            notice = noticed.notices.filter(state="issued").first()
            if notice is not None:
                replier = whk if noticed.organisation.code == "LZYJJ-WHP" and whk else admin
                with actor_context(replier, source="web", label="demo"):
                    with dated(moment(day, rng, 14, 17)):
                        services.do_reply_notice(actor=replier, notice=notice, reply=REPLY)
        day = calendar.add_workdays(day, 1)
    half = plan.cycles.filter(kind="half_year").first()
    if half is not None and half.due < today:
        issued = min(calendar.add_workdays(half.due, 10), today)
        with actor_context(office, source="web", label="demo"):
            with dated(moment(issued, rng, 9, 11)):
                services.do_issue_bulletin(
                    actor=office,
                    plan=plan,
                    period_start=date(plan.year, 1, 1),
                    period_end=half.due,
                    remarks="请排名靠后的单位对照问题抓紧整改,按时报送工作进展。",
                    today=issued,
                )
    return {f"ladder_{k}": v for k, v in counts.items()}
