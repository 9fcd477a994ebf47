"""Typed input at the edge (issue #9): every risk input schema refuses bad values before the
service runs, with the same Chinese field message on the web page and in the API answer, and
nothing is written; the API's answers have the shape its OpenAPI document declares."""

import datetime
import html
import json

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator

from yingji.core.models import AuditEvent, ObjectChange
from yingji.enterprises.models import Enterprise
from yingji.risk import services
from yingji.risk.models import Diagnosis, MajorHazardUnit, RiskPoint, RiskSettings
from yingji.risk.schemas import UnitIn, diagnosis_form_data, unit_form_data

pytestmark = pytest.mark.django_db

NUL = "\x00"


def own():
    return Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")


def send(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def written() -> tuple:
    """What a refused input must leave as it was."""
    settings = RiskSettings.objects.order_by("pk").first()
    return (
        MajorHazardUnit.objects.count(),
        Diagnosis.objects.count(),
        RiskPoint.objects.count(),
        MajorHazardUnit.objects.filter(status="voided").count(),
        RiskPoint.objects.filter(status="voided").count(),
        Diagnosis.objects.filter(state="voided").count(),
        settings.version,
        AuditEvent.objects.exclude(verb__startswith="auth.").count(),  # sign-ins are audited
        ObjectChange.objects.count(),
    )


def api_errors(response) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error" and body["message"].startswith("输入有误:")
    return [(e["label"], e["message"]) for e in body["details"]["errors"]]


def check(web, api, label: str, words: str):
    """The API names the field and says what is wrong; the web page shows the same words."""
    errors = api_errors(api)
    # the label names the field; a nested one names the inner field too ("…(第 1 项).设计最大量")
    matching = [(lbl, msg) for lbl, msg in errors if lbl.startswith(label) and words in msg]
    assert matching, errors
    lbl, msg = matching[0]
    assert web.status_code == 200
    assert f"{lbl}:{msg}" in html.unescape(web.content.decode()), (lbl, msg)


# --- UnitIn: the unit form (chemical rows) and POST /risk/enterprises/{id}/units -----------------

UNIT_FORM = {"name": "罐区", "kind": "storage", "population_500m": "10"}
UNIT_BODY = {"name": "罐区", "kind": "storage", "population_500m": 10}
ROW = {"substance_0": "液氨", "q_0": "1"}
CHEM = {"substance": "液氨", "q_t": 1}

UNIT_CASES = [
    # (form fields, API body, field label, words of the message)
    (
        {"name": "x" * 101, **ROW},
        {"name": "x" * 101, "chemicals": [CHEM]},
        "单元名称",
        "不能超过 100 个字",
    ),
    (
        {"name": f"罐{NUL}区", **ROW},
        {"name": f"罐{NUL}区", "chemicals": [CHEM]},
        "单元名称",
        "控制字符",
    ),
    (
        {"name": "罐区\n二", **ROW},
        {"name": "罐区\n二", "chemicals": [CHEM]},
        "单元名称",
        "不能换行",
    ),
    (
        {"kind": "tank", **ROW},
        {"kind": "tank", "chemicals": [CHEM]},
        "单元类型",
        "不是可选的值之一",
    ),
    (
        {"population_500m": "-1", **ROW},
        {"population_500m": -1, "chemicals": [CHEM]},
        "厂区边界外500m范围内常住人口",
        "不能小于 0",
    ),
    (
        {"population_500m": "许多", **ROW},
        {"population_500m": "许多", "chemicals": [CHEM]},
        "厂区边界外500m范围内常住人口",
        "应为整数",
    ),
    ({}, {"chemicals": []}, "危险化学品", "至少 1 项"),
    (
        {"substance_0": "液氨", "q_0": "十吨"},
        {"chemicals": [{"substance": "液氨", "q_t": "十吨"}]},
        "危险化学品(第 1 项)",
        "应为数字",
    ),
    (
        {"substance_0": "液氨", "q_0": "-2"},
        {"chemicals": [{"substance": "液氨", "q_t": -2}]},
        "危险化学品(第 1 项)",
        "不能小于 0",
    ),
    (
        {"substance_0": f"液{NUL}氨", "q_0": "1"},
        {"chemicals": [{"substance": f"液{NUL}氨", "q_t": 1}]},
        "危险化学品(第 1 项)",
        "控制字符",
    ),
    (
        {"substance_0": "液氨" * 60, "q_0": "1"},
        {"chemicals": [{"substance": "液氨" * 60, "q_t": 1}]},
        "危险化学品(第 1 项)",
        "不能超过 100 个字",
    ),
    (
        {"substance_0": "某溶剂", "q_0": "1", "categories_0": f"W5.1,J{NUL}3"},
        {"chemicals": [{"substance": "某溶剂", "q_t": 1, "categories": ["W5.1", f"J{NUL}3"]}]},
        "危险化学品(第 1 项)",
        "控制字符",
    ),
]


@pytest.mark.parametrize("form, body, label, words", UNIT_CASES)
def test_unit_input_is_refused_the_same_on_the_web_and_in_the_api(
    as_user, form, body, label, words
):
    client = as_user("county_a")
    before = written()
    web = client.post(reverse("risk:unit_add", args=[own().pk]), {**UNIT_FORM, **form})
    api = send(client, f"/api/v1/risk/enterprises/{own().pk}/units", {**UNIT_BODY, **body})
    check(web, api, label, words)
    assert written() == before


def test_the_unit_form_keeps_what_was_typed_after_a_refusal(as_user):
    client = as_user("county_a")
    page = client.post(
        reverse("risk:unit_add", args=[own().pk]),
        {
            **UNIT_FORM,
            "name": "x" * 101,
            "substance_0": "汽油",
            "q_0": "300",
            "categories_0": "W5.1",
        },
    ).content.decode()
    assert 'value="汽油"' in page and 'value="300"' in page and 'value="W5.1"' in page


def test_the_unit_form_rows_become_the_same_input_as_the_api_body():
    from django.http import QueryDict

    post = QueryDict(mutable=True)
    post.update(
        {
            "name": " 罐区 ",
            "kind": "storage",
            "population_500m": "",
            "substance_0": "甲醇",
            "q_0": "100",
            "categories_0": "W5.3, J3",
            "beta_0": "W5.3",
            "substance_3": "柴油",
            "q_3": "1000",
            "categories_3": "W5.4",
        }
    )
    data = UnitIn.model_validate(unit_form_data(post))
    assert data.name == "罐区" and data.population_500m == 0  # an empty field takes the default
    assert [(c.substance, c.q_t, c.categories, c.beta_category) for c in data.chemicals] == [
        ("甲醇", 100.0, ["W5.3", "J3"], "W5.3"),
        ("柴油", 1000.0, ["W5.4"], None),
    ]


# --- DiagnosisIn: the check list and POST /risk/enterprises/{id}/diagnoses ---------------------


def today():
    return datetime.date.today().isoformat()


TODAY = today()
DIAGNOSIS_CASES = [
    # (form fields, API body, field label, words of the message)
    ({}, {"answers": {}}, "评估日期", "必填"),
    (
        {"assessed_on": "2026-13-01"},
        {"assessed_on": "2026-13-01", "answers": {}},
        "评估日期",
        "日期格式应为",
    ),
    (
        {"assessed_on": TODAY, "assessor": f"某{NUL}机构"},
        {"assessed_on": TODAY, "assessor": f"某{NUL}机构", "answers": {}},
        "评估单位/人员",
        "控制字符",
    ),
    (
        {"assessed_on": TODAY, "assessor": "机" * 101},
        {"assessed_on": TODAY, "assessor": "机" * 101, "answers": {}},
        "评估单位/人员",
        "不能超过 100 个字",
    ),
    (
        {"assessed_on": TODAY, "standardization_grade": f"二级{NUL}"},
        {"assessed_on": TODAY, "answers": {"standardization_grade": f"二级{NUL}"}},
        "评分表填报.standardization_grade",
        "控制字符",
    ),
]


@pytest.mark.parametrize("form, body, label, words", DIAGNOSIS_CASES)
def test_diagnosis_input_is_refused_the_same_on_the_web_and_in_the_api(
    as_user, form, body, label, words
):
    client = as_user("county_a")
    before = written()
    web = client.post(reverse("risk:diagnosis_add", args=[own().pk]), form)
    api = send(client, f"/api/v1/risk/enterprises/{own().pk}/diagnoses", body)
    check(web, api, label, words)
    assert written() == before


def test_answers_of_the_wrong_kind_are_refused_in_the_api(as_user):
    client = as_user("county_a")
    before = written()
    for value in (1.5, {"a": 1}, ["一级"] * 11, "长" * 61):
        response = send(
            client,
            f"/api/v1/risk/enterprises/{own().pk}/diagnoses",
            {"assessed_on": today(), "answers": {"missing_gas_detectors": value}},
        )
        assert api_errors(response) == [
            ("评分表填报.missing_gas_detectors", "应为次数、是/否或选项文字。")
        ]
    # a well-formed answer the standard does not accept is its refusal, in Chinese
    response = send(
        client,
        f"/api/v1/risk/enterprises/{own().pk}/diagnoses",
        {"assessed_on": today(), "answers": {"no_such_key": 1}},
    )
    assert response.status_code == 422 and "未知的评分规则键" in response.json()["message"]
    assert written() == before


def test_the_check_list_becomes_typed_answers():
    from django.http import QueryDict

    post = QueryDict(mutable=True)
    post.update(
        {
            "assessed_on": "2026-11-01",
            "missing_gas_detectors": "3",
            "key_hazardous_processes": "0",  # 0 = none: left out
            "no_registered_safety_engineer": "1",
            "standardization_grade": "",
            "major_hazard_grades": "一级",  # filled from the units, never from the form
        }
    )
    data = diagnosis_form_data(post)
    assert data == {
        "answers": {"missing_gas_detectors": 3, "no_registered_safety_engineer": True},
        "assessed_on": "2026-11-01",
    }


# --- PointIn: the panel's form and POST /risk/enterprises/{id}/points ----------------------------

POINT = {"name": "配电室", "method": "LS", "L": 2, "S": 2}
POINT_CASES = [
    ({"name": ""}, "风险点名称", "必填"),
    ({"name": f"配电{NUL}室"}, "风险点名称", "控制字符"),
    ({"name": "室" * 101}, "风险点名称", "不能超过 100 个字"),
    ({"method": "ABC"}, "评价方法", "不是可选的值之一"),
    ({"L": "很可能"}, "L(可能性)", "应为数字"),
    ({"L": 11}, "L(可能性)", "不能大于 10"),
    ({"S": 6}, "S(严重性)", "不能大于 5"),
    ({"location": "位" * 101}, "位置/区域", "不能超过 100 个字"),
    ({"hazard": f"触电{NUL}"}, "主要危险因素/可能事故", "控制字符"),
    ({"controls": "措" * 10_001}, "管控措施", "不能超过 10000 个字"),
    ({"controls": f"第一条\n第二条{NUL}"}, "管控措施", "控制字符"),
    ({"responsible": "张" * 51}, "管控责任人", "不能超过 50 个字"),
]


@pytest.mark.parametrize("change, label, words", POINT_CASES)
def test_point_input_is_refused_the_same_on_the_web_and_in_the_api(as_user, change, label, words):
    client = as_user("county_a")
    before = written()
    body = {**POINT, **change}
    if body["name"] == "":
        body.pop("name")
    web = client.post(
        reverse("risk:point_add", args=[own().pk]),
        {k: str(v) for k, v in {**POINT, **change}.items()},
        follow=True,
    )
    api = send(client, f"/api/v1/risk/enterprises/{own().pk}/points", body)
    check(web, api, label, words)
    assert written() == before


def test_multiline_controls_are_kept(as_user):
    response = send(
        as_user("county_a"),
        f"/api/v1/risk/enterprises/{own().pk}/points",
        {**POINT, "name": "多行措施", "controls": "  第一条\n第二条  "},
    )
    assert response.status_code == 201
    assert RiskPoint.objects.get(pk=response.json()["id"]).controls == "第一条\n第二条"


# --- VoidIn: the three void forms and POST …/void ---------------------------------------------


def void_targets(persona):
    actor = persona("county_a")
    data = {"name": "待作废", "kind": "storage", "chemicals": [{"substance": "液氨", "q_t": "1"}]}
    unit = services.do_create_unit(actor=actor, enterprise=own(), data=data)
    point = services.do_add_risk_point(actor=actor, enterprise=own(), data={**POINT})
    diag = services.do_record_diagnosis(
        actor=actor, enterprise=own(), assessed_on=datetime.date.today(), assessor="", answers={}
    )
    return [
        (unit, "risk:unit_void", "/api/v1/risk/units/{}/void"),
        (point, "risk:point_void", "/api/v1/risk/points/{}/void"),
        (diag, "risk:diagnosis_void", "/api/v1/risk/diagnoses/{}/void"),
    ]


@pytest.mark.parametrize(
    "reason, label, words",
    [
        (None, "作废原因", "必填"),
        (f"录入{NUL}错误", "作废原因", "控制字符"),
        ("错" * 256, "作废原因", "不能超过 255 个字"),
    ],
)
def test_void_reason_is_refused_the_same_on_the_web_and_in_the_api(
    persona, ctx, as_user, reason, label, words
):
    targets = void_targets(persona)
    client = as_user("county_a")
    before = written()
    for obj, url_name, api_path in targets:
        form = {} if reason is None else {"reason": reason}
        web = client.post(reverse(url_name, args=[obj.pk]), form, follow=True)
        api = send(client, api_path.format(obj.pk), form)
        check(web, api, label, words)
    assert written() == before


# --- SettingsIn: the settings page (JSON text for the bands) and PATCH /risk/settings -----------

SETTINGS_CASES = [
    ({"lec_bands": "[{"}, "[{", "LEC D值分级表", "应为 JSON 数组"),
    ({"lec_bands": "{}"}, {}, "LEC D值分级表", "应为列表"),
    ({"lec_bands": "[]"}, [], "LEC D值分级表", "至少 1 项"),
    (
        {"lec_bands": '[{"above": 1, "colour": "pink"}]'},
        [{"above": 1, "colour": "pink"}],
        "LEC D值分级表(第 1 项)",
        "不是可选的值之一",
    ),
    (
        {"lec_bands": '[{"colour": "blue", "meaning": "稍有\\u0000危险"}]'},
        [{"colour": "blue", "meaning": f"稍有{NUL}危险"}],
        "LEC D值分级表(第 1 项)",
        "控制字符",
    ),
    (
        {"lec_bands": " " * 20_001},
        " " * 20_001,
        "LEC D值分级表",
        "不能超过 20000 个字",
    ),
    ({"ls_variant": "C"}, "C", "LS分级表", "不是可选的值之一"),
    ({"weight_red": "-1"}, -1, "红色权重", "不能小于 0"),
    ({"weight_blue": "一"}, "一", "蓝色权重", "应为数字"),
    ({"reassess_years": "11"}, 11, "评估诊断周期(年)", "不能大于 10"),
    ({"reassess_years": "0"}, 0, "评估诊断周期(年)", "不能小于 1"),
    ({"adjacent_mine_m": "-5"}, -5, "相邻矿山距离(米)", "不能小于 0"),
]


@pytest.mark.parametrize("form, value, label, words", SETTINGS_CASES)
def test_settings_input_is_refused_the_same_on_the_web_and_in_the_api(
    as_user, form, value, label, words
):
    client = as_user("city_admin")
    before = written()
    web = client.post(reverse("risk:settings"), form, follow=True)
    (field,) = form
    api = send(client, "/api/v1/risk/settings", {field: value}, method="patch")
    check(web, api, label, words)
    assert written() == before


# --- the calculators --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, body, label, words",
    [
        ("/api/v1/risk/calc/lec", {"L": "三", "E": 6, "C": 15}, "L(可能性)", "应为数字"),
        ("/api/v1/risk/calc/lec", {"L": 3, "E": 6}, "C(后果)", "必填"),
        (
            "/api/v1/risk/calc/lec",
            {"L": 3, "E": 6, "C": 15, "bands": [{"above": 1, "colour": "pink"}]},
            "D值分级表(第 1 项)",
            "不是可选的值之一",
        ),
        ("/api/v1/risk/calc/ls", {"L": 6, "S": 1}, "L(可能性)", "不能大于 5"),
        ("/api/v1/risk/calc/ls", {"L": 1, "S": 1, "variant": "Z"}, "LS分级表", "不是可选的值之一"),
        ("/api/v1/risk/calc/major-hazard", {"chemicals": []}, "危险化学品", "至少 1 项"),
        (
            "/api/v1/risk/calc/major-hazard",
            {"chemicals": [{"substance": f"液{NUL}氨", "q_t": 1}]},
            "危险化学品(第 1 项)",
            "控制字符",
        ),
        (
            "/api/v1/risk/calc/diagnosis",
            {"answers": {"missing_gas_detectors": 1.5}},
            "评分表填报.missing_gas_detectors",
            "应为次数",
        ),
    ],
)
def test_calculator_input_is_refused_with_field_messages(as_user, path, body, label, words):
    errors = api_errors(send(as_user("enterprise"), path, body))
    assert any(lbl.startswith(label) and words in msg for lbl, msg in errors), errors


def test_custom_lec_bands_in_the_calculator(as_user):
    response = send(
        as_user("enterprise"),
        "/api/v1/risk/calc/lec",
        {
            "L": 10,
            "E": 1,
            "C": 7,
            "bands": [
                {"at_least": 70, "colour": "yellow", "label": "D≥70"},
                {"colour": "blue", "label": "其余"},
            ],
        },
    )
    assert response.status_code == 200
    assert response.json()["colour"]["key"] == "yellow" and response.json()["band"] == "D≥70"


# --- the answers match the OpenAPI document ---------------------------------------------------


@pytest.fixture(scope="module")
def document():
    from yingji.api import api

    return api.get_openapi_schema()


def assert_declared(document, response, path: str, method: str):
    op = document["paths"][path][method]
    responses = {str(code): r for code, r in op["responses"].items()}
    schema = responses[str(response.status_code)]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": document["components"]})
    errors = list(validator.iter_errors(response.json()))
    assert not errors, (path, errors[0].message)


def test_post_answers_match_the_openapi_document(document, as_user, persona, ctx):
    client = as_user("county_a")
    ent = own().pk
    calls = [
        (
            "/api/v1/risk/enterprises/{ent_id}/units",
            f"/api/v1/risk/enterprises/{ent}/units",
            {
                "name": "文档单元",
                "kind": "storage",
                "chemicals": [{"substance": "液氨", "q_t": 12}],
            },
            201,
        ),
        (
            "/api/v1/risk/enterprises/{ent_id}/diagnoses",
            f"/api/v1/risk/enterprises/{ent}/diagnoses",
            {"assessed_on": today(), "answers": {"special_work_operator_unqualified": True}},
            201,
        ),
        (
            "/api/v1/risk/enterprises/{ent_id}/points",
            f"/api/v1/risk/enterprises/{ent}/points",
            {"name": "文档风险点", "method": "LEC", "L": 0.5, "E": 6, "C": 15},
            201,
        ),
        (
            "/api/v1/risk/calc/major-hazard",
            "/api/v1/risk/calc/major-hazard",
            {
                "chemicals": [
                    {"substance": "67-56-1", "q_t": 300, "categories": ["W5.3"]},
                    {
                        "substance": "某溶剂",
                        "q_t": 100,
                        "categories": "W5.1,J3",
                        "beta_category": "W5.1",
                    },
                ],
                "population_500m": 120,
            },
            200,
        ),
        (
            "/api/v1/risk/calc/diagnosis",
            "/api/v1/risk/calc/diagnosis",
            {"answers": {"major_hazard_grades": ["二级"], "missing_gas_detectors": 12}},
            200,
        ),
        ("/api/v1/risk/calc/lec", "/api/v1/risk/calc/lec", {"L": 0.5, "E": 6, "C": 15}, 200),
        ("/api/v1/risk/calc/ls", "/api/v1/risk/calc/ls", {"L": 4, "S": 4, "variant": "B"}, 200),
    ]
    for path, url, body, status in calls:
        response = send(client, url, body)
        assert response.status_code == status, (url, response.content)
        assert_declared(document, response, path, "post")
    point = RiskPoint.objects.get(name="文档风险点")
    voided = send(client, f"/api/v1/risk/points/{point.pk}/void", {"reason": "测试"})
    assert_declared(document, voided, "/api/v1/risk/points/{point_id}/void", "post")
    settings = send(as_user("city_admin"), "/api/v1/risk/settings", {"ls_variant": "A"}, "patch")
    assert_declared(document, settings, "/api/v1/risk/settings", "patch")


def test_read_answers_keep_their_field_names(as_user):
    client = as_user("county_a")
    body = client.get(f"/api/v1/risk/enterprises/{own().pk}").json()
    assert set(body) == {
        "enterprise_id",
        "name",
        "colour",
        "reason",
        "units",
        "diagnoses",
        "risk_points",
        "colour_history",
    }
    assert set(body["units"][0]) == {"id", "name", "S", "R", "grade", "is_major"}
    assert set(body["diagnoses"][0]) == {
        "id",
        "assessed_on",
        "score",
        "colour",
        "state",
        "next_due",
    }
    assert set(body["risk_points"][0]) == {"id", "name", "method", "value", "colour"}
    assert set(body["colour_history"][0]) == {"time", "old", "new", "reason"}
    unit = MajorHazardUnit.objects.filter(enterprise=own()).first()
    assert client.get(f"/api/v1/risk/units/{unit.pk}").json() == {
        "id": unit.pk,
        "enterprise_id": own().pk,
        "name": unit.name,
        "kind": unit.kind,
        "status": unit.status,
        "working": unit.working,
    }
    pairs = as_user("leader").get("/api/v1/risk/adjacent-mines").json()
    assert pairs and set(pairs[0]) == {"a", "b", "distance_m"}
    assert set(pairs[0]["a"]) == {"id", "name", "region_code"}
    layer = client.get("/api/v1/risk/map/enterprises").json()
    assert layer["type"] == "FeatureCollection"
    feature = layer["features"][0]
    assert feature["type"] == "Feature" and feature["id"].startswith("enterprise-")
    assert {"label", "style", "colour", "card_url"} <= set(feature["properties"])
    keys = client.get("/api/v1/risk/calc/diagnosis/keys").json()["keys"]
    assert {"key": "missing_gas_detectors", "item": "自控与安全设施"}.items() <= next(
        k for k in keys if k["key"] == "missing_gas_detectors"
    ).items()
