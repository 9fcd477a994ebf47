"""The demo enterprises: about 300, all marked demo, inside their district, deterministic."""

import pytest
from shapely.geometry import Point, shape

from yingji.enterprises.demo import load_demo, plan
from yingji.enterprises.models import Enterprise
from yingji.geo.models import Region
from yingji.orgs.models import Organisation
from yingji.standards.ids import validate_uscc

pytestmark = pytest.mark.django_db


def test_about_300_demo_enterprises_all_marked_demo():
    demo = Enterprise.objects.filter(organisation__is_demo=True)
    assert 280 <= demo.count() <= 320
    assert not demo.exclude(organisation__name__endswith="(演示)").exists()
    # the orgs app's demo organisations got a file instead of a duplicate
    assert Enterprise.objects.filter(organisation__code="DEMO-ENT-620104-01").exists()
    assert (
        Organisation.objects.filter(kind="enterprise", name__contains="兰州西固石化储运").count()
        == 1
    )


def test_demo_coordinates_lie_in_their_district_and_usccs_are_valid():
    shapes = {r.pk: shape(r.geometry) for r in Region.objects.filter(boundary__isnull=False)}
    for ent in Enterprise.objects.filter(organisation__is_demo=True):
        region = ent.region if ent.region.boundary else ent.located_region
        assert shapes[region.pk].contains(Point(ent.lon, ent.lat)), ent
        assert validate_uscc(ent.uscc).valid, ent.uscc


def test_demo_mix_is_plausible_for_lanzhou():
    def sectors(code):
        return set(
            Enterprise.objects.filter(region__code=code, organisation__is_demo=True).values_list(
                "sector", flat=True
            )
        )

    assert {"hazchem_production", "hazchem_storage"} <= sectors("620104")
    for mining in ("620111", "620121", "620123"):
        assert sectors(mining) & {"coal_mine", "non_coal_mine"}
    assert "commerce" in sectors("620102")
    assert not sectors("620102") & {"coal_mine", "non_coal_mine"}


def test_demo_load_is_idempotent_and_deterministic(ctx):
    before = Enterprise.objects.count()
    assert load_demo() == {"enterprises": 0}
    assert Enterprise.objects.count() == before
    assert plan() == plan()
