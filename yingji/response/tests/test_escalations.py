"""A breached reporting deadline escalated to the 带班领导 on duty, by name: with a roster whose
leader has an account, with a roster whose leader has none, without a roster; never twice for
the same deadline; shown on the event, its timeline and the leader's 工作台."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.models import AuditEvent
from yingji.response import escalations
from yingji.response.escalations import covering
from yingji.response.models import DutyShift, Event, ReportEscalation

from .helpers import client_for, event_body, post

pytestmark = pytest.mark.django_db


def _late_event(username="xigu_staff"):
    """An accident received three hours ago: its 2-hour 首报 is breached."""
    received = timezone.localtime() - dt.timedelta(hours=3)
    body = event_body(
        received_at=received.isoformat(),
        occurred_at=(received - dt.timedelta(minutes=10)).isoformat(),
    )
    r = post(client_for(username), "/api/v1/response/events", body)
    assert r.status_code == 201, r.content
    return r.json()["id"]


def do_escalate_breaches(now):
    """The job's service, as the job runs it (a job actor context)."""
    with actor_context(None, source="job", label="job:escalate_overdue_reports"):
        return escalations.do_escalate_breaches(now=now)


def _county_leader(name="张三(测试)"):
    from yingji.orgs.models import Membership, Organisation

    admin = get_user_model().objects.get(username="city_admin")
    with actor_context(admin, source="cli", label="test"):
        user = get_user_model().objects.create_user("zhangsan_test", first_name=name)
        Membership.objects.create(
            user=user,
            organisation=Organisation.objects.get(code="XGQ-YJJ"),
            role="county_staff",
            title="副局长",
        )
    return user


def _name_on_duty(org_code, name, now):
    date, kinds = covering(now)
    updated = DutyShift.objects.filter(
        organisation__code=org_code, date=date, shift__in=kinds
    ).update(leader=name)
    assert updated  # the demo roster covers this month


@pytest.mark.parametrize(
    ("clock", "date_offset", "kinds"),
    [
        ("07:59", -1, ("night", "all")),
        ("08:30", 0, ("day", "all")),
        ("17:29", 0, ("day", "all")),
        ("17:30", 0, ("night", "all")),
        ("23:59", 0, ("night", "all")),
    ],
)
def test_which_shift_covers_a_time(clock, date_offset, kinds):
    tz = timezone.get_current_timezone()
    day = dt.date(2026, 3, 2)
    moment = dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=tz)
    assert covering(moment) == (day + dt.timedelta(days=date_offset), kinds)


def test_the_leader_on_duty_is_notified_by_name_once():
    leader = _county_leader()
    now = timezone.now()
    _name_on_duty("XGQ-YJJ", "张三(测试)", now)
    pk = _late_event()
    do_escalate_breaches(now=now)
    rows = list(ReportEscalation.objects.filter(event_id=pk))
    assert [r.deadline for r in rows] == ["首报上报"]
    row = rows[0]
    assert row.organisation.code == "XGQ-YJJ" and row.leader_name == "张三(测试)"
    assert list(row.recipients.all()) == [leader]
    assert row.note == "已提醒 带班领导 张三(测试)"
    assert AuditEvent.objects.filter(verb="response.report.escalated", object_id=str(row.pk))
    # the job again (and the page sweep): nothing new for the same deadline
    do_escalate_breaches(now=now + dt.timedelta(minutes=5))
    assert ReportEscalation.objects.filter(event_id=pk).count() == 1
    assert (
        AuditEvent.objects.filter(verb="response.report.escalated", object_id=str(row.pk)).count()
        == 1
    )
    page = client_for("xigu_staff").get(f"/response/events/{pk}/").content.decode()
    assert "已提醒 带班领导 张三(测试)" in page and "超时提醒" in page
    api = client_for("xigu_staff").get(f"/api/v1/response/events/{pk}/escalations").json()
    assert api[0]["recipients"] == ["张三(测试)"] and api[0]["deadline"] == "首报上报"


def test_the_leader_sees_it_on_the_workbench():
    from django.test import Client

    leader = _county_leader()
    now = timezone.now()
    _name_on_duty("XGQ-YJJ", "张三(测试)", now)
    pk = _late_event()
    do_escalate_breaches(now=now)
    client = Client()
    client.force_login(leader)
    home = client.get("/").content.decode()
    assert "报告超时提醒" in home and f"/response/events/{pk}/#escalations" in home
    other = client_for("chengguan_staff").get("/").content.decode()
    assert f"/response/events/{pk}/#escalations" not in other


def test_a_leader_without_an_account_falls_back_to_the_bureau_leaders():
    leader = _county_leader(name="李四(测试)")  # a 副局长 of 西固, not the one on the roster
    now = timezone.now()
    _name_on_duty("XGQ-YJJ", "王五(无账号)", now)
    pk = _late_event()
    do_escalate_breaches(now=now)
    row = ReportEscalation.objects.get(event_id=pk)
    assert list(row.recipients.all()) == [leader]
    assert row.note.startswith("带班领导 王五(无账号) 未关联平台账号,已提醒 ")
    assert "李四(测试)" in row.note


def test_without_a_roster_the_page_says_so_and_the_city_leaders_are_notified():
    pk = _late_event(username="duty")  # the city desk took it: the 市局 roster
    later = timezone.now() + dt.timedelta(days=70)  # the demo roster covers this month only
    org = escalations.duty_organisation(Event.objects.get(pk=pk))
    assert org.code == "LZYJJ" and escalations.shift_at(org, later) is None
    do_escalate_breaches(now=later)
    rows = list(ReportEscalation.objects.filter(event_id=pk))
    assert rows and all(r.shift is None and r.leader_name == "" for r in rows)
    assert rows[0].note.startswith(
        "兰州市应急管理局值班表未覆盖当前时间,已提醒 兰州市应急管理局领导 "
    )
    leaders = {u.username for u in rows[0].recipients.all()}
    assert "leader" in leaders
    page = client_for("duty").get(f"/response/events/{pk}/").content.decode()
    assert "值班表未覆盖当前时间" in page


def test_a_deadline_met_late_or_a_closed_event_is_not_escalated():
    xigu = client_for("xigu_staff")
    late, closed = _late_event(), _late_event()
    for pk, kinds in ((late, ["first"]), (closed, ["first", "final"])):
        for kind in kinds:
            body = {"kind": kind, "reported_to": "市应急管理局", "content": "报告内容测试。"}
            r = post(xigu, f"/api/v1/response/events/{pk}/reports", body)
            assert r.status_code == 201, r.content
    do_escalate_breaches(now=timezone.now())
    assert not ReportEscalation.objects.filter(event_id__in=[late, closed]).exists()


def test_the_daily_job_runs_the_same_service():
    from yingji.core.jobs import run_job_inline
    from yingji.response.jobs import escalate_overdue_reports

    pk = _late_event()
    assert run_job_inline(escalate_overdue_reports)["escalated"] >= 1
    assert ReportEscalation.objects.filter(event_id=pk).count() == 1
    assert run_job_inline(escalate_overdue_reports)["escalated"] == 0


def test_no_one_writes_escalations_by_hand(persona):
    from yingji.core.permissions import restrict

    pk = _late_event()
    do_escalate_breaches(now=timezone.now())
    qs = ReportEscalation.objects.filter(event_id=pk)
    assert restrict(qs, persona("county_a")).exists()
    assert not restrict(qs, persona("county_b")).exists()
    for name in ("section", "county_a", "leader"):
        assert not restrict(qs, persona(name), "change").exists()
