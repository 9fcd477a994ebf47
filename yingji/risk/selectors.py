"""Read queries of risk grading: due lists, the map layers (GeoJSON), the district risk index.
Everything goes through restrict()."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from yingji.core.permissions import restrict
from yingji.enterprises.choices import HAZCHEM_SECTORS
from yingji.enterprises.selectors import visible_enterprises
from yingji.geo.models import Region
from yingji.geo.spatial import county_geometries, round_coord
from yingji.standards import risk_colours

from .models import Diagnosis, EnterpriseRisk, MajorHazardUnit, RiskColourChange
from .services import current_settings

DUE_WINDOW_DAYS = 90


def diagnosis_due(user, *, days: int = DUE_WINDOW_DAYS, on: datetime.date | None = None):
    """(overdue, due soon, changed, never assessed): reassessment every N years and on change."""
    on = on or timezone.localdate()
    active = restrict(
        Diagnosis.objects.filter(state="active").select_related(
            "enterprise__organisation", "enterprise__region"
        ),
        user,
    )
    overdue = active.filter(next_due__lt=on).order_by("next_due")
    soon = active.filter(next_due__gte=on, next_due__lte=on + datetime.timedelta(days=days))
    changed = active.exclude(change_pending="").order_by("enterprise__organisation__name")
    never = (
        visible_enterprises(user)
        .filter(sector__in=HAZCHEM_SECTORS, status="operating")
        .exclude(pk__in=Diagnosis.objects.filter(state="active").values("enterprise_id"))
        .order_by("region__code", "organisation__name")
    )
    return overdue, soon.order_by("next_due"), changed, never


def map_filters(params) -> dict:
    return {
        k: (params.get(k) or "").strip()
        for k in ("sector", "colour", "tier", "district")
        if (params.get(k) or "").strip()
    }


def _filtered(user, filters: dict):
    qs = visible_enterprises(user).select_related("risk")
    if filters.get("sector"):
        qs = qs.filter(sector=filters["sector"])
    if filters.get("tier"):
        qs = qs.filter(tier=filters["tier"])
    if filters.get("district"):
        qs = qs.filter(
            Q(region__code=filters["district"]) | Q(located_region__code=filters["district"])
        )
    colour = filters.get("colour")
    if colour == "none":
        qs = qs.filter(Q(risk__isnull=True) | Q(risk__colour=""))
    elif colour:
        qs = qs.filter(risk__colour=colour)
    return qs


def _risk(ent):
    try:
        return ent.risk
    except EnterpriseRisk.DoesNotExist:
        return None


def enterprise_features(user, filters: dict) -> dict:
    """The enterprises layer: only what the map draws (list, tooltip, colour, card), built from
    values() rather than model instances, coordinates to 5 decimals (≈ 1 m)."""
    from django.urls import reverse

    from yingji.core.listing import choice_label
    from yingji.enterprises.models import Enterprise

    sector_f = Enterprise._meta.get_field("sector")
    tier_f = Enterprise._meta.get_field("tier")
    rows = (
        _filtered(user, filters)
        .filter(lon__isnull=False, lat__isnull=False)
        .order_by("organisation__name", "pk")
        .values(
            "pk",
            "organisation__name",
            "lon",
            "lat",
            "sector",
            "tier",
            "major_hazard_grade",
            "region__code",
            "region__name",
            "risk__colour",
        )
    )
    detail = reverse("enterprises:detail", args=[0])
    features = []
    for r in rows:
        colour = risk_colours.get(r["risk__colour"]) if r["risk__colour"] else None
        label = colour.label if colour else "未评估"
        hex_ = colour.hex if colour else "#8c8c8c"
        name = r["organisation__name"]
        features.append(
            {
                "type": "Feature",
                "id": f"enterprise-{r['pk']}",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round_coord(r["lon"]), round_coord(r["lat"])],
                },
                "properties": {
                    "id": r["pk"],
                    "name": name,
                    "url": detail.replace("/0/", f"/{r['pk']}/"),
                    "region_code": r["region__code"],
                    "region_name": r["region__name"],
                    "sector": r["sector"],
                    "sector_label": choice_label(sector_f, r["sector"]),
                    "tier": r["tier"],
                    "tier_label": choice_label(tier_f, r["tier"]),
                    "major_hazard_grade": r["major_hazard_grade"],
                    "colour": colour.key if colour else "",
                    "colour_label": label,
                    "colour_hex": hex_,
                    "card_url": f"/risk/enterprises/{r['pk']}/card/",
                    # the generic map-layer contract (yingji.core.hooks.MapLayer)
                    "label": f"{name}({label})",
                    "style": {"symbol": "circle", "size": 9, "color": hex_, "border": "#fff"},
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def layer_models():
    """The tables the risk-map layers are built from (their change stamp invalidates the cache)."""
    from yingji.enterprises.models import Enterprise
    from yingji.orgs.models import Organisation

    from .models import RiskSettings

    return (Enterprise, Organisation, EnterpriseRisk, MajorHazardUnit, RiskSettings)


def hazard_features(user, filters: dict) -> dict:
    ents = _filtered(user, filters)
    units = (
        restrict(MajorHazardUnit.objects.select_related("enterprise__organisation"), user)
        .filter(status="active", is_major=True, enterprise__in=ents, enterprise__lon__isnull=False)
        .order_by("enterprise_id", "name")
    )
    features = []
    for unit in units:
        ent = unit.enterprise
        features.append(
            {
                "type": "Feature",
                "id": f"hazard-{unit.pk}",
                "geometry": {"type": "Point", "coordinates": [ent.lon, ent.lat]},
                "properties": {
                    "id": unit.pk,
                    "name": unit.name,
                    "kind": unit.get_kind_display(),
                    "grade": unit.grade,
                    "S": unit.S,
                    "R": unit.R,
                    "enterprise_id": ent.pk,
                    "enterprise_name": ent.name,
                    "url": unit.get_absolute_url(),
                    "label": f"重大危险源 {unit.name}({ent.name},{unit.grade}级)",
                    "style": {
                        "symbol": "diamond",
                        "size": 14,
                        "color": "#7b3294",
                        "border": "#fff",
                    },
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


UNLOCATED = "unlocated"


def _county_code(path: str | None) -> str | None:
    """The county-level code in a region path (/620100/620104/…/ → 620104)."""
    parts = [p for p in (path or "").split("/") if p]
    return parts[1] if len(parts) > 1 else None


def district_index(user, filters: dict) -> list[dict]:
    """Per county-level district or functional zone: counts by colour among the visible
    enterprises and the weighted index. Every enterprise is counted once: in the district of its
    registered region (a township counts in its county), else of the region it was located in,
    else in the 未定位 row (listed only when it has enterprises)."""
    from yingji.geo.approx import approximate_outline

    weights = current_settings().index_weights
    counties = list(Region.objects.filter(level="county").order_by("is_functional_zone", "code"))

    def empty():
        return {"red": 0, "orange": 0, "yellow": 0, "blue": 0, "none": 0, "total": 0}

    by_code = {c.code: empty() for c in counties}
    by_code[UNLOCATED] = empty()
    for path, located, colour in _filtered(user, filters).values_list(
        "region__path", "located_region__path", "risk__colour"
    ):
        code = next(
            (c for c in (_county_code(path), _county_code(located)) if c in by_code), UNLOCATED
        )
        row = by_code[code]
        row[colour or "none"] += 1
        row["total"] += 1
    out = []
    geometries = county_geometries()
    for c in counties:
        approximate = c.code not in geometries and approximate_outline(c.code) is not None
        out.append(
            _index_row(
                c.code, c.name, by_code[c.code], weights, c, approximate, c.code in geometries
            )
        )
    if by_code[UNLOCATED]["total"]:
        out.append(_index_row(UNLOCATED, "未定位", by_code[UNLOCATED], weights, None, False, False))
    return out


def _index_row(code, name, row, weights, region, approximate: bool, has_boundary: bool) -> dict:
    index = sum(weights.get(k, 0) * row[k] for k in ("red", "orange", "yellow", "blue"))
    return {
        "code": code,
        "name": name,
        "has_boundary": has_boundary,
        "approximate": approximate,
        "functional_zone": bool(region and region.is_functional_zone),
        "counts": row,
        "index": index,
    }


def district_features(user, filters: dict) -> dict:
    """Every district and zone as a feature: its boundary, an approximate outline (兰州新区,
    ``approximate: true``) or no geometry (a zone without data: listed in the table only)."""
    from yingji.geo.approx import NOTE, approximate_outline

    regions = {r.code: r for r in Region.objects.filter(level="county")}
    geometries = county_geometries()  # decoded once per process
    features = []
    for row in district_index(user, filters):
        region = regions.get(row["code"])
        geometry = geometries.get(row["code"])
        if geometry is None and row["approximate"]:
            geometry = approximate_outline(row["code"])
        properties = {
            "code": row["code"],
            "name": row["name"],
            "index": row["index"],
            "counts": row["counts"],
            "approximate": row["approximate"],
            "functional_zone": row["functional_zone"],
        }
        if row["approximate"]:
            properties["note"] = NOTE
        point = label_point(region, geometry)
        if point:
            properties["label_point"] = point
        features.append(
            {"type": "Feature", "id": row["code"], "geometry": geometry, "properties": properties}
        )
    return {"type": "FeatureCollection", "features": features}


def label_point(region, geometry: dict | None) -> list[float] | None:
    """Where the district's name is written: its centroid (inside the shape)."""
    if region is not None and region.centroid_lon is not None:
        return [region.centroid_lon, region.centroid_lat]
    if geometry is None:
        return None
    from shapely.geometry import shape

    point = shape(geometry).representative_point()
    return [round(point.x, 5), round(point.y, 5)]


def map_focus(user) -> dict | None:
    """The bounds the map opens on for a user with a jurisdiction (county staff): their
    district's [west, south, east, north]; None for the whole city."""
    from yingji.core.permissions import scope_of
    from yingji.geo.approx import approximate_outline

    paths = scope_of(user).region_paths
    codes = {_county_code(p) for p in paths}
    if len(codes) != 1 or None in codes:
        return None
    region = Region.objects.filter(code=codes.pop()).first()
    if region is None:
        return None
    geometry = county_geometries().get(region.code) or approximate_outline(region.code)
    if geometry is None:
        return None
    from shapely.geometry import shape

    west, south, east, north = shape(geometry).bounds
    return {"code": region.code, "name": region.name, "bounds": [west, south, east, north]}


def adjacent_mines(user, *, distance_m: int | None = None) -> list[dict]:
    """相邻矿山 (T16): pairs of operating mines within the configured distance of each other,
    nearest first. Only pairs whose two mines the user may see are listed."""
    from yingji.enterprises.choices import MINE_SECTORS
    from yingji.standards.coords import distance_m as distance

    limit = current_settings().adjacent_mine_m if distance_m is None else distance_m
    mines = list(
        visible_enterprises(user)
        .filter(sector__in=MINE_SECTORS, status="operating", lon__isnull=False)
        .order_by("pk")
    )
    pairs = []
    for i, a in enumerate(mines):
        for b in mines[i + 1 :]:
            # cheap box test first: 0.03° of latitude is about 3.3 km
            if abs(a.lat - b.lat) * 111_000 > limit or abs(a.lon - b.lon) * 90_000 > limit:
                continue
            d = distance(a.lon, a.lat, b.lon, b.lat)
            if d <= limit:
                pairs.append({"a": a, "b": b, "distance_m": round(d)})
    pairs.sort(key=lambda p: p["distance_m"])
    return pairs


# --- for other apps: the risk colour without joining into this app's tables -----------------


def colours_of(enterprise_ids) -> dict[int, str]:
    """The risk colour of each enterprise ("" when not graded yet)."""
    ids = list(enterprise_ids)
    return dict(
        EnterpriseRisk.objects.filter(enterprise_id__in=ids).values_list("enterprise_id", "colour")
    )


def enterprises_coloured(colour: str):
    """The ids of the enterprises of one risk colour, as a subquery for other apps' filters."""
    return EnterpriseRisk.objects.filter(colour=colour).values("enterprise_id")


def visible_colour_changes(user):
    """The risk-colour changes the user may see (for the 研判简报 of the reports app)."""
    return restrict(RiskColourChange.objects.all(), user)
