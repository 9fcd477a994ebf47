"""Tests for yingji.standards.workdays (working days with holidays and 调休 make-up workdays).

Source of the 2022 schedule: 国务院办公厅关于2022年部分节假日安排的通知 (国办发明电〔2021〕11号).
国庆节: 10月1日至7日放假调休,共7天;10月8日(星期六)、10月9日(星期日)上班. The default data
comes from the PyPI package chinesecalendar 1.11.0; the tests below check that it agrees with the
notice, so that a wrong package upgrade is caught.
"""

import datetime as dt
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.standards.workdays import WorkCalendar, default_calendar

NOTICE_2022 = "国办发明电〔2021〕11号"

CAL = default_calendar()


# --- 2022 National Day, straight from the notice ----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "is_workday", "source"),
    [
        (date(2022, 9, 30), True, f"{NOTICE_2022}: ordinary Friday before the holiday"),
        *[
            (date(2022, 10, d), False, f"{NOTICE_2022}: 国庆节 10月1日至7日放假")
            for d in range(1, 8)
        ],
        (date(2022, 10, 8), True, f"{NOTICE_2022}: 10月8日(星期六)上班"),
        (date(2022, 10, 9), True, f"{NOTICE_2022}: 10月9日(星期日)上班"),
        (date(2022, 10, 10), True, f"{NOTICE_2022}: ordinary Monday after the holiday"),
        (date(2022, 10, 15), False, f"{NOTICE_2022}: ordinary Saturday, no 调休"),
    ],
)
def test_2022_national_day(day, is_workday, source):
    assert CAL.is_workday(day) is is_workday, source
    assert not CAL.is_provisional(day)


@pytest.mark.parametrize(
    ("day", "source"),
    [
        (date(2022, 1, 29), f"{NOTICE_2022}: 春节, 1月29日(星期六)上班"),
        (date(2022, 1, 30), f"{NOTICE_2022}: 春节, 1月30日(星期日)上班"),
        (date(2022, 4, 2), f"{NOTICE_2022}: 清明节, 4月2日(星期六)上班"),
        (date(2022, 4, 24), f"{NOTICE_2022}: 劳动节, 4月24日(星期日)上班"),
        (date(2022, 5, 7), f"{NOTICE_2022}: 劳动节, 5月7日(星期六)上班"),
        (date(2022, 10, 8), f"{NOTICE_2022}: 国庆节, 10月8日(星期六)上班"),
        (date(2022, 10, 9), f"{NOTICE_2022}: 国庆节, 10月9日(星期日)上班"),
    ],
)
def test_2022_make_up_workdays_are_weekend_workdays(day, source):
    assert day.weekday() >= 5, source  # really a weekend day …
    assert CAL.is_workday(day), source  # … that is worked (调休)


def test_2022_make_up_workdays_are_exactly_those_of_the_notice():
    expected = {
        date(2022, 1, 29),
        date(2022, 1, 30),
        date(2022, 4, 2),
        date(2022, 4, 24),
        date(2022, 5, 7),
        date(2022, 10, 8),
        date(2022, 10, 9),
    }
    assert {d for d in CAL.extra_workdays if d.year == 2022} == expected, NOTICE_2022


# --- Counting across the holiday ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"),
    [
        (date(2022, 9, 30), 0, date(2022, 9, 30), "start is a workday"),
        (date(2022, 10, 1), 0, date(2022, 10, 8), "start is a holiday → next workday (Sat 调休)"),
        (date(2022, 9, 30), 1, date(2022, 10, 8), "the 7 holidays are skipped"),
        (date(2022, 9, 30), 2, date(2022, 10, 9), "Sunday 10-09 is a 调休 workday"),
        (date(2022, 9, 30), 3, date(2022, 10, 10), ""),
        (date(2022, 9, 29), 2, date(2022, 10, 8), ""),
        (date(2022, 10, 3), 1, date(2022, 10, 8), "counting from inside the holiday"),
        (date(2022, 9, 28), 10, date(2022, 10, 17), "29, 30, 8, 9, 10–14, 17"),
    ],
)
def test_add_workdays_across_national_day_2022(start, n, expected, why):
    assert CAL.add_workdays(start, n) == expected, f"{NOTICE_2022}: {why}"


@pytest.mark.parametrize(
    ("end", "n", "expected", "why"),
    [
        (date(2022, 10, 10), 3, date(2022, 9, 30), "10-09, 10-08, then over the holiday to 09-30"),
        (date(2022, 10, 10), 1, date(2022, 10, 9), "Sunday 10-09 is a 调休 workday"),
        (date(2022, 10, 10), 2, date(2022, 10, 8), "Saturday 10-08 is a 调休 workday"),
        (date(2022, 10, 8), 1, date(2022, 9, 30), ""),
        (date(2022, 10, 5), 0, date(2022, 9, 30), "end is a holiday → previous workday"),
        (date(2022, 10, 10), 0, date(2022, 10, 10), "end is a workday"),
    ],
)
def test_subtract_workdays_across_national_day_2022(end, n, expected, why):
    assert CAL.subtract_workdays(end, n) == expected, f"{NOTICE_2022}: {why}"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (date(2022, 9, 30), date(2022, 10, 10), 3),  # 10-08, 10-09, 10-10
        (date(2022, 9, 30), date(2022, 10, 7), 0),  # only holidays in (a, b]
        (date(2022, 9, 29), date(2022, 9, 30), 1),
        (date(2022, 9, 30), date(2022, 9, 30), 0),
        (date(2022, 10, 10), date(2022, 9, 30), -3),  # reversed: negative
    ],
)
def test_workdays_between_across_national_day_2022(a, b, expected):
    assert CAL.workdays_between(a, b) == expected, NOTICE_2022


# --- Years the package does not cover ------------------------------------------------------------------


def test_covered_years_are_those_of_the_package():
    # chinesecalendar 1.11.0 has data for 2004–2026 (DESIGN.md §1, "working days").
    assert CAL.covered_years == frozenset(range(2004, 2027))
    assert not CAL.is_provisional(date(2026, 12, 31))
    assert CAL.is_provisional(date(2027, 1, 1))
    assert CAL.is_provisional(date(2003, 12, 31))


@pytest.mark.parametrize(
    ("day", "is_workday"),
    [
        (date(2030, 1, 1), True),  # a Tuesday: surely 元旦, but no data → Mon–Fri fallback
        (date(2030, 1, 4), True),  # Friday
        (date(2030, 1, 5), False),  # Saturday
        (date(2030, 1, 6), False),  # Sunday
        (date(2030, 1, 7), True),  # Monday
    ],
)
def test_2030_is_provisional_monday_to_friday(day, is_workday):
    assert CAL.is_provisional(day)
    assert CAL.is_workday(day) is is_workday


def test_2030_counting_uses_monday_to_friday():
    assert CAL.add_workdays(date(2030, 1, 4), 1) == date(2030, 1, 7)
    assert CAL.subtract_workdays(date(2030, 1, 7), 1) == date(2030, 1, 4)
    assert CAL.workdays_between(date(2030, 1, 1), date(2030, 1, 8)) == 5


# --- Admin overrides ------------------------------------------------------------------------------------


def test_overrides_win_over_defaults():
    merged = CAL.merge(
        [
            (date(2022, 10, 8), False),  # the 调休 Saturday made a day off
            (date(2022, 10, 7), True),  # a package holiday made a workday
            (date(2030, 1, 1), False),  # 元旦 2030 entered by the admin
        ]
    )
    assert not merged.is_workday(date(2022, 10, 8))
    assert merged.is_workday(date(2022, 10, 7))
    assert not merged.is_workday(date(2030, 1, 1))
    assert merged.is_provisional(date(2030, 1, 1))  # the year's schedule is not complete
    # The default calendar is immutable and unchanged.
    assert CAL.is_workday(date(2022, 10, 8))
    assert not CAL.is_workday(date(2022, 10, 7))
    assert CAL.is_workday(date(2030, 1, 1))


def test_later_override_entries_win():
    day = date(2030, 1, 1)
    assert CAL.merge([(day, False), (day, True)]).is_workday(day)
    assert not CAL.merge([(day, True), (day, False)]).is_workday(day)
    # Layering twice: the second merge wins over the first.
    assert CAL.merge([(day, False)]).merge({day: True}).is_workday(day)


def test_merge_marks_entered_years_as_covered():
    merged = CAL.merge({date(2027, 1, 1): False}, covered_years=[2027])
    assert not merged.is_provisional(date(2027, 6, 1))
    assert not merged.is_workday(date(2027, 1, 1))  # a Friday, now a holiday


def test_empty_calendar_is_monday_to_friday():
    empty = WorkCalendar(frozenset(), frozenset(), frozenset())
    assert empty.is_workday(date(2022, 10, 3))  # a Monday; no holiday data at all
    assert not empty.is_workday(date(2022, 10, 8))  # a Saturday; no 调休 data
    assert empty.is_provisional(date(2022, 10, 3))


# --- Argument handling -----------------------------------------------------------------------------


def test_negative_counts_are_rejected():
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2022, 10, 10), -1)
    with pytest.raises(ValueError):
        CAL.subtract_workdays(date(2022, 10, 10), -1)


def test_datetime_is_reduced_to_its_date():
    assert CAL.add_workdays(dt.datetime(2022, 9, 30, 17, 30), 1) == date(2022, 10, 8)


def test_non_dates_are_rejected():
    with pytest.raises(TypeError):
        CAL.is_workday("2022-10-08")


# --- Properties ----------------------------------------------------------------------------------------

DATES = st.dates(min_value=date(2004, 1, 1), max_value=date(2032, 12, 31))
COUNTS = st.integers(min_value=1, max_value=60)


@given(start=DATES, n=COUNTS)
def test_add_then_subtract_returns_to_the_workday(start, n):
    end = CAL.add_workdays(start, n)
    assert CAL.is_workday(end)
    assert CAL.workdays_between(start, end) == n
    assert CAL.subtract_workdays(end, n) == CAL.subtract_workdays(start, 0)


@given(a=DATES, b=DATES)
def test_workdays_between_is_antisymmetric(a, b):
    assert CAL.workdays_between(a, b) == -CAL.workdays_between(b, a)
