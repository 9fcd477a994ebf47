"""Writes of 执法 (issue #19). One service per state change: check the permission, validate,
one transaction, write, one audit event, the scope re-check."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope, restrict
from yingji.core.services import locked
from yingji.enterprises.selectors import visible_enterprises
from yingji.orgs.models import Organisation

from .models import LawOfficer, OfficerConflict, OfficerTraining
from .schemas import (
    EnfConflictIn,
    EnfConflictWithdrawIn,
    EnfOfficerIn,
    EnfOfficerStatusIn,
    EnfTrainingIn,
)

OFFICER_ORG_KINDS = ("bureau", "section", "unit", "county_bureau")

# --- the officer register --------------------------------------------------------------------


def _officer_fields(data: EnfOfficerIn, *, exclude_pk: int | None = None) -> dict:
    org = Organisation.objects.filter(code=data.organisation, kind__in=OFFICER_ORG_KINDS).first()
    if org is None:
        raise ValidationFailed(
            f"所在单位编码“{data.organisation}”不是应急管理局、县区应急管理部门或市局科室/单位。",
            details={"field": "organisation"},
        )
    dup = LawOfficer.objects.filter(certificate_no=data.certificate_no)
    if exclude_pk:
        dup = dup.exclude(pk=exclude_pk)
    if dup.exists():
        raise ValidationFailed(
            f"执法证号“{data.certificate_no}”已登记。", details={"field": "certificate_no"}
        )
    user = None
    if data.username:
        user = get_user_model().objects.filter(username=data.username).first()
        if user is None:
            raise ValidationFailed(
                f"平台账号“{data.username}”不存在。", details={"field": "username"}
            )
    return {
        "name": data.name,
        "organisation": org,
        "certificate_no": data.certificate_no,
        "certificate_type": data.certificate_type,
        "issuing_authority": data.issuing_authority,
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
        "user": user,
        "note": data.note,
    }


def do_register_officer(*, actor, data: EnfOfficerIn) -> LawOfficer:
    """登记执法人员 in the actor's bureau (the re-check refuses another bureau's unit)."""
    check_rule(actor, "enforcement.manage_officers")
    fields = _officer_fields(data)
    with transaction.atomic():
        officer = LawOfficer.objects.create(**fields)
        record_event(
            "enforcement.officer.registered",
            f"登记执法人员{officer.name}(执法证号{officer.certificate_no},有效期至"
            f"{officer.valid_until:%Y年%m月%d日})",
            target=officer,
        )
        ensure_in_scope(actor, officer)
    return officer


def do_update_officer(*, actor, officer: LawOfficer, data: EnfOfficerIn) -> LawOfficer:
    """编辑执法人员 (certificate renewal included): the new validity applies from now on; steps
    already taken keep the officers they named."""
    ensure_in_scope(actor, officer)
    fields = _officer_fields(data, exclude_pk=officer.pk)
    with transaction.atomic():
        officer = locked(LawOfficer, officer.pk, expected_version=data.version)
        for key, value in fields.items():
            setattr(officer, key, value)
        officer.save()
        record_event(
            "enforcement.officer.updated",
            f"编辑执法人员{officer.name}(执法证号{officer.certificate_no})",
            target=officer,
        )
        ensure_in_scope(actor, officer)
    return officer


def do_change_officer_status(*, actor, officer: LawOfficer, data: EnfOfficerStatusIn) -> LawOfficer:
    """在岗 ↔ 调离/暂停执法, with the reason. An officer who is not 在岗 cannot be named."""
    ensure_in_scope(actor, officer)
    with transaction.atomic():
        officer = locked(LawOfficer, officer.pk, expected_version=data.version)
        if officer.status == data.status:
            raise InvalidTransition(
                f"执法人员{officer.name}当前已是“{officer.get_status_display()}”。"
            )
        before = officer.get_status_display()
        officer.status = data.status
        officer.status_reason = data.reason
        officer.save()
        record_event(
            "enforcement.officer.status",
            f"执法人员{officer.name}:{before} → {officer.get_status_display()}(原因:{data.reason})",
            target=officer,
        )
        ensure_in_scope(actor, officer)
    return officer


def do_record_training(*, actor, officer: LawOfficer, data: EnfTrainingIn) -> OfficerTraining:
    """登记培训学时 (T2)."""
    ensure_in_scope(actor, officer)
    with transaction.atomic():
        row = OfficerTraining.objects.create(
            officer=officer,
            year=data.year,
            course=data.course,
            hours=data.hours,
            trained_on=data.trained_on,
        )
        record_event(
            "enforcement.officer.trained",
            f"执法人员{officer.name}{data.year}年培训“{data.course}”{data.hours}学时",
            target=officer,
        )
        ensure_in_scope(actor, row)
    return row


def do_declare_conflict(*, actor, officer: LawOfficer, data: EnfConflictIn) -> OfficerConflict:
    """申报回避: the officer will not be drawn for, nor named on a step at, the enterprise."""
    ensure_in_scope(actor, officer)
    enterprise = visible_enterprises(actor).filter(pk=data.enterprise_id).first()
    if enterprise is None:
        raise ValidationFailed(
            "所选企业不存在或不在您的权限范围内。", details={"field": "enterprise_id"}
        )
    if officer.conflicts.filter(enterprise_id=enterprise.pk, withdrawn_on__isnull=True).exists():
        raise ValidationFailed(
            f"执法人员{officer.name}已申报回避“{enterprise}”。", details={"field": "enterprise_id"}
        )
    with transaction.atomic():
        row = OfficerConflict.objects.create(
            officer=officer,
            enterprise_id=enterprise.pk,
            reason=data.reason,
            declared_on=data.declared_on or timezone.localdate(),
        )
        record_event(
            "enforcement.officer.conflict",
            f"执法人员{officer.name}申报回避“{enterprise}”(事由:{data.reason})",
            target=officer,
        )
        ensure_in_scope(actor, row)
    return row


def do_withdraw_conflict(
    *, actor, conflict: OfficerConflict, data: EnfConflictWithdrawIn
) -> OfficerConflict:
    ensure_in_scope(actor, conflict)
    with transaction.atomic():
        conflict = locked(OfficerConflict, conflict.pk)
        if conflict.withdrawn_on is not None:
            raise InvalidTransition("该回避申报已撤回。")
        conflict.withdrawn_on = timezone.localdate()
        conflict.withdraw_reason = data.reason
        conflict.save()
        record_event(
            "enforcement.officer.conflict_withdrawn",
            f"撤回执法人员{conflict.officer.name}对“{conflict.enterprise}”的回避申报(原因:{data.reason})",
            target=conflict.officer,
        )
        ensure_in_scope(actor, conflict)
    return conflict


def managed_officer(actor, pk: int) -> LawOfficer:
    """An officer the actor may change, or NotPermitted (for the API)."""
    officer = restrict(LawOfficer.objects.all(), actor, "change").filter(pk=pk).first()
    if officer is None:
        raise NotPermitted("您无权管理该执法人员。")
    return officer
