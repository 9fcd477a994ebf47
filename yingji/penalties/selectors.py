"""Read queries of 行政处罚案件 shared by pages, API and export: all through restrict()."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, Q

from yingji.core.hooks import SearchHit
from yingji.core.permissions import restrict
from yingji.standards import penalty_procedure as pp

from .models import CaseFileReview, CaseStep, Evidence, PenaltyCase


def visible_cases(user, action: str = "view"):
    return restrict(
        PenaltyCase.objects.select_related("authority", "agency", "enterprise"), user, action
    )


def hazard_cases(user, hazard) -> list:
    """The cases opened from a hazard (立案查处), as the user may see them, for its page."""
    cases = visible_cases(user).filter(hazard_id=hazard.pk).order_by("filed_on", "pk")
    return [
        SearchHit(
            title=f"{c.number} {c.cause}",
            url=c.get_absolute_url(),
            subtitle=f"{c.filed_on:%Y-%m-%d} 立案 · {pp.STATE_LABELS[c.state]}",
        )
        for c in cases
    ]


def campaign_cases(user, campaign) -> list:
    """The cases opened from a 专项整治's inspections, as the user may see them, for its page."""
    ids = campaign.inspections.values("pk")
    cases = visible_cases(user).filter(inspection_id__in=ids).order_by("filed_on", "pk")
    return [
        SearchHit(
            title=f"{c.number} {c.cause}",
            url=c.get_absolute_url(),
            subtitle=f"{c.enterprise.name if c.enterprise_id else c.party_name} · "
            f"{c.filed_on:%Y-%m-%d} 立案 · {pp.STATE_LABELS[c.state]}",
        )
        for c in cases
    ]


def public_cases():
    """Published decisions, for anyone (restrict() with no user: published and decided)."""
    return visible_cases(AnonymousUser()).order_by("-decided_on", "-pk")


def visible_steps(user, case):
    return restrict(CaseStep.objects.filter(case=case), user).select_related("actor")


def visible_evidence(user, case):
    return restrict(Evidence.objects.filter(case=case), user).select_related("attachment")


def visible_reviews(user):
    return restrict(
        CaseFileReview.objects.select_related("case", "case__authority", "reviewer"), user
    )


def open_q() -> Q:
    return Q(state__in=sorted(pp.OPEN_BEFORE_DECISION))


def review_scores(user) -> dict:
    """案卷评查 averages per bureau and per officer (each officer named on the case)."""
    reviews = visible_reviews(user)
    bureaus = list(
        reviews.values("case__authority__name")
        .annotate(n=Count("pk"), avg=Avg("total"))
        .order_by("-avg")
    )
    per_officer: dict[str, list[int]] = {}
    for review in reviews.prefetch_related("case__officers"):
        for officer in review.case.officers.all():
            per_officer.setdefault(officer.name, []).append(review.total)
    officers = sorted(
        (
            {"name": name, "n": len(totals), "avg": sum(totals) / len(totals)}
            for name, totals in per_officer.items()
        ),
        key=lambda row: -row["avg"],
    )
    return {"bureaus": bureaus, "officers": officers}
