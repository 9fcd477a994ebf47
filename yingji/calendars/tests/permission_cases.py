"""Denials for the calendar (tests/test_permission_rules.py)."""

from yingji.core.testing import Denial


def _make_year():
    from django.contrib.auth import get_user_model

    from yingji.calendars.schemas import HolidayScheduleIn
    from yingji.calendars.services import do_enter_schedule
    from yingji.core.context import actor_context

    admin = get_user_model().objects.get(username="city_admin")
    data = HolidayScheduleIn.model_validate(
        {
            "year": 2027,
            "source": "测试用放假安排(非官方)",
            "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"}],
        }
    )
    with actor_context(admin, source="test"):
        do_enter_schedule(actor=admin, data=data)


def _years():
    from yingji.calendars.models import ScheduleYear

    return ScheduleYear.objects.all()


def _days():
    from yingji.calendars.models import CalendarDay

    return CalendarDay.objects.all()


DENIALS = [
    Denial(
        "calendars.ScheduleYear",
        "section",
        "change",
        _years,
        "放假安排只有系统管理员可改",
        _make_year,
    ),
    Denial(
        "calendars.CalendarDay",
        "county_a",
        "delete",
        _days,
        "放假安排只有系统管理员可改",
        _make_year,
    ),
]
