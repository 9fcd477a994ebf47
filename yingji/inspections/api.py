"""执法检查 in the API: the same services and the same restrict() as the pages."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from yingji.core.models import Attachment
from yingji.core.permissions import get_restricted_or_404
from yingji.enterprises.models import Enterprise
from yingji.orgs.models import Organisation

from . import selectors, services
from .models import CaseFile, Finding, Inspection, InspectionPlan, Overlap, PlanEntry

router = Router(tags=["执法检查"])


def _org(pk: int | None):
    return Organisation.objects.filter(pk=pk).first() if pk else None


def entry_out(e: PlanEntry) -> dict:
    return {
        "id": e.pk,
        "plan_id": e.plan_id,
        "enterprise_id": e.enterprise_id,
        "enterprise": e.enterprise.name,
        "month": e.month,
        "visit": e.visit,
        "agency": e.agency.name,
        "inspectors": e.inspectors,
        "basis": e.basis,
        "state": e.state,
        "state_label": e.get_state_display(),
        "cancel_reason": e.cancel_reason,
        "version": e.version,
    }


def plan_out(p: InspectionPlan) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "year": p.year,
        "owner": p.owner.name,
        "owner_id": p.owner_id,
        "state": p.state,
        "state_label": p.get_state_display(),
        "is_demo": p.is_demo,
        "version": p.version,
    }


def finding_out(f: Finding) -> dict:
    return {
        "id": f.pk,
        "number": f.number,
        "item_code": f.item_code,
        "description": f.description,
        "category": f.category,
        "level": f.level,
        "location": f.location,
        "hazard_id": f.hazard_id,
        "hazard_code": f.hazard.code if f.hazard_id else None,
    }


def inspection_out(i: Inspection, findings=None) -> dict:
    out = {
        "id": i.pk,
        "number": i.number,
        "enterprise_id": i.enterprise_id,
        "enterprise": i.enterprise.name,
        "authority": i.authority.name,
        "agency": i.agency.name,
        "entry_id": i.entry_id,
        "kind": i.kind,
        "inspected_on": i.inspected_on,
        "state": i.state,
        "state_label": i.get_state_display(),
        "participants": i.participants,
        "sector_group": i.sector_group,
        "summary": i.summary,
        "is_demo": i.is_demo,
        "version": i.version,
    }
    if findings is not None:
        out["checklist"] = i.checklist
        out["findings"] = [finding_out(f) for f in findings]
    return out


def overlap_out(o: Overlap) -> dict:
    return {
        "id": o.pk,
        "enterprise": o.enterprise.name,
        "authority": o.authority.name,
        "inspection_id": o.inspection_id,
        "entry_id": o.entry_id,
        "other_authority": o.other_authority.name,
        "other_inspection_id": o.other_inspection_id,
        "other_entry_id": o.other_entry_id,
        "other_label": o.other_label,
        "days_apart": o.days_apart,
        "window_days": o.window_days,
        "reason": o.reason,
        "created_at": o.created_at,
    }


def case_out(c: CaseFile) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "enterprise_id": c.enterprise_id,
        "enterprise": c.enterprise.name,
        "authority": c.authority.name,
        "agency": c.agency.name,
        "inspection_id": c.inspection_id,
        "cause": c.cause,
        "filed_on": c.filed_on,
        "state": c.state,
        "state_label": c.get_state_display(),
        "allowed_steps": [to for to, _label in services.allowed_case_steps(c)],
        "investigation": c.investigation,
        "decision": c.decision,
        "decision_number": c.decision_number,
        "penalty_amount": str(c.penalty_amount) if c.penalty_amount is not None else None,
        "execution": c.execution,
        "closed_on": c.closed_on,
        "systems": c.system_status(),
        "version": c.version,
    }


# --- plans ----------------------------------------------------------------------------------


@router.get("/inspections/plans", summary="年度检查计划列表")
def list_plans(request, year: int | None = None):
    qs = selectors.visible_plans(request.user)
    if year:
        qs = qs.filter(year=year)
    return [plan_out(p) for p in qs]


@router.get("/inspections/plans/{plan_id}", summary="年度检查计划及其条目")
def get_plan(request, plan_id: int):
    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=plan_id)
    entries = selectors.visible_entries(request.user).filter(plan=plan)
    return {**plan_out(plan), "entries": [entry_out(e) for e in entries]}


class PlanIn(Schema):
    owner_id: int
    year: int
    title: str = ""
    note: str = ""


@router.post("/inspections/plans", summary="新建年度检查计划")
def create_plan(request, payload: PlanIn):
    owner = get_restricted_or_404(Organisation.objects.all(), request.user, pk=payload.owner_id)
    plan = services.do_create_plan(
        actor=request.user, owner=owner, year=payload.year, title=payload.title, note=payload.note
    )
    return plan_out(plan)


@router.get(
    "/inspections/plans/{plan_id}/proposals",
    summary="计划生成器:按监管层级和风险等级建议的检查对象和月份",
)
def plan_proposals(request, plan_id: int):
    plan = get_restricted_or_404(InspectionPlan.objects.all(), request.user, "change", pk=plan_id)
    return [
        {
            "enterprise_id": p["enterprise"].pk,
            "enterprise": p["enterprise"].name,
            "region": p["enterprise"].region.name,
            "tier": p["enterprise"].tier,
            "colour": p["colour"],
            "colour_label": p["colour_label"],
            "visits": p["visits"],
            "months": p["months"],
            "basis": p["basis"],
        }
        for p in selectors.plan_proposals(plan)
    ]


class BuildIn(Schema):
    enterprise_ids: list[int] | None = None
    agency_id: int | None = None
    inspectors: str = ""


@router.post("/inspections/plans/{plan_id}/build", summary="按建议生成计划条目")
def build_plan(request, plan_id: int, payload: BuildIn):
    plan = get_restricted_or_404(InspectionPlan.objects.all(), request.user, "change", pk=plan_id)
    return services.do_build_plan(
        actor=request.user,
        plan=plan,
        enterprise_ids=payload.enterprise_ids,
        agency=_org(payload.agency_id),
        inspectors=payload.inspectors,
    )


class EntryIn(Schema):
    enterprise_id: int
    month: int
    agency_id: int | None = None
    inspectors: str = ""
    reason: str = ""


@router.post("/inspections/plans/{plan_id}/entries", summary="添加计划检查(重复检查须填理由)")
def add_entry(request, plan_id: int, payload: EntryIn):
    plan = get_restricted_or_404(InspectionPlan.objects.all(), request.user, "change", pk=plan_id)
    enterprise = get_restricted_or_404(
        Enterprise.objects.all(), request.user, pk=payload.enterprise_id
    )
    entry = services.do_add_entry(
        actor=request.user,
        plan=plan,
        enterprise=enterprise,
        month=payload.month,
        agency=_org(payload.agency_id),
        inspectors=payload.inspectors,
        reason=payload.reason,
    )
    return entry_out(entry)


class VersionIn(Schema):
    version: int | None = None


@router.post("/inspections/plans/{plan_id}/issue", summary="下达计划")
def issue_plan(request, plan_id: int, payload: VersionIn):
    plan = get_restricted_or_404(InspectionPlan.objects.all(), request.user, "change", pk=plan_id)
    return plan_out(
        services.do_issue_plan(actor=request.user, plan=plan, expected_version=payload.version)
    )


class ReasonIn(Schema):
    reason: str


@router.post("/inspections/entries/{entry_id}/cancel", summary="取消计划检查")
def cancel_entry(request, entry_id: int, payload: ReasonIn):
    entry = get_restricted_or_404(PlanEntry.objects.all(), request.user, "change", pk=entry_id)
    return entry_out(
        services.do_cancel_entry(actor=request.user, entry=entry, reason=payload.reason)
    )


class ScheduleIn(Schema):
    inspected_on: date
    enterprise_id: int | None = None
    agency_id: int | None = None
    kind: str = "special"
    participants: str = ""
    reason: str = ""


@router.post("/inspections/entries/{entry_id}/schedule", summary="按计划条目安排检查")
def schedule_entry(request, entry_id: int, payload: ScheduleIn):
    entry = get_restricted_or_404(PlanEntry.objects.all(), request.user, "change", pk=entry_id)
    inspection = services.do_schedule_inspection(
        actor=request.user,
        entry=entry,
        inspected_on=payload.inspected_on,
        agency=_org(payload.agency_id),
        participants=payload.participants,
        reason=payload.reason,
    )
    return inspection_out(inspection)


# --- inspections ----------------------------------------------------------------------------


@router.get("/inspections/geojson", summary="近期执法检查图层(GeoJSON,风险图叠加)")
def inspections_geojson(
    request,
    sector: str | None = None,
    tier: str | None = None,
    district: str | None = None,
    colour: str | None = None,
):
    return selectors.inspection_features(
        request.user, {"sector": sector, "tier": tier, "district": district, "colour": colour}
    )


@router.get("/inspections/records", summary="执法检查记录")
def list_inspections(
    request, state: str | None = None, enterprise_id: int | None = None, year: int | None = None
):
    qs = selectors.visible_inspections(request.user)
    if state:
        qs = qs.filter(state=state)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if year:
        qs = qs.filter(inspected_on__year=year)
    return [inspection_out(i) for i in qs]


@router.post(
    "/inspections/records",
    summary="安排检查(与其他执法主体窗口期内的检查重复时须填写理由,否则 422 duplicate_inspection)",
)
def schedule_inspection(request, payload: ScheduleIn):
    enterprise = get_restricted_or_404(
        Enterprise.objects.all(), request.user, pk=payload.enterprise_id or 0
    )
    inspection = services.do_schedule_inspection(
        actor=request.user,
        enterprise=enterprise,
        inspected_on=payload.inspected_on,
        agency=_org(payload.agency_id),
        kind=payload.kind,
        participants=payload.participants,
        reason=payload.reason,
    )
    return inspection_out(inspection)


@router.get("/inspections/records/{inspection_id}", summary="检查记录(含检查表和发现的问题)")
def get_inspection(request, inspection_id: int):
    inspection = get_restricted_or_404(
        selectors.visible_inspections(request.user), request.user, pk=inspection_id
    )
    findings = selectors.visible_findings(request.user).filter(inspection=inspection)
    return inspection_out(inspection, findings)


class ChecklistIn(Schema):
    results: dict[str, str]
    remarks: dict[str, str] = {}
    participants: str | None = None
    enterprise_attendees: str | None = None
    summary: str | None = None
    version: int | None = None


@router.post("/inspections/records/{inspection_id}/checklist", summary="填写现场检查表")
def record_checklist(request, inspection_id: int, payload: ChecklistIn):
    inspection = get_restricted_or_404(
        Inspection.objects.all(), request.user, "change", pk=inspection_id
    )
    inspection = services.do_record_checklist(
        actor=request.user,
        inspection=inspection,
        results=payload.results,
        remarks=payload.remarks,
        participants=payload.participants,
        enterprise_attendees=payload.enterprise_attendees,
        summary=payload.summary,
        expected_version=payload.version,
    )
    return inspection_out(inspection, inspection.findings.all())


@router.post("/inspections/records/{inspection_id}/complete", summary="完成检查记录")
def complete_inspection(request, inspection_id: int, payload: VersionIn):
    inspection = get_restricted_or_404(
        Inspection.objects.all(), request.user, "change", pk=inspection_id
    )
    inspection = services.do_complete_inspection(
        actor=request.user, inspection=inspection, expected_version=payload.version
    )
    return inspection_out(inspection, inspection.findings.all())


@router.post("/inspections/records/{inspection_id}/cancel", summary="取消检查")
def cancel_inspection(request, inspection_id: int, payload: ReasonIn):
    inspection = get_restricted_or_404(
        Inspection.objects.all(), request.user, "change", pk=inspection_id
    )
    inspection = services.do_cancel_inspection(
        actor=request.user, inspection=inspection, reason=payload.reason
    )
    return inspection_out(inspection)


class FindingIn(Schema):
    description: str
    category: str
    level: str = "general"
    location: str = ""
    item_code: str = ""


@router.post("/inspections/records/{inspection_id}/findings", summary="登记发现的问题")
def add_finding(request, inspection_id: int, payload: FindingIn):
    inspection = get_restricted_or_404(
        Inspection.objects.all(), request.user, "change", pk=inspection_id
    )
    finding = services.do_add_finding(actor=request.user, inspection=inspection, **payload.dict())
    return finding_out(finding)


@router.post("/inspections/findings/{finding_id}/hazard", summary="将发现的问题登记为隐患(一步)")
def finding_to_hazard(request, finding_id: int):
    finding = get_restricted_or_404(Finding.objects.all(), request.user, "change", pk=finding_id)
    hazard = services.do_create_hazard_from_finding(actor=request.user, finding=finding)
    return {"finding_id": finding.pk, "hazard_id": hazard.pk, "hazard_code": hazard.code}


@router.get("/inspections/overlaps", summary="重复检查记录(防止多头重复执法)")
def list_overlaps(request):
    return [overlap_out(o) for o in selectors.visible_overlaps(request.user)]


# --- case files -----------------------------------------------------------------------------


@router.get("/inspections/cases", summary="执法案件列表")
def list_cases(request, state: str | None = None):
    qs = selectors.visible_cases(request.user)
    if state:
        qs = qs.filter(state=state)
    return [case_out(c) for c in qs]


@router.get("/inspections/cases/{case_id}", summary="执法案件")
def get_case(request, case_id: int):
    return case_out(
        get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=case_id)
    )


class CaseIn(Schema):
    cause: str
    filed_on: date
    agency_id: int | None = None
    handlers: str = ""


@router.post("/inspections/records/{inspection_id}/cases", summary="依据检查立案")
def open_case(request, inspection_id: int, payload: CaseIn):
    inspection = get_restricted_or_404(
        Inspection.objects.all(), request.user, "change", pk=inspection_id
    )
    case = services.do_open_case(
        actor=request.user,
        enterprise=inspection.enterprise,
        agency=_org(payload.agency_id) or inspection.agency,
        cause=payload.cause,
        filed_on=payload.filed_on,
        inspection=inspection,
        handlers=payload.handlers,
    )
    return case_out(case)


class AdvanceIn(Schema):
    to_state: str
    investigation: str | None = None
    decision: str | None = None
    decision_number: str | None = None
    penalty_amount: str | None = None
    execution: str | None = None
    closed_on: date | None = None
    version: int | None = None


@router.post("/inspections/cases/{case_id}/advance", summary="案件转入下一办理阶段")
def advance_case(request, case_id: int, payload: AdvanceIn):
    case = get_restricted_or_404(CaseFile.objects.all(), request.user, "change", pk=case_id)
    data = payload.dict()
    version = data.pop("version")
    case = services.do_advance_case(actor=request.user, case=case, expected_version=version, **data)
    return case_out(case)


class SystemIn(Schema):
    system: str
    done: bool = True
    note: str = ""
    attachment_id: int | None = None
    version: int | None = None


@router.post("/inspections/cases/{case_id}/system", summary="勾选行政执法三项制度(须有佐证)")
def set_case_system(request, case_id: int, payload: SystemIn):
    case = get_restricted_or_404(CaseFile.objects.all(), request.user, "change", pk=case_id)
    attachment = (
        Attachment.objects.filter(pk=payload.attachment_id).first()
        if payload.attachment_id
        else None
    )
    case = services.do_set_case_system(
        actor=request.user,
        case=case,
        system=payload.system,
        done=payload.done,
        note=payload.note,
        attachment=attachment,
        expected_version=payload.version,
    )
    return case_out(case)
