"""Who sees and changes enterprise records (DESIGN §5; issue #4 T3).

- city leadership, city staff and duty officers read every enterprise;
- county staff see (and handle) the county-tier enterprises of their county's subtree only;
  city-tier ones are the city bureau's;
- city staff (科室/单位) change and review city-tier enterprises;
- an enterprise user sees and edits only its own enterprise (its profile, responsibility list
  and 安全三问), but never approves anything;
- "approve" (tier override, status, reviewing 安全三问) is a regulator's action.
"""

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, restricts, rule

from .models import (
    Enterprise,
    EnterpriseImport,
    InsurancePolicy,
    Licence,
    ResponsibilityItem,
    SafetyQuestionnaire,
    TierRule,
)

NOTHING = Q(pk__in=[])


def enterprise_q(scope, action: str, prefix: str = "") -> Q:
    """Q over Enterprise (or, with prefix "enterprise__", over a child model)."""
    p = prefix
    own = Q(**{f"{p}organisation_id__in": scope.enterprise_org_ids})
    county = Q(**{f"{p}tier": "county"}) & jurisdiction_q(scope, f"{p}region__path")
    city_tier = Q(**{f"{p}tier": "city"}) if "city_staff" in scope.roles else NOTHING
    if action in ("view", "export"):
        if scope.read_all:
            return Q()
        return county | own
    if action == "add":
        # Registration: county staff anywhere in their county (the rule may then make the
        # enterprise city-tier: it is handed to the city bureau); city staff anywhere.
        if "city_staff" in scope.roles:
            return Q()
        return jurisdiction_q(scope, f"{p}region__path")
    if action == "change":
        return county | city_tier | own
    if action == "approve":
        return county | city_tier
    return NOTHING


@restricts(Enterprise)
def restrict_enterprises(qs, scope, action):
    return qs.filter(enterprise_q(scope, action))


@restricts(Licence)
@restricts(InsurancePolicy)
@restricts(ResponsibilityItem)
@restricts(SafetyQuestionnaire)
def restrict_enterprise_children(qs, scope, action):
    if action == "add":
        action = "change"  # adding a child record changes the enterprise's file
    return qs.filter(enterprise_q(scope, action, "enterprise__"))


@restricts(TierRule)
def restrict_tier_rule(qs, scope, action):
    # Everyone signed in may read the rule (it explains tiers); administrators edit it.
    return qs if action == "view" else qs.none()


@restricts(EnterpriseImport)
def restrict_imports(qs, scope, action):
    return qs.filter(created_by_id=scope.user_id) if action in ("view", "change") else qs.none()


@rule("enterprises.register")
def _may_register(scope: Scope) -> bool:
    """登记 and 批量导入 of enterprises: regulators who may add one somewhere (city staff, county
    staff in their county). Enterprises and the read-only leadership may not."""
    if scope.read_only or not scope.authenticated:
        return False
    return scope.has_role("city_staff") or bool(scope.region_paths)
