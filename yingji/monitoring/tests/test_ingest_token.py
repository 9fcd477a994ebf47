"""The ingest-only token (数据接入令牌, #13): it posts observations for the stations of its owner
and nothing else — each denial tested."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from yingji.core.models import AuditEvent
from yingji.monitoring.models import IngestToken, Observation

pytestmark = pytest.mark.django_db

OWN = "DEMO-ENT-620104-01"  # ent_user's enterprise
OWN_STATION = "DEMO-XG-E01-GAS2"
OTHER_ENTERPRISE_STATION = "DEMO-XG-E02-GAS2"  # another enterprise's detector


def _post(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def _record(station, value=1.0, element="gas_lel"):
    t = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=3)
    return {"station": station, "element": element, "time": t.isoformat(), "value": value}


def _token(client, owner, name="DCS 接口"):
    r = _post(client, "/api/v1/monitoring/ingest-tokens", {"name": name, "owner": owner})
    assert r.status_code == 201, r.content
    return r.json()


def _bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_an_enterprise_token_posts_for_its_own_sensors_only(as_user):
    created = _token(as_user("enterprise"), OWN)
    assert created["key"].startswith("yjm_") and created["owner"] == OWN
    assert not IngestToken.objects.filter(key_hash__contains=created["key"]).exists()
    r = _post(
        as_user("enterprise").__class__(),  # a client with no session: the token alone
        "/api/v1/monitoring/observations",
        {"observations": [_record(OWN_STATION, 1.5), _record(OTHER_ENTERPRISE_STATION, 1.5)]},
        **_bearer(created["key"]),
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["accepted"] == 1
    assert body["rejected"] == [
        {"index": 1, "reason": f"站点“{OTHER_ENTERPRISE_STATION}”不存在或您无权上报其数据。"}
    ]
    assert not Observation.objects.filter(
        station__code=OTHER_ENTERPRISE_STATION, value=1.5
    ).exists()
    event = AuditEvent.objects.filter(verb="monitoring.observations.ingested").latest("pk")
    assert event.data["ingest_token"] == created["id"] and "ingest-token" in event.message


def test_a_city_staff_token_is_narrowed_to_its_owner(as_user):
    """whk_staff may change every station; the token for 城关区应急管理局 posts for its stations
    only."""
    created = _token(as_user("section"), "CGQ-YJJ")
    client = as_user("section").__class__()
    r = _post(
        client,
        "/api/v1/monitoring/observations",
        {
            "observations": [
                _record("DEMO-HH-CG-03", 0.5, "rain"),  # owned by 城关区应急管理局
                _record("DEMO-HH-XG-01", 0.5, "rain"),  # owned by 西固区应急管理局
            ]
        },
        **_bearer(created["key"]),
    ).json()
    assert r["accepted"] == 1 and [x["index"] for x in r["rejected"]] == [1]


def test_the_token_reads_nothing_and_calls_no_other_endpoint(as_user):
    key = _token(as_user("enterprise"), OWN)["key"]
    client = as_user("enterprise").__class__()
    auth = _bearer(key)
    for url in (
        "/api/v1/monitoring/stations",
        f"/api/v1/monitoring/stations/{OWN_STATION}",
        f"/api/v1/monitoring/stations/{OWN_STATION}/series?element=gas_lel",
        "/api/v1/monitoring/alarms",
        "/api/v1/monitoring/rules",
        "/api/v1/monitoring/geojson",
        "/api/v1/monitoring/ingest-tokens",
        "/api/v1/me",
    ):
        r = client.get(url, **auth)
        assert r.status_code == 401, (url, r.status_code)
        assert r.json()["code"] == "unauthenticated"
    station = {"code": "TK-1", "name": "令牌站", "kind": "gas", "lon": 103.6, "lat": 36.1}
    assert _post(client, "/api/v1/monitoring/stations", station, **auth).status_code == 401
    assert (
        _post(
            client, "/api/v1/monitoring/ingest-tokens", {"name": "再来一个", "owner": OWN}, **auth
        )
    ).status_code == 401
    # the web pages do not take it either
    page = client.get("/monitoring/", **auth)
    assert page.status_code == 302 and "/login" in page["Location"]


def test_a_revoked_or_expired_token_is_refused(as_user):
    owner_client = as_user("enterprise")
    created = _token(owner_client, OWN)
    body = {"observations": [_record(OWN_STATION)]}
    anon = owner_client.__class__()
    url = "/api/v1/monitoring/observations"
    assert _post(anon, url, body, **_bearer(created["key"])).status_code == 200
    r = _post(owner_client, f"/api/v1/monitoring/ingest-tokens/{created['id']}/revoke", {})
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert _post(anon, url, body, **_bearer(created["key"])).status_code == 401
    expired = _token(owner_client, OWN, "过期")
    IngestToken.objects.filter(pk=expired["id"]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert _post(anon, url, body, **_bearer(expired["key"])).status_code == 401
    assert _post(anon, url, body, **_bearer("yjm_not-a-token")).status_code == 401


def test_who_may_create_a_token_for_which_owner(as_user):
    url = "/api/v1/monitoring/ingest-tokens"
    # an enterprise for another enterprise; a county for another county; the leadership at all
    r = _post(as_user("enterprise"), url, {"name": "别家", "owner": "DEMO-ENT-620104-02"})
    assert r.status_code == 422 and "不在您的权限范围内" in r.json()["message"]
    r = _post(as_user("county_a"), url, {"name": "城关", "owner": "CGQ-YJJ"})
    assert r.status_code == 422
    assert _post(as_user("leader"), url, {"name": "领导", "owner": "LZYJJ"}).status_code == 403
    # a county for an enterprise in its county
    assert _post(as_user("county_a"), url, {"name": "西固企业", "owner": OWN}).status_code == 201
    # tokens are their creator's: others neither list nor revoke them
    mine = _token(as_user("enterprise"), OWN)
    assert all(t["id"] != mine["id"] for t in as_user("county_a").get(url).json())
    r = _post(as_user("county_a"), f"{url}/{mine['id']}/revoke", {})
    assert r.status_code == 404


def test_the_tokens_page_creates_shows_the_key_once_and_revokes(as_user):
    client = as_user("enterprise")
    page = client.post("/monitoring/tokens/", {"name": "储罐 DCS", "owner": OWN})
    text = page.content.decode()
    assert page.status_code == 200 and 'id="new-ingest-token">yjm_' in text
    token = IngestToken.objects.get(name="储罐 DCS")
    assert "new-ingest-token" not in client.get("/monitoring/tokens/").content.decode()
    r = client.post(f"/monitoring/tokens/{token.pk}/revoke/", {"version": token.version})
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert as_user("leader").get("/monitoring/tokens/").status_code == 403
