"""执法检查 in the API: the same services, the same input schemas and the same restrict() as the
pages; every endpoint declares its response (yingji.inspections.schemas)."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Query, Router

from yingji.core.api import page
from yingji.core.permissions import get_restricted_or_404
from yingji.core.schemas import FeatureCollection
from yingji.enterprises.models import Enterprise
from yingji.geo.spatial import cached_layer
from yingji.orgs.models import Organisation

from . import selectors, services
from .models import CaseFile, Finding, Inspection, InspectionPlan, PlanEntry
from .schemas import (
    AdvanceIn,
    BuildIn,
    BuildOut,
    CaseIn,
    CaseOut,
    ChecklistIn,
    EntryIn,
    EntryOut,
    FindingHazardOut,
    FindingIn,
    FindingOut,
    InspectionDetailOut,
    InspectionOut,
    InspectionReasonIn,
    InspectionScheduleIn,
    InspectionVersionIn,
    OverlapOut,
    PlanDetailOut,
    PlanIn,
    PlanOut,
    ProposalOut,
    SystemIn,
)

router = Router(tags=["执法检查"])


def _plan(request, plan_id: int) -> InspectionPlan:
    return get_restricted_or_404(InspectionPlan.objects.all(), request.user, "change", pk=plan_id)


def _inspection(request, inspection_id: int) -> Inspection:
    return get_restricted_or_404(Inspection.objects.all(), request.user, "change", pk=inspection_id)


def _case(request, case_id: int) -> CaseFile:
    return get_restricted_or_404(CaseFile.objects.all(), request.user, "change", pk=case_id)


# --- plans ----------------------------------------------------------------------------------


@router.get("/inspections/plans", response=list[PlanOut], summary="年度检查计划列表")
def list_plans(request, year: int | None = None):
    qs = selectors.visible_plans(request.user)
    if year:
        qs = qs.filter(year=year)
    return qs


@router.get("/inspections/plans/{plan_id}", response=PlanDetailOut, summary="年度检查计划及其条目")
def get_plan(request, plan_id: int):
    return get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=plan_id)


@router.post("/inspections/plans", response=PlanOut, summary="新建年度检查计划")
def create_plan(request, payload: PlanIn):
    owner = get_restricted_or_404(Organisation.objects.all(), request.user, pk=payload.owner_id)
    return services.do_create_plan(
        actor=request.user, owner=owner, year=payload.year, title=payload.title, note=payload.note
    )


@router.get(
    "/inspections/plans/{plan_id}/proposals",
    response=list[ProposalOut],
    summary="计划生成器:按监管层级和风险等级建议的检查对象和月份",
)
def plan_proposals(request, plan_id: int):
    return selectors.plan_proposals(_plan(request, plan_id))


@router.post("/inspections/plans/{plan_id}/build", response=BuildOut, summary="按建议生成计划条目")
def build_plan(request, plan_id: int, payload: BuildIn):
    return services.do_build_plan(
        actor=request.user,
        plan=_plan(request, plan_id),
        enterprise_ids=payload.enterprise_ids,
        agency=selectors.organisation(payload.agency_id),
        inspectors=payload.inspectors,
    )


@router.post(
    "/inspections/plans/{plan_id}/entries",
    response=EntryOut,
    summary="添加计划检查(重复检查须填理由)",
)
def add_entry(request, plan_id: int, payload: EntryIn):
    plan = _plan(request, plan_id)
    enterprise = get_restricted_or_404(
        Enterprise.objects.all(), request.user, pk=payload.enterprise_id
    )
    return services.do_add_entry(
        actor=request.user,
        plan=plan,
        enterprise=enterprise,
        month=payload.month,
        agency=selectors.organisation(payload.agency_id),
        inspectors=payload.inspectors,
        reason=payload.reason,
    )


@router.post("/inspections/plans/{plan_id}/issue", response=PlanOut, summary="下达计划")
def issue_plan(request, plan_id: int, payload: InspectionVersionIn):
    return services.do_issue_plan(
        actor=request.user, plan=_plan(request, plan_id), expected_version=payload.version
    )


@router.post("/inspections/entries/{entry_id}/cancel", response=EntryOut, summary="取消计划检查")
def cancel_entry(request, entry_id: int, payload: InspectionReasonIn):
    entry = get_restricted_or_404(PlanEntry.objects.all(), request.user, "change", pk=entry_id)
    return services.do_cancel_entry(actor=request.user, entry=entry, reason=payload.reason)


@router.post(
    "/inspections/entries/{entry_id}/schedule",
    response=InspectionOut,
    summary="按计划条目安排检查",
)
def schedule_entry(request, entry_id: int, payload: InspectionScheduleIn):
    entry = get_restricted_or_404(PlanEntry.objects.all(), request.user, "change", pk=entry_id)
    return services.do_schedule_inspection(
        actor=request.user,
        entry=entry,
        inspected_on=payload.inspected_on,
        agency=selectors.organisation(payload.agency_id),
        participants=payload.participants,
        reason=payload.reason,
    )


# --- inspections ----------------------------------------------------------------------------


@router.get(
    "/inspections/geojson",
    response=FeatureCollection,
    summary="近期执法检查图层(GeoJSON,风险图叠加)",
)
def inspections_geojson(
    request,
    sector: str | None = None,
    tier: str | None = None,
    district: str | None = None,
    colour: str | None = None,
):
    filters = {"sector": sector, "tier": tier, "district": district, "colour": colour}
    return cached_layer(
        "inspections.recent",
        request,
        filters,
        selectors.layer_models(),
        lambda: selectors.inspection_features(request.user, filters),
    )


@router.get("/inspections/records", response=list[InspectionOut], summary="执法检查记录")
def list_inspections(
    request,
    response: HttpResponse,
    state: str | None = None,
    enterprise_id: int | None = None,
    year: int | None = Query(None, ge=1, le=9999, title="年度"),  # a date's year (a 500 before)
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_inspections(request.user)
    if state:
        qs = qs.filter(state=state)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if year:
        qs = qs.filter(inspected_on__year=year)
    return page(qs, response, limit, offset)


@router.post(
    "/inspections/records",
    response=InspectionOut,
    summary="安排检查(与其他执法主体窗口期内的检查重复时须填写理由,否则 422 duplicate_inspection)",
)
def schedule_inspection(request, payload: InspectionScheduleIn):
    enterprise = get_restricted_or_404(
        Enterprise.objects.all(), request.user, pk=payload.enterprise or 0
    )
    return services.do_schedule_inspection(
        actor=request.user,
        enterprise=enterprise,
        inspected_on=payload.inspected_on,
        agency=selectors.organisation(payload.agency_id),
        kind=payload.kind,
        participants=payload.participants,
        reason=payload.reason,
    )


@router.get(
    "/inspections/records/{inspection_id}",
    response=InspectionDetailOut,
    summary="检查记录(含检查表和发现的问题)",
)
def get_inspection(request, inspection_id: int):
    return get_restricted_or_404(
        selectors.visible_inspections(request.user), request.user, pk=inspection_id
    )


@router.post(
    "/inspections/records/{inspection_id}/checklist",
    response=InspectionDetailOut,
    summary="填写现场检查表",
)
def record_checklist(request, inspection_id: int, payload: ChecklistIn):
    return services.do_record_checklist(
        actor=request.user,
        inspection=_inspection(request, inspection_id),
        results=payload.results,
        remarks=payload.remarks,
        participants=payload.participants,
        enterprise_attendees=payload.enterprise_attendees,
        summary=payload.summary,
        expected_version=payload.version,
    )


@router.post(
    "/inspections/records/{inspection_id}/complete",
    response=InspectionDetailOut,
    summary="完成检查记录",
)
def complete_inspection(request, inspection_id: int, payload: InspectionVersionIn):
    return services.do_complete_inspection(
        actor=request.user,
        inspection=_inspection(request, inspection_id),
        expected_version=payload.version,
    )


@router.post(
    "/inspections/records/{inspection_id}/cancel", response=InspectionOut, summary="取消检查"
)
def cancel_inspection(request, inspection_id: int, payload: InspectionReasonIn):
    return services.do_cancel_inspection(
        actor=request.user, inspection=_inspection(request, inspection_id), reason=payload.reason
    )


@router.post(
    "/inspections/records/{inspection_id}/findings",
    response=FindingOut,
    summary="登记发现的问题",
)
def add_finding(request, inspection_id: int, payload: FindingIn):
    return services.do_add_finding(
        actor=request.user, inspection=_inspection(request, inspection_id), **payload.dict()
    )


@router.post(
    "/inspections/findings/{finding_id}/hazard",
    response=FindingHazardOut,
    summary="将发现的问题登记为隐患(一步)",
)
def finding_to_hazard(request, finding_id: int):
    finding = get_restricted_or_404(Finding.objects.all(), request.user, "change", pk=finding_id)
    hazard = services.do_create_hazard_from_finding(actor=request.user, finding=finding)
    return {"finding_id": finding.pk, "hazard_id": hazard.pk, "hazard_code": hazard.code}


@router.get(
    "/inspections/overlaps",
    response=list[OverlapOut],
    summary="重复检查记录(防止多头重复执法)",
)
def list_overlaps(request):
    return selectors.visible_overlaps(request.user)


# --- case files -----------------------------------------------------------------------------


@router.get("/inspections/cases", response=list[CaseOut], summary="执法案件列表")
def list_cases(
    request,
    response: HttpResponse,
    state: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_cases(request.user).select_related(
        "publicity_attachment", "recording_attachment", "legal_review_attachment"
    )
    if state:
        qs = qs.filter(state=state)
    return page(qs, response, limit, offset)


@router.get("/inspections/cases/{case_id}", response=CaseOut, summary="执法案件")
def get_case(request, case_id: int):
    return get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=case_id)


@router.post("/inspections/records/{inspection_id}/cases", response=CaseOut, summary="依据检查立案")
def open_case(request, inspection_id: int, payload: CaseIn):
    inspection = _inspection(request, inspection_id)
    return services.do_open_case(
        actor=request.user,
        enterprise=inspection.enterprise,
        agency=selectors.organisation(payload.agency_id) or inspection.agency,
        cause=payload.cause,
        filed_on=payload.filed_on,
        inspection=inspection,
        handlers=payload.handlers,
    )


@router.post(
    "/inspections/cases/{case_id}/advance", response=CaseOut, summary="案件转入下一办理阶段"
)
def advance_case(request, case_id: int, payload: AdvanceIn):
    data = payload.dict()
    version = data.pop("version")
    return services.do_advance_case(
        actor=request.user, case=_case(request, case_id), expected_version=version, **data
    )


@router.post(
    "/inspections/cases/{case_id}/system",
    response=CaseOut,
    summary="勾选行政执法三项制度(须有佐证)",
)
def set_case_system(request, case_id: int, payload: SystemIn):
    return services.do_set_case_system(
        actor=request.user,
        case=_case(request, case_id),
        system=payload.system,
        done=payload.done,
        note=payload.note,
        attachment=selectors.attachment(payload.attachment_id),
        expected_version=payload.version,
    )
