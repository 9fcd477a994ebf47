"""The 安全生产风险图 draws the layers other apps declare (open hazards, recent inspections),
each fetched from its own GeoJSON endpoint through the same permissions."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_map_page_lists_the_extra_layers(as_user):
    page = as_user("county_a").get("/risk/map/").content.decode()
    assert 'id="f-layer-hazards"' in page and 'id="f-layer-inspections"' in page
    assert "/api/v1/hazards/geojson" in page and "/api/v1/inspections/geojson" in page


def test_hazard_layer_marks_major_and_follows_scope(as_user):
    from yingji.hazards.models import Hazard

    xigu = as_user("county_a").get("/api/v1/hazards/geojson").json()["features"]
    assert xigu
    codes = {f["properties"]["name"] for f in xigu}
    assert all(Hazard.objects.get(code=c).region.path.startswith("/620100/620104/") for c in codes)
    chengguan = as_user("county_b").get("/api/v1/hazards/geojson").json()["features"]
    assert not codes & {f["properties"]["name"] for f in chengguan}
    everything = as_user("city_admin").get("/api/v1/hazards/geojson").json()["features"]
    majors = [f for f in everything if f["properties"]["major"]]
    minors = [f for f in everything if not f["properties"]["major"]]
    assert majors and minors
    assert majors[0]["properties"]["style"]["size"] > minors[0]["properties"]["style"]["size"]
    district = as_user("city_admin").get("/api/v1/hazards/geojson?district=620102").json()
    assert all(
        Hazard.objects.get(code=f["properties"]["name"]).region.path.startswith("/620100/620102/")
        for f in district["features"]
    )


def test_inspection_layer_follows_scope(as_user):
    from yingji.inspections.models import Inspection

    def inspections(persona):
        ids = [
            f["properties"]["id"]
            for f in as_user(persona).get("/api/v1/inspections/geojson").json()["features"]
        ]
        return list(Inspection.objects.filter(pk__in=ids).select_related("enterprise__region"))

    admin = inspections("city_admin")
    assert admin
    for insp in inspections("county_b"):
        assert insp.enterprise.region.path.startswith("/620100/620102/") or (
            insp.authority.code == "CGQ-YJJ"
        )
    xigu = inspections("county_a")
    assert xigu and all(
        i.enterprise.region.path.startswith("/620100/620104/") or i.authority.code == "XGQ-YJJ"
        for i in xigu
    )
    own = inspections("enterprise")
    assert all(i.enterprise.organisation.code == "DEMO-ENT-620104-01" for i in own)
    assert all(i.state == "completed" for i in own)
