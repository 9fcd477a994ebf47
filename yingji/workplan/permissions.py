"""Who sees and does what in 工作要点督办 (DESIGN §5).

- A plan and its tree (parts, sections, tasks with their overall status) are seen by every
  internal user: the city plan by all bureau, county and department staff; a county plan by
  that county and the city. Enterprise users see no plans.
- Assignments, progress reports, reminders and 督办单: a unit sees only its own (its members'
  organisations and their sub-units); the plan's coordinating section (督办科室), its owner and
  the city leadership see all of the plan.
- Changing a plan (import, editing tasks and cycles) belongs to its coordinating section, and
  for a county plan also to the county bureau; reviewing reports, cancelling assignments and
  issuing 督办单 ("approve") to the coordinating section only.
"""

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, restricts, rule

from .models import (
    Assignment,
    Contribution,
    ImportSession,
    Part,
    Plan,
    ProgressReport,
    Reminder,
    ReportingCycle,
    Section,
    SupervisionNotice,
    Task,
)


@rule("workplan.open")
def _internal(scope: Scope) -> bool:
    """工作要点督办 is the bureaus' and departments' work: enterprises have no part in it."""
    return bool(scope.roles - {"enterprise_user"})


@rule("workplan.import")
def _imports_plans(scope: Scope) -> bool:
    """导入工作要点: a city section (for the city bureau) or a county bureau (for itself)."""
    return not scope.read_only and (bool(scope.section_org_ids) or "county_staff" in scope.roles)


def plan_view_q(scope: Scope, prefix: str = "") -> Q:
    if not _internal(scope):
        return Q(pk__in=[])
    if scope.read_all:
        return Q()
    return (
        Q(**{f"{prefix}owner__kind": "bureau"})
        | jurisdiction_q(scope, f"{prefix}region__path")
        | Q(**{f"{prefix}owner_id__in": scope.org_ids})
    )


def coordinates_q(scope: Scope, prefix: str = "") -> Q:
    """The plans the user may change (import, edit tasks and cycles): those of the coordinating
    section they work in, and a county bureau's own plan."""
    return Q(**{f"{prefix}coordinator_id__in": scope.org_ids}) | Q(
        **{f"{prefix}owner_id__in": scope.org_ids, f"{prefix}owner__kind": "county_bureau"}
    )


def reviews_q(scope: Scope, prefix: str = "") -> Q:
    """The plans whose reports the user reviews and whose 督办单 they issue: the coordinating
    section only (a county's reports are reviewed by the city's coordinating section)."""
    return Q(**{f"{prefix}coordinator_id__in": scope.org_ids})


def own_unit_q(scope: Scope, org_field: str) -> Q:
    """Rows whose organisation is one of the user's organisations or below it."""
    q = Q(**{f"{org_field}_id__in": scope.org_ids})
    for path in scope.org_paths:
        q |= Q(**{f"{org_field}__path__startswith": path})
    return q


def _leader(scope: Scope) -> bool:
    return scope.has_role("city_leader")


@restricts(Plan)
def _plans(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(plan_view_q(scope))
    if action == "approve":
        return qs.filter(reviews_q(scope))
    return qs.filter(coordinates_q(scope))


@restricts(Part)
@restricts(Section)
@restricts(Task)
@restricts(ReportingCycle)
def _plan_parts(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(plan_view_q(scope, "plan__"))
    return qs.filter(coordinates_q(scope, "plan__"))


def assignment_q(scope: Scope, prefix: str = "") -> Q:
    plan = f"{prefix}task__plan__"
    if _leader(scope):
        return Q()
    return (
        reviews_q(scope, plan)
        | own_unit_q(scope, f"{prefix}organisation")
        | Q(**{f"{plan}owner_id__in": scope.org_ids, f"{plan}owner__kind": "county_bureau"})
    )


@restricts(Assignment)
def _assignments(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(assignment_q(scope))
    if action == "change":  # report on it
        return qs.filter(coordinates_q(scope, "task__plan__") | own_unit_q(scope, "organisation"))
    return qs.filter(coordinates_q(scope, "task__plan__"))


@restricts(ProgressReport)
@restricts(Reminder)
@restricts(SupervisionNotice)
def _reports(qs, scope: Scope, action):
    if action in ("view", "export"):
        return qs.filter(assignment_q(scope, "assignment__"))
    if action == "change" and qs.model is ProgressReport:
        return qs.filter(
            reviews_q(scope, "assignment__task__plan__")
            | own_unit_q(scope, "assignment__organisation")
        )
    return qs.filter(reviews_q(scope, "assignment__task__plan__"))


@restricts(Contribution)
def _contributions(qs, scope: Scope, action):
    if action in ("view", "export"):
        if _leader(scope):
            return qs
        return qs.filter(
            reviews_q(scope, "task__plan__")
            | own_unit_q(scope, "organisation")
            | Q(task__assignments__organisation_id__in=scope.org_ids)
        ).distinct()
    return qs.filter(own_unit_q(scope, "organisation") | coordinates_q(scope, "task__plan__"))


@restricts(ImportSession)
def _imports(qs, scope: Scope, action):
    return qs.filter(coordinates_q(scope))
