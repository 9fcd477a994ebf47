"""Shared helpers of the warnings tests."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone


def user(name):
    return get_user_model().objects.get(username=name)


def client_for(name):
    c = Client()
    c.force_login(user(name))
    return c


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def payload(**over) -> dict:
    now = timezone.now().replace(microsecond=0)
    data = {
        "event_type": "rainstorm",
        "level": "orange",
        "regions": ["620104"],
        "headline": "测试暴雨橙色预警",
        "description": "预计3小时内降雨量将达50毫米以上。",
        "effective": now.isoformat(),
        "expires": (now + dt.timedelta(hours=12)).isoformat(),
        "consult_organisations": "市气象局",
        "consult_decision": "同意发布。",
    }
    data.update(over)
    return data


def released(drafter="whk_staff", approver="zhxt_staff", releaser="duty", channels=None, **over):
    """A warning through the API: drafted, submitted, approved, released; returns its JSON."""
    c = client_for(drafter)
    r = post(c, "/api/v1/warnings", payload(**over))
    assert r.status_code == 201, r.content
    wid = r.json()["id"]
    assert post(c, f"/api/v1/warnings/{wid}/submit").status_code == 200
    r = post(client_for(approver), f"/api/v1/warnings/{wid}/approve", {"opinion": "同意"})
    assert r.status_code == 200, r.content
    body = {"channels": channels or ["platform", "sms"]}
    r = post(client_for(releaser), f"/api/v1/warnings/{wid}/release", body)
    assert r.status_code == 200, r.content
    return r.json()


def send_now(warning_id: int) -> dict:
    """Run the sending job now, in this process, as the worker would (job actor context)."""
    from yingji.core.jobs import run_job_inline
    from yingji.warnings.jobs import send_deliveries

    return run_job_inline(send_deliveries, warning_id)
