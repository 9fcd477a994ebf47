"""The case library is read by every signed-in user (enterprises learn from it too); cases are
recorded and imported by city staff (the 应急指挥科 and 安全生产综合协调科 build it)."""

from yingji.core.permissions import Scope, restricts, rule

from .models import Case


@restricts(Case)
def restrict_cases(qs, scope: Scope, action):
    if not scope.authenticated:
        return qs.none()
    if action in ("view", "export"):
        return qs
    if scope.has_role("city_staff") and not scope.read_only:
        return qs
    return qs.none()


@rule("cases.write")
def can_write(scope: Scope) -> bool:
    return scope.has_role("city_staff") and not scope.read_only
