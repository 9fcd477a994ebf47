"""工作台 card: reports waiting for this user's confirmation and late reports."""

from __future__ import annotations

from django.urls import reverse

from yingji.core.permissions import allows

from . import selectors


def to_confirm(request):
    user = request.user
    waiting = selectors.visible_reports(user, "approve").filter(confirmed_at__isnull=True)
    waiting = waiting.exclude(submitted_by=user)
    late = selectors.visible_reports(user).filter(is_late=True)
    items = []
    count = waiting.count()
    if count:
        items.append(
            {
                "label": "待审核的灾情报告",
                "count": count,
                "url": reverse("disasters:reports") + "?confirmed=no&mine=approve",
                "level": "warning",
            }
        )
    late_count = late.count()
    if late_count:
        items.append(
            {
                "label": "迟报的灾情报告",
                "count": late_count,
                "url": reverse("disasters:reports") + "?late=yes",
                "level": "danger",
            }
        )
    if not items:
        return None
    # those who confirm have something to do; leaders and the duty officer read the figures
    kind = "todo" if allows(user, "disasters.confirm_reports") else "figures"
    return {"title": "灾情报送", "kind": kind, "icon": "cloud-lightning-rain", "items": items}
