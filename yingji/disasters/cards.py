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


def communities(request):
    """综合减灾示范社区 progress this year: what waits for this user (the county's 初审, the
    city's 评审), the named ones, and in October–December the communities not yet visited."""
    from django.utils import timezone

    from yingji.standards import demo_community as dc

    user = request.user
    year = timezone.localdate().year
    progress = selectors.community_progress(user, year)
    if not progress["total"]:
        return None
    base = reverse("disasters:communities") + f"?year={year}"
    items = []
    waiting = [
        ("applied", "待县区初审的示范社区申报", "disasters.review_community_county"),
        ("county_passed", "待市级评审的示范社区申报", "disasters.review_community_city"),
    ]
    for status, label, rule in waiting:
        if progress["by_status"][status] and allows(user, rule):
            items.append(
                {
                    "label": label,
                    "count": progress["by_status"][status],
                    "url": f"{base}&status={status}",
                    "level": "warning",
                }
            )
    items.append(
        {
            "label": f"{year}年已命名的示范社区",
            "count": progress["by_status"]["named"],
            "url": f"{base}&status=named",
            "level": "success",
        }
    )
    table = selectors.community_criteria()
    left = progress["to_visit"] - progress["visited"]
    if dc.in_inspection_window(timezone.localdate(), table) and left > 0:
        items.append(
            {"label": "本年尚未督查的示范社区", "count": left, "url": base, "level": "danger"}
        )
    kind = "todo" if len(items) > 1 else "figures"
    return {"title": "综合减灾示范社区", "kind": kind, "icon": "house-heart", "items": items}
