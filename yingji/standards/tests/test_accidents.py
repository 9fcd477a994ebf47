"""Table-driven tests of 国务院令第493号 Art. 3/9/10/11/13 and 原安监总局令第21号 Art. 26."""

import datetime as dt
from decimal import Decimal

import pytest

from yingji.standards.accidents import (
    accident_grade,
    grade_label,
    is_larger_near_miss,
    reporting_clock,
)

# (deaths, serious injuries, loss in yuan, grade): the bounds of Art. 3, "以上" inclusive.
GRADES = [
    (0, 0, 0, "general"),
    (2, 9, Decimal("9999999.99"), "general"),
    (3, 0, 0, "larger"),
    (0, 10, 0, "larger"),
    (0, 0, 10_000_000, "larger"),
    (9, 49, Decimal("49999999"), "larger"),
    (10, 0, 0, "major"),
    (0, 50, 0, "major"),
    (0, 0, 50_000_000, "major"),
    (29, 99, Decimal("99999999"), "major"),
    (30, 0, 0, "especially_major"),
    (0, 100, 0, "especially_major"),
    (0, 0, 100_000_000, "especially_major"),
    (1, 0, 100_000_000, "especially_major"),  # the highest grade any criterion reaches
]


@pytest.mark.parametrize(("deaths", "injuries", "loss", "grade"), GRADES)
def test_grade_art3(deaths, injuries, loss, grade):
    assert accident_grade(deaths, injuries, loss) == grade


def test_labels_and_bad_input():
    assert grade_label("larger") == "较大事故"
    with pytest.raises(ValueError):
        accident_grade(-1, 0, 0)
    with pytest.raises(ValueError):
        accident_grade(0, 0, -5)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, False),
        ({"endangered": 9}, False),
        ({"endangered": 10}, True),
        ({"trapped_or_missing": 3}, True),
        ({"evacuated": 499}, False),
        ({"evacuated": 500}, True),
        ({"serious_pollution": True}, True),
        ({"threat_to_important_facilities": True}, True),
    ],
)
def test_larger_near_miss_art26(kwargs, expected):
    assert is_larger_near_miss(**kwargs) is expected


def test_reporting_clock():
    t = dt.datetime(2026, 7, 1, 3, 0)
    general = reporting_clock("general", t)
    assert general.unit_report_due == t + dt.timedelta(hours=1)
    assert general.pass_up_within == dt.timedelta(hours=2)
    assert general.follow_up_every == dt.timedelta(hours=24)
    assert general.supplement_until == t + dt.timedelta(days=30)
    assert "设区的市" in general.reported_up_to
    major = reporting_clock("major", t, road_or_fire=True)
    assert major.follow_up_every == dt.timedelta(hours=12)
    assert major.supplement_until == t + dt.timedelta(days=7)
    with pytest.raises(ValueError):
        reporting_clock("small", t)


# 国务院令第493号 第十二条: what a report contains, in the statute's order.
REPORT_ITEMS = [
    ("unit", "事故发生单位概况"),
    ("time_place", "事故发生的时间、地点以及事故现场情况"),
    ("course", "事故的简要经过"),
    (
        "casualties",
        "事故已经造成或者可能造成的伤亡人数(包括下落不明的人数)和初步估计的直接经济损失",
    ),
    ("measures", "已经采取的措施"),
    ("other", "其他应当报告的情况"),
]


@pytest.mark.parametrize("index,item", list(enumerate(REPORT_ITEMS)))
def test_report_contents_of_article_12(index, item):
    from yingji.standards.accidents import REPORT_CONTENTS

    assert len(REPORT_CONTENTS) == len(REPORT_ITEMS)
    assert REPORT_CONTENTS[index] == item
