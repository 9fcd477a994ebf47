"""Who sees and does what in 应急资源 (DESIGN §5).

- city leadership, city staff and the duty officer see every site and its stock;
- county staff see their county's sites and the city-level (市级) reserves, read-only; they
  keep (register, edit, record movements at) the sites in their county that are not 市级;
- an enterprise user sees only the sites its enterprise keeps on agreement (管理单位 = the
  enterprise) and records nothing;
- city staff keep every site; the read-only leadership writes nothing (core restrict()).
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, restricts, rule

from .models import Item, Movement, Site, Stock

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
def restrict_sites(qs, scope, action):
    return qs.filter(site_q(scope, action))


@restricts(Stock)
def restrict_stock(qs, scope, action):
    return qs.filter(site_q(scope, action, "site__"))


@restricts(Movement)
def restrict_movements(qs, scope, action):
    if action not in ("view", "export"):
        return qs.none()  # ledger lines are written by the services, never changed
    return qs.filter(site_q(scope, action, "stock__site__"))


@restricts(Item)
def restrict_items(qs, scope, action):
    if action in ("view", "export"):
        return qs
    return qs if "city_staff" in scope.roles else qs.none()


@rule("resources.keep")
def can_keep(scope: Scope) -> bool:
    """Register sites and record movements (within restrict's rows)."""
    return scope.has_role("city_staff", "county_staff") and not scope.read_only
