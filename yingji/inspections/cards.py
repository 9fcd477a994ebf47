"""工作台 cards of 执法检查. Every figure is counted on the same restricted queryset, with the same
filters, as the inspection list its link opens."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from . import selectors


def _item(label: str, qs, tone: str, **params) -> dict:
    url = reverse("inspections:index") + ("?" + urlencode(params) if params else "")
    return {"label": label, "count": qs.count(), "url": url, "level": tone}


def todo(request):
    """待我处理: the inspections my authority has scheduled (those already due first)."""
    user = request.user
    if not selectors.acting_authorities(user).exists():
        return None
    today = timezone.localdate().isoformat()
    mine = selectors.visible_inspections(user).filter(selectors.mine_q(user), state="scheduled")
    items = [
        _item(
            "已到检查日期未完成的检查",
            mine.filter(inspected_on__lte=today),
            "danger",
            state="scheduled",
            mine=1,
            date_to=today,
        ),
        _item("已安排的检查", mine, "primary", state="scheduled", mine=1),
    ]
    return {"title": "执法检查待办", "kind": "todo", "icon": "clipboard-check", "items": items}


def duty(request):
    """值班关注 (city-wide): the inspections of the last seven days, and those planned today."""
    inspections = selectors.visible_inspections(request.user)
    today = timezone.localdate()
    since = (today - datetime.timedelta(days=6)).isoformat()  # today and the six days before
    items = [
        _item(
            "近7天完成的执法检查",
            inspections.filter(state="completed", inspected_on__gte=since),
            "info",
            state="completed",
            date_from=since,
        ),
        _item(
            "今日安排的执法检查",
            inspections.filter(state="scheduled", inspected_on=today),
            "primary",
            state="scheduled",
            date_from=today.isoformat(),
            date_to=today.isoformat(),
        ),
    ]
    return {"title": "值班关注:执法检查", "kind": "duty", "icon": "clipboard-check", "items": items}
