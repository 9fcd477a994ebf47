"""The pure similarity functions: TF-IDF over jieba words, cosine, and the ranking with its
reasons."""

import pytest

from yingji.cases.similarity import cosine, idf, profile, rank, vector


def test_a_rare_word_weighs_more_than_a_common_one():
    pool = [
        profile(1, "-", "-", "事故 硫化氢"),
        profile(2, "-", "-", "事故 动火"),
        profile(3, "-", "-", "事故 坍塌"),
    ]
    weights = idf(pool)
    assert weights["硫化氢"] > weights["事故"]


def test_cosine_of_identical_and_disjoint_texts():
    weights = {}
    a = vector(profile(1, "-", "-", "储罐区动火作业"), weights)
    b = vector(profile(2, "-", "-", "脚手架高处坠落"), weights)
    assert cosine(a, a) == pytest.approx(1.0)
    assert cosine(a, b) == 0.0


def test_a_near_duplicate_ranks_first_with_reasons():
    target = profile(1, "fire", "hazchem", "储罐区动火作业未检测可燃气体引发火灾")
    twin = profile(2, "fire", "hazchem", "储罐区动火作业未检测可燃气体引发火灾事故")
    same_type = profile(3, "fire", "trade", "商场电气线路短路起火")
    words_only = profile(4, "poisoning", "light", "储罐区动火作业")
    unrelated = profile(5, "fall", "construction", "脚手架高处坠落")
    ranked = rank(target, [unrelated, words_only, same_type, twin, target])
    assert ranked[0].key == 2 and "事故类型相同" in ranked[0].reasons
    assert "行业相同" in ranked[0].reasons
    assert "气体" in ranked[0].words and "共同关键词" in ranked[0].reasons[-1]  # named
    assert [m.key for m in ranked].index(4) < [m.key for m in ranked].index(3)  # words count
    assert 1 not in [m.key for m in ranked]  # never itself
    assert 5 not in [m.key for m in ranked]  # nothing in common: below the floor


def test_a_target_without_type_or_industry_matches_on_words_only():
    hazard = profile("hazard", "-", "-", "储罐区动火作业未办理作业票")
    ranked = rank(hazard, [profile(1, "-", "-", "动火作业未办理作业票"), profile(2, "-", "x", "")])
    assert [m.key for m in ranked] == [1]
    assert not any(r in ranked[0].reasons for r in ("事故类型相同", "行业相同"))
