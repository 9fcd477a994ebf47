"""The allocation proposal on crafted sites: nearest first, splitting, county before city,
reservations respected (callers pass what is available)."""

import pytest

from yingji.resources.allocation import Candidate, propose

# a destination at 榆中 (104.11, 35.85); sites east-west along the same parallel
DEST = {"lon": 104.11, "lat": 35.85, "county": "620123"}


def c(site, lon, available, county="620102", city=False):
    return Candidate(site, lon, 35.85, county, city, available)


def legs(p):
    return [(leg.site, leg.item, leg.quantity) for leg in p.legs]


@pytest.mark.parametrize(
    "demand, candidates, county_first, expected, shortfall",
    [
        # nearest first: site 2 is closer than site 1
        (
            {"tent": 50},
            [c(1, 103.5, {"tent": 100}), c(2, 104.0, {"tent": 100})],
            False,
            [(2, "tent", 50)],
            {},
        ),
        # splitting across sites, nearest first
        (
            {"tent": 150},
            [c(1, 103.5, {"tent": 100}), c(2, 104.0, {"tent": 100})],
            False,
            [(2, "tent", 100), (1, "tent", 50)],
            {},
        ),
        # not enough anywhere: what there is, and the shortfall
        (
            {"tent": 250},
            [c(1, 103.5, {"tent": 100}), c(2, 104.0, {"tent": 100})],
            False,
            [(2, "tent", 100), (1, "tent", 100)],
            {"tent": 50},
        ),
        # county before city: the county's own reserve though the city's is nearer
        (
            {"tent": 50},
            [
                c(1, 104.10, {"tent": 100}, "620123", city=True),
                c(2, 103.9, {"tent": 100}, "620123"),
            ],
            True,
            [(2, "tent", 50)],
            {},
        ),
        # the same without the rule: nearest
        (
            {"tent": 50},
            [
                c(1, 104.10, {"tent": 100}, "620123", city=True),
                c(2, 103.9, {"tent": 100}, "620123"),
            ],
            False,
            [(1, "tent", 50)],
            {},
        ),
        # another county's reserve is not "own" under the rule
        (
            {"tent": 50},
            [c(1, 104.05, {"tent": 100}, "620102"), c(2, 103.8, {"tent": 100}, "620123")],
            True,
            [(2, "tent", 50)],
            {},
        ),
        # reservations respected: available 0 (all reserved) is skipped
        (
            {"tent": 50},
            [c(1, 104.05, {"tent": 0}), c(2, 103.8, {"tent": 60})],
            False,
            [(2, "tent", 50)],
            {},
        ),
        # several items, each on its own
        (
            {"tent": 10, "quilt": 30},
            [c(1, 104.05, {"tent": 5, "quilt": 100}), c(2, 103.8, {"tent": 100})],
            False,
            [(1, "tent", 5), (2, "tent", 5), (1, "quilt", 30)],
            {},
        ),
    ],
)
def test_propose(demand, candidates, county_first, expected, shortfall):
    p = propose(demand, candidates, county_first=county_first, **DEST)
    assert legs(p) == expected and p.shortfall == shortfall
    assert p.complete == (not shortfall)


def test_distance_and_eta_use_the_road_factor_and_speed():
    p = propose(
        {"tent": 1},
        [c(1, 104.0, {"tent": 1})],
        road_factor=2.0,
        speed_kmh=50,
        loading_hours=0.5,
        county_first=False,
        **DEST,
    )
    (leg,) = p.legs
    assert leg.distance_km == pytest.approx(2 * 9.93, abs=0.2)  # 0.11° of longitude at 35.85°N
    assert leg.eta_hours == pytest.approx(0.5 + leg.distance_km / 50, abs=0.06)
