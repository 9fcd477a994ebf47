"""The working-day calendar in force: the built-in data (standards.workdays, chinese_calendar
2004–2026) with every year an administrator entered layered over it."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

from yingji.standards.workdays import WorkCalendar, default_calendar


def _stamp() -> str:
    """Changes whenever a schedule is entered or replaced (one small query): the cache key, so
    that every process (and every test's rolled-back transaction) sees the table as it is."""
    from django.db.models import Count, Max

    from .models import ScheduleYear

    row = ScheduleYear.objects.aggregate(n=Count("pk"), t=Max("updated_at"), v=Max("version"))
    return f"yingji:calendar:{row['n']}:{row['t']}:{row['v']}"


def work_calendar() -> WorkCalendar:
    """The calendar to count working days with (cached per state of the table)."""
    key = _stamp()
    cached = cache.get(key)
    if cached is not None:
        return cached
    from .models import CalendarDay, ScheduleYear

    days = CalendarDay.objects.order_by("date").values_list("date", "kind")
    calendar = default_calendar().merge(
        [(d, kind == "workday") for d, kind in days],
        covered_years=ScheduleYear.objects.values_list("year", flat=True),
    )
    cache.set(key, calendar, 3600)
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
