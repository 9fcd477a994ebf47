"""事件 ↔ 隐患: link, unlink (the row kept), shown on the event, its timeline and the hazard's
page; a county cannot link another county's hazard nor link to another county's event."""

from __future__ import annotations

import pytest

from yingji.core.models import AuditEvent
from yingji.response.models import EventHazard

from .helpers import client_for, event_body, post

pytestmark = pytest.mark.django_db


def _hazard(county_path, seen_by="xigu_staff", visible=True):
    """A hazard of that county the persona does (or does not) see through its restrict()."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from yingji.core.permissions import restrict

    model = apps.get_model("hazards", "Hazard")
    user = get_user_model().objects.get(username=seen_by)
    seen = restrict(model.objects.all(), user).values("pk")
    qs = model.objects.filter(region__path__startswith=county_path)
    qs = qs.filter(pk__in=seen) if visible else qs.exclude(pk__in=seen)
    return qs.order_by("pk").first()


def _event(username="xigu_staff", **extra):
    r = post(client_for(username), "/api/v1/response/events", event_body(**extra))
    assert r.status_code == 201, r.content
    return r.json()["id"]


def test_link_show_and_unlink_a_hazard_through_the_api():
    xigu = client_for("xigu_staff")
    hazard, pk = _hazard("/620100/620104/"), _event()
    assert hazard is not None
    r = post(
        xigu, f"/api/v1/response/events/{pk}/hazards", {"hazard": hazard.pk, "note": "同一装置"}
    )
    assert r.status_code == 201, r.content
    link = r.json()
    assert link["hazard_code"] == hazard.code and link["linked_by"]
    assert AuditEvent.objects.filter(verb="response.hazard.linked", object_id=str(link["id"]))
    # twice is refused
    again = post(xigu, f"/api/v1/response/events/{pk}/hazards", {"hazard": hazard.pk})
    assert again.status_code == 409 and "已关联" in again.json()["message"]
    listed = xigu.get(f"/api/v1/response/events/{pk}/hazards").json()
    assert [x["hazard"] for x in listed] == [hazard.pk]
    page = xigu.get(f"/response/events/{pk}/").content.decode()
    assert "yj-hazard-link" in page and hazard.code in page and "关联隐患" in page
    # the hazard's page lists the event
    hazard_page = xigu.get(hazard.get_absolute_url()).content.decode()
    assert "关联的突发事件" in hazard_page and f"/response/events/{pk}/" in hazard_page
    # unlink: the row stays, no longer shown
    r = post(xigu, f"/api/v1/response/hazard-links/{link['id']}/remove", {"reason": "误关联"})
    assert r.status_code == 200 and r.json()["removed_at"]
    assert EventHazard.objects.filter(pk=link["id"], removed_at__isnull=False).exists()
    assert xigu.get(f"/api/v1/response/events/{pk}/hazards").json() == []
    assert f"/response/events/{pk}/" not in xigu.get(hazard.get_absolute_url()).content.decode()
    timeline = xigu.get(f"/response/events/{pk}/").content.decode()
    assert "解除关联隐患" in timeline
    r = post(xigu, f"/api/v1/response/hazard-links/{link['id']}/remove", {})
    assert r.status_code == 409


def test_a_county_cannot_link_another_countys_hazard_or_event():
    xigu, before = client_for("xigu_staff"), EventHazard.objects.count()
    theirs, pk = _hazard("/620100/620102/", visible=False), _event()
    assert theirs is not None
    r = post(xigu, f"/api/v1/response/events/{pk}/hazards", {"hazard": theirs.pk})
    assert r.status_code == 422 and "无权查看" in r.json()["message"]
    # 城关 may not touch a 西固 event at all
    cg = client_for("chengguan_staff")
    r = post(cg, f"/api/v1/response/events/{pk}/hazards", {"hazard": theirs.pk})
    assert r.status_code == 404
    # nor an enterprise user, nor the read-only leadership
    mine = _hazard("/620100/620104/")
    assert (
        post(
            client_for("leader"), f"/api/v1/response/events/{pk}/hazards", {"hazard": mine.pk}
        ).status_code
        == 403
    )
    assert EventHazard.objects.count() == before


def test_a_county_cannot_unlink_another_countys_link():
    duty = client_for("duty")
    pk = _event(username="duty")
    hazard = _hazard("/620100/620104/")
    link = post(duty, f"/api/v1/response/events/{pk}/hazards", {"hazard": hazard.pk}).json()
    # the event is in 西固 (the default county): 城关 does not see the link
    r = post(
        client_for("chengguan_staff"), f"/api/v1/response/hazard-links/{link['id']}/remove", {}
    )
    assert r.status_code == 404
    assert EventHazard.objects.get(pk=link["id"]).removed_at is None


def test_the_event_page_offers_the_enterprise_hazards_and_links_by_form():
    xigu = client_for("xigu_staff")
    hazard = _hazard("/620100/620104/")
    pk = _event()
    page = xigu.get(f"/response/events/{pk}/?hazard_q={hazard.code}").content.decode()
    assert 'id="hazard-link-form"' in page and hazard.code in page
    r = xigu.post(f"/response/events/{pk}/hazards/", {"hazard": hazard.pk, "note": "页面关联"})
    assert r.status_code == 302
    assert EventHazard.objects.filter(event_id=pk, hazard=hazard, removed_at__isnull=True).exists()
    # the leadership sees the link but no form
    page = client_for("leader").get(f"/response/events/{pk}/").content.decode()
    assert hazard.code in page and 'id="hazard-link-form"' not in page
