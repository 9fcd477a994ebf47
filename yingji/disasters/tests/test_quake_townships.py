"""The rapid earthquake estimate per township (issue #17): every township of the region table,
grouped by county, at its seat where the platform knows the seat's coordinates, else the range
over its county; kept with the record, sortable on the record page, the seated ones on the map;
population per township only where it was entered (none is bundled)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yingji.disasters import selectors
from yingji.disasters.models import QuakeEstimate
from yingji.disasters.schemas import QuakeIn
from yingji.geo.models import Region
from yingji.standards import quake

pytestmark = pytest.mark.django_db

YUZHONG = {"lon": 104.11, "lat": 35.85, "magnitude": 6.0, "depth": 10}
CHENGGUAN_ZHEN = "620123100"  # 榆中县城关镇: the worked example's seat is the county town
HEPING = "620123104"  # 榆中县和平镇


def _client(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_every_township_gets_its_county_range_without_seats():
    data = QuakeIn(**YUZHONG)
    rows = selectors.township_estimate(data)
    townships = Region.objects.filter(level="township")
    assert {r["code"] for r in rows} == set(townships.values_list("code", flat=True))
    # 兰州新区 has no boundary: its four townships are estimated at their approximate seats
    # (geo's 示意 data); every other township gets its county's range
    xinqu = {r["code"] for r in rows if r["county"] == "620171"}
    assert xinqu and all(r["basis"] == "approx" for r in rows if r["code"] in xinqu)
    others = [r for r in rows if r["code"] not in xinqu]
    assert all(r["basis"] == "county" and r["distance_km"] is None for r in others)
    counties = {r["code"]: r for r in selectors.quake_estimate(data)}
    yuzhong = [r for r in rows if r["county"] == "620123"]
    assert len(yuzhong) == Region.objects.filter(parent__code="620123").count()
    # each township's upper bound is its county's highest estimate (the county contains it)
    assert all(r["upper"] == counties["620123"]["upper"] for r in yuzhong)
    assert all(r["lower"] <= r["upper"] and r["population"] is None for r in rows)
    # grouped by county, the hardest-hit county (榆中) first
    order = [r["county"] for r in rows]
    assert order[0] == "620123" and order == sorted(order, key=order.index)
    assert len(set(order)) == len([c for i, c in enumerate(order) if c not in order[:i]])


def test_a_known_seat_gives_the_value_at_the_seat(settings):
    settings.DISASTERS_TOWNSHIP_SEATS = {
        CHENGGUAN_ZHEN: [104.11, 35.85],  # the epicentre itself
        HEPING: [104.11, 35.85 + 30 / 111.195],  # 30 km north, for the worked example
    }
    rows = {r["code"]: r for r in selectors.township_estimate(QuakeIn(**YUZHONG))}
    town = rows[CHENGGUAN_ZHEN]
    assert town["basis"] == "seat" and town["distance_km"] == 0
    assert (town["upper"], town["lower"], town["roman"]) == (7.9, 7.9, "Ⅷ")
    heping = rows[HEPING]
    expected = quake.estimate_township("gb18306_qz", 6.0, (104.11, 35.85), tuple(heping["seat"]))
    assert heping["upper"] == round(expected.upper, 1) and heping["roman"] == "Ⅵ"
    assert heping["distance_km"] == pytest.approx(30, abs=0.2)
    other = next(r for r in rows.values() if r["county"] == "620123" and r["basis"] == "county")
    assert other["roman"].count("–") == 1  # a range: no seat


def test_population_per_township_only_where_entered(settings):
    settings.DISASTERS_POPULATION = {"townships": {CHENGGUAN_ZHEN: 123456}}
    rows = {r["code"]: r for r in selectors.township_estimate(QuakeIn(**YUZHONG))}
    assert rows[CHENGGUAN_ZHEN]["population"] == 123456
    assert rows[HEPING]["population"] is None
    note = selectors.township_note(list(rows.values()))
    assert "1个有人口数据" in note


def test_the_record_keeps_the_townships_and_its_page_sorts_them(settings):
    settings.DISASTERS_TOWNSHIP_SEATS = {CHENGGUAN_ZHEN: [104.11, 35.85]}
    body = YUZHONG | {"occurred_at": "2026-06-30T21:05:00+08:00", "place": "榆中县附近"}
    r = _client("duty").post(
        "/api/v1/disasters/quake-estimates", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    got = r.json()
    assert len(got["townships"]) == Region.objects.filter(level="township").count()
    assert (
        "乡镇(街道)人口数据暂无" in got["township_note"]
        and "1个按驻地坐标估算" in got["township_note"]
    )
    estimate = QuakeEstimate.objects.get(pk=got["id"])
    leader = _client("leader")
    html = leader.get(estimate.get_absolute_url()).content.decode()
    table = html.split('id="quake-townships"')[1].split("</table>")[0]
    assert (
        '<th colspan="6">榆中县</th>' in table and "驻地坐标" in table and "所属县区范围" in table
    )
    assert table.index("榆中县") < table.index("永登县")
    by_degree = leader.get(estimate.get_absolute_url() + "?tsort=degree").content.decode()
    rows = by_degree.split('id="quake-townships"')[1].split("</table>")[0]
    assert 'colspan="6"' not in rows  # not grouped
    first = rows.split('data-code="')[1][:9]
    assert first == CHENGGUAN_ZHEN  # the seat at the epicentre is the highest
    # the seated township is drawn on the map
    data = json.loads(by_degree.split('id="quake-data" type="application/json">')[1].split("<")[0])
    seated = {t["name"]: t for t in data["townships"]}
    assert seated["榆中县城关镇"]["value"][2] == 8
    assert "兰州新区中川镇(示意坐标)" in seated and len(seated) == 5
    # a later change of the seats does not rewrite the record
    settings.DISASTERS_TOWNSHIP_SEATS = {}
    estimate.refresh_from_db()
    assert next(t for t in estimate.townships if t["code"] == CHENGGUAN_ZHEN)["basis"] == "seat"


def test_the_estimate_page_and_api_list_townships(as_user):
    city = as_user("section")
    page = city.get("/disasters/quake/", YUZHONG | {"tsort": "distance"}).content.decode()
    assert 'id="quake-townships"' in page and "所属县区范围" in page
    assert "magnitude=6.0" in page.split('id="township-sort"')[1].split("</p>")[0]
    api = city.get("/api/v1/disasters/quake-estimate/townships", YUZHONG)
    assert api.status_code == 200 and api.json()[0]["county"] == "620123"
    assert (
        as_user("enterprise").get("/api/v1/disasters/quake-estimate/townships", YUZHONG).status_code
        == 403
    )
    bad = city.get("/api/v1/disasters/quake-estimate/townships", YUZHONG | {"magnitude": 12})
    assert bad.status_code in (400, 422)
