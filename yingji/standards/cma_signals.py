"""CMA meteorological warning signals (气象灾害预警信号), as data, and the pure evaluation of a
rolling window against a level table.

Source: the annex to 中国气象局令第16号 (2007) 《气象灾害预警信号及防御指南》, read through
standards-digest.md §5.2 (confidence HIGH for 暴雨; the 2025 兰州中心气象台 暴雨蓝色 criterion
agrees). "以上" includes the number, so each threshold is met by a value ≥ it. Only 暴雨 is
tabulated here; it is the signal a rain gauge's own data can raise.

Levels, lowest to highest: blue (蓝, 四级) < yellow (黄, 三级) < orange (橙, 二级) < red (红, 一级).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "cma_signals.json"
LEVELS = ("blue", "yellow", "orange", "red")
LEVEL_LABELS = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
AGGREGATES = ("sum", "mean", "max", "min")


@cache
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def source() -> str:
    """The citation of the table (for rules and pages built from it)."""
    return _data()["_source"]


def rainstorm_table() -> list[dict]:
    """The 暴雨 levels: [{"level", "window_hours", "threshold"}], lowest level first."""
    return [dict(row) for row in _data()["rainstorm"]["levels"]]


def rank(level: str | None) -> int:
    """0 for no level, 1 (blue) … 4 (red)."""
    return LEVELS.index(level) + 1 if level else 0


def aggregate(values: Iterable[float], how: str) -> float | None:
    """sum / mean / max / min of the values (None when there are none; sum of none is 0)."""
    values = [v for v in values if v is not None and math.isfinite(v)]
    if how == "sum":
        return float(sum(values))
    if not values:
        return None
    if how == "mean":
        return sum(values) / len(values)
    if how == "max":
        return max(values)
    if how == "min":
        return min(values)
    raise ValueError(f"unknown aggregate {how!r}")


def window_values(
    series: Iterable[tuple[dt.datetime, float]], end: dt.datetime, minutes: int
) -> list[float]:
    """The values of the window ending at ``end``: times in (end − minutes, end]; a window of
    0 minutes is the value at ``end`` itself."""
    start = end - dt.timedelta(minutes=minutes)
    if minutes == 0:
        return [v for t, v in series if t == end]
    return [v for t, v in series if start < t <= end]


def level_for(aggregates: Mapping[str, float | None], table: Iterable[Mapping]) -> str | None:
    """The highest level whose threshold is met (≥) by the aggregate of its own window.

    ``aggregates`` maps each level to the aggregate over that level's window (levels may have
    different windows, as 暴雨 does); ``table`` is [{"level", "threshold"}, …]."""
    best = None
    for row in table:
        value = aggregates.get(row["level"])
        if value is not None and value >= row["threshold"] and rank(row["level"]) > rank(best):
            best = row["level"]
    return best


def rainstorm_level(series: Iterable[tuple[dt.datetime, float]], end: dt.datetime) -> str | None:
    """The 暴雨 level reached by a rain series (mm per reporting interval) at ``end``."""
    series = list(series)
    table = rainstorm_table()
    sums = {
        row["level"]: aggregate(window_values(series, end, row["window_hours"] * 60), "sum")
        for row in table
    }
    return level_for(sums, table)
