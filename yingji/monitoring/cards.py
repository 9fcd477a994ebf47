"""The 工作台 card: active alarms by level, each number a link to the filtered board."""

from django.urls import reverse

from .choices import LEVEL_SHORT
from .selectors import open_counts


def open_alarms(request):
    counts = open_counts(request.user)
    total = sum(counts.values())
    if not total:
        return None
    board = reverse("monitoring:board")
    parts = [
        {
            "label": f"{LEVEL_SHORT[level]}色",
            "count": n,
            "url": f"{board}?level={level}",
            "level": level,
        }
        for level, n in reversed(counts.items())
        if n
    ]
    text = "、".join(f"{p['label']} {p['count']} 条" for p in parts)
    top = parts[0]["level"]
    return {
        "title": "监测告警",
        "text": f"当前未解除的监测告警 {total} 条:{text}。",
        "level": {"red": "danger", "orange": "warning", "yellow": "warning"}.get(top, "info"),
        "link": board,
        "link_text": "打开告警看板",
        "links": parts,
    }
