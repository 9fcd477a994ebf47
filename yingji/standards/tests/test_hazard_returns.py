"""yingji.standards.hazard_returns — 16号令 第十四条: quarterly and annual 统计分析表, due 下一季度
15日前 and 下一年1月31日前 (MEDIUM, configurable); the figures are the project's columns."""

from datetime import date

import pytest

from yingji.standards import hazard_returns as r


@pytest.mark.parametrize(
    "kind, year, quarter, start, end, due",
    [
        ("quarter", 2026, 1, date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 15)),
        ("quarter", 2026, 2, date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 15)),
        ("quarter", 2024, 1, date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 15)),
        ("quarter", 2026, 4, date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 15)),
        ("year", 2026, None, date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 31)),
    ],
)
def test_periods_and_due_dates(kind, year, quarter, start, end, due):
    assert r.period_bounds(kind, year, quarter) == (start, end)
    assert r.due_date(kind, year, quarter) == due


def test_due_dates_are_parameters():
    assert r.due_date("quarter", 2026, 1, quarter_days=20) == date(2026, 4, 20)
    assert r.due_date("year", 2026, annual_due=(2, 15)) == date(2027, 2, 15)
    with pytest.raises(ValueError):
        r.period_bounds("quarter", 2026, 5)


def test_figures_count_found_closed_open_and_overdue():
    start, end = date(2026, 4, 1), date(2026, 6, 30)
    rows = [
        # found and closed in the period
        {"level": "general", "found_on": date(2026, 4, 2), "closed_on": date(2026, 4, 9)},
        # found in the period, closed after it: open at its end, overdue
        {
            "level": "major",
            "found_on": date(2026, 5, 1),
            "closed_on": date(2026, 7, 9),
            "deadline": date(2026, 6, 1),
        },
        # found before, still open (not found in the period, but open at its end)
        {"level": "general", "found_on": date(2026, 2, 1), "closed_on": None},
        # found before, closed before: nowhere
        {"level": "general", "found_on": date(2026, 1, 5), "closed_on": date(2026, 2, 1)},
        # void: nowhere; found after the period: nowhere
        {"level": "general", "found_on": date(2026, 5, 5), "closed_on": None, "void": True},
        {"level": "general", "found_on": date(2026, 7, 2), "closed_on": None},
    ]
    f = r.figures(rows, start, end)
    assert (f.found_general, f.found_major) == (1, 1)
    assert (f.closed_general, f.closed_major) == (1, 0)
    assert (f.open_general, f.open_major) == (1, 1)
    assert f.overdue_open == 1 and f.rate == 50.0 and f.found == 2
    assert r.figures([], start, end).rate is None
