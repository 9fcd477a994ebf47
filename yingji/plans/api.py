"""预案与演练 in the API: plans (list, record, create, revise, versions, diff, review due),
filing (submit, decide), drills and their findings (add, rectify, verify)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from yingji.core.api import page
from yingji.core.permissions import get_restricted_or_404

from . import selectors, services
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

router = Router(tags=["预案与演练"])


class EmergencyPlanOut(Schema):
    id: int
    code: str
    title: str
    kind: str
    kind_label: str
    owner: str
    owner_name: str
    enterprise: bool
    region: str
    region_name: str
    parent: int | None
    event_types: list[str]
    effective_on: dt.date
    current_version: int
    review_due: dt.date
    review_status: str
    filing_state: str
    filing_number: str
    revision_needed: bool
    is_demo: bool
    version: int

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.code

    @staticmethod
    def resolve_owner_name(obj):
        return obj.owner.name

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise_id is not None

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id

    @staticmethod
    def resolve_review_status(obj):
        return obj.review_status(timezone.localdate())


class EmergencyPlanVersionOut(Schema):
    number: int
    effective_on: dt.date
    file_name: str
    text_note: str
    reason: str
    text: str


class PlanDiffLineOut(Schema):
    mark: str
    text: str


class PlanDiffOut(Schema):
    a: int
    b: int
    lines: list[PlanDiffLineOut]


class PlanFilingOut(Schema):
    id: int
    plan: int
    version_number: int
    state: str
    note: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    comment: str
    filing_number: str
    checklist: list[str]

    @staticmethod
    def resolve_plan(obj):
        return obj.plan_id


class FilingChecklistItemOut(Schema):
    key: str
    label: str


class FilingChecklistOut(Schema):
    filer: str
    source: str
    confidence: str
    items: list[FilingChecklistItemOut]


class PlanReviewCountOut(Schema):
    name: str
    count: int


class PlanReviewOut(Schema):
    overdue: list[EmergencyPlanOut]
    due_soon: list[EmergencyPlanOut]
    overdue_by_county: list[PlanReviewCountOut]
    overdue_by_enterprise: list[PlanReviewCountOut]
    due_soon_by_county: list[PlanReviewCountOut]
    due_soon_by_enterprise: list[PlanReviewCountOut]


class DrillFindingOut(Schema):
    id: int
    drill: int
    plan: int | None
    description: str
    owner_name: str
    due_on: dt.date
    state: str
    rectification: str
    verification: str
    version: int

    @staticmethod
    def resolve_drill(obj):
        return obj.drill_id

    @staticmethod
    def resolve_plan(obj):
        return obj.plan_id


class EmergencyDrillOut(Schema):
    id: int
    title: str
    kind: str
    held_on: dt.date
    place: str
    organiser: str
    region: str
    plans: list[int]
    participants: str
    summary: str
    score: int | None
    teams: list[int]
    is_demo: bool

    @staticmethod
    def resolve_organiser(obj):
        return obj.organiser.code

    @staticmethod
    def resolve_teams(obj):
        return list(obj.teams.values_list("pk", flat=True))

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_plans(obj):
        return list(obj.plans.values_list("pk", flat=True))


def _plan(request, plan_id: int, action: str = "view"):
    return get_restricted_or_404(
        selectors.visible_plans(request.user, action), request.user, action, pk=plan_id
    )


@router.get("/plans", response=list[EmergencyPlanOut], summary="应急预案")
def list_plans(
    request,
    response: HttpResponse,
    kind: str | None = None,
    filing_state: str | None = None,
    review: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    rows = selectors.visible_plans(request.user).order_by("code")
    if kind:
        rows = rows.filter(kind=kind)
    if filing_state:
        rows = rows.filter(filing_state=filing_state)
    if review in ("overdue", "due_soon"):
        rows = rows.filter(selectors.review_q(review))
    return page(rows, response, limit, offset)


@router.post(
    "/plans", response={201: EmergencyPlanOut}, summary="录入应急预案(multipart,可附 .docx/.pdf)"
)
def create_plan(request, payload: Form[EmergencyPlanIn], file: File[UploadedFile] | None = None):
    return Status(201, services.do_create_plan(actor=request.user, data=payload, upload=file))


@router.get("/plans/review-due", response=PlanReviewOut, summary="评估超期和临期的预案")
def review_due(request):
    lists = selectors.review_lists(request.user)
    out = {k: lists[k] for k in ("overdue", "due_soon")}
    for key in (
        "overdue_by_county",
        "overdue_by_enterprise",
        "due_soon_by_county",
        "due_soon_by_enterprise",
    ):
        out[key] = [{"name": n, "count": c} for n, c in lists[key]]
    return out


class UndrilledPlanOut(EmergencyPlanOut):
    last_drill: dt.date | None
    drill_due: dt.date
    interval_months: int


@router.get("/plans/undrilled", response=list[UndrilledPlanOut], summary="超过演练周期未演练的预案")
def undrilled(request):
    return selectors.undrilled_plans(request.user)["rows"]


@router.get("/plans/{plan_id}", response=EmergencyPlanOut, summary="单个应急预案")
def get_plan(request, plan_id: int):
    return _plan(request, plan_id)


@router.get(
    "/plans/{plan_id}/versions",
    response=list[EmergencyPlanVersionOut],
    summary="预案的各版本(含提取正文)",
)
def plan_versions(request, plan_id: int):
    return list(_plan(request, plan_id).versions.all())


@router.get("/plans/{plan_id}/diff", response=PlanDiffOut, summary="两个版本提取正文的差异")
def plan_diff(request, plan_id: int, a: int | None = None, b: int | None = None):
    plan = _plan(request, plan_id)
    versions = {v.number: v for v in plan.versions.all()}
    b = b if b in versions else plan.current_version
    a = a if a in versions else max(b - 1, 1)
    lines = diff_lines(versions[a].text, versions[b].text)
    return {"a": a, "b": b, "lines": [{"mark": m, "text": t} for m, t in lines]}


@router.post(
    "/plans/{plan_id}/revise", response=EmergencyPlanOut, summary="修订预案(新版本,multipart)"
)
def revise_plan(
    request, plan_id: int, payload: Form[PlanReviseIn], file: File[UploadedFile] | None = None
):
    plan = _plan(request, plan_id, "change")
    return services.do_revise_plan(actor=request.user, plan=plan, data=payload, upload=file)


@router.get("/plans/{plan_id}/filings", response=list[PlanFilingOut], summary="预案的备案记录")
def plan_filings(request, plan_id: int):
    return list(selectors.visible_filings(request.user).filter(plan=_plan(request, plan_id)))


@router.get(
    "/plans/{plan_id}/filing-checklist",
    response=FilingChecklistOut,
    summary="备案审查清单(按报备单位类别)",
)
def filing_checklist(request, plan_id: int):
    from yingji.standards.emergency_plans import FILING_CHECKLISTS

    filer = services.filer_of(_plan(request, plan_id))
    items, source, confidence = FILING_CHECKLISTS[filer]
    return {
        "filer": filer,
        "source": source,
        "confidence": confidence,
        "items": [{"key": k, "label": label} for k, label in items],
    }


@router.post("/plans/{plan_id}/filings", response={201: PlanFilingOut}, summary="报送备案")
def submit_filing(request, plan_id: int, payload: PlanFilingSubmitIn):
    plan = _plan(request, plan_id, "change")
    return Status(201, services.do_submit_filing(actor=request.user, plan=plan, data=payload))


@router.post(
    "/plans/{plan_id}/filings/decision", response=PlanFilingOut, summary="备案审查:予以备案或退回"
)
def decide_filing(request, plan_id: int, payload: PlanFilingDecisionIn):
    plan = _plan(request, plan_id, "approve")
    return services.do_decide_filing(actor=request.user, plan=plan, data=payload)


@router.get("/drills", response=list[EmergencyDrillOut], summary="应急演练")
def list_drills(
    request,
    response: HttpResponse,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    rows = selectors.visible_drills(request.user).prefetch_related("plans")
    if kind:
        rows = rows.filter(kind=kind)
    return page(rows, response, limit, offset)


@router.post("/drills", response={201: EmergencyDrillOut}, summary="登记应急演练")
def record_drill(request, payload: EmergencyDrillIn):
    return Status(201, services.do_record_drill(actor=request.user, data=payload))


def _drill(request, drill_id: int, action: str = "view"):
    return get_restricted_or_404(
        selectors.visible_drills(request.user, action), request.user, action, pk=drill_id
    )


@router.get("/drills/{drill_id}", response=EmergencyDrillOut, summary="单个应急演练")
def get_drill(request, drill_id: int):
    return _drill(request, drill_id)


@router.get("/drills/{drill_id}/findings", response=list[DrillFindingOut], summary="演练发现的问题")
def drill_findings(request, drill_id: int):
    drill = _drill(request, drill_id)
    return list(selectors.visible_findings(request.user).filter(drill=drill))


@router.post(
    "/drills/{drill_id}/findings", response={201: DrillFindingOut}, summary="登记演练发现的问题"
)
def add_finding(request, drill_id: int, payload: DrillFindingIn):
    drill = _drill(request, drill_id, "change")
    return Status(201, services.do_add_finding(actor=request.user, drill=drill, data=payload))


@router.get("/drill-findings", response=list[DrillFindingOut], summary="演练问题整改(可只看超期)")
def list_findings(
    request,
    response: HttpResponse,
    state: str | None = None,
    overdue: bool = False,
    limit: int | None = None,
    offset: int = 0,
):
    rows = (
        selectors.overdue_findings(request.user)
        if overdue
        else selectors.visible_findings(request.user)
    )
    if state:
        rows = rows.filter(state=state)
    return page(rows, response, limit, offset)


def _finding(request, finding_id: int):
    return get_restricted_or_404(
        selectors.visible_findings(request.user, "change"), request.user, "change", pk=finding_id
    )


@router.post(
    "/drill-findings/{finding_id}/rectify", response=DrillFindingOut, summary="报送整改情况"
)
def rectify(request, finding_id: int, payload: FindingRectifyIn):
    return services.do_rectify_finding(
        actor=request.user, finding=_finding(request, finding_id), data=payload
    )


@router.post(
    "/drill-findings/{finding_id}/verify",
    response=DrillFindingOut,
    summary="验证整改(通过销号或退回)",
)
def verify(request, finding_id: int, payload: FindingVerifyIn):
    return services.do_verify_finding(
        actor=request.user, finding=_finding(request, finding_id), data=payload
    )


class DrillCoverageCellOut(Schema):
    kind: str
    label: str
    done: int
    target: int
    met: bool


class DrillCoverageRowOut(Schema):
    code: str
    name: str
    cells: list[DrillCoverageCellOut]
    done: int
    target: int
    met: bool


class DrillCoverageOut(Schema):
    year: int
    rows: list[DrillCoverageRowOut]


class DrillTargetOut(Schema):
    id: int
    kind: str
    region: str | None
    per_year: int
    note: str
    version: int

    @staticmethod
    def resolve_region(obj):
        return obj.region.code if obj.region_id else None


@router.get("/drill-coverage", response=DrillCoverageOut, summary="各县区年度演练覆盖")
def drill_coverage(request, year: int | None = None):
    from yingji.core.permissions import check_rule

    check_rule(request.user, "plans.coverage")
    today = timezone.localdate()
    if year is None or not 2000 <= year <= today.year + 1:
        year = today.year
    data = selectors.drill_coverage(request.user, year)
    return {"year": data["year"], "rows": data["rows"]}


@router.get("/drill-targets", response=list[DrillTargetOut], summary="演练年度目标")
def drill_targets(request):
    return list(selectors.drill_targets_list(request.user))


@router.post("/drill-targets", response=DrillTargetOut, summary="设定演练年度目标")
def set_drill_target(request, payload: DrillTargetIn):
    return services.do_set_drill_target(actor=request.user, data=payload)


class PlanPartOut(Schema):
    id: int
    plan: int
    kind: str
    level: int | None
    name: str
    lead_unit: str
    text: str
    item_code: str
    quantity: float | None
    unit: str
    voided: bool
    void_reason: str
    version: int

    @staticmethod
    def resolve_plan(obj):
        return obj.plan_id

    @staticmethod
    def resolve_quantity(obj):
        return float(obj.quantity) if obj.quantity is not None else None


@router.get("/plans/{plan_id}/parts", response=list[PlanPartOut], summary="预案结构化要素")
def list_plan_parts(request, plan_id: int, kind: str | None = None):
    return list(selectors.plan_parts(request.user, _plan(request, plan_id), kind))


@router.post("/plans/{plan_id}/parts", response={201: PlanPartOut}, summary="增加结构化要素")
def add_plan_part(request, plan_id: int, payload: PlanPartIn):
    plan = _plan(request, plan_id, "change")
    return Status(201, services.do_add_plan_part(actor=request.user, plan=plan, data=payload))


@router.post("/plan-parts/{part_id}/void", response=PlanPartOut, summary="作废结构化要素")
def void_plan_part(request, part_id: int, payload: PlanPartVoidIn):
    part = get_restricted_or_404(
        selectors.plan_parts_for(request.user, "change"), request.user, "change", pk=part_id
    )
    return services.do_void_plan_part(actor=request.user, part=part, data=payload)


class ScheduledDrillOut(Schema):
    id: int
    year: int
    month: int
    title: str
    kind: str
    organiser: str
    region: str
    plans: list[int]
    drill: int | None
    status: str
    is_demo: bool

    @staticmethod
    def resolve_organiser(obj):
        return obj.organiser.code

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_plans(obj):
        return list(obj.plans.values_list("pk", flat=True))

    @staticmethod
    def resolve_drill(obj):
        return obj.drill_id

    @staticmethod
    def resolve_status(obj):
        return obj.status(timezone.localdate())


@router.get("/drill-schedule", response=list[ScheduledDrillOut], summary="年度演练计划")
def drill_schedule(request, year: int | None = None):
    year = year or timezone.localdate().year
    return selectors.drill_schedule(request.user, year)["rows"]


@router.post("/drill-schedule", response={201: ScheduledDrillOut}, summary="列入年度演练计划")
def schedule_drill(request, payload: ScheduledDrillIn):
    return Status(201, services.do_schedule_drill(actor=request.user, data=payload))
