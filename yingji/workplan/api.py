"""工作要点督办 in the API: the same services, the same input schemas and the same restrict()
as the pages."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from yingji.core.api import page
from yingji.core.permissions import get_restricted_or_404
from yingji.core.schemas import file_response
from yingji.core.uploads import read_upload
from yingji.orgs.models import Organisation

from . import scoring, selectors, services
from .importing import WORKPLAN_EXTENSIONS
from .models import ImportSession, ProgressReport, ReportingCycle, Task
from .schemas import (
    AssignmentCancelIn,
    AssignmentQuery,
    CountyPlanIn,
    LadderActionOut,
    LadderSettingsIn,
    LadderSettingsOut,
    LadderStepIn,
    NoticeCloseIn,
    NoticeReissueIn,
    NoticeReplyIn,
    ProgressReportIn,
    ProgressReportOut,
    ReportingCycleIn,
    ReportingCycleOut,
    ReportReviewIn,
    SupervisionNoticeDetailOut,
    SupervisionNoticeIn,
    SupervisionNoticeOut,
    TaskAssignmentOut,
    TaskContributionIn,
    TaskContributionOut,
    WorkplanBulletinIn,
    WorkplanBulletinOut,
    WorkplanConfirmIn,
    WorkplanConfirmOut,
    WorkPlanDetailOut,
    WorkplanImportIn,
    WorkplanImportOut,
    WorkplanMappingIn,
    WorkplanNoticeQuery,
    WorkPlanOut,
    WorkplanScoreRowOut,
    WorkTaskDueIn,
    WorkTaskOut,
)

router = Router(tags=["工作要点督办"])


def _plan(request, plan_id: int):
    return get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=plan_id)


def _assignment(request, assignment_id: int):
    return get_restricted_or_404(
        selectors.visible_assignments(request.user), request.user, pk=assignment_id
    )


def _session(request, import_id: int) -> ImportSession:
    return get_restricted_or_404(ImportSession.objects.all(), request.user, pk=import_id)


def _cycle(request, cycle_id: int, **filters) -> ReportingCycle:
    return get_restricted_or_404(
        ReportingCycle.objects.filter(**filters), request.user, pk=cycle_id
    )


def _org(request, code: str) -> Organisation:
    return get_restricted_or_404(Organisation.objects.all(), request.user, code=code)


@router.get("/workplan/plans", response=list[WorkPlanOut], summary="工作计划列表")
def list_plans(request):
    return selectors.visible_plans(request.user).prefetch_related("cycles")


@router.get("/workplan/plans/{plan_id}", response=WorkPlanDetailOut, summary="工作计划及其任务树")
def get_plan(request, plan_id: int):
    return _plan(request, plan_id)


@router.post(
    "/workplan/imports", response=WorkplanImportOut, summary="上传工作要点文件(.txt/.docx)待审核"
)
def start_import(
    request,
    payload: Form[WorkplanImportIn],
    file: UploadedFile = File(...),  # noqa: B008
):
    return services.do_start_import(
        actor=request.user,
        file_name=file.name or "upload.txt",
        data=read_upload(file, extensions=WORKPLAN_EXTENSIONS),
        owner=_org(request, payload.owner) if payload.owner else None,
        coordinator=_org(request, payload.coordinator),
    )


@router.get(
    "/workplan/imports/{import_id}",
    response=WorkplanImportOut,
    summary="导入的解析结果、提示和差异",
)
def get_import(request, import_id: int):
    return _session(request, import_id)


@router.post(
    "/workplan/imports/{import_id}/mapping",
    response=WorkplanImportOut,
    summary="名称对应后重新解析",
)
def map_import(request, import_id: int, payload: WorkplanMappingIn):
    return services.do_update_import_mapping(
        actor=request.user,
        session=_session(request, import_id),
        mapping=payload.mapping,
        expected_version=payload.version,
    )


@router.post(
    "/workplan/imports/{import_id}/confirm", response=WorkplanConfirmOut, summary="确认导入"
)
def confirm_import(request, import_id: int, payload: WorkplanConfirmIn):
    plan, counts = services.do_confirm_import(
        actor=request.user, session=_session(request, import_id), expected_version=payload.version
    )
    return {"plan_id": plan.pk, "changes": counts}


@router.get(
    "/workplan/assignments",
    response=list[TaskAssignmentOut],
    summary="任务分工(各单位只看到本单位的)",
)
def list_assignments(
    request,
    filters: Query[AssignmentQuery],
    response: HttpResponse,
    limit: int | None = None,
    offset: int = 0,
):
    qs = (
        selectors.my_assignments(request.user)
        if filters.mine
        else selectors.visible_assignments(request.user)
    )
    if filters.plan:
        qs = qs.filter(task__plan_id=filters.plan)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(selectors.overdue_q())
    if filters.q:
        qs = qs.filter(task__text__contains=filters.q)
    qs = qs.select_related("task", "organisation").order_by(
        "task__position", "organisation__path", "pk"
    )
    # One plan's assignments (~100 for the city's work points) fit the default page.
    return page(qs, response, limit, offset, default=500)


@router.post(
    "/workplan/assignments/{assignment_id}/reports",
    response=ProgressReportOut,
    summary="报送进展(或退回后重新报送)",
)
def submit_report(request, assignment_id: int, payload: ProgressReportIn):
    return services.do_submit_report(
        actor=request.user,
        assignment=_assignment(request, assignment_id),
        cycle=_cycle(request, payload.cycle_id),
        reported_status=payload.reported_status,
        percent=payload.percent,
        narrative=payload.narrative,
        indicator_actuals=payload.indicator_actuals,
        expected_version=payload.version,
    )


@router.get(
    "/workplan/tasks/{task_id}/reports",
    response=list[ProgressReportOut],
    summary="任务的进展报告(按权限)",
)
def task_reports(request, task_id: int):
    task = get_restricted_or_404(Task.objects.all(), request.user, pk=task_id)
    return selectors.reports_for_task(request.user, task)


@router.post(
    "/workplan/reports/{report_id}/review",
    response=ProgressReportOut,
    summary="审核进展报告:采纳(accept)或退回(return)",
)
def review_report(request, report_id: int, payload: ReportReviewIn):
    report = get_restricted_or_404(ProgressReport.objects.all(), request.user, pk=report_id)
    return services.do_review_report(
        actor=request.user,
        report=report,
        decision=payload.decision,
        comment=payload.comment,
        expected_version=payload.version,
    )


@router.post("/workplan/tasks/{task_id}/due", response=WorkTaskOut, summary="修改任务完成时限")
def update_due(request, task_id: int, payload: WorkTaskDueIn):
    task = get_restricted_or_404(Task.objects.all(), request.user, pk=task_id)
    task = services.do_update_task(
        actor=request.user,
        task=task,
        due=payload.due,
        due_interpretation=payload.due_interpretation,
        expected_version=payload.version,
    )
    return Task.objects.select_related("section__part").get(pk=task.pk)


@router.post(
    "/workplan/tasks/{task_id}/contributions",
    response=TaskContributionOut,
    summary="配合单位填写配合情况",
)
def add_contribution(request, task_id: int, payload: TaskContributionIn):
    return services.do_add_contribution(
        actor=request.user,
        task=get_restricted_or_404(Task.objects.all(), request.user, pk=task_id),
        cycle=_cycle(request, payload.cycle_id),
        organisation=_org(request, payload.organisation),
        narrative=payload.narrative,
    )


@router.post(
    "/workplan/plans/{plan_id}/cycles",
    response=ReportingCycleOut,
    summary="新增报送周期(如月度内部调度)",
)
def add_cycle(request, plan_id: int, payload: ReportingCycleIn):
    return services.do_add_cycle(
        actor=request.user,
        plan=_plan(request, plan_id),
        name=payload.name,
        kind=payload.kind,
        due=payload.due,
        sections_only=payload.sections_only,
    )


@router.post(
    "/workplan/plans/{plan_id}/county-plans",
    response=WorkPlanOut,
    summary="县区对照市级计划制定计划",
)
def create_county_plan(request, plan_id: int, payload: CountyPlanIn):
    return services.do_create_county_plan(
        actor=request.user, city_plan=_plan(request, plan_id), county=_org(request, payload.county)
    )


@router.post(
    "/workplan/assignments/{assignment_id}/cancel",
    response=TaskAssignmentOut,
    summary="取消分工(须写明原因)",
)
def cancel_assignment(request, assignment_id: int, payload: AssignmentCancelIn):
    return services.do_cancel_assignment(
        actor=request.user, assignment=_assignment(request, assignment_id), reason=payload.reason
    )


@router.post(
    "/workplan/assignments/{assignment_id}/notices",
    response=SupervisionNoticeOut,
    summary="签发督办单",
)
def issue_notice(request, assignment_id: int, payload: SupervisionNoticeIn):
    return services.do_issue_notice(
        actor=request.user,
        assignment=_assignment(request, assignment_id),
        deadline=payload.deadline,
        reason=payload.reason,
    )


@router.get(
    "/workplan/plans/{plan_id}/ledger.xlsx",
    summary="任务分解台账(Excel,按权限)",
    openapi_extra=file_response("xlsx", "任务分解台账"),
)
def ledger_file(request, plan_id: int):
    from yingji.core.webforms import download

    from .documents import build_ledger_xlsx

    plan = _plan(request, plan_id)
    assignments = selectors.visible_assignments(request.user, "export").filter(task__plan=plan)
    data = build_ledger_xlsx(plan, assignments.order_by("task__position", "organisation__path"))
    return download(data, f"{plan.title}-任务分解台账.xlsx")


@router.get(
    "/workplan/plans/{plan_id}/report.docx",
    summary="半年度/年度工作落实情况报告(Word)",
    openapi_extra=file_response("docx", "工作落实情况报告"),
)
def report_file(request, plan_id: int, cycle: int):
    from django.utils import timezone

    from yingji.core.webforms import download

    from .documents import build_progress_docx

    plan = _plan(request, plan_id)
    the_cycle = _cycle(request, cycle, plan=plan)
    assignments = selectors.visible_assignments(request.user, "export").filter(task__plan=plan)
    data = build_progress_docx(plan, the_cycle, assignments, timezone.localdate())
    return download(data, f"{plan.title}{the_cycle.name}工作落实情况报告.docx")


# --- 督查督办 (issue #19) -------------------------------------------------------------------------


def _notice(request, notice_id: int):
    return get_restricted_or_404(
        selectors.visible_notices(request.user), request.user, pk=notice_id
    )


@router.get(
    "/workplan/notices",
    response=list[SupervisionNoticeDetailOut],
    summary="督办单(按权限;可按状态、计划筛选)",
)
def list_notices(
    request,
    response: HttpResponse,
    filters: Query[WorkplanNoticeQuery],
    limit: int | None = None,
    offset: int = 0,
):
    from yingji.core.permissions import scope_of

    from .permissions import own_unit_q

    qs = selectors.visible_notices(request.user).order_by("-serial")
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.plan:
        qs = qs.filter(assignment__task__plan_id=filters.plan)
    if filters.mine:
        qs = qs.filter(own_unit_q(scope_of(request.user), "organisation"))
    return page(qs, response, limit, offset)


@router.get(
    "/workplan/notices/{notice_id}", response=SupervisionNoticeDetailOut, summary="一份督办单"
)
def get_notice(request, notice_id: int):
    return _notice(request, notice_id)


@router.get(
    "/workplan/notices/{notice_id}/ladder",
    response=list[LadderActionOut],
    summary="督办单所属事项的督办阶梯记录",
)
def notice_ladder(request, notice_id: int):
    notice = _notice(request, notice_id)
    if notice.escalation_id is None:
        return []
    return list(notice.escalation.actions.order_by("taken_on", "pk"))


@router.post(
    "/workplan/notices/{notice_id}/reply",
    response=SupervisionNoticeDetailOut,
    summary="反馈督办单(督办对象单位)",
)
def reply_notice(request, notice_id: int, payload: NoticeReplyIn):
    return services.do_reply_notice(
        actor=request.user,
        notice=_notice(request, notice_id),
        reply=payload.reply,
        expected_version=payload.version,
    )


@router.post(
    "/workplan/notices/{notice_id}/close",
    response=SupervisionNoticeDetailOut,
    summary="办结督办单(督查科室)",
)
def close_notice(request, notice_id: int, payload: NoticeCloseIn):
    return services.do_close_notice(
        actor=request.user,
        notice=_notice(request, notice_id),
        comment=payload.comment,
        expected_version=payload.version,
    )


@router.post(
    "/workplan/notices/{notice_id}/reissue",
    response=SupervisionNoticeDetailOut,
    summary="重新督办(督查科室;返回新的督办单)",
)
def reissue_notice(request, notice_id: int, payload: NoticeReissueIn):
    return services.do_reissue_notice(
        actor=request.user,
        notice=_notice(request, notice_id),
        reason=payload.reason,
        deadline=payload.deadline,
        expected_version=payload.version,
    )


@router.post(
    "/workplan/assignments/{assignment_id}/ladder",
    response=LadderActionOut,
    summary="手动发起督办阶梯(提醒、催办、督办单、通报、约谈)",
)
def take_ladder_step(request, assignment_id: int, payload: LadderStepIn):
    cycle = None
    if payload.cycle_id:
        cycle = get_restricted_or_404(
            ReportingCycle.objects.all(), request.user, pk=payload.cycle_id
        )
    return services.do_take_ladder_step(
        actor=request.user,
        assignment=_assignment(request, assignment_id),
        rung=payload.rung,
        note=payload.note,
        cycle=cycle,
        deadline=payload.deadline,
    )


def _ladder_settings_out():
    return {"steps": services.ladder_steps(), "weights": scoring.score_weights()}


@router.get("/workplan/ladder", response=LadderSettingsOut, summary="督办阶梯的触发条件和考核分值")
def get_ladder(request):
    from yingji.core.errors import NotPermitted
    from yingji.core.permissions import allows

    if not allows(request.user, "workplan.open"):
        raise NotPermitted("企业用户不参与工作要点督办。")
    return _ladder_settings_out()


@router.put(
    "/workplan/ladder", response=LadderSettingsOut, summary="修改督办阶梯和考核分值(管理员)"
)
def put_ladder(request, payload: LadderSettingsIn):
    services.do_update_ladder_settings(
        actor=request.user,
        triggers={
            r: getattr(payload, r) for r in ("remind", "urge", "notice", "bulletin", "interview")
        },
        reply_days=payload.reply_days,
        weights={
            "on_time_report": payload.on_time_report,
            "late_report": payload.late_report,
            "done": payload.done,
            "notice": payload.notice_points,
            "bulletin": payload.bulletin_points,
            "interview": payload.interview_points,
        },
    )
    return _ladder_settings_out()


@router.get(
    "/workplan/plans/{plan_id}/scores",
    response=list[WorkplanScoreRowOut],
    summary="考核计分表(按时报送、完成、督办次数;统计期)",
)
def plan_scores(request, plan_id: int, start: date | None = None, end: date | None = None):
    from django.utils import timezone

    from yingji.core.errors import ValidationFailed

    plan = _plan(request, plan_id)
    start = start or date(plan.year, 1, 1)
    end = end or min(timezone.localdate(), date(plan.year, 12, 31))
    if end < start:
        raise ValidationFailed("统计止日期应不早于统计起日期。", details={"field": "end"})
    return scoring.score_sheet(plan, start, end)


@router.post(
    "/workplan/plans/{plan_id}/bulletins",
    response=WorkplanBulletinOut,
    summary="发布通报(督查科室)",
)
def issue_bulletin(request, plan_id: int, payload: WorkplanBulletinIn):
    return services.do_issue_bulletin(
        actor=request.user,
        plan=_plan(request, plan_id),
        period_start=payload.period_start,
        period_end=payload.period_end,
        remarks=payload.remarks,
    )
