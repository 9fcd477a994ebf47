"""The 工作台 card: stock below its minimum and batches about to expire, each number a link to
the stock list filtered the same way (counted through the same restrict())."""

from django.urls import reverse

from .choices import EXPIRY_WARNING_DAYS
from .selectors import alert_counts


def stock_alerts(request):
    counts = alert_counts(request.user)
    if not any(counts.values()):
        return None
    url = reverse("resources:stock")
    parts = [
        {"label": "低于最低储备", "count": counts["low"], "url": f"{url}?alert=low"},
        {
            "label": f"{EXPIRY_WARNING_DAYS}天内到期",
            "count": counts["expiring"],
            "url": f"{url}?alert=expiring",
        },
    ]
    parts = [p for p in parts if p["count"]]
    return {
        "title": "应急物资",
        "text": "、".join(f"{p['label']} {p['count']} 项" for p in parts) + "。",
        "level": "warning",
        "link": url,
        "link_text": "打开库存一表",
        "links": parts,
    }


def coverage(request):
    """救灾和物资保障科: reserve targets not met (stock from the ledger), a link to the list of
    them; counted on the same restricted coverage rows as the page."""
    from .selectors import coverage_counts

    counts = coverage_counts(request.user)
    if not counts["all"]:
        return None
    url = reverse("resources:coverage")
    below = counts["below"]
    return {
        "title": "储备达标",
        "text": (
            f"共 {counts['all']} 项储备目标,{below} 项未达标。"
            if below
            else f"{counts['all']} 项储备目标全部达标。"
        ),
        "level": "danger" if below else "success",
        "link": f"{url}?state=below" if below else url,
        "link_text": "查看未达标物资" if below else "查看储备达标情况",
        "links": [{"label": "未达标", "count": below, "url": f"{url}?state=below"}]
        if below
        else [],
    }


def equipment_due(request):
    """Equipment whose maintenance is overdue or due within the window."""
    from .choices import MAINTENANCE_WARNING_DAYS
    from .selectors import equipment_due_counts

    counts = equipment_due_counts(request.user)
    if not any(counts.values()):
        return None
    url = reverse("resources:equipment")
    parts = [
        {"label": "保养逾期", "count": counts["overdue"], "url": f"{url}?due=overdue"},
        {
            "label": f"{MAINTENANCE_WARNING_DAYS}天内到期",
            "count": counts["due"],
            "url": f"{url}?due=due",
        },
    ]
    parts = [p for p in parts if p["count"]]
    return {
        "title": "应急装备保养",
        "text": "、".join(f"{p['label']} {p['count']} 件" for p in parts) + "。",
        "level": "warning",
        "link": f"{url}?due=alert",
        "link_text": "打开装备台账",
        "links": parts,
    }
