"""The pure similarity functions: bigrams, Jaccard and the ranking with its reasons."""

import pytest

from yingji.cases.similarity import bigrams, jaccard, profile, rank


@pytest.mark.parametrize(
    "text, expected",
    [
        ("动火作业", {"动火", "火作", "作业"}),
        ("火灾,爆炸", {"火灾", "爆炸"}),  # punctuation breaks runs
        ("H2S中毒", {"h2s", "中毒"}),
        ("", set()),
        ("火", {"火"}),
    ],
)
def test_bigrams(text, expected):
    assert bigrams(text) == expected


def test_jaccard():
    assert jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_a_near_duplicate_ranks_first_with_reasons():
    target = profile(1, "fire", "hazchem", "储罐区动火作业未检测可燃气体引发火灾")
    twin = profile(2, "fire", "hazchem", "储罐区动火作业未检测可燃气体引发火灾事故")
    same_type = profile(3, "fire", "trade", "商场电气线路短路起火")
    words_only = profile(4, "poisoning", "light", "储罐区动火作业")
    unrelated = profile(5, "fall", "construction", "脚手架高处坠落")
    ranked = rank(target, [unrelated, words_only, same_type, twin, target])
    assert ranked[0].key == 2 and "事故类型相同" in ranked[0].reasons
    assert "行业相同" in ranked[0].reasons
    assert 1 not in [m.key for m in ranked]  # never itself
    assert 5 not in [m.key for m in ranked]  # nothing in common: below the floor
