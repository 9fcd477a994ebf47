"""Who sees and does what in 预警信息发布 (DESIGN §5).

- city leadership, city staff and the duty officer read every warning; county staff read the
  warnings of their county (by 发布区域) and the released ones affecting it; an enterprise reads
  the warnings sent to it and the released public ones; anyone, signed in or not, reads the
  released public warnings (the public feed: @public);
- drafting, editing and submitting ("add"/"change"): city staff and the duty officer anywhere,
  county staff within their county — a city-wide warning needs the city;
- approving needs the approval right (the ``warnings.approve_warning`` permission, granted by
  an administrator to a user or a group), in the same scope, and never one's own draft (the
  service refuses that);
- releasing, cancelling: the duty officer and city staff, county staff within their county;
- acknowledging: the members of the recipient organisation;
- event types are read by everyone signed in and changed by administrators only;
- people's SMS numbers (ContactPhone) are read by their owner and the city, kept by
  administrators.
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, public, restricts, rule

from .models import Acknowledgement, ContactPhone, Delivery, EventType, Warning

NOTHING = Q(pk__in=[])
PUBLISHED = ("released", "updated", "cancelled", "expired")
WRITERS = ("city_staff", "duty_officer", "county_staff")


def published_public_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}scope": "public", f"{prefix}state__in": PUBLISHED})


def warning_q(scope: Scope, action: str, prefix: str = "") -> Q:
    county = jurisdiction_q(scope, f"{prefix}jurisdiction__path")
    if action in ("view", "export"):
        if not scope.authenticated:
            return published_public_q(prefix)
        if scope.read_all:
            return Q()
        q = NOTHING
        if "county_staff" in scope.roles:
            affected = NOTHING
            for path in scope.region_paths:
                affected |= Q(**{f"{prefix}regions__path__startswith": path})
            ids = Warning.objects.filter(affected, state__in=PUBLISHED).values("pk")
            q |= county | Q(**{f"{prefix}pk__in": ids})
        if scope.enterprise_org_ids or scope.org_ids:
            sent_to = Acknowledgement.objects.filter(organisation_id__in=scope.org_ids).values(
                "warning_id"
            )
            q |= Q(**{f"{prefix}pk__in": sent_to})
        if "enterprise_user" in scope.roles:
            q |= published_public_q(prefix)
        return q
    if action in ("add", "change", "approve"):
        if scope.has_role("city_staff", "duty_officer"):
            return Q()
        return county if "county_staff" in scope.roles else NOTHING
    return NOTHING


@restricts(Warning)
@public
def restrict_warnings(qs, scope, action):
    q = warning_q(scope, action)
    if q == Q():
        return qs
    return qs.filter(q)


@restricts(Delivery)
def restrict_deliveries(qs, scope, action):
    if action not in ("view", "export"):
        return qs.none()
    if scope.read_all:
        return qs
    return qs.filter(jurisdiction_q(scope, "warning__jurisdiction__path"))


@restricts(Acknowledgement)
def restrict_acks(qs, scope, action):
    mine = Q(organisation_id__in=scope.org_ids)
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        return qs.filter(
            mine
            | jurisdiction_q(scope, "organisation__region__path")
            & jurisdiction_q(scope, "warning__jurisdiction__path")
        )
    if action == "change":
        return qs.filter(mine)
    return qs.none()


@restricts(ContactPhone)
def restrict_phones(qs, scope, action):
    """Personal data: one's own number, and the city's readers; kept by administrators (admin)."""
    if action not in ("view", "export"):
        return qs.none()
    return qs if scope.read_all else qs.filter(user_id=scope.user_id)


@restricts(EventType)
def restrict_event_types(qs, scope, action):
    return qs if action in ("view", "export") else qs.none()


def _has_approval_right(scope: Scope) -> bool:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=scope.user_id, is_active=True).first()
    return user is not None and user.has_perm("warnings.approve_warning")


@rule("warnings.draft")
def can_draft(scope: Scope) -> bool:
    return scope.has_role(*WRITERS) and not scope.read_only


@rule("warnings.approve")
def can_approve(scope: Scope) -> bool:
    return scope.has_role(*WRITERS) and not scope.read_only and _has_approval_right(scope)


@rule("warnings.release")
def can_release(scope: Scope) -> bool:
    return scope.has_role(*WRITERS) and not scope.read_only


@rule("warnings.acknowledge")
def can_acknowledge(scope: Scope) -> bool:
    return bool(scope.org_ids) and not scope.read_only


@rule("warnings.import_cap")
def can_import_cap(scope: Scope) -> bool:
    return scope.has_role("city_staff", "duty_officer") and not scope.read_only
