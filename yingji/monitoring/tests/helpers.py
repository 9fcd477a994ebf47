"""Shared helpers of the monitoring tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from shapely.geometry import shape

from yingji.geo.models import Region
from yingji.monitoring import services
from yingji.monitoring.schemas import StationIn

# a point inside each county, computed from its boundary
_POINTS: dict[str, tuple[float, float]] = {}


def point_in(county: str) -> tuple[float, float]:
    if county not in _POINTS:
        p = shape(Region.objects.get(code=county).geometry).representative_point()
        _POINTS[county] = (round(p.x, 6), round(p.y, 6))
    return _POINTS[county]


def make_station(user, code="T-RAIN-1", county="620102", kind="rain", elements=None, **extra):
    lon, lat = point_in(county)
    data = {
        "code": code,
        "name": f"测试站点{code}",
        "kind": kind,
        "lon": lon,
        "lat": lat,
        "elements": elements or [{"code": "rain"}],
        **extra,
    }
    return services.do_register_station(actor=user, data=StationIn.model_validate(data))


def base_time(hours_ago: int = 60) -> dt.datetime:
    """A whole hour in the past (local time zone), so that a crafted series ends before now."""
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    return now - dt.timedelta(hours=hours_ago)


def hourly(station, values, start=None, element="rain") -> list[dict]:
    start = start or base_time()
    return [
        {
            "station": station.code,
            "element": element,
            "time": (start + dt.timedelta(hours=i + 1)).isoformat(),
            "value": v,
        }
        for i, v in enumerate(values)
    ]


def ingest(user, records):
    return services.do_ingest_observations(actor=user, records=records, source="test")
