"""合并事件: a duplicate intake is merged into the primary event — its tasks, joint roster,
releases and log entries move, its reports stay, it shows 已合并 → the primary, it is never
deleted, the merge is audited, and it is refused across counties the actor does not handle."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.models import AuditEvent, ObjectChange
from yingji.response.models import CommandTask, Event, Release

from .helpers import client_for, event_body, post, report_body

pytestmark = pytest.mark.django_db

API = "/api/v1/response"


def _event(who="duty", county="620104", title="测试火灾事件(重复接报)") -> Event:
    received = timezone.now() - dt.timedelta(minutes=30)
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


def _merge(who, duplicate, primary, **extra):
    body = {"primary": primary.number, "reason": "同一起火灾的两次来电"} | extra
    return post(client_for(who), f"{API}/events/{duplicate.pk}/merge", body)


def test_a_duplicate_is_merged_with_its_tasks_and_releases_moved_and_its_reports_kept():
    primary = _event(title="测试火灾事件(主)")
    duplicate = _event()
    duty = client_for("duty")
    assert post(duty, f"{API}/events/{duplicate.pk}/reports", report_body()).status_code == 201
    deadline = (timezone.now() + dt.timedelta(hours=3)).isoformat()
    r = post(
        duty,
        f"{API}/events/{duplicate.pk}/tasks",
        {"content": "核实火情", "assignee": "XGQ-YJJ", "deadline": deadline},
    )
    assert r.status_code == 201
    task_id = r.json()["id"]
    r = post(
        duty,
        f"{API}/events/{duplicate.pk}/releases",
        {
            "kind": "first",
            "channels": ["website"],
            "title": "火灾情况通报",
            "content": "某处发生火灾,正在处置中。",
        },
    )
    release_id = r.json()["id"]

    r = _merge("duty", duplicate, primary)
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "merged" and r.json()["merged_into"] == primary.number
    duplicate.refresh_from_db()
    assert duplicate.merged_into == primary and duplicate.next_report_due is None
    assert CommandTask.objects.get(pk=task_id).event == primary
    assert Release.objects.get(pk=release_id).event == primary
    assert duplicate.reports.count() == 1  # reports are immutable: they stay, linked
    assert (
        AuditEvent.objects.filter(verb="response.event.merged", object_id=str(duplicate.pk)).count()
        == 1
    )
    changes = ObjectChange.objects.filter(object_id=str(task_id)).order_by("-pk")
    assert any("event" in str(c.changed_fields) for c in changes)
    page = duty.get(f"/response/events/{duplicate.pk}/").content.decode()
    assert 'id="merged-banner"' in page and primary.get_absolute_url() in page
    assert 'id="merge-form"' not in page
    primary_page = duty.get(f"/response/events/{primary.pk}/").content.decode()
    assert duplicate.number in primary_page.split('id="merged-duplicates"')[1]
    assert "并入本事件" in primary_page.split('id="event-timeline"')[1]
    # nothing more happens on a merged event
    r = post(duty, f"{API}/events/{duplicate.pk}/reports", report_body(kind="follow_up"))
    assert r.status_code == 409 and "已合并" in r.json()["message"]
    r = _merge("duty", duplicate, primary)
    assert r.status_code == 409


@pytest.mark.parametrize(
    ("who", "status", "message"),
    [
        ("chengguan_staff", 404, ""),  # the duplicate is in 西固: not theirs
        ("leader", 403, "无权"),  # the leadership decides levels, it does not merge
        ("ent_user", 404, ""),
    ],
)
def test_merging_is_refused_to_who_does_not_handle_the_events(who, status, message):
    primary = _event(title="测试火灾事件(主)")
    duplicate = _event()
    r = _merge(who, duplicate, primary)
    assert r.status_code == status and message in r.json().get("message", ""), r.content
    duplicate.refresh_from_db()
    assert duplicate.state == "open" and duplicate.merged_into is None


def test_a_county_cannot_merge_into_an_event_of_a_county_it_does_not_handle():
    other = _event(county="620102", title="城关测试火灾事件")
    mine = _event(who="xigu_staff")
    r = _merge("xigu_staff", mine, other)
    assert r.status_code == 422 and "不在您的处理范围内" in r.json()["message"]
    assert Event.objects.get(pk=mine.pk).state == "open"


def test_bad_merges_are_refused():
    primary = _event(title="测试火灾事件(主)")
    duplicate = _event()
    r = _merge("duty", duplicate, duplicate)
    assert r.status_code == 422 and "自己" in r.json()["message"]
    r = _merge("duty", duplicate, primary, reason="")
    assert r.status_code == 422 and "合并原因" in r.json()["message"]
    r = _merge("duty", duplicate, primary, version=duplicate.version + 3)
    assert r.status_code == 409 and "已被他人修改" in r.json()["message"]
    r = post(
        client_for("leader"),
        f"{API}/events/{duplicate.pk}/level",
        {"action": "start", "level": 4, "reason": "测试启动响应"},
    )
    assert r.status_code == 201
    r = _merge("duty", duplicate, primary)
    assert r.status_code == 409 and "应急响应尚未终止" in r.json()["message"]
    assert Event.objects.get(pk=duplicate.pk).state == "open"
