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
    results = {
        tuple(draw(CANDIDATES, OFFICERS, targets=5, per_target=2, seed=s)) for s in range(20)
    }
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


# 行政执法事前公示 (国办发〔2018〕118号): what is published beforehand, each with its source
@pytest.mark.parametrize(
    "rows, part, source",
    [
        ("PUBLIC_DUTIES", "综合监督管理", "安全生产法》第十条"),
        ("PUBLIC_DUTIES", "暂时停产停业", "第六十五条第一款第(三)项"),
        ("PUBLIC_PROCEDURE", "九十日内", "第六十条"),
        ("PUBLIC_PROCEDURE", "法制审核", "第五十八条"),
        ("PUBLIC_REMEDIES", "六十日内申请行政复议", "行政复议法》(2023年修订)第二十条"),
        ("PUBLIC_REMEDIES", "六个月内", "行政诉讼法》第四十六条"),
    ],
)
def test_public_notice_items_cite_their_source(rows, part, source):
    from yingji.standards import random_draw

    table = getattr(random_draw, rows)
    assert any(part in text and source in basis for text, basis in table)
    assert all(text and basis for text, basis in table)


def test_public_notice_lists_every_item_of_118():
    from yingji.standards.random_draw import PUBLIC_ITEMS

    assert set(PUBLIC_ITEMS) == {
        "执法主体",
        "执法人员",
        "职责权限",
        "执法依据",
        "执法程序",
        "救济方式",
        "随机抽查事项清单",
    }
