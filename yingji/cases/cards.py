"""工作台 card: the 警示教育 cases pushed to the user's enterprise and not yet marked read."""

from __future__ import annotations

from django.urls import reverse

from . import selectors


def unread(request):
    n = selectors.unread_receipts(request.user).count()
    if not n:
        return None
    items = [
        {
            "label": "待阅警示教育案例",
            "count": n,
            "url": reverse("cases:receipts") + "?unread=1",
            "level": "warning",
        }
    ]
    return {"title": "警示教育", "kind": "todo", "icon": "exclamation-triangle", "items": items}
