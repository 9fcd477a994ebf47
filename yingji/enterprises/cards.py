"""工作台 cards of 企业档案. Every figure is counted on the same restricted queryset, with the same
filters, as the list its link opens (生产经营单位, 安全三问, 即将到期和已过期的证照)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from yingji.core.permissions import restrict, scope_of
from yingji.geo.models import Region

from .models import SafetyQuestionnaire
from .selectors import expiring_licences, reviewable_questionnaires_q, visible_enterprises


def _item(label: str, qs, tone: str, page: str, **params) -> dict:
    url = reverse(page) + ("?" + urlencode(params) if params else "")
    return {"label": label, "count": qs.count(), "url": url, "level": tone}


def todo(request):
    """待我处理: 安全三问 to review (regulators) or to redo (the enterprise); licences to renew."""
    user = request.user
    scope = scope_of(user)
    questionnaires = restrict(SafetyQuestionnaire.objects.all(), user)
    if scope.has_role("city_staff", "county_staff"):
        first = _item(
            "待审核的安全三问",
            questionnaires.filter(reviewable_questionnaires_q(user), state="submitted"),
            "warning",
            "enterprises:questionnaires",
            state="submitted",
            mine=1,
        )
    elif scope.has_role("enterprise_user"):
        first = _item(
            "被退回待修改的安全三问",
            questionnaires.filter(state="returned"),
            "warning",
            "enterprises:questionnaires",
            state="returned",
        )
    else:
        return None
    licences = _item(
        "即将到期或已过期的证照", expiring_licences(user), "danger", "enterprises:licences_expiring"
    )
    return {"title": "企业档案待办", "kind": "todo", "icon": "building", "items": [first, licences]}


def figures(request):
    """My area's enterprises: how many, in operation, with a major hazard source, per county."""
    enterprises = visible_enterprises(request.user)
    items = [
        {
            **_item("生产经营单位", enterprises, "primary", "enterprises:index"),
            "id": "count-enterprises",
        },
        _item(
            "在业",
            enterprises.filter(status="operating"),
            "success",
            "enterprises:index",
            status="operating",
        ),
        _item(
            "市级监管", enterprises.filter(tier="city"), "info", "enterprises:index", tier="city"
        ),
    ]
    return {
        "title": "生产经营单位",
        "kind": "figures",
        "icon": "building",
        "items": items,
        "chart": _by_county(enterprises),
    }


def _by_county(enterprises) -> dict | None:
    counties = list(Region.objects.filter(level="county").order_by("code").values("code", "name"))
    counts = enterprises.aggregate(
        **{c["code"]: Count("pk", filter=Q(region__code=c["code"])) for c in counties}
    )
    index = reverse("enterprises:index")
    rows = [
        {
            "name": c["name"],
            "count": counts[c["code"]],
            "url": f"{index}?{urlencode({'region': c['code']})}",
        }
        for c in counties
        if counts[c["code"]]
    ]
    if len(rows) < 2:
        return None
    return {"title": "各县区生产经营单位", "rows": rows}
