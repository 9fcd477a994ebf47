"""Issue #18, plans part: the 备案 checklist, review reminders in working days, a plan flagged
for revision by a drill finding, plans not drilled within their interval, the annual drill
plan, drill scores and teams — services (grants and refusals), pages and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.errors import InvalidTransition, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.plans import selectors, services
from yingji.plans.models import Drill, Plan, ScheduledDrill
from yingji.plans.schemas import (
    DrillFindingIn,
    EmergencyDrillIn,
    EmergencyPlanIn,
    PlanFilingDecisionIn,
    PlanFilingSubmitIn,
    PlanReviseIn,
    ScheduledDrillIn,
)

pytestmark = pytest.mark.django_db
OWN = "DEMO-ENT-620104-01"
D = dt.date


def _plan(user, kind="onsite", effective_on=None, code="T-DP-01"):
    return services.do_create_plan(
        actor=user,
        data=EmergencyPlanIn(
            code=code,
            title="测试现场处置方案",
            kind=kind,
            owner=OWN,
            effective_on=effective_on or timezone.localdate() - dt.timedelta(days=30),
            text="正文",
        ),
        upload=None,
    )


def _drill(user, plans=(), **kw):
    data = dict(
        title="测试演练",
        kind="special",
        held_on=timezone.localdate(),
        organiser=OWN,
        plans=[p.pk for p in plans],
    )
    data.update(kw)
    return services.do_record_drill(actor=user, data=EmergencyDrillIn(**data))


# --- 备案 checklist -----------------------------------------------------------------------


def test_a_return_names_the_missing_materials_and_acceptance_needs_all(persona, ctx):
    ent, xigu = persona("enterprise"), persona("county_a")
    plan = _plan(ent)
    services.do_submit_filing(actor=ent, plan=plan, data=PlanFilingSubmitIn())
    with pytest.raises(ValidationFailed):  # an item not on the list
        services.do_decide_filing(
            actor=xigu, plan=plan, data=PlanFilingDecisionIn(accept=False, checklist=["x"])
        )
    filing = services.do_decide_filing(
        actor=xigu,
        plan=plan,
        data=PlanFilingDecisionIn(
            accept=False, checklist=["application", "review_opinion", "document"]
        ),
    )
    assert filing.state == "returned"
    assert filing.comment == "材料不齐:缺风险评估结果、应急资源调查清单。"
    assert filing.checklist == ["application", "review_opinion", "document"]
    plan.refresh_from_db()
    services.do_submit_filing(actor=ent, plan=plan, data=PlanFilingSubmitIn(note="已补充"))
    plan.refresh_from_db()
    version = plan.version
    with pytest.raises(ValidationFailed) as exc:
        services.do_decide_filing(
            actor=xigu,
            plan=plan,
            data=PlanFilingDecisionIn(accept=True, checklist=["application", "document"]),
        )
    assert "应急资源调查清单" in str(exc.value)
    plan.refresh_from_db()
    assert plan.filing_state == "submitted" and plan.version == version  # nothing changed


def test_the_decider_sees_the_checklist_and_the_filer_does_not(as_user):
    plan = Plan.objects.get(code="DEMO-QY-620104-01-XL")  # submitted in the demo
    page = as_user("county_a").get(plan.get_absolute_url()).content.decode()
    assert 'id="filing-checklist"' in page and "应急资源调查清单" in page
    assert (
        'id="filing-checklist"'
        not in as_user("enterprise").get(plan.get_absolute_url()).content.decode()
    )
    r = as_user("enterprise").get(f"/api/v1/plans/{plan.pk}/filing-checklist")
    assert r.status_code == 200 and r.json()["filer"] == "enterprise"
    assert [i["key"] for i in r.json()["items"]][0] == "application"
    gov = Plan.objects.get(code="DEMO-YA-620104-ZT")
    assert as_user("section").get(f"/api/v1/plans/{gov.pk}/filing-checklist").json()["filer"] == (
        "government"
    )


# --- review reminders in working days -------------------------------------------------------


def test_the_review_reminder_counts_working_days_and_fires_once_per_due_date(persona, ctx):
    ent = persona("enterprise")
    # an onsite plan in force since 2023-10-09 is due for review on 2026-10-09 (36 months);
    # 20 working days before it, across 国庆 and its 调休, is 2026-09-04 (a Mon–Fri count
    # would say 2026-09-11)
    plan = _plan(ent, effective_on=D(2023, 10, 9))
    assert plan.review_due == D(2026, 10, 9)
    services.do_remind_plan_reviews(today=D(2026, 9, 3))
    plan.refresh_from_db()
    assert plan.review_reminded_for is None
    services.do_remind_plan_reviews(today=D(2026, 9, 4))
    plan.refresh_from_db()
    assert plan.review_reminded_for == D(2026, 10, 9)
    events = AuditEvent.objects.filter(verb="plans.plan.review_reminder", object_id=str(plan.pk))
    assert events.count() == 1
    assert "还有20个工作日" in events.get().message
    services.do_remind_plan_reviews(today=D(2026, 9, 7))
    assert events.count() == 1  # once per due date
    assert plan in selectors.review_reminders(ent, today=D(2026, 9, 7))
    # a revision moves the due date and re-arms the reminder
    plan = services.do_revise_plan(
        actor=ent,
        plan=plan,
        data=PlanReviseIn(
            effective_on=D(2026, 9, 8), reason="评估后修订", text="新正文", version=plan.version
        ),
        upload=None,
    )
    assert plan.review_reminded_for is None


def test_an_overdue_plan_is_reminded_as_overdue(persona, ctx):
    plan = _plan(persona("enterprise"), effective_on=D(2020, 1, 6))
    services.do_remind_plan_reviews(today=D(2026, 1, 5))
    event = AuditEvent.objects.get(verb="plans.plan.review_reminder", object_id=str(plan.pk))
    assert "已于2023年01月06日到期" in event.message


# --- a drill finding flags its plan for revision ----------------------------------------------


def test_a_gap_finding_flags_the_plan_and_a_revision_clears_it(persona, ctx, as_user):
    ent = persona("enterprise")
    plan, other = _plan(ent), _plan(ent, code="T-DP-02")
    drill = _drill(ent, [plan])
    due = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(ValidationFailed):  # only a plan the drill exercised
        services.do_add_finding(
            actor=ent,
            drill=drill,
            data=DrillFindingIn(description="职责不清", owner_name="甲", due_on=due, plan=other.pk),
        )
    services.do_add_finding(
        actor=ent,
        drill=drill,
        data=DrillFindingIn(description="无关问题", owner_name="甲", due_on=due),
    )
    plan.refresh_from_db()
    assert not plan.revision_needed
    services.do_add_finding(
        actor=ent,
        drill=drill,
        data=DrillFindingIn(description="岗位职责不清", owner_name="甲", due_on=due, plan=plan.pk),
    )
    plan.refresh_from_db()
    other.refresh_from_db()
    assert plan.revision_needed and not other.revision_needed
    page = as_user("enterprise").get(plan.get_absolute_url()).content.decode()
    assert 'id="revision-needed"' in page and "岗位职责不清" in page
    listed = as_user("enterprise").get("/plans/?revision=yes&export=csv")
    body = b"".join(listed.streaming_content).decode("utf-8-sig")
    assert "T-DP-01" in body and "T-DP-02" not in body
    plan = services.do_revise_plan(
        actor=ent,
        plan=plan,
        data=PlanReviseIn(
            effective_on=timezone.localdate(),
            reason="明确岗位职责",
            text="新正文",
            version=plan.version,
        ),
        upload=None,
    )
    assert not plan.revision_needed


# --- plans not drilled within their interval ---------------------------------------------------


def test_a_plan_past_its_drill_interval_is_listed_until_drilled(persona, ctx, as_user):
    ent = persona("enterprise")
    today = timezone.localdate()
    plan = _plan(ent, effective_on=today - dt.timedelta(days=200))  # onsite: every 6 months
    fresh = _plan(ent, effective_on=today - dt.timedelta(days=100), code="T-DP-02")
    rows = selectors.undrilled_plans(persona("county_a"))["rows"]
    assert plan in rows and fresh not in rows
    assert next(p for p in rows if p == plan).last_drill is None
    assert plan not in selectors.undrilled_plans(persona("county_b"))["rows"]  # other county
    page = as_user("county_a").get("/plans/coverage/").content.decode()
    assert plan.get_absolute_url() in page and fresh.get_absolute_url() not in page
    api = as_user("county_a").get("/api/v1/plans/undrilled").json()
    assert plan.pk in [r["id"] for r in api] and fresh.pk not in [r["id"] for r in api]
    _drill(ent, [plan], held_on=today - dt.timedelta(days=3))
    assert plan not in selectors.undrilled_plans(persona("county_a"))["rows"]


def test_the_interval_is_a_setting(persona, ctx, settings):
    plan = _plan(persona("enterprise"), effective_on=timezone.localdate() - dt.timedelta(days=100))
    assert plan not in selectors.undrilled_plans(persona("county_a"))["rows"]
    settings.PLANS_DRILL_INTERVAL_MONTHS = {"onsite": 3}
    assert plan in selectors.undrilled_plans(persona("county_a"))["rows"]


# --- annual drill plan, scores and teams ----------------------------------------------------------


def test_a_scheduled_drill_is_carried_out_once(persona, ctx):
    ent = persona("enterprise")
    today = timezone.localdate()
    item = services.do_schedule_drill(
        actor=ent,
        data=ScheduledDrillIn(
            year=today.year,
            month=today.month,
            title="储罐区泄漏演练",
            kind="special",
            organiser=OWN,
        ),
    )
    assert item.status(today) == "planned"
    assert item.status(D(today.year + 1, 1, 1)) == "overdue"
    with pytest.raises(ValidationFailed):  # another county's staff cannot link it
        _drill(persona("county_b"), organiser="CGQ-YJJ", scheduled=item.pk)
    drill = _drill(ent, score=88, scheduled=item.pk)
    item.refresh_from_db()
    assert item.drill == drill and item.status(today) == "done" and drill.score == 88
    with pytest.raises(InvalidTransition):
        _drill(ent, scheduled=item.pk)
    assert Drill.objects.filter(title="测试演练").count() == 1
    with pytest.raises(ValidationFailed):
        services.do_schedule_drill(
            actor=ent,
            data=ScheduledDrillIn(
                year=today.year - 1, month=5, title="补录", kind="special", organiser=OWN
            ),
        )
    data = selectors.drill_schedule(ent, today.year)
    org = next(o for o in data["by_org"] if o["done"])
    assert org["done"] >= 1


def test_drill_teams_and_score_through_the_api(as_user, persona):
    section = as_user("section")
    teams = list(selectors.team_choices(persona("section"))[:2])
    assert teams, "the resources demo has rescue teams"
    r = section.post(
        "/api/v1/drills",
        {
            "title": "联合救援演练",
            "kind": "comprehensive",
            "held_on": timezone.localdate().isoformat(),
            "organiser": "LZYJJ-YJZH",
            "score": 91,
            "teams": [t.pk for t in teams],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["score"] == 91 and sorted(r.json()["teams"]) == sorted(t.pk for t in teams)
    page = section.get(f"/plans/drills/{r.json()['id']}/").content.decode()
    assert teams[0].name in page and "91 分" in page
    r = section.post(
        "/api/v1/drills",
        {
            "title": "越界演练",
            "kind": "comprehensive",
            "held_on": timezone.localdate().isoformat(),
            "organiser": "LZYJJ-YJZH",
            "score": 101,
        },
        content_type="application/json",
    )
    assert r.status_code == 422


def test_the_schedule_page_and_api(as_user):
    year = timezone.localdate().year
    page = as_user("county_a").get(f"/plans/schedule/?year={year}").content.decode()
    assert 'id="schedule-table"' in page and 'id="schedule-form"' in page
    assert 'id="schedule-form"' not in as_user("leader").get("/plans/schedule/").content.decode()
    rows = as_user("leader").get(f"/api/v1/drill-schedule?year={year}").json()
    assert {r["status"] for r in rows} <= {"done", "overdue", "planned"}
    assert ScheduledDrill.objects.filter(is_demo=True).count() == len(rows)
