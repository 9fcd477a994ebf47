"""Typed input at the edge (issue #9): each action's schema refuses the same input with the same
Chinese field message on the page and in the API, and nothing is written; the Excel import
checks its rows with the registration schema; the API's responses have their declared shape."""

import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yingji.core.context import actor_context
from yingji.core.models import ObjectChange
from yingji.enterprises.models import Enterprise
from yingji.hazards import services
from yingji.hazards.importing import build_template, do_import_hazards
from yingji.hazards.models import Hazard
from yingji.hazards.schemas import Plan, StartForm
from yingji.standards import hazards as rules

pytestmark = pytest.mark.django_db
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
    b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
    b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)
NUL = "整改\x00完毕"
LONG = "很" * 10_001
CONTROL = "不能包含控制字符"


def own():
    return Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")


def photo():
    return SimpleUploadedFile("整改.png", PNG, content_type="image/png")


def make(persona, state="registered", level="general"):
    """A hazard at the enterprise persona's own enterprise, brought to ``state``."""
    ent, regulator = persona("enterprise"), persona("county_a")
    with actor_context(ent, source="test"):
        hazard = services.do_register_hazard(
            actor=ent,
            enterprise=own(),
            source="self_inspection",
            category="equipment",
            description="压力表损坏未更换",
            found_on=timezone.localdate(),
            level=level,
        )
    if state == "registered":
        return hazard
    with actor_context(regulator, source="test"):
        hazard = services.do_grade_hazard(actor=regulator, hazard=hazard, level=level)
    if state == "graded":
        return hazard
    with actor_context(ent, source="test"):
        return services.do_rectify_on_the_spot(
            actor=ent, hazard=hazard, rectification="已更换压力表", evidence=[photo()]
        )


def body_json(data):
    return {"data": json.dumps(data), "content_type": "application/json"}


# (web action, API path, state, who, web form, API body (JSON, or multipart), label, message)
CASES = [
    (
        "grade",
        "grade",
        "registered",
        "county_a",
        {"level": "general", "deadline_workdays": "0"},
        body_json({"level": "general", "deadline_workdays": 0}),
        "整改期限(工作日)",
        "不能小于 1。",
    ),
    (
        "grade",
        "grade",
        "registered",
        "county_a",
        {"level": "severe"},
        body_json({"level": "severe"}),
        "隐患等级",
        "不是可选的值之一。",
    ),
    (
        "grade",
        "grade",
        "registered",
        "county_a",
        {"level": "general", "criteria": ["21"]},
        body_json({"level": "general", "criteria": [21]}),
        "重大隐患判定标准条款(第 1 项)",
        "不能大于 20。",
    ),
    (
        "start",
        "start",
        "graded",
        "enterprise",
        {"plan_goal": NUL},
        body_json({"plan": {"goal": NUL}}),
        None,  # the page names the input 治理的目标和任务, the API the nested plan.goal
        "不能包含控制字符(如 NUL、换行方向控制符)。",
    ),
    (
        "start",
        "start",
        "graded",
        "enterprise",
        {"plan_measures": "很" * 2_001},
        body_json({"plan": {"measures": "很" * 2_001}}),
        None,
        "不能超过 2000 个字。",
    ),
    (
        "on-the-spot",
        "rectification",
        "registered",
        "enterprise",
        {"rectification": NUL},
        {"data": {"rectification": NUL, "on_the_spot": "true"}},
        "整改情况",
        "不能包含控制字符(如 NUL、换行方向控制符)。",
    ),
    (
        "on-the-spot",
        "rectification",
        "registered",
        "enterprise",
        {"rectification": LONG},
        {"data": {"rectification": LONG, "on_the_spot": "true"}},
        "整改情况",
        "不能超过 10000 个字。",
    ),
    (
        "verify",
        "verify",
        "awaiting_verification",
        "county_a",
        {"opinion": "同意销号"},
        body_json({"opinion": "同意销号"}),
        "验收结论",
        "必填。",
    ),
    (
        "verify",
        "verify",
        "awaiting_verification",
        "county_a",
        {"passed": "true", "opinion": LONG},
        body_json({"passed": True, "opinion": LONG}),
        "验收意见",
        "不能超过 10000 个字。",
    ),
    (
        "verify",
        "verify",
        "awaiting_verification",
        "county_a",
        {"passed": "true", "opinion": NUL},
        body_json({"passed": True, "opinion": NUL}),
        "验收意见",
        "不能包含控制字符(如 NUL、换行方向控制符)。",
    ),
    (
        "supervise",
        "supervise",
        "graded",
        "county_a",
        {"supervisor": "LZYJJ", "until": "明年"},
        body_json({"supervisor": "LZYJJ", "until": "明年"}),
        "督办期限",
        "日期格式应为 年-月-日(如 2026-11-30)。",
    ),
    (
        "void",
        "void",
        "registered",
        "county_a",
        {"reason": NUL},
        body_json({"reason": NUL}),
        "作废原因",
        "不能包含控制字符(如 NUL、换行方向控制符)。",
    ),
    (
        "void",
        "void",
        "registered",
        "county_a",
        {"reason": "很" * 301},
        body_json({"reason": "很" * 301}),
        "作废原因",
        "不能超过 300 个字。",
    ),
]


def changes_of(hazard):
    return ObjectChange.objects.filter(
        content_type__model="hazard", object_id=str(hazard.pk)
    ).count()


@pytest.mark.parametrize(
    "action, api, state, who, form, body, label, message",
    CASES,
    ids=[f"{c[0]}-{c[6] or c[7]}" for c in CASES],
)
def test_web_and_api_refuse_with_the_same_field_message(
    as_user, persona, action, api, state, who, form, body, label, message
):
    level = "major" if action in ("start", "supervise") else "general"
    hazard = make(persona, state, level)
    before = (hazard.state, hazard.version, changes_of(hazard))
    client = as_user(who)
    page = client.post(
        reverse("hazards:action", args=[hazard.pk, action]),
        {**form, "version": hazard.version},
        follow=True,
    ).content.decode()
    expected = f"{label}:{message}" if label else message
    assert expected in page
    if "data" in body and isinstance(body["data"], dict):  # multipart with the evidence
        body = {"data": {**body["data"], "evidence": photo()}}
    response = client.post(f"/api/v1/hazards/{hazard.pk}/{api}", **body)
    assert response.status_code == 422, response.content
    assert expected in response.json()["message"]
    errors = response.json()["details"]["errors"]
    assert message in [e["message"] for e in errors]
    if label:
        assert label in [e["label"] for e in errors]
    hazard.refresh_from_db()
    assert (hazard.state, hazard.version, changes_of(hazard)) == before


def test_a_valid_action_still_goes_through_the_page(as_user, persona):
    hazard = make(persona, "awaiting_verification")
    page = as_user("county_a").post(
        reverse("hazards:action", args=[hazard.pk, "verify"]),
        {"passed": "false", "opinion": "照片不清楚", "version": hazard.version},
        follow=True,
    )
    assert "已退回整改。" in page.content.decode()
    hazard.refresh_from_db()
    assert (hazard.state, hazard.returns) == ("rectifying", 1)


def test_a_stale_version_is_refused_on_the_page(as_user, persona):
    hazard = make(persona)
    response = as_user("county_a").post(
        reverse("hazards:action", args=[hazard.pk, "void"]),
        {"reason": "重复登记", "version": hazard.version - 1},
        follow=True,
    )
    hazard.refresh_from_db()
    assert hazard.state == "registered"
    assert "已被他人修改" in response.content.decode()


def test_unknown_action_and_get_are_refused(as_user, persona):
    hazard = make(persona)
    client = as_user("county_a")
    page = client.post(reverse("hazards:action", args=[hazard.pk, "close"]), follow=True)
    assert "未知的操作。" in page.content.decode()
    assert client.get(reverse("hazards:action", args=[hazard.pk, "grade"])).status_code == 405


def test_the_plan_inputs_are_the_standard_elements():
    elements = rules.plan_elements()
    assert list(Plan.model_fields) == [e["key"] for e in elements]
    assert [f.title for f in Plan.model_fields.values()] == [e["label"] for e in elements]
    for e in elements:
        assert StartForm.model_fields[f"plan_{e['key']}"].title == e["label"]


# --- registration ---------------------------------------------------------------------------


REGISTER = {
    "source": "self_inspection",
    "category": "environment",
    "description": "仓库通道堆放杂物",
}

REGISTER_CASES = [
    ({"description": NUL}, "隐患描述", "不能包含控制字符(如 NUL、换行方向控制符)。"),
    ({"description": LONG}, "隐患描述", "不能超过 10000 个字。"),
    ({"location": "很" * 201}, "具体位置", "不能超过 200 个字。"),
    ({"finder": "张\x00三"}, "发现人", "不能包含控制字符(如 NUL、换行方向控制符)。"),
    ({"people_exposed": 10**30}, "可能影响人数", "不能大于 1000000。"),
    ({"people_exposed": -1}, "可能影响人数", "不能小于 0。"),
    ({"category": "weather"}, "隐患类别", "不是可选的值之一。"),
    ({"found_on": "11月1日"}, "发现日期", "日期格式应为 年-月-日(如 2026-11-30)。"),
    ({"lon": 500}, "经度", "不能大于 180。"),
]


@pytest.mark.parametrize(
    "change, label, message", REGISTER_CASES, ids=[c[1] + c[2] for c in REGISTER_CASES]
)
def test_registration_refused_alike_on_the_page_and_in_the_api(as_user, change, label, message):
    before = Hazard.objects.count()
    client = as_user("enterprise")
    values = {**REGISTER, "found_on": timezone.localdate().isoformat(), **change}
    page = client.post(reverse("hazards:new"), {**values, "enterprise_id": own().pk})
    assert page.status_code == 200  # the form again, with what was typed
    assert f"{label}:{message}" in page.content.decode()
    response = client.post("/api/v1/hazards", **body_json({**values, "enterprise_id": own().pk}))
    assert response.status_code == 422, response.content
    assert f"{label}:{message}" in response.json()["message"]
    assert Hazard.objects.count() == before


def test_registration_by_the_page_and_the_api_gives_the_same_hazard(as_user):
    client = as_user("enterprise")
    found = (timezone.localdate() - timedelta(days=1)).isoformat()
    values = {**REGISTER, "found_on": found, "people_exposed": "12", "location": " 仓库 "}
    client.post(reverse("hazards:new"), {**values, "enterprise_id": own().pk})
    made = client.post("/api/v1/hazards", **body_json({**values, "enterprise_id": own().pk}))
    assert made.status_code == 200
    web, api = Hazard.objects.filter(description=REGISTER["description"]).order_by("pk")
    for field in ("enterprise_id", "source", "category", "found_on", "people_exposed"):
        assert getattr(web, field) == getattr(api, field)
    assert web.location == api.location == "仓库" and web.people_exposed == 12


def test_out_of_scope_enterprise_on_the_page(as_user):
    other = Enterprise.objects.exclude(region__path__startswith="/620100/620104/").first()
    before = Hazard.objects.count()
    page = as_user("county_a").post(
        reverse("hazards:new"),
        {**REGISTER, "found_on": timezone.localdate().isoformat(), "enterprise_id": other.pk},
        follow=True,
    )
    assert "所选企业不在您的权限范围内。" in page.content.decode()
    assert Hazard.objects.count() == before


# --- the Excel import -------------------------------------------------------------------------


def workbook(rows):
    wb = load_workbook(io.BytesIO(build_template()))
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_rows_are_checked_with_the_registration_schema(persona):
    uscc = own().uscc
    today = timezone.localdate().isoformat()
    rows = [
        # (a spreadsheet cannot hold NUL; a bidi override is a control character too)
        [uscc, "执法检查", "设备设施", "压力表\u202e损坏", "", today, "", "", 0],
        [uscc, "执法检查", "设备设施", "压力表损坏未更换", "很" * 201, today, "", "", 10**30],
        [uscc, "执法检查", "", "压力表损坏未更换", "", today, "", "", -3],
    ]
    user = persona("county_a")
    before = Hazard.objects.count()
    with actor_context(user, source="test"):
        result = do_import_hazards(actor=user, data=workbook(rows), only_valid=True)
    assert result["created"] == [] and Hazard.objects.count() == before
    found = {(e["row"], e["column"]): e["message"] for e in result["errors"]}
    assert set(found) == {
        (2, "隐患描述"),
        (3, "具体位置"),
        (3, "可能影响人数"),
        (4, "隐患类别"),
        (4, "可能影响人数"),
    }
    assert CONTROL in found[(2, "隐患描述")]
    assert "不能超过 200 个字" in found[(3, "具体位置")]
    assert "不能大于 1000000" in found[(3, "可能影响人数")]
    assert found[(4, "隐患类别")] == "必填。"
    assert found[(4, "可能影响人数")] == "“-3”不能小于 0。"


def test_the_import_page_needs_a_file(as_user):
    page = as_user("county_a").post(reverse("hazards:import"), {"only_valid": "1"})
    assert "按模板填写的 Excel 文件:必填。" in page.content.decode()


# --- responses --------------------------------------------------------------------------------

HAZARD_KEYS = {
    # issue #19 (16号令)
    "criterion_code",
    "production_status",
    "report_submitted_at",
    "assessed_on",
    "resume_review_due",
    "self_closed",
    "id",
    "code",
    "enterprise_id",
    "subject",
    "region",
    "lon",
    "lat",
    "source",
    "category",
    "description",
    "found_on",
    "level",
    "level_reason",
    "criteria",
    "state",
    "state_label",
    "deadline",
    "supervised",
    "repeat_of",
    "version",
}


def test_hazard_out_keeps_its_fields_and_values(as_user, persona):
    hazard = make(persona, "graded")
    repeat = Hazard.objects.filter(repeat_of__isnull=False).first()
    client = as_user("city_admin")
    got = client.get(f"/api/v1/hazards/{hazard.pk}").json()
    assert set(got) == HAZARD_KEYS
    assert got["region"] == hazard.region.code and got["state_label"] == "已定级"
    assert got["found_on"] == hazard.found_on.isoformat() and got["version"] == hazard.version
    assert got["subject"] == own().name and got["repeat_of"] is None
    again = client.get(f"/api/v1/hazards/{repeat.pk}").json()
    assert again["repeat_of"] == repeat.repeat_of.code
    listed = client.get("/api/v1/hazards?state=graded").json()
    assert hazard.pk in [h["id"] for h in listed] and all(set(h) == HAZARD_KEYS for h in listed)


def test_queue_stats_and_geojson_shapes(as_user):
    client = as_user("county_a")
    queue = client.get("/api/v1/hazards/queue").json()
    assert queue and set(queue[0]) == HAZARD_KEYS | {"priority", "terms"}
    assert set(queue[0]["terms"][0]) == {"name", "value", "points", "explain"}
    assert [h["priority"] for h in queue] == sorted((h["priority"] for h in queue), reverse=True)
    stats = client.get("/api/v1/hazards/stats").json()
    assert stats["total"] >= stats["open"] >= stats["overdue"]
    assert all(len(pair) == 2 for pair in stats["by_state"])
    layer = client.get("/api/v1/hazards/geojson").json()
    assert layer["type"] == "FeatureCollection" and layer["features"]
    first = layer["features"][0]
    assert first["geometry"]["type"] == "Point" and {"label", "url", "style"} <= set(
        first["properties"]
    )
