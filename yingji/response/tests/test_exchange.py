"""T63 与教育、住建、高速等部门系统对接: the interface a department's system uses, offline. The
department's liaison account (role 部门联络员, a member of 市教育局 in the organisation tree)
creates an API token; with it, and nothing else, the department's system reads the tasks
(指令) given to the department and the events they belong to (outbound), and signs and feeds
back (inbound) — every reply on the event's timeline. The token is the account's scope: the
department sees no other event, takes no intake and answers no other unit's task."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from yingji.response.models import CommandTask, Event

from .helpers import client_for, event_body, post

pytestmark = pytest.mark.django_db

API = "/api/v1/response"


def _department_token() -> str:
    from yingji.orgs.models import Membership, Organisation

    liaison = get_user_model().objects.create(
        username="jyj_liaison_test", first_name="教育局联络员"
    )
    Membership.objects.create(
        user=liaison, organisation=Organisation.objects.get(code="LZ-JYJ"), role="dept_liaison"
    )
    web = Client()
    web.force_login(liaison)
    r = post(web, "/api/v1/tokens", {"name": "教育局指挥平台对接"})
    assert r.status_code == 201, r.content
    return r.json()["key"]


def _bearer(token):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client()

    def get(url, **params):
        return client.get(url, params, **headers)

    def send(url, body):
        return client.post(url, json.dumps(body), content_type="application/json", **headers)

    return get, send


def test_a_department_system_reads_its_tasks_and_answers_them_with_its_token(ctx):
    duty = client_for("duty")
    received = timezone.now() - dt.timedelta(minutes=20)
    body = event_body(
        title="测试学校周边燃气泄漏事件",
        received_at=received.isoformat(),
        occurred_at=(received - dt.timedelta(minutes=5)).isoformat(),
    )
    event = Event.objects.get(pk=post(duty, f"{API}/events", body).json()["id"])
    other = Event.objects.exclude(pk=event.pk).filter(state="open").first()
    deadline = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    r = post(
        duty,
        f"{API}/events/{event.pk}/tasks",
        {"content": "组织周边学校学生疏散", "assignee": "LZ-JYJ", "deadline": deadline},
    )
    task_id = r.json()["id"]

    get, send = _bearer(_department_token())
    mine = get(f"{API}/tasks", mine="true")
    assert mine.status_code == 200
    assert [t["id"] for t in mine.json()] == [task_id]  # outbound: only its own tasks
    assert get(f"{API}/events/{event.pk}").status_code == 200  # the event it is tasked on
    assert get(f"{API}/events/{other.pk}").status_code == 404  # nothing else
    assert send(f"{API}/tasks/{task_id}/sign", {}).status_code == 200  # inbound
    r = send(f"{API}/tasks/{task_id}/feedback", {"feedback": "已疏散学生320人(测试)"})
    assert r.status_code == 200 and r.json()["state"] == "done"
    task = CommandTask.objects.get(pk=task_id)
    assert task.feedback_by.username == "jyj_liaison_test"
    timeline = duty.get(event.get_absolute_url()).content.decode().split('id="event-timeline"')[1]
    assert "反馈指令" in timeline and "市教育局" in timeline
    # the token does what the account may, nothing more
    assert send(f"{API}/events", body).status_code == 403
    theirs = CommandTask.objects.exclude(assignee__code="LZ-JYJ").filter(state="issued").first()
    if theirs is not None:
        assert send(f"{API}/tasks/{theirs.pk}/sign", {}).status_code in (403, 404)
    assert Client().get(f"{API}/tasks", HTTP_AUTHORIZATION="Bearer yj_wrong").status_code == 401
