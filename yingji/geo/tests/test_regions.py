"""Regions: the GB/T 2260 tree under 兰州市, functional zones, boundaries and locate()."""

import pytest
from shapely.geometry import shape

from yingji.geo.loader import load_regions
from yingji.geo.models import Region
from yingji.geo.spatial import locate
from yingji.standards.coords import convert

pytestmark = pytest.mark.django_db

COUNTIES = {
    "620102": "城关区",
    "620103": "七里河区",
    "620104": "西固区",
    "620105": "安宁区",
    "620111": "红古区",
    "620121": "永登县",
    "620122": "皋兰县",
    "620123": "榆中县",
}


def test_tree_counts_match_the_source_file():
    # lanzhou-divisions.csv: 1 city, 9 county-level units, 116 townships, 1,177 villages,
    # plus 高新区 added as a functional zone.
    assert Region.objects.filter(level="city").count() == 1
    assert Region.objects.filter(level="county").count() == 10
    assert Region.objects.filter(level="township").count() == 116
    assert Region.objects.filter(level="village").count() == 1177


def test_paths_nest():
    village = Region.objects.filter(level="village").first()
    assert village.path.startswith(village.parent.path)
    assert village.county.level == "county"
    assert village.is_within(Region.objects.get(code="620100"))


def test_functional_zones_are_marked_and_not_gbt2260():
    xinqu = Region.objects.get(code="620171")
    assert xinqu.is_functional_zone and xinqu.code_system == "nbs"
    gxq = Region.objects.get(code="LZ-GXQ")
    assert gxq.is_functional_zone and gxq.code_system == "internal"
    assert not gxq.code.isdigit()  # clearly not a GB/T 2260 code
    assert Region.objects.get(code="620104").code_system == "gbt2260"


def test_loader_is_idempotent(ctx):
    before = Region.objects.count()
    result = load_regions()
    assert result["created"] == 0 and result["updated"] == 0
    assert Region.objects.count() == before


@pytest.mark.parametrize("code,name", sorted(COUNTIES.items()))
def test_locate_finds_each_district_from_a_point_inside_it(code, name):
    region = Region.objects.get(code=code)
    assert region.boundary, f"{name} has a boundary"
    point = shape(region.geometry).representative_point()
    found = locate(point.x, point.y)
    assert found is not None and found.code == code


def test_locate_accepts_gcj02_and_bd09():
    region = Region.objects.get(code="620104")
    point = shape(region.geometry).representative_point()
    gcj = convert(point.x, point.y, "wgs84", "gcj02")
    bd = convert(point.x, point.y, "wgs84", "bd09")
    assert locate(*gcj, crs="gcj02").code == "620104"
    assert locate(*bd, crs="bd09").code == "620104"


def test_locate_outside_lanzhou_is_none():
    assert locate(116.397, 39.909) is None  # 北京


def test_boundaries_live_outside_the_region_row():
    from django.db import connection

    from yingji.geo.models import RegionBoundary

    columns = {f.column for f in Region._meta.concrete_fields}
    assert "boundary" not in columns
    # A join to a region (select_related) reads no polygon text.
    sql = str(Region.objects.filter(code="620104").query)
    assert "geojson" not in sql
    county = Region.objects.get(code="620104")
    assert county.boundary is not None and county.geometry["type"] in ("Polygon", "MultiPolygon")
    assert RegionBoundary.objects.filter(region=county).exists()
    township = Region.objects.filter(level="township").first()
    assert township.boundary is None and township.geometry is None
    with connection.cursor() as cursor:
        names = [
            c.name for c in connection.introspection.get_table_description(cursor, "geo_region")
        ]
    assert "boundary" not in names
