"""Read queries of 灾情报送 shared by the pages, the API and the cards: every one goes through
restrict(). The roll-up (township → county → city) is computed here from the current report of
each region (its latest, corrections included)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from yingji.core.permissions import restrict
from yingji.geo.models import Region
from yingji.standards import disaster_stats as stats

from .models import (
    CasualtyPerson,
    CommunityEvidence,
    CommunityInspection,
    DeadlineSetting,
    DemoCommunity,
    DisasterProcess,
    InfoOfficer,
    LossReport,
    QuakeEstimate,
    ReliefRecord,
)

# The columns of the roll-up table (the core indicators a leader reads first).
ROLLUP_CODES = (
    "affected_people",
    "deaths",
    "missing",
    "relocated",
    "need_aid",
    "collapsed_rooms",
    "severe_rooms",
    "crop_affected",
    "direct_loss",
)


def visible_processes(user, action: str = "view"):
    return restrict(DisasterProcess.objects.select_related("region"), user, action)


def visible_reports(user, action: str = "view"):
    return restrict(
        LossReport.objects.select_related("process", "region", "submitted_by", "confirmed_by"),
        user,
        action,
    )


def visible_officers(user, action: str = "view"):
    return restrict(InfoOfficer.objects.select_related("region", "user"), user, action)


def deadline_rules() -> dict:
    setting = DeadlineSetting.objects.order_by("pk").first()
    return setting.rules if setting is not None and setting.rules else stats.default_deadlines()


def latest_report(process, region) -> LossReport | None:
    return (
        LossReport.objects.filter(process=process, region=region)
        .order_by("-submitted_at", "-pk")
        .first()
    )


def current_reports(process, user) -> dict[int, LossReport]:
    """The latest visible report of each region of the process, by region id (confirmed or
    not)."""
    out: dict[int, LossReport] = {}
    rows = visible_reports(user).filter(process=process).order_by("-submitted_at", "-pk")
    for report in rows:
        out.setdefault(report.region_id, report)
    return out


def counted_reports(process, user) -> tuple[dict[int, LossReport], dict[int, LossReport]]:
    """What goes up (审核 gating): by region id, the latest *confirmed* report (counted) and the
    newer unconfirmed report waiting for 审核 (pending, figures excluded)."""
    counted: dict[int, LossReport] = {}
    pending: dict[int, LossReport] = {}
    rows = visible_reports(user).filter(process=process).order_by("-submitted_at", "-pk")
    for report in rows:
        if report.region_id in counted:
            continue
        if report.confirmed_at is not None:
            counted[report.region_id] = report
        else:
            pending.setdefault(report.region_id, report)
    return counted, pending


def _counties(process) -> list[Region]:
    if process.region.level == "county":
        return [process.region]
    affected = list(process.affected_regions.all())
    paths = {"/".join(r.path.split("/")[:3]) + "/" for r in affected if r.level != "city"}
    qs = Region.objects.filter(level="county", path__startswith=process.region.path)
    if paths:
        qs = qs.filter(path__in=paths)
    return list(qs.order_by("code"))


CHILD_LEVEL = {"county": "township", "township": "village", "city": "county"}


def _effective(region_path: str, level: str, reports: list[LossReport]) -> tuple[dict, list]:
    """The figures of the children of a region (townships of a county, villages of a
    township): each child's own report, or the sum of its own children where it has none."""
    child_level = CHILD_LEVEL[level]
    depth = region_path.count("/")
    mine = [
        r for r in reports if r.region.path.startswith(region_path) and r.region.path != region_path
    ]
    direct = {r.region.path: r for r in mine if r.region.level == child_level}
    deeper: dict[str, list] = {}
    for r in mine:
        if r.region.level != child_level:
            head = "/".join(r.region.path.split("/")[: depth + 1]) + "/"
            deeper.setdefault(head, []).append(r)
    children = []
    for path in sorted(set(direct) | set(deeper)):
        if path in direct:
            children.append(direct[path].figures)
        elif child_level != "village":
            sub, _ = _effective(path, child_level, deeper[path])
            children.append(sub)
    return stats.add_up(children), children


def _region_row(region: Region, level: str, counted: list, latest: list, pending: list) -> dict:
    """One region's line of a roll-up: the figures that count (its own confirmed report, else
    the sum of the confirmed reports below), the same with every pending report taken as it
    stands (the gap is the difference), and the check of its own report against below."""
    by_path = {r.region.path: r for r in counted}
    own = by_path.get(region.path)
    below, children = _effective(region.path, level, counted)
    figures = own.figures if own else below
    own_latest = next((r for r in latest if r.region.path == region.path), None)
    below_latest, _ = _effective(region.path, level, latest)
    would_be = own_latest.figures if own_latest else below_latest
    waiting = [r for r in pending if r.region.path.startswith(region.path)]
    own_pending = next((r for r in waiting if r.region.path == region.path), None)
    gap = {
        c: would_be.get(c, 0) - figures.get(c, 0)
        for c in ROLLUP_CODES
        if would_be.get(c, 0) != figures.get(c, 0)
    }
    findings = stats.compare_with_children(own.figures, children) if own and children else []
    return {
        "region": region,
        "report": own,
        "pending": waiting,
        "own_pending": own_pending,
        "children": len(children),
        "figures": figures,
        "cells": [figures.get(c) for c in ROLLUP_CODES],
        "gap": gap,
        "gap_text": gap_text(gap),
        "findings": findings,
        "status": _status(own, own_pending, children),
    }


def gap_text(gap: dict) -> str:
    """待审核 figures not counted, in words: "受灾人口 +40、直接经济损失 +12"."""
    names = stats.labels()
    return "、".join(f"{names[c]} {'+' if v > 0 else ''}{_num(v)}" for c, v in gap.items())


def _num(value) -> str:
    return stats.figure_text(value)


def rollup(process, user) -> dict:
    """For each county of the process: its own current confirmed report (if any), the sum of
    its townships' (or villages') confirmed reports, the check of the one against the other, and
    the figures that count upward (the county's own, else the sum below); then the city's total.
    Reports not yet confirmed (待审核) are listed with what they would add (the gap) but their
    figures are not counted."""
    counted, pending = counted_reports(process, user)
    latest = list(current_reports(process, user).values())
    counted_list, pending_list = list(counted.values()), list(pending.values())
    rows = [
        _region_row(county, "county", counted_list, latest, pending_list)
        for county in _counties(process)
    ]
    total = stats.add_up([row["figures"] for row in rows])
    gap_total = stats.add_up([row["gap"] for row in rows])
    city = next((r for r in latest if r.region_id == process.region_id), None)
    city = city if process.region.level == "city" else None
    city_findings = (
        stats.compare_with_children(
            city.figures, [row["figures"] for row in rows if row["figures"]]
        )
        if city
        else []
    )
    names = stats.labels()
    return {
        "columns": [names[c] for c in ROLLUP_CODES],
        "rows": rows,
        "total": [total.get(c) for c in ROLLUP_CODES],
        "total_figures": total,
        "gap_total": {c: v for c, v in gap_total.items() if v},
        "gap_text": gap_text({c: v for c, v in gap_total.items() if v}),
        "pending": [r for row in rows for r in row["pending"]],
        "city_report": city,
        "city_findings": city_findings,
        "missing": [row["region"] for row in rows if row["report"] is None and not row["pending"]],
    }


def county_rollup(process, user, county: Region) -> dict:
    """A county's roll-up of its townships (the same rules one level down)."""
    counted, pending = counted_reports(process, user)
    latest = list(current_reports(process, user).values())
    counted_list, pending_list = list(counted.values()), list(pending.values())
    townships = Region.objects.filter(level="township", path__startswith=county.path)
    reported = {r.region.path.split("/")[3] for r in latest if r.region.path.count("/") >= 4}
    rows = [
        _region_row(t, "township", counted_list, latest, pending_list)
        for t in townships.order_by("code")
        if t.code in reported
    ]
    own = _region_row(county, "county", counted_list, latest, pending_list)
    names = stats.labels()
    total = stats.add_up([row["figures"] for row in rows])
    township_gap = stats.add_up([row["gap"] for row in rows])
    affected = [
        r for r in process.affected_regions.filter(level="township", path__startswith=county.path)
    ]
    silent = [t for t in (affected or []) if t.code not in reported]
    late = (
        visible_reports(user)
        .filter(process=process, is_late=True, region__path__startswith=county.path)
        .select_related("region")
        .order_by("submitted_at")
    )
    return {
        "silent": silent,
        "late": list(late),
        "columns": [names[c] for c in ROLLUP_CODES],
        "rows": rows,
        "county": own,
        "total": [total.get(c) for c in ROLLUP_CODES],
        "total_figures": own["figures"] if own["report"] else total,
        # what the townships' reports waiting for the county's 审核 would add to their sum
        "gap": {c: v for c, v in township_gap.items() if v},
        "gap_text": gap_text({c: v for c, v in township_gap.items() if v}),
        "pending": own["pending"],
    }


def county_rollup_table(process, user, county: Region) -> tuple[list[str], list[list]]:
    """A county's roll-up of its townships as a sheet (the xlsx export of its page)."""
    data = county_rollup(process, user, county)
    header = ["区划", "代码", "状态", *data["columns"]]
    rows = [
        [row["region"].name, row["region"].code, row["status"], *row["cells"]]
        for row in data["rows"]
    ]
    rows.append(["乡镇合计(已审核)", county.code, "", *data["total"]])
    own = data["county"]
    rows.append([f"{county.name}本级", county.code, own["status"], *own["cells"]])
    if data["gap_text"]:
        rows.append(["待审核未计入", "", data["gap_text"]])
    return header, rows


def _status(own: LossReport | None, own_pending: LossReport | None, children: list) -> str:
    if own is None and own_pending is None:
        return "未报(下级已报)" if children else "未报"
    if own_pending is not None:
        text = own_pending.get_kind_display() + ("·迟报" if own_pending.is_late else "")
        text += "·待审核"
        return text + (f"(计入已审核的{own.get_kind_display()})" if own else "(未计入)")
    text = own.get_kind_display() + ("·迟报" if own.is_late else "")
    return text + "·已审核"


def rollup_table(process, user) -> tuple[list[str], list[list]]:
    """The roll-up as a sheet (header, rows), for the xlsx export."""
    data = rollup(process, user)
    header = ["区划", "代码", "状态", *data["columns"]]
    rows = [
        [row["region"].name, row["region"].code, row["status"], *row["cells"]]
        for row in data["rows"]
    ]
    rows.append(["合计(已审核)", process.region.code, "", *data["total"]])
    if data["gap_text"]:
        rows.append(["待审核未计入", "", data["gap_text"]])
    return header, rows


def open_processes(user):
    return visible_processes(user).filter(ended_at__isnull=True)


def officer_regions(user) -> list[Region]:
    """The regions the user may report for on the quick page: their officer posts, or for
    county/city staff nothing preset (they type the code)."""
    ids = InfoOfficer.objects.filter(user_id=user.pk, active=True).values("region_id")
    return list(Region.objects.filter(pk__in=ids).order_by("code"))


COVERAGE_STATES = {
    "full": "A、B岗齐全",
    "single": "仅A岗或仅B岗",
    "none": "无信息员",
}


def _village_posts(user) -> dict[int, set[str]]:
    """village pk → the posts (A/B) of its active officers the user may see."""
    posts: dict[int, set[str]] = {}
    officers = visible_officers(user).filter(active=True, region__level="village")
    for region_id, role in officers.values_list("region_id", "role"):
        posts.setdefault(region_id, set()).add(role)
    return posts


def coverage_state(posts: set[str]) -> str:
    """A village is covered when it has both an A and a B post, 仅一名 with one of them, else none."""
    if {"A", "B"} <= posts:
        return "full"
    return "single" if posts else "none"


def coverage(user, county: str | None = None) -> list[dict]:
    """Per county: villages/communities with and without an active officer (the real village
    list of the region table), restricted to the counties the user sees officers of; with each
    village's state (A、B岗齐全 / 仅A岗 or 仅B岗 / 无) counted per county and per township."""
    posts = _village_posts(user)
    counties = Region.objects.filter(level="county").order_by("code")
    if county:
        counties = counties.filter(code=county)
    scope_filter = Q()
    from yingji.core.permissions import scope_of

    scope = scope_of(user)
    if not scope.read_all and not scope.is_admin:
        scope_filter = Q(pk__in=[])
        for path in scope.region_paths:
            scope_filter |= Q(path__startswith=path)
    visible = list(counties.filter(scope_filter))
    townships = {
        t.pk: t
        for t in Region.objects.filter(level="township", parent__in=visible).order_by("code")
    }
    out = []
    for c in visible:
        villages = list(
            Region.objects.filter(level="village", path__startswith=c.path).values_list(
                "pk", "name", "code", "parent_id"
            )
        )
        counts = {key: 0 for key in COVERAGE_STATES}
        by_township: dict[int, dict] = {}
        missing = []
        for pk, name, code, parent_id in villages:
            state = coverage_state(posts.get(pk, set()))
            counts[state] += 1
            if state == "none":
                missing.append((name, code))
            township = townships.get(parent_id)
            if township is not None:
                row = by_township.setdefault(
                    parent_id,
                    {"township": township, "villages": 0, **{k: 0 for k in COVERAGE_STATES}},
                )
                row["villages"] += 1
                row[state] += 1
        out.append(
            {
                "county": c,
                "villages": len(villages),
                "covered": len(villages) - len(missing),
                "missing": missing,
                "counts": counts,
                "share": round(100 * (len(villages) - len(missing)) / len(villages), 1)
                if villages
                else None,
                "townships": sorted(by_township.values(), key=lambda r: r["township"].code),
            }
        )
    return out


# covered share (any active officer) → colour of the county's point and area, with the text
# beside it on the map and the page (never colour alone)
COVERAGE_BANDS = [
    (100.0, "#2e7d32", "全部覆盖"),
    (90.0, "#f9a825", "覆盖90%以上"),
    (0.0, "#c62828", "覆盖不足90%"),
]


def coverage_band(share: float | None) -> tuple[str, str]:
    if share is None:
        return "#9e9e9e", "无村(社区)"
    for floor, colour, label in COVERAGE_BANDS:
        if share >= floor:
            return colour, label
    return COVERAGE_BANDS[-1][1:]


def coverage_layer_models():
    """The tables the coverage layer reads (their change stamp invalidates its cache)."""
    return (InfoOfficer, Region)


def coverage_features(user, county: str | None = None) -> list[dict]:
    """The coverage map layer: one point per county at the centre of its boundary (the region
    table has no coordinates for villages or townships, so no finer point exists), coloured by
    the share of its villages with an officer, the counts of each state in the label."""
    from django.urls import reverse

    url = reverse("disasters:coverage")
    features = []
    for row in coverage(user, county):
        c = row["county"]
        if c.centroid_lon is None:
            continue
        colour, band = coverage_band(row["share"])
        n = row["counts"]
        features.append(
            {
                "type": "Feature",
                "id": c.code,
                "geometry": {"type": "Point", "coordinates": [c.centroid_lon, c.centroid_lat]},
                "properties": {
                    "name": c.code,
                    "label": (
                        f"{c.name}灾害信息员覆盖:村(社区){row['villages']}个,"
                        f"A、B岗齐全{n['full']}个,仅A岗或仅B岗{n['single']}个,无信息员{n['none']}个"
                        f"(覆盖率{row['share'] if row['share'] is not None else '—'}%,{band})"
                    ),
                    "url": f"{url}?county={c.code}",
                    "share": row["share"],
                    "counts": n,
                    "style": {"symbol": "circle", "size": 18, "color": colour, "border": "#ffffff"},
                },
            }
        )
    return features


def search(user, q: str, limit: int = 10):
    from yingji.core.hooks import SearchHit

    hits = []
    for p in visible_processes(user).filter(name__icontains=q)[:limit]:
        hits.append(
            SearchHit(title=p.name, url=p.get_absolute_url(), subtitle=p.get_kind_display())
        )
    return hits


def _sample_points(region, epicentre, limit: int = 120) -> list[tuple[float, float]]:
    """A district's centroid and up to ``limit`` vertices of its boundary (§10.4: several
    sample points, take the highest), and the epicentre itself when it lies inside."""
    from yingji.geo.spatial import county_geometries

    points = []
    if region.centroid_lon is not None:
        points.append((region.centroid_lon, region.centroid_lat))
    # counties' boundaries decoded once per process (reference data), others from their row
    geometry = county_geometries().get(region.code) if region.level == "county" else None
    geometry = geometry or region.geometry
    if geometry:
        from shapely.geometry import shape

        geom = shape(geometry)
        polygons = list(getattr(geom, "geoms", [geom]))
        coords = [c for p in polygons for c in p.exterior.coords]
        step = max(1, len(coords) // limit)
        points.extend((x, y) for x, y in coords[::step])
        from shapely.geometry import Point

        if geom.contains(Point(*epicentre)):
            points.append(epicentre)
    return points


def county_sample_points(data) -> dict[str, tuple[Region, list[tuple[float, float]]]]:
    """code → (county, its sample points for the epicentre of ``data``), computed once per
    estimate (the districts' and the townships' estimates both read them)."""
    out = {}
    for county in Region.objects.filter(level="county").order_by("code"):
        points = _sample_points(county, (data.lon, data.lat))
        if points:
            out[county.code] = (county, points)
    return out


def quake_estimate(data, points: dict | None = None) -> list[dict]:
    """The estimated intensity of every county-level district of the city, highest first."""
    from yingji.standards import quake

    out = []
    for county, sample in (points if points is not None else county_sample_points(data)).values():
        e = quake.estimate_region(
            data.model, data.magnitude, (data.lon, data.lat), sample, data.strike
        )
        out.append(
            {
                "code": county.code,
                "name": county.name,
                "distance_km": round(e.distance_km, 1),
                "upper": round(e.upper, 1),
                "lower": round(e.lower, 1),
                "degree": e.degree,
                "roman": e.roman,
            }
        )
    out.sort(key=lambda r: (-r["upper"], r["distance_km"]))
    return out


def township_seats() -> tuple[dict[str, tuple[float, float]], set[str]]:
    """code → (lon, lat) of the township seats (驻地) the platform knows, and the codes whose seat
    is only approximate. In order, later over earlier: the approximate seats of a functional
    zone's townships (geo's 示意 data, ±5 km, LOW: 兰州新区's four, which has no boundary); a
    township's centroid in the region table when one was entered; ``DISASTERS_TOWNSHIP_SEATS``
    ({code: [lon, lat]}, WGS84). The bundled region data (统计用区划代码) has no coordinates below
    the county, so out of the box only the four are seated."""
    from yingji.geo.approx import approximate_seats

    seats: dict[str, tuple[float, float]] = {}
    approx: set[str] = set()
    for zone, points in approximate_seats().items():
        names = dict(
            Region.objects.filter(level="township", parent__code=zone).values_list("name", "code")
        )
        for name, lon, lat in points:
            if name in names:
                seats[names[name]] = (lon, lat)
                approx.add(names[name])
    entered = Region.objects.filter(
        level="township", centroid_lon__isnull=False, centroid_lat__isnull=False
    ).values_list("code", "centroid_lon", "centroid_lat")
    configured = [
        (str(code), float(value[0]), float(value[1]))
        for code, value in _json_setting("DISASTERS_TOWNSHIP_SEATS").items()
    ]
    for code, lon, lat in [*entered, *configured]:
        seats[code] = (lon, lat)
        approx.discard(code)
    return seats, approx


def township_population() -> dict[str, int]:
    """常住人口 per township where the city has entered it (``DISASTERS_POPULATION`` key
    "townships": {code: people}); none is bundled, so nothing is shown by default."""
    return {str(k): int(v) for k, v in population().get("townships", {}).items()}


def township_estimate(data, points: dict | None = None) -> list[dict]:
    """The estimated intensity of every township (乡镇/街道) of the city, grouped by county
    (counties highest first, townships highest first within): at the seat where its coordinates
    are known, else the range over its county (see ``quake.estimate_township``)."""
    from yingji.standards import quake

    points = points if points is not None else county_sample_points(data)
    seats, approx = township_seats()
    people = township_population()
    epicentre = (data.lon, data.lat)
    out = []
    townships = Region.objects.filter(level="township").select_related("parent").order_by("code")
    ranges: dict[str, object] = {}  # a county's range, computed once for its seatless townships
    for township in townships:
        county = township.parent
        sample = points.get(county.code, (None, []))[1] if county else []
        seat = seats.get(township.code)
        if seat is None and county.code in ranges:
            e = ranges[county.code]
        else:
            e = quake.estimate_township(
                data.model, data.magnitude, epicentre, seat, sample, data.strike
            )
            if seat is None:
                ranges[county.code] = e
        if e is None:  # no seat and no county geometry: listed, not estimated
            out.append(
                {
                    "code": township.code,
                    "name": township.name,
                    "county": county.code,
                    "county_name": county.name,
                    "basis": "none",
                    "distance_km": None,
                    "upper": 0.0,
                    "lower": 0.0,
                    "degree": 0,
                    "low_degree": 0,
                    "roman": "—",
                    "population": people.get(township.code),
                    "seat": None,
                }
            )
            continue
        basis = "approx" if e.basis == "seat" and township.code in approx else e.basis
        out.append(
            {
                "code": township.code,
                "name": township.name,
                "county": county.code,
                "county_name": county.name,
                "basis": basis,
                "distance_km": round(e.distance_km, 1) if e.distance_km is not None else None,
                "upper": round(e.upper, 1),
                "lower": round(e.lower, 1),
                "degree": e.degree,
                "low_degree": e.low_degree,
                "roman": e.roman,
                "population": people.get(township.code),
                "seat": list(seat) if seat is not None else None,
            }
        )
    top = {}
    for r in out:
        top[r["county"]] = max(top.get(r["county"], 0.0), r["upper"])
    out.sort(key=lambda r: (-top[r["county"]], r["county"], -r["upper"], -r["lower"], r["code"]))
    return out


def _json_setting(name: str) -> dict:
    """A mapping setting: the Django setting ``name``, else the environment variable of that
    name holding JSON (so an installation changes it without code); {} when neither is set."""
    import json
    import os

    from django.conf import settings

    value = getattr(settings, name, None)
    if value is None and os.environ.get(name):
        value = json.loads(os.environ[name])
    return dict(value or {})


def population() -> dict:
    """常住人口 per county-level district (standards/data/lanzhou_population.json) with the
    city's replacement over it: ``DISASTERS_POPULATION`` = {"counties": {code: people},
    "year": …, "source": …} (e.g. the 2020 census figures once read)."""
    from yingji.standards import quake

    table = dict(quake.population_table())
    table.update(_json_setting("DISASTERS_POPULATION"))
    return table


def quake_response_rules() -> dict:
    """The suggested-level rules (standards/data/quake_response.json) with
    ``DISASTERS_QUAKE_RESPONSE`` over them (any key, e.g. {"hit_degree": 6})."""
    from yingji.standards import quake

    rules = dict(quake.response_table())
    rules.update(_json_setting("DISASTERS_QUAKE_RESPONSE"))
    return rules


def quake_assessment(data) -> dict:
    """Everything an estimate shows: the districts by intensity, the population exposed by
    intensity, the suggested response level with its reasons, and the isoseismal outlines."""
    from yingji.standards import quake

    points = county_sample_points(data)
    rows = quake_estimate(data, points)
    townships = township_estimate(data, points)
    pop = population()
    counties = pop["counties"]
    for row in rows:
        row["population"] = counties.get(row["code"])
    exposed = quake.exposure(
        [(r["code"], r["degree"], max(0, min(12, round(r["lower"])))) for r in rows], counties
    )
    degrees = {r["code"]: r["degree"] for r in rows}
    names = {r["code"]: r["name"] for r in rows}
    suggestion = quake.suggest_level(
        data.magnitude, degrees, exposed["at_least"], quake_response_rules(), names
    )
    missing_names = [names.get(c, c) for c in exposed["missing"]]
    return {
        "rows": rows,
        "townships": townships,
        "township_note": township_note(townships),
        "exposure": {
            "by_degree": [
                {
                    "degree": d,
                    "roman": quake.ROMAN[d],
                    "upper": exposed["upper"].get(d, 0),
                    "lower": exposed["lower"].get(d, 0),
                    "at_least": exposed["at_least"].get(d, 0),
                }
                for d in sorted(set(exposed["upper"]) | set(exposed["lower"]), reverse=True)
                if d > 0
            ],
            "missing": missing_names,
            "year": pop.get("year"),
        },
        "population_source": pop.get("label") or f"{pop.get('year')}年常住人口",
        "suggestion": suggestion,
        "isoseismals": quake.isoseismals(
            data.model, data.magnitude, (data.lon, data.lat), data.strike
        ),
    }


def visible_quake_estimates(user, action: str = "view"):
    return restrict(QuakeEstimate.objects.select_related("recorded_by", "event"), user, action)


TOWNSHIP_SORTS = {
    "county": "按县区分组",
    "degree": "按估计烈度",
    "distance": "按震中距",
    "code": "按区划代码",
}


def sort_townships(rows: list[dict], key: str | None) -> tuple[str, list[dict]]:
    """The township rows in the order asked (``TOWNSHIP_SORTS``; the stored order, grouped by
    county, by default); an unknown key falls back to the default."""
    key = key if key in TOWNSHIP_SORTS else "county"
    if key == "degree":
        return key, sorted(rows, key=lambda r: (-r["upper"], -r["lower"], r["code"]))
    if key == "distance":  # no seat → no distance: after the others
        return key, sorted(
            rows, key=lambda r: (r["distance_km"] is None, r["distance_km"] or 0, r["code"])
        )
    if key == "code":
        return key, sorted(rows, key=lambda r: r["code"])
    return key, list(rows)


TOWNSHIP_BASES = {
    "seat": "驻地坐标",
    "approx": "驻地示意坐标(约±5公里)",
    "county": "所属县区范围",
    "none": "无坐标,未估算",
}


def township_note(townships: list[dict]) -> str:
    """What the township table rests on, said on the page and kept with the record."""
    count = {b: sum(1 for t in townships if t["basis"] == b) for b in TOWNSHIP_BASES}
    with_people = sum(1 for t in townships if t.get("population") is not None)
    parts = [f"共{len(townships)}个乡镇(街道)"]
    if count["seat"]:
        parts.append(f"{count['seat']}个按驻地坐标估算")
    if count["approx"]:
        parts.append(f"{count['approx']}个按驻地示意坐标(约±5公里)估算")
    if count["county"]:
        parts.append(
            f"{count['county']}个没有驻地坐标(平台的行政区划数据只到县区边界),"
            "给出所属县区范围内的烈度上下限"
        )
    if count["none"]:
        parts.append(f"{count['none']}个既无驻地坐标也无县区边界,未估算")
    parts.append(
        f"{with_people}个有人口数据" if with_people else "乡镇(街道)人口数据暂无,未列暴露人口"
    )
    return ";".join(parts) + "。"


def quake_map_data(lon, lat, rows, isoseismals, townships=()) -> dict:
    """What quake.js draws: the epicentre, the districts coloured by degree, the outlines, and
    the townships whose seat is known as points (the others have no place to be drawn)."""
    return {
        "epicentre": [lon, lat],
        "townships": [
            {
                "name": f"{t['county_name']}{t['name']}"
                + ("(示意坐标)" if t["basis"] == "approx" else ""),
                "value": [*t["seat"], t["degree"]],
                "roman": t["roman"],
            }
            for t in townships
            if t.get("seat")
        ],
        "rows": [
            {"name": r["name"], "value": r["degree"], "upper": r["upper"], "lower": r["lower"]}
            for r in rows
        ],
        "outlines": [
            {"degree": o["degree"], "bound": o["bound"], "coords": o["coords"]} for o in isoseismals
        ],
    }


def process_releases(process, user) -> list:
    """The 信息发布稿 of the process's linked event the user may see (应急响应's selector)."""
    if process.event_id is None:
        return []
    from yingji.response.selectors import visible_releases

    return list(visible_releases(user).filter(event_id=process.event_id).order_by("-pk")[:20])


def visible_relief(user, action: str = "view"):
    return restrict(
        ReliefRecord.objects.select_related("region", "process", "recorded_by"), user, action
    )


def relief_summary(process, user) -> dict:
    """过渡期生活救助 of a process against its reports: the households helped should not
    exceed the households whose homes collapsed or were badly damaged (roll-up total)."""
    from django.db.models import Count, Sum

    rows = visible_relief(user).filter(process=process, kind="transition")
    totals = rows.aggregate(households=Count("pk"), persons=Sum("persons"), amount=Sum("amount"))
    figures = rollup(process, user)["total_figures"]
    damaged = int(figures.get("collapsed_households", 0) + figures.get("severe_households", 0))
    households = totals["households"] or 0
    return {
        "households": households,
        "persons": totals["persons"] or 0,
        "amount": totals["amount"] or 0,
        "damaged_households": damaged,
        "exceeds": households > damaged,
    }


def casualties_within(process, region):
    """The current versions on the name list counted in ``region`` (it and everything below)."""
    return CasualtyPerson.objects.filter(
        process=process, is_current=True, region__path__startswith=region.path
    ).select_related("region", "residence")


def visible_casualties(user, action: str = "view"):
    return restrict(
        CasualtyPerson.objects.select_related("process", "region", "residence", "recorded_by"),
        user,
        action,
    )


def casualty_counts(process, user, region=None) -> dict:
    """Current 死亡/失踪/已找到 on the visible name list (optionally within ``region``)."""
    qs = visible_casualties(user).filter(process=process, is_current=True)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    counts = {"dead": 0, "missing": 0, "found": 0}
    for state in qs.values_list("state", flat=True):
        counts[state] += 1
    return counts


# --- 综合减灾示范社区 (T54) -------------------------------------------------------------------


def community_criteria() -> dict:
    """The checklist of standards/demo_community with the city's settings over it
    (``DISASTERS_COMMUNITY_CRITERIA``: e.g. {"pass_mark": 85} or a whole ``elements`` list)."""
    from django.conf import settings

    from yingji.standards import demo_community as dc

    return dc.criteria(getattr(settings, "DISASTERS_COMMUNITY_CRITERIA", None))


def visible_communities(user, action: str = "view"):
    return restrict(DemoCommunity.objects.select_related("region", "region__parent"), user, action)


def visible_inspections(user, action: str = "view"):
    return restrict(
        CommunityInspection.objects.select_related("community__region", "recorded_by"),
        user,
        action,
    )


def county_of(region) -> Region | None:
    """The county (县区) a region lies in, from its path."""
    parts = region.path.strip("/").split("/")
    code = parts[1] if len(parts) > 1 else None
    return Region.objects.filter(code=code, level="county").first() if code else None


def community_evidence(user, community) -> dict[str, dict]:
    """criterion code → its evidence as the user may read it: the note and the live files."""
    from yingji.core.models import Attachment

    rows = list(
        restrict(CommunityEvidence.objects.filter(community=community), user).select_related(
            "recorded_by"
        )
    )
    files: dict[str, list] = {}
    for a in Attachment.objects.for_objects(CommunityEvidence, [r.pk for r in rows]).order_by(
        "created_at"
    ):
        files.setdefault(a.object_id, []).append(a)
    return {
        r.criterion: {"row": r, "note": r.note, "files": files.get(str(r.pk), [])} for r in rows
    }


def community_progress(user, year: int) -> dict:
    """The year's 创建 progress as this user may see it: counts by status and level, named
    communities, visits in the 督查 window, and by county."""
    qs = visible_communities(user).filter(year=year)
    by_status = {code: 0 for code, _ in DemoCommunity._meta.get_field("status").choices}
    for row in qs.values("status").annotate(n=Count("pk")):
        by_status[row["status"]] = row["n"]
    counties: dict[str, dict] = {}
    for c in qs:
        parts = c.region.path.strip("/").split("/")
        key = parts[1] if len(parts) > 1 else parts[0]
        counties.setdefault(key, {"code": key, "total": 0, "named": 0, "waiting": 0})
        counties[key]["total"] += 1
        counties[key]["named"] += c.status == "named"
        counties[key]["waiting"] += c.status in ("applied", "county_passed")
    names = dict(Region.objects.filter(code__in=counties).values_list("code", "name"))
    for row in counties.values():
        row["name"] = names.get(row["code"], row["code"])
    visited = (
        visible_inspections(user)
        .filter(community__year=year, in_window=True)
        .values("community")
        .distinct()
        .count()
    )
    to_visit = qs.filter(status__in=("county_passed", "named")).count()
    return {
        "year": year,
        "total": qs.count(),
        "by_status": by_status,
        "visited": visited,
        "to_visit": to_visit,
        "counties": sorted(counties.values(), key=lambda r: r["code"]),
    }


def community_layer_models():
    """The tables the named-communities layer reads (their change stamp invalidates its cache)."""
    return (DemoCommunity, Region)


COMMUNITY_COLOURS = {"national": "#c0392b", "provincial": "#e67e22", "city": "#2e86c1"}


def named_community_features(user, filters: dict | None = None) -> list[dict]:
    """The named communities as map points: the coordinates given on the application, else the
    nearest enclosing region with a centroid (the county: villages carry no boundary), said so in
    the label."""
    from django.urls import reverse

    qs = visible_communities(user).filter(status="named")
    centroids = {
        r.code: r
        for r in Region.objects.filter(centroid_lon__isnull=False, level__in=("county", "city"))
    }
    level = (filters or {}).get("level")
    if level:
        qs = qs.filter(level=level)
    features = []
    for c in qs:
        lon, lat, where = c.lon, c.lat, ""
        if lon is None:
            at = _with_centroid(c.region, centroids)
            if at is None:
                continue
            lon, lat, where = at.centroid_lon, at.centroid_lat, f";位置为{at.name}中心"
        features.append(
            {
                "type": "Feature",
                "id": c.pk,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "label": f"{c.region.name}({c.get_level_display()},{c.year}年{where})",
                    "url": reverse("disasters:community", args=[c.pk]),
                    "style": {
                        "symbol": "pin",
                        "size": 12,
                        "color": COMMUNITY_COLOURS.get(c.level, "#2e86c1"),
                        "border": "#ffffff",
                    },
                },
            }
        )
    return features


def _with_centroid(region, centroids: dict):
    """The region itself or the nearest ancestor (by path) that has a centroid."""
    if region.centroid_lon is not None:
        return region
    for code in reversed(region.path.strip("/").split("/")):
        if code in centroids:
            return centroids[code]
    return None


# --- 救助 against the reports (used by services.do_record_relief and the relief page) ---------


def _county(region):
    return county_of(region) or region


def county_need_aid(process, user, county):
    """The county's counted (已审核) 需紧急生活救助人口, as the roll-up counts it (its own
    confirmed report, else the sum of its confirmed townships); None when nobody reported it."""
    counted, pending = counted_reports(process, user)
    latest = list(current_reports(process, user).values())
    row = _region_row(county, "county", list(counted.values()), latest, list(pending.values()))
    return row["figures"].get("need_aid")


def persons_findings(process, actor, region, adding: int = 0) -> list:
    """过渡期生活救助 persons in the household's county (with ``adding`` more) against the
    county's confirmed 需紧急生活救助人口 (every row of the process: a check, not a listing)."""
    county = _county(region)
    helped = (
        ReliefRecord.objects.filter(
            process=process, kind="transition", region__path__startswith=county.path
        ).aggregate(s=Sum("persons"))["s"]
        or 0
    )
    return stats.check_relief_persons(helped + adding, county_need_aid(process, actor, county))
