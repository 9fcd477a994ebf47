"""The coverage of villages by 灾害信息员 on a map (issue #17): each village's state (A、B岗齐全 /
仅A岗或仅B岗 / 无) from the real village list, the map layer through the registry (one point per
county: the region data has no village or township coordinates), its scope and its filter."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yingji.disasters import selectors
from yingji.disasters.models import InfoOfficer
from yingji.geo.models import Region

pytestmark = pytest.mark.django_db

LAYER = "/api/v1/disasters/officer-coverage-geojson"


def _expected_states(county_code: str) -> dict[str, int]:
    posts: dict[int, set[str]] = {}
    for region_id, role in InfoOfficer.objects.filter(
        active=True, region__level="village", region__code__startswith=county_code
    ).values_list("region_id", "role"):
        posts.setdefault(region_id, set()).add(role)
    villages = Region.objects.filter(level="village", code__startswith=county_code)
    counts = {"full": 0, "single": 0, "none": 0}
    for pk in villages.values_list("pk", flat=True):
        roles = posts.get(pk, set())
        counts["full" if {"A", "B"} <= roles else "single" if roles else "none"] += 1
    return counts


@pytest.mark.parametrize(
    ("posts", "state"),
    [({"A", "B"}, "full"), ({"A"}, "single"), ({"B"}, "single"), (set(), "none")],
)
def test_a_village_state_follows_its_posts(posts, state):
    assert selectors.coverage_state(posts) == state


def test_states_per_county_and_township_from_the_village_list(persona):
    rows = {r["county"].code: r for r in selectors.coverage(persona("section"))}
    xigu = rows["620104"]
    assert xigu["counts"] == _expected_states("620104")
    assert xigu["counts"]["full"] >= 1 and xigu["counts"]["none"] > 0  # demo: 岔路村 has A and B
    assert sum(xigu["counts"].values()) == xigu["villages"]
    townships = {t["township"].code: t for t in xigu["townships"]}
    assert sum(t["villages"] for t in townships.values()) == xigu["villages"]
    dachuan = townships["620104103"]  # 达川镇: the demo's covered villages
    assert dachuan["full"] + dachuan["single"] >= 4
    assert dachuan["villages"] == Region.objects.filter(parent__code="620104103").count()


def test_a_b_post_added_turns_a_village_full(persona):
    from yingji.core.context import actor_context
    from yingji.disasters import services
    from yingji.disasters.schemas import OfficerIn

    single = (
        InfoOfficer.objects.filter(active=True, region__code__startswith="620104", role="A")
        .exclude(region__in=InfoOfficer.objects.filter(role="B").values("region"))
        .filter(region__level="village")
        .first()
    )
    before = {r["county"].code: r for r in selectors.coverage(persona("section"))}["620104"]
    city = persona("section")
    with actor_context(city, source="test"):
        services.do_register_officer(
            actor=city,
            data=OfficerIn(
                name="测试B岗", phone="13900000001", region=single.region.code, role="B"
            ),
        )
    after = {r["county"].code: r for r in selectors.coverage(persona("section"))}["620104"]
    assert after["counts"]["full"] == before["counts"]["full"] + 1
    assert after["counts"]["single"] == before["counts"]["single"] - 1


def test_the_layer_is_registered_and_lists_every_county_for_the_city(as_user, persona):
    from yingji.core.hooks import map_layers

    city = as_user("section")
    page = city.get("/risk/map/").content.decode()
    assert LAYER in page
    features = city.get(LAYER).json()["features"]
    with_centre = Region.objects.filter(level="county", centroid_lon__isnull=False)
    assert {f["id"] for f in features} == set(with_centre.values_list("code", flat=True))
    xigu = next(f for f in features if f["id"] == "620104")
    counts = _expected_states("620104")
    assert xigu["properties"]["counts"] == counts
    assert f"无信息员{counts['none']}个" in xigu["properties"]["label"]
    assert xigu["properties"]["url"] == "/disasters/officers/coverage/?county=620104"
    region = Region.objects.get(code="620104")
    assert xigu["geometry"]["coordinates"] == [region.centroid_lon, region.centroid_lat]
    share = xigu["properties"]["share"]
    colour, band = selectors.coverage_band(share)
    assert xigu["properties"]["style"]["color"] == colour and band in xigu["properties"]["label"]
    assert any(layer["url"] == LAYER for layer in map_layers(persona("section")))
    assert not any(layer["url"] == LAYER for layer in map_layers(persona("enterprise")))


@pytest.mark.parametrize(
    ("share", "band"),
    [
        (100.0, "全部覆盖"),
        (95.0, "覆盖90%以上"),
        (90.0, "覆盖90%以上"),
        (42.0, "覆盖不足90%"),
        (None, "无村(社区)"),
    ],
)
def test_coverage_bands(share, band):
    assert selectors.coverage_band(share)[1] == band


def test_the_layer_follows_scope_and_the_district_filter(as_user):
    county = as_user("county_a").get(LAYER).json()["features"]
    assert [f["id"] for f in county] == ["620104"]
    one = as_user("section").get(LAYER + "?district=620102").json()["features"]
    assert [f["id"] for f in one] == ["620102"]
    # a county asking for another county gets nothing, not the other's figures
    assert as_user("county_a").get(LAYER + "?district=620102").json()["features"] == []
    assert as_user("enterprise").get(LAYER).status_code == 403


def test_a_village_officer_does_not_get_the_layer():
    officer = get_user_model().objects.get(username="xxy_chalu")
    client = Client()
    client.force_login(officer)
    assert client.get(LAYER).status_code == 403


def test_the_page_filters_by_county_and_lists_its_townships(as_user):
    page = as_user("section").get("/disasters/officers/coverage/?county=620104").content.decode()
    assert 'id="coverage-map"' in page and 'id="coverage-townships"' in page
    assert "达川镇" in page and "城关区" not in page.split('id="coverage"')[1].split("</table>")[0]
    other = as_user("county_a").get("/disasters/officers/coverage/?county=620102").content.decode()
    assert 'id="coverage-townships"' not in other  # not its county: the filter is ignored
