"""The history of a 示范社区 application and of a loss report names the checklist items and
the indicators in Chinese (not the score map's keys); the demo's records were made in the past."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yingji.disasters.models import DemoCommunity, LossReport, QuakeEstimate

pytestmark = pytest.mark.django_db


def _history(obj):
    return reverse("core:history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


def test_community_history_shows_the_checklist_in_chinese(as_user):
    community = DemoCommunity.objects.exclude(self_scores={}).first()
    html = as_user("city_admin").get(_history(community)).content.decode()
    assert "组织管理:" in html and "分" in html
    assert "organisation:" not in html and "satisfaction" not in html


def test_report_history_shows_indicator_names(as_user):
    report = LossReport.objects.exclude(figures={}).first()
    html = as_user("city_admin").get(_history(report)).content.decode()
    assert "受灾人口:" in html and "affected_people" not in html


def test_demo_records_were_created_in_the_past():
    yesterday = timezone.now() - dt.timedelta(days=1)
    assert not DemoCommunity.objects.filter(is_demo=True, created_at__gt=yesterday).exists()
    estimate = QuakeEstimate.objects.get(is_demo=True)
    assert estimate.created_at < yesterday and estimate.event_id is None
    assert "演示" in estimate.place and estimate.rows[0]["name"] == "永登县"
