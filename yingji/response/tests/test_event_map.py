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
