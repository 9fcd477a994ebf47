"""Entering a year's holiday schedule. One service; open deadlines are recomputed by every app
that listens to ``calendar_changed`` (sent on commit)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.dispatch import Signal

from yingji.core.audit import record_event
from yingji.core.context import request_memo
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.permissions import scope_of

from .models import CalendarDay, ScheduleYear
from .schemas import HolidayScheduleIn
from .selectors import MEMO_KEY

# Sent after a schedule is saved, with ``years`` (the years whose working days changed).
# Apps whose deadlines count working days connect a receiver that recomputes the open ones.
calendar_changed = Signal()


def do_enter_schedule(*, actor, data: HolidayScheduleIn) -> ScheduleYear:
    """Enter (or replace) one year's official schedule: the holidays as ranges and the make-up
    workdays. Administrators only; audited; the year stops being provisional."""
    if not scope_of(actor).is_admin:
        raise NotPermitted("只有系统管理员可以录入放假安排。")
    days = _days(data)
    with transaction.atomic():
        schedule, created = ScheduleYear.objects.get_or_create(
            year=data.year, defaults={"source": data.source, "entered_by": actor}
        )
        if not created:
            if data.version is not None and schedule.version != data.version:
                from yingji.core.errors import ConflictError

                raise ConflictError("该年度放假安排已被他人修改,请刷新后重试。")
            schedule.source = data.source
            schedule.entered_by = actor
            schedule.save()
            for day in schedule.days.all():
                day.delete()
        for date, kind, name in days:
            CalendarDay.objects.create(schedule=schedule, date=date, kind=kind, name=name)
        record_event(
            "calendars.schedule.entered",
            f"录入{data.year}年放假安排({len(days)}天;依据:{data.source})",
            target=schedule,
        )
        years = {data.year}
        request_memo().pop(MEMO_KEY, None)  # this request counts with the new schedule
        transaction.on_commit(lambda: _changed(years))
    return schedule


def _days(data: HolidayScheduleIn) -> list[tuple[dt.date, str, str]]:
    out: dict[dt.date, tuple[str, str]] = {}
    for holiday in data.holidays:
        d = holiday.start
        while d <= holiday.end:
            out[d] = ("holiday", holiday.name)
            d += dt.timedelta(days=1)
    for d in data.workdays:
        if d in out:
            raise ValidationFailed(
                f"{d:%Y年%m月%d日}既在放假期间又是调休上班日,请检查。",
                details={"field": "workdays"},
            )
        if d.weekday() < 5:
            raise ValidationFailed(
                f"{d:%Y年%m月%d日}是工作日,无需登记为调休上班日。", details={"field": "workdays"}
            )
        out[d] = ("workday", "")
    return sorted((d, kind, name) for d, (kind, name) in out.items())


def _changed(years: set[int]) -> None:
    calendar_changed.send(sender=ScheduleYear, years=years)
