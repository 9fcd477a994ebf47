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
