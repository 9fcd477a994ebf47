"""执法检查 services: the plan builder (tier and colour), the duplicate-inspection guard across
two bureaus with its reason requirement, recording an inspection, finding → hazard, and the
case file state machine with the 三项制度 evidence rule."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.core.services import do_add_attachment
from yingji.enterprises.models import Enterprise
from yingji.inspections import selectors, services
from yingji.inspections.choices import CASE_STATES
from yingji.inspections.models import CaseFile, Inspection, Overlap, PlanEntry
from yingji.orgs.models import Organisation

pytestmark = pytest.mark.django_db
User = get_user_model()
FUTURE = date(2031, 5, 12)  # a year without demo data


def user(name):
    return User.objects.get(username=name)


def org(code):
    return Organisation.objects.get(code=code)


def ent(code):
    return Enterprise.objects.get(organisation__code=code)


def as_actor(name):
    return actor_context(user(name), source="test")


def xigu_county_enterprise():
    """A county-tier, operating hazardous-chemical enterprise of 西固区 other than the persona's."""
    return (
        Enterprise.objects.filter(
            region__code="620104", tier="county", status="operating", sector__startswith="hazchem"
        )
        .exclude(organisation__code="DEMO-ENT-620104-01")
        .order_by("organisation__code")
        .first()
    )


def schedule(name, agency_code, enterprise, day, **kw):
    with as_actor(name):
        return services.do_schedule_inspection(
            actor=user(name),
            enterprise=enterprise,
            inspected_on=day,
            agency=org(agency_code),
            participants="甲某、乙某",
            **kw,
        )


# --- the plan builder -------------------------------------------------------------------------


def make_plan(name, owner_code, year=2031):
    with as_actor(name):
        return services.do_create_plan(actor=user(name), owner=org(owner_code), year=year)


def test_county_plan_proposes_its_county_tier_enterprises_only():
    plan = make_plan("xigu_staff", "XGQ-YJJ")
    proposals = selectors.plan_proposals(plan)
    expected = set(
        Enterprise.objects.filter(tier="county", region__code="620104")
        .exclude(status="closed")
        .values_list("pk", flat=True)
    )
    assert {p["enterprise"].pk for p in proposals} == expected
    assert all(p["enterprise"].tier == "county" for p in proposals)


def test_city_plan_proposes_city_tier_enterprises_of_every_county():
    plan = make_plan("whk_staff", "LZYJJ")
    proposals = selectors.plan_proposals(plan)
    ids = {p["enterprise"].pk for p in proposals}
    assert ids == set(
        Enterprise.objects.filter(tier="city").exclude(status="closed").values_list("pk", flat=True)
    )
    assert len({p["enterprise"].region_id for p in proposals}) > 1


def test_visits_follow_the_risk_colour_and_the_setting(settings):
    plan = make_plan("xigu_staff", "XGQ-YJJ")
    proposals = selectors.plan_proposals(plan)
    by_colour = {}
    for p in proposals:
        by_colour.setdefault(p["colour"], set()).add((p["visits"], len(p["months"])))
    assert by_colour["red"] == {(4, 4)} and by_colour["orange"] == {(2, 2)}
    assert by_colour["yellow"] == {(1, 1)} and by_colour["blue"] == {(1, 1)}
    # highest risk first
    order = [p["colour"] for p in proposals]
    assert order.index("red") < order.index("orange") < order.index("yellow") < order.index("blue")
    red = next(p for p in proposals if p["colour"] == "red")
    assert len(set(red["months"])) == 4 and all(1 <= m <= 12 for m in red["months"])
    settings.YINGJI_INSPECTION_VISITS_PER_YEAR = {"red": 6, "blue": 2}
    again = {p["colour"]: p["visits"] for p in selectors.plan_proposals(plan)}
    assert again["red"] == 6 and again["blue"] == 2 and again["orange"] == 2


def test_build_creates_one_entry_per_visit_and_is_idempotent():
    plan = make_plan("xigu_staff", "XGQ-YJJ")
    proposals = selectors.plan_proposals(plan)
    red = next(p for p in proposals if p["colour"] == "red")
    blue = next(p for p in proposals if p["colour"] == "blue")
    with as_actor("xigu_staff"):
        result = services.do_build_plan(
            actor=user("xigu_staff"),
            plan=plan,
            enterprise_ids=[red["enterprise"].pk, blue["enterprise"].pk],
        )
    assert result == {"created": 5, "skipped": []}
    months = sorted(
        PlanEntry.objects.filter(plan=plan, enterprise=red["enterprise"]).values_list(
            "month", flat=True
        )
    )
    assert months == sorted(red["months"])
    assert {p["enterprise"].pk for p in selectors.plan_proposals(plan)}.isdisjoint(
        {red["enterprise"].pk, blue["enterprise"].pk}
    )


def test_county_cannot_plan_for_the_city_or_another_county():
    with as_actor("xigu_staff"), pytest.raises(NotPermitted):
        services.do_create_plan(actor=user("xigu_staff"), owner=org("LZYJJ"), year=2031)
    with as_actor("xigu_staff"), pytest.raises(NotPermitted):
        services.do_create_plan(actor=user("xigu_staff"), owner=org("CGQ-YJJ"), year=2031)
    plan = make_plan("xigu_staff", "XGQ-YJJ")
    city_tier = Enterprise.objects.filter(tier="city", region__code="620104").first()
    with as_actor("xigu_staff"), pytest.raises(NotPermitted):
        services.do_add_entry(actor=user("xigu_staff"), plan=plan, enterprise=city_tier, month=3)
    assert not plan.entries.exists()


# --- 防止多头重复执法 -----------------------------------------------------------------------------


def test_duplicate_inspection_across_city_and_county_needs_a_reason():
    target = xigu_county_enterprise()
    first = schedule("xigu_staff", "XGQ-YJJ", target, FUTURE)
    before = Inspection.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        schedule("whk_staff", "LZYJJ-WHP", target, FUTURE + timedelta(days=12))
    err = exc.value
    assert err.code == "duplicate_inspection"
    assert (
        first.number in err.message and "西固区应急管理局" in err.message and "理由" in err.message
    )
    named = [o for o in err.details["overlaps"] if o["kind"] == "inspection"]
    assert [o["id"] for o in named] == [first.pk] and named[0]["days_apart"] == 12
    assert Inspection.objects.count() == before  # nothing written
    # with a reason the city proceeds and the overlap is recorded
    second = schedule(
        "whk_staff", "LZYJJ-WHP", target, FUTURE + timedelta(days=12), reason="专项整治市级督导"
    )
    overlap = Overlap.objects.get(inspection=second, other_inspection=first)
    assert overlap.authority.code == "LZYJJ" and overlap.other_authority.code == "XGQ-YJJ"
    assert overlap.reason == "专项整治市级督导" and overlap.days_apart == 12
    assert overlap.window_days == 30
    event = AuditEvent.objects.filter(
        verb="inspections.inspection.scheduled", object_id=str(second.pk)
    ).get()
    assert "重复" in event.message


def test_same_bureau_and_outside_the_window_do_not_warn(settings):
    target = xigu_county_enterprise()
    schedule("xigu_staff", "XGQ-YJJ", target, FUTURE)
    # the same authority again (another visit) is not 多头
    schedule("xigu_staff", "XGQ-YJJ", target, FUTURE + timedelta(days=3))
    # another authority 31 days later is outside the default 30-day window
    city = schedule("whk_staff", "LZYJJ-ZD", target, FUTURE + timedelta(days=34))
    assert not city.overlaps.exists()
    # a wider configured window catches it
    settings.YINGJI_INSPECTION_OVERLAP_DAYS = 60
    with pytest.raises(ValidationFailed):
        schedule("whk_staff", "LZYJJ-ZD", target, FUTURE + timedelta(days=40))


def test_plan_entry_of_another_bureau_in_the_window_warns():
    target = xigu_county_enterprise()
    county_plan = make_plan("xigu_staff", "XGQ-YJJ")
    with as_actor("xigu_staff"):
        entry = services.do_add_entry(
            actor=user("xigu_staff"), plan=county_plan, enterprise=target, month=6
        )
    city_plan = make_plan("whk_staff", "LZYJJ")
    with as_actor("whk_staff"), pytest.raises(ValidationFailed) as exc:
        services.do_add_entry(actor=user("whk_staff"), plan=city_plan, enterprise=target, month=6)
    assert "西固区应急管理局" in exc.value.message and "6月" in exc.value.message
    assert not city_plan.entries.exists()
    with as_actor("whk_staff"):
        city_entry = services.do_add_entry(
            actor=user("whk_staff"),
            plan=city_plan,
            enterprise=target,
            month=6,
            reason="市县联合检查,由市局牵头",
        )
    assert Overlap.objects.filter(entry=city_entry, other_entry=entry).exists()
    # and the overlap report lists it for both bureaus, not for 城关区
    for name, seen in (("whk_staff", True), ("xigu_staff", True), ("chengguan_staff", False)):
        assert selectors.visible_overlaps(user(name)).filter(entry=city_entry).exists() is seen


def test_scheduling_a_plan_entry_does_not_warn_about_itself():
    target = xigu_county_enterprise()
    plan = make_plan("xigu_staff", "XGQ-YJJ")
    with as_actor("xigu_staff"):
        entry = services.do_add_entry(
            actor=user("xigu_staff"), plan=plan, enterprise=target, month=5
        )
        inspection = services.do_schedule_inspection(
            actor=user("xigu_staff"), entry=entry, inspected_on=FUTURE, participants="甲、乙"
        )
    entry.refresh_from_db()
    assert entry.state == "scheduled" and inspection.kind == "planned"
    assert inspection.agency == entry.agency and not inspection.overlaps.exists()
    with as_actor("xigu_staff"):
        services.do_cancel_inspection(
            actor=user("xigu_staff"), inspection=inspection, reason="天气"
        )
    entry.refresh_from_db()
    assert entry.state == "planned"


# --- recording an inspection ----------------------------------------------------------------


def recorded(name="xigu_staff", agency="XGQ-YJJ", enterprise=None, days_ago=3):
    enterprise = enterprise or xigu_county_enterprise()
    return schedule(name, agency, enterprise, timezone.localdate() - timedelta(days=days_ago))


def test_checklist_is_the_sector_groups_and_completion_is_checked(certified_team):
    inspection = recorded()
    assert inspection.sector_group == "hazchem"
    codes = [i["code"] for i in inspection.checklist]
    assert "H1" in codes and "C1" in codes and all(i["result"] == "" for i in inspection.checklist)
    actor = user("xigu_staff")
    with as_actor("xigu_staff"):
        with pytest.raises(ValidationFailed) as exc:
            services.do_complete_inspection(actor=actor, inspection=inspection)
        assert "未检查" in exc.value.message
        results = {c: "ok" for c in codes} | {"H3": "fail"}
        with pytest.raises(ValidationFailed):
            services.do_record_checklist(actor=actor, inspection=inspection, results={"X9": "ok"})
        inspection = services.do_record_checklist(
            actor=actor, inspection=inspection, results=results, participants="王某"
        )
        with pytest.raises(ValidationFailed) as exc:
            services.do_complete_inspection(actor=actor, inspection=inspection)
        assert "不得少于两人" in exc.value.message and "H3" in exc.value.message
        # 执法's precondition (a hook): no certified officers named on it yet
        assert "officers" in exc.value.details and "不得少于2人" in exc.value.message
        certified_team(inspection)
        services.do_record_checklist(
            actor=actor, inspection=inspection, results={}, participants="王某、李某"
        )
        services.do_add_finding(
            actor=actor,
            inspection=inspection,
            description="可燃气体报警器超期未检定",
            category="equipment",
            item_code="H3",
        )
        inspection = services.do_complete_inspection(actor=actor, inspection=inspection)
        assert inspection.state == "completed"
        with pytest.raises(InvalidTransition):
            services.do_record_checklist(actor=actor, inspection=inspection, results={"C1": "fail"})
    inspection.refresh_from_db()
    assert next(i for i in inspection.checklist if i["code"] == "C1")["result"] == "ok"


def test_only_the_inspecting_bureau_records_it():
    inspection = recorded()
    with as_actor("whk_staff"), pytest.raises(NotPermitted):
        services.do_record_checklist(
            actor=user("whk_staff"), inspection=inspection, results={"C1": "ok"}
        )
    with as_actor("chengguan_staff"), pytest.raises(NotPermitted):
        services.do_cancel_inspection(
            actor=user("chengguan_staff"), inspection=inspection, reason="越权"
        )
    inspection.refresh_from_db()
    assert inspection.state == "scheduled" and inspection.checklist[0]["result"] == ""


def test_finding_creates_a_hazard_in_one_step_linked_both_ways():
    inspection = recorded()
    actor = user("xigu_staff")
    with as_actor("xigu_staff"):
        finding = services.do_add_finding(
            actor=actor,
            inspection=inspection,
            description="储罐区防火堤有破损,未及时修复",
            category="equipment",
            level="general",
            location="储罐区",
        )
        hazard = services.do_create_hazard_from_finding(actor=actor, finding=finding)
        finding.refresh_from_db()
        assert finding.hazard_id == hazard.pk and hazard.code
        assert list(hazard.findings.all()) == [finding]
        assert hazard.enterprise_id == inspection.enterprise_id
        assert hazard.source == "enforcement" and hazard.found_on == inspection.inspected_on
        with pytest.raises(InvalidTransition) as exc:
            services.do_create_hazard_from_finding(actor=actor, finding=finding)
        assert hazard.code in exc.value.message
    assert AuditEvent.objects.filter(
        verb="inspections.finding.hazard_created", object_id=str(inspection.pk)
    ).exists()


# --- the case file --------------------------------------------------------------------------

STATES = [s for s, _ in CASE_STATES]
STEP_DATA = {
    "investigating": {"investigation": "询问笔录两份"},
    "decided": {"decision": "责令改正并处罚款一万元", "penalty_amount": Decimal("10000")},
    "executing": {},
    "closed": {"execution": "罚款已缴纳,已整改"},
}


def city_case():
    target = Enterprise.objects.filter(tier="city", status="operating").order_by("pk").first()
    with as_actor("whk_staff"):
        return services.do_open_case(
            actor=user("whk_staff"),
            enterprise=target,
            agency=org("LZYJJ-ZD"),
            cause="未按规定进行动火作业审批",
            filed_on=timezone.localdate() - timedelta(days=5),
        )


def evidence_all(case):
    with as_actor("whk_staff"):
        for system in ("publicity", "recording", "legal_review"):
            case = services.do_set_case_system(
                actor=user("whk_staff"), case=case, system=system, note=f"{system} 已落实"
            )
    return case


def walk_to(case, state):
    with as_actor("whk_staff"):
        for step in STATES[1 : STATES.index(state) + 1]:
            if step == "closed":
                case = evidence_all(case)
            case = services.do_advance_case(
                actor=user("whk_staff"), case=case, to_state=step, **STEP_DATA[step]
            )
    return case


def test_case_number_is_per_bureau_and_year():
    first, second = city_case(), city_case()
    year = first.filed_on.year
    assert first.number == f"兰州市应急立〔{year}〕{first.serial}号"
    assert second.serial == first.serial + 1 and first.authority.code == "LZYJJ"
    with as_actor("xigu_staff"):
        county = services.do_open_case(
            actor=user("xigu_staff"),
            enterprise=xigu_county_enterprise(),
            agency=org("XGQ-YJJ"),
            cause="未按规定开展隐患排查",
            filed_on=timezone.localdate(),
        )
    assert county.number.startswith("西固区应急立〔") and county.serial == 1


@pytest.mark.parametrize("source", STATES)
@pytest.mark.parametrize("target", [*STATES, "deleted"])
def test_every_case_transition(source, target):
    case = walk_to(city_case(), source)
    allowed = STATES.index(target) == STATES.index(source) + 1 if target in STATES else False
    if target == "closed" and allowed:
        case = evidence_all(case)
    events = AuditEvent.objects.filter(object_id=str(case.pk), verb="inspections.case.advanced")
    count, version = events.count(), case.version
    with as_actor("whk_staff"):
        if allowed:
            case = services.do_advance_case(
                actor=user("whk_staff"), case=case, to_state=target, **STEP_DATA[target]
            )
            assert case.state == target and events.count() == count + 1
            return
        with pytest.raises(InvalidTransition) as exc:
            services.do_advance_case(
                actor=user("whk_staff"), case=case, to_state=target, **STEP_DATA.get(target, {})
            )
    assert exc.value.message  # a clear sentence, e.g. 下一步只能是“…”
    assert ("已结案" in exc.value.message) if source == "closed" else ("阶段" in exc.value.message)
    case.refresh_from_db()
    assert case.state == source and case.version == version and events.count() == count


def test_decision_needs_its_content():
    case = walk_to(city_case(), "investigating")
    with as_actor("whk_staff"), pytest.raises(ValidationFailed):
        services.do_advance_case(actor=user("whk_staff"), case=case, to_state="decided")
    case.refresh_from_db()
    assert case.state == "investigating"


def test_closing_needs_the_three_systems_with_evidence():
    case = walk_to(city_case(), "executing")
    actor = user("whk_staff")
    with as_actor("whk_staff"):
        with pytest.raises(ValidationFailed) as exc:
            services.do_advance_case(
                actor=actor, case=case, to_state="closed", execution="罚款已缴纳"
            )
        assert "行政执法公示" in exc.value.message and "重大执法决定法制审核" in exc.value.message
        # a tick without evidence is refused
        with pytest.raises(ValidationFailed):
            services.do_set_case_system(actor=actor, case=case, system="publicity")
        case = services.do_set_case_system(
            actor=actor, case=case, system="publicity", note="已在门户网站公示"
        )
        upload = SimpleUploadedFile("记录.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
        att = do_add_attachment(actor=actor, target=case, upload=upload, description="执法记录")
        case = services.do_set_case_system(
            actor=actor, case=case, system="recording", attachment=att
        )
        # an attachment of another record is not evidence for this case
        other = city_case()
        foreign = do_add_attachment(
            actor=actor,
            target=other,
            upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        )
        with pytest.raises(ValidationFailed):
            services.do_set_case_system(
                actor=actor, case=case, system="legal_review", attachment=foreign
            )
        with pytest.raises(ValidationFailed) as exc:
            services.do_advance_case(actor=actor, case=case, to_state="closed", execution="已缴纳")
        assert "重大执法决定法制审核" in exc.value.message and "公示" not in exc.value.message
        case.refresh_from_db()
        assert case.state == "executing"
        case = services.do_set_case_system(
            actor=actor, case=case, system="legal_review", note="法制审核意见书已归档"
        )
        case = services.do_advance_case(
            actor=actor, case=case, to_state="closed", execution="已缴纳"
        )
    assert case.state == "closed" and case.closed_on == timezone.localdate()
    assert ContentType.objects.get_for_model(CaseFile).pk == att.content_type_id


def test_only_the_bureau_handles_its_case():
    case = city_case()
    with as_actor("xigu_staff"), pytest.raises(NotPermitted):
        services.do_advance_case(actor=user("xigu_staff"), case=case, to_state="investigating")
    case.refresh_from_db()
    assert case.state == "filed"
