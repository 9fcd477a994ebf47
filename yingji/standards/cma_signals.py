"""CMA meteorological warning signals (气象灾害预警信号), as data, and the pure evaluation of a
rolling window against a level table.

Source: the annex to 中国气象局令第16号 (2007) 《气象灾害预警信号及防御指南》, read through
standards-digest.md §5.2 (confidence HIGH for 暴雨; the 2025 兰州中心气象台 暴雨蓝色 criterion
agrees). "以上" includes the number, so each threshold is met by a value ≥ it. Tabulated:
暴雨 (sums over windows), 高温 (on daily maxima) and 大风 (on mean wind speed, its forces
converted to m/s with GB/T 28591-2012, MEDIUM: not in the digest).

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


def high_temperature_table() -> list[dict]:
    """The 高温 levels on daily maxima: [{"level", "days", "threshold"}] (§5.2: 黄 连续三天日最高
    气温 ≥ 35 ℃; 橙 24 h 最高气温 ≥ 37 ℃; 红 ≥ 40 ℃; no 蓝)."""
    return [dict(row) for row in _data()["high_temperature"]["levels"]]


def beaufort_lower_ms(force: int) -> float:
    """The lower bound (m/s) of a Beaufort force (GB/T 28591-2012; MEDIUM, not in the digest)."""
    return float(_data()["beaufort_lower_ms"][str(force)])


def gale_table() -> list[dict]:
    """The 大风 levels on mean wind speed: [{"level", "window_hours", "beaufort", "threshold"}]
    with the threshold the force's lower bound in m/s (§5.2: 蓝 24 h ≥ 6 级, 黄 12 h ≥ 8 级,
    橙 6 h ≥ 10 级, 红 6 h ≥ 12 级)."""
    return [
        {**row, "threshold": beaufort_lower_ms(row["beaufort"])}
        for row in _data()["gale"]["levels"]
    ]


def wind_source() -> str:
    return f"{source()};风速换算:{_data()['beaufort_lower_ms']['_source']}"


def change(values: list[float]) -> float | None:
    """The change over a window (last − first value; a rate per window, e.g. mm per 24 h for a
    displacement series); None with fewer than two values."""
    if len(values) < 2:
        return None
    return values[-1] - values[0]


def daily_max_over_days(
    series: Iterable[tuple[dt.datetime, float]], end: dt.datetime, days: int, tz
) -> float | None:
    """The smallest of the daily maxima of the ``days`` local calendar days ending with the day
    of ``end`` (values up to ``end``): ≥ a threshold means every one of those days reached it
    (连续 N 天日最高气温 ≥ …). None when one of the days has no value."""
    last = end.astimezone(tz).date()
    first = last - dt.timedelta(days=days - 1)
    maxima: dict[dt.date, float] = {}
    for t, v in series:
        if t > end or v is None or not math.isfinite(v):
            continue
        day = t.astimezone(tz).date()
        if first <= day <= last and (day not in maxima or v > maxima[day]):
            maxima[day] = v
    if len(maxima) < days:
        return None
    return min(maxima.values())


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
