"""Who sees and does what in 行政处罚案件.

- The 执法主体 of a case is a bureau. Staff (city_staff, county_staff) act for the bureau they
  work in: a city section or unit acts for the city bureau (市局 cases, whole city), a county
  bureau's staff for that bureau's cases only. They file, handle and read their bureau's cases.
- City leadership and other city staff read every case (read_all); the leadership never writes.
- An enterprise user reads only its own enterprise's cases once decided (决定 and after), with
  the timeline and the decision; never the evidence, the 法制审核 opinion or the 集体讨论 record.
- 法制审核 and 案卷评查 (services.may_review): staff of the organisations configured in
  YINGJI_PENALTY_LEGAL_REVIEW_ORGS (政策法规科) for the city bureau; in a county bureau any of its
  staff — and never anyone who handled a step of that case (checked by the service).
- Anonymous visitors: the published decisions only, through the public page's selector.
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import Scope, internal_fields, public, restricts, rule
from yingji.standards.penalty_procedure import DECIDED_STATES

from .models import CaseFileReview, CaseStep, DeadlineExtension, Evidence, PenaltyCase

NOTHING = Q(pk__in=[])
STAFF = ("city_staff", "county_staff")


def bureau_paths(scope: Scope) -> tuple[str, ...]:
    """Tree paths of the bureaus the user acts for (the top of each organisation they work in)."""
    if not scope.has_role(*STAFF) or scope.read_only:
        return ()
    return tuple(sorted({"/" + p.strip("/").split("/")[0] + "/" for p in scope.org_paths}))


def authority_q(scope: Scope, prefix: str = "") -> Q:
    paths = bureau_paths(scope)
    return Q(**{f"{prefix}authority__path__in": paths}) if paths else NOTHING


def case_view_q(scope: Scope, prefix: str = "") -> Q:
    if scope.read_all:
        return Q()
    q = authority_q(scope, prefix)
    if scope.enterprise_org_ids:
        q |= Q(**{f"{prefix}state__in": sorted(DECIDED_STATES)}) & Q(
            **{f"{prefix}enterprise__organisation_id__in": scope.enterprise_org_ids}
        )
    return q


def published_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}published_at__isnull": False}) & Q(
        **{f"{prefix}state__in": sorted(DECIDED_STATES)}
    )


internal_fields(
    PenaltyCase, "legal_review_opinion", "meeting_record", "major_reason", "major_asserted"
)


@restricts(PenaltyCase)
@public
def _cases(qs, scope: Scope, action):
    if action in ("view", "export"):
        if not scope.authenticated:
            return qs.filter(published_q())
        return qs.filter(case_view_q(scope))
    if action in ("add", "change", "approve"):
        return qs.filter(authority_q(scope))
    return qs.none()


@restricts(CaseStep)
def _steps(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(case_view_q(scope, "case__"))
    return qs.none()  # written by the services only


def _internal(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs if scope.read_all else qs.filter(authority_q(scope, "case__"))
    if action in ("add", "change"):
        return qs.filter(authority_q(scope, "case__"))
    return qs.none()


restricts(Evidence)(_internal)
restricts(DeadlineExtension)(_internal)
restricts(CaseFileReview)(_internal)


@rule("penalties.open")
def internal_user(scope: Scope) -> bool:
    """The case list and reviews: regulators (an enterprise opens its decided cases from the
    link it is given, or the list which shows only its own)."""
    return scope.authenticated


@rule("penalties.file")
def files_cases(scope: Scope) -> bool:
    """立案: staff acting for a bureau (the leadership only reads)."""
    return bool(bureau_paths(scope))


@rule("penalties.reviews")
def sees_reviews(scope: Scope) -> bool:
    """案卷评查 scores: regulators, not enterprises."""
    return scope.authenticated and bool(scope.roles - {"enterprise_user"})
