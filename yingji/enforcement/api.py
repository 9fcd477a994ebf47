"""执法 in the API (/api/v1/enforcement/…): the officer register, 双随机 draws (and 抽取 → 检查),
责令限期整改指令书 with their 复查, and 专项整治 campaigns with their progress — the same
permissions, restrict() and services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from yingji.core.api import page
from yingji.core.permissions import check_rule, get_restricted_or_404

from . import selectors, services
from .schemas import (
    EnfConflictIn,
    EnfDrawInspectionIn,
    EnfOfficerIn,
    EnfOfficerStatusIn,
    EnfTrainingIn,
)

router = Router(tags=["执法人员与双随机"])


class EnfOfficerOut(Schema):
    id: int
    name: str
    organisation: str
    organisation_code: str
    certificate_no: str
    certificate_type: str
    issuing_authority: str
    valid_from: dt.date
    valid_until: dt.date
    status: str
    status_label: str
    certificate_state: str
    certified_today: bool
    version: int
    is_demo: bool

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.name

    @staticmethod
    def resolve_organisation_code(obj):
        return obj.organisation.code

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_certificate_state(obj):
        return selectors.certificate_state(obj)

    @staticmethod
    def resolve_certified_today(obj):
        return selectors.is_certified(obj, timezone.localdate())


class EnfTrainingOut(Schema):
    id: int
    officer_id: int
    year: int
    course: str
    hours: Decimal
    trained_on: dt.date | None


class EnfConflictOut(Schema):
    id: int
    officer_id: int
    enterprise_id: int
    reason: str
    declared_on: dt.date
    withdrawn_on: dt.date | None


@router.get(
    "/enforcement/officers",
    response=list[EnfOfficerOut],
    summary="执法人员名录库(flag=expiring 即将到期 / expired 已过期)",
)
def list_officers(
    request,
    response: HttpResponse,
    q: str | None = None,
    status: str | None = None,
    flag: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    check_rule(request.user, "enforcement.open")
    rows = selectors.visible_officers(request.user)
    if q:
        rows = rows.filter(name__icontains=q[:50]) | rows.filter(certificate_no__icontains=q[:50])
    if status:
        rows = rows.filter(status=status)
    today = timezone.localdate()
    if flag == "expiring":
        rows = rows.filter(selectors.expiring_q(today))
    elif flag == "expired":
        rows = rows.filter(selectors.expired_q(today))
    return page(rows.order_by("organisation__path", "name", "pk"), response, limit, offset)


@router.post("/enforcement/officers", response={201: EnfOfficerOut}, summary="登记执法人员")
def register_officer(request, payload: EnfOfficerIn):
    return Status(201, services.do_register_officer(actor=request.user, data=payload))


def _officer(request, officer_id: int, action: str = "view"):
    check_rule(request.user, "enforcement.open")
    return get_restricted_or_404(
        selectors.visible_officers(request.user, action), request.user, action, pk=officer_id
    )


@router.get("/enforcement/officers/{officer_id}", response=EnfOfficerOut, summary="单个执法人员")
def get_officer(request, officer_id: int):
    return _officer(request, officer_id)


@router.put("/enforcement/officers/{officer_id}", response=EnfOfficerOut, summary="编辑执法人员")
def update_officer(request, officer_id: int, payload: EnfOfficerIn):
    officer = _officer(request, officer_id)
    return services.do_update_officer(actor=request.user, officer=officer, data=payload)


@router.post(
    "/enforcement/officers/{officer_id}/status",
    response=EnfOfficerOut,
    summary="变更执法人员状态(在岗/调离/暂停执法)",
)
def change_status(request, officer_id: int, payload: EnfOfficerStatusIn):
    officer = _officer(request, officer_id)
    return services.do_change_officer_status(actor=request.user, officer=officer, data=payload)


@router.get(
    "/enforcement/officers/{officer_id}/trainings",
    response=list[EnfTrainingOut],
    summary="执法人员培训学时",
)
def trainings(request, officer_id: int):
    return list(_officer(request, officer_id).trainings.all())


@router.post(
    "/enforcement/officers/{officer_id}/trainings",
    response={201: EnfTrainingOut},
    summary="登记培训学时",
)
def record_training(request, officer_id: int, payload: EnfTrainingIn):
    officer = _officer(request, officer_id)
    return Status(
        201, services.do_record_training(actor=request.user, officer=officer, data=payload)
    )


@router.get(
    "/enforcement/officers/{officer_id}/conflicts",
    response=list[EnfConflictOut],
    summary="回避申报",
)
def conflicts(request, officer_id: int):
    return list(_officer(request, officer_id).conflicts.all())


@router.post(
    "/enforcement/officers/{officer_id}/conflicts",
    response={201: EnfConflictOut},
    summary="申报回避(该人员不会被抽取或指派到该企业)",
)
def declare_conflict(request, officer_id: int, payload: EnfConflictIn):
    officer = _officer(request, officer_id)
    return Status(
        201, services.do_declare_conflict(actor=request.user, officer=officer, data=payload)
    )


# --- 双随机 draws ------------------------------------------------------------------------------


class EnfDrawResultOut(Schema):
    id: int
    position: int
    enterprise_id: int
    enterprise_name: str
    officers: list[str]
    inspection_id: int | None
    inspection_number: str

    @staticmethod
    def resolve_officers(obj):
        return [o.name for o in obj.officers.all()]

    @staticmethod
    def resolve_inspection_number(obj):
        return obj.inspection.number if obj.inspection_id else ""


class EnfDrawOut(Schema):
    id: int
    campaign_name: str
    campaign_id: int | None
    authority: str
    state: str
    state_label: str
    targets: int
    per_target: int
    seed: int
    filters: dict
    drawn_on: dt.date
    published_at: dt.datetime | None
    void_reason: str

    @staticmethod
    def resolve_authority(obj):
        return obj.authority.name

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()


class EnfDrawDetailOut(EnfDrawOut):
    results: list[EnfDrawResultOut]

    @staticmethod
    def resolve_results(obj):
        return list(obj.results.prefetch_related("officers").select_related("inspection"))


class EnfInspectionRef(Schema):
    id: int
    number: str
    enterprise_id: int
    inspected_on: dt.date
    state: str


@router.get(
    "/enforcement/draws",
    response=list[EnfDrawOut],
    summary="双随机抽取(state=drawn 已抽取 / published 已公开 / voided 已作废)",
)
def list_draws(
    request,
    response: HttpResponse,
    state: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    check_rule(request.user, "enforcement.open")
    rows = selectors.visible_draws(request.user).select_related("authority")
    if state:
        rows = rows.filter(state=state)
    return page(rows.order_by("-drawn_at", "-pk"), response, limit, offset)


def _draw(request, draw_id: int):
    return get_restricted_or_404(
        selectors.visible_draws(request.user).select_related("authority"),
        request.user,
        pk=draw_id,
    )


@router.get(
    "/enforcement/draws/{draw_id}",
    response=EnfDrawDetailOut,
    summary="单次抽取:条件、随机种子、抽中企业与执法人员",
)
def get_draw(request, draw_id: int):
    return _draw(request, draw_id)


@router.post(
    "/enforcement/draws/{draw_id}/inspection",
    response={201: EnfInspectionRef},
    summary="据已公开的抽取结果安排检查(抽中的执法人员为检查组,当日须持证、无回避)",
)
def start_draw_inspection(request, draw_id: int, payload: EnfDrawInspectionIn):
    draw = _draw(request, draw_id)
    inspection = services.do_start_draw_inspection(actor=request.user, draw=draw, data=payload)
    return Status(201, inspection)


# --- 责令限期整改指令书 and 复查 ----------------------------------------------------------------


class EnfReInspectionOut(Schema):
    id: int
    due_from: dt.date
    due_by: dt.date
    state: str
    state_label: str
    done_on: dt.date | None
    opinion: str

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()


class EnfOrderOut(Schema):
    id: int
    number: str
    inspection_id: int
    items: list
    issued_on: dt.date
    deadline: dt.date
    state: str
    state_label: str
    proposal: str
    officers: list[str]
    reinspection: EnfReInspectionOut | None

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_officers(obj):
        return [o.name for o in obj.officers.all()]

    @staticmethod
    def resolve_reinspection(obj):
        return getattr(obj, "reinspection", None)


@router.get(
    "/enforcement/orders",
    response=list[EnfOrderOut],
    summary="责令限期整改指令书(state=open 整改中 / closed 已销案 / overdue 逾期未改)",
)
def list_orders(
    request,
    response: HttpResponse,
    state: str | None = None,
    inspection_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    check_rule(request.user, "enforcement.open")
    rows = selectors.visible_orders(request.user).prefetch_related("officers")
    if state:
        rows = rows.filter(state=state)
    if inspection_id:
        rows = rows.filter(inspection_id=inspection_id)
    return page(rows.order_by("-issued_on", "-pk"), response, limit, offset)


@router.get(
    "/enforcement/orders/{order_id}",
    response=EnfOrderOut,
    summary="单份指令书及其复查",
)
def get_order(request, order_id: int):
    check_rule(request.user, "enforcement.open")
    return get_restricted_or_404(selectors.visible_orders(request.user), request.user, pk=order_id)


# --- 专项整治 -------------------------------------------------------------------------------


class EnfCampaignOut(Schema):
    id: int
    name: str
    authority: str
    starts_on: dt.date
    ends_on: dt.date
    sectors: list[str]
    target_inspections: int
    target_findings_closed: int
    note: str

    @staticmethod
    def resolve_authority(obj):
        return obj.authority.name


class EnfCampaignProgressOut(Schema):
    linked: int
    completed: int
    enterprises: int
    findings: int
    orders: int
    orders_closed: int
    orders_overdue: int
    items_closed: int
    inspections_pct: int | None
    findings_pct: int | None
    draws: int
    hazards: int
    hazards_major: int
    hazards_closed: int


class EnfCampaignDetailOut(EnfCampaignOut):
    inspection_ids: list[int]
    progress: EnfCampaignProgressOut

    @staticmethod
    def resolve_inspection_ids(obj):
        return sorted(obj.inspections.values_list("pk", flat=True))

    @staticmethod
    def resolve_progress(obj):
        return selectors.campaign_progress(obj)


@router.get("/enforcement/campaigns", response=list[EnfCampaignOut], summary="专项整治")
def list_campaigns(
    request,
    response: HttpResponse,
    year: int | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    check_rule(request.user, "enforcement.open")
    rows = selectors.visible_campaigns(request.user).select_related("authority")
    if year is not None:
        if not 1 <= year <= 9999:
            raise HttpError(400, "年份应在 1–9999 之间")
        rows = rows.filter(starts_on__year=year)
    return page(rows.order_by("-starts_on", "pk"), response, limit, offset)


@router.get(
    "/enforcement/campaigns/{campaign_id}",
    response=EnfCampaignDetailOut,
    summary="专项整治:目标、关联检查与进度",
)
def get_campaign(request, campaign_id: int):
    return get_restricted_or_404(
        selectors.visible_campaigns(request.user).select_related("authority"),
        request.user,
        pk=campaign_id,
    )
