"""Pages of 工作要点督办. Thin: fetch through restrict(), call one service, render."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

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

from . import scoring, selectors, services
from .choices import (
    ASSIGNMENT_STATUSES,
    CYCLE_KINDS,
    LADDER_RUNGS,
    NOTICE_STATE_COLOURS,
    NOTICE_STATES,
    OPEN_STATUSES,
    REPORT_STATE_COLOURS,
    REPORTABLE_STATUSES,
    RUNG_ORDER,
    STATUS_COLOURS,
)
from .importing import WORKPLAN_EXTENSIONS
from .models import (
    Assignment,
    Contribution,
    ImportSession,
    LadderAction,
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
    LadderSettingsIn,
    LadderStepIn,
    LedgerImportIn,
    NoticeCloseIn,
    NoticeReissueIn,
    NoticeReplyForm,
    ProgressReportForm,
    ReportingCycleForm,
    ReportReviewIn,
    SupervisionNoticeIn,
    TaskContributionIn,
    WorkplanBulletinIn,
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
            "assignment__organisation", "organisation"
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
            "is_supervisor": selectors.supervises(user, task.plan),
            "rungs": LADDER_RUNGS,
            "notice_colours": NOTICE_STATE_COLOURS,
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


# --- 督查督办 (issue #19) -------------------------------------------------------------------------

NOTICE_SPEC = ListSpec(
    columns=[
        Column("number", "督办单编号", link=True),
        Column("state", "状态"),
        Column("organisation__name", "督办对象"),
        Column("assignment__task__ref", "任务编号"),
        Column(
            "assignment__task__text",
            "工作任务",
            sortable=False,
            value=lambda n: n.assignment.task.text[:40],
        ),
        Column(
            "escalation__cycle__name",
            "涉及报告",
            sortable=False,
            value=lambda n: (
                f"{n.escalation.cycle.name}进展报告"
                if n.escalation_id and n.escalation.cycle_id
                else "完成时限"
            ),
        ),
        Column("issued_on", "签发日期"),
        Column("deadline", "反馈时限"),
        Column("replied_at", "反馈时间"),
    ],
    filters={
        "state": Filter("状态", "state", choices=NOTICE_STATES),
        "org": Filter("督办对象", "organisation__name__contains"),
        "plan": Filter("计划", "assignment__task__plan_id"),
        "overdue": Filter(
            "逾期未反馈",
            "deadline",
            choices=[("1", "已过反馈时限未反馈")],
            where=lambda v, user: (
                Q(state="issued", deadline__lt=timezone.localdate()) if v == "1" else Q()
            ),
        ),
        "answer": Filter(
            "待我反馈",
            "state",
            choices=[("1", "发给本单位待反馈")],
            where=lambda v, user: (
                Q(pk__in=selectors.notices_to_answer(user).values("pk")) if v == "1" else Q()
            ),
        ),
        "close": Filter(
            "待我办结",
            "state",
            choices=[("1", "已反馈待我办结")],
            where=lambda v, user: (
                Q(pk__in=selectors.notices_to_close(user).values("pk")) if v == "1" else Q()
            ),
        ),
    },
    search=("number", "reason", "reply", "organisation__name", "assignment__task__text"),
    default_sort="-issued_on",
)


@requires("workplan.open")
def notice_list(request):
    return render_list(
        request,
        selectors.visible_notices(request.user),
        NOTICE_SPEC,
        "workplan/assignments.html",
        "督办单",
        {
            "heading": "督办单",
            "hint": "督办单由计划的督查科室签发(默认办公室),督办对象单位反馈,督查科室办结或重新督办;"
            "逾期未反馈的督办单按督办阶梯升级为通报、约谈。",
        },
    )


def _notice_chain(notice: SupervisionNotice) -> list[SupervisionNotice]:
    """The 督办单 of the same item, the first one first (original and re-issues)."""
    if notice.escalation_id is None:
        return [notice]
    return list(
        SupervisionNotice.objects.filter(escalation_id=notice.escalation_id).order_by("serial")
    )


def _timeline(notice: SupervisionNotice, chain, actions) -> list[dict]:
    """The item's ladder steps and every 督办单's issue, reply and closing, in date order."""
    items = [
        {
            "on": a.taken_on,
            "label": a.get_rung_display(),
            "text": a.note,
            "by": a.actor,
            "auto": not a.by_hand,
            "action": a,
        }
        for a in actions
        if a.rung != "notice"
    ]
    for n in chain:
        items.append(
            {
                "on": n.issued_on,
                "label": "签发督办单" if n.previous_id is None else "重新督办",
                "text": f"{n.number}:{n.reason}(反馈时限 {n.deadline:%Y-%m-%d})",
                "by": n.issued_by,
                "auto": n.issued_by_id is None,
                "notice": n,
            }
        )
        if n.replied_at:
            items.append(
                {
                    "on": timezone.localtime(n.replied_at).date(),
                    "label": "反馈",
                    "text": f"{n.number}:{n.reply}",
                    "by": n.replied_by,
                }
            )
        if n.closed_at:
            items.append(
                {
                    "on": timezone.localtime(n.closed_at).date(),
                    "label": "办结",
                    "text": f"{n.number}" + (f":{n.close_comment}" if n.close_comment else ""),
                    "by": n.closed_by,
                }
            )
    return sorted(items, key=lambda i: i["on"])


@login_required
def notice_detail(request, pk):
    user = request.user
    notice = get_restricted_or_404(selectors.visible_notices(user), user, pk=pk)
    chain = _notice_chain(notice)
    actions = (
        list(notice.escalation.actions.select_related("actor").order_by("taken_on", "pk"))
        if notice.escalation_id
        else []
    )
    approve = can(user, notice, "approve")
    reissued = getattr(notice, "reissue", None) if notice.state == "reissued" else None
    return render(
        request,
        "workplan/notice.html",
        {
            "object": notice,
            "title": f"督办单 {notice.number}",
            "chain": chain,
            "reissued": reissued,
            "timeline": _timeline(notice, chain, actions),
            "actions": actions,
            "state_colours": NOTICE_STATE_COLOURS,
            "can_reply": notice.state == "issued" and can(user, notice, "change"),
            "can_close": notice.state == "replied" and approve,
            "today": timezone.localdate(),
            **record_extras(request, notice),
        },
    )


notice_reply = action_view(
    fetch=lambda user: SupervisionNotice.objects.all(),
    schema=NoticeReplyForm,
    call=lambda user, notice, data: services.do_reply_notice(
        actor=user,
        notice=notice,
        reply=data.reply,
        attachments=data.attachments,
        expected_version=data.version,
    ),
    success="已反馈,等待督查科室办结。",
)

notice_close = action_view(
    fetch=lambda user: SupervisionNotice.objects.all(),
    schema=NoticeCloseIn,
    call=lambda user, notice, data: services.do_close_notice(
        actor=user, notice=notice, comment=data.comment, expected_version=data.version
    ),
    success="已办结该督办单。",
)

notice_reissue = action_view(
    fetch=lambda user: SupervisionNotice.objects.all(),
    schema=NoticeReissueIn,
    call=lambda user, notice, data: services.do_reissue_notice(
        actor=user,
        notice=notice,
        reason=data.reason,
        deadline=data.deadline,
        expected_version=data.version,
    ),
    success=lambda notice, data, new: f"已重新督办:{new.number}。",
    redirect_to=lambda notice, new: new,
)


def _ladder_step(user, assignment, data):
    cycle = None
    if data.cycle_id:
        cycle = get_restricted_or_404(ReportingCycle.objects.all(), user, pk=data.cycle_id)
    return services.do_take_ladder_step(
        actor=user,
        assignment=assignment,
        rung=data.rung,
        note=data.note,
        cycle=cycle,
        deadline=data.deadline,
    )


ladder_step = action_view(
    fetch=lambda user: Assignment.objects.all(),
    schema=LadderStepIn,
    call=_ladder_step,
    success=lambda assignment, data, action: f"已{action.get_rung_display()}。",
    redirect_to=lambda assignment, action: action.notice or _task_url(assignment.task_id),
)


@login_required
def ladder_docx(request, pk):
    from .documents import build_ladder_docx, build_notice_docx

    action = get_restricted_or_404(
        LadderAction.objects.select_related(
            "escalation__assignment__task__plan", "escalation__cycle"
        ),
        request.user,
        pk=pk,
    )
    if action.notice_id:  # the 督办单 rung's document is the 督办单
        return download(build_notice_docx(action.notice), f"督办单-{action.notice.number}.docx")
    name = f"{action.get_rung_display()}-{action.escalation.assignment.task.ref}"
    return download(build_ladder_docx(action), f"{name}-{action.taken_on:%Y%m%d}.docx")


def _settings_values(steps, weights) -> dict:
    values = {s.rung: s.trigger_days for s in steps}
    values["reply_days"] = next(s.reply_days for s in steps if s.rung == "notice")
    return values


@requires("workplan.open")
def ladder_settings(request):
    from .models import LadderStep, ScoreWeight

    user = request.user
    editable = allows(user, "workplan.ladder_settings")
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        data = form_input(request, LadderSettingsIn)
        if data is not None:
            run_service(
                request,
                lambda: services.do_update_ladder_settings(
                    actor=user,
                    triggers={r: getattr(data, r) for r in RUNG_ORDER},
                    reply_days=data.reply_days,
                    weights={
                        "on_time_report": data.on_time_report,
                        "late_report": data.late_report,
                        "done": data.done,
                        "notice": data.notice_points,
                        "bulletin": data.bulletin_points,
                        "interview": data.interview_points,
                    },
                ),
                "已保存督办设置,自下一次每日检查起生效。",
            )
        return redirect("workplan:ladder_settings")
    steps = list(restrict(LadderStep.objects.order_by("position"), user))
    weights = list(restrict(ScoreWeight.objects.all(), user))
    return render(
        request,
        "workplan/ladder_settings.html",
        {
            "title": "督办阶梯设置",
            "steps": steps,
            "weights": weights,
            "editable": editable,
            "reply_days": _settings_values(steps, weights).get("reply_days", 5) if steps else 5,
            "weight_fields": WEIGHT_FIELDS,
        },
    )


# ScoreWeight.item → the settings form's field name
WEIGHT_FIELDS = {
    "on_time_report": "on_time_report",
    "late_report": "late_report",
    "done": "done",
    "notice": "notice_points",
    "bulletin": "bulletin_points",
    "interview": "interview_points",
}


def _period(request, plan: Plan):
    from yingji.core.webforms import date_or_none

    today = timezone.localdate()
    start = date_or_none(request.GET.get("start")) or date(plan.year, 1, 1)
    end = date_or_none(request.GET.get("end")) or min(today, date(plan.year, 12, 31))
    if end < start:
        messages.error(request, "统计止日期应不早于统计起日期。")
        end = start
    return start, end


def _score_export(rows, fmt: str, title: str):
    from django.http import HttpResponse

    from yingji.core.cells import csv_cell
    from yingji.core.listing import xlsx_stream

    from .documents import BULLETIN_HEADERS, bulletin_row_values

    values = [bulletin_row_values(r) for r in rows]
    if fmt == "xlsx":
        data = b"".join(xlsx_stream(title, BULLETIN_HEADERS, values))
        return download(data, f"{title}.xlsx")
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(BULLETIN_HEADERS)
    for row in values:
        writer.writerow([csv_cell(v) for v in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title)}.csv"
    return response


@requires("workplan.open")
def scores(request):
    """通报与考核: the score sheet of a plan over a period (export), its 通报 and issuing one."""
    from .models import Bulletin

    user = request.user
    plans = selectors.visible_plans(user).filter(parent__isnull=True)
    plan = plans.filter(pk=int_or_none(request.GET.get("plan")) or 0).first() or plans.first()
    if plan is None:
        return render(request, "workplan/scores.html", {"title": "通报与考核", "plan": None})
    start, end = _period(request, plan)
    rows = scoring.score_sheet(plan, start, end)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return _score_export(rows, fmt, f"考核计分-{plan.year}-{start:%m%d}-{end:%m%d}")
    return render(
        request,
        "workplan/scores.html",
        {
            "title": "通报与考核",
            "plan": plan,
            "plans": plans,
            "start": start,
            "end": end,
            "rows": rows,
            "bulletins": restrict(Bulletin.objects.filter(plan=plan), user),
            "can_issue": selectors.supervises(user, plan),
            "weights": scoring.score_weights(),
        },
    )


issue_bulletin = action_view(
    fetch=lambda user: Plan.objects.all(),
    schema=WorkplanBulletinIn,
    call=lambda user, plan, data: services.do_issue_bulletin(
        actor=user,
        plan=plan,
        period_start=data.period_start,
        period_end=data.period_end,
        remarks=data.remarks,
    ),
    success=lambda plan, data, bulletin: f"已发布通报 {bulletin.number}。",
    redirect_to=lambda plan, bulletin: bulletin,
)


@login_required
def bulletin_detail(request, pk):
    from .models import Bulletin

    bulletin = get_restricted_or_404(
        Bulletin.objects.select_related("plan", "issued_by"), request.user, pk=pk
    )
    return render(
        request,
        "workplan/bulletin.html",
        {
            "object": bulletin,
            "title": f"通报 {bulletin.number}",
            **record_extras(request, bulletin),
        },
    )


@login_required
def bulletin_docx(request, pk):
    from .documents import build_bulletin_docx
    from .models import Bulletin

    bulletin = get_restricted_or_404(Bulletin.objects.select_related("plan"), request.user, pk=pk)
    return download(build_bulletin_docx(bulletin), f"通报-{bulletin.number}.docx")
