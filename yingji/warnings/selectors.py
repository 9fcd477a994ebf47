"""Read queries shared by the pages, the API, the public feed, the card, the map layer and search
(all through restrict())."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.utils import timezone

from yingji.core.hooks import SearchHit
from yingji.core.permissions import restrict

from .models import Acknowledgement, Delivery, EventType, Warning

LEVEL_COLOURS = {"blue": "#1f6fd1", "yellow": "#e0b000", "orange": "#f07c00", "red": "#d62728"}


def visible_warnings(user, action: str = "view"):
    return restrict(
        Warning.objects.select_related("event_type", "jurisdiction", "issuer", "drafted_by").defer(
            "jurisdiction__boundary"
        ),
        user,
        action,
    )


def in_force(qs):
    """Released and not yet expired (expiry computed on read)."""
    return qs.filter(state="released", expires__gt=timezone.now())


def public_feed():
    """The public feed: what an anonymous visitor may see (restrict() with no user: public,
    published), newest first; the page and the Atom feed narrow it further."""
    return visible_warnings(AnonymousUser()).filter(identifier__isnull=False).order_by("-sent")


def public_current():
    """Public, released, unexpired warnings, plus the 解除 messages of the last 24 hours."""
    now = timezone.now()
    return public_feed().filter(
        Q(state="released", expires__gt=now)
        | Q(msg_type="Cancel", sent__gt=now - timezone.timedelta(hours=24))
    )


def visible_acks(user, action: str = "view"):
    return restrict(
        Acknowledgement.objects.select_related(
            "organisation", "warning", "warning__event_type", "received_by", "done_by"
        ),
        user,
        action,
    )


def my_pending_acks(user):
    return visible_acks(user, "change").filter(
        state__in=("pending", "received"), warning__state="released"
    )


def coverage(warning: Warning) -> dict:
    """签收/落实 figures of one warning: total, received (incl. done), done, rates."""
    counts = dict(
        warning.acks.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    total = sum(counts.values())
    received = counts.get("received", 0) + counts.get("done", 0)
    done = counts.get("done", 0)
    return {
        "total": total,
        "received": received,
        "done": done,
        "pending": counts.get("pending", 0),
        "received_rate": round(100 * received / total) if total else 0,
        "done_rate": round(100 * done / total) if total else 0,
    }


def coverage_by_region(warning: Warning) -> list[dict]:
    """签收/落实 per county (of each recipient organisation's region), most silent first."""
    from yingji.geo.models import Region

    rows: dict[str, dict] = {}
    for path, state in warning.acks.values_list("organisation__region__path", "state"):
        parts = (path or "").strip("/").split("/")
        code = parts[1] if len(parts) > 1 else parts[0]
        row = rows.setdefault(code, {"code": code, "total": 0, "received": 0, "done": 0})
        row["total"] += 1
        row["received"] += state in ("received", "done")
        row["done"] += state == "done"
    names = dict(Region.objects.filter(code__in=list(rows)).values_list("code", "name"))
    for row in rows.values():
        row["name"] = names.get(row["code"], row["code"])
        row["pending"] = row["total"] - row["received"]
    return sorted(rows.values(), key=lambda r: (-r["pending"], r["code"]))


def deliveries_of(user, warning: Warning):
    return restrict(Delivery.objects.filter(warning=warning), user)


def delivery_summary(user, warning: Warning) -> list[dict]:
    rows = (
        deliveries_of(user, warning)
        .values("channel", "result")
        .annotate(n=Count("pk"))
        .order_by("channel", "result")
    )
    labels = dict(Delivery._meta.get_field("channel").choices)
    results = dict(Delivery._meta.get_field("result").choices)
    return [
        {
            "channel": str(labels[r["channel"]]),
            "result": str(results[r["result"]]),
            "code": r["result"],
            "count": r["n"],
        }
        for r in rows
    ]


def failing_deliveries(user, warning: Warning):
    """Deliveries that keep failing (发送失败) or wait for a retry (待重试), newest first."""
    return (
        deliveries_of(user, warning)
        .filter(result__in=("failed", "retrying"))
        .order_by("result", "-at", "-pk")
    )


def ack_for_link(ack_id: int):
    return (
        Acknowledgement.objects.select_related("warning__event_type", "organisation")
        .filter(pk=ack_id)
        .first()
    )


def timeline(warning: Warning) -> list[dict]:
    """The steps of the workflow with who and when (the audit trail has every detail)."""
    steps = [
        ("起草", warning.drafted_by, warning.created_at),
        ("提交审批", warning.submitted_by, warning.submitted_at),
        ("审批同意", warning.approved_by, warning.approved_at),
        ("发布", warning.released_by, warning.sent),
        (
            {"updated": "被更新", "cancelled": "解除", "expired": "过期"}.get(
                warning.state, "结束"
            ),
            warning.ended_by,
            warning.ended_at,
        ),
    ]
    return [{"step": s, "who": who, "at": at} for s, who, at in steps if at]


def chain(warning: Warning) -> list[Warning]:
    """The messages of one warning: the ones it references and the ones referencing it."""
    out, node = [], warning.previous
    while node is not None and len(out) < 50:
        out.insert(0, node)
        node = node.previous
    out.append(warning)
    frontier = [warning]
    while frontier and len(out) < 100:
        nxt = list(Warning.objects.filter(previous__in=frontier).order_by("pk"))
        out += nxt
        frontier = nxt
    return out


def event_types():
    return EventType.objects.filter(active=True).order_by("pk")


def features(user, params: dict) -> dict:
    """The map layer: the affected regions of the warnings in force, coloured by level (a
    point at each region's centroid, with the level's colour and name)."""
    feats = []
    qs = in_force(visible_warnings(user)).prefetch_related("regions")
    for w in qs:
        for r in w.regions.all():
            if r.centroid_lon is None:
                continue
            if params.get("district") and not r.path.startswith(f"/620100/{params['district']}/"):
                continue
            feats.append(
                {
                    "type": "Feature",
                    "id": f"warning-{w.pk}-{r.code}",
                    "geometry": {"type": "Point", "coordinates": [r.centroid_lon, r.centroid_lat]},
                    "properties": {
                        "id": w.pk,
                        "label": f"{r.name}:{w.event_type.name}{w.get_level_display()}预警",
                        "level": w.level,
                        "url": w.get_absolute_url(),
                        "style": {
                            "symbol": "diamond",
                            "size": 16,
                            "color": LEVEL_COLOURS[w.level],
                            "border": "#fff",
                        },
                    },
                }
            )
    return {"type": "FeatureCollection", "features": feats}


def search(user, q: str, limit: int = 10) -> list[SearchHit]:
    qs = visible_warnings(user).filter(Q(headline__icontains=q) | Q(identifier__icontains=q))[
        :limit
    ]
    return [
        SearchHit(
            w.headline, w.get_absolute_url(), f"{w.get_level_display()} · {w.shown_state_label}"
        )
        for w in qs
    ]


PREVIEW_ROWS = 300


def recipient_preview(user, w, limit: int = PREVIEW_ROWS) -> dict | None:
    """The resolved recipient list before release (draft, submitted, approved): each
    organisation with why it receives (services.recipient_reasons); names only of those the user
    may see (an enterprise outside a county user's area is counted, not named)."""
    from yingji.orgs.models import Organisation

    from .services import recipient_reasons

    if w.shown_state not in ("draft", "submitted", "approved"):
        return None
    resolved = recipient_reasons(w)
    ids = [o.pk for o, _why in resolved]
    visible: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = Organisation.objects.filter(pk__in=ids[start : start + 500])
        visible |= set(restrict(chunk, user, "view").values_list("pk", flat=True))
    shown = [(o, why) for o, why in resolved if o.pk in visible]
    by_reason: dict[str, int] = {}
    for _o, why in resolved:
        for reason in why:
            by_reason[reason] = by_reason.get(reason, 0) + 1
    return {
        "total": len(resolved),
        "rows": shown[:limit],
        "more": max(0, len(shown) - limit),
        "hidden": len(resolved) - len(shown),
        "by_reason": sorted(by_reason.items(), key=lambda kv: -kv[1]),
    }


def sms_numbers(user_ids) -> dict[int, str]:
    """The active 预警短信接收号码 (ContactPhone) of these users: {user id: mobile number}; the
    number other apps send their SMS notice to (the 研判简报's distribution)."""
    from .models import ContactPhone

    return dict(
        ContactPhone.objects.filter(user_id__in=list(user_ids), active=True).values_list(
            "user_id", "phone"
        )
    )
