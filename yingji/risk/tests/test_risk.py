"""Risk grading: GB 18218 units with their working, the 2018 diagnosis (auto-filled major-hazard
item, reassessment lists), LEC/LS points with configurable bands, the enterprise colour (worst,
with reason and history), the map layers' permissions and the stateless calculators."""

import datetime

import pytest
from django.urls import reverse

from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.core.permissions import restrict
from yingji.core.services import do_create_token
from yingji.enterprises.models import Enterprise
from yingji.risk import services
from yingji.risk.models import (
    Diagnosis,
    EnterpriseRisk,
    MajorHazardUnit,
    RiskColourChange,
    RiskPoint,
    UnitChemical,
)
from yingji.risk.selectors import diagnosis_due

pytestmark = pytest.mark.django_db


def own():
    return Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")


def unit_data(chemicals, population=60, name="测试单元"):
    return {"name": name, "kind": "storage", "population_500m": population, "chemicals": chemicals}


# --- GB 18218 units ---------------------------------------------------------------------------


def test_unit_working_is_stored_and_shown(persona, ctx, as_user):
    unit = services.do_create_unit(
        actor=persona("enterprise"),
        enterprise=own(),
        data=unit_data([{"substance": "液氨", "q_t": "12"}], population=60),
    )
    # S = 12/10 = 1.2 ≥ 1; β(氨, 表3) = 2; α(60人) = 1.5; R = 1.5 × 2 × 1.2 = 3.6 → 四级
    assert unit.is_major and unit.S == pytest.approx(1.2) and unit.R == pytest.approx(3.6)
    assert unit.grade == "四级"
    term = unit.working["terms"][0]
    assert term["Q_t"] == 10 and term["beta"] == 2 and "表3" in term["explanation"]
    assert AuditEvent.objects.filter(verb="risk.unit.created", object_id=str(unit.pk)).exists()
    html = as_user("county_a").get(reverse("risk:unit_detail", args=[unit.pk])).content.decode()
    assert "S = Σq/Q" in html and "R = α·Σβ·q/Q" in html and "表1第1项" in html
    assert as_user("county_b").get(reverse("risk:unit_detail", args=[unit.pk])).status_code == 404


def test_substance_by_cas_and_mixed_unit_below_threshold(persona, ctx):
    unit = services.do_create_unit(
        actor=persona("county_a"),
        enterprise=own(),
        data=unit_data(
            [
                {"substance": "67-56-1", "q_t": "100", "categories": "W5.3"},  # 甲醇 by CAS, Q=500
                {"substance": "柴油", "q_t": "1000", "categories": ["W5.4"]},  # 表2 W5.4, Q=5000
            ]
        ),
    )
    assert (
        unit.S == pytest.approx(0.4) and not unit.is_major and unit.grade == "" and unit.R is None
    )
    assert "表1第65项" in unit.working["terms"][0]["matched"]
    assert unit.working["terms"][1]["matched"] == "表2类别W5.4"


def test_bad_unit_input_is_refused_in_chinese_and_nothing_is_written(persona, ctx):
    before = (MajorHazardUnit.objects.count(), UnitChemical.objects.count())
    cases = [
        (unit_data([{"substance": "柴油", "q_t": "6000"}]), "表2危险性类别"),
        (unit_data([{"substance": "液氨", "q_t": "-1"}]), "非负数"),
        (unit_data([]), "至少应有一种"),
        # S ≥ 1 and a multi-hazard chemical not in 表3 without a chosen β category
        (unit_data([{"substance": "某溶剂", "q_t": "100", "categories": "W5.1,J3"}]), "β"),
    ]
    for data, words in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.do_create_unit(actor=persona("county_a"), enterprise=own(), data=data)
        assert words in exc.value.message, exc.value.message
    assert (MajorHazardUnit.objects.count(), UnitChemical.objects.count()) == before


def test_multi_hazard_takes_the_lowest_q_and_the_chosen_beta(persona, ctx):
    unit = services.do_create_unit(
        actor=persona("county_a"),
        enterprise=own(),
        data=unit_data(
            [
                {
                    "substance": "某溶剂",
                    "q_t": "100",
                    "categories": "W5.1,J3",
                    "beta_category": "W5.1",
                }
            ]
        ),
    )
    term = unit.working["terms"][0]
    assert term["Q_t"] == 10 and "最低临界量" in term["explanation"] and term["beta"] == 1.5


def test_unit_permissions_and_void(persona, ctx):
    with pytest.raises(NotPermitted):
        services.do_create_unit(
            actor=persona("county_b"),
            enterprise=own(),
            data=unit_data([{"substance": "液氨", "q_t": "1"}]),
        )
    with pytest.raises(NotPermitted):
        services.do_create_unit(
            actor=persona("leader"),
            enterprise=own(),
            data=unit_data([{"substance": "液氨", "q_t": "1"}]),
        )
    unit = services.do_create_unit(
        actor=persona("county_a"),
        enterprise=own(),
        data=unit_data([{"substance": "氯", "q_t": "200"}], population=150),  # S=40, R=2×4×40=320
    )
    assert unit.grade == "一级"
    ent = own()
    assert ent.major_hazard_grade == "一级" and ent.tier == "city"  # 一级 → city (rule)
    assert not restrict(Enterprise.objects.filter(pk=ent.pk), persona("county_a")).exists()
    services.do_void_unit(actor=persona("section"), unit=unit, reason="录入错误")
    ent.refresh_from_db()
    assert ent.major_hazard_grade == "三级" and ent.tier == "county"
    assert MajorHazardUnit.objects.filter(pk=unit.pk, status="voided").exists()


# --- diagnosis --------------------------------------------------------------------------------


def test_diagnosis_fills_major_hazard_from_units_and_supersedes(persona, ctx):
    ent = own()
    today = datetime.date.today()
    with pytest.raises(NotPermitted):
        services.do_record_diagnosis(
            actor=persona("enterprise"), enterprise=ent, assessed_on=today, assessor="", answers={}
        )
    diag = services.do_record_diagnosis(
        actor=persona("county_a"),
        enterprise=ent,
        assessed_on=today,
        assessor="测试机构",
        answers={
            "major_hazard_grades": ["一级"],
            "missing_gas_detectors": 12,
        },  # typed grade ignored
    )
    assert diag.answers["major_hazard_grades"] == services.unit_grades(ent)
    items = {i["key"]: i for i in diag.working["items"]}
    assert items["automation_safety"]["raw_deduction"] == 12
    assert items["automation_safety"]["capped_deduction"] == 10  # capped at the item weight
    assert diag.next_due == today.replace(year=today.year + 3)
    assert Diagnosis.objects.filter(enterprise=ent, state="active").count() == 1
    assert Diagnosis.objects.filter(enterprise=ent, state="superseded").exists()


def test_red_line_makes_red_and_is_the_enterprise_colour(persona, ctx):
    ent = own()
    RiskPoint.objects.filter(enterprise=ent).update(colour="blue")
    diag = services.do_record_diagnosis(
        actor=persona("county_a"),
        enterprise=ent,
        assessed_on=datetime.date.today(),
        assessor="",
        answers={"unit_not_designed_no_diagnosis": True, "no_accident_5y": True},
    )
    assert diag.colour == "red" and "直接判定为红色" in diag.reason
    risk = EnterpriseRisk.objects.get(enterprise=ent)
    assert risk.colour == "red" and "评估诊断" in risk.reason


def test_bad_diagnosis_answers_are_refused(persona, ctx):
    before = Diagnosis.objects.count()
    for answers, words in (
        ({"no_such_key": 1}, "未知的评分规则键"),
        ({"missing_gas_detectors": -1}, "不能为负数"),
        ({"no_accident_5y": True, "larger_accidents_3y": 1}, "近五年未发生"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            services.do_record_diagnosis(
                actor=persona("county_a"),
                enterprise=own(),
                assessed_on=datetime.date.today(),
                assessor="",
                answers=answers,
            )
        assert words in exc.value.message
    assert Diagnosis.objects.count() == before


def test_reassessment_due_lists(persona, ctx):
    ent = own()
    old = datetime.date.today() - datetime.timedelta(days=3 * 365 + 10)
    diag = services.do_record_diagnosis(
        actor=persona("county_a"), enterprise=ent, assessed_on=old, assessor="", answers={}
    )
    overdue, soon, changed, never = diagnosis_due(persona("county_a"))
    assert diag in overdue
    assert diag not in diagnosis_due(persona("county_b"))[0]
    # a change of the major-hazard identification asks for a reassessment
    for unit in MajorHazardUnit.objects.filter(enterprise=ent, status="active", grade="三级"):
        services.do_void_unit(actor=persona("county_a"), unit=unit, reason="储罐拆除")
    _, _, changed, _ = diagnosis_due(persona("county_a"))
    assert diag in changed and "重新评估" in Diagnosis.objects.get(pk=diag.pk).change_pending


# --- risk points, settings, colour history ----------------------------------------------------


def test_lec_bands_are_configurable(persona, ctx):
    ent = own()
    point = services.do_add_risk_point(
        actor=persona("enterprise"),
        enterprise=ent,
        data={"name": "装车台", "method": "LEC", "L": 10, "E": 1, "C": 7},
    )
    assert point.value == 70 and point.colour == "blue"  # default: 70 < D ≤ 160 is 黄
    bands = services.current_settings().lec_bands
    bands = [dict(b) for b in bands]
    bands[2] = {"at_least": 70, "colour": "yellow", "meaning": "显著危险", "label": "70≤D≤160"}
    with pytest.raises(NotPermitted):
        services.do_update_risk_settings(actor=persona("section"), data={}, expected_version=None)
    services.do_update_risk_settings(
        actor=persona("city_admin"), data={"lec_bands": bands}, expected_version=None
    )
    point2 = services.do_add_risk_point(
        actor=persona("enterprise"),
        enterprise=ent,
        data={"name": "装车台2", "method": "LEC", "L": 10, "E": 1, "C": 7},
    )
    assert point2.colour == "yellow"


def test_ls_variant_setting(persona, ctx):
    point = services.do_add_risk_point(
        actor=persona("county_a"),
        enterprise=own(),
        data={"name": "配电室", "method": "LS", "L": 3, "S": 3},
    )
    assert point.value == 9 and point.colour == "yellow"  # variant A
    services.do_update_risk_settings(
        actor=persona("city_admin"), data={"ls_variant": "B"}, expected_version=None
    )
    point = services.do_add_risk_point(
        actor=persona("county_a"),
        enterprise=own(),
        data={"name": "配电室2", "method": "LS", "L": 3, "S": 3},
    )
    assert point.colour == "blue"


def test_bad_point_values_are_refused(persona, ctx):
    for data, words in (
        ({"name": "x", "method": "LEC", "L": 4, "E": 1, "C": 7}, "只能取表中数值"),
        ({"name": "x", "method": "LS", "L": 6, "S": 1}, "只能取整数"),
        ({"name": "x", "method": "ABC", "L": 1}, "LEC 或 LS"),
        ({"name": "", "method": "LS", "L": 1, "S": 1}, "不能为空"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            services.do_add_risk_point(actor=persona("county_a"), enterprise=own(), data=data)
        assert words in exc.value.message


def test_colour_is_the_worst_with_reason_and_history(persona, ctx):
    ent = (
        Enterprise.objects.filter(region__code="620104", tier="county", sector="machinery").first()
        or Enterprise.objects.filter(region__code="620104", tier="county").last()
    )
    for p in RiskPoint.objects.filter(enterprise=ent, status="active"):
        services.do_void_risk_point(actor=persona("county_a"), point=p, reason="重新评价")
    Diagnosis.objects.filter(enterprise=ent).update(state="voided")
    services.do_add_risk_point(
        actor=persona("county_a"),
        enterprise=ent,
        data={"name": "低风险点", "method": "LS", "L": 1, "S": 2},
    )
    assert EnterpriseRisk.objects.get(enterprise=ent).colour == "blue"
    red = services.do_add_risk_point(
        actor=persona("county_a"),
        enterprise=ent,
        data={"name": "高处作业", "method": "LEC", "L": 6, "E": 6, "C": 15},  # D=540
    )
    risk = EnterpriseRisk.objects.get(enterprise=ent)
    assert risk.colour == "red" and "高处作业" in risk.reason and "另有1项" in risk.reason
    change = RiskColourChange.objects.filter(enterprise=ent).first()
    assert (change.old_colour, change.new_colour) == ("blue", "red")
    services.do_void_risk_point(actor=persona("county_a"), point=red, reason="已整改")
    assert EnterpriseRisk.objects.get(enterprise=ent).colour == "blue"
    assert RiskColourChange.objects.filter(enterprise=ent).first().new_colour == "blue"


# --- map and API ------------------------------------------------------------------------------


def test_map_layers_obey_the_scope(as_user):
    a = as_user("county_a").get("/api/v1/risk/map/enterprises").json()["features"]
    assert a and all(f["properties"]["region_code"] == "620104" for f in a)
    assert {f["properties"]["tier"] for f in a} == {"county"}
    b = as_user("county_b").get("/api/v1/risk/map/enterprises").json()["features"]
    assert b and not {f["properties"]["id"] for f in a} & {f["properties"]["id"] for f in b}
    mine = as_user("enterprise").get("/api/v1/risk/map/enterprises").json()["features"]
    assert [f["properties"]["id"] for f in mine] == [own().pk]
    leader = as_user("leader").get("/api/v1/risk/map/enterprises").json()["features"]
    assert len(leader) == Enterprise.objects.exclude(lon=None).count()
    hazards = as_user("county_a").get("/api/v1/risk/map/hazards").json()["features"]
    ids = {f["properties"]["id"] for f in a}
    assert hazards and all(f["properties"]["enterprise_id"] in ids for f in hazards)
    districts = as_user("county_a").get("/api/v1/risk/map/districts").json()["features"]
    counts = {f["properties"]["code"]: f["properties"]["counts"]["total"] for f in districts}
    assert counts["620104"] == len(a) and counts["620102"] == 0
    assert as_user("county_b").get(f"/api/v1/risk/enterprises/{own().pk}").status_code == 404
    assert as_user("county_b").get(reverse("risk:card", args=[own().pk])).status_code == 404


def test_map_filters(as_user):
    client = as_user("leader")
    red = client.get("/api/v1/risk/map/enterprises?colour=red&district=620104").json()["features"]
    assert red and {f["properties"]["colour"] for f in red} == {"red"}
    assert {f["properties"]["region_code"] for f in red} == {"620104"}
    mines = client.get("/api/v1/risk/map/enterprises?sector=coal_mine&tier=city").json()
    assert all(f["properties"]["sector"] == "coal_mine" for f in mines["features"])


def test_calculators_work_with_a_token_and_show_the_working(persona, ctx, client):
    _, key = do_create_token(actor=persona("enterprise"), name="计算器")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    r = client.post(
        "/api/v1/risk/calc/major-hazard",
        {"chemicals": [{"substance": "氨气", "q_t": 10}], "population_500m": 100},
        content_type="application/json",
        **auth,
    )
    body = r.json()
    assert r.status_code == 200 and body["S"] == 1 and body["is_major"] and body["alpha"] == 2
    assert body["R"] == 4 and body["grade"] == "四级" and body["terms"][0]["table1_no"] == 1
    r = client.post(
        "/api/v1/risk/calc/diagnosis",
        {"answers": {"special_work_operator_unqualified": True}},
        content_type="application/json",
        **auth,
    )
    assert r.json()["colour"]["key"] == "red" and r.json()["red_lines_hit"][0]["no"] == 3
    r = client.post(
        "/api/v1/risk/calc/lec", {"L": 3, "E": 6, "C": 15}, content_type="application/json", **auth
    )
    assert r.json()["D"] == 270 and r.json()["colour"]["key"] == "orange"
    r = client.post(
        "/api/v1/risk/calc/ls", {"L": 5, "S": 4}, content_type="application/json", **auth
    )
    assert r.json()["R"] == 20 and r.json()["colour"]["key"] == "red"
    bad = client.post(
        "/api/v1/risk/calc/major-hazard",
        {"chemicals": [{"substance": "柴油", "q_t": 10}]},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and "表2危险性类别" in bad.json()["message"]
    anonymous = client.post(
        "/api/v1/risk/calc/lec", {"L": 3, "E": 6, "C": 15}, content_type="application/json"
    )
    assert anonymous.status_code == 401


def test_openapi_documents_the_calculators_with_examples(as_user):
    schema = as_user("leader").get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/risk/calc/major-hazard"]["post"]["requestBody"]
    assert "单一物质(液氨12t)" in body["content"]["application/json"]["examples"]
    assert (
        "/api/v1/risk/calc/lec" in schema["paths"]
        and "/api/v1/risk/map/districts" in schema["paths"]
    )


def test_risk_pages_render_for_every_persona(as_user):
    unit = MajorHazardUnit.objects.filter(enterprise=own(), is_major=True).first()
    urls = [
        reverse("risk:map"),
        reverse("risk:units"),
        reverse("risk:diagnoses"),
        reverse("risk:points"),
        reverse("risk:changes"),
        reverse("risk:settings"),
        reverse("risk:card", args=[own().pk]),
        reverse("risk:enterprise_panel", args=[own().pk]),
        reverse("risk:unit_detail", args=[unit.pk]),
    ]
    for name in ("city_admin", "leader", "county_a", "enterprise"):
        client = as_user(name)
        for url in urls:
            assert client.get(url).status_code == 200, (name, url)
    html = as_user("county_a").get(reverse("risk:map")).content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "risk-map.js" in html
    diag_form = as_user("county_a").get(reverse("risk:diagnosis_add", args=[own().pk]))
    assert diag_form.status_code == 200 and "三级" in diag_form.content.decode()
    assert (
        as_user("enterprise").get(reverse("risk:diagnosis_add", args=[own().pk])).status_code == 404
    )


def test_unit_and_diagnosis_forms_through_the_web(as_user):
    client = as_user("county_a")
    response = client.post(
        reverse("risk:unit_add", args=[own().pk]),
        {
            "name": "网页单元",
            "kind": "storage",
            "population_500m": "30",
            "substance_0": "汽油",
            "q_0": "300",
            "categories_0": "W5.1",
        },
    )
    unit = MajorHazardUnit.objects.get(name="网页单元")
    assert response.status_code == 302 and unit.S == pytest.approx(1.5)
    bad = client.post(
        reverse("risk:unit_add", args=[own().pk]),
        {"name": "坏单元", "kind": "storage", "substance_0": "柴油", "q_0": "10"},
    )
    assert bad.status_code == 200 and "表2危险性类别" in bad.content.decode()
    client.post(
        reverse("risk:diagnosis_add", args=[own().pk]),
        {
            "assessed_on": datetime.date.today().isoformat(),
            "missing_gas_detectors": "3",
            "no_registered_safety_engineer": "1",
        },
    )
    diag = Diagnosis.objects.filter(enterprise=own(), state="active").first()
    assert (
        diag.answers["missing_gas_detectors"] == 3
        and diag.answers["no_registered_safety_engineer"] is True
    )


def test_adjacent_mines_are_flagged_within_the_configured_distance(persona, ctx, as_user):
    from yingji.enterprises.services import do_register_enterprise
    from yingji.enterprises.tests.helpers import new_uscc, point_in
    from yingji.risk.selectors import adjacent_mines
    from yingji.standards.coords import distance_m

    lon, lat = point_in("620111")
    a = do_register_enterprise(
        actor=persona("city_admin"),
        data={
            "name": "相邻甲煤矿",
            "uscc": new_uscc("620111"),
            "region": "620111",
            "sector": "non_coal_mine",
            "lon": lon,
            "lat": lat,
        },
    )
    b = do_register_enterprise(
        actor=persona("city_admin"),
        data={
            "name": "相邻乙矿业",
            "uscc": new_uscc("620111"),
            "region": "620111",
            "sector": "non_coal_mine",
            "lon": lon + 0.002,
            "lat": lat,
        },
    )
    expected = round(distance_m(a.lon, a.lat, b.lon, b.lat))
    pairs = adjacent_mines(persona("leader"), distance_m=expected + 1)
    assert any(
        {p["a"].pk, p["b"].pk} == {a.pk, b.pk} and p["distance_m"] == expected for p in pairs
    )
    pairs = adjacent_mines(persona("leader"), distance_m=expected - 1)
    assert not any({p["a"].pk, p["b"].pk} == {a.pk, b.pk} for p in pairs)
    assert not adjacent_mines(persona("county_a"))  # no mines visible in 西固区
    html = as_user("leader").get(reverse("risk:adjacent_mines")).content.decode()
    assert "相邻甲煤矿" in html
    assert as_user("county_b").get("/api/v1/risk/adjacent-mines").json() == []


def test_ledgers_excel_and_word(as_user):
    import io

    from docx import Document
    from openpyxl import load_workbook

    ent = own()
    client = as_user("county_a")
    xlsx = client.get(reverse("risk:ledger", args=[ent.pk, "xlsx"]))
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == [
        "基本信息",
        "证照",
        "安责险",
        "责任清单",
        "重大危险源",
        "评估诊断",
        "风险点",
    ]
    assert wb["基本信息"]["B2"].value == ent.name and wb["基本信息"]["B3"].value == ent.uscc
    assert wb["重大危险源"].max_row >= 2
    diagnoses = wb["评估诊断"]
    assert diagnoses.max_row >= 2  # dates are real dates, scores numbers
    assert diagnoses["A2"].is_date and diagnoses["D2"].is_date
    assert isinstance(diagnoses["B2"].value, int | float)
    assert wb["证照"]["D2"].is_date
    docx = client.get(reverse("risk:ledger", args=[ent.pk, "docx"]))
    document = Document(io.BytesIO(docx.content))
    section = document.sections[0]  # A4, like the platform's other Word documents
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    text = "\n".join(p.text for p in document.paragraphs)
    assert ent.name in text and "重大危险源" in text
    assert as_user("county_b").get(reverse("risk:ledger", args=[ent.pk, "xlsx"])).status_code == 404
