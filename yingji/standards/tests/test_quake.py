"""Table-driven tests of the rapid intensity estimate against standards-digest §10.3 (the sanity
table of the GB 18306-2015 青藏区 relation and 汪素云等 2000 western China, long / short axis)."""

import pytest

from yingji.standards.quake import (
    epicentral_km,
    estimate_point,
    estimate_region,
    intensity,
    semi_axis,
)

# (Ms, R km, GB 18306 青藏区 long, short, 汪素云 2000 long, short): digest §10.3, 1 decimal
SANITY = [
    (5.0, 10, 5.9, 5.5, 5.8, 5.5),
    (6.0, 30, 6.3, 5.8, 6.4, 5.7),
    (6.0, 50, 5.7, 5.2, 5.8, 5.1),
    (7.0, 50, 7.0, 6.4, 7.3, 6.4),
    (7.0, 100, 6.0, 5.5, 6.2, 5.5),
]


# The digest's table is to one decimal; its (6.0, 30) GB short-axis 5.8 is 5.746 computed, so
# the tolerance is 0.06 rather than 0.05.
TOLERANCE = 0.06


@pytest.mark.parametrize(("m", "r", "gl", "gs", "wl", "ws"), SANITY)
def test_sanity_table(m, r, gl, gs, wl, ws):
    assert intensity("gb18306_qz", "long", m, r) == pytest.approx(gl, abs=TOLERANCE)
    assert intensity("gb18306_qz", "short", m, r) == pytest.approx(gs, abs=TOLERANCE)
    assert intensity("wang2000_west", "long", m, r) == pytest.approx(wl, abs=TOLERANCE)
    assert intensity("wang2000_west", "short", m, r) == pytest.approx(ws, abs=TOLERANCE)


@pytest.mark.parametrize(("model", "i0"), [("gb18306_qz", 8.49), ("wang2000_west", 8.85)])
def test_epicentral_intensity_of_m65(model, i0):
    # digest §10.1/§10.2: M6.5 at R = 0 gives 8.49 (青藏区) and I_a = 8.85 (汪 2000)
    assert intensity(model, "long", 6.5, 0) == pytest.approx(i0, abs=0.01)


@pytest.mark.parametrize("model", ["gb18306_qz", "gb18306_zb", "wang2000_west"])
@pytest.mark.parametrize("axis", ["long", "short"])
def test_inversion_round_trip(model, axis):
    r = semi_axis(model, axis, 6.0, 6.0)
    assert r > 0 and intensity(model, axis, 6.0, r) == pytest.approx(6.0, abs=1e-9)
    assert semi_axis(model, axis, 4.0, 11.0) == 0  # never reached


def test_distance():
    # 兰州 (103.83, 36.06) to 榆中 (104.11, 35.85): about 34 km
    assert epicentral_km(103.83, 36.06, 104.11, 35.85) == pytest.approx(34, abs=1.5)
    assert epicentral_km(104.0, 36.0, 104.0, 36.0) == 0


YUZHONG = (104.11, 35.85)  # worked example: Ms 6.0 near 榆中县城


def test_unknown_strike_gives_bounds():
    e = estimate_point("gb18306_qz", 6.0, YUZHONG, (103.83, 36.06))  # 城关, ~34 km
    assert e.lower < e.upper
    assert e.upper == pytest.approx(intensity("gb18306_qz", "long", 6.0, e.distance_km))
    assert e.degree == round(e.upper) and e.roman in ("Ⅵ", "Ⅶ")


def test_known_strike_uses_the_ellipse():
    # a point 30 km east of the epicentre: along a N90°E strike it lies on the long axis
    # (a(Ⅵ) ≈ 40 km: Ⅵ) and across a N0°E strike on the short axis (b(Ⅵ) ≈ 24 km: Ⅴ)
    east = (YUZHONG[0] + 30 / (111.2 * 0.81), YUZHONG[1])
    along = estimate_point("gb18306_qz", 6.0, YUZHONG, east, strike=90)
    across = estimate_point("gb18306_qz", 6.0, YUZHONG, east, strike=0)
    assert (along.degree, across.degree) == (6, 5)
    unknown = estimate_point("gb18306_qz", 6.0, YUZHONG, east)
    assert round(unknown.lower) <= across.degree + 1 and along.degree <= round(unknown.upper)


def test_region_takes_the_highest_point():
    far, near = (103.0, 36.5), (104.1, 35.86)
    e = estimate_region("wang2000_west", 6.0, YUZHONG, [far, near])
    assert e.upper == estimate_point("wang2000_west", 6.0, YUZHONG, near).upper
    assert e.distance_km < 2


def test_capped_at_twelve():
    assert estimate_point("wang2000_west", 9.5, YUZHONG, YUZHONG).upper == 12
