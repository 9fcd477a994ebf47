"""Shared helpers of the response tests."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.test import Client


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def client_for(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def event_body(**extra):
    body = {
        "title": "测试危化品泄漏事件",
        "event_type": "ACC-HAZ",
        "occurred_at": "2026-01-01T00:00:00+08:00",
        "received_at": "2026-01-01T00:10:00+08:00",
        "place": "西固区测试地点",
        "county": "620104",
        "description": "测试用的事件概况。",
    }
    return body | extra


def report_body(kind="first", **extra):
    return {"kind": kind, "reported_to": "省应急管理厅", "content": "报告内容测试。"} | extra
