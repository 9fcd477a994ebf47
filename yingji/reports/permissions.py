"""Who sees and does what with the 研判简报 (DESIGN §5).

- city leadership, city staff and the duty officer read every brief (the city's and each
  county's);
- city staff (the 风险监测和综合减灾科 drafts; any section's staff may review) generate, edit,
  review and issue briefs of any region;
- county staff read and produce the briefs of their own county only;
- enterprise users see none; the read-only leadership writes nothing.
Reviewing also needs a person other than the drafter (the services check it).
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, restricts, rule

from .models import Brief, BriefDelivery, BriefTemplate

NOTHING = Q(pk__in=[])


def brief_q(scope: Scope, action: str) -> Q:
    county = jurisdiction_q(scope, "region__path")
    if action in ("view", "export"):
        if scope.read_all:
            return Q()
        return county if "county_staff" in scope.roles else NOTHING
    if scope.read_only:
        return NOTHING
    if scope.has_role("city_staff"):
        return Q()
    return county if "county_staff" in scope.roles else NOTHING


def may_write_region(scope: Scope, region) -> bool:
    """The "change" rule above for a brief not saved yet (before generating one)."""
    if scope.read_only:
        return False
    if scope.has_role("city_staff"):
        return True
    return "county_staff" in scope.roles and any(
        region.path.startswith(p) for p in scope.region_paths
    )


@restricts(Brief)
def restrict_briefs(qs, scope, action):
    return qs.filter(brief_q(scope, action))


@rule("reports.open")
def can_open(scope: Scope) -> bool:
    return scope.read_all or "county_staff" in scope.roles or scope.is_admin


@rule("reports.write")
def can_write(scope: Scope) -> bool:
    return scope.has_role("city_staff", "county_staff") and not scope.read_only


@restricts(BriefDelivery)
def restrict_deliveries(qs, scope, action):
    """The read-receipt list: seen by whoever may write the brief (its region's producers) and
    by the leadership; a recipient sees their own row. "change" is nobody's but the recipient's
    (the 已阅 service takes the user's own row, so the read-only leadership records it too)."""
    own = Q(recipient_id=scope.user_id) if scope.user_id is not None else NOTHING
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        return qs.filter(own | Q(brief__in=Brief.objects.filter(brief_q(scope, "change"))))
    if action == "add":
        return qs.filter(brief__in=Brief.objects.filter(brief_q(scope, "change")))
    if action == "change":
        return qs.filter(own)
    return qs.none()


@rule("reports.templates")
def can_manage_templates(scope: Scope) -> bool:
    """Brief templates are the bureau's: uploaded by city staff (or an administrator)."""
    return scope.is_admin or (scope.has_role("city_staff") and not scope.read_only)


@restricts(BriefTemplate)
def restrict_templates(qs, scope, action):
    """Read by whoever opens the briefs (a county's brief uses them too); written by city staff."""
    if action in ("view", "export"):
        return (
            qs if scope.read_all or "county_staff" in scope.roles or scope.is_admin else qs.none()
        )
    return qs if can_manage_templates(scope) else qs.none()
