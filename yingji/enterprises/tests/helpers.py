"""Shared test helpers (imported by the test modules of this folder)."""

import itertools

from shapely.geometry import shape

from yingji.geo.models import Region
from yingji.standards.ids import uscc_check_char

_counter = itertools.count(1)


def new_uscc(region_code: str = "620104") -> str:
    body = f"{next(_counter):08d}"
    first17 = "91" + region_code + body + "0"
    return first17 + uscc_check_char(first17)


def point_in(code: str) -> tuple[float, float]:
    """A WGS84 point inside a district (its representative point)."""
    p = shape(Region.objects.get(code=code).geometry).representative_point()
    return round(p.x, 6), round(p.y, 6)


def enterprise_data(name: str, code: str = "620104", **extra) -> dict:
    lon, lat = point_in(code)
    data = {
        "name": name,
        "uscc": new_uscc(code),
        "region": code,
        "sector": "machinery",
        "scale": "small",
        "employees": 50,
        "lon": lon,
        "lat": lat,
    }
    data.update(extra)
    return data
