"""The working-day calendar in force: the built-in data (standards.workdays, chinese_calendar
2004–2026) with every year an administrator entered layered over it."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

from yingji.core.context import request_memo
from yingji.standards.workdays import WorkCalendar, default_calendar


def _stamp() -> str:
    """Changes whenever a schedule is entered or replaced (one small query): the cache key, so
    that every process (and every test's rolled-back transaction) sees the table as it is."""
    from django.db.models import Count, Max

    from .models import ScheduleYear

    row = ScheduleYear.objects.aggregate(n=Count("pk"), t=Max("updated_at"), v=Max("version"))
    return f"yingji:calendar:{row['n']}:{row['t']}:{row['v']}"


MEMO_KEY = "calendars.work_calendar"
# The last calendar built in this process, by stamp: a shared-cache hit unpickles the whole
# calendar (~20 ms), which a list page with 50 deadline cells must not pay 50 times.
_by_stamp: dict[str, WorkCalendar] = {}


def work_calendar() -> WorkCalendar:
    """The calendar to count working days with: once per request, then per state of the table
    (one small query), then from the shared cache, else built."""
    memo = request_memo()
    calendar = memo.get(MEMO_KEY)
    if calendar is not None:
        return calendar
    key = _stamp()
    calendar = _by_stamp.get(key) or cache.get(key)
    if calendar is None:
        from .models import CalendarDay, ScheduleYear

        days = CalendarDay.objects.order_by("date").values_list("date", "kind")
        calendar = default_calendar().merge(
            [(d, kind == "workday") for d, kind in days],
            covered_years=ScheduleYear.objects.values_list("year", flat=True),
        )
        cache.set(key, calendar, 3600)
    if key not in _by_stamp:
        _by_stamp.clear()
        _by_stamp[key] = calendar
    memo[MEMO_KEY] = calendar
    return calendar


def is_provisional(d: dt.date) -> bool:
    """True when ``d`` falls in a year without an official schedule (暂定: Mon–Fri fallback)."""
    return work_calendar().is_provisional(d)


def missing_next_year(today: dt.date) -> int | None:
    """The year whose schedule is needed and missing: next year from October on (the State
    Council publishes it around November), and the current year at any time."""
    calendar = work_calendar()
    if today.year not in calendar.covered_years:
        return today.year
    if today.month >= 10 and today.year + 1 not in calendar.covered_years:
        return today.year + 1
    return None


def covered_years() -> list[dict]:
    from .models import ScheduleYear

    entered = {s.year: s for s in ScheduleYear.objects.all()}
    builtin = default_calendar().covered_years
    years = sorted(set(entered) | {y for y in builtin if y >= 2020})
    return [
        {"year": y, "schedule": entered.get(y), "builtin": y in builtin and y not in entered}
        for y in years
    ]
