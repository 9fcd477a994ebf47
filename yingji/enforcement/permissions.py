"""Who sees and manages the 执法人员名录库 (issue #19, T1–T2).

- City leadership, city staff and duty officers read the whole register (read_all); county
  staff read their own bureau's officers; enterprise users see nothing of it.
- Managing (add/change): the system administrator; city staff working in one of the
  enforcement sections/units (``conf.enforcement_sections``: 监察支队, 政策法规科, the 监管科室)
  manage the city bureau's officers; county staff manage their county bureau's officers.
  The city leadership only reads.
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import Scope, public, restricts, rule
from yingji.inspections.models import Inspection
from yingji.inspections.permissions import authority_q, bureau_paths, inspection_view_q
from yingji.orgs.models import Organisation

from .conf import enforcement_sections
from .models import (
    Campaign,
    DrawResult,
    InspectionOfficer,
    LawOfficer,
    OfficerConflict,
    OfficerTraining,
    RandomDraw,
    Recording,
    RectificationOrder,
    ReInspection,
)

NOTHING = Q(pk__in=[])


def _in_enforcement_section(scope: Scope) -> bool:
    if not scope.section_org_ids:
        return False
    return Organisation.objects.filter(
        pk__in=scope.section_org_ids, code__in=enforcement_sections()
    ).exists()


def managed_paths(scope: Scope) -> tuple[str, ...]:
    """The bureau paths whose officers this user manages (empty: none)."""
    if scope.read_only or not scope.authenticated:
        return ()
    if scope.has_role("county_staff") and not scope.has_role("city_staff"):
        return bureau_paths(scope)
    if scope.has_role("city_staff") and _in_enforcement_section(scope):
        return bureau_paths(scope)
    return ()


def _paths_q(paths, prefix: str) -> Q:
    q = NOTHING
    for path in paths:
        q |= Q(**{f"{prefix}organisation__path__startswith": path})
    return q


def manage_q(scope: Scope, prefix: str = "") -> Q:
    if scope.is_admin:
        return Q()
    return _paths_q(managed_paths(scope), prefix)


def officer_view_q(scope: Scope, prefix: str = "") -> Q:
    if scope.is_admin or scope.read_all:
        return Q()
    if scope.has_role("county_staff", "city_staff"):
        return _paths_q(bureau_paths(scope), prefix)
    return NOTHING


@restricts(LawOfficer)
def _officers(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(officer_view_q(scope))
    if action in ("add", "change"):
        return qs.filter(manage_q(scope))
    return qs.none()


@restricts(OfficerTraining)
@restricts(OfficerConflict)
def _officer_children(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(officer_view_q(scope, "officer__"))
    if action in ("add", "change"):
        return qs.filter(manage_q(scope, "officer__"))
    return qs.none()


@rule("enforcement.open")
def reads_register(scope: Scope) -> bool:
    """The register is the regulators': an enterprise user never opens it."""
    return bool(scope.roles - {"enterprise_user"})


@rule("enforcement.manage_officers")
def manages_officers(scope: Scope) -> bool:
    """登记/编辑执法人员: the administrator, county staff, city staff of the enforcement
    sections; never the read-only leadership."""
    return bool(managed_paths(scope))


def published_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}state": "published"})


def draw_view_q(scope: Scope, prefix: str = "") -> Q:
    """Published draws are public (双随机、一公开); the others are the drawing bureau's."""
    if scope.read_all:
        return Q()
    q = published_q(prefix)
    if scope.has_role("city_staff", "county_staff"):
        q |= authority_q(scope, f"{prefix}authority")
    return q


@restricts(RandomDraw)
@public
def _draws(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(draw_view_q(scope))
    if action in ("add", "change"):
        return qs.filter(authority_q(scope))
    return qs.none()


@restricts(DrawResult)
@public
def _draw_results(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(draw_view_q(scope, "draw__"))
    if action in ("add", "change"):
        return qs.filter(authority_q(scope, "draw__authority"))
    return qs.none()


@restricts(Campaign)
def _campaigns(qs, scope: Scope, action):
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        return qs.filter(authority_q(scope))
    if action in ("add", "change"):
        return qs.filter(authority_q(scope))
    return qs.none()


def _inspection_q(scope: Scope, action: str) -> Q:
    """Rows of an inspection the user may view (its enterprise too, once completed) or change
    (the inspecting bureau): the inspections app's own rule, applied to its table."""
    if action in ("view", "export"):
        rows = Inspection.objects.filter(inspection_view_q(scope))
    elif action in ("add", "change"):
        rows = Inspection.objects.filter(authority_q(scope))
    else:
        return NOTHING
    return Q(inspection_id__in=rows.values("pk"))


@restricts(Recording)
@restricts(InspectionOfficer)
@restricts(RectificationOrder)
def _inspection_children(qs, scope: Scope, action):
    return qs.filter(_inspection_q(scope, action))


@restricts(ReInspection)
def _reinspections(qs, scope: Scope, action):
    q = _inspection_q(scope, action)
    rows = RectificationOrder.objects.filter(q)
    return qs.filter(order_id__in=rows.values("pk"))


@rule("enforcement.draw")
def draws(scope: Scope) -> bool:
    """双随机抽取 and 专项整治: an inspector acting for a bureau (the leadership only reads)."""
    return (
        scope.has_role("city_staff", "county_staff")
        and not scope.read_only
        and bool(bureau_paths(scope))
    )
