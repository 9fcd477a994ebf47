"""Read queries for hazards: the 一责三排 work queue and the statistics, through restrict()."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from yingji.core.listing import choice_label
from yingji.core.permissions import restrict
from yingji.geo.spatial import round_coord
from yingji.risk import selectors as risk_selectors
from yingji.standards import hazards as rules

from .choices import OPEN_STATES
from .models import Hazard
from .services import may_supervise_as, weights, workdays_overdue


def visible_hazards(user, action: str = "view"):
    return restrict(
        Hazard.objects.select_related("enterprise__organisation", "region"),
        user,
        action,
    )


def region_by_code(code: str | None):
    """The region a form or API body names by its code (None when not given or unknown)."""
    from yingji.geo.models import Region

    return Region.objects.filter(code=code).first() if code else None


def organisation_by_code(code: str | None):
    """The supervising organisation a form or API body names by its code."""
    from yingji.orgs.models import Organisation

    return Organisation.objects.filter(code=code).first() if code else None


def supervisors(user=None):
    """The organisations that may 挂牌督办 (the city bureau and the county bureaus); given a
    user, only those the user may name (services.may_supervise_as)."""
    from yingji.orgs.models import Organisation

    qs = Organisation.objects.filter(kind__in=("bureau", "county_bureau"), is_active=True)
    if user is not None:
        qs = qs.filter(pk__in=[o.pk for o in qs if may_supervise_as(user, o)])
    return qs.order_by("path")


def overdue_q(today: date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(state__in=("registered", "graded", "rectifying"), deadline__lt=today)


def score(hazard: Hazard, today: date, w=None, colours=None) -> rules.PriorityScore:
    """The 一责三排 priority; ``colours`` maps enterprise ids to risk colours (risk selector)
    and is looked up for this hazard's enterprise when not given."""
    if colours is None:
        colours = risk_selectors.colours_of([hazard.enterprise_id] if hazard.enterprise_id else [])
    return rules.priority(
        level=hazard.level,
        colour=colours.get(hazard.enterprise_id) or None,
        days_overdue=workdays_overdue(hazard, today),
        people_exposed=hazard.people_exposed,
        repeat=hazard.repeat_of_id is not None,
        weights=w,
    )


def ranked_queue(user, today: date | None = None, region_code: str | None = None) -> list:
    """一责三排: the open hazards the user handles (approve scope for regulators, their own for an
    enterprise), highest priority first, each with its score and terms."""
    from .services import is_regulator

    today = today or timezone.localdate()
    action = "approve" if is_regulator(user) else "change"
    qs = visible_hazards(user, action).filter(state__in=OPEN_STATES)
    if region_code:
        qs = qs.filter(region__path__contains=f"/{region_code}/")
    w = weights()
    hazards = list(qs)
    colours = risk_selectors.colours_of({h.enterprise_id for h in hazards if h.enterprise_id})
    rows = [(h, score(h, today, w, colours)) for h in hazards]
    rows.sort(key=lambda r: (-r[1].total, r[0].deadline or date.max, r[0].pk))
    return rows


def statistics(user, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    hazards = list(
        visible_hazards(user).values(
            "state", "level", "sector", "region__name", "deadline", "found_on", "closed_at"
        )
    )
    open_ = [h for h in hazards if h["state"] in OPEN_STATES]
    overdue = [
        h
        for h in open_
        if h["deadline"] and h["deadline"] < today and h["state"] != "awaiting_verification"
    ]
    closed = [h for h in hazards if h["state"] == "closed" and h["closed_at"]]
    days = [(h["closed_at"].date() - h["found_on"]).days for h in closed]
    return {
        "total": len(hazards),
        "open": len(open_),
        "overdue": len(overdue),
        "overdue_rate": round(100 * len(overdue) / len(open_), 1) if open_ else 0.0,
        "closed": len(closed),
        "avg_days_to_close": round(sum(days) / len(days), 1) if days else None,
        "by_state": Counter(h["state"] for h in hazards).most_common(),
        "by_level": Counter(h["level"] for h in hazards).most_common(),
        "by_region": Counter(h["region__name"] for h in hazards).most_common(),
        "by_sector": Counter(h["sector"] or "—" for h in hazards).most_common(),
        "by_month": sorted(Counter(h["found_on"].strftime("%Y-%m") for h in hazards).items()),
    }


def open_hazard_features(user, filters: dict) -> dict:
    """GeoJSON of the open hazards the user may see, for the risk map's hazard layer."""
    qs = visible_hazards(user).filter(state__in=OPEN_STATES)
    if filters.get("sector"):
        qs = qs.filter(Q(enterprise__sector=filters["sector"]) | Q(sector=filters["sector"]))
    if filters.get("tier"):
        qs = qs.filter(enterprise__tier=filters["tier"])
    if filters.get("district"):
        qs = qs.filter(region__path__contains=f"/{filters['district']}/")
    if filters.get("colour") and filters["colour"] != "none":
        qs = qs.filter(enterprise_id__in=risk_selectors.enterprises_coloured(filters["colour"]))
    state_f = Hazard._meta.get_field("state")
    rows = qs.order_by("-level", "pk").values_list(
        "pk",
        "code",
        "lon",
        "lat",
        "enterprise__lon",
        "enterprise__lat",
        "enterprise__organisation__name",
        "place",
        "description",
        "state",
        "level",
        "supervised",
    )
    detail = reverse("hazards:detail", args=[0])
    features = []
    for pk, code, lon, lat, e_lon, e_lat, e_name, place, desc, state, level, supervised in rows:
        lon = lon if lon is not None else e_lon
        lat = lat if lat is not None else e_lat
        if lon is None or lat is None:
            continue
        major = level == "major"
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round_coord(lon), round_coord(lat)]},
                "properties": {
                    "id": pk,
                    "name": code,
                    "label": f"{'重大' if major else '一般'}隐患 {code}:{e_name or place}"
                    f"<br>{desc[:30]} · {choice_label(state_f, state)}"
                    + (" · 挂牌督办" if supervised else ""),
                    "url": detail.replace("/0/", f"/{pk}/"),
                    "major": major,
                    "style": {
                        "symbol": "triangle",
                        "size": 16 if major else 9,
                        "color": "#d7191c" if major else "#fdae61",
                        "border": "#000" if major else "#fff",
                    },
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def layer_models():
    """The tables the open-hazard layer reads (their change stamp invalidates its cache)."""
    return (Hazard, *risk_selectors.layer_models())


def search(user, q: str, limit: int = 10):
    """Global search: hazards the user may see, by number or description."""
    from yingji.core.hooks import SearchHit
    from yingji.core.textsearch import search as text_search

    qs = text_search(visible_hazards(user), ("code", "description"), q)
    return [
        SearchHit(
            f"{h.code} {h.subject}",
            h.get_absolute_url(),
            f"{h.get_level_display()} · {h.get_state_display()} · {h.description[:30]}",
        )
        for h in qs.order_by("-found_on", "pk")[:limit]
    ]


def mine_q(user) -> Q:
    """The hazards this user may act on as a regulator (grade, verify, 督办): a subquery."""
    return Q(pk__in=visible_hazards(user, "approve").values("pk"))


# --- 统计分析表 (16号令 Art. 14) ---------------------------------------------------------------


def visible_returns(user, action: str = "view"):
    from .models import HazardReturn

    return restrict(
        HazardReturn.objects.select_related("enterprise__organisation", "enterprise__region"),
        user,
        action,
    )


def last_period(today: date | None = None) -> tuple[str, int, int]:
    """The last quarter that has ended: the period a return is usually made for."""
    today = today or timezone.localdate()
    quarter = (today.month - 1) // 3  # the current quarter's number minus one
    return ("quarter", today.year, quarter) if quarter else ("quarter", today.year - 1, 4)


def parse_period(value: str | None, today: date | None = None) -> tuple[str, int, int]:
    """ "2026Q3" → ("quarter", 2026, 3); "2026Y" → ("year", 2026, 0); else the last quarter."""
    value = (value or "").strip().upper()
    try:
        if len(value) == 6 and value[4] == "Q" and value[5] in "1234":
            return "quarter", int(value[:4]), int(value[5])
        if len(value) == 5 and value[4] == "Y":
            return "year", int(value[:4]), 0
    except ValueError:
        pass
    return last_period(today)


def period_code(kind: str, year: int, quarter: int) -> str:
    return f"{year}Y" if kind == "year" else f"{year}Q{quarter}"


def return_status(user, kind: str, year: int, quarter: int):
    """The enterprises the user sees, each annotated with its return for the period: state
    (``return_state``: "submitted", "draft" or None) and ``return_submitted_at``."""
    from django.db.models import OuterRef, Subquery

    from yingji.enterprises.selectors import visible_enterprises

    from .models import HazardReturn

    period = HazardReturn.objects.filter(
        enterprise=OuterRef("pk"), kind=kind, year=year, quarter=quarter
    )
    return (
        visible_enterprises(user)
        .filter(status="operating")
        .select_related("organisation", "region")
        .annotate(
            return_state=Subquery(period.values("state")[:1]),
            return_submitted_at=Subquery(period.values("submitted_at")[:1]),
        )
    )


def own_enterprises(user):
    """The enterprises whose returns the user compiles (an enterprise user's own)."""
    from yingji.core.permissions import scope_of
    from yingji.enterprises.selectors import visible_enterprises

    ids = scope_of(user).enterprise_org_ids
    return visible_enterprises(user, "change").filter(organisation_id__in=ids)
