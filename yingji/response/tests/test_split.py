"""拆分事件: part of an event becomes a new event (a second fire reported in the same call) —
the chosen tasks, joint-roster members and log entries move, the rest stay, reports stay on
the original, both events are linked both ways, the split is audited, and only the event's
handlers may split an open event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.models import AuditEvent, ObjectChange
from yingji.response.models import CommandTask, Event

from .helpers import client_for, event_body, post, report_body

pytestmark = pytest.mark.django_db

API = "/api/v1/response"


def _event(who="duty", county="620104", title="测试火灾事件(两处火情)") -> Event:
    received = timezone.now() - dt.timedelta(minutes=40)
    body = event_body(
        title=title,
        event_type="ACC-FIRE",
        county=county,
        received_at=received.isoformat(),
        occurred_at=(received - dt.timedelta(minutes=5)).isoformat(),
    )
    r = post(client_for(who), f"{API}/events", body)
    assert r.status_code == 201, r.content
    return Event.objects.get(pk=r.json()["id"])


def _task(client, event, content):
    deadline = (timezone.now() + dt.timedelta(hours=3)).isoformat()
    r = post(
        client,
        f"{API}/events/{event.pk}/tasks",
        {"content": content, "assignee": "XGQ-YJJ", "deadline": deadline},
    )
    assert r.status_code == 201, r.content
    return r.json()["id"]


def _split_body(source: Event, **extra) -> dict:
    return {
        "title": "测试第二处火情(拆分)",
        "event_type": "ACC-FIRE",
        "occurred_at": timezone.localtime(source.occurred_at).isoformat(),
        "place": "西固区测试第二地点",
        "county": "620104",
        "description": "同一来电报告的另一处火情。",
        "deaths": 1,
        "reason": "同一来电报告了两处不相干的火情",
    } | extra


def test_a_split_moves_the_chosen_tasks_only_and_links_both_events():
    source = _event()
    duty = client_for("duty")
    assert post(duty, f"{API}/events/{source.pk}/reports", report_body()).status_code == 201
    moving = _task(duty, source, "扑救第二处火情")
    staying = _task(duty, source, "扑救第一处火情")

    r = post(duty, f"{API}/events/{source.pk}/split", _split_body(source, tasks=[moving]))
    assert r.status_code == 201, r.content
    new = Event.objects.get(pk=r.json()["id"])
    assert r.json()["split_from"] == source.number and new.number != source.number
    assert new.split_from == source and new.deaths == 1 and new.state == "open"
    assert new.received_at == source.received_at  # the same call: its clocks run from it
    assert new.next_report_due is not None  # it owes its own 首报
    assert CommandTask.objects.get(pk=moving).event == new
    assert CommandTask.objects.get(pk=staying).event == source
    assert source.reports.count() == 1 and new.reports.count() == 0  # reports stay
    source.refresh_from_db()
    assert source.state == "open" and source.deaths == 0  # only a report changes figures
    assert (
        AuditEvent.objects.filter(verb="response.event.split", object_id=str(source.pk)).count()
        == 1
    )
    changes = ObjectChange.objects.filter(object_id=str(moving)).order_by("-pk")
    assert any("event" in str(c.changed_fields) for c in changes)
    page = duty.get(f"/response/events/{source.pk}/").content.decode()
    assert new.number in page.split('id="split-events"')[1]
    assert "拆分出" in page.split('id="event-timeline"')[1]
    new_page = duty.get(f"/response/events/{new.pk}/").content.decode()
    assert source.get_absolute_url() in new_page.split('id="split-from"')[1]


def test_a_split_moving_nothing_leaves_the_original_whole():
    source = _event()
    duty = client_for("duty")
    task = _task(duty, source, "扑救火情")
    r = post(duty, f"{API}/events/{source.pk}/split", _split_body(source))
    assert r.status_code == 201, r.content
    assert CommandTask.objects.get(pk=task).event == source


def test_the_split_page_takes_the_form_and_moves_ticked_tasks():
    source = _event()
    duty = client_for("duty")
    moving = _task(duty, source, "扑救第二处火情")
    page = duty.get(f"/response/events/{source.pk}/split/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="split-form"' in html and f'value="{moving}"' in html
    body = _split_body(source, tasks=str(moving), version=str(source.version))
    body["occurred_at"] = timezone.localtime(source.occurred_at).strftime("%Y-%m-%dT%H:%M")
    r = duty.post(f"/response/events/{source.pk}/split/", body)
    assert r.status_code == 302
    new = Event.objects.get(split_from=source)
    assert r["Location"] == new.get_absolute_url()
    assert CommandTask.objects.get(pk=moving).event == new


def test_tasks_of_another_event_are_refused_and_nothing_is_written():
    source, other = _event(), _event(title="测试另一起火灾事件")
    foreign = _task(client_for("duty"), other, "别的事件的指令")
    before = Event.objects.count()
    r = post(
        client_for("duty"),
        f"{API}/events/{source.pk}/split",
        _split_body(source, tasks=[foreign]),
    )
    assert r.status_code == 422 and "不属于原事件" in r.json()["message"]
    assert Event.objects.count() == before
    assert CommandTask.objects.get(pk=foreign).event == other


@pytest.mark.parametrize(
    ("who", "status"),
    [("chengguan_staff", 404), ("leader", 403), ("ent_user", 404)],
)
def test_splitting_is_refused_to_who_does_not_handle_the_event(who, status):
    source = _event()
    r = post(client_for(who), f"{API}/events/{source.pk}/split", _split_body(source))
    assert r.status_code == status, r.content
    assert not Event.objects.filter(split_from=source).exists()
    page = client_for("duty").get(f"/response/events/{source.pk}/").content.decode()
    assert 'id="split-link"' in page
    if who == "leader":
        page = client_for(who).get(f"/response/events/{source.pk}/").content.decode()
        assert 'id="split-link"' not in page


def test_a_merged_event_cannot_be_split():
    primary, duplicate = _event(title="测试火灾事件(主)"), _event()
    duty = client_for("duty")
    merge = {"primary": primary.number, "reason": "重复接报"}
    assert post(duty, f"{API}/events/{duplicate.pk}/merge", merge).status_code == 200
    r = post(duty, f"{API}/events/{duplicate.pk}/split", _split_body(duplicate))
    assert r.status_code == 409 and "只能拆分处置中的事件" in r.json()["message"]
