"""协议储备 as dispatchable stock (offered when the physical stock falls short, valid on the
needed-by day, counted separately, called off at approval against the agreement's remaining
quantity, never over-called by two approvers at once), arrival per line (partial arrivals, the
request 已签收 when all arrived) and in-transit positions (entered, or through the API with a
personal token; the latest on the request map and the 在途调度 layer)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F, Sum
from django.test import Client
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.models import APIToken, AuditEvent, hash_token
from yingji.resources import services
from yingji.resources.allocation import Offer, propose_calls
from yingji.resources.models import (
    Agreement,
    AgreementCall,
    AgreementLine,
    Allocation,
    Item,
    Stock,
    SupplyRequest,
    TransitPosition,
)
from yingji.resources.schemas import DecisionIn, RequestIn

from .helpers import TENT, client_for, race

YUZHONG_POINT = {"lon": 104.12, "lat": 35.86}
D = dt.date(2030, 6, 1)


def _post(client, url, data=None, **extra):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **extra)


# --- the pure call-off proposal --------------------------------------------------------------


def o(pk, remaining, hours, *, item="T", start=D, until=D, lon=None):
    return Offer(pk, item, remaining, hours, start, until, lon, None if lon is None else 35.85)


@pytest.mark.parametrize(
    "shortfall, offers, expected, left",
    [
        # the fastest agreement first, then the next; splits across agreements
        ({"T": 150}, [o(1, 100, 24), o(2, 100, 4)], [(2, 100), (1, 50)], {}),
        # not valid on the needed-by day: not offered (ended the day before / starts the day after)
        (
            {"T": 50},
            [o(1, 100, 2, until=D - dt.timedelta(days=1)), o(2, 100, 2, start=D + dt.timedelta(1))],
            [],
            {"T": 50},
        ),
        # valid on the day itself (first and last day count)
        ({"T": 50}, [o(1, 100, 2, start=D, until=D)], [(1, 50)], {}),
        # nothing left on an agreement: skipped; what nothing covers stays short
        ({"T": 80}, [o(1, 0, 1), o(2, 30, 8)], [(2, 30)], {"T": 50}),
        # no agreed response time: after those with one
        ({"T": 120}, [o(1, 100, None), o(2, 100, 48)], [(2, 100), (1, 20)], {}),
        # the same response time: the nearer first
        ({"T": 10}, [o(1, 100, 4, lon=103.0), o(2, 100, 4, lon=104.0)], [(2, 10)], {}),
        # another item's agreement does not count
        ({"T": 10}, [o(1, 100, 1, item="W")], [], {"T": 10}),
    ],
)
def test_call_proposal(shortfall, offers, expected, left):
    p = propose_calls(shortfall, offers, needed_on=D, lon=104.11, lat=35.85)
    assert [(leg.agreement, leg.quantity) for leg in p.legs] == expected
    assert p.shortfall == left


# --- through the services and the API ---------------------------------------------------------


def _available(code: str) -> int:
    got = Stock.objects.filter(item__code=code, site__active=True).aggregate(
        n=Sum(F("quantity") - F("reserved"))
    )
    return got["n"] or 0


def _agreement(code: str, quantity: int, **extra) -> Agreement:
    from yingji.geo.models import Region
    from yingji.orgs.models import Organisation

    today = timezone.localdate()
    values = {
        "title": "测试协议储备",
        "kind": "supplies",
        "partner": "测试商户",
        "content": "测试",
        "response_hours": 6,
        "valid_from": today - dt.timedelta(days=10),
        "valid_until": today + dt.timedelta(days=100),
        "level": "city",
        "owner": Organisation.objects.get(code="LZYJJ-JYYA"),
        "region": Region.objects.get(code="620102"),
        "lon": 103.84,
        "lat": 36.05,
        **extra,
    }
    with actor_context(None, source="test", label="fixture"):
        agreement = Agreement.objects.create(**values)
        AgreementLine.objects.create(
            agreement=agreement, item=Item.objects.get(code=code), quantity=quantity
        )
    return agreement


def _line(agreement) -> AgreementLine:
    """The agreement's only line (协议储备明细), as it is now."""
    return AgreementLine.objects.get(agreement=agreement)


def _shut_demo_agreements():
    """The demo's tent agreement ended yesterday: the tests' own agreements are the only ones."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Agreement.objects.filter(lines__item__code=TENT).update(valid_until=yesterday)


def _ask(client, lines, *, needed_by=None):
    needed_by = needed_by or (timezone.now() + dt.timedelta(hours=8)).isoformat()
    r = _post(
        client,
        "/api/v1/resources/requests",
        {
            "destination": "榆中县城关镇安置点",
            **YUZHONG_POINT,
            "needed_by": needed_by,
            "reason": "暴雨转移安置群众",
            "lines": [{"item": i, "quantity": q} for i, q in lines],
        },
    )
    assert r.status_code == 201, r.content
    return r.json()


@pytest.mark.django_db
def test_agreement_stock_covers_the_shortfall_and_is_called_off(as_user):
    """Tents beyond every site's available stock: the proposal takes all the stock and offers
    the rest from agreements (the demo's tent agreement, valid, 12 h), counted apart; approval
    records the call-off against the agreement's remaining quantity; dispatch puts it on the
    road; it arrives with the rest."""
    duty, section = client_for("duty"), as_user("section")
    _shut_demo_agreements()
    agreement = _agreement(TENT, 300)
    stock = _available(TENT)
    req = _ask(duty, [(TENT, stock + 120)])
    url = f"/api/v1/resources/requests/{req['id']}"
    proposal = duty.get(f"{url}/proposal").json()
    assert sum(leg["quantity"] for leg in proposal["legs"]) == stock
    assert proposal["stock_shortfall"] == {TENT: 120}
    assert [(c["agreement_id"], c["quantity"]) for c in proposal["calls"]] == [(agreement.pk, 120)]
    assert proposal["shortfall"] == {} and proposal["complete"]
    page = duty.get(f"/resources/requests/{req['id']}/").content.decode()
    assert 'id="call-table"' in page and "测试商户" in page and 'id="shortfall"' not in page

    r = _post(section, f"{url}/approve")
    assert r.status_code == 200, r.content
    body = r.json()
    assert [(c["agreement_id"], c["quantity"], c["state"]) for c in body["calls"]] == [
        (agreement.pk, 120, "called")
    ]
    assert (_line(agreement).called, _line(agreement).remaining) == (120, 180)
    event = AuditEvent.objects.filter(verb="resources.request.approved", object_id=str(req["id"]))
    assert "调用协议储备:测试商户" in event.get().message
    page = section.get(agreement.get_absolute_url()).content.decode()
    assert 'id="agreement-calls"' in page and req["number"] in page
    assert '<td class="text-end">120</td><td class="text-end">180</td>' in page  # 已调用, 剩余
    # a second request sees only what is left of the agreement
    other = _ask(duty, [(TENT, 500)])
    again = duty.get(f"/api/v1/resources/requests/{other['id']}/proposal").json()
    assert [(c["agreement_id"], c["quantity"]) for c in again["calls"]] == [(agreement.pk, 180)]
    assert again["stock_shortfall"] == {TENT: 500} and again["shortfall"] == {TENT: 320}

    r = _post(section, f"{url}/dispatch")
    assert [c["state"] for c in r.json()["calls"]] == ["dispatched"]
    r = _post(duty, f"{url}/receive")
    assert r.json()["state"] == "received"
    assert [c["state"] for c in r.json()["calls"]] == ["arrived"]
    assert all(a["arrived_at"] for a in r.json()["allocations"])


@pytest.mark.django_db
def test_expired_agreement_is_not_offered_and_cancel_releases_a_call(as_user):
    duty, section = client_for("duty"), as_user("section")
    _shut_demo_agreements()
    today = timezone.localdate()
    # ends before the needed-by day: not offered
    short = _agreement(TENT, 500, valid_until=today + dt.timedelta(days=1))
    stock = _available(TENT)
    later = (timezone.now() + dt.timedelta(days=3)).isoformat()
    req = _ask(duty, [(TENT, stock + 10)], needed_by=later)
    p = duty.get(f"/api/v1/resources/requests/{req['id']}/proposal").json()
    assert p["calls"] == [] and p["shortfall"] == {TENT: 10}
    r = _post(section, f"/api/v1/resources/requests/{req['id']}/approve")
    assert r.status_code == 422 and "含协议储备" in r.json()["message"]
    assert not AgreementCall.objects.exists()

    # a valid one is called off at approval and given back on cancellation
    Agreement.objects.filter(pk=short.pk).update(valid_until=today - dt.timedelta(days=1))
    good = _agreement(TENT, 40, title="测试协议储备二")
    req = _ask(duty, [(TENT, stock + 25)])
    r = _post(section, f"/api/v1/resources/requests/{req['id']}/approve")
    assert r.status_code == 200, r.content
    assert _line(good).called == 25
    r = _post(section, f"/api/v1/resources/requests/{req['id']}/cancel", {"note": "险情解除"})
    assert r.status_code == 200 and r.json()["calls"][0]["state"] == "released"
    assert _line(good).called == 0


@pytest.mark.django_db
def test_agreement_cannot_be_cut_below_what_was_called(as_user):
    section = as_user("section")
    agreement = _agreement(TENT, 100)
    AgreementLine.objects.filter(agreement=agreement).update(called=60)
    agreement.refresh_from_db()
    payload = {
        "title": agreement.title,
        "kind": "supplies",
        "partner": agreement.partner,
        "content": "测试",
        "valid_from": str(agreement.valid_from),
        "valid_until": str(agreement.valid_until),
        "level": "city",
        "region": "620102",
        "item": TENT,
        "quantity": 50,
        "version": agreement.version,
    }
    r = section.put(
        f"/api/v1/resources/agreements/{agreement.pk}",
        json.dumps(payload),
        content_type="application/json",
    )
    assert r.status_code == 422 and "已调用 60" in r.json()["message"]
    r = section.put(
        f"/api/v1/resources/agreements/{agreement.pk}",
        json.dumps({**payload, "quantity": 80}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["remaining"] == 20
    # item and quantity go together
    r = _post(section, "/api/v1/resources/agreements", {**payload, "quantity": None})
    assert r.status_code == 422 and "须同时填写" in json.dumps(r.json(), ensure_ascii=False)


@pytest.mark.django_db(transaction=True)
def test_two_approvals_cannot_over_call_an_agreement(reference_data):
    """An item no site holds, one agreement with 100 left; two requests for 60 each approved
    at once (two threads, two connections): one calls off 60, the other is refused; the
    agreement's called quantity is 60, never 120 (SQLite and PostgreSQL)."""
    users = {u.username: u for u in get_user_model().objects.all()}
    duty = users["duty"]
    held = Stock.objects.filter(quantity__gt=0).values_list("item_id", flat=True)
    item = Item.objects.exclude(pk__in=held).order_by("code").first()
    agreement = _agreement(item.code, 100)
    requests = []
    for n in range(2):
        with actor_context(duty, source="test"):
            requests.append(
                services.do_create_request(
                    actor=duty,
                    data=RequestIn(
                        destination=f"榆中县安置点{n}",
                        **YUZHONG_POINT,
                        needed_by=timezone.now() + dt.timedelta(hours=8),
                        reason="测试",
                        lines=[{"item": item.code, "quantity": 60}],
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
    assert "缺 20" in refusal or "剩余数量已变动" in refusal
    assert _line(agreement).called == 60
    assert AgreementCall.objects.filter(agreement=agreement).aggregate(n=Sum("quantity"))["n"] == 60
    states = sorted(
        SupplyRequest.objects.filter(pk__in=[r.pk for r in requests]).values_list(
            "state", flat=True
        )
    )
    assert states == ["approved", "submitted"]


# --- arrival per line and positions ----------------------------------------------------------


def _dispatched(duty, section, lines):
    req = _ask(duty, lines)
    url = f"/api/v1/resources/requests/{req['id']}"
    assert _post(section, f"{url}/approve").status_code == 200
    r = _post(section, f"{url}/dispatch")
    assert r.status_code == 200
    return r.json(), url


@pytest.mark.django_db
def test_partial_arrivals_then_received(as_user):
    duty, section = client_for("duty"), as_user("section")
    stock = _available(TENT)
    req, url = _dispatched(duty, section, [(TENT, min(stock, 3000))])
    allocations = [a["id"] for a in req["allocations"]]
    assert len(allocations) >= 2  # split across sites
    first, rest = allocations[0], allocations[1:]
    r = _post(duty, f"{url}/arrival", {"allocations": [first], "note": "首批到达"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "dispatched"  # the rest is still on the road
    arrived = {a["id"]: a["arrived_at"] for a in body["allocations"]}
    assert arrived[first] and not any(arrived[a] for a in rest)
    # the same line again, or another request's line: refused, nothing changed
    r = _post(duty, f"{url}/arrival", {"allocations": [first]})
    assert r.status_code == 422 and "已登记到达" in r.json()["message"]
    foreign = Allocation.objects.exclude(request_id=req["id"]).values_list("pk", flat=True).first()
    if foreign:
        r = _post(duty, f"{url}/arrival", {"allocations": [foreign]})
        assert r.status_code == 422
    r = _post(duty, f"{url}/arrival", {})
    assert r.status_code == 422
    # the leader may not confirm arrivals
    assert _post(as_user("leader"), f"{url}/arrival", {"allocations": rest}).status_code == 403
    page = duty.get(f"/resources/requests/{req['id']}/").content.decode()
    assert 'id="arrival-form"' in page and f'value="{rest[0]}"' in page
    assert f'name="allocations" value="{first}"' not in page
    r = _post(duty, f"{url}/arrival", {"allocations": rest})
    assert r.json()["state"] == "received"
    events = AuditEvent.objects.filter(verb="resources.request.arrived", object_id=str(req["id"]))
    assert [e.data.get("complete") for e in events.order_by("pk")] == [False, True]
    assert "首批到达" in events.order_by("pk").first().message


@pytest.mark.django_db
def test_positions_by_form_and_token_on_the_map_layer(as_user):
    duty, section = client_for("duty"), as_user("section")
    req, url = _dispatched(duty, section, [(TENT, 10)])
    # entered on the page (duty officer)
    r = duty.post(
        f"/resources/requests/{req['id']}/position/",
        {"lon": "103.95", "lat": "35.95", "carrier": "甘A12345"},
    )
    assert r.status_code == 302
    # sent through the API with the driver's personal token (no session)
    user = get_user_model().objects.get(username="duty")
    key = APIToken.generate_key()
    with actor_context(user, source="test"):
        APIToken.objects.create(
            user=user, name="押运手机", key_prefix=key[:10], key_hash=hash_token(key)
        )
    driver = Client()
    earlier = (timezone.now() - dt.timedelta(minutes=30)).isoformat()
    later = timezone.now().isoformat()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    r = _post(
        driver, f"{url}/positions", {"lon": 104.05, "lat": 35.90, "reported_at": later}, **auth
    )
    assert r.status_code == 201, r.content
    assert r.json()["via_api"] is True
    # an older fix sent late does not become the latest
    r = _post(
        driver, f"{url}/positions", {"lon": 103.9, "lat": 35.99, "reported_at": earlier}, **auth
    )
    assert r.status_code == 201
    got = duty.get(url).json()["last_position"]
    assert (got["lon"], got["lat"]) == (104.05, 35.9)
    # the 在途调度 layer (the command map and the risk map read it) shows the latest fix
    fc = duty.get("/api/v1/resources/transit/geojson").json()
    mine = [f for f in fc["features"] if f["properties"]["id"] == req["id"]]
    assert [f["geometry"]["coordinates"] for f in mine] == [[104.05, 35.9]]
    # the command map's 在途调度 panel (command app) shows it under the request
    panels = duty.get("/api/v1/command/panels").json()["panels"]
    rows = next(p["rows"] for p in panels if p["key"] == "dispatch")
    row = next(r for r in rows if r["number"] == req["number"])
    assert (row["position"]["lon"], row["position"]["carrier"]) == (104.05, "")
    # the request page map gets the latest position and the track in time order
    page = duty.get(f"/resources/requests/{req['id']}/").content.decode()
    data = json.loads(page.split('id="request-map-data" type="application/json">')[1].split("<")[0])
    assert data["position"]["lon"] == 104.05
    assert data["track"] == [[103.9, 35.99], [103.95, 35.95], [104.05, 35.9]]
    # refused: a fix in the future, the leader, an enterprise (404), after receipt
    future = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    r = _post(duty, f"{url}/positions", {"lon": 104, "lat": 35.9, "reported_at": future})
    assert r.status_code == 422
    assert (
        _post(as_user("leader"), f"{url}/positions", {"lon": 104, "lat": 35.9}).status_code == 403
    )
    assert (
        _post(as_user("enterprise"), f"{url}/positions", {"lon": 104, "lat": 35.9}).status_code
        == 404
    )
    assert TransitPosition.objects.filter(request_id=req["id"]).count() == 3
    _post(duty, f"{url}/receive")
    r = _post(duty, f"{url}/positions", {"lon": 104, "lat": 35.9})
    assert r.status_code == 422 and "签收前" in r.json()["message"]
    fc = duty.get("/api/v1/resources/transit/geojson").json()
    assert req["id"] not in [f["properties"]["id"] for f in fc["features"]]


# --- the 一图: its layer's declared shape, and printing ----------------------------------------


@pytest.mark.django_db
def test_sites_layer_matches_its_declared_shape_and_the_visible_sites(as_user):
    """The layer is written as JSON directly (speed): it must still be what the API declares,
    and hold exactly the active sites the user may see, with their stock totals."""
    from yingji.resources.api import LayerOut
    from yingji.resources.selectors import visible_sites

    for persona in ("city_admin", "county_a", "enterprise"):
        client = as_user(persona)
        r = client.get("/api/v1/resources/geojson")
        assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
        layer = LayerOut.model_validate(r.json())
        me = get_user_model().objects.get(pk=int(client.session["_auth_user_id"]))
        sites = visible_sites(me).filter(active=True)
        assert {f.properties["id"] for f in layer.features} == set(
            sites.values_list("pk", flat=True)
        )
        some = layer.features[0].properties
        total = Stock.objects.filter(site_id=some["id"]).aggregate(n=Sum("quantity"))["n"] or 0
        assert some["total"] == total
        assert some["url"] == f"/resources/sites/{some['id']}/"


@pytest.mark.django_db
def test_map_page_prints(as_user):
    from django.contrib.staticfiles import finders

    page = as_user("leader").get("/resources/map/").content.decode()
    assert 'id="print-map"' in page and 'id="map-print-head"' in page
    assert "resources/map-print.css" in page
    css = open(finders.find("resources/map-print.css"), encoding="utf-8").read()
    assert "@media print" in css and "#map-filters" in css


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["teams", "shelters"])
def test_teams_and_shelters_layers_of_the_map(as_user, kind):
    from yingji.resources.models import Shelter, Team
    from yingji.resources.selectors import visible_records

    model = {"teams": Team, "shelters": Shelter}[kind]
    for persona in ("city_admin", "county_a"):
        client = as_user(persona)
        me = get_user_model().objects.get(pk=int(client.session["_auth_user_id"]))
        r = client.get(f"/api/v1/resources/map/{kind}")
        assert r.status_code == 200, r.content
        got = {f["properties"]["id"] for f in r.json()["features"]}
        want = visible_records(model, me).filter(lon__isnull=False).values_list("pk", flat=True)
        assert got == set(want) and got
    page = as_user("leader").get("/resources/map/").content.decode()
    assert f'data-{kind}-layer="/api/v1/resources/map/{kind}"' in page


# --- agreements holding several items (协议储备明细) --------------------------------------------

BED = "1020299"


def _agreement_payload(**extra) -> dict:
    today = timezone.localdate()
    return {
        "title": "多品种协议储备",
        "kind": "supplies",
        "partner": "多品种商户",
        "content": "帐篷、折叠床代储",
        "response_hours": 10,
        "valid_from": str(today - dt.timedelta(days=5)),
        "valid_until": str(today + dt.timedelta(days=200)),
        "level": "city",
        "region": "620102",
        "lon": 103.84,
        "lat": 36.05,
        **extra,
    }


@pytest.mark.django_db
def test_an_agreement_holds_several_items_each_called_off_on_its_own_line(as_user):
    """Tents and folding beds on one agreement (beds with their own 4 h): a request short of
    both calls off each line, with that line's response time; the API lists the lines; a
    cancellation gives each line back."""
    duty, section = client_for("duty"), as_user("section")
    _shut_demo_agreements()
    Agreement.objects.filter(lines__item__code=BED).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    lines = [
        {"item": TENT, "quantity": 200},
        {"item": BED, "quantity": 100, "response_hours": 4},
    ]
    r = _post(section, "/api/v1/resources/agreements", _agreement_payload(lines=lines))
    assert r.status_code == 201, r.content
    body = r.json()
    assert [(li["item"], li["quantity"], li["response_hours"]) for li in body["lines"]] == [
        (TENT, 200, None),
        (BED, 100, 4),
    ]
    assert body["item"] is None and body["quantity"] is None  # the one-item fields: not one
    agreement = Agreement.objects.get(pk=body["id"])
    tent_line, bed_line = agreement.lines.order_by("item__code")

    req = _ask(duty, [(TENT, _available(TENT) + 30), (BED, _available(BED) + 20)])
    url = f"/api/v1/resources/requests/{req['id']}"
    proposal = duty.get(f"{url}/proposal").json()
    calls = {(c["line_id"], c["item"], c["quantity"], c["eta_hours"]) for c in proposal["calls"]}
    assert calls == {(tent_line.pk, TENT, 30, 10.0), (bed_line.pk, BED, 20, 4.0)}
    assert proposal["complete"]
    r = _post(section, f"{url}/approve")
    assert r.status_code == 200, r.content
    tent_line.refresh_from_db()
    bed_line.refresh_from_db()
    assert (tent_line.called, bed_line.called) == (30, 20)
    assert {(c["line_id"], c["quantity"]) for c in r.json()["calls"]} == {
        (tent_line.pk, 30),
        (bed_line.pk, 20),
    }
    page = section.get(agreement.get_absolute_url()).content.decode()
    assert 'id="agreement-lines"' in page and "折叠床" in page
    r = _post(section, f"{url}/cancel", {"note": "险情解除"})
    assert r.status_code == 200
    assert list(agreement.lines.order_by("item__code").values_list("called", flat=True)) == [0, 0]


@pytest.mark.django_db
def test_the_one_item_form_of_the_api_still_registers_one_line(as_user):
    section = as_user("section")
    r = _post(section, "/api/v1/resources/agreements", _agreement_payload(item=TENT, quantity=70))
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["item"], body["quantity"], body["called"], body["remaining"]) == (TENT, 70, 0, 70)
    assert [(li["item"], li["quantity"]) for li in body["lines"]] == [(TENT, 70)]
    # both forms at once, or the same item twice: refused, nothing written
    before = Agreement.objects.count()
    for bad in (
        _agreement_payload(item=TENT, quantity=5, lines=[{"item": BED, "quantity": 5}]),
        _agreement_payload(lines=[{"item": TENT, "quantity": 5}, {"item": TENT, "quantity": 6}]),
        _agreement_payload(lines=[{"item": "9999999", "quantity": 5}]),
        _agreement_payload(lines=[{"item": TENT, "quantity": 0}]),
    ):
        r = _post(section, "/api/v1/resources/agreements", bad)
        assert r.status_code == 422, (bad, r.content)
    assert Agreement.objects.count() == before


@pytest.mark.django_db
def test_a_called_line_cannot_be_removed_and_lines_are_edited_on_the_form(as_user):
    section = as_user("section")
    agreement = _agreement(TENT, 100)
    AgreementLine.objects.filter(agreement=agreement).update(called=10)
    agreement.refresh_from_db()
    form = {
        "title": agreement.title,
        "kind": "supplies",
        "partner": agreement.partner,
        "content": "测试",
        "valid_from": str(agreement.valid_from),
        "valid_until": str(agreement.valid_until),
        "level": "city",
        "region": "620102",
        "version": agreement.version,
        "line_item": [BED, "", ""],
        "line_quantity": ["40", "", ""],
        "line_hours": ["6", "", ""],
    }
    url = f"/resources/agreements/{agreement.pk}/edit/"
    page = section.get(url).content.decode()
    assert 'name="line_item"' in page and 'name="item"' not in page
    r = section.post(url, form, follow=True)
    assert "已被调用过,不能从协议中删除" in r.content.decode()
    assert list(agreement.lines.values_list("item__code", "quantity")) == [(TENT, 100)]
    form.update(
        line_item=[TENT, BED, ""], line_quantity=["100", "40", ""], line_hours=["", "6", ""]
    )
    r = section.post(url, form, follow=True)
    assert "已保存" in r.content.decode(), r.content.decode()[:3000]
    assert sorted(agreement.lines.values_list("item__code", "quantity", "response_hours")) == [
        (TENT, 100, None),
        (BED, 40, 6),
    ]
    event = AuditEvent.objects.filter(verb="resources.agreement.updated").latest("pk")
    assert "新增折叠床 40" in event.message
