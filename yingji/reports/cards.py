"""工作台 card: the issued briefs sent to this user and not yet read (the in-app notice)."""

from __future__ import annotations

from . import selectors


def unread(request):
    rows = list(selectors.unread_briefs(request.user).order_by("-delivered_at")[:5])
    if not rows:
        return None
    items = [
        {
            "label": f"待阅:{d.brief.title}{d.brief.number}",
            "count": 1,
            "url": d.brief.get_absolute_url() + "#deliveries",
            "level": "warning",
        }
        for d in rows
    ]
    return {"title": "研判简报", "kind": "todo", "icon": "graph-up", "items": items}
