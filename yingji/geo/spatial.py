"""Spatial helpers: which district contains a point (shapely STRtree over the boundaries)."""

from __future__ import annotations

import json
import threading

from shapely import STRtree
from shapely.geometry import Point, shape

from yingji.standards.coords import convert

from .models import Region, RegionBoundary

_lock = threading.Lock()
_index: tuple[STRtree, list[int]] | None = None


def reset_locator() -> None:
    global _index
    with _lock:
        _index = None


def _get_index() -> tuple[STRtree, list[int]]:
    global _index
    with _lock:
        if _index is None:
            rows = list(RegionBoundary.objects.values_list("region_id", "geojson"))
            _index = (
                STRtree([shape(json.loads(b)) for _, b in rows]),
                [pk for pk, _ in rows],
            )
        return _index


def locate(lon: float, lat: float, crs: str = "wgs84") -> Region | None:
    """The region with a boundary (district/county) containing the point, or None."""
    if crs != "wgs84":
        lon, lat = convert(lon, lat, crs, "wgs84")
    tree, pks = _get_index()
    if not pks:
        return None
    hits = tree.query(Point(lon, lat), predicate="intersects")
    if len(hits) == 0:
        return None
    return Region.objects.get(pk=pks[int(hits[0])])


def boundaries_geojson(regions) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": r.code,
                "properties": {
                    "code": r.code,
                    "name": r.name,
                    "level": r.level,
                    "centroid": [r.centroid_lon, r.centroid_lat],
                },
                "geometry": r.geometry,
            }
            for r in regions
            if r.boundary
        ],
    }
