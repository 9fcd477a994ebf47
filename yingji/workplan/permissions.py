"""Who sees and does what in 工作要点督办 (DESIGN §5).

- A plan and its tree (parts, sections, tasks with their overall status) are seen by every
  internal user: the city plan by all bureau, county and department staff; a county plan by
  that county and the city. Enterprise users see no plans.
- Assignments, progress reports, reminders and 督办单: a unit sees only its own (its members'
  organisations and their sub-units); the plan's coordinating section (督办科室), its owner and
  the city leadership see all of the plan.
- 督查督办 (issue #19): the plan's 督查科室 (``Plan.supervisor``, 办公室 by default) issues,
  accepts (办结) and re-issues 督办单, takes ladder steps by hand and issues 通报; only the
  target unit (its members) replies to a 督办单; the leadership reads; the ladder's triggers
  and the 考核 points are edited by administrators only.
- Changing a plan (import, editing tasks and cycles) belongs to its coordinating section, and
  for a county plan also to the county bureau; reviewing reports, cancelling assignments and
  issuing 督办单 ("approve") to the coordinating section only.
"""

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, restricts, rule

from .models import (
    Assignment,
    Bulletin,
    Contribution,
    Escalation,
    ImportSession,
    LadderAction,
    LadderStep,
    Part,
    Plan,
    ProgressReport,
    Reminder,
    ReportingCycle,
    ScoreWeight,
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


def supervises_q(scope: Scope, prefix: str = "") -> Q:
    """The plans whose 督查科室 the user works in (read-only users take no part)."""
    if scope.read_only:
        return Q(pk__in=[])
    return Q(**{f"{prefix}supervisor_id__in": scope.org_ids})


def supervises(scope: Scope, plan: Plan) -> bool:
    """督查督办 of a plan (issue and accept 督办单, take ladder steps, issue 通报): its 督查科室
    and administrators."""
    return scope.is_admin or (not scope.read_only and plan.supervisor_id in scope.org_ids)


def supervised_plans_q(scope: Scope) -> Q:
    return Q() if scope.is_admin else supervises_q(scope)


@rule("workplan.ladder_settings")
def _ladder_settings(scope: Scope) -> bool:
    """督办阶梯 triggers and 考核 points: administrators only (granted through is_admin)."""
    return False


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
        | supervises_q(scope, plan)
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


def notice_view_q(scope: Scope, prefix: str = "") -> Q:
    if not _internal(scope):
        return Q(pk__in=[])
    if _leader(scope):
        return Q()  # (an empty Q in an OR would be dropped, not mean "all")
    return (
        assignment_q(scope, f"{prefix}assignment__")
        | supervises_q(scope, f"{prefix}assignment__task__plan__")
        | own_unit_q(scope, f"{prefix}organisation")
    )


@restricts(SupervisionNotice)
def _notices(qs, scope: Scope, action):
    """督办单: seen by the target unit, the plan's 督查科室 and coordinating section, the leaders;
    answered ("change") by the target unit only; issued, accepted and re-issued ("approve") by
    the 督查科室."""
    if action in ("view", "export"):
        return qs.filter(notice_view_q(scope))
    if action == "change":
        if scope.read_only or not _internal(scope):
            return qs.none()
        return qs.filter(own_unit_q(scope, "organisation"))
    return qs.filter(supervises_q(scope, "assignment__task__plan__"))


@restricts(Escalation)
def _escalations(qs, scope: Scope, action):
    if action in ("view", "export"):
        if _leader(scope):
            return qs
        return qs.filter(
            assignment_q(scope, "assignment__") | supervises_q(scope, "assignment__task__plan__")
        )
    return qs.filter(supervises_q(scope, "assignment__task__plan__"))


@restricts(LadderAction)
def _ladder_actions(qs, scope: Scope, action):
    if action in ("view", "export"):
        if _leader(scope):
            return qs
        return qs.filter(
            assignment_q(scope, "escalation__assignment__")
            | supervises_q(scope, "escalation__assignment__task__plan__")
        )
    return qs.filter(supervises_q(scope, "escalation__assignment__task__plan__"))


@restricts(Bulletin)
def _bulletins(qs, scope: Scope, action):
    """通报 are read by every internal user who sees the plan; issued by its 督查科室."""
    if action in ("view", "export"):
        return qs.filter(plan_view_q(scope, "plan__"))
    return qs.filter(supervises_q(scope, "plan__"))


@restricts(LadderStep)
@restricts(ScoreWeight)
def _ladder_settings_rows(qs, scope: Scope, action):
    """Read by internal users (the settings page says what triggers each step); changed by
    administrators only (who pass every restriction)."""
    if action == "view" and _internal(scope):
        return qs
    return qs.none()
