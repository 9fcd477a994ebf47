"""工作台 cards: the warnings in force (by level) and, for recipients, what waits for 签收."""

from django.urls import reverse

from . import selectors
from .choices import LEVEL_LABELS


def in_force(request):
    rows = list(
        selectors.in_force(selectors.visible_warnings(request.user)).values_list("level", flat=True)
    )
    if not rows:
        return None
    order = ["red", "orange", "yellow", "blue"]
    url = reverse("warnings:list")
    links = [
        {
            "label": str(LEVEL_LABELS[lv]),
            "count": rows.count(lv),
            "url": f"{url}?in_force=1&level={lv}",
            "level": lv,
        }
        for lv in order
        if lv in rows
    ]
    text = "、".join(f"{p['label']} {p['count']} 条" for p in links)
    return {
        "title": "生效中的预警",
        "text": f"当前生效的预警信息 {len(rows)} 条:{text}。",
        "level": {"red": "danger", "orange": "warning", "yellow": "warning"}.get(
            links[0]["level"], "info"
        ),
        "link": f"{url}?in_force=1",
        "link_text": "查看预警信息",
        "links": links,
    }


def to_acknowledge(request):
    n = selectors.my_pending_acks(request.user).count()
    if not n:
        return None
    return {
        "title": "预警待签收/待落实",
        "text": f"发给本单位的预警信息有 {n} 条待签收或待报告落实情况。",
        "level": "warning",
        "link": reverse("warnings:inbox"),
        "link_text": "去签收",
    }
