"""监测预警 through the API and the pages: stations, ingest, alarms, the board, permissions per
persona (a county sees its own stations and alarms only; an enterprise its own sensors only)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yingji.core.services import do_create_token
from yingji.monitoring.models import Alarm, Observation, Station

from .helpers import base_time, hourly, point_in

pytestmark = pytest.mark.django_db

OWN = "DEMO-ENT-620104-01"


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _duty():
    client = Client()
    client.force_login(get_user_model().objects.get(username="duty"))
    return client


def test_register_read_and_patch_a_station_through_the_api(as_user):
    client = as_user("section")
    lon, lat = point_in("620103")
    r = _post(
        client,
        "/api/v1/monitoring/stations",
        {
            "code": "API-1",
            "name": "接口测试站",
            "kind": "rain",
            "lon": lon,
            "lat": lat,
            "elements": [{"code": "rain", "interval": 10}],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["region"] == "620103" and body["elements"][0]["interval"] == 10
    assert body["elements"][0]["unit"] == "mm" and body["status"] == "离线"
    got = client.get("/api/v1/monitoring/stations/API-1").json()
    assert got["code"] == "API-1" and got["kind_label"] == "雨量站"
    r = client.patch(
        "/api/v1/monitoring/stations/API-1",
        json.dumps({"name": "接口测试站(改)", "version": got["version"]}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["name"] == "接口测试站(改)"
    stale = client.patch(
        "/api/v1/monitoring/stations/API-1",
        json.dumps({"name": "过期", "version": got["version"]}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert Station.objects.get(code="API-1").name == "接口测试站(改)"


def test_gcj02_coordinates_are_converted_and_bad_input_refused(as_user):
    from yingji.standards.coords import wgs84_to_gcj02

    client = as_user("section")
    lon, lat = point_in("620102")
    glon, glat = wgs84_to_gcj02(lon, lat)
    r = _post(
        client,
        "/api/v1/monitoring/stations",
        {
            "code": "GCJ-1",
            "name": "高德坐标站",
            "kind": "rain",
            "lon": glon,
            "lat": glat,
            "crs": "gcj02",
            "elements": [{"code": "rain"}],
        },
    )
    assert r.status_code == 201
    assert abs(r.json()["lon"] - lon) < 1e-4 and abs(r.json()["lat"] - lat) < 1e-4
    bad = _post(
        client,
        "/api/v1/monitoring/stations",
        {
            "code": "BAD-1",
            "name": "错误站",
            "kind": "rain",
            "lon": 116.4,
            "lat": 39.9,
            "elements": [{"code": "snow"}],
        },
    )
    assert bad.status_code == 422 and "snow" in bad.content.decode()
    outside = _post(
        client,
        "/api/v1/monitoring/stations",
        {
            "code": "BAD-2",
            "name": "北京站",
            "kind": "rain",
            "lon": 116.4,
            "lat": 39.9,
            "elements": [{"code": "rain"}],
        },
    )
    assert outside.status_code == 422 and "不在本市" in outside.json()["message"]
    assert not Station.objects.filter(code__in=["BAD-1", "BAD-2"]).exists()


def test_ingest_over_http_with_a_personal_token(persona, ctx, client):
    section = persona("section")
    _, key = do_create_token(actor=section, name="数据接入")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    from .helpers import make_station

    station = make_station(section, code="HTTP-1")
    payload = {
        "observations": hourly(station, [30, 30])
        + [{"station": "HTTP-1", "element": "rain", "time": "2024-07-01T08:00:00", "value": 1}]
        + ["不是记录"]
    }
    r = client.post(
        "/api/v1/monitoring/observations",
        json.dumps(payload),
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["accepted"] == 2 and [r["index"] for r in body["rejected"]] == [2, 3]
    assert body["alarms"][0]["change"] == "raised" and body["alarms"][0]["level"] == "orange"
    again = client.post(
        "/api/v1/monitoring/observations",
        json.dumps(payload),
        content_type="application/json",
        **auth,
    ).json()
    assert again["duplicates"] == 2 and again["alarms"] == []
    nan = client.post(
        "/api/v1/monitoring/observations",
        '{"observations":[{"station":"HTTP-1","element":"rain",'
        '"time":"2024-07-01T08:00:00+08:00","value":NaN}]}',
        content_type="application/json",
        **auth,
    ).json()
    assert "NaN" in nan["rejected"][0]["reason"]
    alarms = client.get("/api/v1/monitoring/alarms?station=HTTP-1", **auth).json()
    alarms = [a for a in alarms if a["rule"] == "CMA-RAINSTORM"]  # (and 设备离线: old data)
    assert len(alarms) == 1 and alarms[0]["levels"][0]["level"] == "orange"
    assert alarms[0]["levels"][0]["at"].startswith(
        (base_time() + dt.timedelta(hours=2)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H")
    )


def test_a_batch_over_10000_is_413_with_a_chinese_message(as_user):
    client = as_user("section")
    rows = [{"station": "X", "element": "rain", "time": "2024-07-01T08:00:00+08:00", "value": 0}]
    r = _post(client, "/api/v1/monitoring/observations", {"observations": rows * 10_001})
    assert r.status_code == 413 and "分批" in r.json()["message"]


def test_a_county_sees_its_own_stations_and_alarms_only(as_user):
    client = as_user("county_a")  # 西固区
    stations = client.get("/api/v1/monitoring/stations").json()
    assert stations and {s["region"] for s in stations} == {"620104"}
    alarms = client.get("/api/v1/monitoring/alarms").json()
    assert alarms and all(
        a["station"].startswith("DEMO-XG") or "XG" in a["station"] for a in alarms
    )
    cg = Alarm.objects.filter(station__code="DEMO-HH-CG-04").first()
    assert client.get(f"/api/v1/monitoring/alarms/{cg.pk}").status_code == 404
    assert client.get("/api/v1/monitoring/stations/DEMO-HH-CG-04").status_code == 404
    board = client.get("/monitoring/").content.decode()
    assert "城关皋兰山" not in board and "DEMO-XG" in board
    cgb = as_user("county_b").get("/monitoring/").content.decode()
    assert "城关皋兰山" in cgb


def test_an_enterprise_sees_and_feeds_its_own_sensors_only(as_user):
    client = as_user("enterprise")
    stations = client.get("/api/v1/monitoring/stations").json()
    assert stations and {s["enterprise"] for s in stations} == {OWN}
    own = stations[0]["code"]
    other = Station.objects.filter(kind="gas").exclude(enterprise__organisation__code=OWN).first()
    t = (base_time(3) + dt.timedelta(minutes=30)).isoformat()
    r = _post(
        client,
        "/api/v1/monitoring/observations",
        {
            "observations": [
                {
                    "station": own,
                    "element": stations[0]["elements"][0]["code"],
                    "time": t,
                    "value": 1.0,
                },
                {"station": other.code, "element": "gas_lel", "time": t, "value": 1.0},
            ]
        },
    ).json()
    assert r["accepted"] == 1 and r["rejected"] == [
        {"index": 1, "reason": f"站点“{other.code}”不存在或您无权上报其数据。"}
    ]
    assert not Observation.objects.filter(station=other, time=t).exists()
    alarm = Alarm.objects.filter(station__owner__code=OWN).first()
    assert client.get(f"/api/v1/monitoring/alarms/{alarm.pk}").status_code == 200
    refused = _post(client, f"/api/v1/monitoring/alarms/{alarm.pk}/acknowledge", {})
    assert refused.status_code == 403
    alarm.refresh_from_db()
    assert alarm.state == "open"


def test_the_duty_officer_acknowledges_and_handles_on_the_board():
    client = _duty()
    alarm = Alarm.objects.filter(state="open", level="red").order_by("pk").first()
    page = client.get("/monitoring/").content.decode()
    assert 'hx-trigger="every 5s"' in page and f"alarm-{alarm.pk}" in page
    rows = client.get("/monitoring/board/rows/?level=red").content.decode()
    assert f"alarm-{alarm.pk}" in rows and 'yj-level-blue">' not in rows.split("<tbody>")[1]
    r = client.post(f"/monitoring/alarms/{alarm.pk}/acknowledge/", {"version": alarm.version})
    assert r.status_code == 302
    alarm.refresh_from_db()
    assert alarm.state == "acknowledged"
    r = client.post(
        f"/monitoring/alarms/{alarm.pk}/handle/",
        {"version": alarm.version, "note": "已通知企业启动应急处置,现场复核"},
    )
    alarm.refresh_from_db()
    assert alarm.state == "handled" and alarm.handled_at is not None
    detail = client.get(alarm.get_absolute_url()).content.decode()
    assert "现场复核" in detail


def test_the_board_orders_highest_then_newest():
    from yingji.monitoring import selectors

    duty = get_user_model().objects.get(username="duty")
    levels = [a.level for a in selectors.board(duty, {})]
    order = {"red": 4, "orange": 3, "yellow": 2, "blue": 1}
    assert levels == sorted(levels, key=lambda lv: -order[lv]) and levels[0] == "red"


def test_the_dashboard_card_links_each_level_to_the_filtered_board():
    client = _duty()
    home = client.get("/").content.decode()
    assert "监测告警" in home and "/monitoring/?level=red" in home
    enterprise_card = Client()
    enterprise_card.force_login(get_user_model().objects.get(username="ent_user"))
    text = enterprise_card.get("/").content.decode()
    # the enterprise counts only its own alarm (a yellow gas alarm in the demo)
    assert "/monitoring/?level=red" not in text and "/monitoring/?level=yellow" in text


def test_map_layer_colours_stations_by_alarm_level(as_user):
    features = as_user("leader").get("/api/v1/monitoring/geojson").json()["features"]
    red = [f for f in features if f["properties"]["level"] == "red"]
    assert red and all(f["properties"]["style"]["color"] == "#d62728" for f in red)
    assert any(f["properties"]["level"] is None for f in features)
    xg = as_user("county_a").get("/api/v1/monitoring/geojson").json()["features"]
    assert xg and all(
        "DEMO-XG" in f["properties"]["code"] or "XG" in f["properties"]["code"] for f in xg
    )


def test_station_page_and_series(as_user):
    client = as_user("section")
    page = client.get("/monitoring/stations/DEMO-HH-CG-04/").content.decode()
    assert "monitoring/station-chart.js" in page and "station-charts" in page
    series = client.get("/api/v1/monitoring/stations/DEMO-HH-CG-04/series?element=rain").json()
    assert series["unit"] == "mm" and len(series["points"]) == 24
    listing = client.get("/monitoring/stations/?kind=gas&export=csv")
    assert listing.status_code == 200 and "可燃气体探测器" in listing.getvalue().decode("utf-8-sig")


def test_demo_is_idempotent_and_leaves_several_levels(ctx):
    from yingji.monitoring.demo import load_demo

    assert load_demo() == {"stations": 0, "observations": 0, "alarms": 0}
    assert Station.objects.filter(is_demo=True).count() == 60
    levels = set(Alarm.objects.filter(state="open").values_list("level", flat=True))
    assert {"red", "orange", "yellow", "blue"} <= levels


def test_the_station_list_filters_by_derived_status_and_current_alarm_level(as_user):
    client = as_user("city_admin")
    faulty = client.get("/monitoring/stations/?status=故障&q=DEMO").content.decode()
    assert "DEMO-XG-E04-GAS1" in faulty and "DEMO-HH-CG-04" not in faulty
    offline = client.get("/monitoring/stations/?status=离线&q=DEMO").content.decode()
    assert "DEMO-DZ-QLH-04" in offline and "DEMO-XG-E04-GAS1" not in offline
    red = client.get("/monitoring/stations/?alarm_level=red&q=DEMO").content.decode()
    assert "DEMO-HH-CG-04" in red and "DEMO-HH-QLH-01" not in red  # the latter is 蓝
    assert client.get("/monitoring/stations/?status=坏了").status_code == 400
