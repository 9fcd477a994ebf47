"""Population exposure, the suggested response level and the isoseismal outlines of the rapid
earthquake estimate (standards/quake.py; data/lanzhou_population.json and
data/quake_response.json)."""

import pytest

from yingji.standards.quake import (
    ellipse,
    epicentral_km,
    exposure,
    isoseismals,
    population_table,
    response_table,
    suggest_level,
)


def test_population_per_county_adds_up_to_the_published_city_total():
    # 2010 census: the eight districts' 常住人口 must add up to the city's 3,616,163
    table = population_table()
    assert len(table["counties"]) == 8
    assert sum(table["counties"].values()) == table["city_total_2010"] == 3616163
    assert table["year"] == 2010 and "乡镇" in table["missing"]


def test_exposure_counts_each_district_at_its_degree_and_says_what_is_missing():
    rows = [("A", 8, 7), ("B", 6, 5), ("C", 6, 6), ("Z", 7, 6)]
    got = exposure(rows, {"A": 100, "B": 20, "C": 5})
    assert got["upper"] == {8: 100, 6: 25}
    assert got["lower"] == {7: 100, 5: 20, 6: 5}
    assert got["at_least"][6] == 125 and got["at_least"][7] == 100 and got["at_least"][8] == 100
    assert got["missing"] == ["Z"]


DENSE = "620102"  # 城关区: 人口密集 in the default rules
RURAL = "620123"  # 榆中县


# (Ms, degrees by county, people at ≥ degree, expected level): 国家地震应急预案 初判 thresholds
# (人口密集 6/5/4, 人口较密集 7/6/5/4) and the platform's exposure triggers
LEVELS = [
    (6.0, {DENSE: 7, RURAL: 8}, {}, "1"),  # a dense district hit (≥ Ⅶ): Ms 6 → Ⅰ
    (6.0, {DENSE: 6, RURAL: 8}, {}, "2"),  # only 榆中 hit: 较密集, Ms 6 → Ⅱ
    (5.5, {DENSE: 7}, {}, "2"),
    (4.5, {DENSE: 7}, {}, "3"),
    (4.2, {RURAL: 6}, {}, "4"),
    (3.5, {RURAL: 5}, {}, ""),
    (4.2, {RURAL: 7}, {7: 150000, 6: 150000}, "3"),  # exposure trigger lifts Ⅳ to Ⅲ
]


@pytest.mark.parametrize(("ms", "degrees", "at_least", "level"), LEVELS)
def test_suggested_level(ms, degrees, at_least, level):
    s = suggest_level(ms, degrees, at_least, names={DENSE: "城关区"})
    assert s.level == level
    assert s.reasons
    if level == "1":
        assert "城关区" in s.reasons[0] and "人口密集" in s.reasons[0]


def test_rules_are_data_the_city_replaces():
    rules = dict(response_table()) | {"hit_degree": 6}
    assert suggest_level(6.0, {DENSE: 6}, {}).level == "2"
    assert suggest_level(6.0, {DENSE: 6}, {}, rules).level == "1"


@pytest.mark.parametrize("strike", [0, 45, 120])
def test_ellipse_semi_axes_lie_along_and_across_the_strike(strike):
    centre = (104.11, 35.85)
    outline = ellipse(centre, 30, 12, strike, n=4)  # t = 0, 90°, 180°, 270°, back to 0
    assert outline[0] == outline[-1]
    assert epicentral_km(*centre, *outline[0]) == pytest.approx(30, rel=0.01)
    assert epicentral_km(*centre, *outline[1]) == pytest.approx(12, rel=0.01)
    assert epicentral_km(*centre, *outline[2]) == pytest.approx(30, rel=0.01)


def test_isoseismals_unknown_strike_give_both_bounds():
    outlines = isoseismals("gb18306_qz", 6.0, (104.11, 35.85))
    degrees = {o["degree"] for o in outlines}
    assert degrees == {5, 6, 7}  # I0 ≈ 7.9 for Ms 6.0: Ⅷ is never reached
    for d in degrees:
        upper = next(o for o in outlines if o["degree"] == d and o["bound"] == "upper")
        lower = next(o for o in outlines if o["degree"] == d and o["bound"] == "lower")
        assert upper["a_km"] > lower["a_km"] > 0
    known = isoseismals("gb18306_qz", 6.0, (104.11, 35.85), strike=120)
    assert {o["bound"] for o in known} == {"ellipse"} and all(o["a_km"] > o["b_km"] for o in known)
