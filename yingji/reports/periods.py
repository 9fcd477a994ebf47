"""Periods of the 研判简报 (T49: 一周小研判、一月中研判、一季度大研判): pure date arithmetic, no
Django. A week runs Monday to Sunday (ISO 8601), a month and a quarter are calendar ones. The
环比 period is the one just before; the 同比 period is the same week number / month / quarter
of the year before. The 安全生产周调度 (T11, ``dispatch``) is a brief of its own kind over the
same Monday–Sunday week as the 周研判."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

KINDS = ("week", "month", "quarter", "dispatch")
KIND_LABELS = {
    "week": "周研判",
    "month": "月研判",
    "quarter": "季度研判",
    "dispatch": "安全生产周调度",
}
KIND_NAMES = {
    "week": "一周小研判",
    "month": "一月中研判",
    "quarter": "一季度大研判",
    "dispatch": "安全生产周调度",
}
WEEKLY = ("week", "dispatch")  # kinds whose period is an ISO week
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.kind in WEEKLY:
            year, week, _ = self.start.isocalendar()
            return (
                f"{year}年第{week}周({self.start.month}月{self.start.day}日—"
                f"{self.end.month}月{self.end.day}日)"
            )
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.year}年第{QUARTER_NAMES[(self.start.month - 1) // 3 + 1]}季度"

    def previous(self) -> Period:
        """环比: the period just before."""
        return period_of(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return period_of(self.kind, self.end + dt.timedelta(days=1))

    def same_last_year(self) -> Period:
        """同比: the same ISO week (week 53 → 52) / month / quarter one year earlier."""
        if self.kind in WEEKLY:
            year, week, _ = self.start.isocalendar()
            try:
                monday = dt.date.fromisocalendar(year - 1, week, 1)
            except ValueError:  # week 53 in a year of 52 weeks
                monday = dt.date.fromisocalendar(year - 1, 52, 1)
            return period_of(self.kind, monday)
        return period_of(self.kind, self.start.replace(year=self.start.year - 1))


def period_of(kind: str, day: dt.date) -> Period:
    """The period of the given kind that contains ``day``."""
    if kind in WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return Period(kind, start, start + dt.timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
    elif kind == "quarter":
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    else:
        raise ValueError(f"unknown period kind {kind!r}")
    months = 1 if kind == "month" else 3
    y, m = divmod(start.month - 1 + months, 12)
    return Period(kind, start, dt.date(start.year + y, m + 1, 1) - dt.timedelta(days=1))


def last_completed(kind: str, today: dt.date) -> Period:
    """The last whole period before ``today``'s (what a brief drafted today reports on)."""
    return period_of(kind, today).previous()


def starts_today(kind: str, today: dt.date) -> bool:
    """Monday for the week (and the 周调度), the 1st for the month, the 1st of Jan/Apr/Jul/Oct for the quarter."""
    return period_of(kind, today).start == today


def change(value: int | float | None, before: int | float | None) -> str:
    """增减 as shown in a brief: ``+3(+50.0%)``, ``-2``, ``持平``, ``—`` when unknown."""
    if value is None or before is None:
        return "—"
    diff = value - before
    if diff == 0:
        return "持平"
    sign = "+" if diff > 0 else "-"
    text = f"{sign}{abs(diff):g}"
    if before:
        text += f"({sign}{abs(diff) * 100 / before:.1f}%)"
    return text
