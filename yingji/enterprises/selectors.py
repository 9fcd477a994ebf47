"""Read queries shared by views, the API, the risk app and reports (all already restricted)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from yingji.core.permissions import restrict

from .choices import INSURANCE_REQUIRED_SECTORS
from .models import Enterprise, InsurancePolicy, Licence, SafetyQuestionnaire
from .permissions import enterprise_q

__all__ = [
    "enterprise_q",
    "enterprise_summary",
    "expiring_licences",
    "insurance_gaps",
    "tier_rule",
    "visible_enterprises",
]

EXPIRY_WINDOW_DAYS = 60


def visible_enterprises(user, action: str = "view"):
    return restrict(
        Enterprise.objects.select_related("organisation", "region", "located_region").defer(
            "region__boundary", "located_region__boundary"
        ),
        user,
        action,
    )


def current_policy_q(on: datetime.date) -> Q:
    return Q(voided_at__isnull=True, starts_on__lte=on, ends_on__gte=on)


def insurance_gaps(user, *, days: int = EXPIRY_WINDOW_DAYS, on: datetime.date | None = None):
    """安责险 (T62) for the high-risk sectors: (missing, expiring).

    missing: operating enterprises of a sector that must be insured with no current policy;
    expiring: current policies ending within `days` with no follow-on policy starting after them.
    """
    on = on or timezone.localdate()
    horizon = on + datetime.timedelta(days=days)
    required = visible_enterprises(user).filter(
        sector__in=INSURANCE_REQUIRED_SECTORS, status="operating"
    )
    current = InsurancePolicy.objects.filter(current_policy_q(on), enterprise=OuterRef("pk"))
    missing = required.annotate(has_current=Exists(current)).filter(has_current=False)
    follow_on = InsurancePolicy.objects.filter(
        enterprise=OuterRef("enterprise"), voided_at__isnull=True, starts_on__gt=OuterRef("ends_on")
    )
    expiring = (
        restrict(InsurancePolicy.objects.select_related("enterprise__organisation"), user)
        .filter(current_policy_q(on), ends_on__lte=horizon, enterprise__in=required)
        .annotate(renewed=Exists(follow_on))
        .filter(renewed=False)
        .order_by("ends_on")
    )
    return missing.order_by("region__code", "organisation__name"), expiring


def expiring_licences(user, *, days: int = EXPIRY_WINDOW_DAYS, on: datetime.date | None = None):
    on = on or timezone.localdate()
    return (
        restrict(Licence.objects.select_related("enterprise__organisation"), user)
        .filter(voided_at__isnull=True, valid_until__lte=on + datetime.timedelta(days=days))
        .order_by("valid_until")
    )


def enterprise_summary(ent: Enterprise) -> dict:
    """Plain data for cards, the API and the map (the API's EnterpriseOut)."""
    from .schemas import EnterpriseOut

    return EnterpriseOut.from_orm(ent).dict()


def tier_rule() -> dict:
    """The tier rule in force: the saved one, or the default until an administrator saves one."""
    from .models import TierRule
    from .tiering import DEFAULT_RULE

    row = TierRule.objects.order_by("pk").first()
    if row is None:
        return {**DEFAULT_RULE, "note": "", "version": None}
    return {**row.as_rule(), "note": row.note, "version": row.version}


def search(user, q: str, limit: int = 10):
    """Global search: enterprises the user may see, by name or 统一社会信用代码."""
    from yingji.core.hooks import SearchHit

    qs = (
        visible_enterprises(user).select_related("organisation", "region").defer("region__boundary")
    )
    from yingji.core.textsearch import search as text_search

    qs = text_search(qs, ("organisation__name", "uscc"), q)
    return [
        SearchHit(e.name, e.get_absolute_url(), f"{e.get_sector_display()} · {e.region.name}")
        for e in qs.order_by("organisation__name")[:limit]
    ]


def reviewable_questionnaires_q(user) -> Q:
    """The 安全三问 this user may review (the regulator of the enterprise): a subquery."""
    return Q(pk__in=restrict(SafetyQuestionnaire.objects.all(), user, "approve").values("pk"))
