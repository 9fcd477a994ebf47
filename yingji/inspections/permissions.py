"""Who sees and does what in 执法检查 (DESIGN §5; issue #5, T3 tiering).

- The 执法主体 (authority) of a plan, an inspection or a case is a bureau: the city bureau or a
  county bureau. Staff act for the bureau they work in (a city section or unit acts for the city
  bureau): they change their bureau's plans, inspections and cases, nobody else's.
- Scheduling an inspection ("add" on the enterprise): county staff schedule their county's
  county-tier enterprises; city staff the city-tier ones and, for 专项检查/督查, any enterprise of
  the city (this is where the duplicate-inspection guard matters most).
- Reading: city leadership, city staff and duty officers read everything; county staff read
  their bureau's records and every inspection of their county's county-tier enterprises (by
  whichever authority); an enterprise user reads only the completed inspections of its own
  enterprise and their findings (scheduled visits are not announced), read only. Plans, plan
  entries, overlaps and case files are internal: never shown to enterprise users.
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import Scope, internal_fields, restricts, rule
from yingji.enterprises.permissions import enterprise_q

from .models import CaseFile, Finding, Inspection, InspectionPlan, Overlap, PlanEntry

NOTHING = Q(pk__in=[])
INSPECTOR_ROLES = ("city_staff", "county_staff")


def is_inspector(scope: Scope) -> bool:
    return scope.has_role(*INSPECTOR_ROLES)


def bureau_paths(scope: Scope) -> tuple[str, ...]:
    """Tree paths of the bureaus the user acts for (the top of each organisation they work in)."""
    if not scope.has_role(*INSPECTOR_ROLES):
        return ()
    return tuple(sorted({"/" + p.strip("/").split("/")[0] + "/" for p in scope.org_paths}))


def authority_q(scope: Scope, field: str = "authority") -> Q:
    """Rows whose authority (a bureau, given by the FK name) is one the user acts for."""
    paths = bureau_paths(scope)
    return Q(**{f"{field}__path__in": paths}) if paths else NOTHING


def handles_q(scope: Scope, prefix: str = "") -> Q:
    """Q over Enterprise (or a child with prefix "enterprise__"): whom the user may inspect."""
    if not is_inspector(scope):
        return NOTHING
    if scope.has_role("city_staff"):
        return Q()
    # county staff: the county-tier enterprises of their county ("approve" excludes own-enterprise)
    return enterprise_q(scope, "approve", prefix)


def inspection_view_q(scope: Scope, prefix: str = "") -> Q:
    if scope.read_all:
        return Q()
    q = Q(**{f"{prefix}state": "completed"}) & Q(
        **{f"{prefix}enterprise__organisation_id__in": scope.enterprise_org_ids}
    )
    if is_inspector(scope):
        q |= authority_q(scope, f"{prefix}authority")
        q |= enterprise_q(scope, "approve", f"{prefix}enterprise__")
    return q


# The regulators' reasons for inspecting despite a duplicate (the scheduling event's overlaps)
# are theirs: the inspected enterprise does not read them in the record's history.
internal_fields(Inspection, "overlaps")


@restricts(Inspection)
def _inspections(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(inspection_view_q(scope))
    if action == "add":
        return qs.filter(handles_q(scope, "enterprise__"))
    if action in ("change", "approve"):
        return qs.filter(authority_q(scope))
    return qs.none()


@restricts(Finding)
def _findings(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(inspection_view_q(scope, "inspection__"))
    if action in ("add", "change", "approve"):
        return qs.filter(authority_q(scope, "inspection__authority"))
    return qs.none()


def plan_view_q(scope: Scope, prefix: str = "") -> Q:
    if scope.read_all:
        return Q()
    return authority_q(scope, f"{prefix}owner")


@restricts(InspectionPlan)
def _plans(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(plan_view_q(scope))
    if action in ("add", "change", "approve"):
        return qs.filter(authority_q(scope, "owner"))
    return qs.none()


@restricts(PlanEntry)
def _entries(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(plan_view_q(scope, "plan__"))
    if action in ("add", "change", "approve"):
        return qs.filter(authority_q(scope, "plan__owner"))
    return qs.none()


@restricts(Overlap)
def _overlaps(qs, scope: Scope, action):
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        return qs.filter(authority_q(scope) | authority_q(scope, "other_authority"))
    return qs.none()  # written by the services only


@restricts(CaseFile)
def _cases(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs if scope.read_all else qs.filter(authority_q(scope))
    if action in ("add", "change", "approve"):
        return qs.filter(authority_q(scope))
    return qs.none()


@rule("inspections.open")
def internal_user(scope: Scope) -> bool:
    """执法检查 pages are for the regulators: an enterprise sees its own inspections from its
    file, not the bureau's plans, overlaps or case lists."""
    return bool(scope.roles - {"enterprise_user"})


@rule("inspections.schedule")
def schedules(scope: Scope) -> bool:
    """安排检查: an inspector acting for a bureau (the city leadership only reads)."""
    return is_inspector(scope) and not scope.read_only and bool(bureau_paths(scope))
