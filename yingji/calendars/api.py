"""工作日历 in the API: the years covered, a date's status, entering a year (administrators)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status

from . import selectors, services
from .schemas import HolidayScheduleIn

router = Router(tags=["工作日历"])


class YearOut(Schema):
    year: int
    source: str
    builtin: bool


class DayOut(Schema):
    date: dt.date
    workday: bool
    provisional: bool


class ScheduleOut(Schema):
    year: int
    source: str
    days: int
    version: int

    @staticmethod
    def resolve_days(obj):
        return obj.days.count()


@router.get("/calendar/years", response=list[YearOut], summary="已有放假安排的年度")
def years(request):
    return [
        {
            "year": row["year"],
            "source": row["schedule"].source if row["schedule"] else "内置数据(chinese_calendar)",
            "builtin": row["builtin"],
        }
        for row in selectors.covered_years()
    ]


@router.get(
    "/calendar/days/{day}", response=DayOut, summary="某日是否工作日(暂定:该年尚无放假安排)"
)
def day(request, day: dt.date):
    calendar = selectors.work_calendar()
    return {
        "date": day,
        "workday": calendar.is_workday(day),
        "provisional": calendar.is_provisional(day),
    }


@router.post(
    "/calendar/schedules", response={201: ScheduleOut}, summary="录入某年放假安排(系统管理员)"
)
def enter(request, payload: HolidayScheduleIn):
    return Status(201, services.do_enter_schedule(actor=request.user, data=payload))
