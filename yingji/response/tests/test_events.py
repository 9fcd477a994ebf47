"""Event intake, grading, reporting clocks and reports through the API and the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.models import AuditEvent
from yingji.response.models import Event, EventReport

from .helpers import client_for, event_body, post, report_body

pytestmark = pytest.mark.django_db


def _take(client, **extra):
    r = post(client, "/api/v1/response/events", event_body(**extra))
    assert r.status_code == 201, r.content
    return r.json()


def test_duty_takes_a_call_for_any_county_and_it_is_graded_and_audited():
    duty = client_for("duty")
    body = _take(duty, deaths=3, county="620102", place="城关区某处")
    assert body["grade"] == "larger" and body["grade_label"] == "较大事故"
    assert body["region"] == "620102" and body["number"].startswith("SJ-20260101-")
    labels = {c["label"]: c for c in body["clocks"]}
    # received 00:10 → 首报 within 2 h, 电话快报 within 1 h (较大); the unit's report was in time
    assert labels["首报上报(接报后2小时内)"]["due"].startswith("2026-01-01T02:10")
    assert labels["电话快报省级(接报后1小时内)"]["due"].startswith("2026-01-01T01:10")
    assert labels["事发单位报告(1小时内)"]["status"] == "met"
    assert AuditEvent.objects.filter(
        verb="response.event.taken", object_id=str(body["id"])
    ).exists()


def test_non_accident_events_are_not_graded_and_larger_near_miss_is_flagged():
    duty = client_for("duty")
    assert _take(duty, event_type="NAT-GEO", deaths=5)["grade"] == ""
    near = _take(duty, trapped=3)
    assert near["grade"] == "general" and near["near_miss"] is True


def test_intake_refusals_change_nothing():
    duty, before = client_for("duty"), Event.objects.count()
    assert post(duty, "/api/v1/response/events", event_body(event_type="NOPE")).status_code == 422
    r = post(duty, "/api/v1/response/events", event_body(county=None))
    assert r.status_code == 422 and "县区" in r.json()["message"]
    later = event_body(occurred_at="2026-01-02T00:00:00+08:00")
    assert post(duty, "/api/v1/response/events", later).status_code == 422
    assert post(client_for("leader"), "/api/v1/response/events", event_body()).status_code == 403
    assert post(client_for("ent_user"), "/api/v1/response/events", event_body()).status_code == 403
    assert Event.objects.count() == before


def test_county_staff_take_calls_in_their_county_only():
    xigu = client_for("xigu_staff")
    assert post(xigu, "/api/v1/response/events", event_body()).status_code == 201
    before = Event.objects.count()
    r = post(xigu, "/api/v1/response/events", event_body(county="620102"))
    assert r.status_code == 403 and Event.objects.count() == before


def test_counties_see_their_own_events_and_enterprises_none(as_user):
    events = Event.objects.filter(is_demo=True)
    chengguan = events.get(region__path__startswith="/620100/620102/")
    xigu_view = client_for("xigu_staff").get(f"/api/v1/response/events/{chengguan.pk}")
    assert xigu_view.status_code == 404
    assert client_for("chengguan_staff").get(chengguan.get_absolute_url()).status_code == 200
    assert client_for("ent_user").get("/response/").status_code == 403
    listed = client_for("xigu_staff").get("/api/v1/response/events").json()
    assert listed and all(e["region"].startswith("620104") for e in listed)


def test_reports_carry_the_figures_regrade_and_are_never_changed():
    duty = client_for("duty")
    event = _take(duty)
    url = f"/api/v1/response/events/{event['id']}/reports"
    assert post(duty, url, report_body("follow_up")).status_code == 409  # 首报 first
    r = post(duty, url, report_body("first", deaths=1))
    assert r.status_code == 201 and r.json()["seq"] == 1
    assert post(duty, url, report_body("first")).status_code == 409  # only one 首报
    r = post(duty, url, report_body("follow_up", deaths=10))
    assert r.status_code == 201
    detail = duty.get(f"/api/v1/response/events/{event['id']}").json()
    assert detail["deaths"] == 10 and detail["grade"] == "major"
    assert [x["figures"]["deaths"] for x in detail["reports"]] == [1, 10]  # history kept
    follow = {c["label"][:2]: c for c in detail["clocks"]}["续报"]
    assert follow["label"] == "续报(每日两次)"
    post(duty, url, report_body("final", deaths=10))
    assert post(duty, url, report_body("verified", deaths=10)).status_code == 409  # closed
    assert Event.objects.get(pk=event["id"]).state == "closed"


def test_a_casualty_change_after_the_supplement_window_is_flagged_and_still_accepted():
    duty = client_for("duty")
    now = timezone.localtime()
    days29 = _take(
        duty,
        occurred_at=(now - dt.timedelta(days=29)).isoformat(),
        received_at=(now - dt.timedelta(days=29)).isoformat(),
    )
    days31 = _take(
        duty,
        occurred_at=(now - dt.timedelta(days=31)).isoformat(),
        received_at=(now - dt.timedelta(days=31)).isoformat(),
    )
    for event, late in ((days29, False), (days31, True)):
        url = f"/api/v1/response/events/{event['id']}/reports"
        post(duty, url, report_body("first"))
        r = post(duty, url, report_body("supplement", deaths=1))
        assert r.status_code == 201 and r.json()["late_supplement"] is late


def test_overdue_follow_up_of_the_demo_fire_is_listed_and_counted(as_user):
    duty = client_for("duty")
    fire = Event.objects.get(is_demo=True, event_type__code="ACC-FIRE")
    assert fire.next_report_due < timezone.now() and fire.next_report_label == "续报"
    page = duty.get("/response/?overdue=1").content.decode()
    assert fire.number in page
    road = Event.objects.get(is_demo=True, event_type__code="ACC-ROAD")
    assert road.number not in page  # its 首报 is due, not overdue
    r = duty.get("/api/v1/response/events?overdue=true")
    assert fire.number in [e["number"] for e in r.json()]


def test_intake_page_and_detail_page(as_user):
    duty = client_for("duty")
    assert duty.get("/response/new/").status_code == 200
    form = event_body(county="620104", occurred_at="2026-01-01T00:00", received_at="")
    r = duty.post("/response/new/", form)
    event = Event.objects.order_by("-pk").first()
    assert r.status_code == 302 and r["Location"] == event.get_absolute_url()
    page = duty.get(event.get_absolute_url()).content.decode()
    assert "报告时限" in page and "超时完成" in page  # the unit reported months late
    assert 'id="report-form"' in page and 'id="level-form"' not in page  # duty: no level


def test_list_export_and_search(as_user):
    duty = client_for("duty")
    r = duty.get("/response/?export=csv")
    assert r.status_code == 200
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    assert "事件编号" in body and "演示" in body
    r = duty.get("/search/?q=氯气")
    assert r.status_code == 200 and "氯气泄漏" in r.content.decode()


def test_accident_grade_calculator():
    duty = client_for("duty")
    r = post(duty, "/api/v1/calc/accident-grade", {"deaths": 3})
    assert r.json()["grade"] == "较大" and r.json()["criteria"] == ["死亡3人(≥3人)"]
    r = post(duty, "/api/v1/calc/accident-grade", {"direct_loss_yuan": "99999999.99"})
    assert r.json()["grade"] == "重大"
    assert r.json()["report_to"].startswith("国务院")


def test_no_one_but_the_administrator_may_change_a_report(persona):
    from yingji.core.permissions import restrict

    qs = EventReport.objects.filter(event__is_demo=True)
    assert qs.exists()
    for name in ("section", "county_a", "county_b", "leader"):
        assert not restrict(qs, persona(name), "change").exists()
