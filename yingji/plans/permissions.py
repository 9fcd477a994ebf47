"""Who sees and does what in 预案与演练 (DESIGN §5).

- city leadership, city staff and the duty officer read every plan and drill;
- county staff read the city's plans and everything located in their county; they write their
  county's plans and drills and decide the filings (备案) of the enterprises in their county;
- an enterprise user reads the government plans (public documents) and reads and writes only
  its enterprise's own plans, filings and drills;
- city staff write city plans and decide the filings of county plans and of any enterprise;
- the read-only leadership writes nothing.
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, restricts, rule

from .models import (
    Drill,
    DrillTarget,
    Filing,
    Finding,
    Plan,
    PlanPart,
    PlanVersion,
    ScheduledDrill,
)

NOTHING = Q(pk__in=[])


def located_q(scope: Scope, action: str, prefix: str = "", public_plans: bool = False) -> Q:
    """Q over Plan or Drill (or, with a prefix such as "plan__", a related model)."""
    own = Q(**{f"{prefix}enterprise__organisation_id__in": scope.enterprise_org_ids})
    county = jurisdiction_q(scope, f"{prefix}region__path")
    if scope.read_only and action not in ("view", "export"):
        return NOTHING
    if action in ("view", "export"):
        if scope.read_all:
            return Q()
        if "county_staff" in scope.roles:
            return county | Q(**{f"{prefix}region__level": "city"}) | own
        if public_plans and scope.enterprise_org_ids:  # government plans are public documents
            return own | Q(**{f"{prefix}enterprise__isnull": True})
        return own
    if action in ("add", "change"):
        if scope.has_role("city_staff"):
            return Q()
        return county | own if "county_staff" in scope.roles else own
    if action == "approve":  # deciding filings: not one's own plans
        if scope.has_role("city_staff"):
            return Q(**{f"{prefix}enterprise__isnull": False}) | Q(
                **{f"{prefix}owner__kind": "county_bureau"}
            )
        if "county_staff" in scope.roles:
            return county & Q(**{f"{prefix}enterprise__isnull": False})
        return NOTHING
    return NOTHING


@restricts(Plan)
def restrict_plans(qs, scope, action):
    return qs.filter(located_q(scope, action, public_plans=True))


@restricts(Drill)
@restricts(ScheduledDrill)
def restrict_drills(qs, scope, action):
    return qs.filter(located_q(scope, action))


@restricts(PlanVersion)
@restricts(Filing)
def restrict_plan_rows(qs, scope, action):
    if action not in ("view", "export"):
        return qs.none()  # written only with their plan
    return qs.filter(located_q(scope, action, "plan__", public_plans=qs.model is PlanVersion))


@restricts(Finding)
def restrict_findings(qs, scope, action):
    return qs.filter(located_q(scope, action, "drill__"))


@restricts(PlanPart)
def restrict_plan_parts(qs, scope, action):
    """A plan's structured parts: read with the plan, written by whoever may change the plan."""
    return qs.filter(located_q(scope, action, "plan__", public_plans=action in ("view", "export")))


@restricts(DrillTarget)
def restrict_drill_targets(qs, scope, action):
    """Targets are read by whoever reads drill coverage; set by city staff only."""
    if action in ("view", "export"):
        return qs if scope.read_all or "county_staff" in scope.roles else qs.none()
    return qs if scope.has_role("city_staff") and not scope.read_only else qs.none()


@rule("plans.coverage")
def can_see_coverage(scope: Scope) -> bool:
    return scope.read_all or "county_staff" in scope.roles or scope.is_admin


@rule("plans.set_targets")
def can_set_targets(scope: Scope) -> bool:
    return scope.has_role("city_staff") and not scope.read_only


@rule("plans.write")
def can_write(scope: Scope) -> bool:
    return scope.has_role("city_staff", "county_staff", "enterprise_user") and not scope.read_only


@rule("plans.decide_filings")
def can_decide_filings(scope: Scope) -> bool:
    return scope.has_role("city_staff", "county_staff") and not scope.read_only
