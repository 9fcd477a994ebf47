"""执法检查 permissions for the enterprise, county and city personas (grants and denials), in
restrict(), the pages and the API; the demo data; the pages render."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.permissions import can, restrict
from yingji.enterprises.models import Enterprise
from yingji.inspections import services
from yingji.inspections.models import (
    CaseFile,
    Finding,
    Inspection,
    InspectionPlan,
    Overlap,
    PlanEntry,
)
from yingji.orgs.models import Organisation

pytestmark = pytest.mark.django_db
User = get_user_model()
A1 = "DEMO-ENT-620104-01"  # the enterprise persona's enterprise (county-tier, 西固区)


def schedule(persona, username, agency, enterprise, day, **kw):
    actor = User.objects.get(username=username)
    with actor_context(actor, source="test"):
        return services.do_schedule_inspection(
            actor=actor,
            enterprise=enterprise,
            inspected_on=day,
            agency=Organisation.objects.get(code=agency),
            participants="甲某、乙某",
            **kw,
        )


def test_demo_has_plans_inspections_overlap_and_a_case():
    owners = set(InspectionPlan.objects.filter(is_demo=True).values_list("owner__code", flat=True))
    assert owners == {"LZYJJ", "XGQ-YJJ", "CGQ-YJJ"}
    assert PlanEntry.objects.filter(plan__is_demo=True).count() >= 30
    assert Inspection.objects.filter(is_demo=True, state="completed").count() >= 3
    assert Finding.objects.filter(inspection__is_demo=True).exists()
    assert Finding.objects.filter(hazard__isnull=False).exists()
    assert Overlap.objects.filter(
        is_demo=True, authority__code="LZYJJ", other_authority__code="XGQ-YJJ"
    ).exists()
    assert CaseFile.objects.filter(is_demo=True).count() == 1


def test_enterprise_user_sees_only_its_own_completed_inspections(persona):
    ent_user = persona("enterprise")
    own = Enterprise.objects.get(organisation__code=A1)
    seen = restrict(Inspection.objects.all(), ent_user)
    assert seen.exists()
    assert set(seen.values_list("enterprise_id", flat=True)) == {own.pk}
    assert set(seen.values_list("state", flat=True)) == {"completed"}
    # an announced-in-advance visit of its own enterprise stays hidden
    upcoming = schedule(
        persona, "xigu_staff", "XGQ-YJJ", own, timezone.localdate() + timedelta(days=40)
    )
    assert not can(ent_user, upcoming, "view")
    for action in ("change", "add", "approve"):
        assert not restrict(Inspection.objects.all(), ent_user, action).exists()
    for model in (InspectionPlan, PlanEntry, Overlap, CaseFile):
        assert not restrict(model.objects.all(), ent_user).exists(), model
    assert set(
        restrict(Finding.objects.all(), ent_user).values_list(
            "inspection__enterprise_id", flat=True
        )
    ) <= {own.pk}


def test_county_staff_see_their_county_tier_enterprises_inspections(persona):
    xigu, chengguan = persona("county_a"), persona("county_b")
    a1 = Inspection.objects.filter(enterprise__organisation__code=A1, is_demo=True)
    by_city = a1.get(authority__code="LZYJJ")
    by_county = a1.get(authority__code="XGQ-YJJ")
    # 西固区 sees both inspections of its county-tier enterprise, including the city's
    assert can(xigu, by_city) and can(xigu, by_county)
    assert can(xigu, by_county, "change") and not can(xigu, by_city, "change")
    # 城关区 sees none of 西固区's
    assert not can(chengguan, by_city) and not can(chengguan, by_county)
    seen_b = restrict(Inspection.objects.all(), chengguan)
    assert seen_b.exists()
    assert all(
        i.authority.code == "CGQ-YJJ" or i.enterprise.region.code == "620102" for i in seen_b
    )
    # a city-tier enterprise of 西固区 is the city's: its inspections are not 西固区's
    city_case = CaseFile.objects.get(is_demo=True)
    assert not can(xigu, city_case.inspection)
    assert not can(xigu, city_case)
    # plans: each county its own
    plans_a = set(
        restrict(InspectionPlan.objects.all(), xigu).values_list("owner__code", flat=True)
    )
    assert plans_a == {"XGQ-YJJ"}


def test_county_cannot_schedule_outside_its_tier_or_county(persona):
    from yingji.core.errors import NotPermitted

    city_tier = Enterprise.objects.filter(tier="city", region__code="620104").first()
    other_county = Enterprise.objects.filter(tier="county", region__code="620102").first()
    for target in (city_tier, other_county):
        with pytest.raises(NotPermitted):
            schedule(persona, "xigu_staff", "XGQ-YJJ", target, date(2032, 3, 1))
    with pytest.raises(NotPermitted):  # nor in another bureau's name
        schedule(
            persona,
            "xigu_staff",
            "CGQ-YJJ",
            Enterprise.objects.get(organisation__code=A1),
            date(2032, 3, 1),
        )
    assert not Inspection.objects.filter(inspected_on=date(2032, 3, 1)).exists()


def test_city_staff_read_everything_and_change_the_city_bureaus_records(persona):
    section, leader = persona("section"), persona("leader")
    total = Inspection.objects.count()
    assert restrict(Inspection.objects.all(), section).count() == total
    assert restrict(Inspection.objects.all(), leader).count() == total
    assert restrict(InspectionPlan.objects.all(), section).count() == InspectionPlan.objects.count()
    changeable = restrict(Inspection.objects.all(), section, "change")
    assert changeable.exists()
    assert set(changeable.values_list("authority__code", flat=True)) == {"LZYJJ"}
    assert not restrict(Inspection.objects.all(), leader, "change").exists()
    case = CaseFile.objects.get(is_demo=True)
    assert can(section, case, "change") and can(leader, case) and not can(leader, case, "change")


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["inspections:index", "inspections:plans", "inspections:overlaps", "inspections:cases"]
)
def test_list_pages_render_and_export(as_user, name):
    client = as_user("section")
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "执法" in response.content.decode() or "检查" in response.content.decode()
    if name != "inspections:plans":
        export = client.get(reverse(name) + "?export=csv")
        assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")


def test_record_pages_render(as_user):
    client = as_user("section")
    case = CaseFile.objects.get(is_demo=True)
    page = client.get(reverse("inspections:case", args=[case.pk])).content.decode()
    assert case.number in page and "行政执法三项制度" in page and "执法全过程记录" in page
    page = client.get(reverse("inspections:inspection", args=[case.inspection_id])).content
    assert "现场检查表" in page.decode()
    plan = InspectionPlan.objects.get(is_demo=True, owner__code="LZYJJ")
    page = client.get(reverse("inspections:plan", args=[plan.pk]) + "?propose=1").content
    assert plan.title in page.decode()


def test_enterprise_user_pages(as_user):
    client = as_user("enterprise")
    page = client.get(reverse("inspections:index")).content.decode()
    assert "兰州西固石化储运有限公司" in page
    other = Inspection.objects.exclude(enterprise__organisation__code=A1).first()
    assert client.get(reverse("inspections:inspection", args=[other.pk])).status_code == 404
    own = Inspection.objects.filter(enterprise__organisation__code=A1, state="completed").first()
    page = client.get(reverse("inspections:inspection", args=[own.pk])).content.decode()
    assert "保存检查表" not in page and "登记为隐患" not in page
    assert client.get(reverse("inspections:plans")).status_code == 403
    assert client.get(reverse("inspections:new")).status_code == 403


def test_duplicate_warning_on_the_form_then_proceed_with_reason(as_user, persona):
    a1 = Enterprise.objects.get(organisation__code=A1)
    day = date(2033, 4, 10)
    first = schedule(persona, "xigu_staff", "XGQ-YJJ", a1, day)
    client = as_user("section")
    form = {
        "enterprise": a1.pk,
        "agency_id": Organisation.objects.get(code="LZYJJ-WHP").pk,
        "kind": "special",
        "inspected_on": (day + timedelta(days=5)).isoformat(),
        "participants": "赵某、钱某",
    }
    page = client.post(reverse("inspections:new"), form).content.decode()
    assert 'id="overlap-warning"' in page and first.number in page
    assert not Inspection.objects.filter(inspected_on=day + timedelta(days=5)).exists()
    response = client.post(reverse("inspections:new"), {**form, "reason": "市级专项督导"})
    created = Inspection.objects.get(inspected_on=day + timedelta(days=5))
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert created.overlaps.get().other_inspection == first


def test_county_b_cannot_post_to_county_a_records(as_user):
    own = Inspection.objects.get(enterprise__organisation__code=A1, authority__code="XGQ-YJJ")
    version = own.version
    client = as_user("county_b")
    response = client.post(reverse("inspections:cancel", args=[own.pk]), {"reason": "越权"})
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.version == version and own.state == "completed"


# --- API ------------------------------------------------------------------------------------


def test_api_lists_follow_the_same_permissions(as_user):
    ent = as_user("enterprise").get("/api/v1/inspections/records").json()
    assert ent and {i["enterprise"] for i in ent} == {"兰州西固石化储运有限公司(演示)"}
    assert as_user("enterprise").get("/api/v1/inspections/cases").json() == []
    b = as_user("county_b").get("/api/v1/inspections/records").json()
    assert b and all(i["authority"] == "城关区应急管理局" for i in b)
    city = as_user("section").get("/api/v1/inspections/records").json()
    assert len(city) == Inspection.objects.count()


def test_api_duplicate_warning_and_case_refusal(as_user, persona):
    a1 = Enterprise.objects.get(organisation__code=A1)
    day = date(2034, 6, 1)
    first = schedule(persona, "xigu_staff", "XGQ-YJJ", a1, day)
    client = as_user("section")
    payload = {
        "enterprise_id": a1.pk,
        "agency_id": Organisation.objects.get(code="LZYJJ-ZD").pk,
        "inspected_on": (day + timedelta(days=2)).isoformat(),
        "participants": "赵某、钱某",
    }
    response = client.post("/api/v1/inspections/records", payload, content_type="application/json")
    body = response.json()
    assert response.status_code == 422 and body["code"] == "duplicate_inspection"
    assert body["details"]["overlaps"][0]["id"] == first.pk and first.number in body["message"]
    response = client.post(
        "/api/v1/inspections/records",
        {**payload, "reason": "联合检查"},
        content_type="application/json",
    )
    assert response.status_code == 200
    case = CaseFile.objects.get(is_demo=True)
    response = client.post(
        f"/api/v1/inspections/cases/{case.pk}/advance",
        {"to_state": "closed"},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert "处罚决定" in response.json()["message"]
    denied = as_user("county_a").post(
        f"/api/v1/inspections/cases/{case.pk}/advance",
        {"to_state": "executing"},
        content_type="application/json",
    )
    assert denied.status_code == 404
    case.refresh_from_db()
    assert case.state == "decided"
