"""The typed edge of 执法检查 (issue #9): every service input is one schema, and the page and the
API refuse the same bad input with the same Chinese field message, writing nothing; the API's
responses keep their JSON field names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from yingji.core.models import AuditEvent, ObjectChange
from yingji.enterprises.models import Enterprise
from yingji.inspections.models import CaseFile, Inspection, InspectionPlan, PlanEntry
from yingji.orgs.models import Organisation

pytestmark = pytest.mark.django_db
A1 = "DEMO-ENT-620104-01"


def org(code):
    return Organisation.objects.get(code=code)


def a1():
    return Enterprise.objects.get(organisation__code=A1)


def xigu_plan():
    return InspectionPlan.objects.get(is_demo=True, owner__code="XGQ-YJJ")


def planned_entry():
    return PlanEntry.objects.filter(plan=xigu_plan(), state="planned").order_by("pk").first()


def scheduled_inspection():
    """城关区's demo inspection still to be made."""
    return Inspection.objects.filter(authority__code="CGQ-YJJ", state="scheduled").first()


def demo_case():
    return CaseFile.objects.get(is_demo=True)


@dataclass
class Edge:
    """One service's form and endpoint: who posts, where, valid data, and a text field."""

    persona: str
    web: callable  # () -> URL of the page's POST
    api: callable  # () -> URL of the endpoint
    data: callable  # () -> valid input (API names)
    text: str  # a user-written text field of the schema
    limit: int  # its maximum length
    web_names: dict = field(default_factory=dict)  # the page's name of an API field


EDGES = {
    "create_plan": Edge(
        "county_a",
        lambda: reverse("inspections:plan_create"),
        lambda: "/api/v1/inspections/plans",
        lambda: {"owner_id": org("XGQ-YJJ").pk, "year": 2041},
        "title",
        200,
    ),
    "build_plan": Edge(
        "county_a",
        lambda: reverse("inspections:plan_build", args=[xigu_plan().pk]),
        lambda: f"/api/v1/inspections/plans/{xigu_plan().pk}/build",
        lambda: {"enterprise_ids": [a1().pk], "agency_id": org("XGQ-YJJ").pk},
        "inspectors",
        200,
    ),
    "add_entry": Edge(
        "county_a",
        lambda: reverse("inspections:plan_add_entry", args=[xigu_plan().pk]),
        lambda: f"/api/v1/inspections/plans/{xigu_plan().pk}/entries",
        lambda: {"enterprise_id": a1().pk, "month": 7, "agency_id": org("XGQ-YJJ").pk},
        "reason",
        500,
    ),
    "cancel_entry": Edge(
        "county_a",
        lambda: reverse("inspections:entry_cancel", args=[planned_entry().pk]),
        lambda: f"/api/v1/inspections/entries/{planned_entry().pk}/cancel",
        lambda: {"reason": "企业停产"},
        "reason",
        300,
    ),
    "schedule_entry": Edge(
        "county_a",
        lambda: reverse("inspections:entry_schedule", args=[planned_entry().pk]),
        lambda: f"/api/v1/inspections/entries/{planned_entry().pk}/schedule",
        lambda: {"inspected_on": f"{xigu_plan().year}-12-20", "participants": "甲某、乙某"},
        "participants",
        300,
    ),
    "schedule_inspection": Edge(
        "county_a",
        lambda: reverse("inspections:new"),
        lambda: "/api/v1/inspections/records",
        lambda: {
            "enterprise_id": a1().pk,
            "agency_id": org("XGQ-YJJ").pk,
            "kind": "special",
            "inspected_on": "2040-03-01",
            "participants": "甲某、乙某",
        },
        "participants",
        300,
        {"enterprise_id": "enterprise"},
    ),
    "record_checklist": Edge(
        "county_b",
        lambda: reverse("inspections:checklist", args=[scheduled_inspection().pk]),
        lambda: f"/api/v1/inspections/records/{scheduled_inspection().pk}/checklist",
        lambda: {"results": {}, "summary": "现场检查情况"},
        "summary",
        5000,
    ),
    "add_finding": Edge(
        "county_b",
        lambda: reverse("inspections:finding_add", args=[scheduled_inspection().pk]),
        lambda: f"/api/v1/inspections/records/{scheduled_inspection().pk}/findings",
        lambda: {"description": "安全出口被货物堵塞", "category": "fire"},
        "description",
        5000,
    ),
    "open_case": Edge(
        "county_b",
        lambda: reverse("inspections:case_open", args=[scheduled_inspection().pk]),
        lambda: f"/api/v1/inspections/records/{scheduled_inspection().pk}/cases",
        lambda: {"cause": "未按规定开展隐患排查", "filed_on": timezone.localdate().isoformat()},
        "cause",
        300,
    ),
    "advance_case": Edge(
        "section",
        lambda: reverse("inspections:case_advance", args=[demo_case().pk]),
        lambda: f"/api/v1/inspections/cases/{demo_case().pk}/advance",
        lambda: {"to_state": "executing", "execution": "已责令改正"},
        "execution",
        5000,
    ),
    "case_system": Edge(
        "section",
        lambda: reverse("inspections:case_system", args=[demo_case().pk]),
        lambda: f"/api/v1/inspections/cases/{demo_case().pk}/system",
        lambda: {"system": "publicity", "done": True, "note": "已在门户网站公示"},
        "note",
        500,
    ),
}


def web_form(edge: Edge, data: dict) -> dict:
    """The API's input as the page posts it (checklist results are result_<code> fields)."""
    form = {}
    for key, value in data.items():
        if key == "results":
            form |= {f"result_{code}": r for code, r in value.items()}
        elif isinstance(value, bool):
            form[key] = "1" if value else "0"
        else:
            form[edge.web_names.get(key, key)] = value
    return form


def writes():
    # sign-ins and refusals are audited (auth.*); the refused input itself writes nothing
    return ObjectChange.objects.count(), AuditEvent.objects.exclude(
        verb__startswith="auth."
    ).count()


def refusal(as_user, edge: Edge, data: dict) -> tuple[str, dict]:
    """Post the same bad input to the page and to the API: (the page's message, the API's
    answer); assert that neither wrote anything."""
    before = writes()
    response = as_user(edge.persona).post(edge.web(), web_form(edge, data))
    assert response.status_code in (200, 302)
    shown = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    api = as_user(edge.persona).post(edge.api(), data, content_type="application/json")
    assert api.status_code == 422, api.content
    assert writes() == before
    assert len(shown) == 1
    return shown[0], api.json()


@pytest.mark.parametrize("name", EDGES)
@pytest.mark.parametrize("bad", ["nul", "too_long"])
def test_page_and_api_refuse_bad_text_alike(as_user, name, bad):
    edge = EDGES[name]
    value = "有\x00字" if bad == "nul" else "字" * (edge.limit + 1)
    shown, body = refusal(as_user, edge, {**edge.data(), edge.text: value})
    assert body["code"] == "validation_error"
    assert body["message"] == "输入有误:" + shown
    [error] = body["details"]["errors"]
    assert error["field"] == edge.text and error["label"] in shown
    expected = "控制字符" if bad == "nul" else f"不能超过 {edge.limit} 个字"
    assert expected in shown and expected in error["message"]


def test_the_valid_input_of_each_edge_is_accepted_by_the_api(as_user):
    """The data above is valid: each refusal is the text field's, not something else's."""
    for name, edge in EDGES.items():
        if name in ("schedule_entry", "cancel_entry", "create_plan"):
            continue  # they would consume the sample records of the other checks
        response = as_user(edge.persona).post(
            edge.api(), edge.data(), content_type="application/json"
        )
        assert response.status_code != 422 or response.json()["code"] != "validation_error", (
            name,
            response.json(),
        )


BAD_VALUES = [
    ("add_entry", "month", 13, "计划月份:不能大于 12。"),
    ("add_entry", "month", "三月", "计划月份:应为整数。"),
    ("create_plan", "year", 1999, "年度:不能小于 2000。"),
    ("schedule_inspection", "inspected_on", "2040-13-01", "检查日期:日期格式应为"),
    ("schedule_inspection", "kind", "raid", "检查类型:不是可选的值之一。"),
    ("schedule_inspection", "agency_id", "十", "检查科室/单位:应为整数。"),
    ("add_finding", "category", "unknown", "类别:不是可选的值之一。"),
    ("add_finding", "level", "huge", "隐患级别:不是可选的值之一。"),
    ("advance_case", "to_state", "deleted", "办理阶段:不是可选的值之一。"),
    ("case_system", "system", "other", "三项制度:不是可选的值之一。"),
    ("open_case", "filed_on", "昨天", "立案日期:日期格式应为"),
]


@pytest.mark.parametrize(("name", "key", "value", "message"), BAD_VALUES)
def test_page_and_api_refuse_bad_values_alike(as_user, name, key, value, message):
    edge = EDGES[name]
    shown, body = refusal(as_user, edge, {**edge.data(), key: value})
    assert shown.startswith(message) and body["message"] == "输入有误:" + shown


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-1", "不能小于 0"), ("12.345", "两位小数"), ("1e12", "金额过大"), ("NaN", "有限的数字")],
)
def test_penalty_amount_is_money(as_user, amount, message):
    edge = Edge(
        "section",
        EDGES["advance_case"].web,
        EDGES["advance_case"].api,
        lambda: {"to_state": "decided", "decision": "罚款"},
        "decision",
        5000,
    )
    shown, body = refusal(as_user, edge, {**edge.data(), "penalty_amount": amount})
    assert shown.startswith("罚款金额(元):") and message in shown
    assert body["details"]["errors"][0]["field"] == "penalty_amount"


def test_a_required_field_is_named_in_chinese(as_user):
    shown, body = refusal(as_user, EDGES["cancel_entry"], {})
    assert shown == "取消原因:必填。" and body["message"] == "输入有误:取消原因:必填。"


def test_schedule_accepts_the_page_and_the_api_name_of_the_enterprise(as_user):
    client = as_user("county_a")
    payload = {**EDGES["schedule_inspection"].data(), "enterprise_id": "甲"}
    body = client.post("/api/v1/inspections/records", payload, content_type="application/json")
    assert body.json()["details"]["errors"] == [
        {"field": "enterprise", "label": "检查对象", "message": "应为整数。"}
    ]
    day = timezone.localdate() + timedelta(days=400)
    for key in ("enterprise_id", "enterprise"):
        payload = {**EDGES["schedule_inspection"].data(), "inspected_on": day.isoformat()}
        payload[key] = payload.pop("enterprise_id")
        response = client.post(
            "/api/v1/inspections/records", payload, content_type="application/json"
        )
        assert response.status_code == 200 and response.json()["enterprise_id"] == a1().pk
        day += timedelta(days=1)


def test_build_from_the_page_with_nothing_ticked_adds_nothing(as_user):
    plan = xigu_plan()
    count = plan.entries.count()
    response = as_user("county_a").post(
        reverse("inspections:plan_build", args=[plan.pk]), {"enterprise_ids": ""}
    )
    assert response.status_code == 302 and plan.entries.count() == count


# --- responses ------------------------------------------------------------------------------

PLAN_KEYS = {"id", "title", "year", "owner", "owner_id", "state", "state_label", "is_demo"}
PLAN_KEYS |= {"version"}
ENTRY_KEYS = {"id", "plan_id", "enterprise_id", "enterprise", "month", "visit", "agency"}
ENTRY_KEYS |= {"inspectors", "basis", "state", "state_label", "cancel_reason", "version"}
INSPECTION_KEYS = {"id", "number", "enterprise_id", "enterprise", "authority", "agency"}
INSPECTION_KEYS |= {"entry_id", "kind", "inspected_on", "state", "state_label", "participants"}
INSPECTION_KEYS |= {"sector_group", "summary", "is_demo", "version"}
FINDING_KEYS = {"id", "number", "item_code", "description", "category", "level", "location"}
FINDING_KEYS |= {"hazard_id", "hazard_code"}
CASE_KEYS = {"id", "number", "enterprise_id", "enterprise", "authority", "agency"}
CASE_KEYS |= {"inspection_id", "cause", "filed_on", "state", "state_label", "allowed_steps"}
CASE_KEYS |= {"investigation", "decision", "decision_number", "penalty_amount", "execution"}
CASE_KEYS |= {"closed_on", "systems", "version"}


def test_responses_keep_their_field_names_and_values(as_user):
    client = as_user("section")
    plan = InspectionPlan.objects.get(is_demo=True, owner__code="LZYJJ")
    body = client.get(f"/api/v1/inspections/plans/{plan.pk}").json()
    assert set(body) == PLAN_KEYS | {"entries"} and body["owner"] == "兰州市应急管理局"
    assert body["state_label"] == "已下达" and body["entries"]
    assert set(body["entries"][0]) == ENTRY_KEYS
    first = PlanEntry.objects.get(pk=body["entries"][0]["id"])
    assert body["entries"][0]["enterprise"] == first.enterprise.name
    assert body["entries"][0]["agency"] == first.agency.name

    case = demo_case()
    body = client.get(f"/api/v1/inspections/cases/{case.pk}").json()
    assert set(body) == CASE_KEYS
    assert body["penalty_amount"] == "30000.00" and body["allowed_steps"] == ["executing"]
    assert body["state_label"] == "处罚决定" and body["enterprise"] == case.enterprise.name
    recording = next(s for s in body["systems"] if s["key"] == "recording")
    assert recording == {
        "key": "recording",
        "label": "执法全过程记录",
        "done": True,
        "note": case.recording_note,
        "attachment_id": None,
        "attachment_name": "",
        "has_evidence": True,
    }

    body = client.get(f"/api/v1/inspections/records/{case.inspection_id}").json()
    assert set(body) == INSPECTION_KEYS | {"checklist", "findings"}
    assert body["inspected_on"] == case.inspection.inspected_on.isoformat()
    assert set(body["checklist"][0]) == {"code", "text", "result", "remark"}
    assert set(body["findings"][0]) == FINDING_KEYS
    listed = client.get("/api/v1/inspections/records").json()
    assert set(listed[0]) == INSPECTION_KEYS

    overlap = client.get("/api/v1/inspections/overlaps").json()[0]
    assert overlap["other_authority"] == "西固区应急管理局" and overlap["created_at"]

    proposals = client.get(f"/api/v1/inspections/plans/{plan.pk}/proposals").json()
    for p in proposals[:3]:
        ent = Enterprise.objects.get(pk=p["enterprise_id"])
        assert p["enterprise"] == ent.name and p["region"] == ent.region.name
        assert p["tier"] == ent.tier and len(p["months"]) == p["visits"]

    layer = client.get("/api/v1/inspections/geojson").json()
    assert layer["type"] == "FeatureCollection" and layer["features"]
    assert {"label", "url", "style"} <= set(layer["features"][0]["properties"])


def test_build_answers_with_created_and_skipped(as_user):
    client = as_user("county_a")
    created = client.post(
        "/api/v1/inspections/plans",
        {"owner_id": org("XGQ-YJJ").pk, "year": 2042},
        content_type="application/json",
    ).json()
    assert set(created) == PLAN_KEYS and created["state"] == "draft"
    body = client.post(
        f"/api/v1/inspections/plans/{created['id']}/build",
        {"enterprise_ids": [a1().pk]},
        content_type="application/json",
    ).json()
    assert body == {"created": body["created"], "skipped": []} and body["created"] >= 1
