"""Enterprise registry: validation (USCC, coordinates, district), tiers, permissions of the
personas (grants and denials), audit records, versions, 安责险 and the 安全三问 workflow."""

import datetime

import pytest
from django.urls import reverse

from yingji.core.errors import ConflictError, InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent, ObjectChange
from yingji.core.permissions import restrict
from yingji.enterprises import services
from yingji.enterprises.models import Enterprise, InsurancePolicy, SafetyQuestionnaire
from yingji.enterprises.selectors import insurance_gaps
from yingji.enterprises.tiering import DEFAULT_RULE, compute_tier
from yingji.orgs.models import Organisation
from yingji.standards.coords import convert

from .helpers import enterprise_data, new_uscc, point_in

pytestmark = pytest.mark.django_db


def own_enterprise():
    return Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")


# --- validation ---------------------------------------------------------------------------


def test_wrong_uscc_is_refused_with_the_expected_check_character(persona, ctx):
    data = enterprise_data("校验码错误公司")
    good = data["uscc"]
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    data["uscc"] = wrong
    with pytest.raises(ValidationFailed) as exc:
        services.do_register_enterprise(actor=persona("county_a"), data=data)
    assert f"第18位应为“{good[17]}”" in exc.value.message
    assert exc.value.details["fields"]["uscc"]
    assert not Organisation.objects.filter(name="校验码错误公司").exists()


def test_uscc_charset_and_length_are_checked(persona, ctx):
    for bad, words in (
        ("91620104MA7XXXXXI", "应为18位"),
        ("91620104MA7XXXXXIO", "不在允许的字符集内"),
    ):
        data = enterprise_data("字符集错误公司", uscc=bad)
        with pytest.raises(ValidationFailed) as exc:
            services.do_register_enterprise(actor=persona("county_a"), data=data)
        assert words in exc.value.message


def test_register_converts_gcj02_to_wgs84_and_locates_the_district(persona, ctx):
    lon, lat = point_in("620104")
    glon, glat = convert(lon, lat, "wgs84", "gcj02")
    data = enterprise_data("坐标转换公司", lon=glon, lat=glat, coord_system="GCJ-02")
    ent = services.do_register_enterprise(actor=persona("county_a"), data=data)
    assert abs(ent.lon - lon) < 1e-6 and abs(ent.lat - lat) < 1e-6
    assert ent.coord_source == "gcj02" and ent.located_region.code == "620104"
    blon, blat = convert(lon, lat, "wgs84", "bd09")
    ent2 = services.do_register_enterprise(
        actor=persona("county_a"),
        data=enterprise_data("百度坐标公司", lon=blon, lat=blat, coord_system="bd09"),
    )
    assert abs(ent2.lon - lon) < 1e-6


def test_coordinates_in_another_district_are_refused(persona, ctx):
    lon, lat = point_in("620102")  # 城关区
    data = enterprise_data("错区公司", lon=lon, lat=lat)  # declared 西固区
    with pytest.raises(ValidationFailed) as exc:
        services.do_register_enterprise(actor=persona("county_a"), data=data)
    assert "位于城关区" in exc.value.message and "西固区" in exc.value.message
    outside = enterprise_data("境外公司", lon=116.4, lat=39.9)
    with pytest.raises(ValidationFailed) as exc:
        services.do_register_enterprise(actor=persona("county_a"), data=outside)
    assert "不在本市任何县区范围内" in exc.value.message
    assert not Organisation.objects.filter(name__in=["错区公司", "境外公司"]).exists()


def test_duplicate_uscc_is_refused(persona, ctx):
    data = enterprise_data("重复代码公司", uscc=own_enterprise().uscc)
    with pytest.raises(ValidationFailed) as exc:
        services.do_register_enterprise(actor=persona("county_a"), data=data)
    assert "已登记" in exc.value.message


# --- tiers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "sector", "employees", "grade", "tier"),
    [
        ("small", "machinery", 50, "", "county"),
        ("large", "machinery", 50, "", "city"),  # large → city
        ("small", "coal_mine", 50, "", "city"),  # specialised sector → city
        ("small", "machinery", 1000, "", "city"),  # employee threshold, inclusive
        ("small", "machinery", 999, "", "county"),
        ("small", "hazchem_storage", 50, "二级", "city"),  # high risk → city
        ("small", "hazchem_storage", 50, "三级", "county"),
    ],
)
def test_tier_rule(scale, sector, employees, grade, tier):
    decision = compute_tier(
        scale=scale, sector=sector, employees=employees, major_hazard_grade=grade, rule=DEFAULT_RULE
    )
    assert decision.tier == tier and decision.reason


def test_county_staff_register_a_large_one_and_it_goes_to_the_city(persona, ctx):
    ent = services.do_register_enterprise(
        actor=persona("county_a"), data=enterprise_data("大型机械公司", scale="large")
    )
    assert ent.tier == "city" and "大型" in ent.tier_reason
    assert not restrict(Enterprise.objects.filter(pk=ent.pk), persona("county_a")).exists()
    assert restrict(Enterprise.objects.filter(pk=ent.pk), persona("section"), "change").exists()


def test_city_section_staff_register_a_city_tier_enterprise(persona, ctx):
    ent = services.do_register_enterprise(
        actor=persona("section"), data=enterprise_data("市级监管化工公司", "620102", scale="large")
    )
    assert ent.tier == "city" and ent.organisation.region.code == "620102"
    assert restrict(Enterprise.objects.filter(pk=ent.pk), persona("section"), "change").exists()


def test_county_staff_cannot_register_in_another_county(persona, ctx):
    with pytest.raises(NotPermitted):
        services.do_register_enterprise(
            actor=persona("county_b"), data=enterprise_data("越权登记公司", "620104")
        )
    assert not Organisation.objects.filter(name="越权登记公司").exists()


def test_tier_override_needs_a_reason_and_is_recorded(persona, ctx):
    ent = services.do_register_enterprise(
        actor=persona("county_a"), data=enterprise_data("调整层级公司")
    )
    with pytest.raises(ValidationFailed):
        services.do_override_tier(
            actor=persona("county_a"),
            enterprise=ent,
            tier="city",
            reason="",
            expected_version=ent.version,
        )
    with pytest.raises(NotPermitted):
        services.do_override_tier(
            actor=persona("county_b"),
            enterprise=ent,
            tier="city",
            reason="越权",
            expected_version=ent.version,
        )
    ent = services.do_override_tier(
        actor=persona("section"),
        enterprise=ent,
        tier="city",
        reason="涉及重点监管危险化工工艺",
        expected_version=ent.version,
    )
    assert ent.tier == "city" and ent.tier_computed == "county" and ent.tier_overridden
    assert AuditEvent.objects.filter(
        verb="enterprises.enterprise.tier_changed",
        object_id=str(ent.pk),
        message__contains="涉及重点监管",
    ).exists()
    ent = services.do_override_tier(
        actor=persona("section"), enterprise=ent, tier=None, reason="", expected_version=ent.version
    )
    assert ent.tier == "county" and not ent.tier_overridden


def test_tier_rule_change_reapplies_to_enterprises(persona, ctx):
    ent = services.do_register_enterprise(
        actor=persona("county_a"), data=enterprise_data("规则公司")
    )
    assert ent.tier == "county"
    with pytest.raises(NotPermitted):
        services.do_update_tier_rule(actor=persona("section"), data={})
    services.do_update_tier_rule(
        actor=persona("city_admin"),
        data={"city_scales": ["large"], "city_sectors": ["machinery"], "city_min_employees": 0},
    )
    ent.refresh_from_db()
    assert ent.tier == "city" and "机械" in ent.tier_reason


# --- permissions ----------------------------------------------------------------------------


def test_county_staff_see_only_their_county_tier_enterprises(persona):
    for name, prefix in (("county_a", "/620100/620104/"), ("county_b", "/620100/620102/")):
        seen = restrict(Enterprise.objects.all(), persona(name))
        assert seen.exists()
        assert set(seen.values_list("tier", flat=True)) == {"county"}
        assert all(p.startswith(prefix) for p in seen.values_list("region__path", flat=True))
    city_tier_xigu = Enterprise.objects.filter(region__code="620104", tier="city")
    assert city_tier_xigu.exists()
    assert not restrict(city_tier_xigu, persona("county_a")).exists()


def test_city_roles_see_all_and_enterprise_user_only_its_own(persona):
    total = Enterprise.objects.count()
    for name in ("leader", "section", "city_admin"):
        assert restrict(Enterprise.objects.all(), persona(name)).count() == total
    own = restrict(Enterprise.objects.all(), persona("enterprise"))
    assert list(own.values_list("organisation__code", flat=True)) == ["DEMO-ENT-620104-01"]


def test_change_and_approve_rights(persona):
    ent = own_enterprise()
    qs = Enterprise.objects.filter(pk=ent.pk)
    assert restrict(qs, persona("county_a"), "approve").exists()
    assert restrict(qs, persona("enterprise"), "change").exists()
    assert not restrict(qs, persona("enterprise"), "approve").exists()
    assert not restrict(qs, persona("county_b"), "change").exists()
    assert not restrict(qs, persona("leader"), "change").exists()
    assert not restrict(qs, persona("section"), "change").exists()  # county-tier: the county's


def test_web_list_and_detail_obey_the_scope(as_user):
    ent = own_enterprise()
    other = Enterprise.objects.filter(region__code="620102", tier="county").first()
    client = as_user("county_a")
    html = client.get(reverse("enterprises:index")).content.decode()
    assert ent.name in html and other.name not in html
    assert client.get(reverse("enterprises:detail", args=[ent.pk])).status_code == 200
    assert client.get(reverse("enterprises:detail", args=[other.pk])).status_code == 404
    ent_client = as_user("enterprise")
    assert ent_client.get(reverse("enterprises:detail", args=[other.pk])).status_code == 404
    page = ent_client.get(reverse("enterprises:detail", args=[ent.pk])).content.decode()
    assert "填报本年度安全三问" in page and "历史" in page


def test_list_export_is_restricted(as_user):
    text = (
        as_user("county_b")
        .get(reverse("enterprises:index") + "?export=csv")
        .getvalue()
        .decode("utf-8-sig")
    )
    assert "兰州城关" in text and "兰州西固" not in text
    xlsx = as_user("leader").get(reverse("enterprises:index") + "?export=xlsx&sector=coal_mine")
    assert xlsx.getvalue()[:2] == b"PK"


def test_api_list_and_denials(as_user):
    ent = own_enterprise()
    data = as_user("county_a").get("/api/v1/enterprises").json()
    assert ent.pk in {e["id"] for e in data} and {e["tier"] for e in data} == {"county"}
    assert as_user("county_b").get(f"/api/v1/enterprises/{ent.pk}").status_code == 404
    response = as_user("enterprise").post(
        f"/api/v1/enterprises/{ent.pk}/status",
        {"status": "closed", "reason": "自行关闭", "version": ent.version},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


# --- updates, versions, audit ---------------------------------------------------------------


def test_update_is_audited_and_stale_version_conflicts(persona, ctx):
    ent = own_enterprise()
    version = ent.version
    services.do_update_enterprise(
        actor=persona("enterprise"),
        enterprise=ent,
        data={"principal": "新负责人"},
        expected_version=version,
    )
    ent.refresh_from_db()
    assert ent.principal == "新负责人" and ent.version == version + 1
    change = ObjectChange.objects.filter(
        content_type__model="enterprise", object_id=str(ent.pk), action="update"
    ).first()
    assert change.changed_fields == ["principal"] and change.after["principal"] == "新负责人"
    assert AuditEvent.objects.filter(
        verb="enterprises.enterprise.updated", object_id=str(ent.pk)
    ).exists()
    with pytest.raises(ConflictError):
        services.do_update_enterprise(
            actor=persona("enterprise"),
            enterprise=ent,
            data={"principal": "又一人"},
            expected_version=version,
        )


def test_api_stale_update_is_409(as_user):
    ent = own_enterprise()
    client = as_user("county_a")
    url = f"/api/v1/enterprises/{ent.pk}"
    ok = client.patch(
        url, {"version": ent.version, "address": "新地址1号"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["address"] == "新地址1号"
    stale = client.patch(
        url, {"version": ent.version, "address": "旧"}, content_type="application/json"
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["message"]


def test_status_change_needs_reason_and_regulator(persona, ctx):
    ent = own_enterprise()
    with pytest.raises(ValidationFailed):
        services.do_change_enterprise_status(
            actor=persona("county_a"),
            enterprise=ent,
            status="suspended",
            reason=" ",
            expected_version=ent.version,
        )
    with pytest.raises(NotPermitted):
        services.do_change_enterprise_status(
            actor=persona("enterprise"),
            enterprise=ent,
            status="suspended",
            reason="检修",
            expected_version=ent.version,
        )
    ent = services.do_change_enterprise_status(
        actor=persona("county_a"),
        enterprise=ent,
        status="suspended",
        reason="停产整顿",
        expected_version=ent.version,
    )
    assert ent.status == "suspended" and Enterprise.objects.filter(pk=ent.pk).exists()


# --- licences, 安责险 -------------------------------------------------------------------------


def test_insurance_missing_and_expiring_lists(persona, ctx):
    ent = services.do_register_enterprise(
        actor=persona("county_a"), data=enterprise_data("未投保储运公司", sector="hazchem_storage")
    )
    missing, _ = insurance_gaps(persona("county_a"))
    assert ent in missing
    today = datetime.date.today()
    policy = services.do_add_policy(
        actor=persona("county_a"),
        enterprise=ent,
        data={
            "policy_number": "T-1",
            "insurer": "测试保险",
            "starts_on": today - datetime.timedelta(days=300),
            "ends_on": today + datetime.timedelta(days=20),
            "insured_amount": "500",
        },
    )
    missing, expiring = insurance_gaps(persona("county_a"))
    assert ent not in missing and policy in expiring
    services.do_add_policy(
        actor=persona("county_a"),
        enterprise=ent,
        data={
            "policy_number": "T-2",
            "insurer": "测试保险",
            "starts_on": today + datetime.timedelta(days=21),
            "ends_on": today + datetime.timedelta(days=385),
            "insured_amount": "500",
        },
    )
    _, expiring = insurance_gaps(persona("county_a"))
    assert policy not in expiring  # renewed
    # county B does not see county A's gaps
    missing_b, expiring_b = insurance_gaps(persona("county_b"))
    assert ent not in missing_b and policy not in expiring_b


def test_bad_policy_and_licence_input_writes_nothing(persona, ctx):
    ent = own_enterprise()
    before = InsurancePolicy.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.do_add_policy(
            actor=persona("county_a"),
            enterprise=ent,
            data={
                "policy_number": "",
                "insurer": "X",
                "starts_on": "2024-01-01",
                "ends_on": "2024-12-31",
                "insured_amount": "-1",
            },
        )
    assert "保单号不能为空" in exc.value.message and "保险金额" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        services.do_add_licence(
            actor=persona("county_a"),
            enterprise=ent,
            data={"kind": "other", "number": "1", "valid_until": "2024-13-01"},
        )
    assert "不是有效日期" in exc.value.message
    assert InsurancePolicy.objects.count() == before


def test_licence_void_keeps_the_record(persona, ctx):
    ent = own_enterprise()
    lic = services.do_add_licence(
        actor=persona("enterprise"),
        enterprise=ent,
        data={"kind": "hazchem_trade", "number": "甘WH安经字1", "valid_until": "2030-01-01"},
    )
    services.do_void_licence(actor=persona("county_a"), licence=lic, reason="换证")
    lic.refresh_from_db()
    assert lic.voided_at and lic.void_reason == "换证"
    with pytest.raises(NotPermitted):
        services.do_add_licence(
            actor=persona("county_b"),
            enterprise=ent,
            data={"kind": "other", "number": "2", "valid_until": "2030-01-01"},
        )


# --- 安全三问 ---------------------------------------------------------------------------------

ANSWERS = {"q_duties": "建立健全责任制", "q_risks": "火灾爆炸", "q_measures": "双重预防"}


def test_questionnaire_workflow(persona, ctx):
    ent = own_enterprise()
    year = 2021
    with pytest.raises(NotPermitted):
        services.do_submit_questionnaire(
            actor=persona("county_a"), enterprise=ent, year=year, answers=ANSWERS
        )
    with pytest.raises(ValidationFailed) as exc:
        services.do_submit_questionnaire(
            actor=persona("enterprise"),
            enterprise=ent,
            year=year,
            answers={**ANSWERS, "q_risks": ""},
        )
    assert "主要风险隐患有哪些" in exc.value.message
    q = services.do_submit_questionnaire(
        actor=persona("enterprise"), enterprise=ent, year=year, answers=ANSWERS
    )
    assert q.state == "submitted"
    with pytest.raises(NotPermitted):
        services.do_review_questionnaire(
            actor=persona("county_b"),
            questionnaire=q,
            approve=True,
            comment="",
            expected_version=q.version,
        )
    with pytest.raises(NotPermitted):
        services.do_review_questionnaire(
            actor=persona("enterprise"),
            questionnaire=q,
            approve=True,
            comment="",
            expected_version=q.version,
        )
    with pytest.raises(ValidationFailed):
        services.do_review_questionnaire(
            actor=persona("county_a"),
            questionnaire=q,
            approve=False,
            comment="",
            expected_version=q.version,
        )
    q = services.do_review_questionnaire(
        actor=persona("county_a"),
        questionnaire=q,
        approve=False,
        comment="风险辨识不全",
        expected_version=q.version,
    )
    assert q.state == "returned"
    q = services.do_submit_questionnaire(
        actor=persona("enterprise"), enterprise=ent, year=year, answers=ANSWERS
    )
    q = services.do_review_questionnaire(
        actor=persona("county_a"),
        questionnaire=q,
        approve=True,
        comment="",
        expected_version=q.version,
    )
    assert q.state == "approved"
    with pytest.raises(InvalidTransition):
        services.do_submit_questionnaire(
            actor=persona("enterprise"), enterprise=ent, year=year, answers=ANSWERS
        )
    verbs = set(
        AuditEvent.objects.filter(
            object_id=str(q.pk), verb__startswith="enterprises.questionnaire"
        ).values_list("verb", flat=True)
    )
    assert verbs == {
        "enterprises.questionnaire.submitted",
        "enterprises.questionnaire.returned",
        "enterprises.questionnaire.approved",
    }
    assert SafetyQuestionnaire.objects.filter(enterprise=ent, year=year).count() == 1


def test_questionnaire_via_web(as_user):
    ent = own_enterprise()
    client = as_user("enterprise")
    client.post(
        reverse("enterprises:questionnaire_submit", args=[ent.pk]), {"year": "2020", **ANSWERS}
    )
    q = SafetyQuestionnaire.objects.get(enterprise=ent, year=2020)
    assert q.state == "submitted"
    listing = as_user("county_a").get(reverse("enterprises:questionnaires")).content.decode()
    assert ent.name in listing
    as_user("county_a").post(
        reverse("enterprises:questionnaire_review", args=[q.pk]),
        {"approve": "true", "version": q.version},
    )
    q.refresh_from_db()
    assert q.state == "approved"


def test_pages_render_for_every_persona(as_user):
    ent = own_enterprise()
    urls = [
        reverse("enterprises:index"),
        reverse("enterprises:index") + "?sector=hazchem_storage&tier=county&sort=-employees",
        reverse("enterprises:insurance"),
        reverse("enterprises:licences_expiring"),
        reverse("enterprises:questionnaires"),
        reverse("enterprises:tier_rule"),
    ]
    regulators = ("city_admin", "section", "county_a", "county_b")
    for name in (*regulators, "leader", "enterprise"):
        client = as_user(name)
        for url in urls:
            assert client.get(url).status_code == 200, (name, url)
        expected = 200 if name in regulators else 403  # 批量导入: regulators only
        assert client.get(reverse("enterprises:import")).status_code == expected, name
    assert as_user("leader").get(reverse("enterprises:detail", args=[ent.pk])).status_code == 200


def test_register_through_the_api(as_user):
    lon, lat = point_in("620104")
    payload = {
        "name": "接口登记公司",
        "uscc": new_uscc(),
        "region": "西固区",
        "sector": "hazchem_trade",
        "lon": lon,
        "lat": lat,
    }
    response = as_user("county_a").post(
        "/api/v1/enterprises", payload, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["region_code"] == "620104"
    bad = as_user("county_a").post(
        "/api/v1/enterprises",
        {**payload, "name": "另一家", "uscc": "91620104000000001X"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "第18位应为" in bad.json()["message"]
