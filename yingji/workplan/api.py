"""工作要点督办 in the API: the same services and the same restrict() as the pages."""

from __future__ import annotations

from datetime import date

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from yingji.core.permissions import get_restricted_or_404
from yingji.orgs.models import Organisation

from . import selectors, services
from .models import ImportSession, Plan, ProgressReport, ReportingCycle, Task

router = Router(tags=["工作要点督办"])


def plan_out(p: Plan) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "year": p.year,
        "issuer": p.issuer,
        "issued_on": p.issued_on,
        "owner": p.owner.name,
        "coordinator": p.coordinator.name,
        "parent_id": p.parent_id,
        "is_demo": p.is_demo,
        "cycles": [
            {"id": c.pk, "name": c.name, "kind": c.kind, "due": c.due} for c in p.cycles.all()
        ],
        "version": p.version,
    }


def task_out(t: Task) -> dict:
    return {
        "id": t.pk,
        "ref": t.ref,
        "number": t.number,
        "part": t.section.part.number,
        "section": t.section.number,
        "text": t.text,
        "responsibility": t.responsibility,
        "shared_duty": t.shared_duty,
        "due": t.due,
        "due_start": t.due_start,
        "due_interpretation": t.due_interpretation,
        "indicators": t.indicators,
        "cooperate": [o.name for o in t.cooperating.all()],
        "status": t.status,
        "percent": t.percent,
        "withdrawn": t.withdrawn,
        "city_task_id": t.city_task_id,
        "version": t.version,
    }


def assignment_out(a) -> dict:
    return {
        "id": a.pk,
        "task_id": a.task_id,
        "task_ref": a.task.ref,
        "plan_id": a.task.plan_id,
        "organisation": a.organisation.name,
        "status": a.status,
        "status_label": a.get_status_display(),
        "percent": a.percent,
        "due": a.due,
        "latest_progress": a.latest_progress,
        "cancel_reason": a.cancel_reason,
        "version": a.version,
    }


def report_out(r: ProgressReport) -> dict:
    return {
        "id": r.pk,
        "assignment_id": r.assignment_id,
        "cycle": r.cycle.name,
        "cycle_id": r.cycle_id,
        "state": r.state,
        "state_label": r.get_state_display(),
        "reported_status": r.reported_status,
        "percent": r.percent,
        "narrative": r.narrative,
        "indicator_actuals": r.indicator_actuals,
        "submissions": r.submissions,
        "submitted_at": r.submitted_at,
        "review_comment": r.review_comment,
        "version": r.version,
    }


def import_out(s: ImportSession) -> dict:
    return {
        "id": s.pk,
        "file_name": s.file_name,
        "state": s.state,
        "plan_id": s.plan_id,
        "parsed": s.parsed,
        "mapping": s.mapping,
        "diff": s.diff,
        "blocking": services.blocking_warnings(s.parsed),
        "version": s.version,
    }


@router.get("/workplan/plans", summary="工作计划列表")
def list_plans(request):
    return [plan_out(p) for p in selectors.visible_plans(request.user).prefetch_related("cycles")]


@router.get("/workplan/plans/{plan_id}", summary="工作计划及其任务树")
def get_plan(request, plan_id: int):
    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=plan_id)
    tasks = plan.tasks.select_related("section__part").prefetch_related("cooperating")
    return {**plan_out(plan), "tasks": [task_out(t) for t in tasks.order_by("position")]}


@router.post("/workplan/imports", summary="上传工作要点文件(.txt/.docx)待审核")
def start_import(
    request,
    file: UploadedFile = File(...),  # noqa: B008
    owner: str = Form("LZYJJ", description="制定单位编码"),
    coordinator: str = Form("LZYJJ-ZHXT", description="督办科室编码"),
):
    owner_org = get_restricted_or_404(Organisation.objects.all(), request.user, code=owner)
    coord_org = get_restricted_or_404(Organisation.objects.all(), request.user, code=coordinator)
    session = services.do_start_import(
        actor=request.user,
        file_name=file.name or "upload.txt",
        data=file.read(),
        owner=owner_org,
        coordinator=coord_org,
    )
    return import_out(session)


@router.get("/workplan/imports/{import_id}", summary="导入的解析结果、提示和差异")
def get_import(request, import_id: int):
    return import_out(
        get_restricted_or_404(ImportSession.objects.all(), request.user, pk=import_id)
    )


class MappingIn(Schema):
    mapping: dict[str, list[str]]
    version: int | None = None


@router.post("/workplan/imports/{import_id}/mapping", summary="名称对应后重新解析")
def map_import(request, import_id: int, payload: MappingIn):
    session = get_restricted_or_404(ImportSession.objects.all(), request.user, pk=import_id)
    session = services.do_update_import_mapping(
        actor=request.user,
        session=session,
        mapping=payload.mapping,
        expected_version=payload.version,
    )
    return import_out(session)


class VersionIn(Schema):
    version: int | None = None


@router.post("/workplan/imports/{import_id}/confirm", summary="确认导入")
def confirm_import(request, import_id: int, payload: VersionIn):
    session = get_restricted_or_404(ImportSession.objects.all(), request.user, pk=import_id)
    plan, counts = services.do_confirm_import(
        actor=request.user, session=session, expected_version=payload.version
    )
    return {"plan_id": plan.pk, "changes": counts}


@router.get("/workplan/assignments", summary="任务分工(各单位只看到本单位的)")
def list_assignments(
    request,
    plan: int | None = None,
    status: str | None = None,
    mine: bool = False,
    overdue: bool = False,
    q: str | None = None,
):
    qs = (
        selectors.my_assignments(request.user)
        if mine
        else selectors.visible_assignments(request.user)
    )
    if plan:
        qs = qs.filter(task__plan_id=plan)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(selectors.overdue_q())
    if q:
        qs = qs.filter(task__text__contains=q)
    return [assignment_out(a) for a in qs.order_by("task__position", "organisation__path")]


class ReportIn(Schema):
    cycle_id: int
    reported_status: str
    percent: int
    narrative: str
    indicator_actuals: dict[str, str] = {}
    version: int | None = None


@router.post("/workplan/assignments/{assignment_id}/reports", summary="报送进展(或退回后重新报送)")
def submit_report(request, assignment_id: int, payload: ReportIn):
    assignment = get_restricted_or_404(
        selectors.visible_assignments(request.user), request.user, pk=assignment_id
    )
    cycle = get_restricted_or_404(ReportingCycle.objects.all(), request.user, pk=payload.cycle_id)
    report = services.do_submit_report(
        actor=request.user,
        assignment=assignment,
        cycle=cycle,
        reported_status=payload.reported_status,
        percent=payload.percent,
        narrative=payload.narrative,
        indicator_actuals=payload.indicator_actuals,
        expected_version=payload.version,
    )
    return report_out(report)


@router.get("/workplan/tasks/{task_id}/reports", summary="任务的进展报告(按权限)")
def task_reports(request, task_id: int):
    task = get_restricted_or_404(Task.objects.all(), request.user, pk=task_id)
    return [report_out(r) for r in selectors.reports_for_task(request.user, task)]


class ReviewIn(Schema):
    decision: str  # accept | return
    comment: str = ""
    version: int | None = None


@router.post(
    "/workplan/reports/{report_id}/review", summary="审核进展报告:采纳(accept)或退回(return)"
)
def review_report(request, report_id: int, payload: ReviewIn):
    report = get_restricted_or_404(ProgressReport.objects.all(), request.user, pk=report_id)
    report = services.do_review_report(
        actor=request.user,
        report=report,
        decision=payload.decision,
        comment=payload.comment,
        expected_version=payload.version,
    )
    return report_out(report)


class TaskDueIn(Schema):
    due: date
    due_interpretation: str = ""
    version: int | None = None


@router.post("/workplan/tasks/{task_id}/due", summary="修改任务完成时限")
def update_due(request, task_id: int, payload: TaskDueIn):
    task = get_restricted_or_404(Task.objects.all(), request.user, pk=task_id)
    task = services.do_update_task(
        actor=request.user,
        task=task,
        due=payload.due,
        due_interpretation=payload.due_interpretation,
        expected_version=payload.version,
    )
    return task_out(Task.objects.select_related("section__part").get(pk=task.pk))


class ContributionIn(Schema):
    cycle_id: int
    organisation: str  # code of the cooperating unit
    narrative: str


@router.post("/workplan/tasks/{task_id}/contributions", summary="配合单位填写配合情况")
def add_contribution(request, task_id: int, payload: ContributionIn):
    task = get_restricted_or_404(Task.objects.all(), request.user, pk=task_id)
    cycle = get_restricted_or_404(ReportingCycle.objects.all(), request.user, pk=payload.cycle_id)
    organisation = get_restricted_or_404(
        Organisation.objects.all(), request.user, code=payload.organisation
    )
    c = services.do_add_contribution(
        actor=request.user,
        task=task,
        cycle=cycle,
        organisation=organisation,
        narrative=payload.narrative,
    )
    return {"id": c.pk, "task_id": task.pk, "organisation": organisation.name, "cycle": cycle.name}


class CycleIn(Schema):
    name: str
    kind: str = "monthly"
    due: date
    sections_only: bool = True


@router.post("/workplan/plans/{plan_id}/cycles", summary="新增报送周期(如月度内部调度)")
def add_cycle(request, plan_id: int, payload: CycleIn):
    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=plan_id)
    cycle = services.do_add_cycle(
        actor=request.user,
        plan=plan,
        name=payload.name,
        kind=payload.kind,
        due=payload.due,
        sections_only=payload.sections_only,
    )
    return {"id": cycle.pk, "name": cycle.name, "kind": cycle.kind, "due": cycle.due}


class CountyPlanIn(Schema):
    county: str  # code of the county bureau, e.g. XGQ-YJJ


@router.post("/workplan/plans/{plan_id}/county-plans", summary="县区对照市级计划制定计划")
def create_county_plan(request, plan_id: int, payload: CountyPlanIn):
    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=plan_id)
    county = get_restricted_or_404(Organisation.objects.all(), request.user, code=payload.county)
    return plan_out(
        services.do_create_county_plan(actor=request.user, city_plan=plan, county=county)
    )


class ReasonIn(Schema):
    reason: str


@router.post("/workplan/assignments/{assignment_id}/cancel", summary="取消分工(须写明原因)")
def cancel_assignment(request, assignment_id: int, payload: ReasonIn):
    assignment = get_restricted_or_404(
        selectors.visible_assignments(request.user), request.user, pk=assignment_id
    )
    return assignment_out(
        services.do_cancel_assignment(
            actor=request.user, assignment=assignment, reason=payload.reason
        )
    )


class NoticeIn(Schema):
    deadline: date
    reason: str


@router.post("/workplan/assignments/{assignment_id}/notices", summary="签发督办单")
def issue_notice(request, assignment_id: int, payload: NoticeIn):
    assignment = get_restricted_or_404(
        selectors.visible_assignments(request.user), request.user, pk=assignment_id
    )
    notice = services.do_issue_notice(
        actor=request.user, assignment=assignment, deadline=payload.deadline, reason=payload.reason
    )
    return {
        "id": notice.pk,
        "number": notice.number,
        "issued_on": notice.issued_on,
        "deadline": notice.deadline,
        "docx": f"/workplan/notices/{notice.pk}.docx",
    }


@router.get("/workplan/plans/{plan_id}/ledger.xlsx", summary="任务分解台账(Excel,按权限)")
def ledger_file(request, plan_id: int):
    from yingji.core.webforms import download

    from .documents import build_ledger_xlsx

    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=plan_id)
    assignments = selectors.visible_assignments(request.user, "export").filter(task__plan=plan)
    data = build_ledger_xlsx(plan, assignments.order_by("task__position", "organisation__path"))
    return download(data, f"{plan.title}-任务分解台账.xlsx")


@router.get("/workplan/plans/{plan_id}/report.docx", summary="半年度/年度工作落实情况报告(Word)")
def report_file(request, plan_id: int, cycle: int):
    from django.utils import timezone

    from yingji.core.webforms import download

    from .documents import build_progress_docx

    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=plan_id)
    the_cycle = get_restricted_or_404(
        ReportingCycle.objects.filter(plan=plan), request.user, pk=cycle
    )
    assignments = selectors.visible_assignments(request.user, "export").filter(task__plan=plan)
    data = build_progress_docx(plan, the_cycle, assignments, timezone.localdate())
    return download(data, f"{plan.title}{the_cycle.name}工作落实情况报告.docx")
