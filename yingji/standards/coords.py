"""Coordinate conversion between WGS84, GCJ-02 and BD-09, and great-circle distance.

The platform stores every coordinate as WGS84 lon/lat (DESIGN.md §1, "geometry"). Chinese web
maps do not: 高德/腾讯 tiles use GCJ-02 (国测局坐标, "Mars coordinates") and 百度 uses BD-09. These
functions convert at the edges: when a point is typed in from one of those maps, and when a stored
point is drawn on one.

Sources and confidence
----------------------
* GCJ-02: the widely published forward transform (Krasovsky 1940 ellipsoid, a = 6 378 245 m,
  e² = 0.00669342162296594323; two polynomial + sine series in (lon − 105, lat − 35)).
  Confidence HIGH in the sense that all public implementations agree on it; it is a reverse-
  engineered approximation of the official, unpublished algorithm (error of a few metres).
* BD-09: the widely published rotation with x_pi = π·3000/180 and offsets 0.0065 / 0.006.
  Confidence HIGH in the same sense.
* Both inverses (GCJ-02 → WGS84, BD-09 → GCJ-02) are solved iteratively here, not with the usual
  one-step approximation, so that a round trip is exact to well under a centimetre.

Arguments and results are always in the order (lon, lat), in decimal degrees.
"""

from __future__ import annotations

import math

__all__ = [
    "SYSTEMS",
    "EARTH_MEAN_RADIUS_M",
    "out_of_china",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "wgs84_to_bd09",
    "bd09_to_wgs84",
    "convert",
    "distance_m",
]

# --- Data -----------------------------------------------------------------------------------------

# Krasovsky 1940 ellipsoid as used by the public GCJ-02 transform (see module docstring).
KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323

# BD-09 rotation constant and offsets (see module docstring).
BD_X_PI = math.pi * 3000.0 / 180.0
BD_DLON = 0.0065
BD_DLAT = 0.006

# The rough rectangle around China used by every public GCJ-02 implementation; outside it the
# offset is not applied (GCJ-02 == WGS84). It is a box, not the border: parts of neighbouring
# countries fall inside it. Good enough for a Lanzhou platform.
CHINA_BOX = {"lon_min": 72.004, "lon_max": 137.8347, "lat_min": 0.8293, "lat_max": 55.8271}

# IUGG mean Earth radius R1, used by distance_m.
EARTH_MEAN_RADIUS_M = 6371008.8

SYSTEMS = ("wgs84", "gcj02", "bd09")

# Iteration controls for the inverse transforms. 1e-12 degrees is about 0.1 µm on the ground;
# the fixed-point iterations below contract by a factor of roughly 1e-3 per step, so a handful of
# steps reaches it.
_TOLERANCE_DEG = 1e-12
_MAX_ITERATIONS = 50


# --- Helpers --------------------------------------------------------------------------------------


def out_of_china(lon: float, lat: float) -> bool:
    """True when (lon, lat) lies outside the rough China box, where GCJ-02 equals WGS84."""
    return not (
        CHINA_BOX["lon_min"] < lon < CHINA_BOX["lon_max"]
        and CHINA_BOX["lat_min"] < lat < CHINA_BOX["lat_max"]
    )


def _series_lat(x: float, y: float) -> float:
    """Latitude series of the GCJ-02 transform; x = lon − 105, y = lat − 35 (degrees)."""
    pi = math.pi
    value = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    value += (20.0 * math.sin(6.0 * pi * x) + 20.0 * math.sin(2.0 * pi * x)) * 2.0 / 3.0
    value += (20.0 * math.sin(pi * y) + 40.0 * math.sin(pi * y / 3.0)) * 2.0 / 3.0
    value += (160.0 * math.sin(pi * y / 12.0) + 320.0 * math.sin(pi * y / 30.0)) * 2.0 / 3.0
    return value


def _series_lon(x: float, y: float) -> float:
    """Longitude series of the GCJ-02 transform; x = lon − 105, y = lat − 35 (degrees)."""
    pi = math.pi
    value = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    value += (20.0 * math.sin(6.0 * pi * x) + 20.0 * math.sin(2.0 * pi * x)) * 2.0 / 3.0
    value += (20.0 * math.sin(pi * x) + 40.0 * math.sin(pi * x / 3.0)) * 2.0 / 3.0
    value += (150.0 * math.sin(pi * x / 12.0) + 300.0 * math.sin(pi * x / 30.0)) * 2.0 / 3.0
    return value


def _gcj_offset(lon: float, lat: float) -> tuple[float, float]:
    """The GCJ-02 offset (dlon, dlat) in degrees to add to a WGS84 point (no box check)."""
    x = lon - 105.0
    y = lat - 35.0
    # The series give metres-like quantities; scale them by the meridian and parallel radii of
    # curvature of the Krasovsky ellipsoid at this latitude to turn them into degrees.
    phi = math.radians(lat)
    w2 = 1.0 - KRASOVSKY_EE * math.sin(phi) ** 2
    w = math.sqrt(w2)
    meridian_radius = KRASOVSKY_A * (1.0 - KRASOVSKY_EE) / (w2 * w)
    parallel_radius = KRASOVSKY_A / w * math.cos(phi)
    dlat = _series_lat(x, y) * 180.0 / (math.pi * meridian_radius)
    dlon = _series_lon(x, y) * 180.0 / (math.pi * parallel_radius)
    return dlon, dlat


def _check_number(lon: float, lat: float) -> tuple[float, float]:
    lon_f = float(lon)
    lat_f = float(lat)
    if not (math.isfinite(lon_f) and math.isfinite(lat_f)):
        raise ValueError(
            f"坐标必须是有限数值,实际为({lon!r}, {lat!r}) / "
            f"coordinates must be finite numbers, got ({lon!r}, {lat!r})"
        )
    return lon_f, lat_f


# --- WGS84 <-> GCJ-02 -----------------------------------------------------------------------------


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 → GCJ-02. Outside the China box the point is returned unchanged."""
    lon, lat = _check_number(lon, lat)
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → WGS84, solved by fixed-point iteration of the forward transform.

    We look for w such that w + offset(w) = g. Starting from w0 = g − offset(g), each step sets
    w ← g − offset(w). The offset changes by well under 1e-3 of a degree per degree, so this
    contracts fast; within the China box it reaches 1e-12° in a few steps.

    Outside the China box the point is returned unchanged (whether the input is outside is decided
    on the GCJ-02 point itself, which is what the caller has).
    """
    lon, lat = _check_number(lon, lat)
    if out_of_china(lon, lat):
        return lon, lat
    w_lon, w_lat = lon, lat
    for _ in range(_MAX_ITERATIONS):
        dlon, dlat = _gcj_offset(w_lon, w_lat)
        next_lon, next_lat = lon - dlon, lat - dlat
        converged = (
            abs(next_lon - w_lon) < _TOLERANCE_DEG and abs(next_lat - w_lat) < _TOLERANCE_DEG
        )
        w_lon, w_lat = next_lon, next_lat
        if converged:
            break
    return w_lon, w_lat


# --- GCJ-02 <-> BD-09 -----------------------------------------------------------------------------


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 (the public x_pi rotation plus the 0.0065 / 0.006 offsets)."""
    lon, lat = _check_number(lon, lat)
    radius = math.hypot(lon, lat) + 0.00002 * math.sin(lat * BD_X_PI)
    angle = math.atan2(lat, lon) + 0.000003 * math.cos(lon * BD_X_PI)
    return radius * math.cos(angle) + BD_DLON, radius * math.sin(angle) + BD_DLAT


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 → GCJ-02.

    The usual closed-form inverse evaluates the small sine/cosine terms at the BD-09 point instead
    of the GCJ-02 one, which leaves an error of up to about half a metre. We use it as the first
    guess and then correct by fixed-point iteration: g ← g + (b − forward(g)).
    """
    lon, lat = _check_number(lon, lat)
    x = lon - BD_DLON
    y = lat - BD_DLAT
    radius = math.hypot(x, y) - 0.00002 * math.sin(y * BD_X_PI)
    angle = math.atan2(y, x) - 0.000003 * math.cos(x * BD_X_PI)
    g_lon, g_lat = radius * math.cos(angle), radius * math.sin(angle)
    for _ in range(_MAX_ITERATIONS):
        b_lon, b_lat = gcj02_to_bd09(g_lon, g_lat)
        err_lon, err_lat = lon - b_lon, lat - b_lat
        g_lon, g_lat = g_lon + err_lon, g_lat + err_lat
        if abs(err_lon) < _TOLERANCE_DEG and abs(err_lat) < _TOLERANCE_DEG:
            break
    return g_lon, g_lat


# --- Composites -----------------------------------------------------------------------------------


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 → BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 → WGS84 (through GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS84 = {
    "wgs84": lambda lon, lat: _check_number(lon, lat),
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}
_FROM_WGS84 = {
    "wgs84": lambda lon, lat: _check_number(lon, lat),
    "gcj02": wgs84_to_gcj02,
    "bd09": wgs84_to_bd09,
}
# Direct paths that avoid a needless trip through WGS84 (and its iteration).
_DIRECT = {
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
}


def _system(name: str, role_zh: str, role_en: str) -> str:
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in SYSTEMS:
        raise ValueError(
            f"未知的{role_zh}坐标系“{name}”,应为 wgs84、gcj02 或 bd09 之一 / "
            f"unknown {role_en} coordinate system {name!r}; expected one of wgs84, gcj02, bd09"
        )
    return key


def convert(lon: float, lat: float, src: str, dst: str) -> tuple[float, float]:
    """Convert (lon, lat) from system ``src`` to system ``dst`` ("wgs84", "gcj02" or "bd09").

    Names are matched case-insensitively. An unknown name raises ValueError.
    """
    src_key = _system(src, "源", "source")
    dst_key = _system(dst, "目标", "target")
    if src_key == dst_key:
        return _check_number(lon, lat)
    direct = _DIRECT.get((src_key, dst_key))
    if direct is not None:
        return direct(lon, lat)
    return _FROM_WGS84[dst_key](*_TO_WGS84[src_key](lon, lat))


# --- Distance -------------------------------------------------------------------------------------


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine on a sphere of radius 6 371 008.8 m).

    Both points must be in the same coordinate system; the spherical model is accurate to about
    0.5 %, which is plenty for "nearest warehouse" and offset checks.
    """
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2.0) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2.0) ** 2
    return 2.0 * EARTH_MEAN_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
