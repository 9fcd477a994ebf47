"""Tests for yingji.standards.coords (WGS84 ⇄ GCJ-02 ⇄ BD-09, haversine distance)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.standards import coords
from yingji.standards.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    convert,
    distance_m,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# The 兰州 bounding box of the brief: lon 102.5–104.7, lat 35.5–37.2.
LANZHOU_LON = st.floats(min_value=102.5, max_value=104.7, allow_nan=False, allow_infinity=False)
LANZHOU_LAT = st.floats(min_value=35.5, max_value=37.2, allow_nan=False, allow_infinity=False)

ONE_METRE = 1.0
ONE_CENTIMETRE = 0.01


# --- Published vectors ----------------------------------------------------------------------------
# Source: wandergis/coordtransform, test/app.js — its printed results for the input
# (116.404, 39.915). Its forward transforms are the same public formulas as ours, so they must
# agree to floating-point precision. Its inverses are the one-step approximations (not iterated);
# ours are iterated, so those are compared within a metre only.
FORWARD_VECTORS = [
    # (function, input, published output, source)
    (
        wgs84_to_gcj02,
        (116.404, 39.915),
        (116.41024449916938, 39.91640428150164),
        "wandergis/coordtransform test/app.js: wgs84togcj02",
    ),
    (
        gcj02_to_bd09,
        (116.404, 39.915),
        (116.41036949371029, 39.92133699351021),
        "wandergis/coordtransform test/app.js: gcj02tobd09",
    ),
]
APPROXIMATE_INVERSE_VECTORS = [
    (
        gcj02_to_wgs84,
        (116.404, 39.915),
        (116.39775550083061, 39.91359571849836),
        "wandergis/coordtransform test/app.js: gcj02towgs84 (one-step approximation)",
    ),
    (
        bd09_to_gcj02,
        (116.404, 39.915),
        (116.39762729119315, 39.90865673957631),
        "wandergis/coordtransform test/app.js: bd09togcj02 (one-step approximation)",
    ),
]


@pytest.mark.parametrize(("func", "point", "expected", "source"), FORWARD_VECTORS)
def test_forward_matches_published_vector(func, point, expected, source):
    lon, lat = func(*point)
    assert lon == pytest.approx(expected[0], abs=1e-9), source
    assert lat == pytest.approx(expected[1], abs=1e-9), source


@pytest.mark.parametrize(("func", "point", "expected", "source"), FORWARD_VECTORS)
def test_published_forward_output_converts_back(func, point, expected, source):
    inverse = {wgs84_to_gcj02: gcj02_to_wgs84, gcj02_to_bd09: bd09_to_gcj02}[func]
    back = inverse(*expected)
    assert distance_m(*point, *back) < ONE_CENTIMETRE, source


@pytest.mark.parametrize(("func", "point", "expected", "source"), APPROXIMATE_INVERSE_VECTORS)
def test_inverse_close_to_published_approximation(func, point, expected, source):
    result = func(*point)
    # The one-step approximation is off by a few decimetres at most; a real bug would be off by
    # hundreds of metres (the size of the offset itself).
    assert distance_m(*result, *expected) < ONE_METRE, source


# --- Round trips over the 兰州 box (property tests) ------------------------------------------------


@settings(max_examples=300)
@given(lon=LANZHOU_LON, lat=LANZHOU_LAT)
def test_wgs84_gcj02_round_trip_in_lanzhou(lon, lat):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert distance_m(lon, lat, *back) < ONE_CENTIMETRE


@settings(max_examples=300)
@given(lon=LANZHOU_LON, lat=LANZHOU_LAT)
def test_wgs84_bd09_round_trip_in_lanzhou(lon, lat):
    back = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert distance_m(lon, lat, *back) < ONE_CENTIMETRE


@settings(max_examples=300)
@given(lon=LANZHOU_LON, lat=LANZHOU_LAT)
def test_gcj02_bd09_round_trip_in_lanzhou(lon, lat):
    back = bd09_to_gcj02(*gcj02_to_bd09(lon, lat))
    assert distance_m(lon, lat, *back) < ONE_CENTIMETRE


@settings(max_examples=300)
@given(lon=LANZHOU_LON, lat=LANZHOU_LAT)
def test_gcj02_offset_in_lanzhou_is_plausible(lon, lat):
    # GCJ-02 shifts points by a few hundred metres in mainland China (well-known magnitude;
    # the brief asks for 100 m – 1 000 m inside the 兰州 box).
    offset = distance_m(lon, lat, *wgs84_to_gcj02(lon, lat))
    assert 100.0 < offset < 1000.0


@settings(max_examples=100)
@given(lon=LANZHOU_LON, lat=LANZHOU_LAT)
def test_bd09_differs_from_gcj02_by_the_baidu_offset(lon, lat):
    # BD-09 adds roughly (0.0065°, 0.006°) to GCJ-02: several hundred metres, never zero.
    gcj = wgs84_to_gcj02(lon, lat)
    shift = distance_m(*gcj, *gcj02_to_bd09(*gcj))
    assert 300.0 < shift < 1500.0


# --- A fixed table of 兰州 points, converted and converted back ------------------------------------
# Source: points picked by hand inside the 兰州 box of the brief (rough positions of 城关区 centre,
# 西固区 petrochemical area, 红古区, 永登县, 榆中县); only round-trip and consistency are asserted.
LANZHOU_POINTS = [
    ("城关区", 103.834, 36.061),
    ("西固区", 103.628, 36.088),
    ("红古区", 102.859, 36.345),
    ("永登县", 103.261, 36.736),
    ("榆中县", 104.112, 35.843),
]
PAIRS = [(src, dst) for src in coords.SYSTEMS for dst in coords.SYSTEMS]


@pytest.mark.parametrize(("name", "lon", "lat"), LANZHOU_POINTS)
@pytest.mark.parametrize(("src", "dst"), PAIRS)
def test_convert_table_round_trip(name, lon, lat, src, dst):
    there = convert(lon, lat, src, dst)
    back = convert(*there, dst, src)
    assert distance_m(lon, lat, *back) < ONE_CENTIMETRE, name
    if src == dst:
        assert there == (lon, lat)
    else:
        assert distance_m(lon, lat, *there) > 100.0, name


@pytest.mark.parametrize(("name", "lon", "lat"), LANZHOU_POINTS)
def test_convert_agrees_with_named_functions(name, lon, lat):
    assert convert(lon, lat, "wgs84", "gcj02") == wgs84_to_gcj02(lon, lat)
    assert convert(lon, lat, "gcj02", "wgs84") == gcj02_to_wgs84(lon, lat)
    assert convert(lon, lat, "gcj02", "bd09") == gcj02_to_bd09(lon, lat)
    assert convert(lon, lat, "bd09", "gcj02") == bd09_to_gcj02(lon, lat)
    assert convert(lon, lat, "WGS84", "BD09") == wgs84_to_bd09(lon, lat)
    assert convert(lon, lat, "bd09", "wgs84") == bd09_to_wgs84(lon, lat)


# --- Outside China ---------------------------------------------------------------------------------
# Source: the rough box 72.004–137.8347 °E, 0.8293–55.8271 °N used by the public GCJ-02 code;
# the points are ordinary city coordinates well outside it.
OUTSIDE_POINTS = [
    ("Paris", 2.3522, 48.8566),
    ("Tokyo", 139.6917, 35.6895),
    ("Sydney", 151.2093, -33.8688),
    ("Moscow", 37.6173, 55.7558),
]


@pytest.mark.parametrize(("name", "lon", "lat"), OUTSIDE_POINTS)
def test_out_of_china_passes_through(name, lon, lat):
    assert out_of_china(lon, lat), name
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
    assert convert(lon, lat, "wgs84", "gcj02") == (lon, lat)


@pytest.mark.parametrize(("name", "lon", "lat"), LANZHOU_POINTS)
def test_lanzhou_is_inside_china_box(name, lon, lat):
    assert not out_of_china(lon, lat), name


# --- Bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("src", "dst"), [("wgs-84", "gcj02"), ("gcj02", "mercator"), ("", "bd09")])
def test_unknown_system_raises_with_clear_message(src, dst):
    with pytest.raises(ValueError, match="未知的.*坐标系") as excinfo:
        convert(103.8, 36.0, src, dst)
    assert "wgs84, gcj02, bd09" in str(excinfo.value)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_coordinates_raise(bad):
    with pytest.raises(ValueError):
        wgs84_to_gcj02(bad, 36.0)


# --- Distance ---------------------------------------------------------------------------------------


def test_distance_one_degree_of_latitude():
    # On a sphere of radius 6 371 008.8 m (IUGG mean radius R1), 1° of arc = π·R/180 = 111 195.08 m.
    expected = math.pi * 6371008.8 / 180.0
    assert distance_m(103.8, 36.0, 103.8, 37.0) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(111195.08, abs=0.01)


def test_distance_is_symmetric_and_zero_on_same_point():
    a = (103.834, 36.061)
    b = (103.628, 36.088)
    assert distance_m(*a, *a) == 0.0
    assert distance_m(*a, *b) == pytest.approx(distance_m(*b, *a), rel=1e-15)
