"""Period boundaries of the 研判简报 (pure): ISO weeks Monday–Sunday, calendar months and
quarters, the 环比 (previous) and 同比 (same period last year) periods, and the 增减 text."""

import datetime as dt

import pytest

from yingji.reports.periods import change, last_completed, period_of, starts_today

D = dt.date


@pytest.mark.parametrize(
    "kind, day, start, end, label",
    [
        (
            "week",
            D(2026, 11, 30),
            D(2026, 11, 30),
            D(2026, 12, 6),
            "2026年第49周(11月30日—12月6日)",
        ),
        ("week", D(2026, 12, 6), D(2026, 11, 30), D(2026, 12, 6), None),  # Sunday ends it
        ("week", D(2027, 1, 1), D(2026, 12, 28), D(2027, 1, 3), "2026年第53周(12月28日—1月3日)"),
        # the 安全生产周调度 runs over the same ISO week
        (
            "dispatch",
            D(2026, 12, 2),
            D(2026, 11, 30),
            D(2026, 12, 6),
            "2026年第49周(11月30日—12月6日)",
        ),
        ("month", D(2024, 2, 15), D(2024, 2, 1), D(2024, 2, 29), "2024年2月"),  # leap year
        ("month", D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31), "2026年12月"),
        ("quarter", D(2026, 11, 30), D(2026, 10, 1), D(2026, 12, 31), "2026年第四季度"),
        ("quarter", D(2026, 3, 31), D(2026, 1, 1), D(2026, 3, 31), "2026年第一季度"),
        ("quarter", D(2026, 4, 1), D(2026, 4, 1), D(2026, 6, 30), "2026年第二季度"),
    ],
)
def test_it_bounds_each_period(kind, day, start, end, label):
    p = period_of(kind, day)
    assert (p.start, p.end) == (start, end)
    if label:
        assert p.label == label


@pytest.mark.parametrize(
    "kind, day, prev, yoy",
    [
        (
            "week",
            D(2026, 11, 25),
            (D(2026, 11, 16), D(2026, 11, 22)),
            (D(2025, 11, 24), D(2025, 11, 30)),
        ),
        (
            "week",
            D(2026, 12, 30),
            (D(2026, 12, 21), D(2026, 12, 27)),
            (D(2025, 12, 22), D(2025, 12, 28)),
        ),  # week 53 → 52
        (
            "dispatch",
            D(2026, 12, 30),
            (D(2026, 12, 21), D(2026, 12, 27)),
            (D(2025, 12, 22), D(2025, 12, 28)),
        ),
        (
            "month",
            D(2026, 1, 10),
            (D(2025, 12, 1), D(2025, 12, 31)),
            (D(2025, 1, 1), D(2025, 1, 31)),
        ),
        ("month", D(2024, 3, 10), (D(2024, 2, 1), D(2024, 2, 29)), (D(2023, 3, 1), D(2023, 3, 31))),
        (
            "quarter",
            D(2026, 2, 1),
            (D(2025, 10, 1), D(2025, 12, 31)),
            (D(2025, 1, 1), D(2025, 3, 31)),
        ),
    ],
)
def test_it_finds_the_previous_and_last_years_period(kind, day, prev, yoy):
    p = period_of(kind, day)
    assert (p.previous().start, p.previous().end) == prev
    assert (p.same_last_year().start, p.same_last_year().end) == yoy
    assert p.previous().days in (7, 28, 29, 30, 31, 90, 91, 92)


def test_it_knows_when_a_period_starts_and_which_one_is_last_completed():
    assert starts_today("week", D(2026, 11, 30)) and not starts_today("week", D(2026, 12, 1))
    assert starts_today("month", D(2026, 12, 1)) and not starts_today("month", D(2026, 11, 30))
    assert starts_today("quarter", D(2026, 10, 1)) and not starts_today("quarter", D(2026, 11, 1))
    assert last_completed("quarter", D(2026, 10, 1)).start == D(2026, 7, 1)
    assert last_completed("week", D(2026, 11, 30)).end == D(2026, 11, 29)
    assert starts_today("dispatch", D(2026, 11, 30)) and not starts_today(
        "dispatch", D(2026, 12, 1)
    )
    assert last_completed("dispatch", D(2026, 11, 30)).kind == "dispatch"


def test_it_writes_the_change():
    assert change(12, 8) == "+4(+50.0%)"
    assert change(3, 4) == "-1(-25.0%)"
    assert change(5, 5) == "持平"
    assert change(2, 0) == "+2"
    assert change(2, None) == "—"
    with pytest.raises(ValueError):
        period_of("year", D(2026, 1, 1))
