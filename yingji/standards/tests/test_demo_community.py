"""综合减灾示范社区 criteria: 国减发〔2020〕2号 第五条 (基本条件 + 基本要素 ≥ 80分), the
workflow of 第六至九条 and the 10–12月 督查 of the work points' T54."""

import datetime as dt

import pytest

from yingji.standards import demo_community as dc

ALL_MET = {"satisfaction": True, "no_major_accident": True, "plan_and_drill": True}


def full_marks():
    return {e["code"]: e["max"] for e in dc.criteria()["elements"]}


def test_the_elements_add_up_to_100_and_the_pass_mark_is_80():
    table = dc.criteria()
    assert sum(e["max"] for e in table["elements"]) == 100
    assert table["pass_mark"]["value"] == 80  # 第五条


@pytest.mark.parametrize(
    ("drop", "passed"),
    [(0, True), (20, True), (21, False)],  # 100, 80 (the mark itself passes), 79
)
def test_the_total_against_the_pass_mark(drop, passed):
    scores = full_marks()
    scores["plans_drills"] -= min(drop, 15)
    scores["education"] -= max(drop - 15, 0)
    result = dc.assess(ALL_MET, scores)
    assert result.total == 100 - drop
    assert result.passed is passed
    assert result.errors == []


def test_an_unmet_condition_fails_whatever_the_score():
    result = dc.assess({**ALL_MET, "no_major_accident": False}, full_marks())
    assert result.total == 100
    assert not result.passed
    assert result.unmet == ["社区近3年内没有发生因灾造成的较大事故"]


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        (
            {"organisation": 11},
            "“组织管理(领导机构、工作制度、网格化管理、经费投入、保险、工作档案)”的得分须在0至10分之间,填报11分。",
        ),
        ({"organisation": -1}, "须在0至10分之间,填报-1分"),
        ({"organisation": 2.5}, "的得分须为整数"),
        ({"bogus": 3}, "未知的评分项“bogus”"),
    ],
)
def test_bad_scores_are_errors(scores, message):
    result = dc.assess(ALL_MET, {**full_marks(), **scores})
    assert not result.passed
    assert any(message in e for e in result.errors)


def test_a_missing_score_or_condition_is_an_error():
    scores = full_marks()
    del scores["teams"]
    result = dc.assess({"satisfaction": True}, scores)
    assert any("未评分" in e for e in result.errors)
    assert sum("未填写是否具备" in e for e in result.errors) == 2


def test_the_pass_mark_is_a_setting():
    table = dc.criteria({"pass_mark": 90})
    scores = full_marks()
    scores["education"] = 5  # 90
    assert dc.assess(ALL_MET, scores, table).passed
    scores["education"] = 4  # 89
    assert not dc.assess(ALL_MET, scores, table).passed


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("applied", "county_pass", "county_passed"),
        ("applied", "county_return", "returned"),
        ("returned", "resubmit", "applied"),
        ("county_passed", "name", "named"),
        ("county_passed", "reject", "rejected"),
        ("named", "recheck_keep", "named"),
        ("named", "revoke", "revoked"),
    ],
)
def test_allowed_transitions(status, action, after):
    assert dc.next_status(status, action) == after


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("applied", "name"),
        ("revoked", "recheck_keep"),
        ("rejected", "resubmit"),
        ("named", "county_pass"),
    ],
)
def test_refused_transitions_say_why(status, action):
    with pytest.raises(ValueError, match="的申报不能"):
        dc.next_status(status, action)


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (dt.date(2022, 9, 30), False),
        (dt.date(2022, 10, 1), True),
        (dt.date(2022, 12, 31), True),
        (dt.date(2023, 1, 1), False),
    ],
)
def test_the_inspection_window_is_october_to_december(day, inside):
    assert dc.in_inspection_window(day) is inside
