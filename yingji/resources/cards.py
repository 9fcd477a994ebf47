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
