"""Read queries shared by views, API and other apps."""

from __future__ import annotations

from yingji.core.hooks import SearchHit
from yingji.core.permissions import restrict

from .models import Region


def search(user, q: str, limit: int = 10) -> list[SearchHit]:
    """Global search: regions by name or GB/T 2260 code."""
    qs = restrict(Region.objects.defer("boundary"), user)
    qs = qs.filter(code__startswith=q) if q.isdigit() else qs.filter(name__contains=q)
    return [
        SearchHit(r.name, r.get_absolute_url(), f"{r.get_level_display()} · {r.code}")
        for r in qs.order_by("level", "code")[:limit]
    ]
