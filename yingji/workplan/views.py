"""Pages of 工作要点督办. Thin: fetch through restrict(), call one service, render."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.errors import DomainError, ValidationFailed
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import (
    allows,
    can,
    get_restricted_or_404,
    requires,
    restrict,
    scope_of,
)
from yingji.core.schemas import form_data, summary, validate
from yingji.core.uploads import read_upload
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, download, form_input, int_or_none, run_service
from yingji.orgs.models import Organisation

from . import selectors, services
from .choices import (
    ASSIGNMENT_STATUSES,
    CYCLE_KINDS,
    OPEN_STATUSES,
    REPORT_STATE_COLOURS,
    REPORTABLE_STATUSES,
    STATUS_COLOURS,
)
from .importing import WORKPLAN_EXTENSIONS
from .models import (
    Assignment,
    Contribution,
    ImportSession,
    Plan,
    ProgressReport,
    Reminder,
    ReportingCycle,
    SupervisionNotice,
    Task,
)
from .schemas import (
    AssignmentCancelIn,
    CountyPlanIn,
    LedgerImportIn,
    ProgressReportForm,
    ReportingCycleForm,
    ReportReviewIn,
    SupervisionNoticeIn,
    TaskContributionIn,
    WorkplanImportDecisionIn,
    WorkplanImportIn,
    WorkplanMappingIn,
    WorkTaskDueIn,
)

ASSIGNMENT_SPEC = ListSpec(
    columns=[
        Column("task__plan__year", "年度"),
        Column("task__number", "序号", value=lambda a: a.task.display_number),
        Column("task__text", "工作任务", link=True, value=lambda a: a.task.text[:60]),
        Column("organisation__name", "牵头单位"),
        Column("due", "完成时限"),
        Column("status", "完成状态"),
        Column("percent", "进度(%)"),
        Column(
            "latest_progress", "最新进展", sortable=False, value=lambda a: a.latest_progress[:60]
        ),
    ],
    filters={
        "plan": Filter("计划", "task__plan_id"),
        "status": Filter("完成状态", "status", choices=ASSIGNMENT_STATUSES),
        "org": Filter("牵头单位", "organisation__name__contains"),
        "part": Filter("部分(序号)", "task__section__part__number"),
        "open": Filter(
            "是否完成",
            "status",
            choices=[("1", "未完成")],
            where=lambda v, user: Q(status__in=OPEN_STATUSES) if v == "1" else Q(),
        ),
        "overdue": Filter(
            "逾期",
            "due",
            choices=[("1", "逾期(含滞后)")],
            where=lambda v, user: selectors.overdue_q() if v == "1" else Q(),
        ),
        "noticed": Filter(
            "督办单",
            "status",
            choices=[("1", "收到督办单未办结")],
            where=lambda v, user: selectors.noticed_q() if v == "1" else Q(),
        ),
        "review": Filter(
            "进展审核",
            "status",
            choices=[("1", "有报告待我审核")],
            where=lambda v, user: selectors.awaiting_my_review_q(user) if v == "1" else Q(),
        ),
    },
    search=("task__text", "task__ref", "organisation__name", "latest_progress"),
    default_sort="task__position",
)


def _plan_filter_choices(user):
    return [(str(p.pk), p.title) for p in selectors.visible_plans(user)]


def _spec_with_plans(user) -> ListSpec:
    plan = Filter("计划", "task__plan_id", choices=_plan_filter_choices(user))
    return replace(ASSIGNMENT_SPEC, filters={**ASSIGNMENT_SPEC.filters, "plan": plan})


@requires("workplan.open")
def index(request):
    plans = selectors.visible_plans(request.user)
    if not plans.exists() and "enterprise_user" in scope_of(request.user).roles:
        raise PermissionDenied
    mine = selectors.my_assignments(request.user)
    reminders = restrict(
        Reminder.objects.filter(assignment__in=mine).select_related("assignment__task"),
        request.user,
    )[:10]
    imports = restrict(ImportSession.objects.filter(state="pending"), request.user)
    reviews = selectors.pending_reviews(request.user)
    return render(
        request,
        "workplan/index.html",
        {
            "title": "工作要点督办",
            "plans": plans,
            "mine_open": mine.filter(status__in=("not_started", "in_progress", "late")).count(),
            "mine_late": mine.filter(selectors.overdue_q()).count(),
            "reviews": reviews[:REVIEWS_SHOWN],
            "reviews_count": reviews.count(),
            "reminders": reminders,
            "imports": imports,
            "can_import": _can_import(request.user),
        },
    )


def _can_import(user) -> bool:
    return allows(user, "workplan.import")


@login_required
def plan_detail(request, pk):
    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=pk)
    tree = selectors.plan_tree(plan)
    return render(
        request,
        "workplan/plan.html",
        {
            "object": plan,
            "title": plan.title,
            "tree": tree,
            "colours": STATUS_COLOURS,
            "statuses": ASSIGNMENT_STATUSES,
            "cycles": plan.cycles.all(),
            "cycle_kinds": CYCLE_KINDS,
            "is_coordinator": selectors.is_coordinator(request.user, plan),
            "can_edit": selectors.can_edit(request.user, plan),
            "county_plans": selectors.visible_plans(request.user).filter(parent=plan),
            "county_orgs": _county_orgs_for(request.user, plan),
            **record_extras(request, plan),
        },
    )


def _county_orgs_for(user, plan):
    if plan.parent_id:
        return []
    existing = plan.county_plans.values_list("owner_id", flat=True)
    scope = scope_of(user)
    qs = Organisation.objects.filter(kind="county_bureau", is_active=True).exclude(pk__in=existing)
    if not (scope.is_admin or selectors.is_coordinator(user, plan)):
        qs = qs.filter(pk__in=scope.org_ids)
    return qs


@login_required
def task_detail(request, pk):
    task = get_restricted_or_404(
        Task.objects.select_related("plan", "section__part", "city_task"), request.user, pk=pk
    )
    user = request.user
    assignments = list(selectors.visible_assignments(user).filter(task=task))
    reports = list(selectors.reports_for_task(user, task))
    events = selectors.report_events(reports)
    files = selectors.report_attachments(reports)
    for report in reports:
        report.events = events.get(str(report.pk), [])
        report.files = files.get(str(report.pk), [])
    scope = scope_of(user)
    can_report = {a.pk for a in assignments if can(user, a, "change")}
    own = [a for a in assignments if a.organisation_id in scope.org_ids or scope.is_admin]
    cooperating = list(task.cooperating.all())
    my_coop = [o for o in cooperating if o.pk in scope.org_ids]
    contributions = restrict(
        Contribution.objects.filter(task=task).select_related("organisation", "cycle"), user
    )
    notices = restrict(
        SupervisionNotice.objects.filter(assignment__task=task).select_related(
            "assignment__organisation"
        ),
        user,
    )
    return render(
        request,
        "workplan/task.html",
        {
            "object": task,
            "title": f"任务 {task.display_number}",
            "assignments": assignments,
            "reports": reports,
            "report_colours": REPORT_STATE_COLOURS,
            "colours": STATUS_COLOURS,
            "can_report": can_report,
            "own_assignments": own,
            "reportable": [a for a in assignments if a.pk in can_report],
            "statuses": REPORTABLE_STATUSES,
            "cycles": task.plan.cycles.all(),
            "cooperating": cooperating,
            "my_coop": my_coop,
            "contributions": contributions,
            "notices": notices,
            "is_coordinator": selectors.is_coordinator(user, task.plan),
            "can_edit": selectors.can_edit(user, task.plan),
            "today": timezone.localdate(),
            "county_tasks": restrict(task.county_tasks.select_related("plan__owner"), user),
            **record_extras(request, task),
        },
    )


def _task_url(task_id, anchor: str = "") -> str:
    from django.urls import reverse

    return reverse("workplan:task", args=[task_id]) + anchor


def _form_input(request, schema, **named):
    """form_input for a form that also has inputs named by the data (one per indicator, one
    per name to map): those come in ``named``, the rest from the POST as usual."""
    parsed = validate(schema, {**form_data(schema, request.POST, request.FILES), **named})
    if not parsed.ok:
        messages.error(request, summary(parsed.errors))
        return None
    return parsed.data


def _indicator_actuals(post) -> dict[str, str]:
    """The report form's one input per quantified indicator, named indicator_<指标>."""
    return {
        key.removeprefix("indicator_"): value
        for key, value in post.items()
        if key.startswith("indicator_")
    }


@login_required
@require_POST
def submit_report(request, pk):
    assignment = get_restricted_or_404(Assignment.objects.all(), request.user, pk=pk)
    data = _form_input(
        request, ProgressReportForm, indicator_actuals=_indicator_actuals(request.POST)
    )
    if data is None:
        return redirect(assignment)
    cycle = get_restricted_or_404(ReportingCycle.objects.all(), request.user, pk=data.cycle_id)
    run_service(
        request,
        lambda: services.do_submit_report(
            actor=request.user,
            assignment=assignment,
            cycle=cycle,
            reported_status=data.reported_status,
            percent=data.percent,
            narrative=data.narrative,
            indicator_actuals=data.indicator_actuals,
            expected_version=data.version,
            attachments=data.attachments,
        ),
        "已报送进展,等待督办科室审核。",
    )
    return redirect(assignment)


review_report = action_view(
    fetch=lambda user: ProgressReport.objects.all(),
    schema=ReportReviewIn,
    call=lambda user, report, data: services.do_review_report(
        actor=user,
        report=report,
        decision=data.decision,
        comment=data.comment,
        expected_version=data.version,
    ),
    success=lambda report, data, _result: (
        "已采纳该报告。" if data.decision == "accept" else "已退回该报告。"
    ),
)


def _cooperating_unit(code: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise ValidationFailed("请选择配合单位。", details={"field": "organisation"})
    return organisation


def _contribute(user, task, data):
    return services.do_add_contribution(
        actor=user,
        task=task,
        cycle=get_restricted_or_404(ReportingCycle.objects.all(), user, pk=data.cycle_id),
        organisation=_cooperating_unit(data.organisation),
        narrative=data.narrative,
    )


add_contribution = action_view(
    fetch=lambda user: Task.objects.all(),
    schema=TaskContributionIn,
    call=_contribute,
    success="已填写配合情况。",
)

update_task = action_view(
    fetch=lambda user: Task.objects.all(),
    schema=WorkTaskDueIn,
    call=lambda user, task, data: services.do_update_task(
        actor=user,
        task=task,
        due=data.due,
        due_interpretation=data.due_interpretation,
        expected_version=data.version,
    ),
    success="已修改完成时限。",
)

cancel_assignment = action_view(
    fetch=lambda user: Assignment.objects.all(),
    schema=AssignmentCancelIn,
    call=lambda user, assignment, data: services.do_cancel_assignment(
        actor=user, assignment=assignment, reason=data.reason
    ),
    success="已取消该分工。",
)

issue_notice = action_view(
    fetch=lambda user: Assignment.objects.all(),
    schema=SupervisionNoticeIn,
    call=lambda user, assignment, data: services.do_issue_notice(
        actor=user, assignment=assignment, deadline=data.deadline, reason=data.reason
    ),
    success="已签发督办单。",
    redirect_to=lambda assignment, notice: _task_url(assignment.task_id, f"#n{notice.pk}"),
)


@login_required
def notice_docx(request, pk):
    from .documents import build_notice_docx

    notice = get_restricted_or_404(
        SupervisionNotice.objects.select_related(
            "assignment__task__plan__owner", "assignment__organisation"
        ),
        request.user,
        pk=pk,
    )
    return download(build_notice_docx(notice), f"督办单-{notice.number}.docx")


add_cycle = action_view(
    fetch=lambda user: Plan.objects.all(),
    schema=ReportingCycleForm,
    call=lambda user, plan, data: services.do_add_cycle(
        actor=user,
        plan=plan,
        name=data.name,
        kind=data.kind,
        due=data.due,
        sections_only=data.sections_only,
    ),
    success="已新增报送周期。",
)


def _county_bureaus():
    return Organisation.objects.filter(kind="county_bureau")


def _create_county_plan(user, plan, data):
    county = _county_bureaus().filter(code=data.county).first()
    if county is None:
        raise ValidationFailed("请选择县区应急管理部门。", details={"field": "county"})
    return services.do_create_county_plan(actor=user, city_plan=plan, county=county)


create_county_plan = action_view(
    fetch=lambda user: Plan.objects.all(),
    schema=CountyPlanIn,
    call=_create_county_plan,
    success=lambda plan, data, _result: (
        f"已为{_county_bureaus().filter(code=data.county).first() or data.county}对照制定计划。"
    ),
    redirect_to=lambda plan, created: created,
)


@requires("workplan.open")
def assignment_list(request):
    qs = selectors.visible_assignments(request.user)
    return render_list(
        request,
        qs,
        _spec_with_plans(request.user),
        "workplan/assignments.html",
        "任务分工检索",
        {"heading": "任务分工检索"},
    )


REVIEWS_SHOWN = 20
REVIEW_SPEC = ListSpec(
    columns=[
        Column("submitted_at", "报送时间"),
        Column(
            "assignment__task__text",
            "工作任务",
            link=True,
            value=lambda r: f"{r.assignment.task.display_number}. {r.assignment.task.text[:50]}",
        ),
        Column("assignment__organisation__name", "牵头单位"),
        Column("cycle__name", "报送周期"),
        Column("percent", "进度(%)"),
        Column("submissions", "报送次数"),
    ],
    filters={
        "org": Filter("牵头单位", "assignment__organisation__name__contains"),
        "cycle": Filter("报送周期", "cycle__name__contains"),
    },
    search=("assignment__task__text", "assignment__organisation__name", "narrative"),
    default_sort="submitted_at",
)


@requires("workplan.open")
def pending_reviews(request):
    """待我审核的报告: every one of them (the overview shows the first few and the count)."""
    return render_list(
        request,
        selectors.pending_reviews(request.user),
        REVIEW_SPEC,
        "workplan/assignments.html",
        "待我审核的报告",
        {"heading": "待我审核的报告", "hint": "已报送、等待本科室审核的进展报告;点任务进入审核。"},
    )


@requires("workplan.open")
def my_tasks(request):
    qs = selectors.my_assignments(request.user)
    return render_list(
        request,
        qs,
        _spec_with_plans(request.user),
        "workplan/assignments.html",
        "我的任务",
        {"heading": "我的任务", "hint": "本单位牵头的任务分工;点任务进入报送进展。"},
    )


@requires("workplan.open")
def overdue(request):
    qs = selectors.visible_assignments(request.user).filter(selectors.overdue_q())
    return render_list(
        request,
        qs,
        _spec_with_plans(request.user),
        "workplan/assignments.html",
        "逾期任务",
        {"heading": "逾期任务", "hint": "已超过完成时限仍未完成的任务分工(每日检查标记为“滞后”)。"},
    )


@login_required
def matrix(request, pk):
    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=pk)
    rows, statuses = selectors.status_matrix(request.user, plan)
    return render(
        request,
        "workplan/matrix.html",
        {
            "object": plan,
            "title": "单位×状态",
            "rows": rows,
            "statuses": statuses,
            "colours": STATUS_COLOURS,
        },
    )


@login_required
def counties(request, pk):
    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=pk)
    data = selectors.county_comparison(request.user, plan)
    return render(
        request,
        "workplan/counties.html",
        {
            "object": plan,
            "title": "县区对比",
            "statuses": ASSIGNMENT_STATUSES,
            "colours": STATUS_COLOURS,
            **data,
        },
    )


# --- import -----------------------------------------------------------------------------------


def _owner_choices(user):
    scope = scope_of(user)
    qs = Organisation.objects.filter(kind__in=("bureau", "county_bureau"), is_active=True)
    if not scope.is_admin:  # the importer's own bureau only (services._require_owner)
        mine = [o.pk for o in qs if any(p.startswith(o.path) for p in scope.org_paths)]
        qs = qs.filter(pk__in=mine)
    return qs.order_by("path")


@requires("workplan.import")
def import_upload(request):
    owners = _owner_choices(request.user)
    coordinators = Organisation.objects.filter(
        kind__in=("section", "county_bureau"), is_active=True
    ).order_by("path")
    if request.method == "POST":
        session = _start_import(request, owners, coordinators)
        if session:
            return redirect(session)
    default_coordinator = coordinators.filter(code="LZYJJ-ZHXT").first()
    return render(
        request,
        "workplan/import_upload.html",
        {
            "title": "导入工作要点",
            "owners": owners,
            "coordinators": coordinators,
            "default_coordinator": default_coordinator,
            "imports": restrict(ImportSession.objects.all(), request.user)[:20],
        },
    )


def _start_import(request, owners, coordinators):
    data = form_input(request, WorkplanImportIn)
    if data is None:
        return None
    upload = request.FILES.get("file")
    owner = Organisation.objects.filter(code=data.owner).first() if data.owner else None
    coordinator = coordinators.filter(code=data.coordinator).first()
    if upload is None or coordinator is None or (data.owner and owner is None):
        messages.error(request, "请选择文件和督办科室(制定单位不选时取文件的发文单位)。")
        return None
    return run_service(
        request,
        lambda: services.do_start_import(
            actor=request.user,
            file_name=upload.name,
            data=read_upload(upload, extensions=WORKPLAN_EXTENSIONS),
            owner=owner,
            coordinator=coordinator,
        ),
        "已解析,请审核后确认。",
    )


@login_required
def import_review(request, pk):
    session = get_restricted_or_404(
        ImportSession.objects.select_related("owner", "coordinator", "plan"), request.user, pk=pk
    )
    warnings = services.all_warnings(session.parsed)
    to_map = sorted(
        {
            w["name"]
            for w in warnings
            if w["code"] in ("unknown_org", "alias_unconfirmed", "mapping_invalid")
            and w.get("name")
        }
    )
    return render(
        request,
        "workplan/import_review.html",
        {
            "object": session,
            "title": "审核导入",
            "parsed": session.parsed,
            "warnings": warnings,
            "blocking": services.blocking_warnings(session.parsed),
            "to_map": to_map,
            "orgs": Organisation.objects.exclude(kind="enterprise")
            .filter(is_active=True)
            .order_by("path"),
            "task_count": services.count_tasks(session.parsed),
            "diff": session.diff,
        },
    )


def _posted_mapping(post) -> dict[str, list[str]]:
    """The review page's one select per name, named map:<文中名称>; unchosen ones left out."""
    return {
        key.removeprefix("map:"): [value]
        for key, value in post.items()
        if key.startswith("map:") and value
    }


@login_required
@require_POST
def import_map(request, pk):
    session = get_restricted_or_404(ImportSession.objects.all(), request.user, pk=pk)
    data = _form_input(request, WorkplanMappingIn, mapping=_posted_mapping(request.POST))
    if data is None:
        return redirect(session)
    if not data.mapping:
        messages.error(request, "请至少为一个名称选择对应的机构。")
        return redirect(session)
    run_service(
        request,
        lambda: services.do_update_import_mapping(
            actor=request.user,
            session=session,
            mapping=data.mapping,
            expected_version=data.version,
        ),
        "已按对应关系重新解析。",
    )
    return redirect(session)


def _decide_import(user, session, data):
    if data.action == "discard":
        return services.do_discard_import(actor=user, session=session)
    return services.do_confirm_import(actor=user, session=session, expected_version=data.version)


import_confirm = action_view(
    fetch=lambda user: ImportSession.objects.all(),
    schema=WorkplanImportDecisionIn,
    call=_decide_import,
    success=lambda session, data, _result: (
        "已确认导入。" if data.action == "confirm" else "已放弃本次导入,未做任何修改。"
    ),
    # confirmed: the plan; discarded: back to the upload page
    redirect_to=lambda session, result: (
        result[0] if isinstance(result, tuple) else "workplan:import"
    ),
)


# --- exports / Excel round trip ----------------------------------------------------------------


@login_required
def ledger_xlsx(request, pk):

    from .documents import build_ledger_xlsx

    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=pk)
    assignments = selectors.visible_assignments(request.user, "export").filter(task__plan=plan)
    data = build_ledger_xlsx(plan, assignments.order_by("task__position", "organisation__path"))
    return download(data, f"{plan.title}-任务分解台账.xlsx")


@login_required
@require_POST
def ledger_import(request, pk):
    from .documents import do_import_ledger

    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=pk)
    data = form_input(request, LedgerImportIn)
    if data is None:
        return redirect(plan)
    cycle = get_restricted_or_404(
        ReportingCycle.objects.filter(plan=plan), request.user, pk=data.cycle_id
    )
    if data.file is None:
        messages.error(request, "请选择填好的任务分解台账(.xlsx)。")
        return redirect(plan)
    try:
        result = do_import_ledger(
            actor=request.user,
            plan=plan,
            cycle=cycle,
            data=read_upload(data.file, extensions=(".xlsx",)),
            only_valid=data.only_valid,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(plan)
    _ledger_message(request, result)
    return render(
        request,
        "workplan/ledger_result.html",
        {"object": plan, "title": "台账导入结果", "result": result, "cycle": cycle},
    )


def _ledger_message(request, result: dict) -> None:
    if result["errors"] and not result["applied"]:
        messages.error(request, f"台账有 {len(result['errors'])} 处错误,未导入任何内容。")
    else:
        messages.success(
            request, f"已按台账报送 {result['submitted']} 项进展,{result['unchanged']} 项无变化。"
        )


@login_required
def progress_docx(request, pk):
    from .documents import build_progress_docx

    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=pk)
    cycle = get_restricted_or_404(
        ReportingCycle.objects.filter(plan=plan),
        request.user,
        pk=int_or_none(request.GET.get("cycle")) or 0,
    )
    assignments = selectors.visible_assignments(request.user, "export").filter(task__plan=plan)
    data = build_progress_docx(plan, cycle, assignments, timezone.localdate())
    return download(data, f"{plan.title}{cycle.name}工作落实情况报告.docx")
