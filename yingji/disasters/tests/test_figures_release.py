"""Release of a process's figures only through 应急响应's one-window release (T35): the process
is linked to an event by its number, the draft carries the confirmed (已审核) roll-up only and
follows the release's own approval path."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from yingji.disasters.models import DisasterProcess
from yingji.response.models import Event, Release

pytestmark = pytest.mark.django_db


def _client(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _process():
    return DisasterProcess.objects.get(name__endswith="暴雨山洪灾害(演示)")


def _event() -> Event:
    received = timezone.now() - dt.timedelta(hours=1)
    body = {
        "title": "测试暴雨山洪灾害事件",
        "event_type": "NAT-QUAKE",
        "occurred_at": (received - dt.timedelta(minutes=10)).isoformat(),
        "received_at": received.isoformat(),
        "place": "城关区测试地点",
        "county": "620102",
        "description": "测试用的事件概况。",
    }
    r = _post(_client("duty"), "/api/v1/response/events", body)
    assert r.status_code == 201, r.content
    return Event.objects.get(pk=r.json()["id"])


def test_figures_go_out_only_through_the_linked_events_release_path():
    process = _process()
    url = f"/api/v1/disasters/processes/{process.pk}"
    # no event yet: refused, nothing drafted
    before = Release.objects.count()
    r = _post(_client("duty"), f"{url}/releases", {})
    assert r.status_code == 409 and "关联突发事件" in r.json()["message"]
    event = _event()
    bad = _post(_client("whk_staff"), f"{url}/event", {"number": "SJ-19990101-999"})
    assert bad.status_code == 422 and Release.objects.count() == before
    linked = _post(_client("whk_staff"), f"{url}/event", {"number": event.number})
    assert linked.status_code == 200 and linked.json()["event"] == event.number
    # the leader reads only; a county may not draft the city's release
    assert _post(_client("leader"), f"{url}/releases", {}).status_code == 403
    assert _post(_client("xigu_staff"), f"{url}/releases", {}).status_code == 403
    r = _post(_client("duty"), f"{url}/releases", {"kind": "first"})
    assert r.status_code == 201, r.content
    release = Release.objects.get(pk=r.json()["id"])
    assert release.event_id == event.pk and release.state == "reviewing"
    assert process.name in release.title
    # confirmed figures only: 西固 1020+510 and 城关's confirmed 初报 300; 城关's 续报 (+40)
    # waits for the city and is not in the text
    assert "1830人次受灾" in release.content and "1870" not in release.content
    assert "马福贵" not in release.content and "刘秀英" not in release.content  # no names
    # the release's own path: 政策法规科 reviews it (response's service and permissions)
    step = _post(
        _client("zcfg_staff"),
        f"/api/v1/response/releases/{release.pk}/review",
        {"approve": True, "version": release.version},
    )
    assert step.status_code == 200 and step.json()["state"] == "approving"
    # the process page lists it
    html = _client("whk_staff").get(process.get_absolute_url()).content.decode()
    assert release.title in html and event.number in html
