"""Response level decisions, command tasks (签收, 反馈, overdue), the 复盘, the 工作台 card."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from yingji.core.models import AuditEvent
from yingji.response.models import CommandTask, Event, LevelChange, Review

from .helpers import client_for, event_body, post

pytestmark = pytest.mark.django_db


def _new_event(client=None):
    client = client or client_for("duty")
    r = post(client, "/api/v1/response/events", event_body(deaths=3))
    assert r.status_code == 201
    return r.json()["id"]


def _level(client, pk, **body):
    return post(client, f"/api/v1/response/events/{pk}/level", {"reason": "理由说明文字"} | body)


def test_only_the_leader_decides_the_level_and_the_history_is_kept():
    pk = _new_event()
    for name in ("duty", "whk_staff", "xigu_staff"):
        assert _level(client_for(name), pk, action="start", level=3).status_code == 403
    assert not LevelChange.objects.filter(event_id=pk).exists()
    leader = client_for("leader")
    assert _level(leader, pk, action="adjust", level=2).status_code == 409  # not started
    assert _level(leader, pk, action="start", level=3).status_code == 201
    assert _level(leader, pk, action="start", level=3).status_code == 409
    assert _level(leader, pk, action="adjust", level=3).status_code == 409  # same level
    assert _level(leader, pk, action="adjust", level=2).status_code == 201
    assert _level(leader, pk, action="end").status_code == 201
    assert _level(leader, pk, action="adjust", level=1).status_code == 409  # ended
    event = Event.objects.get(pk=pk)
    assert event.response_state == "ended" and event.response_level == 2
    changes = list(LevelChange.objects.filter(event_id=pk).values_list("action", "level"))
    assert changes == [("start", 3), ("adjust", 2), ("end", None)]
    verbs = set(
        AuditEvent.objects.filter(verb__startswith="response.level.").values_list("verb", flat=True)
    )
    assert {"response.level.start", "response.level.adjust", "response.level.end"} <= verbs
    page = leader.get(f"/response/events/{pk}/").content.decode()
    assert "升级" in AuditEvent.objects.filter(verb="response.level.adjust").last().message
    assert 'id="level-form"' not in page  # ended: nothing more to decide


def test_tasks_are_signed_and_answered_by_the_receiving_unit_only():
    pk = _new_event()
    duty = client_for("duty")
    deadline = (timezone.localtime() + dt.timedelta(hours=2)).isoformat()
    r = post(
        duty,
        f"/api/v1/response/events/{pk}/tasks",
        {"content": "组织疏散周边群众", "assignee": "XGQ-YJJ", "deadline": deadline},
    )
    assert r.status_code == 201 and r.json()["state"] == "issued"
    task = r.json()["id"]
    for name in ("duty", "chengguan_staff", "whk_staff"):
        assert post(client_for(name), f"/api/v1/response/tasks/{task}/sign", {}).status_code in (
            403,
            404,
        )
    xigu = client_for("xigu_staff")
    assert post(xigu, f"/api/v1/response/tasks/{task}/sign", {}).json()["state"] == "signed"
    assert post(xigu, f"/api/v1/response/tasks/{task}/sign", {}).status_code == 409
    r = post(xigu, f"/api/v1/response/tasks/{task}/feedback", {"feedback": "已疏散120人"})
    assert r.json()["state"] == "done" and r.json()["overdue"] is False
    past = (timezone.localtime() - dt.timedelta(hours=1)).isoformat()
    r = post(
        duty,
        f"/api/v1/response/events/{pk}/tasks",
        {"content": "过去的时限", "assignee": "XGQ-YJJ", "deadline": past},
    )
    assert r.status_code == 422


def test_the_overdue_demo_task_is_flagged_and_counted_on_the_workbench():
    overdue = CommandTask.objects.get(event__is_demo=True, assignee__code="LZYJJ-JZWZ")
    assert overdue.overdue(timezone.now())
    duty = client_for("duty")
    page = duty.get("/response/tasks/?overdue=1").content.decode()
    assert "共 1 条" in page and "已超时" in page, re.findall(r"共 \S+ 条", page)
    home = duty.get("/").content.decode()
    assert "应急值守" in home and "超时未办结的指令" in home
    assert "今日值班" in home


def test_review_after_the_response_ends_with_facts_and_actions():
    pk = _new_event()
    duty, leader = client_for("duty"), client_for("leader")
    post(
        duty,
        f"/api/v1/response/events/{pk}/reports",
        {"kind": "first", "reported_to": "省厅", "content": "首报内容"},
    )
    _level(leader, pk, action="start", level=3)
    body = {
        "findings": "信息报送及时",
        "actions": [
            {"content": "完善危化品泄漏处置卡", "owner": "LZYJJ-WHP", "due_on": "2030-01-01"}
        ],
    }
    assert post(duty, f"/api/v1/response/events/{pk}/review", body).status_code == 409
    _level(leader, pk, action="end")
    r = post(duty, f"/api/v1/response/events/{pk}/review", body)
    assert r.status_code == 201, r.content
    facts = r.json()["facts"]
    assert facts["minutes_to_first_report"] is not None and facts["highest_level"] == 3
    assert post(duty, f"/api/v1/response/events/{pk}/review", body).status_code == 409
    action = Review.objects.get(event_id=pk).actions.get()
    whk = client_for("whk_staff")
    r = whk.post(f"/response/actions/{action.pk}/done/", {"note": "已印发处置卡"})
    assert r.status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None


def test_the_leader_sees_the_level_form_on_the_demo_leak_and_duty_the_task_form(as_user):
    leak = Event.objects.get(is_demo=True, event_type__code="ACC-HAZ")
    page = client_for("leader").get(leak.get_absolute_url()).content.decode()
    assert 'id="level-form"' in page and "Ⅲ级" in page
    assert 'id="task-form"' not in page  # the read-only leadership issues no tasks
    duty_page = client_for("duty").get(leak.get_absolute_url()).content.decode()
    assert 'id="task-form"' in duty_page and 'id="level-form"' not in duty_page
    assert "下达指令" in duty_page and "签收指令" in duty_page  # the timeline
