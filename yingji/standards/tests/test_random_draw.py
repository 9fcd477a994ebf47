"""双随机 draw (国办发〔2015〕58号; 国发〔2019〕5号; 行政处罚法第四十二条、第四十三条): reproducible
from the seed, different seeds differ, avoidance honoured, at least two officers per target."""

import pytest

from yingji.standards.random_draw import CHECK_MATTERS, DrawError, draw

CANDIDATES = list(range(100, 160))
OFFICERS = list(range(1, 13))


def test_same_seed_same_result_whatever_the_input_order():
    a = draw(CANDIDATES, OFFICERS, targets=8, per_target=2, seed=20261130)
    b = draw(list(reversed(CANDIDATES)), OFFICERS[::-1], targets=8, per_target=2, seed=20261130)
    assert a == b and len(a) == 8


def test_different_seeds_differ():
    results = {tuple(draw(CANDIDATES, OFFICERS, targets=5, per_target=2, seed=s)) for s in range(20)}
    assert len(results) == 20


@pytest.mark.parametrize("seed", range(30))
def test_avoidance_is_honoured(seed):
    conflicts = {(o, t) for t in CANDIDATES for o in (1, 2, 3) if t % 2 == 0}
    for row in draw(CANDIDATES, OFFICERS, targets=20, per_target=3, seed=seed, conflicts=conflicts):
        assert len(set(row.officers)) == 3
        assert not any((o, row.target) in conflicts for o in row.officers)


def test_too_few_officers_after_avoidance_is_refused():
    with pytest.raises(DrawError, match="不足"):
        draw([5], [1, 2], targets=1, per_target=2, seed=1, conflicts={(1, 5)})


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"per_target": 1}, "至少抽取2名"),  # 行政处罚法第四十二条
        ({"targets": 0}, "至少为1"),
    ],
)
def test_bad_requests_are_refused(kwargs, message):
    with pytest.raises(DrawError, match=message):
        draw(CANDIDATES, OFFICERS, **{"targets": 3, "per_target": 2, "seed": 1, **kwargs})


def test_load_is_spread_over_officers():
    rows = draw(CANDIDATES, OFFICERS, targets=12, per_target=2, seed=7)
    counts = {}
    for row in rows:
        for o in row.officers:
            counts[o] = counts.get(o, 0) + 1
    assert max(counts.values()) - min(counts.values()) <= 1 and len(counts) == 12


def test_every_check_matter_cites_a_basis():
    assert all(m["basis"] and m["matter"] for m in CHECK_MATTERS)
