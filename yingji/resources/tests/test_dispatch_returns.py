"""Teams and equipment in a request (nearest available proposed, 已调派 at approval, departure
and arrival recorded, 归队/归还 afterwards), returns of reusable items through the ledger
(归还 + 报废 movements, never an overwrite), the 物资联动 partners (T39) and the print pages."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from yingji.core.context import actor_context
from yingji.core.models import AuditEvent
from yingji.resources import services
from yingji.resources.allocation import Unit, propose_units
from yingji.resources.models import (
    Allocation,
    Equipment,
    ForceAssignment,
    LinkageCall,
    LinkagePartner,
    MaintenanceRecord,
    Movement,
    Stock,
    SupplyRequest,
    Team,
)
from yingji.resources.schemas import DecisionIn, RequestIn

from .helpers import TENT, WATER, balance, client_for, ledger_sum, race

YUZHONG_POINT = {"lon": 104.12, "lat": 35.86}


def _post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def _ask(client, *, lines=(), teams=(), equipment=()):
    r = _post(
        client,
        "/api/v1/resources/requests",
        {
            "destination": "榆中县城关镇安置点",
            **YUZHONG_POINT,
            "needed_by": "2030-01-01T08:00:00+08:00",
            "reason": "暴雨转移安置群众",
            "lines": [{"item": i, "quantity": q} for i, q in lines],
            "teams": [{"category": c, "count": n} for c, n in teams],
            "equipment": [{"category": c, "count": n} for c, n in equipment],
        },
    )
    assert r.status_code == 201, r.content
    return r.json()


# --- the pure proposal -------------------------------------------------------------------------

DEST = {"lon": 104.11, "lat": 35.85}


def u(pk, lon, kind="team", category="water"):
    return Unit(pk, kind, category, lon, None if lon is None else 35.85)


@pytest.mark.parametrize(
    "demand, units, expected, shortfall",
    [
        # nearest first
        ({("team", "water"): 1}, [u(1, 103.5), u(2, 104.0)], [2], {}),
        # two asked: both, nearest first
        ({("team", "water"): 2}, [u(1, 103.5), u(2, 104.0)], [2, 1], {}),
        # only the asked category counts; the rest is a shortfall
        (
            {("team", "water"): 2},
            [u(1, 103.5), u(2, 104.0, category="mine")],
            [1],
            {("team", "water"): 1},
        ),
        # a unit whose place is unknown comes after the located ones
        ({("team", "water"): 2}, [u(1, None), u(2, 103.0)], [2, 1], {}),
        # teams and equipment are separate demands
        (
            {("team", "water"): 1, ("equipment", "water"): 1},
            [u(1, 103.0), u(5, 104.0, kind="equipment")],
            [1, 5],
            {},
        ),
    ],
)
def test_nearest_units_are_proposed(demand, units, expected, shortfall):
    proposal = propose_units(demand, units, **DEST)
    assert [leg.pk for leg in proposal.legs] == expected
    assert proposal.shortfall == shortfall
    located = [leg for leg in proposal.legs if leg.distance_km is not None]
    assert all(leg.eta_hours > 0 for leg in located)


# --- teams and equipment through a request ---------------------------------------------------


def _ready_water_teams():
    return Team.objects.filter(specialty="water", readiness="ready")


@pytest.mark.django_db
def test_teams_and_equipment_assigned_dispatched_arrived_returned(as_user):
    duty, section = client_for("duty"), as_user("section")
    Team.objects.filter(specialty="water").update(readiness="ready")
    water_teams = list(_ready_water_teams())
    assert len(water_teams) >= 2
    pumps = Equipment.objects.filter(category="drainage", status="good")
    assert pumps.exists()
    req = _ask(duty, teams=[("water", 1)], equipment=[("drainage", 1)])
    url = f"/api/v1/resources/requests/{req['id']}"
    proposal = duty.get(f"{url}/proposal").json()
    assert proposal["complete"], proposal
    team_leg = next(f for f in proposal["forces"] if f["kind"] == "team")
    nearest = min(
        (t for t in water_teams if t.lon is not None),
        key=lambda t: (t.lon - 104.12) ** 2 + ((t.lat - 35.86) * 1.2) ** 2,
    )
    assert team_leg["unit_id"] == nearest.pk

    r = _post(section, f"{url}/approve")
    assert r.status_code == 200, r.content
    body = r.json()
    assert {a["state"] for a in body["assignments"]} == {"assigned"}
    team_id = next(a["unit_id"] for a in body["assignments"] if a["kind"] == "team")
    pump_id = next(a["unit_id"] for a in body["assignments"] if a["kind"] == "equipment")
    assert team_id == nearest.pk
    page = section.get(f"/resources/teams/{team_id}/").content.decode()
    assert 'id="assignment"' in page and req["number"] in page  # shown as 已调派 on its page

    # a second request cannot have the same team or item while it is out
    other = _ask(duty, teams=[("water", 1)], equipment=[("drainage", 1)])
    again = duty.get(f"/api/v1/resources/requests/{other['id']}/proposal").json()
    assert team_id not in [f["unit_id"] for f in again["forces"] if f["kind"] == "team"]
    assert pump_id not in [f["unit_id"] for f in again["forces"] if f["kind"] == "equipment"]

    r = _post(section, f"{url}/dispatch")
    assert r.status_code == 200
    assert all(a["state"] == "dispatched" and a["dispatched_at"] for a in r.json()["assignments"])
    r = _post(duty, f"{url}/receive", {"note": "队伍到达"})
    assert all(a["state"] == "arrived" and a["arrived_at"] for a in r.json()["assignments"])

    # the team back; the pump back damaged: a maintenance record, status 维修, not available
    team_a = ForceAssignment.objects.get(request_id=req["id"], team_id=team_id)
    pump_a = ForceAssignment.objects.get(request_id=req["id"], equipment_id=pump_id)
    assert _post(duty, f"{url}/return-forces", {"assignment": team_a.pk}).status_code == 403
    r = _post(section, f"{url}/return-forces", {"assignment": team_a.pk, "condition": "repair"})
    assert r.status_code == 422 and "队伍归队不登记损坏" in r.json()["message"]
    r = _post(section, f"{url}/return-forces", {"assignment": team_a.pk, "note": "全员归队"})
    assert r.status_code == 200
    records = MaintenanceRecord.objects.filter(equipment_id=pump_id).count()
    r = _post(
        section,
        f"{url}/return-forces",
        {"assignment": pump_a.pk, "condition": "repair", "note": "叶轮损坏"},
    )
    assert r.status_code == 200, r.content
    assert Equipment.objects.get(pk=pump_id).status == "repair"
    assert MaintenanceRecord.objects.filter(equipment_id=pump_id).count() == records + 1
    r = _post(section, f"{url}/return-forces", {"assignment": pump_a.pk})
    assert r.status_code == 422  # already back
    again = duty.get(f"/api/v1/resources/requests/{other['id']}/proposal").json()
    assert team_id in [f["unit_id"] for f in again["forces"] if f["kind"] == "team"]
    assert pump_id not in [f["unit_id"] for f in again["forces"] if f["kind"] == "equipment"]
    verbs = list(
        AuditEvent.objects.filter(object_id=str(req["id"]), verb__startswith="resources.request")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["resources.request.force_returned"] * 2
    page = section.get(f"/resources/requests/{req['id']}/").content.decode()
    assert "叶轮损坏" in page and "已归队/归还" in page


@pytest.mark.django_db
def test_cancel_releases_assigned_teams(as_user):
    duty, section = client_for("duty"), as_user("section")
    Team.objects.filter(specialty="water").update(readiness="ready")
    req = _ask(duty, teams=[("water", 1)])
    r = _post(section, f"/api/v1/resources/requests/{req['id']}/approve")
    team_id = r.json()["assignments"][0]["unit_id"]
    r = _post(section, f"/api/v1/resources/requests/{req['id']}/cancel", {"note": "险情解除"})
    assert r.status_code == 200 and r.json()["assignments"][0]["state"] == "released"
    assert not ForceAssignment.objects.filter(
        team_id=team_id, state__in=("assigned", "dispatched", "arrived")
    ).exists()


@pytest.mark.django_db
def test_not_enough_teams_refuses_the_approval_and_changes_nothing(as_user):
    duty, section = client_for("duty"), as_user("section")
    n = Team.objects.filter(specialty="mine", readiness="ready").count()
    req = _ask(duty, lines=[(WATER, 10)], teams=[("mine", n + 1)])
    reserved = sum(Allocation.objects.values_list("quantity", flat=True))
    r = _post(section, f"/api/v1/resources/requests/{req['id']}/approve")
    assert r.status_code == 422 and "矿山队伍缺 1 支" in r.json()["message"]
    assert SupplyRequest.objects.get(pk=req["id"]).state == "submitted"
    assert not ForceAssignment.objects.filter(request_id=req["id"]).exists()
    assert sum(Allocation.objects.values_list("quantity", flat=True)) == reserved


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, message",
    [
        ({"teams": [{"category": "nonsense", "count": 1}]}, "没有队伍专业"),
        ({"equipment": [{"category": "water", "count": 0}]}, ""),
        (
            {"teams": [{"category": "water", "count": 1}, {"category": "water", "count": 2}]},
            "只能填写一行",
        ),
        ({}, "请至少填写一项"),
    ],
)
def test_bad_force_lines_are_refused(payload, message):
    before = SupplyRequest.objects.count()
    r = _post(
        client_for("duty"),
        "/api/v1/resources/requests",
        {
            "destination": "榆中县城关镇安置点",
            **YUZHONG_POINT,
            "needed_by": "2030-01-01T08:00:00+08:00",
            "reason": "测试",
            **payload,
        },
    )
    assert r.status_code == 422
    assert message in json.dumps(r.json(), ensure_ascii=False)
    assert SupplyRequest.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_two_approvals_cannot_take_the_same_team(reference_data):
    """Two requests, each for one 森林草原 team, with one such team available; two city staff
    approve at once (two threads, two connections): one gets the team, the other is refused."""
    users = {u.username: u for u in get_user_model().objects.all()}
    duty = users["duty"]
    Team.objects.filter(specialty="forest").update(readiness="unavailable")
    team = Team.objects.filter(specialty="forest").first()
    Team.objects.filter(pk=team.pk).update(readiness="ready")
    requests = []
    for n in range(2):
        with actor_context(duty, source="test"):
            requests.append(
                services.do_create_request(
                    actor=duty,
                    data=RequestIn(
                        destination=f"榆中县山火现场{n}",
                        **YUZHONG_POINT,
                        needed_by="2030-01-01T08:00:00+08:00",
                        reason="森林火灾扑救",
                        teams=[{"category": "forest", "count": 1}],
                    ),
                )
            )

    def approve(user, req):
        services.do_approve_request(actor=user, request=req, data=DecisionIn())

    results = race(
        [
            (users[name], lambda user, req=req: approve(user, req))
            for name, req in zip(("whk_staff", "city_admin"), requests, strict=True)
        ]
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    refusal = next(r[1] for r in results if r[0] == "refused")
    assert "缺 1 支" in refusal or "刚被其他需求调派" in refusal
    active = ForceAssignment.objects.filter(
        team=team, state__in=("assigned", "dispatched", "arrived")
    )
    assert active.count() == 1
    states = sorted(
        SupplyRequest.objects.filter(pk__in=[r.pk for r in requests]).values_list(
            "state", flat=True
        )
    )
    assert states == ["approved", "submitted"]


# --- returns of reusable items ---------------------------------------------------------------


def _dispatched(duty, section, lines):
    req = _ask(duty, lines=lines)
    url = f"/api/v1/resources/requests/{req['id']}"
    assert _post(section, f"{url}/approve").status_code == 200
    r = _post(section, f"{url}/dispatch")
    assert r.status_code == 200
    return url, r.json()


@pytest.mark.django_db
def test_returns_go_through_the_ledger(as_user):
    duty, section = client_for("duty"), as_user("section")
    url, body = _dispatched(duty, section, [(TENT, 40), (WATER, 10)])
    tent = next(a for a in body["allocations"] if a["item"] == TENT)
    water = next(a for a in body["allocations"] if a["item"] == WATER)
    assert tent["outstanding"] == tent["quantity"] and water["outstanding"] == 0
    site_code = tent["site"]
    before = balance(site_code, TENT)
    number = body["number"]
    lines_before = Movement.objects.filter(document_no=number).count()

    r = _post(
        section,
        f"{url}/return-supplies",
        {"allocation": tent["id"], "returned": 30, "scrapped": 5, "reason": "灾后回收"},
    )
    assert r.status_code == 200, r.content
    after = next(a for a in r.json()["allocations"] if a["id"] == tent["id"])
    assert (after["returned"], after["scrapped"]) == (30, 5)
    assert after["outstanding"] == tent["quantity"] - 35
    assert balance(site_code, TENT) == before + 30 == ledger_sum(site_code, TENT)
    new = Movement.objects.filter(document_no=number).order_by("pk")[lines_before:]
    assert [(m.kind, m.quantity) for m in new] == [("return", 35), ("scrap", -5)]

    # more than is out, a consumable, the duty officer: refused, nothing written
    count = Movement.objects.count()
    r = _post(
        section,
        f"{url}/return-supplies",
        {"allocation": tent["id"], "returned": tent["quantity"], "reason": "多还"},
    )
    assert r.status_code == 422 and "尚未归还" in r.json()["message"]
    r = _post(
        section,
        f"{url}/return-supplies",
        {"allocation": water["id"], "returned": 1, "reason": "剩余"},
    )
    assert r.status_code == 422 and "消耗性物资" in r.json()["message"]
    r = _post(
        duty, f"{url}/return-supplies", {"allocation": tent["id"], "returned": 1, "reason": "x1"}
    )
    assert r.status_code == 403
    r = _post(section, f"{url}/return-supplies", {"allocation": tent["id"], "reason": "无数量"})
    assert r.status_code == 422
    assert Movement.objects.count() == count
    page = section.get(url.replace("/api/v1", "") + "/").content.decode()
    assert 'id="outstanding-table"' in page and "归还入库" in page
    assert AuditEvent.objects.filter(verb="resources.request.returned").count() == 1


@pytest.mark.django_db
def test_no_return_before_dispatch(as_user):
    duty, section = client_for("duty"), as_user("section")
    req = _ask(duty, lines=[(TENT, 5)])
    url = f"/api/v1/resources/requests/{req['id']}"
    _post(section, f"{url}/approve")
    alloc = Allocation.objects.filter(request_id=req["id"]).first()
    r = _post(
        section, f"{url}/return-supplies", {"allocation": alloc.pk, "returned": 1, "reason": "提前"}
    )
    assert r.status_code == 422 and "出库调运后" in r.json()["message"]


# --- 物资联动 partners (T39) -------------------------------------------------------------------


@pytest.mark.django_db
def test_partners_listed_and_offered_when_the_city_cannot_cover(as_user):
    duty, section = client_for("duty"), as_user("section")
    assert LinkagePartner.objects.filter(is_demo=True).count() == 8
    names = [p["name"] for p in section.get("/api/v1/resources/partners").json()]
    assert "兰州市红十字会" in names and "武警兰州支队" in names
    assert as_user("county_a").get("/api/v1/resources/partners").status_code == 200
    assert as_user("enterprise").get("/api/v1/resources/partners").json() == []
    page = section.get("/resources/stock/").content.decode()
    assert 'id="partners"' in page and "兰州市粮食和物资储备局" in page

    total = sum(s.quantity - s.reserved for s in Stock.objects.filter(item__code=TENT))
    req = _ask(duty, lines=[(TENT, total + 100)])
    page = section.get(f"/resources/requests/{req['id']}/").content.decode()
    assert 'id="linkage-form"' in page
    first = page.index("兰州市粮食和物资储备局")  # lists tents: offered before those that do not
    assert first < page.index("兰州市公安局")
    assert 'id="linkage-form"' not in duty.get(f"/resources/requests/{req['id']}/").content.decode()
    grain = LinkagePartner.objects.get(name="兰州市粮食和物资储备局")
    url = f"/api/v1/resources/requests/{req['id']}/linkage"
    assert _post(duty, url, {"partner": grain.pk, "content": "帐篷缺口"}).status_code == 403
    r = _post(section, url, {"partner": grain.pk, "content": "请调拨救灾帐篷 100 顶"})
    assert r.status_code == 201, r.content
    assert LinkageCall.objects.filter(request_id=req["id"], partner=grain).count() == 1
    assert AuditEvent.objects.filter(
        verb="resources.request.linkage", object_id=str(req["id"])
    ).exists()
    r = _post(section, url, {"partner": 999999, "content": "不存在"})
    assert r.status_code == 422


@pytest.mark.django_db
def test_partners_kept_by_the_city_bureau(as_user):
    section = as_user("section")
    data = {
        "name": "兰州市卫生健康委员会",
        "contact": "孙医生",
        "provides": "医疗救护力量和药品器械调配",
        "items": [],
    }
    for who in ("county_a", "leader", "enterprise"):
        assert _post(as_user(who), "/api/v1/resources/partners", data).status_code == 403
    r = _post(section, "/api/v1/resources/partners", {**data, "items": ["0000000"]})
    assert r.status_code == 422 and "0000000" in r.json()["message"]
    r = _post(section, "/api/v1/resources/partners", {**data, "items": [TENT]})
    assert r.status_code == 201, r.content
    pid, version = r.json()["id"], r.json()["version"]
    put = {**data, "items": [], "duty_phone": "0931-1234567", "version": version}
    r = section.put(f"/api/v1/resources/partners/{pid}", json.dumps(put), "application/json")
    assert r.status_code == 200 and r.json()["items"] == []
    r = section.put(f"/api/v1/resources/partners/{pid}", json.dumps(put), "application/json")
    assert r.status_code == 409  # the version it showed is stale now
    event = AuditEvent.objects.filter(verb="resources.partner.updated").latest("pk")
    assert "duty_phone" in event.message and "items" in event.message


# --- print pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_print_pages_have_the_heading_and_signature_lines_and_no_script(as_user):
    duty, section = client_for("duty"), as_user("section")
    Team.objects.filter(specialty="water").update(readiness="ready")
    req = _ask(duty, lines=[(TENT, 20)], teams=[("water", 1)])
    _post(section, f"/api/v1/resources/requests/{req['id']}/approve")
    page = section.get(f"/resources/requests/{req['id']}/print/").content.decode()
    assert "兰州市应急管理局" in page and "应急物资调拨单" in page
    assert req["number"] in page and "接收人(签收)" in page and "<script" not in page
    assert "救灾帐篷" in page and "二、调派队伍与装备" in page
    page = section.get("/resources/stock/print/?region=620123").content.decode()
    assert "应急救援装备及物资储备一表" in page and "<script" not in page
    assert "榆中县" in page and "城关区" not in page.split("物资联动单位")[0]
    assert "负责人" in page and "兰州市红十字会" in page
    assert as_user("enterprise").get(f"/resources/requests/{req['id']}/print/").status_code == 404


# --- a plan's resource requirements (read through plans.selectors) ---------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, name, expected, how",
    [
        (TENT, "任何名称", TENT, "编码"),  # the code wins
        ("ZC-01", "折叠床", "1020299", "名称近似"),  # same name
        (
            "ZP-01",
            "棉帐篷",
            TENT,
            "名称近似",
        ),  # 棉帐篷 ~ 救灾帐篷(12平方米): the last two characters
        ("X-1", "直升机", None, ""),  # nothing alike
    ],
)
def test_a_requirement_is_matched_to_the_catalogue(code, name, expected, how):
    from yingji.resources.models import Item
    from yingji.resources.selectors import match_item

    item, found = match_item(code, name, list(Item.objects.all()))
    assert (item.code if item else None, found) == (expected, how)


@pytest.mark.django_db
def test_plan_coverage_page(as_user):
    from yingji.plans.models import PlanPart

    part = PlanPart.objects.filter(kind="resource", voided=False, name__startswith="折叠床").first()
    assert part is not None  # the demo's 总体预案 lists 折叠床 1,000 张
    section = as_user("section")
    page = section.get(f"/resources/plan-coverage/?plan={part.plan_id}").content.decode()
    assert 'id="plan-coverage"' in page and "折叠床" in page
    held = sum(
        s.quantity - s.reserved
        for s in Stock.objects.filter(item__code="1020299", site__active=True)
    )
    assert f">{held}<" in page.replace(",", "")  # the city plan: every site's stock
    enterprise = as_user("enterprise").get(f"/resources/plan-coverage/?plan={part.plan_id}")
    assert enterprise.status_code == 200  # the plan is readable; the stock counted is its own
    assert f">{held}<" not in enterprise.content.decode().replace(",", "")


@pytest.mark.django_db
def test_partner_pages(as_user):
    section = as_user("section")
    page = section.get("/resources/partners/").content.decode()
    assert 'id="partner-new"' in page and "武警兰州支队" in page
    for who in ("county_a", "leader"):
        assert 'id="partner-new"' not in as_user(who).get("/resources/partners/").content.decode()
        assert as_user(who).get("/resources/partners/new/").status_code == 403
    r = section.post("/resources/partners/new/", {"name": "兰州市水务局", "items": [WATER]})
    assert r.status_code == 200 and "联动保障内容" in r.content.decode()  # 必填, nothing written
    assert not LinkagePartner.objects.filter(name="兰州市水务局").exists()
    r = section.post(
        "/resources/partners/new/",
        {"name": "兰州市水务局", "provides": "城市供水应急保障", "items": [WATER]},
    )
    assert r.status_code == 302
    partner = LinkagePartner.objects.get(name="兰州市水务局")
    assert [i.code for i in partner.items.all()] == [WATER]
    url = f"/resources/partners/{partner.pk}/edit/"
    assert section.get(url).status_code == 200
    r = section.post(
        url,
        {"name": "兰州市水务局", "provides": "城市供水", "version": partner.version, "sort": "9"},
    )
    assert r.status_code == 302
    partner.refresh_from_db()
    assert partner.provides == "城市供水" and partner.sort == 9 and not partner.items.exists()
    assert as_user("county_a").get(url).status_code == 403
