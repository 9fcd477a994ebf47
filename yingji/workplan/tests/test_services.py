"""工作要点督办 services: import with review, idempotent re-import, revised documents, the
report state machine, permissions, reminders across holidays, overdue, 督办单, county plans."""

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from yingji.core.context import actor_context
from yingji.core.errors import ConflictError, InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent, ObjectChange
from yingji.core.permissions import restrict
from yingji.orgs.models import Organisation
from yingji.workplan import selectors, services
from yingji.workplan.models import (
    Assignment,
    ImportSession,
    Plan,
    ProgressReport,
    Reminder,
    SupervisionNotice,
    Task,
)

SEED = Path(__file__).resolve().parents[1] / "data" / "2022-lanzhou-emergency-work-points.txt"
ALIAS = {"救灾和物资储备科": ["救灾和物资保障科"]}

pytestmark = pytest.mark.django_db
User = get_user_model()


def user(name):
    return User.objects.get(username=name)


def org(code):
    return Organisation.objects.get(code=code)


def seed_text(year=2031):
    return SEED.read_text(encoding="utf-8").replace("2022", str(year))


def start(text, actor=None, mapping=None, name="plan.txt"):
    actor = actor or user("zhxt_staff")
    with actor_context(actor, source="test"):
        return services.do_start_import(
            actor=actor,
            file_name=name,
            data=text.encode("utf-8"),
            owner=org("LZYJJ"),
            coordinator=org("LZYJJ-ZHXT"),
            mapping=mapping,
        )


def confirm(session, actor=None):
    actor = actor or user("zhxt_staff")
    with actor_context(actor, source="test"):
        return services.do_confirm_import(actor=actor, session=session)


@pytest.fixture
def plan():
    p, _ = confirm(start(seed_text(), mapping=ALIAS))
    return p


@pytest.fixture
def cycle(plan):
    return plan.cycles.get(kind="half_year")


def whp_assignment(plan, ref="T15"):
    return Assignment.objects.get(task__plan=plan, task__ref=ref, organisation__code="LZYJJ-WHP")


# --- import -------------------------------------------------------------------------------------


def test_import_creates_the_tree_assignments_and_cycles(plan):
    assert plan.year == 2031
    assert plan.parts.count() == 6
    assert plan.sections.count() == 29
    assert plan.tasks.count() == 69
    t3 = plan.tasks.get(ref="T3")
    assert {a.organisation.name for a in t3.assignments.all()} == {
        "市安全生产监察支队",
        "政策法规科",
    }
    assert t3.cooperating.filter(name="危险化学品安全监督管理科").exists()
    s29 = plan.tasks.get(ref="S29")
    assert s29.number is None and s29.assignments.exists()
    t45 = plan.tasks.get(ref="T45")  # the unconfirmed alias mapped by the reviewer
    assert t45.assignments.filter(organisation__name="救灾和物资保障科").exists()
    cycles = {c.kind: c.due for c in plan.cycles.all()}
    assert cycles == {"half_year": date(2031, 6, 20), "annual": date(2031, 12, 20)}
    assert plan.tasks.get(ref="T12").due == date(2031, 6, 30)
    assert AuditEvent.objects.filter(verb="workplan.imported", object_id=str(plan.pk)).exists()


def test_nothing_is_saved_before_confirmation():
    before = Plan.objects.count(), Task.objects.count()
    session = start(seed_text(2032))
    assert session.state == "pending"
    assert (Plan.objects.count(), Task.objects.count()) == before


def test_unknown_name_blocks_confirmation_until_mapped():
    text = seed_text(2033).replace("(市安全生产监察支队负责)", "(市执法改革专班负责)", 1)
    session = start(text)
    codes = [w["code"] for w in services.blocking_warnings(session.parsed)]
    assert codes == ["unknown_org", "no_lead"]
    plans = Plan.objects.count()
    with pytest.raises(ValidationFailed, match="还有 2 处问题"):
        confirm(session)
    assert Plan.objects.count() == plans
    session.refresh_from_db()
    with actor_context(user("zhxt_staff"), source="test"):
        session = services.do_update_import_mapping(
            actor=user("zhxt_staff"),
            session=session,
            mapping={"市执法改革专班": ["市安全生产监察支队"], **ALIAS},
        )
    plan, _ = confirm(session)
    assert plan.tasks.get(ref="T1").assignments.get().organisation.name == "市安全生产监察支队"


def test_mapping_to_a_missing_organisation_is_refused():
    session = start(seed_text(2034))
    with actor_context(user("zhxt_staff"), source="test"):
        with pytest.raises(ValidationFailed, match="对应的机构不存在"):
            services.do_update_import_mapping(
                actor=user("zhxt_staff"), session=session, mapping={"某科": ["不存在的科"]}
            )


def test_reimporting_the_same_document_changes_nothing(plan):
    changes_before = ObjectChange.objects.count()
    versions = dict(plan.tasks.values_list("ref", "version"))
    session = start(seed_text(), mapping=ALIAS)
    assert session.plan == plan
    assert session.diff["added"] == [] and session.diff["removed"] == []
    assert session.diff["changed"] == [] and session.diff["unchanged"] == 69
    _, counts = confirm(session)
    assert set(counts.values()) == {0}
    assert dict(plan.tasks.values_list("ref", "version")) == versions
    # only the import session's own state change is recorded, nothing of the plan
    changed = ObjectChange.objects.filter(pk__gt=0).order_by("-pk")[
        : ObjectChange.objects.count() - changes_before
    ]
    assert {c.content_type.model for c in changed} <= {"importsession", "plan"}


def test_revised_document_shows_diff_and_applies_only_on_confirmation(plan, cycle):
    # progress exists on a task that the revision removes
    removed = whp_assignment(plan, "T15")
    with actor_context(user("whk_staff"), source="test"):
        services.do_submit_report(
            actor=user("whk_staff"),
            assignment=removed,
            cycle=cycle,
            reported_status="in_progress",
            percent=40,
            narrative="已开展危险化学品企业主要负责人培训。",
        )
    text = seed_text()
    t15 = next(line for line in text.splitlines() if line.startswith("15."))
    t12 = next(line for line in text.splitlines() if line.startswith("12."))
    revised = text.replace(t15 + "\n", "").replace(
        t12, t12.replace("12.", "12.【修订】", 1).replace("(6月份)", "(9月份)")
    )
    session = start(revised, mapping=ALIAS)
    assert [r["ref"] for r in session.diff["removed"]] == ["T15"]
    changed = {c["ref"]: c["fields"] for c in session.diff["changed"]}
    assert "T12" in changed or "T11" in changed
    assert plan.tasks.get(ref="T15").withdrawn is False  # not applied yet
    _, counts = confirm(session)
    assert counts["撤销任务"] == 1
    task15 = Task.objects.get(plan=plan, pk=removed.task_id)
    assert task15.withdrawn and task15.status == "cancelled"
    removed.refresh_from_db()
    assert removed.status == "cancelled" and removed.cancel_reason
    assert ProgressReport.objects.filter(assignment=removed).count() == 1  # history kept


def test_not_a_workplan_is_refused_and_nothing_saved():
    sessions = ImportSession.objects.count()
    with pytest.raises(ValidationFailed) as info:
        start("会议通知\n请各单位于周五下午三点参加安全生产例会。")
    assert "工作要点" in info.value.message or "部分" in info.value.message
    with pytest.raises(ValidationFailed, match="docx"):
        with actor_context(user("zhxt_staff"), source="test"):
            services.do_start_import(
                actor=user("zhxt_staff"),
                file_name="bad.docx",
                data=b"PK\x03\x04 not really a zip",
                owner=org("LZYJJ"),
                coordinator=org("LZYJJ-ZHXT"),
            )
    assert ImportSession.objects.count() == sessions


def test_only_coordinators_may_import():
    for name in ("whk_staff", "xigu_staff", "ent_user"):
        with pytest.raises(NotPermitted):
            start(seed_text(2035), actor=user(name))


# --- report state machine ---------------------------------------------------------------------


def submit(assignment, cycle, actor_name="whk_staff", **values):
    actor = user(actor_name)
    data = {
        "reported_status": "in_progress",
        "percent": 50,
        "narrative": "已完成摸底排查,正在推进整改。",
    }
    data.update(values)
    with actor_context(actor, source="test"):
        return services.do_submit_report(actor=actor, assignment=assignment, cycle=cycle, **data)


def review(report, decision, comment="", actor_name="zhxt_staff", version=None):
    actor = user(actor_name)
    with actor_context(actor, source="test"):
        return services.do_review_report(
            actor=actor, report=report, decision=decision, comment=comment, expected_version=version
        )


def test_submit_return_resubmit_accept(plan, cycle):
    assignment = whp_assignment(plan)
    report = submit(assignment, cycle)
    assert report.state == "submitted" and report.submissions == 1
    with pytest.raises(InvalidTransition, match="等待督办科室审核"):
        submit(assignment, cycle)
    with pytest.raises(ValidationFailed, match="退回意见"):
        review(report, "return")
    report = review(report, "return", "请补充培训人数。")
    assert report.state == "returned"
    with pytest.raises(InvalidTransition, match="重新报送"):
        review(report, "accept")
    report = submit(
        assignment, cycle, reported_status="done", percent=100, narrative="培训 320 人次,已完成。"
    )
    assert report.state == "submitted" and report.submissions == 2
    report = review(report, "accept")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.percent) == ("done", 100)
    assert assignment.latest_progress == "培训 320 人次,已完成。"
    assert assignment.task.__class__.objects.get(pk=assignment.task_id).status in (
        "done",
        "in_progress",
    )
    with pytest.raises(InvalidTransition, match="已被采纳"):
        submit(assignment, cycle)
    with pytest.raises(InvalidTransition, match="已被采纳"):
        review(report, "return", "再看看")
    verbs = list(
        AuditEvent.objects.filter(object_id=str(report.pk), verb__startswith="workplan.report_")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "workplan.report_submitted",
        "workplan.report_returned",
        "workplan.report_submitted",
        "workplan.report_accepted",
    ]


def test_invalid_report_is_refused_and_nothing_written(plan, cycle):
    assignment = whp_assignment(plan)
    count = ProgressReport.objects.count()
    for values, field in [
        ({"percent": 140}, "percent"),
        ({"reported_status": "done", "percent": 60}, "percent"),
        ({"reported_status": "cancelled"}, "reported_status"),
        ({"narrative": "  "}, "narrative"),
    ]:
        with pytest.raises(ValidationFailed) as info:
            submit(assignment, cycle, **values)
        assert field in info.value.details
    assert ProgressReport.objects.count() == count


def test_a_unit_reports_only_its_own_assignments(plan, cycle):
    other = Assignment.objects.filter(task__plan=plan).exclude(organisation__code="LZYJJ-WHP")[0]
    with pytest.raises(NotPermitted, match="本单位"):
        submit(other, cycle)
    with pytest.raises(NotPermitted):
        submit(other, cycle, actor_name="xigu_staff")


def test_only_the_coordinator_reviews(plan, cycle):
    report = submit(whp_assignment(plan), cycle)
    for name in ("whk_staff", "xigu_staff", "leader"):
        with pytest.raises(NotPermitted):
            review(report, "accept", actor_name=name)
    report.refresh_from_db()
    assert report.state == "submitted"


def test_two_reviewers_at_once_one_wins(plan, cycle):
    report = submit(whp_assignment(plan), cycle)
    version = report.version
    review(report, "accept", version=version)
    with pytest.raises(ConflictError):
        review(report, "return", "晚了一步", version=version)


def test_coordinator_may_report_on_behalf_and_it_is_recorded(plan, cycle):
    report = submit(whp_assignment(plan), cycle, actor_name="zhxt_staff")
    assert report.submitted_by.username == "zhxt_staff"


def test_contribution_by_a_cooperating_unit(plan, cycle):
    task = plan.tasks.get(ref="T3")  # 各监管科室配合: 危化科 is one of them
    whp = org("LZYJJ-WHP")
    with actor_context(user("whk_staff"), source="test"):
        c = services.do_add_contribution(
            actor=user("whk_staff"),
            task=task,
            cycle=cycle,
            organisation=whp,
            narrative="配合开展分级分类执法检查。",
        )
        assert c.pk
        with pytest.raises(NotPermitted):
            services.do_add_contribution(
                actor=user("whk_staff"),
                task=task,
                cycle=cycle,
                organisation=org("LZYJJ-ZHXT"),
                narrative="冒名填写的配合情况",
            )
        with pytest.raises(ValidationFailed, match="不是该任务的配合单位"):
            services.do_add_contribution(
                actor=user("whk_staff"),
                task=plan.tasks.get(ref="T1"),
                cycle=cycle,
                organisation=whp,
                narrative="不相关的任务",
            )


# --- visibility -----------------------------------------------------------------------------


def test_visibility_of_plans_and_assignments(plan):
    whk = user("whk_staff")
    seen = selectors.visible_assignments(whk).filter(task__plan=plan)
    assert seen.exists()
    assert set(seen.values_list("organisation__code", flat=True)) == {"LZYJJ-WHP"}
    everyone = Assignment.objects.filter(task__plan=plan).count()
    assert (
        selectors.visible_assignments(user("zhxt_staff")).filter(task__plan=plan).count()
        == everyone
    )
    assert selectors.visible_assignments(user("leader")).filter(task__plan=plan).count() == everyone
    assert restrict(Plan.objects.filter(pk=plan.pk), user("xigu_staff")).exists()
    assert not restrict(Plan.objects.filter(pk=plan.pk), user("ent_user")).exists()
    assert not selectors.visible_assignments(user("ent_user")).exists()
    assert not selectors.visible_assignments(user("xigu_staff")).filter(task__plan=plan).exists()


def test_county_plan_against_the_city_plan(plan):
    with actor_context(user("xigu_staff"), source="test"):
        county_plan = services.do_create_county_plan(
            actor=user("xigu_staff"), city_plan=plan, county=org("XGQ-YJJ")
        )
        with pytest.raises(NotPermitted):
            services.do_create_county_plan(
                actor=user("xigu_staff"), city_plan=plan, county=org("CGQ-YJJ")
            )
    assert county_plan.tasks.count() == 69
    assert all(t.city_task.plan_id == plan.pk for t in county_plan.tasks.all())
    xigu = selectors.visible_assignments(user("xigu_staff")).filter(task__plan=county_plan)
    assert xigu.count() == 69
    assert (
        not selectors.visible_assignments(user("chengguan_staff"))
        .filter(task__plan=county_plan)
        .exists()
    )
    assert not restrict(Plan.objects.filter(pk=county_plan.pk), user("chengguan_staff")).exists()
    half = county_plan.cycles.get(kind="half_year")
    assignment = xigu.get(task__ref="T3")
    report = submit(
        assignment,
        half,
        actor_name="xigu_staff",
        reported_status="done",
        percent=100,
        narrative="西固区已建立分级分类执法机制。",
    )
    review(report, "accept")  # the city's coordinating section reviews county reports
    comparison = selectors.county_comparison(user("zhxt_staff"), plan)
    row = next(r for r in comparison["rows"] if r["task"].ref == "T3")
    cell = row["cells"][[p.pk for p in comparison["plans"]].index(county_plan.pk)]
    assert cell.status == "done"


# --- reminders, overdue, 督办单 -------------------------------------------------------------------


@pytest.mark.parametrize(
    "due, days, expected",
    [
        # National Day 2022: 1–7 Oct off, Sat 8 and Sun 9 Oct are make-up working days.
        (date(2022, 10, 10), 1, date(2022, 10, 9)),
        (date(2022, 10, 10), 2, date(2022, 10, 8)),
        (date(2022, 10, 10), 3, date(2022, 9, 30)),
        (date(2022, 10, 12), 5, date(2022, 9, 30)),
        # an ordinary week: Monday minus one working day is the Friday before
        (date(2022, 11, 14), 1, date(2022, 11, 11)),
    ],
)
def test_reminder_date_counts_working_days(due, days, expected):
    assert services.reminder_date(due, days) == expected


def test_daily_check_reminds_then_marks_overdue_once(plan):
    assignment = whp_assignment(plan)
    with actor_context(user("zhxt_staff"), source="test"):
        services.do_update_task(
            actor=user("zhxt_staff"),
            task=assignment.task,
            due=date(2031, 10, 10),
            due_interpretation="测试",
        )
    assignment.refresh_from_db()
    assert assignment.due == date(2031, 10, 10)
    with actor_context(None, source="job"):
        services.do_run_daily_check(today=date(2031, 9, 1), reminder_days=3)
        assert not Reminder.objects.filter(assignment=assignment).exists()
        reminder_day = services.reminder_date(date(2031, 10, 10), 3)
        services.do_run_daily_check(today=reminder_day, reminder_days=3)
        services.do_run_daily_check(today=reminder_day, reminder_days=3)
        assert Reminder.objects.filter(assignment=assignment, kind="due_soon").count() == 1
        services.do_run_daily_check(today=date(2031, 10, 11), reminder_days=3)
    assignment.refresh_from_db()
    assert assignment.status == "late"
    assert Reminder.objects.filter(assignment=assignment, kind="overdue").count() == 1
    assert (
        selectors.visible_assignments(user("whk_staff"))
        .filter(selectors.overdue_q(date(2031, 10, 11)), pk=assignment.pk)
        .exists()
    )


def test_notices_are_numbered_per_plan_and_only_by_the_supervising_section(plan):
    a1, a2 = whp_assignment(plan, "T15"), whp_assignment(plan, "T13")
    assert plan.supervisor.name == "办公室"  # 机关督查 sits with 办公室 by default
    coordinator = user("bgs_staff")
    with actor_context(coordinator, source="test"):
        n1 = services.do_issue_notice(
            actor=coordinator,
            assignment=a1,
            deadline=date(2031, 12, 1),
            reason="逾期未完成",
            today=date(2031, 11, 1),
        )
        n2 = services.do_issue_notice(
            actor=coordinator,
            assignment=a2,
            deadline=date(2031, 12, 1),
            reason="逾期未完成",
            today=date(2031, 11, 1),
        )
        with pytest.raises(ValidationFailed, match="反馈时限"):
            services.do_issue_notice(
                actor=coordinator,
                assignment=a2,
                deadline=date(2031, 10, 1),
                reason="x",
                today=date(2031, 11, 1),
            )
    assert (n1.serial, n2.serial) == (1, 2)
    assert n1.number == "LZYJJ督〔2031〕1号"
    for name in ("whk_staff", "zhxt_staff"):  # not the unit itself, nor the coordinator
        with pytest.raises(NotPermitted):
            services.do_issue_notice(
                actor=user(name),
                assignment=a1,
                deadline=date(2031, 12, 1),
                reason="自己督办自己",
                today=date(2031, 11, 1),
            )
    assert SupervisionNotice.objects.filter(assignment__task__plan=plan).count() == 2
    assert AuditEvent.objects.filter(verb="workplan.notice_issued", object_id=str(n1.pk)).exists()


def test_cancel_needs_a_reason(plan):
    assignment = whp_assignment(plan)
    with actor_context(user("zhxt_staff"), source="test"):
        with pytest.raises(ValidationFailed, match="原因"):
            services.do_cancel_assignment(
                actor=user("zhxt_staff"), assignment=assignment, reason=" "
            )
        services.do_cancel_assignment(
            actor=user("zhxt_staff"), assignment=assignment, reason="市政府调整分工"
        )
        with pytest.raises(InvalidTransition):
            services.do_cancel_assignment(
                actor=user("zhxt_staff"), assignment=assignment, reason="再取消"
            )
    assignment.refresh_from_db()
    assert assignment.status == "cancelled" and assignment.cancel_reason == "市政府调整分工"


def test_task_status_aggregation():
    assert services.task_status([]) == "not_started"
    assert services.task_status(["cancelled"]) == "cancelled"
    assert services.task_status(["done", "cancelled"]) == "done"
    assert services.task_status(["done", "not_started"]) == "in_progress"
    assert services.task_status(["done", "late"]) == "late"
    assert services.task_status(["not_started", "not_started"]) == "not_started"
