"""工作台 card of 风险分级管控: risk points by colour and the major hazard sources in my scope.
Every figure is counted on the same restricted queryset, with the same filters, as the list its
link opens (风险点, 重大危险源辨识单元)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from yingji.core.permissions import restrict

from .choices import COLOURS
from .models import EnterpriseRisk, MajorHazardUnit, RiskPoint

LEVEL_OF_COLOUR = {"red": "red", "orange": "orange", "yellow": "yellow", "blue": "blue"}


def figures(request):
    user = request.user
    points = restrict(RiskPoint.objects.all(), user).filter(status="active")
    counts = points.aggregate(**{key: Count("pk", filter=Q(colour=key)) for key, _ in COLOURS})
    units = restrict(MajorHazardUnit.objects.all(), user).distinct()
    major = units.filter(is_major=True, status="active")
    index = reverse("risk:points")
    items = [
        {
            "label": f"{label}风险点",
            "count": counts[key],
            "url": f"{index}?{urlencode({'colour': key, 'status': 'active'})}",
            "level": LEVEL_OF_COLOUR[key],
        }
        for key, label in COLOURS
    ]
    enterprises = restrict(EnterpriseRisk.objects.all(), user)
    ent_index = reverse("risk:enterprises")
    items += [
        {
            "label": label,
            "count": enterprises.filter(colour=key).count(),
            "url": f"{ent_index}?{urlencode({'colour': key})}",
            "level": LEVEL_OF_COLOUR[key],
        }
        for key, label in (("red", "重大风险(红色)企业"), ("orange", "较大风险(橙色)企业"))
    ]
    items.append(
        {
            "label": "构成重大危险源的单元",
            "count": major.count(),
            "url": reverse("risk:units") + "?" + urlencode({"major": 1, "status": "active"}),
            "level": "danger",
        }
    )
    if not any(i["count"] for i in items):
        return None
    return {
        "title": "风险分级管控",
        "kind": "figures",
        "icon": "exclamation-diamond",
        "items": items,
    }
