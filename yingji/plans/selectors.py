"""Read queries shared by the pages, the API and the dashboard cards, all through restrict()."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Q
from django.utils import timezone

from yingji.core.permissions import restrict
from yingji.standards.emergency_plans import DUE_SOON_DAYS, REVIEW_CYCLES, add_months

from .models import Drill, Filing, Finding, Plan, ScheduledDrill


def visible_plans(user, action: str = "view"):
    return restrict(Plan.objects.select_related("owner", "region", "parent"), user, action)


def visible_drills(user, action: str = "view"):
    return restrict(Drill.objects.select_related("organiser", "region"), user, action)


def visible_findings(user, action: str = "view"):
    return restrict(Finding.objects.select_related("drill", "drill__region"), user, action)


def visible_filings(user, action: str = "view"):
    return restrict(Filing.objects.select_related("plan"), user, action)


def review_q(status: str, today: dt.date | None = None) -> Q:
    """Plans whose review (评估) is "overdue" or "due_soon" on ``today``, per kind's cycle
    (standards.emergency_plans.REVIEW_CYCLES): the same rule as Plan.review_status."""
    today = today or timezone.localdate()
    q = Q(pk__in=[])
    for kind, (months, _source, _confidence) in REVIEW_CYCLES.items():
        overdue_before = add_months(today, -months)  # due < today
        if status == "overdue":
            q |= Q(kind=kind, effective_on__lt=overdue_before)
        elif status == "due_soon":
            soon_before = add_months(today + dt.timedelta(days=DUE_SOON_DAYS), -months)
            q |= Q(kind=kind, effective_on__gte=overdue_before, effective_on__lte=soon_before)
    return q


def review_lists(user, today: dt.date | None = None) -> dict:
    """Plans due for review (overdue and due soon), with counts by county and by enterprise."""
    today = today or timezone.localdate()
    out = {}
    for status in ("overdue", "due_soon"):
        rows = list(visible_plans(user).filter(review_q(status, today)).order_by("effective_on"))
        out[status] = rows
        out[f"{status}_by_county"] = Counter(p.region.name for p in rows).most_common()
        out[f"{status}_by_enterprise"] = Counter(
            p.owner.name for p in rows if p.enterprise_id
        ).most_common()
    return out


def overdue_findings(user, today: dt.date | None = None):
    today = today or timezone.localdate()
    return visible_findings(user).filter(state="open", due_on__lt=today)


def finding_counts(user) -> dict:
    rows = visible_findings(user).values_list("state", flat=True)
    counts = Counter(rows)
    return {
        "open": counts["open"],
        "rectified": counts["rectified"],
        "verified": counts["verified"],
    }


def pending_filings(user):
    """Plans submitted for filing that this user may decide."""
    return visible_plans(user, "approve").filter(filing_state="submitted")


def search(user, q: str, limit: int = 10):
    from yingji.core.hooks import SearchHit

    rows = visible_plans(user).filter(Q(title__icontains=q) | Q(code__icontains=q))[:limit]
    return [SearchHit(str(p), p.get_absolute_url(), p.get_kind_display()) for p in rows]


def drill_targets() -> dict[tuple[str, str | None], int]:
    """{(kind, county code or None): per_year}: the configured targets (None = default)."""
    from .models import DrillTarget

    return {
        (t.kind, t.region.code if t.region_id else None): t.per_year
        for t in DrillTarget.objects.select_related("region")
    }


def drill_coverage(user, year: int) -> dict:
    """Per county the user may see: drills of each kind held in ``year`` against the target
    (a county's own row, else the default row, else choices.DEFAULT_DRILL_TARGETS)."""
    from django.db.models import Count

    from yingji.core.permissions import scope_of
    from yingji.geo.models import Region

    from .choices import DEFAULT_DRILL_TARGETS, DRILL_KINDS

    scope = scope_of(user)
    counties = Region.objects.filter(level="county").order_by("code")
    if not (scope.read_all or scope.is_admin):
        counties = [c for c in counties if any(c.path.startswith(p) for p in scope.region_paths)]
    configured = drill_targets()
    drills = visible_drills(user).filter(held_on__year=year)
    rows = []
    for county in counties:
        done = dict(
            drills.filter(region__path__startswith=county.path)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
        cells = []
        for kind, label in DRILL_KINDS:
            target = configured.get(
                (kind, county.code), configured.get((kind, None), DEFAULT_DRILL_TARGETS[kind])
            )
            n = done.get(kind, 0)
            cells.append(
                {"kind": kind, "label": str(label), "done": n, "target": target, "met": n >= target}
            )
        rows.append(
            {
                "code": county.code,
                "name": county.name,
                "cells": cells,
                "done": sum(c["done"] for c in cells),
                "target": sum(c["target"] for c in cells),
                "met": all(c["met"] for c in cells),
            }
        )
    return {"year": year, "kinds": DRILL_KINDS, "rows": rows}


def coverage_table(coverage: dict) -> tuple[list[str], list[list]]:
    """The coverage as a flat table (export): one row per county."""
    header = ["县区编码", "县区"]
    for _k, label in coverage["kinds"]:
        header += [f"{label}(已演练)", f"{label}(目标)"]
    header += ["合计已演练", "合计目标", "是否全部达标"]
    rows = []
    for r in coverage["rows"]:
        row = [r["code"], r["name"]]
        for c in r["cells"]:
            row += [c["done"], c["target"]]
        rows.append(row + [r["done"], r["target"], "是" if r["met"] else "否"])
    return header, rows


def drill_targets_list(user):
    from .models import DrillTarget

    return restrict(DrillTarget.objects.select_related("region"), user)


def plan_parts(user, plan, kind: str | None = None):
    """A plan's current structured parts (not voided), e.g. its response levels for #12."""
    from .models import PlanPart

    qs = restrict(PlanPart.objects.filter(plan=plan, voided=False), user)
    return qs.filter(kind=kind) if kind else qs


def plan_parts_for(user, action: str = "view"):
    from .models import PlanPart

    return restrict(PlanPart.objects.select_related("plan"), user, action)


# Plans whose response levels govern an event, most specific first: the special plan for the
# event type, then the 总体预案 (the general plan applies when no special plan covers the type).
GOVERNING_KINDS = ("special", "general")


def governing_parts(user, *, event_type: str, region, kind: str) -> dict:
    """The plan that governs an event of ``event_type`` in ``region`` for one kind of structured
    part (``level`` or ``group``), and its current parts of that kind: the event's region, then
    each region above it (village → township → county → city), at each a 专项预案 whose scope lists
    the type before the 总体预案; the first such plan with parts of that kind wins. Enterprise
    plans never govern; only what ``user`` may read counts. Answers ``{"plan": Plan | None,
    "parts": [PlanPart], "looked_at": [region codes tried], "unstructured": [plans passed
    over, having no such parts]}``."""
    from .models import PlanPart

    codes = [c for c in reversed(region.path.strip("/").split("/")) if c]
    plans = visible_plans(user).filter(enterprise__isnull=True, kind__in=GOVERNING_KINDS)
    looked_at, unstructured = [], []
    for code in codes:
        looked_at.append(code)
        here = list(plans.filter(region__code=code).order_by("-effective_on", "pk"))
        special = [p for p in here if p.kind == "special" and event_type in (p.event_types or [])]
        general = [p for p in here if p.kind == "general"]
        for plan in special + general:
            parts = list(
                restrict(
                    PlanPart.objects.filter(plan=plan, kind=kind, voided=False), user
                ).order_by("level", "pk")
            )
            if not parts:
                unstructured.append(plan)
                continue
            return {
                "plan": plan,
                "parts": parts,
                "looked_at": looked_at,
                "unstructured": unstructured,
            }
    return {"plan": None, "parts": [], "looked_at": looked_at, "unstructured": unstructured}


def response_levels_for(user, *, event_type: str, region) -> dict:
    """The response levels (响应分级) and their start conditions that govern an event of
    ``event_type`` (a code of choices.EVENT_TYPES) in ``region``, for the response module (#12):
    read from the plans' structured parts, never from their text (``governing_parts`` with
    kind ``level``). A plan that would govern but has no level parts is passed over and named in
    ``unstructured`` (the caller says "预案未结构化"). Answers ``{"plan": Plan | None, "levels":
    [{"level", "level_label", "name", "conditions", "lead_unit", "part_id"}], "looked_at":
    [region codes tried], "unstructured": [Plan]}``, levels ordered 一级 → 四级."""
    found = governing_parts(user, event_type=event_type, region=region, kind="level")
    return {
        "plan": found["plan"],
        "levels": [
            {
                "level": part.level,
                "level_label": part.get_level_display(),
                "name": part.name,
                "conditions": part.text,
                "lead_unit": part.lead_unit,
                "part_id": part.pk,
            }
            for part in found["parts"]
        ],
        "looked_at": found["looked_at"],
        "unstructured": found["unstructured"],
    }


def command_groups_for(user, *, event_type: str, region) -> dict:
    """The 指挥机构工作组 (group parts: name, 牵头单位, 职责) of the plan that governs an event, for
    the response module's 指挥部编组 (``governing_parts`` with kind ``group``)."""
    return governing_parts(user, event_type=event_type, region=region, kind="group")


def visible_schedule(user, action: str = "view"):
    return restrict(
        ScheduledDrill.objects.select_related("organiser", "region", "drill"), user, action
    )


def drill_schedule(user, year: int, today: dt.date | None = None) -> dict:
    """The annual drill plans (年度演练计划) of ``year``: every item with its status (done,
    overdue = its month passed without a drill, planned) and counts per organisation."""
    today = today or timezone.localdate()
    rows = list(visible_schedule(user).filter(year=year).prefetch_related("plans"))
    by_org: dict[str, dict] = {}
    for item in rows:
        item.state = item.status(today)
        org = by_org.setdefault(
            item.organiser.name,
            {"name": item.organiser.name, "done": 0, "overdue": 0, "planned": 0},
        )
        org[item.state] += 1
    return {"year": year, "rows": rows, "by_org": sorted(by_org.values(), key=lambda o: o["name"])}


def drill_interval_months(kind: str) -> int | None:
    """The drill interval of a plan kind: the setting ``PLANS_DRILL_INTERVAL_MONTHS`` ({kind:
    months}) if it names the kind, else standards.emergency_plans.DRILL_INTERVALS."""
    from django.conf import settings

    from yingji.standards.emergency_plans import DRILL_INTERVALS

    override = getattr(settings, "PLANS_DRILL_INTERVAL_MONTHS", None) or {}
    return override.get(kind, DRILL_INTERVALS[kind][0])


def undrilled_plans(user, today: dt.date | None = None) -> dict:
    """Plans not drilled within their kind's interval (演练覆盖 per plan): each plan with an
    interval, its last drill (any drill that exercised it) and when the next was due; counted
    by county. Only plans and drills the user may see."""
    from django.db.models import Max

    from yingji.standards.emergency_plans import add_months, drill_overdue

    from .choices import PLAN_KINDS

    today = today or timezone.localdate()
    intervals = {k: drill_interval_months(k) for k, _label in PLAN_KINDS}
    kinds = [k for k, months in intervals.items() if months]
    plans = visible_plans(user).filter(kind__in=kinds).annotate(last_drill=Max("drills__held_on"))
    rows = []
    for plan in plans.order_by("region__code", "code"):
        months = intervals[plan.kind]
        if drill_overdue(plan.kind, plan.last_drill, plan.effective_on, today, months):
            plan.drill_due = add_months(plan.last_drill or plan.effective_on, months)
            plan.interval_months = months
            rows.append(plan)
    return {
        "rows": rows,
        "by_county": Counter(_county_name(p.region) for p in rows).most_common(),
    }


def _county_name(region) -> str:
    """The county (or the city) a plan's region belongs to, by name."""
    from yingji.geo.models import Region

    codes = [c for c in region.path.strip("/").split("/") if c]
    if region.level in ("city", "county") or len(codes) < 2:
        return region.name
    county = Region.objects.filter(code__in=codes, level="county").first()
    return county.name if county else region.name


def review_reminders(user, today: dt.date | None = None):
    """Plans the daily job has reminded of for their current due date (评估提醒), soonest first."""
    today = today or timezone.localdate()
    rows = [
        p
        for p in visible_plans(user).filter(review_reminded_for__isnull=False)
        if p.review_reminded_for == p.review_due
    ]
    return sorted(rows, key=lambda p: p.review_due)


def team_choices(user):
    """The rescue teams (resources module) the user may name as drill participants: read
    through restrict() on the model the Drill.teams field points at (this app does not
    import resources, which reads plans)."""
    return restrict(Drill.teams.field.related_model.objects.order_by("name"), user)


def drill_teams(user, drill):
    """The teams that took part in a drill, among those the user may see."""
    return restrict(drill.teams.order_by("name"), user)
