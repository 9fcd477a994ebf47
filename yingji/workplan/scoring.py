"""考核 score sheet of 督查督办 (issue #19): per lead unit over a period, on-time reporting,
completion, 督办单, 通报 and 约谈, weighted by ScoreWeight rows (the bureau's own points, LOW
confidence, configurable by administrators)."""

from __future__ import annotations

from django.utils import timezone

from .choices import SCORE_ITEMS
from .models import Assignment, Plan, ProgressReport, ScoreWeight

# 考核 points of a fresh installation (the bureau's choice, LOW confidence, configurable).
DEFAULT_WEIGHTS = {
    "on_time_report": 2,
    "late_report": -2,
    "done": 5,
    "notice": -3,
    "bulletin": -5,
    "interview": -10,
}


def score_weights() -> dict[str, float]:
    rows = {w.item: float(w.points) for w in ScoreWeight.objects.all()}
    if len(rows) < len(SCORE_ITEMS):
        for item, points in DEFAULT_WEIGHTS.items():
            if item not in rows:
                ScoreWeight.objects.get_or_create(item=item, defaults={"points": points})
                rows[item] = float(points)
    return rows


def _on_time(report, due) -> bool:
    first = timezone.localtime(report.created_at).date()
    return first <= due


def score_sheet(plan: Plan, start, end, today=None) -> list[dict]:
    """考核 score sheet of a plan's lead units over [start, end]: reports due in the period
    (on time = first submitted by the cycle's deadline; missing ones count as late once the
    deadline has passed), tasks done, 督办单 received and 通报/约谈 taken in the period; points
    from the ScoreWeight rows. Ranked by points, then on-time rate, then completion rate."""
    from .models import LadderAction, ReportingCycle, SupervisionNotice

    today = today or timezone.localdate()
    weights = score_weights()
    assignments = list(
        Assignment.objects.filter(task__plan=plan, task__withdrawn=False)
        .exclude(status="cancelled")
        .select_related("organisation")
    )
    units: dict[int, dict] = {}
    for a in assignments:
        row = units.setdefault(
            a.organisation_id,
            {
                "organisation": a.organisation.name,
                "code": a.organisation.code,
                "kind": a.organisation.kind,
                "assignments": 0,
                "done": 0,
                "reports_due": 0,
                "on_time_report": 0,
                "late_report": 0,
                "notice": 0,
                "bulletin": 0,
                "interview": 0,
            },
        )
        row["assignments"] += 1
        row["done"] += a.status == "done"
    by_pk = {a.pk: a for a in assignments}
    cycles = ReportingCycle.objects.filter(plan=plan, due__gte=start, due__lte=end, due__lt=today)
    for cycle in cycles:
        reports = {
            r.assignment_id: r
            for r in ProgressReport.objects.filter(cycle=cycle, assignment__in=by_pk)
        }
        for a in assignments:
            if cycle.sections_only and a.organisation.kind not in ("section", "unit"):
                continue
            row = units[a.organisation_id]
            report = reports.get(a.pk)
            row["reports_due"] += 1
            if report is not None and _on_time(report, cycle.due):
                row["on_time_report"] += 1
            else:
                row["late_report"] += 1
    for org_id in SupervisionNotice.objects.filter(
        assignment__task__plan=plan, issued_on__gte=start, issued_on__lte=end
    ).values_list("organisation_id", flat=True):
        if org_id in units:
            units[org_id]["notice"] += 1
    for org_id, rung in LadderAction.objects.filter(
        escalation__assignment__task__plan=plan,
        rung__in=("bulletin", "interview"),
        taken_on__gte=start,
        taken_on__lte=end,
    ).values_list("escalation__assignment__organisation_id", "rung"):
        if org_id in units:
            units[org_id][rung] += 1
    rows = []
    for row in units.values():
        row["on_time_rate"] = (
            round(100 * row["on_time_report"] / row["reports_due"], 1)
            if row["reports_due"]
            else None
        )
        row["completion_rate"] = round(100 * row["done"] / row["assignments"], 1)
        row["points"] = round(
            sum(weights.get(item, 0) * row[item] for item in weights if item in row), 2
        )
        rows.append(row)
    rows.sort(
        key=lambda r: (
            -r["points"],
            -(r["on_time_rate"] if r["on_time_rate"] is not None else -1),
            -r["completion_rate"],
            r["code"],
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows
