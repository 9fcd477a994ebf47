"""Approximate outlines for functional zones without a boundary in the bundled data (兰州新区,
620171): the convex hull of its townships' approximate seats (``data/approximate-zone-
outlines.csv``), buffered by about 5 km. For display only (the risk map's shading), always
labelled as approximate; never used to locate a point (``locate()`` uses real boundaries)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "approximate-zone-outlines.csv"
BUFFER_DEG = 0.05  # about 5 km at Lanzhou's latitude
NOTE = "示意范围:按所辖乡镇驻地的凸包外扩约 5 公里生成,非法定边界"


@lru_cache(maxsize=1)
def _points() -> dict[str, list[tuple[float, float]]]:
    points: dict[str, list[tuple[float, float]]] = {}
    with DATA.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            points.setdefault(row["zone_code"], []).append((float(row["lon"]), float(row["lat"])))
    return points


@lru_cache(maxsize=16)
def approximate_outline(code: str) -> dict | None:
    """GeoJSON geometry (WGS84) of the approximate outline of zone ``code``, or None."""
    from shapely.geometry import MultiPoint, mapping

    points = _points().get(code)
    if not points:
        return None
    shape = MultiPoint(points).convex_hull.buffer(BUFFER_DEG, quad_segs=4).simplify(0.005)
    geometry = mapping(shape)
    return {
        "type": geometry["type"],
        "coordinates": [
            [list(map(lambda v: round(v, 5), xy)) for xy in ring]
            for ring in geometry["coordinates"]
        ],
    }


def approximate_codes() -> list[str]:
    return sorted(_points())


def approximate_seats() -> dict[str, list[tuple[str, float, float]]]:
    """zone code → [(township name, lon, lat)] of the approximate township seats the outlines are
    built from (±5 km, LOW): for display and rough estimates that say so, never to locate."""
    out: dict[str, list[tuple[str, float, float]]] = {}
    with DATA.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["zone_code"], []).append(
                (row["point"], float(row["lon"]), float(row["lat"]))
            )
    return out
