"""地震烈度快速估算 kept as a record (T29): the exposed population by intensity, the suggested
response level, the isoseismal outlines on the map, and an event started from it in 应急响应
(its own intake service)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yingji.core.models import AuditEvent
from yingji.disasters.models import QuakeEstimate
from yingji.response.models import Event

pytestmark = pytest.mark.django_db

YUZHONG = {"lon": 104.11, "lat": 35.85, "magnitude": 6.0, "depth": 10}
API = "/api/v1/disasters/quake-estimates"


def _client(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _record(who="duty", **extra):
    body = YUZHONG | {"occurred_at": "2026-06-30T21:05:00+08:00", "place": "榆中县附近"} | extra
    return _post(_client(who), API, body)


def test_an_estimate_is_kept_with_exposure_and_a_suggested_level():
    r = _record()
    assert r.status_code == 201, r.content
    got = r.json()
    assert got["rows"][0]["name"] == "榆中县" and got["rows"][0]["degree"] == 8
    # 榆中县's 2010 常住人口 is exposed at Ⅷ (its district's highest estimate)
    viii = next(e for e in got["exposure"] if e["degree"] == 8)
    assert viii["upper"] == 408187 and viii["at_least"] == 408187
    vi = next(e for e in got["exposure"] if e["degree"] == 6)
    assert vi["at_least"] > viii["at_least"]
    assert got["population_missing"] == []  # the eight districts all have a figure
    assert got["suggested_level"] in {"1", "2"} and got["reasons"]
    assert "2010" in got["population_source"] and "普查" in got["population_source"]
    estimate = QuakeEstimate.objects.get(pk=got["id"])
    assert estimate.recorded_by.username == "duty"
    assert AuditEvent.objects.filter(
        verb="disasters.quake.estimated", object_id=str(estimate.pk)
    ).exists()
    # the record page draws the stored districts and the outlines (no strike: both bounds)
    page = _client("leader").get(estimate.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and "榆中县" in html and "408,187" in html
    data = json.loads(
        html.split('id="quake-data" type="application/json">')[1].split("</script>")[0]
    )
    assert {o["bound"] for o in data["outlines"]} == {"upper", "lower"}
    assert "在应急响应中启动事件" not in html  # the leader reads only


@pytest.mark.parametrize(
    ("who", "status"), [("leader", 403), ("xigu_staff", 403), ("ent_user", 403)]
)
def test_only_city_staff_and_the_duty_officer_record(who, status):
    before = QuakeEstimate.objects.count()
    assert _record(who).status_code == status
    assert QuakeEstimate.objects.count() == before


def test_the_county_reads_estimates_the_enterprise_does_not():
    estimate_id = _record().json()["id"]
    assert _client("xigu_staff").get(f"{API}/{estimate_id}").status_code == 200
    assert _client("ent_user").get(f"{API}/{estimate_id}").status_code in (403, 404)


def test_an_event_is_started_once_through_the_response_intake():
    estimate_id = _record().json()["id"]
    r = _post(_client("duty"), f"{API}/{estimate_id}/event", {})
    assert r.status_code == 201, r.content
    event = Event.objects.get(pk=r.json()["id"])
    assert event.event_type.code == "NAT-QUAKE" and event.region.code == "620123"
    assert "榆中县Ⅷ度" in event.description and "建议响应" in event.description
    assert QuakeEstimate.objects.get(pk=estimate_id).event_id == event.pk
    again = _post(_client("duty"), f"{API}/{estimate_id}/event", {})
    assert again.status_code == 409 and event.number in again.json()["message"]
    assert _post(_client("leader"), f"{API}/{estimate_id}/event", {}).status_code in (403, 404)


def test_an_epicentre_outside_the_city_starts_the_event_in_the_hardest_hit_district():
    # about 50 km south-east of 榆中县城, outside the city's boundaries
    estimate_id = _record(lon=104.55, lat=35.6, magnitude=6.5).json()["id"]
    r = _post(_client("duty"), f"{API}/{estimate_id}/event", {"title": "测试地震事件"})
    assert r.status_code == 201, r.content
    top = QuakeEstimate.objects.get(pk=estimate_id).rows[0]["code"]
    assert Event.objects.get(pk=r.json()["id"]).region.code == top


def test_the_page_saves_an_estimate_for_those_who_may():
    query = {k: str(v) for k, v in YUZHONG.items()}
    assert 'id="quake-save"' in _client("duty").get("/disasters/quake/", query).content.decode()
    html = _client("leader").get("/disasters/quake/", query).content.decode()
    assert 'id="quake-save"' not in html and 'id="quake-exposure"' in html
    r = _client("duty").post(
        "/disasters/quake/record/", query | {"occurred_at": "2026-06-30T21:05", "place": "榆中"}
    )
    estimate = QuakeEstimate.objects.latest("pk")
    assert r.status_code == 302 and r["Location"] == estimate.get_absolute_url()
