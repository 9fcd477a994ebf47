"""Typed input at the edge (issue #9): each service's schema refuses a NUL byte and an
over-long text with the same Chinese field message on the page and in the API, and nothing is
written; choices take the key or the Chinese label; the API's responses have their declared
shape."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from yingji.core.errors import ValidationFailed
from yingji.core.models import AuditEvent, ObjectChange
from yingji.enterprises import services
from yingji.enterprises.models import (
    Enterprise,
    Licence,
    ResponsibilityItem,
    SafetyQuestionnaire,
    TierRule,
)
from yingji.orgs.models import Organisation

from .helpers import enterprise_data, new_uscc, point_in

pytestmark = pytest.mark.django_db

NUL = "坏\x00值"


def own_enterprise():
    return Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")


def a_licence(ctx_user):
    return services.do_add_licence(
        actor=ctx_user,
        enterprise=own_enterprise(),
        data={"kind": "other", "number": "测-1", "valid_until": "2030-01-01"},
    )


def a_submitted_questionnaire(persona):
    return services.do_submit_questionnaire(
        actor=persona("enterprise"),
        enterprise=own_enterprise(),
        year=2018,
        answers={"q_duties": "职责", "q_risks": "风险", "q_measures": "措施"},
    )


# Each case: persona, (web url name, its record), (API method, path), the valid form, the
# field that gets the bad text, its label and its length limit.
def cases(persona):
    ent = own_enterprise()
    v = ent.version
    return {
        "status": (
            "county_a",
            ("enterprises:status", ent),
            ("post", f"/api/v1/enterprises/{ent.pk}/status"),
            {"status": "suspended", "reason": "检修", "version": v},
            "reason",
            "变更原因",
            255,
        ),
        "edit": (
            "county_a",
            ("enterprises:edit", ent),
            ("patch", f"/api/v1/enterprises/{ent.pk}"),
            {"version": v, "principal": "新负责人"},
            "principal",
            "主要负责人",
            50,
        ),
        "tier": (
            "section",
            ("enterprises:tier", ent),
            ("post", f"/api/v1/enterprises/{ent.pk}/tier"),
            {"tier": "county", "reason": "调整", "version": v},
            "reason",
            "调整原因",
            255,
        ),
        "licence": (
            "county_a",
            ("enterprises:licence_add", ent),
            ("post", f"/api/v1/enterprises/{ent.pk}/licences"),
            {"kind": "other", "number": "证-1", "valid_until": "2030-01-01"},
            "number",
            "证号",
            60,
        ),
        "policy": (
            "county_a",
            ("enterprises:policy_add", ent),
            ("post", f"/api/v1/enterprises/{ent.pk}/policies"),
            {
                "policy_number": "P-1",
                "insurer": "测试保险",
                "starts_on": "2024-01-01",
                "ends_on": "2024-12-31",
                "insured_amount": "10",
            },
            "insurer",
            "保险机构",
            100,
        ),
        "responsibility": (
            "county_a",
            ("enterprises:responsibility_add", ent),
            ("post", f"/api/v1/enterprises/{ent.pk}/responsibilities"),
            {"position": "班组长", "duties": "班组安全"},
            "duties",
            "安全生产职责",
            10_000,
        ),
        "questionnaire": (
            "enterprise",
            ("enterprises:questionnaire_submit", ent),
            ("post", f"/api/v1/enterprises/{ent.pk}/questionnaire"),
            {"year": 2019, "q_duties": "职责", "q_risks": "风险", "q_measures": "措施"},
            "q_risks",
            "主要风险隐患有哪些",
            10_000,
        ),
        "tier_rule": (
            "city_admin",
            ("enterprises:tier_rule", None),
            ("put", "/api/v1/enterprises/tier-rule"),
            {"city_scales": ["large"], "city_min_employees": 1000},
            "note",
            "说明",
            255,
        ),
    }


def record_cases(persona, ctx):
    """Cases whose record has to be made first."""
    lic = a_licence(persona("county_a"))
    item = services.do_add_responsibility(
        actor=persona("county_a"),
        enterprise=own_enterprise(),
        data={"position": "测试岗", "duties": "测试职责"},
    )
    q = a_submitted_questionnaire(persona)
    return {
        "licence_void": (
            "county_a",
            ("enterprises:licence_void", lic),
            ("post", f"/api/v1/enterprises/licences/{lic.pk}/void"),
            {"reason": "换证"},
            "reason",
            "原因",
            255,
        ),
        "responsibility_deactivate": (
            "county_a",
            ("enterprises:responsibility_deactivate", item),
            ("post", f"/api/v1/enterprises/responsibilities/{item.pk}/deactivate"),
            {"reason": "撤岗"},
            "reason",
            "原因",
            255,
        ),
        "review": (
            "county_a",
            ("enterprises:questionnaire_review", q),
            ("post", f"/api/v1/questionnaires/{q.pk}/review"),
            {"approve": False, "comment": "请补充", "version": q.version},
            "comment",
            "审核意见",
            500,
        ),
    }


def writes() -> tuple[int, int]:
    return (
        ObjectChange.objects.filter(content_type__app_label__in=["enterprises", "orgs"]).count(),
        AuditEvent.objects.filter(verb__startswith="enterprises.").count(),
    )


def web_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def check_refusals(as_user, case):
    name, (url_name, record), (method, path), form, field, label, limit = case
    url = reverse(url_name, args=[record.pk]) if record is not None else reverse(url_name)
    web, api = as_user(name), as_user(name)
    for bad, words in ((NUL, "不能包含控制字符"), ("长" * (limit + 1), f"不能超过 {limit} 个字")):
        before = writes()
        response = getattr(api, method)(path, {**form, field: bad}, content_type="application/json")
        assert response.status_code == 422, (path, response.content)
        body = response.json()
        assert body["code"] == "validation_error"
        [error] = body["details"]["errors"]
        assert error["field"] == field and error["label"] == label and words in error["message"]
        page = web.post(url, {**form, field: bad})
        assert page.status_code == 302
        assert f"{label}:{error['message']}" in web_messages(page), (url, web_messages(page))
        assert f"{label}:{error['message']}" in body["message"]
        assert writes() == before, (path, bad[:3])


@pytest.mark.parametrize(
    "key",
    [
        "status",
        "edit",
        "tier",
        "licence",
        "policy",
        "responsibility",
        "questionnaire",
        "tier_rule",
    ],
)
def test_page_and_api_refuse_nul_and_over_long_text_alike(as_user, persona, key):
    check_refusals(as_user, cases(persona)[key])


@pytest.mark.parametrize("key", ["licence_void", "responsibility_deactivate", "review"])
def test_record_actions_refuse_nul_and_over_long_text_alike(as_user, persona, ctx, key):
    check_refusals(as_user, record_cases(persona, ctx)[key])


def test_the_valid_forms_of_those_cases_are_accepted(as_user, persona, ctx):
    """The forms above are valid but for the bad field (the refusal tests mean something)."""
    for key in cases(persona):
        name, _web, (method, path), form, *_ = cases(persona)[key]  # the current version
        response = getattr(as_user(name), method)(path, form, content_type="application/json")
        assert response.status_code in (200, 201), (key, response.content)
    for key, case in record_cases(persona, ctx).items():
        name, _web, (method, path), form, *_ = case
        response = getattr(as_user(name), method)(path, form, content_type="application/json")
        assert response.status_code == 200, (key, response.content)


def test_register_refuses_bad_text_and_writes_nothing(as_user):
    lon, lat = point_in("620104")
    payload = {
        "name": "接口坏名公司",
        "uscc": new_uscc(),
        "region": "620104",
        "sector": "machinery",
        "lon": lon,
        "lat": lat,
    }
    client = as_user("county_a")
    for field, bad, words in (
        ("name", "接口\x00坏名公司", "控制字符"),
        ("name", "名" * 201, "不能超过 200 个字"),
        ("address", "路\x00号", "控制字符"),
        ("address", "路" * 201, "不能超过 200 个字"),
        ("sector", "造船", "“造船”无效,应为:"),
        ("lon", "NaN", "应为有限的数字"),
    ):
        response = client.post(
            "/api/v1/enterprises", {**payload, field: bad}, content_type="application/json"
        )
        assert response.status_code == 422, (field, response.content)
        assert words in response.json()["message"], response.json()
    assert not Organisation.objects.filter(name__contains="坏名公司").exists()
    assert not Enterprise.objects.filter(uscc=payload["uscc"]).exists()


def test_choices_take_the_key_or_the_chinese_label(as_user):
    lon, lat = point_in("620104")
    response = as_user("county_a").post(
        "/api/v1/enterprises",
        {
            "name": "标签登记公司",
            "uscc": new_uscc(),
            "region": "西固区",
            "sector": "机械",
            "scale": "小型",
            "status": "在业",
            "lon": lon,
            "lat": lat,
            "coord_system": "WGS84",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["sector"], body["scale"], body["status"], body["coord_source"]) == (
        "machinery",
        "small",
        "operating",
        "wgs84",
    )


def test_a_service_given_a_dict_validates_it_with_the_same_schema(persona, ctx):
    with pytest.raises(ValidationFailed) as exc:
        services.do_add_licence(
            actor=persona("county_a"),
            enterprise=own_enterprise(),
            data={"kind": "other", "number": "证\x00号", "valid_until": "2030-01-01"},
        )
    assert exc.value.details["fields"]["number"].startswith("不能包含控制字符")
    assert exc.value.message.startswith("证号:")
    with pytest.raises(ValidationFailed) as exc:
        services.do_update_tier_rule(
            actor=persona("city_admin"), data={"city_scales": ["huge"], "city_min_employees": -1}
        )
    assert "“huge”无效" in exc.value.message and "不能小于 0" in exc.value.message


def test_profile_update_needs_district_and_coordinates_together(persona, ctx):
    ent = own_enterprise()
    with pytest.raises(ValidationFailed) as exc:
        services.do_update_enterprise(
            actor=persona("county_a"),
            enterprise=ent,
            data={"lon": ent.lon},
            expected_version=ent.version,
        )
    fields = exc.value.details["fields"]
    assert fields["region"] == "修改坐标时须同时给出所在县区" and fields["lat"] == "纬度不能为空"


# --- response shapes -------------------------------------------------------------------------


def test_insurance_gaps_response(as_user, persona, ctx):
    ent = services.do_register_enterprise(
        actor=persona("county_a"), data=enterprise_data("缺保储运公司", sector="hazchem_storage")
    )
    today = datetime.date.today()
    services.do_add_policy(
        actor=persona("county_a"),
        enterprise=own_enterprise(),
        data={
            "policy_number": "GAP-1",
            "insurer": "测试保险",
            "starts_on": today - datetime.timedelta(days=300),
            "ends_on": today + datetime.timedelta(days=10),
            "insured_amount": "100",
        },
    )
    body = as_user("county_a").get("/api/v1/enterprises/insurance-gaps").json()
    assert set(body) == {"missing", "expiring"}
    missing = {e["id"]: e for e in body["missing"]}
    assert missing[ent.pk]["name"] == "缺保储运公司"
    assert missing[ent.pk]["sector_label"] == "危险化学品储存"
    assert missing[ent.pk]["region_code"] == "620104"
    assert missing[ent.pk]["url"] == ent.get_absolute_url()
    expiring = next(p for p in body["expiring"] if p["policy_number"] == "GAP-1")
    assert set(expiring) == {"enterprise", "insurer", "policy_number", "ends_on"}
    assert expiring["enterprise"]["id"] == own_enterprise().pk
    assert expiring["ends_on"] == (today + datetime.timedelta(days=10)).isoformat()


def test_tier_override_response(as_user):
    ent = own_enterprise()
    response = as_user("section").post(
        f"/api/v1/enterprises/{ent.pk}/tier",
        {"tier": "city", "reason": "涉及重点监管危险化工工艺", "version": ent.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    ent.refresh_from_db()
    assert response.json() == {
        "id": ent.pk,
        "tier": "city",
        "tier_reason": ent.tier_reason,
        "version": ent.version,
    }


def test_created_records_answer_201_with_their_fields(as_user):
    ent = own_enterprise()
    client = as_user("county_a")

    def post(path, data):
        response = client.post(path, data, content_type="application/json")
        assert response.status_code == 201, response.content
        return response.json()

    lic = post(
        f"/api/v1/enterprises/{ent.pk}/licences",
        {"kind": "gas", "number": "燃-1", "valid_until": "2031-05-01"},
    )
    assert lic == {
        "id": Licence.objects.get(number="燃-1").pk,
        "kind": "gas",
        "number": "燃-1",
        "valid_until": "2031-05-01",
    }
    policy = post(
        f"/api/v1/enterprises/{ent.pk}/policies",
        {
            "policy_number": "R-9",
            "insurer": "测试保险",
            "starts_on": "2025-01-01",
            "ends_on": "2025-12-31",
            "insured_amount": 12.5,
        },
    )
    assert set(policy) == {"id", "policy_number", "ends_on"} and policy["ends_on"] == "2025-12-31"
    item = post(
        f"/api/v1/enterprises/{ent.pk}/responsibilities", {"position": "值班长", "duties": "值守"}
    )
    assert item == {
        "id": ResponsibilityItem.objects.get(position="值班长").pk,
        "position": "值班长",
    }


def test_void_and_deactivate_through_the_api(as_user, persona, ctx):
    lic = a_licence(persona("county_a"))
    assert (
        as_user("county_b")
        .post(
            f"/api/v1/enterprises/licences/{lic.pk}/void",
            {"reason": "越权"},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    response = as_user("county_a").post(
        f"/api/v1/enterprises/licences/{lic.pk}/void",
        {"reason": "换证"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["id"] == lic.pk
    lic.refresh_from_db()
    assert lic.voided_at and lic.void_reason == "换证"
    item = own_enterprise().responsibilities.filter(is_active=True).first()
    response = as_user("county_a").post(
        f"/api/v1/enterprises/responsibilities/{item.pk}/deactivate",
        {"reason": "岗位撤并"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert not ResponsibilityItem.objects.get(pk=item.pk).is_active


def test_tier_rule_through_the_api(as_user):
    rule = as_user("county_a").get("/api/v1/enterprises/tier-rule").json()
    assert set(rule) == {
        "city_scales",
        "city_sectors",
        "city_min_employees",
        "city_major_hazard_grades",
        "note",
        "version",
    }
    payload = {**rule, "city_min_employees": 800, "note": "接口修改"}
    denied = as_user("section").put(
        "/api/v1/enterprises/tier-rule", payload, content_type="application/json"
    )
    assert denied.status_code == 403
    response = as_user("city_admin").put(
        "/api/v1/enterprises/tier-rule", payload, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["city_min_employees"] == 800 and response.json()["note"] == "接口修改"
    assert TierRule.objects.order_by("pk").first().city_min_employees == 800
    stale = as_user("city_admin").put(
        "/api/v1/enterprises/tier-rule", payload, content_type="application/json"
    )
    assert stale.status_code == 409


def test_review_through_the_page_with_the_schema_fields(as_user, persona, ctx):
    q = a_submitted_questionnaire(persona)
    client = as_user("county_a")
    page = client.post(
        reverse("enterprises:questionnaire_review", args=[q.pk]),
        {"approve": "false", "comment": "", "version": q.version},
    )
    assert "退回修改须填写审核意见。" in web_messages(page)
    assert page["Location"] == q.get_absolute_url()
    client.post(
        reverse("enterprises:questionnaire_review", args=[q.pk]),
        {"approve": "false", "comment": "请补充风险清单", "version": q.version},
    )
    assert SafetyQuestionnaire.objects.get(pk=q.pk).state == "returned"
