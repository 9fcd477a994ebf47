"""Risk grading through the web and the API, persona by persona (DESIGN §5): each service's
grants and refusals — enterprise user, county A, county B, city section, city leader, city
admin — the same on both sides, and nothing written when refused.

The enterprise of these tests is 西固区's county-tier demo enterprise of the enterprise user:
county A (西固) and the enterprise keep it, county B (城关) cannot see it (404 on both sides),
the section and the leader see it but may not write (the web says why, the API answers 403)."""

import datetime
import json

import pytest
from django.urls import reverse

from yingji.core.models import AuditEvent
from yingji.enterprises.models import Enterprise
from yingji.risk import services
from yingji.risk.models import Diagnosis, MajorHazardUnit, RiskPoint, RiskSettings

pytestmark = pytest.mark.django_db

PERSONAS = ["city_admin", "county_a", "enterprise", "section", "leader", "county_b"]
CREATED, REFUSED = "created", "refused"


def own():
    return Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")


def city_tier():
    return Enterprise.objects.filter(tier="city", status="operating").order_by("pk").first()


def today() -> str:
    return datetime.date.today().isoformat()


def send(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def unit_web(name):
    # 液氨 1t: S = 0.1, not a major hazard source (the enterprise's grade and tier stay)
    return {
        "name": name,
        "kind": "storage",
        "population_500m": "30",
        "substance_0": "液氨",
        "q_0": "1",
    }


def unit_api(name):
    return {
        "name": name,
        "kind": "storage",
        "population_500m": 30,
        "chemicals": [{"substance": "液氨", "q_t": 1}],
    }


def point_body(name):
    return {"name": name, "method": "LS", "L": 2, "S": 2, "responsible": "张三"}


def assert_api(response, expected, refusal=""):
    """The API's answer: the record (200/201), 403 with the service's reason, or 404."""
    if expected == 201 or expected == 200:
        assert response.status_code == expected, response.content
    elif expected == 403:
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
        assert refusal in response.json()["message"]
    else:
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def assert_web(response, expected, message):
    """``response`` of a POST followed to its page: the record page after a grant, the refusal
    message (a domain refusal), or 404 (outside the user's scope)."""
    if expected == 404:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert message in response.content.decode(), message


# --- 辨识单元 -----------------------------------------------------------------------------------

# persona → (web, API). The web form is only offered to who may change the enterprise (404).
UNIT_ADD = {
    "city_admin": (CREATED, 201),
    "county_a": (CREATED, 201),
    "enterprise": (CREATED, 201),
    "section": (404, 403),
    "leader": (404, 403),
    "county_b": (404, 404),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_unit_registration_by_persona(as_user, name):
    web, api = UNIT_ADD[name]
    client = as_user(name)
    before = MajorHazardUnit.objects.count()
    response = client.post(
        reverse("risk:unit_add", args=[own().pk]), unit_web(f"网页单元-{name}"), follow=True
    )
    assert_web(response, web, "辨识单元已登记")
    if web == CREATED:
        unit = MajorHazardUnit.objects.get(name=f"网页单元-{name}", enterprise=own())
        assert response.redirect_chain[-1][0] == unit.get_absolute_url()
        assert unit.S == pytest.approx(0.1) and not unit.is_major
    response = send(
        client, f"/api/v1/risk/enterprises/{own().pk}/units", unit_api(f"接口单元-{name}")
    )
    assert_api(response, api, "您无权为该企业登记辨识单元")
    if api == 201:
        unit = MajorHazardUnit.objects.get(name=f"接口单元-{name}")
        assert response.json() == {"id": unit.pk, "grade": "", "working": unit.working}
        assert AuditEvent.objects.filter(verb="risk.unit.created", object_id=str(unit.pk)).exists()
    written = (web == CREATED) + (api == 201)
    assert MajorHazardUnit.objects.count() == before + written


# --- 评估诊断 -----------------------------------------------------------------------------------

# Diagnoses are recorded by the regulator ("approve"): not the enterprise, not the leader, and
# not the section for a county-tier enterprise.
DIAGNOSIS_ADD = {
    "city_admin": (CREATED, 201),
    "county_a": (CREATED, 201),
    "enterprise": (404, 403),
    "section": (404, 403),
    "leader": (404, 403),
    "county_b": (404, 404),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_diagnosis_recording_by_persona(as_user, name):
    web, api = DIAGNOSIS_ADD[name]
    client = as_user(name)
    before = Diagnosis.objects.count()
    response = client.post(
        reverse("risk:diagnosis_add", args=[own().pk]),
        {"assessed_on": today(), "assessor": f"网页-{name}", "missing_gas_detectors": "2"},
        follow=True,
    )
    assert_web(response, web, "评估诊断已登记")
    if web == CREATED:
        diag = Diagnosis.objects.get(assessor=f"网页-{name}")
        assert diag.answers["missing_gas_detectors"] == 2 and diag.state == "active"
    response = send(
        client,
        f"/api/v1/risk/enterprises/{own().pk}/diagnoses",
        {
            "assessed_on": today(),
            "assessor": f"接口-{name}",
            "answers": {"missing_gas_detectors": 2},
        },
    )
    assert_api(response, api, "评估诊断由负责监管该企业的部门登记")
    if api == 201:
        diag = Diagnosis.objects.get(assessor=f"接口-{name}")
        body = response.json()
        assert body["id"] == diag.pk and body["colour"] == diag.colour
        assert body["score"] == diag.score and body["working"]["items"]
        assert Diagnosis.objects.filter(enterprise=own(), state="active").get() == diag
    written = (web == CREATED) + (api == 201)
    assert Diagnosis.objects.count() == before + written


def test_a_future_assessment_date_is_refused_on_both_sides(as_user):
    client = as_user("county_a")
    before = Diagnosis.objects.count()
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("risk:diagnosis_add", args=[own().pk]), {"assessed_on": tomorrow}, follow=True
    )
    assert response.status_code == 200 and "评估日期不能晚于今天" in response.content.decode()
    response = send(
        client,
        f"/api/v1/risk/enterprises/{own().pk}/diagnoses",
        {"assessed_on": tomorrow, "answers": {}},
    )
    assert response.status_code == 422 and "评估日期不能晚于今天" in response.json()["message"]
    assert Diagnosis.objects.count() == before


# --- 风险点 -------------------------------------------------------------------------------------

POINT_ADD = {
    "city_admin": (CREATED, 201),
    "county_a": (CREATED, 201),
    "enterprise": (CREATED, 201),
    "section": (REFUSED, 403),
    "leader": (REFUSED, 403),
    "county_b": (404, 404),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_risk_point_registration_by_persona(as_user, name):
    web, api = POINT_ADD[name]
    client = as_user(name)
    before = RiskPoint.objects.count()
    response = client.post(
        reverse("risk:point_add", args=[own().pk]),
        {**point_body(f"网页点-{name}"), "L": "2", "S": "2"},
        follow=True,
    )
    assert_web(response, web, "风险点已登记" if web == CREATED else "您无权为该企业登记风险点")
    if web != 404:
        assert response.redirect_chain[-1][0] == own().get_absolute_url()
    if web == CREATED:
        point = RiskPoint.objects.get(name=f"网页点-{name}")
        assert (point.value, point.colour, point.responsible) == (4, "blue", "张三")
    response = send(
        client, f"/api/v1/risk/enterprises/{own().pk}/points", point_body(f"接口点-{name}")
    )
    assert_api(response, api, "您无权为该企业登记风险点")
    if api == 201:
        point = RiskPoint.objects.get(name=f"接口点-{name}")
        assert response.json() == {
            "id": point.pk,
            "value": 4.0,
            "colour": "blue",
            "working": point.working,
        }
    written = (web == CREATED) + (api == 201)
    assert RiskPoint.objects.count() == before + written


# --- 作废 ---------------------------------------------------------------------------------------

# Units and points are voided by who keeps them ("change"); a diagnosis by the regulator.
VOID = {
    "city_admin": (CREATED, 200),
    "county_a": (CREATED, 200),
    "enterprise": (CREATED, 200),
    "section": (REFUSED, 403),
    "leader": (REFUSED, 403),
    "county_b": (404, 404),
}
VOID_DIAGNOSIS = {**VOID, "enterprise": (REFUSED, 403)}


def new_unit(actor, name):
    data = {**unit_api(name)}
    return services.do_create_unit(actor=actor, enterprise=own(), data=data)


def new_point(actor, name):
    return services.do_add_risk_point(actor=actor, enterprise=own(), data=point_body(name))


def new_diagnosis(actor, assessor):
    return services.do_record_diagnosis(
        actor=actor,
        enterprise=own(),
        assessed_on=datetime.date.today(),
        assessor=assessor,
        answers={},
    )


CASES = {
    # kind: (make, url name, API path, model, "voided" state field, expectations, messages)
    "unit": (
        new_unit,
        "risk:unit_void",
        "/api/v1/risk/units/{}/void",
        MajorHazardUnit,
        "status",
        VOID,
        ("辨识单元已作废", "您无权作废该辨识单元"),
    ),
    "point": (
        new_point,
        "risk:point_void",
        "/api/v1/risk/points/{}/void",
        RiskPoint,
        "status",
        VOID,
        ("风险点已作废", "您无权作废该风险点"),
    ),
    "diagnosis": (
        new_diagnosis,
        "risk:diagnosis_void",
        "/api/v1/risk/diagnoses/{}/void",
        Diagnosis,
        "state",
        VOID_DIAGNOSIS,
        ("评估诊断已作废", "您无权作废该评估诊断"),
    ),
}


@pytest.mark.parametrize("kind", CASES)
@pytest.mark.parametrize("name", PERSONAS)
def test_void_by_persona(persona, ctx, as_user, kind, name):
    make, url_name, api_path, model, state, expectations, (done, refused) = CASES[kind]
    web, api = expectations[name]
    first = make(persona("county_a"), f"作废网页-{name}")
    second = make(persona("county_a"), f"作废接口-{name}")
    client = as_user(name)
    response = client.post(reverse(url_name, args=[first.pk]), {"reason": "录入错误"}, follow=True)
    assert_web(response, web, done if web == CREATED else refused)
    first.refresh_from_db()
    assert (getattr(first, state) == "voided") == (web == CREATED)
    assert (first.void_reason == "录入错误") == (web == CREATED)
    response = send(client, api_path.format(second.pk), {"reason": "设备拆除"})
    assert_api(response, api, refused)
    second.refresh_from_db()
    assert (getattr(second, state) == "voided") == (api == 200)
    if api == 200:
        body = response.json()
        assert (body["id"], body["enterprise_id"], body[state]) == (second.pk, own().pk, "voided")
        assert body["working"] == second.working
        again = send(client, api_path.format(second.pk), {"reason": "再次作废"})
        assert again.status_code == 422 and "已作废" in again.json()["message"]


def test_voiding_the_current_diagnosis_restores_the_previous_one(persona, ctx, as_user):
    older = new_diagnosis(persona("county_a"), "上一份")
    newer = new_diagnosis(persona("county_a"), "这一份")
    older.refresh_from_db()
    assert older.state == "superseded"
    response = send(
        as_user("county_a"), f"/api/v1/risk/diagnoses/{newer.pk}/void", {"reason": "评估有误"}
    )
    assert response.status_code == 200 and response.json()["state"] == "voided"
    older.refresh_from_db()
    assert older.state == "active"


# --- 设置 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PERSONAS)
def test_settings_are_changed_by_the_administrator_only(as_user, name):
    client = as_user(name)
    settings = RiskSettings.objects.order_by("pk").first()
    years, version = settings.reassess_years, settings.version
    page = client.get(reverse("risk:settings"))
    assert page.status_code == 200
    assert ('name="weight_red"' in page.content.decode()) and (
        ("仅系统管理员可修改" in page.content.decode()) == (name != "city_admin")
    )
    response = client.post(
        reverse("risk:settings"),
        {"reassess_years": "5", "version": settings.version},
        follow=True,
    )
    allowed = name == "city_admin"
    message = "设置已保存" if allowed else "只有系统管理员可以修改风险分级设置"
    assert response.status_code == 200 and message in response.content.decode()
    settings.refresh_from_db()
    assert settings.reassess_years == (5 if allowed else years)
    response = send(
        client,
        "/api/v1/risk/settings",
        {"adjacent_mine_m": 1500, "version": settings.version},
        method="patch",
    )
    assert_api(response, 200 if allowed else 403, "只有系统管理员可以修改风险分级设置")
    settings.refresh_from_db()
    assert settings.adjacent_mine_m == (1500 if allowed else 2000)
    assert settings.version == version + (2 if allowed else 0)
    if allowed:
        assert response.json()["adjacent_mine_m"] == 1500
        assert response.json()["version"] == settings.version


def test_settings_page_keeps_the_lec_bands_as_json_and_the_weights(as_user):
    client = as_user("city_admin")
    settings = RiskSettings.objects.order_by("pk").first()
    bands = [dict(b) for b in settings.lec_bands]
    bands[2] = {"at_least": 70, "colour": "yellow", "meaning": "显著危险", "label": "70≤D≤160"}
    response = client.post(
        reverse("risk:settings"),
        {
            "lec_bands": json.dumps(bands, ensure_ascii=False),
            "ls_variant": "B",
            "weight_red": "10",
            "weight_orange": "5",
            "weight_yellow": "2",
            "weight_blue": "0.5",
            "reassess_years": "3",
            "adjacent_mine_m": "2000",
            "version": settings.version,
        },
    )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.lec_bands == bands and settings.ls_variant == "B"
    assert settings.index_weights == {"red": 10, "orange": 5, "yellow": 2, "blue": 0.5}
    assert "70≤D≤160" in client.get(reverse("risk:settings")).content.decode()
    # the API gives the same table back
    body = client.get("/api/v1/risk/settings").json()
    assert body["lec_bands"] == bands and body["index_weights"]["blue"] == 0.5
    # LEC 10×1×7 = 70 is now yellow
    lec = send(client, "/api/v1/risk/calc/lec", {"L": 10, "E": 1, "C": 7})
    assert lec.json()["colour"]["key"] == "yellow"


def test_stale_settings_are_refused_with_409(as_user):
    client = as_user("city_admin")
    settings = RiskSettings.objects.order_by("pk").first()
    stale = settings.version
    assert (
        send(
            client, "/api/v1/risk/settings", {"reassess_years": 4, "version": stale}, "patch"
        ).status_code
        == 200
    )
    response = send(
        client, "/api/v1/risk/settings", {"reassess_years": 5, "version": stale}, "patch"
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    page = client.post(
        reverse("risk:settings"), {"reassess_years": "6", "version": stale}, follow=True
    )
    assert "已被他人修改" in page.content.decode()
    settings.refresh_from_db()
    assert settings.reassess_years == 4


def test_invalid_bands_are_refused_by_the_service_and_nothing_changes(as_user):
    client = as_user("city_admin")
    settings = RiskSettings.objects.order_by("pk").first()
    version = settings.version
    # no catch-all band: D = 1 would fall in none of them
    bands = [{"above": 320, "colour": "red"}]
    response = send(client, "/api/v1/risk/settings", {"lec_bands": bands}, "patch")
    assert response.status_code == 422 and "分级表无效" in response.json()["message"]
    page = client.post(reverse("risk:settings"), {"lec_bands": json.dumps(bands)}, follow=True)
    assert "分级表无效" in page.content.decode()
    weights = send(client, "/api/v1/risk/settings", {"weight_red": 3}, "patch")
    assert weights.status_code == 422 and "四项" in weights.json()["message"]
    settings.refresh_from_db()
    assert settings.version == version


# --- a city-tier enterprise: the city section keeps it, the county does not see it -----------


def test_the_section_keeps_a_city_tier_enterprise_and_the_county_does_not_see_it(as_user):
    ent = city_tier()
    section, county = as_user("section"), as_user("county_a")
    form = section.get(reverse("risk:unit_add", args=[ent.pk]))
    assert form.status_code == 200
    response = section.post(reverse("risk:unit_add", args=[ent.pk]), unit_web("科室单元"))
    unit = MajorHazardUnit.objects.get(name="科室单元", enterprise=ent)
    assert response.status_code == 302 and response.url == unit.get_absolute_url()
    made = send(section, f"/api/v1/risk/enterprises/{ent.pk}/points", point_body("科室风险点"))
    assert made.status_code == 201
    diag = send(
        section,
        f"/api/v1/risk/enterprises/{ent.pk}/diagnoses",
        {"assessed_on": today(), "answers": {}},
    )
    assert diag.status_code == 201
    point_id, diag_id = made.json()["id"], diag.json()["id"]
    # the county neither sees nor writes any of it, on either side
    assert county.get(reverse("risk:unit_add", args=[ent.pk])).status_code == 404
    assert county.post(reverse("risk:point_add", args=[ent.pk]), point_body("x")).status_code == 404
    for path in (
        f"/api/v1/risk/enterprises/{ent.pk}",
        f"/api/v1/risk/units/{unit.pk}",
        f"/api/v1/risk/points/{point_id}",
        f"/api/v1/risk/diagnoses/{diag_id}",
    ):
        assert county.get(path).status_code == 404, path
    assert send(county, f"/api/v1/risk/units/{unit.pk}/void", {"reason": "x"}).status_code == 404
    assert (
        county.post(reverse("risk:unit_void", args=[unit.pk]), {"reason": "x"}).status_code == 404
    )
    unit.refresh_from_db()
    assert unit.status == "active"
    # the section voids what it keeps
    voided = send(section, f"/api/v1/risk/points/{point_id}/void", {"reason": "重新评价"})
    assert voided.status_code == 200 and voided.json()["status"] == "voided"


# --- reading: the API answers as the web pages do -------------------------------------------


@pytest.mark.parametrize("name", PERSONAS)
def test_record_pages_and_api_agree_on_who_sees_what(as_user, name):
    client = as_user(name)
    unit = MajorHazardUnit.objects.filter(enterprise=own()).first()
    point = RiskPoint.objects.filter(enterprise=own()).first()
    diag = Diagnosis.objects.filter(enterprise=own()).first()
    sees = name != "county_b"
    for web, api in (
        (reverse("risk:unit_detail", args=[unit.pk]), f"/api/v1/risk/units/{unit.pk}"),
        (reverse("risk:point_detail", args=[point.pk]), f"/api/v1/risk/points/{point.pk}"),
        (reverse("risk:diagnosis_detail", args=[diag.pk]), f"/api/v1/risk/diagnoses/{diag.pk}"),
        (reverse("risk:card", args=[own().pk]), f"/api/v1/risk/enterprises/{own().pk}"),
    ):
        expected = 200 if sees else 404
        assert client.get(web).status_code == expected, web
        assert client.get(api).status_code == expected, api
    # the void and record buttons follow the permission
    page = client.get(reverse("risk:diagnosis_detail", args=[diag.pk])).content.decode()
    if sees:
        may_void = name in ("city_admin", "county_a") and diag.state != "voided"
        assert (reverse("risk:diagnosis_void", args=[diag.pk]) in page) == may_void


def test_anonymous_is_refused_everywhere(client):
    ent = own()
    for url in (
        reverse("risk:unit_add", args=[ent.pk]),
        reverse("risk:point_add", args=[ent.pk]),
        reverse("risk:settings"),
    ):
        response = client.post(url, {"name": "x"})
        assert response.status_code == 302 and "/accounts/login/" in response.url
    for path, body in (
        (f"/api/v1/risk/enterprises/{ent.pk}/units", unit_api("匿名")),
        (f"/api/v1/risk/enterprises/{ent.pk}/points", point_body("匿名")),
        ("/api/v1/risk/calc/ls", {"L": 1, "S": 1}),
    ):
        assert send(client, path, body).status_code == 401
    assert client.get("/api/v1/risk/settings").status_code == 401
    assert not MajorHazardUnit.objects.filter(name="匿名").exists()


def test_enterprise_risk_list_filters_by_colour_within_scope(as_user):
    """企业风险等级: the colour filter the 工作台 links to, counted within the user's scope."""
    from yingji.core.permissions import restrict
    from yingji.risk.models import EnterpriseRisk

    for name in ("section", "county_a", "enterprise"):
        client = as_user(name)
        user = client.get(reverse("home")).wsgi_request.user
        mine = restrict(EnterpriseRisk.objects.exclude(colour=""), user)
        response = client.get(reverse("risk:enterprises"), {"colour": "red"})
        assert response.status_code == 200
        html = response.content.decode()
        reds = list(mine.filter(colour="red").select_related("enterprise__organisation"))
        assert reds or name != "section", "the demo has red enterprises for the city to see"
        for risk in reds:
            assert risk.enterprise.organisation.name in html
        for other in mine.exclude(colour="red").select_related("enterprise__organisation")[:5]:
            assert other.enterprise.organisation.name not in html, name
    outside = EnterpriseRisk.objects.exclude(colour="").exclude(
        enterprise__organisation__code="DEMO-ENT-620104-01"
    )
    html = as_user("enterprise").get(reverse("risk:enterprises")).content.decode()
    assert outside.exists() and not any(
        r.enterprise.organisation.name in html
        for r in outside.select_related("enterprise__organisation")[:20]
    )
