"""Read queries shared by the pages, the API, the map layer and the 工作台 card; every one
through restrict()."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import F, Q, Sum
from django.utils import timezone

from yingji.core.hooks import SearchHit
from yingji.core.permissions import restrict

from .choices import AGREEMENT_WARNING_DAYS, EXPIRY_WARNING_DAYS
from .models import Item, Movement, Site, Stock


def visible_sites(user, action: str = "view"):
    return restrict(Site.objects.select_related("region", "owner"), user, action)


def visible_stock(user, action: str = "view"):
    return restrict(
        Stock.objects.select_related("site__region", "site__owner", "item"), user, action
    )


def visible_movements(user):
    return restrict(Movement.objects.select_related("stock__site", "stock__item", "actor"), user)


def items():
    return Item.objects.all()


def expiry_limit(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=EXPIRY_WARNING_DAYS)


def expiring_stock_ids(limit: dt.date | None = None):
    """Stock rows holding a batch (with stock left) that expires by ``limit``: a subquery."""
    return (
        Movement.objects.filter(expires_on__isnull=False, expires_on__lte=limit or expiry_limit())
        .values("stock_id", "batch", "expires_on")
        .annotate(left=Sum("quantity"))
        .filter(left__gt=0)
        .values("stock_id")
    )


def alert_q(value: str, user=None) -> Q:
    if value == "low":
        return Q(quantity__lt=F("minimum"))
    if value == "expiring":
        return Q(pk__in=expiring_stock_ids())
    return Q(pk__in=[])


def alert_counts(user) -> dict[str, int]:
    stock = visible_stock(user)
    return {
        "low": stock.filter(alert_q("low")).count(),
        "expiring": stock.filter(alert_q("expiring")).count(),
    }


def site_totals(site_ids) -> dict[int, int]:
    return dict(
        Stock.objects.filter(site_id__in=list(site_ids))
        .values_list("site_id")
        .annotate(n=Sum("quantity"))
    )


def site_features(user, params: dict) -> dict:
    """The 一图 layer: every visible site, its size growing with the stock it holds. Read as
    plain rows (sites, then one grouped query for the totals and one for the sites with a line
    below its minimum — stock is visible exactly where its site is), no model instances: 5,000
    points stay within the issue's budget (docs/performance.md).

    With ``params["item"]`` (an ``Item``): only the sites holding that item (a balance above 0),
    sized by and labelled with that item's balance, available quantity (less reservations) and
    minimum — the rows of the 一表 filtered by the same item with 有库存 (``held_q``)."""
    from django.urls import reverse

    from .choices import SITE_LEVELS

    item = params.get("item")
    sites = visible_sites(user).filter(active=True)
    if params.get("district"):
        sites = sites.filter(region__code=params["district"])
    if params.get("level"):
        sites = sites.filter(level=params["level"])
    held = {}
    if item is not None:
        # a join (one stock row per site × item), not a list of ids: 5,000 ids in an IN list
        # made the layer 10× slower on PostgreSQL (docs/performance.md)
        sites = sites.filter(stock__item=item, stock__quantity__gt=0)
        held = {
            site_id: (quantity, reserved, minimum)
            for site_id, quantity, reserved, minimum in Stock.objects.filter(
                held_q("1"), site__in=sites.values("pk"), item=item
            ).values_list("site_id", "quantity", "reserved", "minimum")
        }
    rows = list(sites.values_list("pk", "code", "name", "level", "lon", "lat"))
    totals = dict(
        Stock.objects.filter(site__in=sites.values("pk"))
        .values_list("site_id")
        .annotate(n=Sum("quantity"))
    )
    low = set(
        Stock.objects.filter(site__in=sites.values("pk"))
        .filter(alert_q("low"))
        .values_list("site_id", flat=True)
        .distinct()
    )
    levels = {k: str(v) for k, v in SITE_LEVELS}
    url = reverse("resources:site", args=[0])[:-2]  # "/resources/sites/" + pk + "/"
    features = []
    for pk, code, name, level, lon, lat in rows:
        total = totals.get(pk, 0)
        below = pk in low
        label = f"{name}({levels[level]})库存 {total:,} 件(套)" + (
            ",有物资低于最低储备" if below else ""
        )
        properties = {
            "id": pk,
            "code": code,
            "name": name,
            "level": levels[level],
            "total": total,
            "below_minimum": below,
            "url": f"{url}{pk}/",
            "label": label,
        }
        size = marker_size(total)
        if item is not None:
            quantity, reserved, minimum = held[pk]
            below = quantity < minimum
            size = marker_size(quantity)
            properties.update(
                item_code=item.code,
                item_name=item.name,
                item_unit=item.unit,
                item_quantity=quantity,
                item_available=quantity - reserved,
                item_minimum=minimum,
                below_minimum=below,
                label=f"{name}({levels[level]}){item.name} {quantity:,} {item.unit}"
                f"(可调用 {quantity - reserved:,})" + (",低于最低储备" if below else ""),
            )
        properties["style"] = {
            "symbol": "rect",
            "size": size,
            "color": "#0d6efd" if level == "city" else "#198754",
            "border": "#dc3545" if below else "#fff",
        }
        features.append(
            {
                "type": "Feature",
                "id": f"site-{pk}",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def held_q(value: str, user=None) -> Q:
    """有库存: the stock lines with a balance above 0 (the 一图's "sites holding the item")."""
    return Q(quantity__gt=0) if value == "1" else Q()


def marker_size(total: int) -> int:
    """8 px for an empty site, growing with the logarithm of its stock, at most 28 px."""
    return min(28, 8 + round(3 * math.log10(1 + max(total, 0))))


def search(user, q: str, limit: int = 10) -> list[SearchHit]:
    qs = visible_sites(user).filter(Q(name__icontains=q) | Q(code__icontains=q))[:limit]
    return [
        SearchHit(s.name, s.get_absolute_url(), f"{s.get_level_display()} · {s.region.name}")
        for s in qs
    ]


def visible_records(model, user, action: str = "view"):
    """Teams, agreements, experts, shelters (they share restrict_scoped)."""
    return restrict(model.objects.select_related("region", "owner"), user, action)


def agreement_state_q(value: str, user=None) -> Q:
    today = timezone.localdate()
    soon = today + dt.timedelta(days=AGREEMENT_WARNING_DAYS)
    return {
        "expired": Q(valid_until__lt=today),
        "expiring": Q(valid_until__gte=today, valid_until__lte=soon),
        "valid": Q(valid_until__gt=soon),
    }.get(value, Q(pk__in=[]))


def visible_requests(user, action: str = "view"):
    from .models import SupplyRequest

    return restrict(SupplyRequest.objects.select_related("region", "requested_by"), user, action)


def last_positions(request_ids) -> dict:
    """request id → its latest position report (TransitPosition), for those that have one.
    The command app's 在途调度 panel reads this; callers pass ids they may already see."""
    from django.db.models import OuterRef, Subquery

    from .models import SupplyRequest, TransitPosition

    latest = (
        TransitPosition.objects.filter(request=OuterRef("pk"))
        .order_by("-reported_at", "-pk")
        .values("pk")[:1]
    )
    ids = (
        SupplyRequest.objects.filter(pk__in=list(request_ids))
        .annotate(last=Subquery(latest))
        .exclude(last=None)
        .values_list("last", flat=True)
    )
    return {p.request_id: p for p in TransitPosition.objects.filter(pk__in=list(ids))}


def transit_features(user, params: dict) -> dict:
    """The 在途调度 layer: each visible request on the road (已调运) at its latest reported
    position, with the destination and the time of the fix in the popup."""
    qs = visible_requests(user).filter(state="dispatched")
    if params.get("district"):
        qs = qs.filter(region__code=params["district"])
    requests = {r.pk: r for r in qs}
    features = []
    for pk, p in sorted(last_positions(requests).items()):
        r = requests[pk]
        when = timezone.localtime(p.reported_at)
        features.append(
            {
                "type": "Feature",
                "id": f"transit-{pk}",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {
                    "id": pk,
                    "name": r.number,
                    "url": r.get_absolute_url() + "#positions",
                    "label": f"在途 {r.number} → {r.destination}"
                    + (f",{p.carrier}" if p.carrier else "")
                    + f",{when:%m-%d %H:%M} 定位",
                    "style": {"symbol": "arrow", "size": 14, "color": "#fd7e14", "border": "#fff"},
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- equipment -------------------------------------------------------------------------------


def visible_equipment(user, action: str = "view"):
    from .models import Equipment

    return restrict(
        Equipment.objects.select_related("region", "owner", "site", "team"), user, action
    )


def due_q(value: str, user=None) -> Q:
    """Equipment by maintenance state: 逾期 (overdue), 临近 (due within the window), both."""
    from .choices import MAINTENANCE_WARNING_DAYS

    today = timezone.localdate()
    soon = today + dt.timedelta(days=MAINTENANCE_WARNING_DAYS)
    live = ~Q(status="scrapped") & Q(next_due_on__isnull=False)
    return {
        "overdue": live & Q(next_due_on__lt=today),
        "due": live & Q(next_due_on__gte=today, next_due_on__lte=soon),
        "alert": live & Q(next_due_on__lte=soon),
    }.get(value, Q(pk__in=[]))


def equipment_due_counts(user) -> dict[str, int]:
    qs = visible_equipment(user)
    return {"overdue": qs.filter(due_q("overdue")).count(), "due": qs.filter(due_q("due")).count()}


EQUIPMENT_COLOURS = {"good": "#6f42c1", "repair": "#fd7e14", "scrapped": "#6c757d"}


def equipment_features(user, params: dict) -> dict:
    """The equipment layer of the 一图: every visible item not scrapped, at its place."""
    from .maintenance import DUE_LABELS, due_state

    qs = visible_equipment(user).exclude(status="scrapped").filter(lon__isnull=False)
    if params.get("district"):
        qs = qs.filter(region__code=params["district"])
    if params.get("category"):
        qs = qs.filter(category=params["category"])
    today = timezone.localdate()
    features = []
    for e in qs:
        due = due_state(e.next_due_on, today, e.status)
        flagged = due in ("overdue", "due")
        label = (
            f"{e.name}({e.get_category_display()})×{e.quantity}{e.unit},{e.get_status_display()},"
            f"{e.holder}" + (f",{DUE_LABELS[due]}" if flagged else "")
        )
        features.append(
            {
                "type": "Feature",
                "id": f"equipment-{e.pk}",
                "geometry": {"type": "Point", "coordinates": [e.lon, e.lat]},
                "properties": {
                    "id": e.pk,
                    "code": e.code,
                    "name": e.name,
                    "level": e.get_status_display(),
                    "total": e.quantity,
                    "url": e.get_absolute_url(),
                    "label": label,
                    "style": {
                        "symbol": "triangle",
                        "size": 12,
                        "color": EQUIPMENT_COLOURS.get(e.status, "#6f42c1"),
                        "border": "#dc3545" if flagged else "#fff",
                    },
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def force_features(model_name: str, user, params: dict) -> dict:
    """The teams or shelters layer of the 一图: every visible record with a point; teams as
    circles (red when not 随时待命) with headcount and readiness, shelters as green pins with
    their capacity (persons)."""
    from .models import Shelter, Team

    model = {"teams": Team, "shelters": Shelter}[model_name]
    qs = visible_records(model, user).filter(lon__isnull=False)
    if params.get("district"):
        qs = qs.filter(region__code=params["district"])
    features = []
    for r in qs:
        if model is Team:
            kind = f"{r.get_kind_display()}·{r.get_specialty_display()}"
            label = f"{r.name}({kind}){r.headcount} 人,{r.get_readiness_display()}"
            style = {
                "symbol": "circle",
                "size": 12,
                "color": "#0dcaf0" if r.readiness == "ready" else "#dc3545",
                "border": "#fff",
            }
            level, total = r.get_readiness_display(), r.headcount
        else:
            label = f"{r.name}({r.get_kind_display()})可容纳 {r.capacity:,} 人"
            style = {"symbol": "pin", "size": 18, "color": "#20c997", "border": "#fff"}
            level, total = r.get_kind_display(), r.capacity
        features.append(
            {
                "type": "Feature",
                "id": f"{model_name}-{r.pk}",
                "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                "properties": {
                    "id": r.pk,
                    "name": r.name,
                    "level": str(level),
                    "total": total,
                    "url": r.get_absolute_url(),
                    "label": label,
                    "style": style,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- coverage against reserve targets --------------------------------------------------------


def visible_targets(user, action: str = "view"):
    from .models import ReserveTarget

    return restrict(ReserveTarget.objects.select_related("region", "item"), user, action)


def coverage(user):
    """Reserve targets with the stock that answers them: for a county, the balances of the
    active non-市级 sites in the county; for the city region, those of the 市级 sites. The
    balances are the ledger's (``Stock.quantity``, equal to Σ movements); agreement reserves
    (协议储备) are not counted. Annotated: ``stock``, ``gap`` (≥ 0) and ``percent`` (×10, an
    integer, so that sorting and filtering happen in the database)."""
    from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
    from django.db.models.functions import Coalesce, Greatest

    def held(where: Q):
        return Coalesce(
            Subquery(
                Stock.objects.filter(where, item_id=OuterRef("item_id"), site__active=True)
                .order_by()
                .values("item_id")
                .annotate(n=Sum("quantity"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    in_county = Q(site__region__path__startswith=OuterRef("region__path"))
    stock = Case(
        When(region__level="city", then=held(Q(site__level="city"))),
        default=held(in_county & ~Q(site__level="city")),
        output_field=IntegerField(),
    )
    return (
        visible_targets(user)
        .filter(quantity__gt=0)
        .annotate(stock=stock)
        .annotate(
            gap=Greatest(F("quantity") - F("stock"), Value(0)),
            permille=F("stock") * 1000 / F("quantity"),
        )
    )


def coverage_q(value: str, user=None) -> Q:
    if value == "below":
        return Q(stock__lt=F("quantity"))
    if value == "met":
        return Q(stock__gte=F("quantity"))
    return Q(pk__in=[])


def coverage_counts(user) -> dict[str, int]:
    rows = coverage(user)
    return {"below": rows.filter(coverage_q("below")).count(), "all": rows.count()}


def counties_below(user) -> dict[str, int]:
    """County name → the number of its targets below (for the red areas of the 一图)."""
    from django.db.models import Count

    return dict(
        coverage(user)
        .filter(coverage_q("below"), region__level="county")
        .values_list("region__name")
        .annotate(n=Count("pk"))
    )


def visible_partners(user, action: str = "view"):
    from .models import LinkagePartner

    return restrict(LinkagePartner.objects.prefetch_related("items"), user, action).filter(
        active=True
    )


def partners_for(user, item_codes) -> list:
    """The linkage partners that can help with these items (those listing none of them come
    after: they may still coordinate), for a request exceeding the city's stock."""
    partners = list(visible_partners(user))
    wanted = set(item_codes)

    def helps(p):
        return bool(wanted & {i.code for i in p.items.all()})

    return sorted(partners, key=lambda p: (not helps(p), p.sort, p.name))


def outstanding(request) -> dict:
    """What a dispatched request still has out: reusable items not yet returned (per
    allocation) and teams/equipment not yet back."""
    allocations = [
        a for a in request.allocations.select_related("stock__site", "stock__item") if a.outstanding
    ]
    assignments = list(
        request.assignments.filter(state__in=("dispatched", "arrived")).select_related(
            "team", "equipment"
        )
    )
    return {"allocations": allocations, "assignments": assignments}


def bureau_heading() -> str:
    """The heading of printed orders: the bureau at the root of the organisation tree."""
    from yingji.orgs.models import Organisation

    root = Organisation.objects.filter(kind="bureau", parent__isnull=True).order_by("path").first()
    return root.name if root else "应急管理局"


# --- a plan's resource requirements against the reserves (read through plans.selectors) ----


def _core_name(name: str) -> str:
    import re

    return re.sub(r"[((][^))]*[))]", "", name).strip()


def match_item(code: str, name: str, catalogue: list) -> tuple[object | None, str]:
    """The catalogue item a plan's requirement means: by code, else by name (the item's name
    without its bracketed note contained in the requirement's or the other way round, or the
    same last two characters, e.g. 棉帐篷 ~ 救灾帐篷): (item, "编码" | "名称近似" | "")."""
    by_code = {i.code: i for i in catalogue}
    if code in by_code:
        return by_code[code], "编码"
    wanted = _core_name(name)
    for item in catalogue:
        core = _core_name(item.name)
        if core and wanted and (core in wanted or wanted in core):
            return item, "名称近似"
    for item in catalogue:
        core = _core_name(item.name)
        if len(core) >= 2 and len(wanted) >= 2 and core[-2:] == wanted[-2:]:
            return item, "名称近似"
    return None, ""


def plans_with_requirements(user):
    """The plans the user may read that list resource requirements (plans.selectors)."""
    from yingji.plans import selectors as plans

    ids = (
        plans.plan_parts_for(user)
        .filter(kind="resource", voided=False)
        .values_list("plan_id", flat=True)
    )
    return plans.visible_plans(user).filter(pk__in=ids).order_by("title")


def plan_coverage(user, plan) -> list[dict]:
    """Each resource requirement of a plan against the reserves: what the active sites in the
    plan's area hold (for a county plan its county's non-市级 sites, for the city's all sites),
    less what is reserved, and the 市级 reserves beside it; 覆盖率 = area ÷ required. Counted
    on the stock the user may see (restrict): an enterprise sees only what it keeps."""
    from yingji.plans import selectors as plans

    parts = plans.plan_parts(user, plan, "resource").order_by("pk")
    catalogue = list(Item.objects.all())
    region = plan.region
    visible = restrict(Stock.objects.all(), user).filter(site__active=True)  # only what they see
    area = visible.filter(site__region__path__startswith=region.path)
    if region.level != "city":
        area = area.exclude(site__level="city")
    city = visible.filter(site__level="city")

    def held(qs, item):
        row = qs.filter(item=item).aggregate(q=Sum("quantity"), r=Sum("reserved"))
        return (row["q"] or 0) - (row["r"] or 0)

    rows = []
    for part in parts:
        name = part.name.replace("(演示)", "")
        item, how = match_item(part.item_code, name, catalogue)
        required = float(part.quantity or 0)
        local = held(area, item) if item else None
        rows.append(
            {
                "part": part,
                "name": name,
                "required": part.quantity,
                "unit": part.unit,
                "item": item,
                "match": how,
                "area": local,
                "city": held(city, item) if item and region.level != "city" else None,
                "rate": round(100 * local / required) if item and required else None,
                "short": max(0, round(required - local)) if item else None,
            }
        )
    return rows


def active_assignment(user, unit):
    """The request a team or item of equipment is out with (已调派/已出发/已到达), or None;
    ``visible`` says whether the user may open that request."""
    from .choices import ASSIGNMENT_ACTIVE
    from .models import ForceAssignment, Team

    field = "team" if isinstance(unit, Team) else "equipment"
    found = (
        ForceAssignment.objects.filter(**{field: unit}, state__in=ASSIGNMENT_ACTIVE)
        .select_related("request")
        .first()
    )
    if found is not None:
        found.visible = visible_requests(user).filter(pk=found.request_id).exists()
    return found
