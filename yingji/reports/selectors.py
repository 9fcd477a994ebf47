"""Read queries of the 研判简报 (for views, API, export and the job)."""

from __future__ import annotations

from yingji.core.permissions import restrict
from yingji.geo.models import Region

from .models import Brief


def visible_briefs(user, action: str = "view"):
    return restrict(
        Brief.objects.select_related("region", "drafted_by", "reviewed_by"), user, action
    )


def regions_for(user) -> list[Region]:
    """The regions the user may produce briefs for (the city and its counties, or their own)."""
    from yingji.core.permissions import scope_of

    from .permissions import may_write_region

    scope = scope_of(user)
    regions = Region.objects.filter(level__in=("city", "county")).order_by("level", "code")
    return [r for r in regions if may_write_region(scope, r)]


def chart_rows(figures: dict) -> list[dict]:
    """The charts of a snapshot, section by section (``section_charts``)."""
    return [c for s in figures.get("sections", []) for c in section_charts(s)]


def section_tables(s: dict) -> list[dict]:
    """A section's tables (by county, by industry…) with rows; an older snapshot has one
    ``table``."""
    tables = s.get("tables") or ([s["table"]] if s.get("table") else [])
    return [t for t in tables if t.get("rows")]


def section_charts(s: dict) -> list[dict]:
    """A section's charts: one bar chart of its compared figures (this period, 环比 and 同比)
    unless all are zero, plus the section's own chart. The page (ECharts) and the Word file
    (PNG, ``charts.py``) draw the same ones."""
    charts = []
    compared = [m for m in s["metrics"] if m["compare"]]
    values = [m[k] for m in compared for k in ("value", "prev", "yoy")]
    if any(values):  # a chart of zeros says nothing: the table shows them
        charts.append(
            {
                "title": f"{s['title']}:本期与环比、同比",
                "names": [m["label"] for m in compared],
                "series": [
                    {"name": "本期", "values": [m["value"] for m in compared]},
                    {"name": "上期(环比)", "values": [m["prev"] for m in compared]},
                    {"name": "去年同期(同比)", "values": [m["yoy"] for m in compared]},
                ],
            }
        )
    own = s.get("charts") or ([s["chart"]] if s.get("chart") else [])
    charts += [c for c in own if c["names"]]
    return charts


def search(user, q: str, limit: int = 10):
    from yingji.core.hooks import SearchHit

    rows = visible_briefs(user).filter(search_text__icontains=q).order_by("-period_start")[:limit]
    return [
        SearchHit(title=b.title, url=b.get_absolute_url(), subtitle=b.get_state_display())
        for b in rows
    ]


def visible_deliveries(user, action: str = "view"):
    from .models import BriefDelivery

    return restrict(
        BriefDelivery.objects.select_related("brief", "recipient", "organisation", "delivered_by"),
        user,
        action,
    )


def delivery_summary(user, brief) -> dict | None:
    """The brief's read receipts as this user may see them (None: none visible), with who has
    not read it yet; and this user's own delivery (to mark it read)."""
    rows = list(visible_deliveries(user).filter(brief=brief))
    if not rows:
        return None
    return {
        "rows": rows,
        "read": sum(1 for d in rows if d.read_at),
        "total": len(rows),
        "unread": [d for d in rows if d.read_at is None],
        "mine": next((d for d in rows if d.recipient_id == user.pk), None),
    }


def unread_briefs(user):
    """The issued briefs sent to this user and not yet read (the 工作台 notice)."""
    return visible_deliveries(user).filter(recipient_id=user.pk, read_at__isnull=True)


def visible_templates(user, action: str = "view"):
    from .models import BriefTemplate

    return restrict(
        BriefTemplate.objects.select_related("uploaded_by").defer("content"), user, action
    )


def recipient_choices() -> dict:
    """The organisation tree (no enterprises) and the people in it, for 分发 by organisation or
    by person; whether each may read the brief is decided by the service."""
    from yingji.orgs.models import Membership, Organisation

    orgs = []
    for o in Organisation.objects.exclude(kind="enterprise").order_by("path"):
        depth = o.path.strip("/").count("/")
        orgs.append({"code": o.code, "label": ("　" * depth + "└ " if depth else "") + o.name})
    seen, people = set(), []
    members = (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .exclude(organisation__kind="enterprise")
        .select_related("user", "organisation")
        .order_by("organisation__path", "user__username")
    )
    for m in members:
        if m.user_id not in seen:
            seen.add(m.user_id)
            name = m.user.get_full_name() or m.user.username
            people.append({"username": m.user.username, "label": f"{name}({m.organisation.name})"})
    return {"orgs": orgs, "people": people}


def active_template(kind: str):
    """The uploaded Word template in use for a kind of brief (None: the shipped default)."""
    from .models import BriefTemplate

    return BriefTemplate.objects.filter(kind=kind, active=True).order_by("-pk").first()
