"""执法 in the API (/api/v1/enforcement/…): the officer register with the same permissions and
services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status

from yingji.core.api import page
from yingji.core.permissions import check_rule, get_restricted_or_404

from . import selectors, services
from .schemas import EnfConflictIn, EnfOfficerIn, EnfOfficerStatusIn, EnfTrainingIn

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
