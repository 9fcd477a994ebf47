"""Working days with Chinese public holidays and 调休 make-up workdays.

Deadlines in the bureau's work ("15 个工作日内", "提前3个工作日提醒") count working days, which in
China are not simply Monday–Friday: each year the State Council (国务院办公厅) publishes the
holiday schedule, which moves some weekdays off and some weekend days on (调休).

Rule (DESIGN.md §1, "working days"):

* a date in ``extra_workdays`` is a workday (调休上班, even on a weekend);
* otherwise a date in ``holidays`` is not a workday;
* otherwise Monday–Friday are workdays.

A year not in ``covered_years`` has no official schedule loaded: the same rule applies (so
Monday–Friday, plus any single dates an administrator entered), and :meth:`WorkCalendar.is_provisional`
says that the answer may change once the schedule is entered.

Default data
------------
:func:`default_calendar` takes the holidays and make-up workdays from the PyPI package
``chinesecalendar`` (import name ``chinese_calendar``), pinned at **1.11.0** in pyproject.toml.
That version has data for **2004 through 2026 only**. The State Council publishes the next
year's schedule around November; until the package is upgraded an administrator must enter it
(the editable holiday table, layered on with :meth:`WorkCalendar.merge`). Confidence: MEDIUM (a
third-party transcription of the State Council notices, spot-checked against
国办发明电〔2021〕11号 for 2022 in the tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from chinese_calendar import constants as _package_data

__all__ = ["WorkCalendar", "default_calendar", "DATA_SOURCE"]

DATA_SOURCE = "PyPI chinesecalendar 1.11.0 (chinese_calendar.constants), covering 2004–2026"

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable working-day calendar; see the module docstring for the rule."""

    holidays: frozenset[dt.date]
    extra_workdays: frozenset[dt.date]
    covered_years: frozenset[int]

    def is_workday(self, d: dt.date) -> bool:
        """True when ``d`` is a working day."""
        d = _as_date(d)
        if d in self.extra_workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def is_provisional(self, d: dt.date) -> bool:
        """True when the official schedule for ``d``'s year is not loaded (Mon–Fri fallback)."""
        return _as_date(d).year not in self.covered_years

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th workday after ``start``.

        ``n = 0`` returns ``start`` if it is a workday, else the next workday. For a deadline
        "N 个工作日内" counted from day ``start``, the last allowed day is ``add_workdays(start, N)``.
        """
        start = _as_date(start)
        _check_count(n)
        if n == 0:
            return self._step_to_workday(start, _ONE_DAY)
        d = start
        remaining = n
        while remaining:
            d += _ONE_DAY
            if self.is_workday(d):
                remaining -= 1
        return d

    def subtract_workdays(self, d: dt.date, n: int) -> dt.date:
        """The n-th workday before ``d`` (for "remind N working days before a deadline").

        ``n = 0`` returns ``d`` if it is a workday, else the previous workday.
        """
        d = _as_date(d)
        _check_count(n)
        if n == 0:
            return self._step_to_workday(d, -_ONE_DAY)
        remaining = n
        while remaining:
            d -= _ONE_DAY
            if self.is_workday(d):
                remaining -= 1
        return d

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Number of workdays in the half-open interval (a, b].

        When ``b`` is before ``a`` the result is the negative of ``workdays_between(b, a)``, so that
        a negative number reads as "overdue by that many workdays".
        """
        a = _as_date(a)
        b = _as_date(b)
        if b < a:
            return -self.workdays_between(b, a)
        count = 0
        d = a + _ONE_DAY
        while d <= b:
            if self.is_workday(d):
                count += 1
            d += _ONE_DAY
        return count

    def merge(
        self,
        overrides: Mapping[dt.date, bool] | Iterable[tuple[dt.date, bool]],
        covered_years: Iterable[int] = (),
    ) -> WorkCalendar:
        """A new calendar with admin-entered dates layered over this one.

        ``overrides`` holds ``(date, is_workday)`` pairs (or a mapping date → is_workday), applied
        in order so that later entries win: ``True`` makes the date a workday (调休上班), ``False``
        a day off (放假). ``covered_years`` lists years whose full official schedule has now been
        entered, so that their dates are no longer provisional.
        """
        items = overrides.items() if isinstance(overrides, Mapping) else overrides
        holidays = set(self.holidays)
        extra = set(self.extra_workdays)
        for raw_date, is_work in items:
            d = _as_date(raw_date)
            if is_work:
                extra.add(d)
                holidays.discard(d)
            else:
                holidays.add(d)
                extra.discard(d)
        return WorkCalendar(
            holidays=frozenset(holidays),
            extra_workdays=frozenset(extra),
            covered_years=self.covered_years | frozenset(int(y) for y in covered_years),
        )

    def _step_to_workday(self, d: dt.date, step: dt.timedelta) -> dt.date:
        while not self.is_workday(d):
            d += step
        return d


def _as_date(value: dt.date) -> dt.date:
    """Accept a date (a datetime is reduced to its date); reject anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"需要日期(datetime.date),实际为{type(value).__name__}")


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"工作日数必须是非负整数,实际为{n!r}")


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The built-in calendar from ``chinese_calendar`` 1.11.0 (2004–2026; see module docstring).

    ``covered_years`` is every year from the package's first to its last holiday entry.
    """
    holidays = frozenset(_package_data.holidays)
    extra = frozenset(_package_data.workdays)
    first_year = min(holidays).year
    last_year = max(holidays).year
    return WorkCalendar(
        holidays=holidays,
        extra_workdays=extra,
        covered_years=frozenset(range(first_year, last_year + 1)),
    )
