"""工作日历: entering a year's official schedule (issue #12 item 7; the module of issue #9 that
was added as one folder)."""

import datetime as dt

import pytest
from django.core.management import call_command

from yingji.calendars import selectors, services
from yingji.calendars.models import CalendarDay, ScheduleYear
from yingji.calendars.schemas import HolidayScheduleIn
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.core.schemas import validate

pytestmark = pytest.mark.django_db

# A made-up 2027 schedule for the tests (the real one is published around November 2026).
SCHEDULE = {
    "year": 2027,
    "source": "测试用放假安排(非官方)",
    "holidays": [
        {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"},
        {"name": "春节", "start": "2027-02-05", "end": "2027-02-13"},
    ],
    "workdays": ["2027-02-14"],
}


def _enter(user, data=SCHEDULE):
    return services.do_enter_schedule(actor=user, data=HolidayScheduleIn.model_validate(data))


def test_a_year_without_schedule_is_provisional_until_entered(persona, ctx):
    assert selectors.is_provisional(dt.date(2027, 2, 8))
    assert selectors.missing_next_year(dt.date(2026, 11, 30)) == 2027
    assert selectors.missing_next_year(dt.date(2026, 6, 1)) is None  # before October: not yet
    _enter(persona("city_admin"))
    calendar = selectors.work_calendar()
    assert not calendar.is_provisional(dt.date(2027, 2, 8))
    assert not calendar.is_workday(dt.date(2027, 2, 8))  # a Monday in the Spring Festival
    assert calendar.is_workday(dt.date(2027, 2, 14))  # a Sunday made a workday (调休)
    assert calendar.is_workday(dt.date(2027, 3, 1))
    assert selectors.missing_next_year(dt.date(2026, 11, 30)) is None
    event = AuditEvent.objects.get(verb="calendars.schedule.entered")
    assert "2027" in event.message and "13天" in event.message  # 3 + 9 holidays + 1 workday


def test_only_an_administrator_enters_a_schedule(persona, ctx):
    for name in ("leader", "section", "county_a", "enterprise"):
        with pytest.raises(NotPermitted):
            _enter(persona(name))
    assert not ScheduleYear.objects.exists()


def test_entering_again_replaces_the_year(persona, ctx):
    admin = persona("city_admin")
    _enter(admin)
    _enter(admin, {**SCHEDULE, "holidays": SCHEDULE["holidays"][:1], "workdays": []})
    assert CalendarDay.objects.count() == 3
    assert selectors.work_calendar().is_workday(dt.date(2027, 2, 8))


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"holidays": [{"name": "春节", "start": "2027-02-13", "end": "2027-02-05"}]},
            "结束不能早于开始",
        ),
        ({"holidays": []}, "至少 1 项"),
        ({"source": ""}, "至少 4 个字"),
        ({"year": 1999}, "不能小于 2000"),
        ({"workdays": ["2027-13-01"]}, "日期格式"),
        (
            {"holidays": [{"name": "春\x00节", "start": "2027-02-05", "end": "2027-02-06"}]},
            "控制字符",
        ),
    ],
)
def test_bad_schedules_get_chinese_field_messages(change, message):
    parsed = validate(HolidayScheduleIn, {**SCHEDULE, **change})
    assert not parsed.ok and message in "".join(e["message"] for e in parsed.errors)


def test_a_workday_inside_a_holiday_or_on_a_weekday_is_refused(persona, ctx):
    with pytest.raises(ValidationFailed, match="既在放假期间又是调休上班日"):
        _enter(persona("city_admin"), {**SCHEDULE, "workdays": ["2027-02-06"]})
    with pytest.raises(ValidationFailed, match="无需登记为调休上班日"):
        _enter(persona("city_admin"), {**SCHEDULE, "workdays": ["2027-02-15"]})
    assert not ScheduleYear.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_listeners_are_told_after_commit_so_open_deadlines_are_recomputed(reference_data):
    from django.contrib.auth import get_user_model

    from yingji.core.context import actor_context

    heard = []

    def listener(sender, years, **kwargs):
        heard.append((years, selectors.work_calendar().is_provisional(dt.date(2027, 5, 3))))

    services.calendar_changed.connect(listener)
    try:
        admin = get_user_model().objects.get(username="city_admin")
        with actor_context(admin, source="test"):
            _enter(admin)
    finally:
        services.calendar_changed.disconnect(listener)
    assert heard == [({2027}, False)]  # told once, and the new calendar is already in force


def test_the_page_warns_and_admins_enter_a_year(as_user):
    page = as_user("county_a").get("/calendar/").content.decode()
    assert 'id="calendar-missing"' in page and "2027" in page and "录入年度放假安排" not in page
    admin = as_user("city_admin")
    response = admin.post(
        "/calendar/",
        {
            "year": "2027",
            "source": "测试用放假安排(非官方)",
            "h_name": ["元旦", "春节"],
            "h_start": ["2027-01-01", "2027-02-05"],
            "h_end": ["2027-01-03", "2027-02-13"],
            "workdays": "2027-02-14",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/calendar/2027/"
    detail = admin.get("/calendar/2027/").content.decode()
    assert "调休上班" in detail and "春节" in detail
    bad = admin.post("/calendar/", {"year": "2027", "source": "x"}, follow=True).content.decode()
    assert "依据(通知文号):至少 4 个字" in bad


def test_the_dashboard_card_and_the_check_tell_the_administrator(as_user, persona, ctx):
    import io

    home = as_user("city_admin").get("/").content.decode()
    assert "工作日历待更新" in home and "2027" in home
    assert "工作日历待更新" not in as_user("county_a").get("/").content.decode()
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "calendars.W001" in out.getvalue()
    _enter(persona("city_admin"))
    assert "工作日历待更新" not in as_user("city_admin").get("/").content.decode()


def test_the_api(as_user):
    admin = as_user("city_admin")
    response = admin.post("/api/v1/calendar/schedules", SCHEDULE, content_type="application/json")
    assert response.status_code == 201 and response.json()["days"] == 13
    day = as_user("enterprise").get("/api/v1/calendar/days/2027-02-08").json()
    assert day == {"date": "2027-02-08", "workday": False, "provisional": False}
    refused = as_user("county_a").post(
        "/api/v1/calendar/schedules", SCHEDULE, content_type="application/json"
    )
    assert refused.status_code == 403
