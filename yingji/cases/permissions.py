"""The case library is read by every signed-in user (enterprises learn from it too); cases are
recorded and imported by city staff (the 应急指挥科 and 安全生产综合协调科 build it).
警示教育: city staff push; the city reads every push, a county those to its own county, an
enterprise only the pushes it received; an enterprise marks its own receipts read."""

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, restricts, rule

from .models import Case, PushReceipt, WarningPush


@restricts(Case)
def restrict_cases(qs, scope: Scope, action):
    if not scope.authenticated:
        return qs.none()
    if action in ("view", "export"):
        return qs
    if scope.has_role("city_staff") and not scope.read_only:
        return qs
    return qs.none()


def _receipt_q(scope: Scope, prefix: str = "") -> Q:
    own = Q(**{f"{prefix}enterprise__organisation_id__in": scope.enterprise_org_ids})
    if scope.read_all:
        return Q()
    return own | jurisdiction_q(scope, f"{prefix}enterprise__region__path")


@restricts(WarningPush)
def restrict_pushes(qs, scope: Scope, action):
    if not scope.authenticated:
        return qs.none()
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        received = PushReceipt.objects.filter(
            enterprise__organisation_id__in=scope.enterprise_org_ids
        ).values("push_id")
        return qs.filter(jurisdiction_q(scope, "region__path") | Q(pk__in=received))
    if action == "add" and scope.has_role("city_staff") and not scope.read_only:
        return qs
    return qs.none()


@restricts(PushReceipt)
def restrict_receipts(qs, scope: Scope, action):
    if not scope.authenticated:
        return qs.none()
    if action in ("view", "export"):
        return qs.filter(_receipt_q(scope))
    if action == "change":  # marking read: the enterprise itself
        return qs.filter(enterprise__organisation_id__in=scope.enterprise_org_ids)
    if action == "add" and scope.has_role("city_staff") and not scope.read_only:
        return qs
    return qs.none()


@rule("cases.write")
def can_write(scope: Scope) -> bool:
    return scope.has_role("city_staff") and not scope.read_only


@rule("cases.push")
def can_push(scope: Scope) -> bool:
    return scope.has_role("city_staff") and not scope.read_only
