"""Read queries shared by the pages, the API and the documents: always through restrict()."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Q
from django.utils import timezone

from yingji.core.permissions import can, restrict

from .choices import ASSIGNMENT_STATUSES, OPEN_STATUSES
from .models import Assignment, Plan, ProgressReport, Task
from .permissions import own_unit_q


def visible_plans(user):
    return restrict(Plan.objects.select_related("owner", "coordinator", "parent"), user)


def visible_assignments(user, action: str = "view"):
    return restrict(
        Assignment.objects.select_related("task__plan", "task__section__part", "organisation"),
        user,
        action,
    )


def visible_reports(user):
    """The progress reports the user may see (for the 研判简报 of the reports app)."""
    return restrict(ProgressReport.objects.all(), user)


def my_assignments(user):
    from yingji.core.permissions import scope_of

    return visible_assignments(user).filter(own_unit_q(scope_of(user), "organisation"))


def overdue_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(status="late") | Q(status__in=OPEN_STATUSES, due__lt=today)


def plan_tree(plan: Plan) -> list[dict]:
    """Parts → sections → tasks with their overall status and progress (status colours)."""
    tasks = list(
        plan.tasks.select_related("section__part")
        .prefetch_related("assignments__organisation", "cooperating")
        .order_by("position")
    )
    parts: dict[int, dict] = {}
    for task in tasks:
        section, part = task.section, task.section.part
        p = parts.setdefault(part.pk, {"part": part, "sections": {}, "counts": Counter()})
        s = p["sections"].setdefault(section.pk, {"section": section, "tasks": []})
        s["tasks"].append(task)
        p["counts"][task.status] += 1
    result = []
    for p in parts.values():
        total = sum(p["counts"].values())
        live = total - p["counts"]["cancelled"]
        result.append(
            {
                "part": p["part"],
                "sections": list(p["sections"].values()),
                "counts": dict(p["counts"]),
                "total": total,
                "done_rate": round(100 * p["counts"]["done"] / live, 1) if live else 0,
            }
        )
    return result


def status_matrix(user, plan: Plan) -> tuple[list[dict], list[tuple[str, str]]]:
    """Units × status counts over the assignments the user may see."""
    rows: dict[int, dict] = {}
    qs = (
        visible_assignments(user)
        .filter(task__plan=plan)
        .values_list("organisation_id", "organisation__name", "status")
    )
    for org_id, name, status in qs:
        row = rows.setdefault(org_id, {"org_id": org_id, "name": name, "counts": Counter()})
        row["counts"][status] += 1
    ordered = sorted(rows.values(), key=lambda r: (-sum(r["counts"].values()), r["name"]))
    for row in ordered:
        row["cells"] = [(code, row["counts"].get(code, 0)) for code, _ in ASSIGNMENT_STATUSES]
        row["total"] = sum(n for _, n in row["cells"])
    return ordered, ASSIGNMENT_STATUSES


def county_comparison(user, city_plan: Plan) -> dict:
    """Each county plan made against the city plan: status counts, and per city task the
    status of each county's counterpart."""
    county_plans = list(
        visible_plans(user).filter(parent=city_plan).select_related("owner").order_by("owner__code")
    )
    summary = []
    by_city_task: dict[int, dict[int, Task]] = defaultdict(dict)
    for plan in county_plans:
        counts = Counter(plan.tasks.values_list("status", flat=True))
        live = sum(counts.values()) - counts["cancelled"]
        summary.append(
            {
                "plan": plan,
                "counts": [counts.get(code, 0) for code, _ in ASSIGNMENT_STATUSES],
                "done_rate": round(100 * counts["done"] / live, 1) if live else 0,
            }
        )
        for task in plan.tasks.filter(city_task__isnull=False).only(
            "city_task_id", "status", "percent", "plan_id"
        ):
            by_city_task[task.city_task_id][plan.pk] = task
    rows = []
    for city_task in city_plan.tasks.filter(withdrawn=False).order_by("position"):
        rows.append(
            {
                "task": city_task,
                "cells": [by_city_task[city_task.pk].get(p.pk) for p in county_plans],
            }
        )
    return {"plans": county_plans, "summary": summary, "rows": rows}


def reports_for_task(user, task: Task):
    return restrict(
        ProgressReport.objects.filter(assignment__task=task).select_related(
            "cycle", "assignment__organisation", "submitted_by", "reviewed_by"
        ),
        user,
    ).order_by("-submitted_at")


def pending_reviews(user):
    """Reports waiting for this user's review (coordinators)."""
    return restrict(
        ProgressReport.objects.filter(state="submitted").select_related(
            "assignment__task", "assignment__organisation", "cycle"
        ),
        user,
        "approve",
    ).order_by("submitted_at")


def is_coordinator(user, plan: Plan) -> bool:
    """Reviews the plan's reports and issues its 督办单."""
    return can(user, plan, "approve")


def can_edit(user, plan: Plan) -> bool:
    """Edits the plan's tasks and cycles."""
    return can(user, plan, "change")


def report_events(reports) -> dict[str, list]:
    """Each report's timeline (submitted, returned with comment, resubmitted, accepted) from
    the audit trail, oldest first. The reports were fetched through restrict() already."""
    from django.contrib.contenttypes.models import ContentType

    from yingji.core.models import AuditEvent

    if not reports:
        return {}
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(ProgressReport),
        object_id__in=[str(r.pk) for r in reports],
    ).order_by("time", "pk")
    grouped: dict[str, list] = defaultdict(list)
    for event in events:
        grouped[event.object_id].append(event)
    return grouped


def report_attachments(reports) -> dict[str, list]:
    """Each report's supporting files (the reports were fetched through restrict() already)."""
    from yingji.core.models import Attachment

    if not reports:
        return {}
    grouped: dict[str, list] = defaultdict(list)
    for att in Attachment.objects.for_objects(ProgressReport, [r.pk for r in reports]).order_by(
        "pk"
    ):
        grouped[att.object_id].append(att)
    return grouped


def search(user, q: str, limit: int = 10):
    """Global search: the tasks of the plans the user may see, by number (T12) or text."""
    from yingji.core.hooks import SearchHit

    tasks = restrict(Task.objects.select_related("plan"), user)
    ref = q.upper()
    if ref.startswith("T") and ref[1:].isdigit():
        tasks = tasks.filter(ref__iexact=ref)
    else:
        tasks = tasks.filter(text__contains=q)
    return [
        SearchHit(f"{t.ref} {t.text[:40]}", t.get_absolute_url(), t.plan.title)
        for t in tasks.order_by("plan_id", "position")[:limit]
    ]


def noticed_q() -> Q:
    """Open assignments that have received a 督办单 (the unit still has to answer it)."""
    from .models import SupervisionNotice

    return Q(status__in=OPEN_STATUSES, pk__in=SupervisionNotice.objects.values("assignment_id"))


def awaiting_my_review_q(user) -> Q:
    """Assignments with a progress report waiting for this user's review."""
    return Q(pk__in=pending_reviews(user).values("assignment_id"))


# --- 督查督办 (issue #19) ------------------------------------------------------------------------


def visible_notices(user, action: str = "view"):
    from .models import SupervisionNotice

    return restrict(
        SupervisionNotice.objects.select_related(
            "assignment__task__plan", "organisation", "escalation__cycle", "issued_by"
        ),
        user,
        action,
    )


def notices_to_answer(user):
    """待反馈: 督办单 addressed to one of the user's units, not yet answered."""
    from yingji.core.permissions import scope_of

    if scope_of(user).read_only:
        return visible_notices(user).none()
    return visible_notices(user, "change").filter(state="issued")


def notices_to_close(user):
    """待办结: answered 督办单 of the plans whose 督查科室 the user works in."""
    return visible_notices(user, "approve").filter(state="replied")


def supervises(user, plan: Plan) -> bool:
    from yingji.core.permissions import scope_of

    from .permissions import supervises as rule

    return rule(scope_of(user), plan)


def supervised_plans(user):
    from yingji.core.permissions import scope_of

    from .permissions import supervised_plans_q

    return visible_plans(user).filter(supervised_plans_q(scope_of(user)))
