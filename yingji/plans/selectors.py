"""Read queries shared by the pages, the API and the dashboard cards, all through restrict()."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Q
from django.utils import timezone

from yingji.core.permissions import restrict
from yingji.standards.emergency_plans import DUE_SOON_DAYS, REVIEW_CYCLES, add_months

from .models import Drill, Filing, Finding, Plan


def visible_plans(user, action: str = "view"):
    return restrict(Plan.objects.select_related("owner", "region", "parent"), user, action)


def visible_drills(user, action: str = "view"):
    return restrict(Drill.objects.select_related("organiser", "region"), user, action)


def visible_findings(user, action: str = "view"):
    return restrict(Finding.objects.select_related("drill", "drill__region"), user, action)


def visible_filings(user, action: str = "view"):
    return restrict(Filing.objects.select_related("plan"), user, action)


def review_q(status: str, today: dt.date | None = None) -> Q:
    """Plans whose review (评估) is "overdue" or "due_soon" on ``today``, per kind's cycle
    (standards.emergency_plans.REVIEW_CYCLES): the same rule as Plan.review_status."""
    today = today or timezone.localdate()
    q = Q(pk__in=[])
    for kind, (months, _source, _confidence) in REVIEW_CYCLES.items():
        overdue_before = add_months(today, -months)  # due < today
        if status == "overdue":
            q |= Q(kind=kind, effective_on__lt=overdue_before)
        elif status == "due_soon":
            soon_before = add_months(today + dt.timedelta(days=DUE_SOON_DAYS), -months)
            q |= Q(kind=kind, effective_on__gte=overdue_before, effective_on__lte=soon_before)
    return q


def review_lists(user, today: dt.date | None = None) -> dict:
    """Plans due for review (overdue and due soon), with counts by county and by enterprise."""
    today = today or timezone.localdate()
    out = {}
    for status in ("overdue", "due_soon"):
        rows = list(visible_plans(user).filter(review_q(status, today)).order_by("effective_on"))
        out[status] = rows
        out[f"{status}_by_county"] = Counter(p.region.name for p in rows).most_common()
        out[f"{status}_by_enterprise"] = Counter(
            p.owner.name for p in rows if p.enterprise_id
        ).most_common()
    return out


def overdue_findings(user, today: dt.date | None = None):
    today = today or timezone.localdate()
    return visible_findings(user).filter(state="open", due_on__lt=today)


def finding_counts(user) -> dict:
    rows = visible_findings(user).values_list("state", flat=True)
    counts = Counter(rows)
    return {
        "open": counts["open"],
        "rectified": counts["rectified"],
        "verified": counts["verified"],
    }


def pending_filings(user):
    """Plans submitted for filing that this user may decide."""
    return visible_plans(user, "approve").filter(filing_state="submitted")


def search(user, q: str, limit: int = 10):
    from yingji.core.hooks import SearchHit

    rows = visible_plans(user).filter(Q(title__icontains=q) | Q(code__icontains=q))[:limit]
    return [SearchHit(str(p), p.get_absolute_url(), p.get_kind_display()) for p in rows]
