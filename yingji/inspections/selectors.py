"""Read queries of 执法检查 shared by pages, the API, the services and the demo: the plan
builder's proposals, the duplicate-inspection guard and the permission-filtered lists."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from yingji.core.models import Attachment
from yingji.core.permissions import restrict, scope_of
from yingji.enterprises.models import Enterprise
from yingji.geo.spatial import round_coord
from yingji.orgs.models import Organisation
from yingji.risk import selectors as risk_selectors

from .choices import ACTIVE_INSPECTION_STATES
from .conf import overlap_window_days, visits_per_year
from .models import CaseFile, Finding, Inspection, InspectionPlan, Overlap, PlanEntry
from .permissions import bureau_paths, handles_q

AGENCY_KINDS = ("bureau", "section", "unit", "county_bureau")
COLOUR_ORDER = {"red": 0, "orange": 1, "yellow": 2, "blue": 3, "": 4}
COLOUR_TEXT = {"red": "红(重大风险)", "orange": "橙(较大风险)", "yellow": "黄(一般风险)"}
COLOUR_TEXT |= {"blue": "蓝(低风险)", "": "未评估"}


# --- authorities ----------------------------------------------------------------------------


def authority_of(org: Organisation) -> Organisation:
    """The 执法主体 an organisation acts for: the top of its tree (a section → its bureau)."""
    top = org.path.strip("/").split("/")[0]
    return org if org.code == top else Organisation.objects.get(code=top)


def organisation(pk: int | None) -> Organisation | None:
    """The organisation a form names (an agency, a plan's owner); the services check its kind
    and that the actor acts for it."""
    return Organisation.objects.filter(pk=pk).first() if pk else None


def attachment(pk: int | None) -> Attachment | None:
    """The attachment a form names as evidence; do_set_case_system checks it is the case's."""
    return Attachment.objects.filter(pk=pk).first() if pk else None


def acting_authorities(user):
    """The bureaus the user acts for (administrators: every bureau)."""
    scope = scope_of(user)
    qs = Organisation.objects.filter(kind__in=("bureau", "county_bureau"), is_active=True)
    return qs if scope.is_admin else qs.filter(path__in=bureau_paths(scope))


def agencies_for(user):
    """Organisations that may be named as the inspecting agency: the user's bureaus and their
    sections and units."""
    q = Q(pk__in=[])
    for authority in acting_authorities(user):
        q |= Q(path__startswith=authority.path)
    return Organisation.objects.filter(q, kind__in=AGENCY_KINDS, is_active=True).order_by("path")


def inspectable_enterprises(user):
    """Enterprises the user may schedule inspections of (see permissions.handles_q)."""
    scope = scope_of(user)
    qs = Enterprise.objects.select_related("organisation", "region").exclude(status="closed")
    return qs if scope.is_admin else qs.filter(handles_q(scope))


# --- lists ----------------------------------------------------------------------------------


def visible_inspections(user, action: str = "view"):
    return restrict(
        Inspection.objects.select_related(
            "enterprise__organisation", "enterprise__region", "authority", "agency"
        ).defer("enterprise__region__boundary"),
        user,
        action,
    )


def visible_plans(user, action: str = "view"):
    return restrict(InspectionPlan.objects.select_related("owner"), user, action)


def visible_entries(user, action: str = "view"):
    return restrict(
        PlanEntry.objects.select_related("plan__owner", "enterprise__organisation", "agency"),
        user,
        action,
    )


def visible_overlaps(user):
    return restrict(
        Overlap.objects.select_related(
            "enterprise__organisation",
            "authority",
            "other_authority",
            "inspection",
            "entry__plan",
            "recorded_by",
        ),
        user,
    )


def visible_cases(user, action: str = "view"):
    return restrict(
        CaseFile.objects.select_related("enterprise__organisation", "authority", "agency"),
        user,
        action,
    )


def visible_findings(user):
    return restrict(Finding.objects.select_related("inspection", "hazard"), user)


# --- the duplicate-inspection guard (防止多头重复执法) ---------------------------------------


@dataclass
class OverlapHit:
    kind: str  # "inspection" | "entry"
    obj: Inspection | PlanEntry
    authority: Organisation
    label: str
    days_apart: int

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.obj.pk,
            "authority": self.authority.name,
            "label": self.label,
            "days_apart": self.days_apart,
            "url": self.obj.get_absolute_url(),
        }


def month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _gap(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days between two date intervals (0 when they meet or intersect)."""
    return max(0, (b[0] - a[1]).days, (a[0] - b[1]).days)


def inspection_label(i: Inspection) -> str:
    what = "检查" if i.state == "completed" else "安排检查"
    return f"{i.authority.name}于{i.inspected_on:%Y年%m月%d日}{what}(编号 {i.number})"


def entry_label(e: PlanEntry) -> str:
    return f"{e.plan.owner.name}《{e.plan.title}》计划{e.plan.year}年{e.month}月检查(第{e.visit}次)"


def find_overlaps(
    *,
    enterprise: Enterprise,
    span: tuple[date, date],
    authority: Organisation,
    exclude_inspections=(),
    exclude_entries=(),
    window: int | None = None,
) -> list[OverlapHit]:
    """Inspections and plan entries of `enterprise` by OTHER authorities within `window` days
    (default: the configured window) of `span` — a day for an inspection, a month for an entry.
    Entries already turned into an inspection are represented by that inspection."""
    window = overlap_window_days() if window is None else window
    lo, hi = span[0] - timedelta(days=window), span[1] + timedelta(days=window)
    hits: list[OverlapHit] = []
    inspections = (
        Inspection.objects.filter(
            enterprise=enterprise,
            state__in=ACTIVE_INSPECTION_STATES,
            inspected_on__gte=lo,
            inspected_on__lte=hi,
        )
        .exclude(authority=authority)
        .exclude(pk__in=list(exclude_inspections))
        .select_related("authority")
        .order_by("inspected_on", "pk")
    )
    for i in inspections:
        gap = _gap(span, (i.inspected_on, i.inspected_on))
        hits.append(OverlapHit("inspection", i, i.authority, inspection_label(i), gap))
    entries = (
        PlanEntry.objects.filter(
            enterprise=enterprise, state="planned", plan__year__in={lo.year, hi.year}
        )
        .exclude(plan__owner=authority)
        .exclude(pk__in=list(exclude_entries))
        .select_related("plan__owner")
        .order_by("plan__year", "month", "pk")
    )
    for e in entries:
        gap = _gap(span, month_span(e.plan.year, e.month))
        if gap <= window:
            hits.append(OverlapHit("entry", e, e.plan.owner, entry_label(e), gap))
    return hits


# --- the plan builder -----------------------------------------------------------------------


def spread_months(visits: int, offset: int) -> list[int]:
    """`visits` months spread evenly over the year, shifted by `offset` so that the workload
    of many enterprises is spread too: 4 visits → e.g. 2, 5, 8, 11."""
    step = 12 // visits
    return [1 + (i * step + offset % step) % 12 for i in range(visits)]


def plan_candidates(plan: InspectionPlan):
    """Enterprises the plan's owner supervises by the T3 tiering: a county bureau its county's
    county-tier enterprises, the city bureau the city-tier ones. Closed enterprises excluded."""
    qs = Enterprise.objects.select_related("organisation", "region").exclude(status="closed")
    if plan.owner.kind == "county_bureau":
        return qs.filter(tier="county", region__path__startswith=plan.owner.region.path)
    return qs.filter(tier="city")


def plan_proposals(plan: InspectionPlan) -> list[dict]:
    """The builder's proposed entries: every candidate not yet in the plan, with its risk
    colour, the configured number of visits per year (conf.visits_per_year) and their months.
    Highest risk first."""
    per_colour = visits_per_year()
    planned = set(plan.entries.exclude(state="cancelled").values_list("enterprise_id", flat=True))
    candidates = [e for e in plan_candidates(plan) if e.pk not in planned]
    colours = risk_selectors.colours_of(e.pk for e in candidates)  # not graded yet → ""
    candidates.sort(
        key=lambda e: (COLOUR_ORDER.get(colours.get(e.pk, ""), 9), e.region.code, e.name)
    )
    out = []
    for index, ent in enumerate(candidates):
        colour = colours.get(ent.pk, "")
        visits = per_colour.get(colour, per_colour[""])
        tier = "县级监管" if ent.tier == "county" else "市级监管"
        out.append(
            {
                "enterprise": ent,
                "colour": colour,
                "colour_label": COLOUR_TEXT.get(colour, colour),
                "visits": visits,
                "months": spread_months(visits, index),
                "basis": f"{tier};风险等级{COLOUR_TEXT.get(colour, colour)},每年检查{visits}次",
            }
        )
    return out


def inspection_features(user, filters: dict, days: int = 90) -> dict:
    """GeoJSON of the inspections of the last ``days`` days (scheduled or completed) the user
    may see, one point per enterprise with its latest inspection, for the risk map."""
    from django.utils import timezone

    since = timezone.localdate() - timedelta(days=days)
    qs = visible_inspections(user).filter(inspected_on__gte=since).exclude(state="cancelled")
    if filters.get("sector"):
        qs = qs.filter(enterprise__sector=filters["sector"])
    if filters.get("tier"):
        qs = qs.filter(enterprise__tier=filters["tier"])
    if filters.get("district"):
        qs = qs.filter(enterprise__region__code=filters["district"])
    if filters.get("colour") and filters["colour"] != "none":
        qs = qs.filter(enterprise_id__in=risk_selectors.enterprises_coloured(filters["colour"]))
    latest: dict[int, Inspection] = {}
    counts: dict[int, int] = {}
    for insp in qs.order_by("enterprise_id", "-inspected_on", "-pk"):
        counts[insp.enterprise_id] = counts.get(insp.enterprise_id, 0) + 1
        latest.setdefault(insp.enterprise_id, insp)
    features = []
    for ent_id, insp in latest.items():
        ent = insp.enterprise
        if ent.lon is None or ent.lat is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round_coord(ent.lon), round_coord(ent.lat)],
                },
                "properties": {
                    "id": insp.pk,
                    "name": insp.number,
                    "label": f"执法检查 {insp.number}:{ent}<br>{insp.authority} · "
                    f"{insp.inspected_on:%Y-%m-%d} · {insp.get_state_display()}"
                    f"(近{days}天共 {counts[ent_id]} 次)",
                    "url": insp.get_absolute_url(),
                    "style": {"symbol": "rect", "size": 8, "color": "#2b83ba", "border": "#fff"},
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def layer_models():
    """The tables the inspections layer reads (their change stamp invalidates its cache)."""
    return (Inspection, *risk_selectors.layer_models())


def search(user, q: str, limit: int = 10):
    """Global search: inspections and case files the user may see, by number or enterprise."""
    from yingji.core.hooks import SearchHit

    hits = [
        SearchHit(i.number, i.get_absolute_url(), f"执法检查 · {i.enterprise.name}")
        for i in visible_inspections(user)
        .filter(Q(number__iexact=q) | Q(enterprise__organisation__name__contains=q))
        .select_related("enterprise__organisation")
        .order_by("-pk")[:limit]
    ]
    hits += [
        SearchHit(
            c.number, c.get_absolute_url(), f"执法案件 · {c.enterprise.name} · {c.cause[:20]}"
        )
        for c in visible_cases(user)
        .filter(Q(number__iexact=q) | Q(enterprise__organisation__name__contains=q))
        .select_related("enterprise__organisation")
        .order_by("-pk")[:limit]
    ]
    return hits[:limit]


def mine_q(user) -> Q:
    """The inspections this user's authority carries out (it may record them): a subquery."""
    return Q(pk__in=visible_inspections(user, "change").values("pk"))
