"""The API of draws (and 抽取 → 检查), 指令书 with their 复查 and 专项整治: scoped as the pages
(restrict() per persona; the enterprise is refused), the draw → inspection endpoint through the
same service (refusals change nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yingji.enforcement import selectors, services
from yingji.enforcement.models import Campaign, DrawResult, RandomDraw, RectificationOrder
from yingji.enforcement.schemas import EnfDrawIn
from yingji.inspections.models import Inspection

pytestmark = pytest.mark.django_db


def _city_draw():
    return RandomDraw.objects.get(is_demo=True, state="published")


def test_draws_read_and_scoped(as_user, persona, ctx):
    draw = _city_draw()
    section = as_user("section")
    rows = section.get("/api/v1/enforcement/draws?state=published").json()
    assert draw.pk in [r["id"] for r in rows] and all(r["state"] == "published" for r in rows)
    detail = section.get(f"/api/v1/enforcement/draws/{draw.pk}").json()
    assert detail["seed"] == 20221130 and len(detail["results"]) == draw.results.count()
    first = draw.results.order_by("position").first()
    assert detail["results"][0]["officers"] == [o.name for o in first.officers.all()]
    assert as_user("leader").get(f"/api/v1/enforcement/draws/{draw.pk}").status_code == 200
    # a published draw is public; an unpublished one of the city bureau is not 城关区's to see
    county_b = as_user("county_b")
    assert county_b.get(f"/api/v1/enforcement/draws/{draw.pk}").status_code == 200
    hidden = services.do_run_draw(
        actor=persona("section"), data=EnfDrawIn(campaign_name="未公开抽取", targets=2, seed=7)
    )
    assert county_b.get(f"/api/v1/enforcement/draws/{hidden.pk}").status_code == 404
    assert hidden.pk not in [r["id"] for r in county_b.get("/api/v1/enforcement/draws").json()]
    assert section.get(f"/api/v1/enforcement/draws/{hidden.pk}").json()["state"] == "drawn"
    assert as_user("enterprise").get("/api/v1/enforcement/draws").status_code == 403


def test_draw_to_inspection_by_api_once_and_only_by_the_drawing_bureau(as_user):
    draw = _city_draw()
    result = draw.results.filter(inspection__isnull=True).order_by("position").first()
    day = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    url = f"/api/v1/enforcement/draws/{draw.pk}/inspection"
    body = {"result_id": result.pk, "inspected_on": day}
    before = Inspection.objects.count()
    assert as_user("leader").post(url, body, content_type="application/json").status_code == 403
    assert as_user("county_b").post(url, body, content_type="application/json").status_code == 403
    assert Inspection.objects.count() == before
    made = as_user("section").post(url, body, content_type="application/json")
    assert made.status_code == 201, made.content
    inspection = Inspection.objects.get(pk=made.json()["id"])
    assert inspection.enterprise_id == result.enterprise_id and inspection.state == "scheduled"
    assert DrawResult.objects.get(pk=result.pk).inspection_id == inspection.pk
    team = set(selectors.team_of(inspection.pk).values_list("pk", flat=True))
    assert team == set(result.officers.values_list("pk", flat=True))
    again = as_user("section").post(url, body, content_type="application/json")
    assert again.status_code in (400, 409) and "已安排检查" in again.json()["message"]
    assert Inspection.objects.count() == before + 1


def test_orders_and_their_reinspection_scoped(as_user):
    order = RectificationOrder.objects.select_related("reinspection").first()
    section = as_user("section")
    rows = section.get("/api/v1/enforcement/orders?state=open").json()
    assert order.number in [r["number"] for r in rows]
    one = section.get(f"/api/v1/enforcement/orders/{order.pk}").json()
    assert one["deadline"] == order.deadline.isoformat()
    assert one["reinspection"]["due_from"] == order.reinspection.due_from.isoformat()
    assert one["reinspection"]["due_from"] > one["deadline"]  # 复查 after the deadline
    assert as_user("county_b").get(f"/api/v1/enforcement/orders/{order.pk}").status_code == 404
    assert as_user("enterprise").get("/api/v1/enforcement/orders").status_code == 403


def test_campaigns_with_progress_as_the_page(as_user):
    campaign = Campaign.objects.get(is_demo=True)
    got = as_user("section").get(f"/api/v1/enforcement/campaigns/{campaign.pk}").json()
    assert got["progress"] == selectors.campaign_progress(campaign)
    assert got["inspection_ids"] == sorted(campaign.inspections.values_list("pk", flat=True))
    listed = as_user("leader").get(f"/api/v1/enforcement/campaigns?year={campaign.starts_on.year}")
    assert campaign.pk in [r["id"] for r in listed.json()]
    assert (
        as_user("county_b").get(f"/api/v1/enforcement/campaigns/{campaign.pk}").status_code == 404
    )
    assert as_user("enterprise").get("/api/v1/enforcement/campaigns").status_code == 403
