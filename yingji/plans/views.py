"""预案与演练 pages: plans (list, record, new, revise, compare versions, filing), the review list,
drills (list, record, new) and their findings. Thin: fetch through restrict(), one service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, get_restricted_or_404, requires
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, form_input, int_or_none, run_service
from yingji.standards.emergency_plans import (
    FILING_CHECKLISTS,
    REVIEW_CYCLES,
    REVIEW_STATUS_LABELS,
    filing_checklist,
)

from . import selectors, services
from .choices import DRILL_KINDS, EVENT_TYPES, FILING_STATES, FINDING_STATES, PLAN_KINDS
from .documents import diff_lines
from .schemas import (
    DrillFindingIn,
    DrillTargetIn,
    EmergencyDrillIn,
    EmergencyPlanIn,
    FindingRectifyIn,
    FindingVerifyIn,
    PlanFilingDecisionIn,
    PlanFilingSubmitIn,
    PlanPartIn,
    PlanPartVoidIn,
    PlanReviseIn,
    ScheduledDrillIn,
)

REVIEW_CHOICES = [("overdue", "评估已超期"), ("due_soon", "评估临期(90天内)")]

PLAN_SPEC = ListSpec(
    columns=[
        Column("code", "预案编号", link=True),
        Column("title", "预案名称"),
        Column("kind", "预案类型"),
        Column("owner__name", "编制单位"),
        Column("region__name", "适用区域"),
        Column("effective_on", "施行日期"),
        Column("current_version", "现行版本"),
        Column("review_due", "评估到期", sortable=False),
        Column("filing_state", "备案状态"),
        Column("filing_number", "备案编号"),
    ],
    filters={
        "kind": Filter("预案类型", "kind", choices=PLAN_KINDS),
        "filing": Filter("备案状态", "filing_state", choices=FILING_STATES),
        "review": Filter(
            "评估", "effective_on", choices=REVIEW_CHOICES, where=lambda v, u: selectors.review_q(v)
        ),
        "revision": Filter(
            "演练发现缺陷待修订",
            "revision_needed",
            choices=[("yes", "是")],
            where=lambda v, u: Q(revision_needed=True) if v == "yes" else Q(),
        ),
        "region": Filter("区域(编码)", "region__code"),
    },
    search=("code", "title", "text"),
    default_sort="code",
)

DRILL_SPEC = ListSpec(
    columns=[
        Column("title", "演练名称", link=True),
        Column("kind", "演练类型"),
        Column("held_on", "演练日期"),
        Column("organiser__name", "组织单位"),
        Column("region__name", "所在区域"),
        Column("place", "地点"),
    ],
    filters={
        "kind": Filter("演练类型", "kind", choices=DRILL_KINDS),
        "region": Filter("区域(编码)", "region__code"),
    },
    search=("title", "place", "participants"),
    default_sort="-held_on",
)


def _overdue_q(value, user):
    return Q(state="open", due_on__lt=timezone.localdate()) if value == "yes" else Q()


FINDING_SPEC = ListSpec(
    columns=[
        Column("description", "发现问题", link=True),
        Column("drill__title", "演练"),
        Column("drill__region__name", "区域"),
        Column("owner_name", "整改责任人"),
        Column("due_on", "整改期限"),
        Column("state", "状态"),
        Column("rectification", "整改情况", sortable=False),
        Column("verification", "验证意见", sortable=False),
    ],
    filters={
        "state": Filter("状态", "state", choices=FINDING_STATES),
        "overdue": Filter("超期未整改", "state", choices=[("yes", "是")], where=_overdue_q),
    },
    search=("description", "owner_name"),
    default_sort="due_on",
)


def _nav(active: str) -> dict:
    return {"plans_tab": active}


@login_required
def plan_list(request):
    return render_list(
        request,
        selectors.visible_plans(request.user),
        PLAN_SPEC,
        "plans/plans.html",
        "应急预案",
        extra={**_nav("plans"), "can_write": allows(request.user, "plans.write")},
    )


@login_required
def plan_detail(request, pk):
    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=pk)
    today = timezone.localdate()
    status = plan.review_status(today)
    months, source, confidence = REVIEW_CYCLES[plan.kind]
    user = request.user
    return render(
        request,
        "plans/plan.html",
        {
            "title": str(plan),
            "object": plan,
            "versions": plan.versions.all(),
            "filings": _filings(user, plan),
            "drills": selectors.visible_drills(user).filter(plans=plan),
            "children": selectors.visible_plans(user).filter(parent=plan),
            "parts": _parts(user, plan),
            "gap_findings": selectors.visible_findings(user).filter(plan=plan),
            "checklist": filing_checklist(services.filer_of(plan)),
            "checklist_source": FILING_CHECKLISTS[services.filer_of(plan)][1],
            "review_status": status,
            "review_label": REVIEW_STATUS_LABELS[status],
            "review_rule": {"months": months, "source": source, "confidence": confidence},
            "can_change": selectors.visible_plans(user, "change").filter(pk=plan.pk).exists()
            and allows(user, "plans.write"),
            "can_decide": selectors.visible_plans(user, "approve").filter(pk=plan.pk).exists()
            and allows(user, "plans.decide_filings"),
            **_nav("plans"),
            **record_extras(request, plan),
        },
    )


def _filings(user, plan) -> list:
    """The plan's filings, each decided one with the checklist items it lacked (``missing``)."""
    items = filing_checklist(services.filer_of(plan))
    rows = list(selectors.visible_filings(user).filter(plan=plan))
    for f in rows:
        f.missing = [label for key, label in items if key not in f.checklist]
    return rows


def _owners(user):
    """The organisations the user may write plans and drills for."""
    from yingji.core.permissions import scope_of
    from yingji.orgs.models import Organisation

    scope = scope_of(user)
    if scope.has_role("city_staff"):
        return Organisation.objects.exclude(kind="enterprise").order_by("path")
    ids = set(scope.org_ids) | set(scope.enterprise_org_ids)
    return Organisation.objects.filter(pk__in=ids).order_by("path")


@login_required
def plan_new(request):
    if not allows(request.user, "plans.write"):
        return redirect("plans:index")
    if request.method == "POST":
        data = form_input(request, EmergencyPlanIn)
        if data is not None:
            plan = run_service(
                request,
                lambda: services.do_create_plan(
                    actor=request.user, data=data, upload=request.FILES.get("file")
                ),
                "已录入应急预案。",
            )
            if plan:
                return redirect(plan)
    return render(
        request,
        "plans/plan_form.html",
        {
            "title": "录入应急预案",
            "kinds": PLAN_KINDS,
            "event_types": EVENT_TYPES,
            "owners": _owners(request.user),
            "parents": selectors.visible_plans(request.user).order_by("code"),
            "form": request.POST,
            **_nav("plans"),
        },
    )


@login_required
def plan_diff(request, pk):
    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=pk)
    versions = {v.number: v for v in plan.versions.all()}
    new = int_or_none(request.GET.get("b")) or plan.current_version
    old = int_or_none(request.GET.get("a")) or max(new - 1, 1)
    a, b = versions.get(old), versions.get(new)
    lines = diff_lines(a.text, b.text) if a and b else []
    return render(
        request,
        "plans/diff.html",
        {
            "title": f"{plan} 版本比较",
            "object": plan,
            "a": a,
            "b": b,
            "numbers": sorted(versions),
            "lines": lines,
            **_nav("plans"),
        },
    )


@login_required
def review(request):
    lists = selectors.review_lists(request.user)
    return render(
        request,
        "plans/review.html",
        {
            "title": "预案评估到期",
            "lists": lists,
            "reminders": selectors.review_reminders(request.user),
            "remind_workdays": services.remind_workdays(),
            "cycles": [
                (label, REVIEW_CYCLES[k][0], REVIEW_CYCLES[k][1], REVIEW_CYCLES[k][2])
                for k, label in PLAN_KINDS
            ],
            **_nav("review"),
        },
    )


@login_required
@require_POST
def revise(request, pk):
    """A new version: the form's fields and its file (the same service as the API)."""
    plan = get_restricted_or_404(
        selectors.visible_plans(request.user, "change"), request.user, "change", pk=pk
    )
    data = form_input(request, PlanReviseIn)
    if data is not None:
        run_service(
            request,
            lambda: services.do_revise_plan(
                actor=request.user, plan=plan, data=data, upload=request.FILES.get("file")
            ),
            "已保存新版本。",
        )
    return redirect(plan)


submit_filing = action_view(
    fetch=lambda user: selectors.visible_plans(user, "change"),
    schema=PlanFilingSubmitIn,
    action="change",
    call=lambda user, plan, data: services.do_submit_filing(actor=user, plan=plan, data=data),
    success="已报送备案。",
)

decide_filing = action_view(
    fetch=lambda user: selectors.visible_plans(user, "approve"),
    schema=PlanFilingDecisionIn,
    action="approve",
    call=lambda user, plan, data: services.do_decide_filing(actor=user, plan=plan, data=data),
    success=lambda plan, data, _result: "已予以备案。" if data.accept else "已退回。",
)


@login_required
def drill_list(request):
    return render_list(
        request,
        selectors.visible_drills(request.user),
        DRILL_SPEC,
        "plans/drills.html",
        "应急演练",
        extra={**_nav("drills"), "can_write": allows(request.user, "plans.write")},
    )


@login_required
def drill_detail(request, pk):
    drill = get_restricted_or_404(selectors.visible_drills(request.user), request.user, pk=pk)
    user = request.user
    findings = list(selectors.visible_findings(user).filter(drill=drill))
    return render(
        request,
        "plans/drill.html",
        {
            "title": str(drill),
            "object": drill,
            "plans": selectors.visible_plans(user).filter(drills=drill),
            "findings": findings,
            "teams": selectors.drill_teams(user, drill),
            "scheduled": selectors.visible_schedule(user).filter(drill=drill),
            "fixed": sum(f.state == "verified" for f in findings),
            "today": timezone.localdate(),
            "can_change": selectors.visible_drills(user, "change").filter(pk=drill.pk).exists()
            and allows(user, "plans.write"),
            **_nav("drills"),
            **record_extras(request, drill),
        },
    )


@login_required
def drill_new(request):
    if not allows(request.user, "plans.write"):
        return redirect("plans:drills")
    if request.method == "POST":
        data = form_input(request, EmergencyDrillIn)
        if data is not None:
            drill = run_service(
                request,
                lambda: services.do_record_drill(actor=request.user, data=data),
                "已登记演练。",
            )
            if drill:
                return redirect(drill)
    return render(
        request,
        "plans/drill_form.html",
        {
            "title": "登记应急演练",
            "kinds": DRILL_KINDS,
            "owners": _owners(request.user),
            "plans": selectors.visible_plans(request.user, "change").order_by("code"),
            "teams": selectors.team_choices(request.user),
            "scheduled": selectors.visible_schedule(request.user, "change").filter(
                drill__isnull=True
            ),
            "form": request.POST,
            **_nav("drills"),
        },
    )


add_finding = action_view(
    fetch=lambda user: selectors.visible_drills(user, "change"),
    schema=DrillFindingIn,
    action="change",
    call=lambda user, drill, data: services.do_add_finding(actor=user, drill=drill, data=data),
    success="已登记发现问题。",
)

rectify = action_view(
    fetch=lambda user: selectors.visible_findings(user, "change"),
    schema=FindingRectifyIn,
    action="change",
    call=lambda user, f, data: services.do_rectify_finding(actor=user, finding=f, data=data),
    success="已报送整改情况。",
)

verify = action_view(
    fetch=lambda user: selectors.visible_findings(user, "change"),
    schema=FindingVerifyIn,
    action="change",
    call=lambda user, f, data: services.do_verify_finding(actor=user, finding=f, data=data),
    success=lambda f, data, _result: (
        "验证通过,已销号。" if data.passed else "验证未通过,已退回整改。"
    ),
)


@login_required
def finding_list(request):
    return render_list(
        request,
        selectors.visible_findings(request.user),
        FINDING_SPEC,
        "plans/findings.html",
        "演练发现问题整改",
        extra={**_nav("findings"), "counts": selectors.finding_counts(request.user)},
    )


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


@requires("plans.coverage")
def coverage(request):
    """演练覆盖: per county, the drills of each kind held this year against the target."""
    year = _year(request)
    data = selectors.drill_coverage(request.user, year)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _coverage_file(data, fmt)
    return render(
        request,
        "plans/coverage.html",
        {
            "title": "演练覆盖",
            "coverage": data,
            "undrilled": selectors.undrilled_plans(request.user),
            "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
            "can_set": allows(request.user, "plans.set_targets"),
            "targets": selectors.drill_targets_list(request.user),
            "kinds": DRILL_KINDS,
            **_nav("coverage"),
        },
    )


def _coverage_file(data: dict, fmt: str):
    import csv
    import io

    from django.http import HttpResponse, StreamingHttpResponse

    from yingji.core.cells import csv_cell
    from yingji.core.listing import xlsx_stream

    header, rows = selectors.coverage_table(data)
    name = f"演练覆盖-{data['year']}"
    if fmt == "xlsx":
        response = StreamingHttpResponse(
            xlsx_stream(name, header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.{fmt}"
    return response


@login_required
@require_POST
def set_target(request):
    data = form_input(request, DrillTargetIn)
    if data is not None:
        run_service(
            request,
            lambda: services.do_set_drill_target(actor=request.user, data=data),
            "已保存演练年度目标。",
        )
    return redirect("plans:coverage")


def _parts(user, plan) -> dict:
    from .models import PART_KINDS, RESPONSE_LEVELS

    rows = list(selectors.plan_parts(user, plan))
    return {
        "kinds": PART_KINDS,
        "levels": RESPONSE_LEVELS,
        "level": [p for p in rows if p.kind == "level"],
        "group": [p for p in rows if p.kind == "group"],
        "resource": [p for p in rows if p.kind == "resource"],
    }


@login_required
@require_POST
def add_part(request, pk):
    plan = get_restricted_or_404(
        selectors.visible_plans(request.user, "change"), request.user, "change", pk=pk
    )
    data = form_input(request, PlanPartIn)
    if data is not None:
        run_service(
            request,
            lambda: services.do_add_plan_part(actor=request.user, plan=plan, data=data),
            "已增加结构化要素。",
        )
    return redirect(plan.get_absolute_url() + "#parts")


void_part = action_view(
    fetch=lambda user: selectors.plan_parts_for(user, "change"),
    schema=PlanPartVoidIn,
    action="change",
    call=lambda user, part, data: services.do_void_plan_part(actor=user, part=part, data=data),
    success="已作废。",
)


@login_required
def schedule(request):
    """年度演练计划: the drills each organisation plans for the year and whether each was held."""
    year = _year(request)
    today = timezone.localdate()
    return render(
        request,
        "plans/schedule.html",
        {
            "title": "年度演练计划",
            "data": selectors.drill_schedule(request.user, year),
            "years": range(today.year + 1, today.year - 3, -1),
            "months": range(1, 13),
            "kinds": DRILL_KINDS,
            "can_write": allows(request.user, "plans.write"),
            "owners": _owners(request.user),
            "plans": selectors.visible_plans(request.user).order_by("code"),
            **_nav("schedule"),
        },
    )


@login_required
@require_POST
def schedule_add(request):
    data = form_input(request, ScheduledDrillIn)
    if data is not None:
        item = run_service(
            request,
            lambda: services.do_schedule_drill(actor=request.user, data=data),
            "已列入年度演练计划。",
        )
        if item:
            return redirect(item)
    return redirect("plans:schedule")
