"""Who sees and does what in 应急资源 (DESIGN §5).

- city leadership, city staff and the duty officer see every site and its stock;
- county staff see their county's sites and the city-level (市级) reserves, read-only; they
  keep (register, edit, record movements at) the sites in their county that are not 市级;
- an enterprise user sees only the sites its enterprise keeps on agreement (管理单位 = the
  enterprise) and records nothing;
- city staff keep every site; the read-only leadership writes nothing (core restrict()).
Teams, agreements, experts and shelters follow the same rule (their level 市级 = the city's);
the yearly evaluation of social forces is scored by city staff only.
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, restricts, rule

from .models import (
    Agreement,
    AgreementCall,
    AgreementLine,
    Allocation,
    Equipment,
    Expert,
    ForceAssignment,
    ForceLine,
    Item,
    LinkageCall,
    LinkagePartner,
    MaintenanceRecord,
    Movement,
    RequestLine,
    ReserveTarget,
    Shelter,
    Site,
    Stock,
    SupplyRequest,
    Team,
    TeamEvaluation,
    TransitPosition,
)

NOTHING = Q(pk__in=[])


def site_q(scope: Scope, action: str, prefix: str = "") -> Q:
    """Q over Site (or, with a prefix such as "site__", over a related model)."""
    own = Q(**{f"{prefix}owner_id__in": scope.enterprise_org_ids})
    county = jurisdiction_q(scope, f"{prefix}region__path")
    if action in ("view", "export"):
        if scope.read_all:
            return Q()
        if "county_staff" in scope.roles:
            return county | Q(**{f"{prefix}level": "city"}) | own
        return own
    if action in ("add", "change"):
        if "city_staff" in scope.roles:
            return Q()
        if "county_staff" in scope.roles:
            return county & ~Q(**{f"{prefix}level": "city"})
    return NOTHING


@restricts(Site)
@restricts(Team)
@restricts(Agreement)
@restricts(Shelter)
@restricts(Expert)
@restricts(Equipment)
def restrict_scoped(qs, scope, action):
    """Sites, teams, agreements, shelters and experts: the same rule (module doc); experts'
    personal contacts are not for enterprise users, who see only what they keep."""
    return qs.filter(site_q(scope, action))


@restricts(AgreementLine)
def restrict_agreement_lines(qs, scope, action):
    """An agreement's lines (协议储备明细): as its agreement (kept through its edit)."""
    return qs.filter(site_q(scope, action, "agreement__"))


@restricts(Stock)
def restrict_stock(qs, scope, action):
    return qs.filter(site_q(scope, action, "site__"))


@restricts(Movement)
def restrict_movements(qs, scope, action):
    if action not in ("view", "export"):
        return qs.none()  # ledger lines are written by the services, never changed
    return qs.filter(site_q(scope, action, "stock__site__"))


@restricts(MaintenanceRecord)
def restrict_maintenance(qs, scope, action):
    if action not in ("view", "export"):
        return qs.none()  # ledger lines are written by do_record_maintenance, never changed
    return qs.filter(site_q(scope, action, "equipment__"))


@restricts(ReserveTarget)
def restrict_targets(qs, scope, action):
    """Reserve targets: the city reads all; a county its own and the city's (市级) ones; the
    city bureau sets them; enterprises see none."""
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        if "county_staff" in scope.roles:
            return qs.filter(jurisdiction_q(scope, "region__path") | Q(region__level="city"))
        return qs.none()
    return qs if "city_staff" in scope.roles else qs.none()


@rule("resources.targets")
def can_set_targets(scope: Scope) -> bool:
    """Reserve targets per county are the city bureau's (救灾和物资保障科) decision."""
    return "city_staff" in scope.roles and not scope.read_only


@restricts(Item)
def restrict_items(qs, scope, action):
    if action in ("view", "export"):
        return qs
    return qs if "city_staff" in scope.roles else qs.none()


@rule("resources.keep")
def can_keep(scope: Scope) -> bool:
    """Register sites and record movements (within restrict's rows)."""
    return scope.has_role("city_staff", "county_staff") and not scope.read_only


@restricts(TeamEvaluation)
def restrict_evaluations(qs, scope, action):
    """The evaluators (city sections) see every evaluation, published or not; everyone else
    (leadership, duty, counties, the teams' keepers) only published results, of the teams they
    may see; scores are written by the evaluation services only."""
    if action in ("view", "export"):
        rows = qs.filter(site_q(scope, action, "team__"))
        return rows if can_evaluate(scope) else rows.filter(published_at__isnull=False)
    return qs if "city_staff" in scope.roles else qs.none()


@rule("resources.evaluate")
def can_evaluate(scope: Scope) -> bool:
    """The yearly evaluation of social rescue forces is scored by the city bureau (T44)."""
    return "city_staff" in scope.roles and not scope.read_only


@rule("resources.publish_evaluation")
def can_publish_evaluation(scope: Scope) -> bool:
    """发布 a year's evaluation result (T44): the city bureau's sections that score it; the
    leadership reads, counties, the duty officer and enterprises neither score nor publish."""
    return "city_staff" in scope.roles and not scope.read_only


def request_q(scope: Scope, action: str, prefix: str = "") -> Q:
    """Supply requests: the city (leadership, sections, duty officer) sees every one; a county
    those to a place in its county and its own; approving and dispatching is the city's."""
    if action in ("view", "export"):
        if scope.read_all:
            return Q()
        mine = Q(**{f"{prefix}requested_by_id": scope.user_id})
        if "county_staff" in scope.roles:
            return jurisdiction_q(scope, f"{prefix}region__path") | mine
        return NOTHING
    if action == "approve":
        return Q() if "city_staff" in scope.roles else NOTHING
    if action in ("add", "change"):
        if scope.has_role("city_staff", "duty_officer"):
            return Q()
        if "county_staff" in scope.roles:
            return jurisdiction_q(scope, f"{prefix}region__path") | Q(
                **{f"{prefix}requested_by_id": scope.user_id}
            )
    return NOTHING


@restricts(SupplyRequest)
def restrict_requests(qs, scope, action):
    return qs.filter(request_q(scope, action))


@restricts(RequestLine)
@restricts(Allocation)
@restricts(ForceLine)
@restricts(ForceAssignment)
@restricts(LinkageCall)
@restricts(AgreementCall)
@restricts(TransitPosition)
def restrict_request_rows(qs, scope, action):
    if action not in ("view", "export"):
        return qs.none()  # written by the request services
    return qs.filter(request_q(scope, action, "request__"))


@rule("resources.request")
def can_request(scope: Scope) -> bool:
    """Ask for supplies (the duty officer, city sections, county bureaus) and confirm receipt."""
    return scope.has_role("duty_officer", "city_staff", "county_staff") and not scope.read_only


@rule("resources.approve")
def can_approve(scope: Scope) -> bool:
    """Approve requests (reserving stock) and dispatch them: the city bureau's sections."""
    return "city_staff" in scope.roles and not scope.read_only


@restricts(LinkagePartner)
def restrict_partners(qs, scope, action):
    """The 物资联动 partners (T39): read by the city and the counties (they ask through the
    city), kept by the city bureau; enterprises see none."""
    if action in ("view", "export"):
        return qs if scope.read_all or "county_staff" in scope.roles else qs.none()
    return qs if "city_staff" in scope.roles else qs.none()


@rule("resources.partners")
def can_keep_partners(scope: Scope) -> bool:
    """Register and edit the 物资联动 partners and their 联动清单: the city bureau."""
    return "city_staff" in scope.roles and not scope.read_only
