"""Requests and dispatch end to end through the API: a duty officer asks, the city approves
(the proposal reserved), dispatches (出库 movements), the requester confirms receipt; the
timeline is audited; refusals change nothing; reservations are respected by other issues."""

from __future__ import annotations

import json

import pytest

from yingji.core.models import AuditEvent
from yingji.resources.models import Allocation, Movement, Stock, SupplyRequest

from .helpers import TENT, YUZHONG, balance, client_for, move

pytestmark = pytest.mark.django_db

YUZHONG_POINT = {"lon": 104.12, "lat": 35.86}


def _post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def _ask(client, quantity=50, item=TENT):
    r = _post(
        client,
        "/api/v1/resources/requests",
        {
            "destination": "榆中县城关镇安置点",
            **YUZHONG_POINT,
            "needed_by": "2030-01-01T08:00:00+08:00",
            "reason": "安置转移群众",
            "lines": [{"item": item, "quantity": quantity}],
        },
    )
    assert r.status_code == 201, r.content
    return r.json()


def _reserved(site_code, item=TENT):
    return Stock.objects.get(site__code=site_code, item__code=item).reserved


def test_ask_approve_dispatch_receive(as_user):
    duty, section = client_for("duty"), as_user("section")
    req = _ask(duty)
    assert req["state"] == "submitted" and req["region"].startswith("620123")
    url = f"/api/v1/resources/requests/{req['id']}"
    proposal = duty.get(f"{url}/proposal").json()
    assert proposal["complete"] and proposal["legs"][0]["site"] == YUZHONG  # county first
    assert _post(duty, f"{url}/approve").status_code == 403
    before, reserved = balance(YUZHONG, TENT), _reserved(YUZHONG)
    r = _post(section, f"{url}/approve", {"note": "同意"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "approved" and r.json()["allocations"][0]["site"] == YUZHONG
    assert _reserved(YUZHONG) == reserved + 50 and balance(YUZHONG, TENT) == before
    assert _post(section, f"{url}/approve").status_code == 409
    r = _post(section, f"{url}/dispatch")
    assert r.status_code == 200 and r.json()["state"] == "dispatched"
    assert balance(YUZHONG, TENT) == before - 50 and _reserved(YUZHONG) == reserved
    number = r.json()["number"]
    assert Movement.objects.filter(document_no=number, kind="out").count() >= 1
    r = _post(duty, f"{url}/receive", {"note": "已清点无误"})
    assert r.status_code == 200 and r.json()["state"] == "received"
    verbs = list(
        AuditEvent.objects.filter(object_id=str(req["id"]), verb__startswith="resources.request")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "resources.request.submitted",
        "resources.request.approved",
        "resources.request.dispatched",
        "resources.request.received",
    ]
    page = duty.get(f"/resources/requests/{req['id']}/").content.decode()
    assert "已清点无误" in page and "已签收" in page


def test_a_reservation_holds_stock_against_other_issues(as_user, persona):
    duty, section = client_for("duty"), as_user("section")
    have = balance(YUZHONG, TENT) - _reserved(YUZHONG)
    req = _ask(duty, quantity=have)
    r = _post(section, f"/api/v1/resources/requests/{req['id']}/approve")
    assert r.status_code == 200
    sites = {a["site"] for a in r.json()["allocations"]}
    assert sites == {YUZHONG}
    with pytest.raises(Exception, match="已为调运预留"):
        move(persona("city_admin"), YUZHONG, kind="out", item=TENT, quantity=1)
    r = _post(section, f"/api/v1/resources/requests/{req['id']}/cancel", {"note": "灾情解除"})
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    assert Allocation.objects.filter(request_id=req["id"], state="released").exists()
    move(persona("city_admin"), YUZHONG, kind="out", item=TENT, quantity=1)


def test_a_request_the_reserves_cannot_cover_is_not_approved(as_user):
    duty, section = client_for("duty"), as_user("section")
    total = sum(s.quantity - s.reserved for s in Stock.objects.filter(item__code=TENT))
    req = _ask(duty, quantity=total + 1)
    proposal = duty.get(f"/api/v1/resources/requests/{req['id']}/proposal").json()
    assert proposal["shortfall"] == {TENT: 1}
    reserved = sum(Stock.objects.filter(item__code=TENT).values_list("reserved", flat=True))
    r = _post(section, f"/api/v1/resources/requests/{req['id']}/approve")
    assert r.status_code == 422 and "缺 1 顶" in r.json()["message"]
    assert sum(Stock.objects.filter(item__code=TENT).values_list("reserved", flat=True)) == reserved
    assert SupplyRequest.objects.get(pk=req["id"]).state == "submitted"
    assert not Allocation.objects.filter(request_id=req["id"]).exists()


def test_who_sees_and_asks(as_user):
    req = _ask(client_for("duty"))
    url = f"/api/v1/resources/requests/{req['id']}"
    assert as_user("county_b").get(url).status_code == 404  # 城关 does not see 榆中's
    assert as_user("leader").get(url).status_code == 200
    assert as_user("enterprise").get(url).status_code == 404
    assert _post(as_user("leader"), "/api/v1/resources/requests", {}).status_code in (403, 422)
    page = as_user("section").get(f"/resources/requests/{req['id']}/").content.decode()
    assert 'id="btn-approve"' in page
    assert (
        'id="btn-approve"'
        not in client_for("duty").get(f"/resources/requests/{req['id']}/").content.decode()
    )


def test_the_demo_request_is_in_progress(as_user):
    demo = SupplyRequest.objects.get(is_demo=True)
    assert demo.state == "approved" and demo.allocations.filter(state="reserved").exists()
    page = client_for("duty").get(demo.get_absolute_url()).content.decode()
    assert "榆中县马坡乡" in page and "审批物资需求" in page
