"""Spatial helpers: which district contains a point (shapely STRtree over the boundaries)."""

from __future__ import annotations

import gzip
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
        _static_boundaries.clear()


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


# --- Map layers: slim GeoJSON, cached per scope and invalidated by a cheap change stamp -------


def round_coord(value: float) -> float:
    """5 decimals ≈ 1 m: enough for a map point, a third of the bytes."""
    return round(value, 5)


def change_stamp(*models) -> tuple:
    """(row count, last updated_at) of each table: any create, save or delete changes it.
    (``QuerySet.update()`` does not touch updated_at; services save rows, so it is enough.)"""
    from django.db.models import Count, Max

    stamp = []
    for model in models:
        names = {f.name for f in model._meta.concrete_fields}
        agg = {"n": Count("pk")}
        if "updated_at" in names:
            agg["t"] = Max("updated_at")
        row = model._base_manager.aggregate(**agg)
        stamp.append((model._meta.label, row["n"], str(row.get("t"))))
    return tuple(stamp)


def cached_layer(name: str, request, filters: dict, models, build):
    """The layer as JSON bytes in an HttpResponse, built by ``build()`` only when the user's scope,
    the filters or the change stamp of ``models`` differ from the cached copy; gzip-encoded when
    the client accepts it."""
    user = request.user
    import dataclasses
    import hashlib

    from django.core.cache import cache
    from django.core.serializers.json import DjangoJSONEncoder
    from django.http import HttpResponse
    from django.utils import timezone

    from yingji.core.permissions import scope_of

    stamp = change_stamp(*models)
    # Shared by the users whose scopes are the same apart from who they are (everyone in one
    # section, one county bureau, one enterprise): map layers are restricted by roles, units
    # and jurisdictions, never by the user (tests/test_layer_cache.py checks it for each layer).
    # The day is in the key too: a layer of "the last 90 days" changes at midnight.
    shared = dataclasses.replace(scope_of(user), user_id=None, labels=())
    key_src = repr((name, shared, sorted(filters.items()), stamp, timezone.localdate()))
    key = "layer:" + hashlib.sha256(key_src.encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        body = json.dumps(
            build(), ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
        ).encode()
        # Compressed once per cache entry, not per request (a city-wide layer: ~2 MB → ~0.2 MB).
        cached = (body, gzip.compress(body, compresslevel=6, mtime=0))
        cache.set(key, cached, 600)
    body, zipped = cached
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(zipped, content_type="application/json; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Vary"] = "Accept-Encoding, Cookie"
    return response


_static_boundaries: dict[str, dict] = {}


def county_geometries() -> dict[str, dict]:
    """code → decoded boundary of every county, decoded once per process (boundaries are
    reference data; the loader calls ``reset_locator`` which clears this too)."""
    with _lock:
        if not _static_boundaries:
            rows = RegionBoundary.objects.filter(region__level="county").values_list(
                "region__code", "geojson"
            )
            _static_boundaries.update({code: json.loads(text) for code, text in rows})
        return _static_boundaries
