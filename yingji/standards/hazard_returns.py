"""隐患排查治理情况统计分析表: the quarterly and annual returns an enterprise submits, their
periods, their due dates, and their figures computed from the enterprise's hazard records.

Source: 《安全生产事故隐患排查治理暂行规定》(原国家安监总局令第16号, 2007) 第十四条: the unit
"应当每季、每年对本单位事故隐患排查治理情况进行统计分析,并分别于下一季度15日前和下一年1月31日前
向安全监管监察部门和有关部门报送书面统计分析表。统计分析表应当由生产经营单位主要负责人签字。"
Confidence MEDIUM: the duty is in standards-digest §4.1 (MEDIUM); the two deadlines are as the
platform's authors recall the article's text (not re-read in the source during this work), so
both are parameters here and settings in HazardSettings.

The figures are this project's choice of columns (16号令 gives no form): found, closed, open at
the period's end, by level, the rectification rate, and those open past their deadline.

Pure Python: no Django, no project imports.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date, timedelta

__all__ = ["Figures", "figures", "period_bounds", "period_label", "due_date"]

QUARTER_DUE_DAYS = 15  # 下一季度15日前 (Art. 14; MEDIUM)
ANNUAL_DUE = (1, 31)  # 下一年1月31日前 (Art. 14; MEDIUM)


def period_bounds(kind: str, year: int, quarter: int | None = None) -> tuple[date, date]:
    """First and last day of a quarter (``kind="quarter"``, 1–4) or a year."""
    if kind == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if kind != "quarter" or quarter not in (1, 2, 3, 4):
        raise ValueError("统计期应为季度(1–4)或年度。")
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    return date(year, first_month, 1), date(
        year, last_month, calendar.monthrange(year, last_month)[1]
    )


def period_label(kind: str, year: int, quarter: int | None = None) -> str:
    return f"{year}年度" if kind == "year" else f"{year}年第{quarter}季度"


def due_date(
    kind: str,
    year: int,
    quarter: int | None = None,
    *,
    quarter_days: int = QUARTER_DUE_DAYS,
    annual_due: tuple[int, int] = ANNUAL_DUE,
) -> date:
    """The last day to submit: the ``quarter_days``-th day after the quarter ends (下一季度15日前:
    counted as the 15th of the quarter's next month), or ``annual_due`` of the next year."""
    _, end = period_bounds(kind, year, quarter)
    if kind == "year":
        return date(year + 1, *annual_due)
    return end + timedelta(days=quarter_days)


@dataclass(frozen=True)
class Figures:
    found_general: int
    found_major: int
    closed_general: int
    closed_major: int
    open_general: int  # at the end of the period
    open_major: int
    overdue_open: int  # open at the end of the period with a deadline before it
    rate: float | None  # closed / found in the period, percent (None when nothing was found)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def found(self) -> int:
        return self.found_general + self.found_major


def figures(records: list[dict], start: date, end: date) -> Figures:
    """The figures of a period from the enterprise's hazards, each a dict with ``level``
    ("general"/"major"), ``found_on`` (date), ``closed_on`` (date or None), ``deadline`` (date
    or None) and ``void`` (bool). Void hazards count nowhere. "closed" counts those found in the
    period and closed by its end; "open" those found by its end and not closed by it."""
    counts = dict.fromkeys(
        (
            "found_general",
            "found_major",
            "closed_general",
            "closed_major",
            "open_general",
            "open_major",
            "overdue_open",
        ),
        0,
    )
    for r in records:
        if r.get("void") or r["found_on"] > end:
            continue
        level = "major" if r["level"] == "major" else "general"
        closed_by_end = r.get("closed_on") is not None and r["closed_on"] <= end
        if r["found_on"] >= start:
            counts[f"found_{level}"] += 1
            if closed_by_end:
                counts[f"closed_{level}"] += 1
        if not closed_by_end:
            counts[f"open_{level}"] += 1
            if r.get("deadline") is not None and r["deadline"] < end:
                counts["overdue_open"] += 1
    found = counts["found_general"] + counts["found_major"]
    closed = counts["closed_general"] + counts["closed_major"]
    rate = round(100.0 * closed / found, 1) if found else None
    return Figures(**counts, rate=rate)
