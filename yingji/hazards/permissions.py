"""Who sees and handles hazards (DESIGN §5, issue #5).

- A hazard at an enterprise follows the enterprise's scope (yingji.enterprises.permissions):
  the enterprise user sees, reports and rectifies its own hazards but never grades, verifies or
  voids them; county staff handle the county-tier enterprises of their county; city staff the
  city-tier ones and read all.
- A hazard at a public place (no enterprise) follows its region: county staff in their county,
  city staff anywhere.
- "approve" (grade, verify and close, 挂牌督办, void, reopen, 抽查) is a regulator's action;
  16号令 Art. 4, 8, 10, 15 let the enterprise itself grade, verify and close its own 一般 hazards
  (its verifier not its rectifier): the services add that on top of "change"
  (``services.is_own``), never a 重大 one.
"""

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, restricts, rule
from yingji.enterprises.permissions import enterprise_q

from .models import Hazard, HazardNumber, HazardReturn, HazardSettings

NOTHING = Q(pk__in=[])


def place_q(scope: Scope, action: str) -> Q:
    base = Q(enterprise__isnull=True)
    if action in ("view", "export") and scope.read_all:
        return base
    if action != "view" and action != "export" and "city_staff" in scope.roles:
        return base
    return base & jurisdiction_q(scope, "region__path")


def hazard_q(scope: Scope, action: str) -> Q:
    if action == "add":
        action = "change"
    return (Q(enterprise__isnull=False) & enterprise_q(scope, action, "enterprise__")) | place_q(
        scope, action
    )


@restricts(Hazard)
def restrict_hazards(qs, scope: Scope, action):
    return qs.filter(hazard_q(scope, action))


@restricts(HazardReturn)
def restrict_returns(qs, scope: Scope, action):
    """统计分析表 (16号令 Art. 14): the enterprise compiles and submits its own; regulators see
    those of the enterprises they see (county: its county-tier ones; city: all); nobody
    approves or changes another's."""
    if action in ("view", "export"):
        return qs.filter(enterprise_q(scope, "view", "enterprise__"))
    if action in ("add", "change"):
        return qs.filter(enterprise__organisation_id__in=scope.enterprise_org_ids)
    return qs.none()


@restricts(HazardSettings)
def restrict_settings(qs, scope: Scope, action):
    return qs if action == "view" else qs.none()


@restricts(HazardNumber)
def restrict_numbers(qs, scope: Scope, action):
    return qs.none()  # bookkeeping only (administrators see everything anyway)


@rule("hazards.register")
def _may_register(scope: Scope) -> bool:
    """登记 and 批量导入: everyone who writes (enterprises for themselves, regulators in their
    scope); the city leadership only reads."""
    return scope.authenticated and not scope.read_only
