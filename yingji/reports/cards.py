"""工作台 card: the issued briefs sent to this user and not yet read (the in-app notice)."""

from __future__ import annotations

from django.urls import reverse

from . import selectors


def unread(request):
    n = selectors.unread_briefs(request.user).values("brief_id").distinct().count()
    if not n:
        return None
    items = [
        {
            "label": "待阅研判简报",
            "count": n,
            "url": reverse("reports:index") + "?unread=1",
            "level": "warning",
        }
    ]
    return {"title": "研判简报", "kind": "todo", "icon": "graph-up", "items": items}
