"""The regions API: filters, locate in three coordinate systems, refusals in Chinese."""

import pytest

pytestmark = pytest.mark.django_db


def test_regions_filter_by_level_parent_and_name(as_user):
    client = as_user("county_a")
    counties = client.get("/api/v1/regions", {"level": "county"}).json()
    assert {r["code"] for r in counties} >= {"620102", "620104", "620111"}
    assert all(r["parent_code"] == "620100" for r in counties)
    towns = client.get("/api/v1/regions", {"parent": "620104"}).json()
    assert towns and all(r["code"].startswith("620104") for r in towns)
    named = client.get("/api/v1/regions", {"q": "西固"}).json()
    assert any(r["name"] == "西固区" for r in named)
    assert len(client.get("/api/v1/regions", {"limit": 3}).json()) == 3


@pytest.mark.parametrize(
    "lon, lat, crs, found",
    [
        (103.633, 36.093, "wgs84", "620104"),
        (103.8343, 36.0611, "wgs84", "620102"),
        (90.0, 36.0, "wgs84", None),
    ],
)
def test_locate(as_user, lon, lat, crs, found):
    body = (
        as_user("enterprise")
        .get("/api/v1/regions/locate", {"lon": lon, "lat": lat, "crs": crs})
        .json()
    )
    assert body["found"] is (found is not None)
    assert (body["region"] or {}).get("code") == found


@pytest.mark.parametrize(
    "params, message",
    [
        ({"lon": 103.6, "lat": 36.0, "crs": "utm"}, "坐标系只能是"),
        ({"lon": 500, "lat": 36.0}, "经纬度超出范围"),
        ({"lon": "abc", "lat": 36.0}, "应为数字"),
    ],
)
def test_locate_refuses_bad_input_in_chinese(as_user, params, message):
    response = as_user("county_a").get("/api/v1/regions/locate", params)
    assert response.status_code == 422 and message in response.json()["message"]


def test_boundaries_are_a_feature_collection_of_the_districts(as_user):
    body = as_user("county_a").get("/api/v1/regions/boundaries").json()
    assert body["type"] == "FeatureCollection"
    names = {f["properties"]["name"] for f in body["features"]}
    assert {"城关区", "西固区", "榆中县"} <= names


def test_anonymous_gets_nothing(client):
    assert client.get("/api/v1/regions").status_code == 401
