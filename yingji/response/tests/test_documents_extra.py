"""The activity's 日报 and the event's 复盘报告 as .docx: the words of the record are in the
document, a day without a report and an event without a review answer 404, and a user who may
not see the record gets 404."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from yingji.response.models import Activity, Review

from .helpers import client_for

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_an_activity_daily_report_is_a_docx_with_its_day_and_roster():
    race = Activity.objects.get(name="兰州马拉松应急保障(演示)")
    report = race.reports.order_by("date").first()
    url = f"/response/activities/{race.pk}/reports/{report.date:%Y-%m-%d}.docx"
    r = client_for("duty").get(url)
    assert r.status_code == 200
    text = _text(r.content)
    number = (report.date - race.starts_on).days + 1
    assert f"{race.name}日报" in text and f"第{number}期" in text
    assert report.summary[:10] in text and "签发人" in text
    duty = race.duties.filter(date=report.date).first()
    if duty is not None:
        assert duty.leader in text
    assert url in client_for("duty").get(race.get_absolute_url()).content.decode()
    missing = timezone.localdate() - timezone.timedelta(days=1)  # the demo's 缺报 day
    r = client_for("duty").get(f"/response/activities/{race.pk}/reports/{missing:%Y-%m-%d}.docx")
    assert r.status_code == 404
    assert client_for("ent_user").get(url).status_code == 404


def test_a_review_is_a_docx_with_its_facts_and_actions():
    review = Review.objects.select_related("event").first()
    event = review.event
    r = client_for("duty").get(f"/response/events/{event.pk}/review.docx")
    assert r.status_code == 200
    text = _text(r.content)
    assert f"{event.title}复盘报告" in text and review.findings[:10] in text
    for action in review.actions.all():
        assert action.content[:10] in text
    assert 'id="review-docx"' in client_for("duty").get(event.get_absolute_url()).content.decode()
    unreviewed = type(event).objects.filter(review__isnull=True).first()
    assert (
        client_for("duty").get(f"/response/events/{unreviewed.pk}/review.docx").status_code == 404
    )
