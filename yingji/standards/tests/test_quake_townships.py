"""Township intensity (standards-digest §10.4 applied per township): at the township's seat when
its coordinates are known, else the range over its county's sample points. Worked example: an
Ms 6.0 near 榆中县城 (the digest's §10.3 sanity table gives the values at 30 and 50 km)."""

import pytest

from yingji.standards.quake import estimate_point, estimate_township, intensity

YUZHONG = (104.11, 35.85)  # the worked example's epicentre: 榆中县城
KM_PER_DEG_LAT = 6371.0088 * 3.141592653589793 / 180


def north_of(point, km):
    return (point[0], point[1] + km / KM_PER_DEG_LAT)


# (model, seat's distance north of the epicentre km, upper, lower, roman) — the upper/lower
# values at 30 and 50 km are the digest's §10.3 sanity rows for Ms 6.0; at 0 km the epicentral
# intensity computed by hand from the §10.1/§10.2 coefficients (GB 青藏区: 6.4580 + 1.2746·6 −
# 4.4709·lg25 = 7.86 long, 3.3682 + 1.2746·6 − 3.3119·lg9 = 7.86 short; 汪素云: 5.643 + 1.538·6 −
# 2.109·ln25 = 8.08, 2.941 + 1.363·6 − 1.494·ln7 = 8.21).
SEATED = [
    ("gb18306_qz", 0, 7.86, 7.86, "Ⅷ"),
    ("wang2000_west", 0, 8.08, 8.21, "Ⅷ"),
    ("gb18306_qz", 30, 6.3, 5.75, "Ⅵ"),
    ("wang2000_west", 30, 6.4, 5.7, "Ⅵ"),
    ("gb18306_qz", 50, 5.7, 5.2, "Ⅴ–Ⅵ"),
    ("wang2000_west", 50, 5.8, 5.1, "Ⅴ–Ⅵ"),
]


@pytest.mark.parametrize(("model", "km", "upper", "lower", "roman"), SEATED)
def test_a_seated_township_takes_the_value_at_its_seat(model, km, upper, lower, roman):
    e = estimate_township(model, 6.0, YUZHONG, north_of(YUZHONG, km))
    assert e.basis == "seat"
    assert e.distance_km == pytest.approx(km, abs=0.05)
    assert e.upper == pytest.approx(upper, abs=0.06)
    assert e.lower == pytest.approx(lower, abs=0.06)
    assert e.roman == roman


def test_without_a_seat_the_township_gets_its_county_range():
    # the county reaches the epicentre (Ⅷ) and extends to 50 km (short axis 5.2: Ⅴ)
    county = [YUZHONG, north_of(YUZHONG, 20), north_of(YUZHONG, 50)]
    e = estimate_township("gb18306_qz", 6.0, YUZHONG, None, county)
    assert e.basis == "county" and e.distance_km is None
    assert e.upper == pytest.approx(intensity("gb18306_qz", "long", 6.0, 0.0))
    far = estimate_point("gb18306_qz", 6.0, YUZHONG, county[-1])
    assert e.lower == pytest.approx(far.lower)
    assert (e.low_degree, e.degree, e.roman) == (5, 8, "Ⅴ–Ⅷ")


def test_a_seat_wins_over_the_county_range():
    county = [YUZHONG, north_of(YUZHONG, 50)]
    seat = north_of(YUZHONG, 30)
    e = estimate_township("gb18306_qz", 6.0, YUZHONG, seat, county)
    assert e.basis == "seat" and e.degree == 6


def test_known_strike_gives_one_degree_at_the_seat():
    # 30 km north: on the long axis of a N0°E strike (Ⅵ), on the short axis of N90°E (Ⅴ)
    seat = north_of(YUZHONG, 30)
    along = estimate_township("gb18306_qz", 6.0, YUZHONG, seat, strike=0)
    across = estimate_township("gb18306_qz", 6.0, YUZHONG, seat, strike=90)
    assert (along.degree, along.low_degree, along.roman) == (6, 6, "Ⅵ")
    assert (across.degree, across.roman) == (5, "Ⅴ")


def test_nothing_to_estimate_without_seat_or_county():
    assert estimate_township("gb18306_qz", 6.0, YUZHONG, None, []) is None


def test_below_one_degree_reads_as_a_dash():
    e = estimate_township("gb18306_qz", 3.0, YUZHONG, north_of(YUZHONG, 400))
    assert e.degree == 0 and e.roman == "—"
