"""Reads shared by the event page, its timeline and the API: the event's linked 隐患 (the
hazard model by name, read through its own restrict()) and its 报告超时提醒. Imports nothing of
the app but its models, so selectors, escalations and hazard_links all use it."""

from __future__ import annotations

from django.apps import apps

from yingji.core.permissions import restrict

from .models import EventHazard, ReportEscalation


def hazard_model():
    return apps.get_model("hazards", "Hazard")


def visible_hazards(user):
    return restrict(
        hazard_model().objects.select_related("enterprise__organisation", "region"), user
    )


def hazard_text(h) -> str:
    return f"{h.code} {h.subject}"


def escalations_for(event, user):
    return (
        restrict(ReportEscalation.objects.filter(event=event), user)
        .select_related("shift", "organisation")
        .prefetch_related("recipients")
        .order_by("due_at", "pk")
    )


def hazard_timeline(event, user) -> list[dict]:
    hazards = visible_hazards(user).values("pk")
    items = []
    rows = restrict(EventHazard.objects.filter(event=event), user).filter(hazard__in=hazards)
    for link in rows.select_related("hazard"):
        items.append({"time": link.linked_at, "kind": "关联隐患", "text": hazard_text(link.hazard)})
        if link.removed_at:
            items.append(
                {"time": link.removed_at, "kind": "解除关联隐患", "text": hazard_text(link.hazard)}
            )
    return items
