"""The event map layer (MapLayer "events": open events with a location, coloured by the
active response level or the grade, the words beside the colour) and the event page's map of
the resource sites nearby (read through the resources app's selector)."""

from __future__ import annotations

import gzip
import json

import pytest

from yingji.core.hooks import map_layers
from yingji.response import selectors
from yingji.response.models import Event

from .helpers import client_for

pytestmark = pytest.mark.django_db

LEAK = "西固区化工助剂企业储罐区氯气泄漏(演示)"


def _layer(who, **params):
    r = client_for(who).get("/api/v1/response/geojson", params)
    assert r.status_code == 200
    body = gzip.decompress(r.content) if r.get("Content-Encoding") == "gzip" else r.content
    return {f["properties"]["name"]: f for f in json.loads(body)["features"]}


def test_the_layer_shows_open_events_coloured_by_response_level_with_words():
    leak = Event.objects.get(title=LEAK)
    features = _layer("duty")
    f = features[leak.number]
    assert f["properties"]["style"]["color"] == selectors.LEVEL_COLOURS[3]  # Ⅲ级: 黄
    assert "Ⅲ级响应" in f["properties"]["label"] and "较大事故" in f["properties"]["label"]
    assert f["properties"]["url"] == leak.get_absolute_url()
    closed = Event.objects.filter(state="closed").values_list("number", flat=True)
    assert not set(closed) & set(features)


def test_the_layer_is_restricted_like_the_events():
    leak = Event.objects.get(title=LEAK)
    assert leak.number in _layer("xigu_staff")
    assert leak.number not in _layer("chengguan_staff")  # 城关 sees no 西固 event
    r = client_for("ent_user").get("/api/v1/response/geojson")
    assert r.status_code == 200
    body = gzip.decompress(r.content) if r.get("Content-Encoding") == "gzip" else r.content
    assert json.loads(body)["features"] == []
    assert leak.number not in _layer("duty", district="620102")


def test_the_layer_is_declared_for_the_maps_to_those_who_open_the_module():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    assert "events" in [x["key"] for x in map_layers(users.get(username="duty"))]
    assert "events" not in [x["key"] for x in map_layers(users.get(username="ent_user"))]


def test_the_event_page_maps_the_nearby_sites_through_the_resources_selector():
    from yingji.resources.selectors import visible_sites

    leak = Event.objects.get(title=LEAK)
    user = client_for("duty")
    data = selectors.event_map(leak, user=_user("duty"), radius_km=30)
    assert data["event"]["lon"] == leak.lon
    visible = set(visible_sites(_user("duty")).values_list("name", flat=True))
    assert {s["name"] for s in data["sites"]} <= visible
    assert [s["distance_km"] for s in data["sites"]] == sorted(
        s["distance_km"] for s in data["sites"]
    )
    assert all(s["distance_km"] <= 30 for s in data["sites"])
    html = user.get(leak.get_absolute_url()).content.decode()
    assert 'id="event-map"' in html and 'id="nearby-sites"' in html
    without = Event.objects.filter(lon__isnull=True).first()
    if without is not None:
        assert selectors.event_map(without, _user("duty")) is None


def _user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def test_the_event_map_counts_each_kind_within_the_chosen_radius_as_the_user_sees_it():
    from yingji.enterprises.selectors import visible_enterprises

    leak = Event.objects.get(title=LEAK)
    wide = selectors.event_map(leak, _user("duty"), radius_km=50)
    narrow = selectors.event_map(leak, _user("duty"), radius_km=1)
    keys = ["enterprises", "hazards", "shelters", "sites", "teams"]
    assert [k["key"] for k in wide["kinds"]] == keys
    for w, n in zip(wide["kinds"], narrow["kinds"], strict=True):
        assert n["count"] <= w["count"]
        assert all(p["distance_km"] <= 1 for p in n["items"])
        assert [p["distance_km"] for p in w["items"]] == sorted(
            p["distance_km"] for p in w["items"]
        )
    counts = {k["key"]: k["count"] for k in wide["kinds"]}
    # the leak is at a 西固 demo enterprise with a major hazard: both are found at 0 km
    ents = {k["key"]: k for k in narrow["kinds"]}["enterprises"]["items"]
    assert leak.enterprise.name in [p["name"] for p in ents] and ents[0]["distance_km"] == 0
    assert counts["enterprises"] >= len(ents)
    assert counts["hazards"] >= 1 and counts["shelters"] + counts["sites"] + counts["teams"] >= 1
    # a county sees only its own enterprises (the enterprises app's selector decides)
    county = selectors.event_map(leak, _user("xigu_staff"), radius_km=50)
    seen = set(
        visible_enterprises(_user("xigu_staff")).values_list("organisation__name", flat=True)
    )
    county_ents = {k["key"]: k for k in county["kinds"]}["enterprises"]["items"]
    assert {p["name"] for p in county_ents} <= seen


@pytest.mark.parametrize(("value", "radius"), [("1", 1), ("50", 50), ("7", 5), ("x", 5), (None, 5)])
def test_the_radius_picker_takes_only_the_offered_radii(value, radius):
    assert selectors.map_radius(value) == radius


def test_the_event_page_shows_the_chosen_radius_and_the_counts():
    leak = Event.objects.get(title=LEAK)
    html = client_for("duty").get(leak.get_absolute_url(), {"radius": "20"}).content.decode()
    assert "半径 20 公里" in html and '<option value="20" selected>' in html
    counts = html.split('id="nearby-counts"')[1].split("</span></form>")[0]
    for label in ("企业", "重大危险源", "应急避难场所", "应急物资储备库(点)", "救援队伍"):
        assert label in counts


def test_supply_requests_naming_the_event_are_listed_on_it():
    import datetime as dt

    from django.utils import timezone

    from .helpers import post

    leak = Event.objects.get(title=LEAK)
    body = {
        "destination": "西固区测试集结点",
        "lon": 103.63,
        "lat": 36.1,
        "needed_by": (timezone.now() + dt.timedelta(hours=4)).isoformat(),
        "event": f"{leak.number} 氯气泄漏",
        "reason": "现场洗消(测试)",
        "lines": [{"item": "1010199", "quantity": 2}],
    }
    duty = client_for("duty")
    r = post(duty, "/api/v1/resources/requests", body)
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    other = post(duty, "/api/v1/resources/requests", body | {"event": "别的事件(测试)"})
    assert other.status_code == 201
    html = duty.get(leak.get_absolute_url()).content.decode()
    listed = html.split('id="supply-request-list"')[1].split("</ul>")[0]
    assert number in listed and other.json()["number"] not in listed
    assert 'id="supply-request-link"' in html
    assert 'id="supply-request-link"' not in client_for("leader").get(leak.get_absolute_url()).text
