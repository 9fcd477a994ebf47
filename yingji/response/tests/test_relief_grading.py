"""自然灾害 events graded by the configurable 自然灾害救助 table: at intake, on each report, on
the event page and through the calculator `POST /api/v1/calc/disaster-level`."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from yingji.response import grading
from yingji.response.models import Event

from .helpers import client_for, event_body, post, report_body

pytestmark = pytest.mark.django_db


def _take(client, **extra):
    r = post(client, "/api/v1/response/events", event_body(**extra))
    assert r.status_code == 201, r.content
    return r.json()


def test_a_natural_disaster_is_graded_at_intake_with_the_criteria_met():
    duty = client_for("duty")
    body = _take(duty, event_type="NAT-GEO", title="测试滑坡灾害", deaths=15, missing=6)
    assert body["grade"] == "" and body["relief_level"] == 4
    assert body["relief"]["level"] == 4 and body["relief"]["label"] == "四级"
    assert body["relief"]["criteria"] == ["死亡和失踪人数21人(≥20人)"]
    assert body["relief"]["confidence"] == "LOW"
    page = duty.get(f"/response/events/{body['id']}/").content.decode()
    assert 'id="relief-level"' in page and "建议四级响应" in page and "死亡和失踪人数21人" in page


def test_a_report_regrades_the_disaster_and_accidents_are_not_relief_graded():
    duty = client_for("duty")
    body = _take(duty, event_type="NAT-FLOOD", title="测试洪涝灾害")
    assert body["relief_level"] is None and body["relief"]["level"] is None
    r = post(
        duty,
        f"/api/v1/response/events/{body['id']}/reports",
        report_body(relocated=520_000, houses_rooms=1_500),
    )
    assert r.status_code == 201, r.content
    event = Event.objects.get(pk=body["id"])
    assert event.relief_level == 3 and event.relocated == 520_000
    assert r.json()["figures"]["relocated"] == 520_000  # the report keeps the figures
    accident = _take(duty, deaths=25)
    assert accident["relief_level"] is None and accident["relief"] is None
    page = duty.get(f"/response/events/{accident['id']}/").content.decode()
    assert 'id="relief-level"' not in page


def test_the_calculator_answers_the_level_and_refuses_bad_input():
    duty = client_for("duty")
    r = post(duty, "/api/v1/calc/disaster-level", {"deaths": 199, "missing": 1})
    assert r.status_code == 200
    assert r.json()["level"] == 1 and r.json()["confidence"] == "HIGH"
    r = post(duty, "/api/v1/calc/disaster-level", {"drought_share_pct": 20, "relocated": 99_999})
    assert r.json()["level"] == 3 and r.json()["criteria"][0].startswith("干旱需政府救助人数占")
    r = post(duty, "/api/v1/calc/disaster-level", {})
    assert r.json()["level"] is None and "紧急转移安置和需紧急生活救助人数" in r.json()["unknown"]
    assert post(duty, "/api/v1/calc/disaster-level", {"deaths": -1}).status_code == 422
    r = post(duty, "/api/v1/calc/disaster-level", {"drought_share_pct": 101})
    assert r.status_code == 422


def test_the_bureau_replaces_the_table_by_a_setting(settings):
    grading._load.cache_clear()
    settings.YINGJI_RELIEF_LEVELS = json.dumps(
        {
            "label": "兰州市自然灾害救助应急预案(测试)",
            "levels": [{"level": 4, "label": "Ⅳ级", "criteria": {"deaths": 3}}],
        }
    )
    duty = client_for("duty")
    body = _take(duty, event_type="NAT-GEO", title="测试泥石流灾害", deaths=3)
    assert body["relief_level"] == 4 and body["relief"]["table"].startswith("兰州市")
    settings.YINGJI_RELIEF_LEVELS = "national_2016"
    assert grading.assess({"deaths": 20})["label"] == "Ⅳ级"
    settings.YINGJI_RELIEF_LEVELS = '{"levels": []}'
    with pytest.raises(ImproperlyConfigured, match="YINGJI_RELIEF_LEVELS"):
        grading.relief_table()
    settings.YINGJI_RELIEF_LEVELS = "no_such_table"
    with pytest.raises(ImproperlyConfigured):
        grading.relief_table()
