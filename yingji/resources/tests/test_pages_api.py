"""应急资源 through the pages and the API, persona by persona: a county keeps its own sites and
reads the city's; an enterprise sees only what it keeps on agreement; the 工作台 card counts
what its links list; the "一表" export and the "一图" layer."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from yingji.resources.models import Movement, Site

from .helpers import CHENGGUAN, CITY, ENTERPRISE_SITE, TENT, XIGU, balance, site

pytestmark = pytest.mark.django_db


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _codes(client, url="/api/v1/resources/sites?limit=500"):
    r = client.get(url)
    assert r.status_code == 200
    return {s["code"] for s in r.json()}


def test_who_sees_which_sites(as_user):
    everything = set(Site.objects.values_list("code", flat=True))
    assert _codes(as_user("leader")) == everything
    assert _codes(as_user("section")) == everything
    xigu = _codes(as_user("county_a"))
    assert {XIGU, CITY, ENTERPRISE_SITE} <= xigu and CHENGGUAN not in xigu
    assert _codes(as_user("enterprise")) == {ENTERPRISE_SITE}
    ent = as_user("enterprise")
    assert ent.get(site(CITY).get_absolute_url()).status_code == 404
    assert ent.get(site(ENTERPRISE_SITE).get_absolute_url()).status_code == 200


def test_a_county_records_at_its_own_site_and_reads_the_citys(as_user):
    client = as_user("county_a")
    own = site(XIGU)
    page = client.get(own.get_absolute_url()).content.decode()
    assert 'id="movement-form"' in page
    city_page = client.get(site(CITY).get_absolute_url()).content.decode()
    assert 'id="movement-form"' not in city_page and "库存(由台账汇总)" in city_page
    before = balance(XIGU, TENT)
    r = _post(
        client,
        f"/api/v1/resources/sites/{own.pk}/movements",
        {"kind": "in", "item": TENT, "quantity": 7, "document_no": "API-1", "reason": "接口入库"},
    )
    assert r.status_code == 201, r.content
    assert r.json()[0]["quantity"] == 7 and balance(XIGU, TENT) == before + 7
    r = _post(
        client,
        f"/api/v1/resources/sites/{own.pk}/movements",
        {"kind": "out", "item": TENT, "quantity": 10**6, "document_no": "API-2", "reason": "超量"},
    )
    assert r.status_code == 422 and r.json()["code"] == "insufficient_stock"
    assert "库存不足" in r.json()["message"]
    r = _post(
        client,
        f"/api/v1/resources/sites/{site(CITY).pk}/movements",
        {"kind": "in", "item": TENT, "quantity": 1, "document_no": "API-3", "reason": "越权"},
    )
    assert r.status_code == 403
    r = _post(
        client,
        f"/api/v1/resources/sites/{site(CHENGGUAN).pk}/movements",
        {"kind": "in", "item": TENT, "quantity": 1, "document_no": "API-4", "reason": "越权"},
    )
    assert r.status_code == 404
    assert not Movement.objects.filter(document_no__in=["API-2", "API-3", "API-4"]).exists()


def test_the_web_form_records_a_movement_and_shows_a_refusal(as_user):
    client = as_user("county_a")
    own = site(XIGU)
    before = balance(XIGU, TENT)
    url = f"/resources/sites/{own.pk}/movements/"
    form = {"kind": "out", "item": TENT, "quantity": "2", "document_no": "WEB-1", "reason": "转移"}
    r = client.post(url, form, follow=True)
    assert "已登记出库" in r.content.decode() and balance(XIGU, TENT) == before - 2
    r = client.post(url, {**form, "quantity": str(10**6), "document_no": "WEB-2"}, follow=True)
    assert "库存不足" in r.content.decode() and balance(XIGU, TENT) == before - 2


def test_a_site_registered_by_a_county_is_located_in_its_county(as_user):
    from yingji.geo.models import Region

    xigu = Region.objects.get(code="620104")
    client = as_user("county_a")
    data = {
        "code": "XG-NEW-1",
        "name": "西固区新城镇储备点",
        "level": "township",
        "address": "西固区新城镇",
        "lon": site(XIGU).lon,
        "lat": site(XIGU).lat,
        "duty_phone": "0931-1234567",
    }
    r = _post(client, "/api/v1/resources/sites", data)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["owner"] == "XGQ-YJJ" and Region.objects.get(code=body["region"]).path.startswith(
        xigu.path
    )
    r = _post(
        client,
        "/api/v1/resources/sites",
        {**data, "code": "XG-NEW-2", "lon": site(CHENGGUAN).lon, "lat": site(CHENGGUAN).lat},
    )
    assert r.status_code == 403 and not Site.objects.filter(code="XG-NEW-2").exists()
    assert (
        _post(as_user("leader"), "/api/v1/resources/sites", {**data, "code": "L-1"}).status_code
        == 403
    )


def test_the_card_counts_what_its_links_list(as_user, persona):
    from django.test import RequestFactory

    from yingji.resources.cards import stock_alerts

    for name in ("city_admin", "county_a", "enterprise"):
        request = RequestFactory().get("/")
        request.user = persona(name)
        card = stock_alerts(request)
        client = as_user(name)
        for alert in ("low", "expiring"):
            listed = client.get(f"/api/v1/resources/stock?alert={alert}&limit=1000")
            count = int(listed["X-Total-Count"])
            shown = {
                link["url"].rsplit("=", 1)[1]: link["count"]
                for link in (card or {}).get("links", [])
            }
            assert shown.get(alert, 0) == count, (name, alert)
    request = RequestFactory().get("/")
    request.user = persona("city_admin")
    card = stock_alerts(request)
    assert card and {link["url"] for link in card["links"]} == {
        "/resources/stock/?alert=low",
        "/resources/stock/?alert=expiring",
    }


def test_the_one_table_export_matches_the_list(as_user):
    client = as_user("county_a")
    r = client.get("/resources/stock/?export=xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("县区", "储备库(点)", "级别", "物资编码")
    total = int(client.get("/api/v1/resources/stock?limit=1")["X-Total-Count"])
    assert len(rows) - 1 == total
    assert not any(row[1] == site(CHENGGUAN).name for row in rows[1:])


def test_the_map_layer_sizes_sites_by_stock(as_user):
    fc = as_user("county_a").get("/api/v1/resources/geojson").json()
    by_code = {f["properties"]["code"]: f for f in fc["features"]}
    assert CHENGGUAN not in by_code and XIGU in by_code
    city, xigu = by_code[CITY]["properties"], by_code[XIGU]["properties"]
    assert city["total"] > xigu["total"] and city["style"]["size"] > xigu["style"]["size"]
    assert fc == as_user("county_a").get("/api/v1/resources/geojson?district=").json()
    only = as_user("county_a").get("/api/v1/resources/geojson?level=city").json()
    assert {f["properties"]["code"] for f in only["features"]} == {CITY}


def _layer(client, query=""):
    r = client.get("/api/v1/resources/geojson" + query)
    assert r.status_code == 200, r.content
    return {f["properties"]["code"]: f["properties"] for f in r.json()["features"]}


def _table(client, query):
    r = client.get("/resources/stock/" + query + "&export=xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][1] == "储备库(点)" and rows[0][4] == "物资名称" and rows[0][6] == "库存数量"
    return {(row[1], row[4], row[6]) for row in rows[1:]}


def test_the_map_filtered_by_an_item_shows_only_the_sites_holding_it(as_user):
    from django.contrib.auth import get_user_model

    from .helpers import move

    keeper = get_user_model().objects.get(username="xigu_staff")
    have = balance(XIGU, TENT)
    assert have > 0
    move(keeper, XIGU, kind="scrap", item=TENT, quantity=have, reason="全部报废")  # none left
    client = as_user("county_a")
    everything, tents = _layer(client), _layer(client, f"?item={TENT}")
    assert XIGU in everything and XIGU not in tents  # the site holds other items, no tents
    assert CHENGGUAN not in tents  # restrict() still applies
    assert CITY in tents and set(tents) < set(everything)
    for code, p in tents.items():
        stock = site(code).stock_set.get(item__code=TENT)
        assert p["item_quantity"] == stock.quantity > 0
        assert p["item_available"] == stock.quantity - stock.reserved
        assert f"{stock.quantity:,}" in p["label"] and "救灾帐篷" in p["label"]
    # the one table of the same filter lists exactly these sites and balances
    table = _table(client, f"?item={TENT}&held=1")
    assert table == {(p["name"], p["item_name"], p["item_quantity"]) for p in tents.values()}
    # with a county and a level as well: the map's filters are the table's
    city_only = _layer(client, f"?item={TENT}&level=city")
    assert set(city_only) == {CITY}
    assert _table(client, f"?item={TENT}&held=1&level=city") == {
        (p["name"], p["item_name"], p["item_quantity"]) for p in city_only.values()
    }


def test_the_map_refuses_an_item_not_in_the_catalogue(as_user):
    r = as_user("county_a").get("/api/v1/resources/geojson?item=9999999")
    assert r.status_code == 422
    assert "物资目录" in r.json()["message"]
