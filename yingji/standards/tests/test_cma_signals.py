"""暴雨 signal levels (中国气象局令第16号 (2007) annex; standards-digest.md §5.2, HIGH)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from yingji.standards import cma_signals
from yingji.standards.cma_signals import (
    aggregate,
    level_for,
    rainstorm_level,
    rainstorm_table,
    window_values,
)

T0 = dt.datetime(2026, 7, 1, 0, 0, tzinfo=dt.UTC)


def test_data_file_cites_source_and_confidence():
    data = json.loads(cma_signals.DATA.read_text(encoding="utf-8"))
    assert "中国气象局令第16号" in data["_source"] and "§5.2" in data["_source"]
    assert data["_confidence"] == "HIGH"


def test_the_table_is_the_digest_table():
    assert [(r["level"], r["window_hours"], r["threshold"]) for r in rainstorm_table()] == [
        ("blue", 12, 50),
        ("yellow", 6, 50),
        ("orange", 3, 50),
        ("red", 3, 100),
    ]


def hourly(values, start=T0):
    return [(start + dt.timedelta(hours=i + 1), v) for i, v in enumerate(values)]


# (hourly rain in mm, level at the last hour) — "以上" includes the number (≥)
CASES = [
    ([0] * 12, None),
    ([1] * 12, None),  # 12 mm in 12 h
    ([5] * 9 + [4.9, 0, 0], None),  # 49.9 mm in 12 h
    ([5] * 10 + [0, 0], "blue"),  # exactly 50 mm in 12 h: ≥
    ([0] * 6 + [10, 10, 10, 10, 5, 5], "yellow"),  # 50 mm in 6 h, 20 mm in the last 3 h
    ([0] * 9 + [20, 20, 10], "orange"),  # 50 mm in 3 h
    ([0] * 9 + [40, 40, 20], "red"),  # 100 mm in 3 h
    ([0] * 9 + [40, 40, 19.9], "orange"),  # 99.9 mm in 3 h
    ([30, 30] + [0] * 10, "blue"),  # 60 mm but 11 h ago: only the 12 h window holds it
    ([30, 30] + [0] * 11, None),  # 13 h later the window no longer holds it
]


@pytest.mark.parametrize(("values", "expected"), CASES)
def test_rainstorm_levels(values, expected):
    series = hourly(values)
    assert rainstorm_level(series, series[-1][0]) == expected


def test_window_is_half_open_and_zero_is_the_value_itself():
    series = hourly([1, 2, 3])
    end = series[-1][0]
    assert window_values(series, end, 120) == [2, 3]  # (end − 2 h, end]
    assert window_values(series, end, 0) == [3]


@pytest.mark.parametrize(("how", "expected"), [("sum", 6.0), ("mean", 2.0), ("max", 3), ("min", 1)])
def test_aggregates(how, expected):
    assert aggregate([1, 2, 3, float("nan")], how) == expected


def test_empty_window():
    assert aggregate([], "sum") == 0.0
    assert aggregate([], "max") is None
    assert level_for({"red": None}, [{"level": "red", "threshold": 1}]) is None


# --- 高温 and 大风 (standards-digest.md §5.2; forces → m/s by GB/T 28591-2012, MEDIUM) -----------

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_the_high_temperature_and_gale_tables_are_the_digest_tables():
    assert [
        (r["level"], r["days"], r["threshold"]) for r in cma_signals.high_temperature_table()
    ] == [
        ("yellow", 3, 35),  # 连续三天日最高气温 ≥ 35 ℃
        ("orange", 1, 37),  # 24 h 最高气温 ≥ 37 ℃
        ("red", 1, 40),  # ≥ 40 ℃
    ]
    assert [
        (r["level"], r["window_hours"], r["beaufort"], r["threshold"])
        for r in cma_signals.gale_table()
    ] == [
        ("blue", 24, 6, 10.8),
        ("yellow", 12, 8, 17.2),
        ("orange", 6, 10, 24.5),
        ("red", 6, 12, 32.7),
    ]
    assert "GB/T 28591-2012" in cma_signals.wind_source()


def _days(maxima: list[float], *, hour=14):
    """One value at ``hour`` local time on consecutive days from 2026-07-01."""
    start = dt.datetime(2026, 7, 1, hour, tzinfo=SHANGHAI)
    return [(start + dt.timedelta(days=i), v) for i, v in enumerate(maxima)]


# (daily values at 14:00 local, days, expected min of the daily maxima at the last value)
DAY_CASES = [
    ([36, 35.5, 35], 3, 35),  # three days ≥ 35: met (≥)
    ([36, 34.9, 36], 3, 34.9),  # one day short
    ([36, 36], 3, None),  # only two days of data
    ([30, 30, 38], 1, 38),  # the day itself
]


@pytest.mark.parametrize(("maxima", "days", "expected"), DAY_CASES)
def test_daily_maxima_over_consecutive_days(maxima, days, expected):
    series = _days(maxima)
    end = series[-1][0]
    assert cma_signals.daily_max_over_days(series, end, days, SHANGHAI) == expected


def test_days_are_local_calendar_days_and_later_values_are_ignored():
    # 23:30 local on 1 July is 15:30 UTC: it is 1 July's maximum, not 2 July's
    late = dt.datetime(2026, 7, 1, 23, 30, tzinfo=SHANGHAI)
    early = dt.datetime(2026, 7, 2, 0, 30, tzinfo=SHANGHAI)
    series = [(late.astimezone(dt.UTC), 39), (early.astimezone(dt.UTC), 20)]
    assert cma_signals.daily_max_over_days(series, early, 1, SHANGHAI) == 20
    assert cma_signals.daily_max_over_days(series, late, 1, SHANGHAI) == 39
    after = [*series, (early + dt.timedelta(hours=1), 45)]
    assert cma_signals.daily_max_over_days(after, early, 1, SHANGHAI) == 20


@pytest.mark.parametrize(
    ("values", "expected"), [([100, 106], 6), ([100, 103, 99], -1), ([5], None), ([], None)]
)
def test_change_over_a_window(values, expected):
    assert cma_signals.change(values) == expected
