"""Hazard deadlines count working days with the editable calendar (issue #12 item 7): a deadline
in a year without holiday data is shown 暂定, and entering that year's schedule recomputes the
open hazards' deadlines (audited)."""

from datetime import date

import pytest

from yingji.calendars.schemas import HolidayScheduleIn
from yingji.calendars.services import do_enter_schedule
from yingji.core.context import actor_context
from yingji.core.models import AuditEvent
from yingji.hazards import services
from yingji.hazards.models import Hazard

from .test_hazards import act, register, user

pytestmark = pytest.mark.django_db

# A made-up 2027 schedule (the real one is published around November 2026).
SCHEDULE_2027 = {
    "year": 2027,
    "source": "测试用放假安排(非官方)",
    "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"}],
    "workdays": [],
}


def _graded_into_2027():
    # 2026-12-28 (Mon) + 5 working days, Mon–Fri: 29, 30, 31 Dec, 1 Jan (Fri), 4 Jan
    return act(
        services.do_grade_hazard,
        "xigu_staff",
        hazard=register(),
        level="general",
        deadline_workdays=5,
        today=date(2026, 12, 28),
    )


def test_a_deadline_in_2027_is_shown_provisional(as_user):
    hazard = _graded_into_2027()
    assert hazard.deadline == date(2027, 1, 4)
    page = as_user("county_a").get(f"/hazards/{hazard.pk}/").content.decode()
    assert "2027-01-04" in page and ">暂定</span>" in page
    assert "2027年放假安排尚未录入" in page
    listing = as_user("county_a").get("/hazards/?sort=-deadline")
    assert listing.status_code == 200 and ">暂定</span>" in listing.content.decode()


def test_a_deadline_in_a_covered_year_is_not_provisional(as_user):
    hazard = act(
        services.do_grade_hazard,
        "xigu_staff",
        hazard=register(),
        level="general",
        deadline_workdays=3,
        today=date(2026, 11, 2),
    )
    page = as_user("county_a").get(f"/hazards/{hazard.pk}/").content.decode()
    assert "暂定</span>" not in page


def test_entering_the_2027_schedule_recomputes_an_open_hazards_deadline(
    django_capture_on_commit_callbacks, as_user
):
    hazard = _graded_into_2027()
    closed_before = _graded_into_2027()
    Hazard.objects.filter(pk=closed_before.pk).update(state="closed")  # keeps its deadline
    admin = user("city_admin")
    with actor_context(admin, source="test"):  # the request's context, as on the web page
        with django_capture_on_commit_callbacks(execute=True):
            do_enter_schedule(actor=admin, data=HolidayScheduleIn.model_validate(SCHEDULE_2027))
    hazard.refresh_from_db()
    closed_before.refresh_from_db()
    # 1 Jan 2027 is now a holiday: 29, 30, 31 Dec, 4 Jan, 5 Jan
    assert hazard.deadline == date(2027, 1, 5)
    assert closed_before.deadline == date(2027, 1, 4)
    event = AuditEvent.objects.get(verb="hazards.deadline_recomputed", object_id=str(hazard.pk))
    assert event.actor == admin and event.data["new"] == "2027-01-05"
    page = as_user("county_a").get(f"/hazards/{hazard.pk}/").content.decode()
    assert "暂定</span>" not in page
