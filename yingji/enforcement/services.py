"""Writes of 执法 (issue #19). One service per state change: check the permission, validate,
one transaction, write, one audit event, the scope re-check."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import can, check_rule, ensure_in_scope, restrict
from yingji.core.services import locked
from yingji.enterprises.selectors import visible_enterprises
from yingji.inspections.selectors import (
    acting_authorities,
    inspectable_enterprises,
    visible_inspections,
)
from yingji.orgs.models import Organisation
from yingji.standards import random_draw

from .conf import reinspection_days
from .models import (
    Campaign,
    DrawResult,
    InspectionOfficer,
    LawOfficer,
    OfficerConflict,
    OfficerTraining,
    RandomDraw,
    Recording,
    RectificationOrder,
    ReInspection,
)
from .recordings import check_recording
from .schemas import (
    EnfCampaignIn,
    EnfCampaignLinkIn,
    EnfConflictIn,
    EnfConflictWithdrawIn,
    EnfDrawIn,
    EnfDrawInspectionIn,
    EnfDrawPublishIn,
    EnfDrawVoidIn,
    EnfInspectionOfficersIn,
    EnfOfficerIn,
    EnfOfficerStatusIn,
    EnfOrderIn,
    EnfRecordingIn,
    EnfReInspectionIn,
    EnfTrainingIn,
)
from .selectors import (
    active_conflicts,
    certified_officers,
    check_officers,
    order_inspection,
    team_of,
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


# --- 双随机、一公开 --------------------------------------------------------------------------


def _acting_bureau(actor):
    authority = acting_authorities(actor).order_by("path").first()
    if authority is None:
        raise NotPermitted("您不代表任何执法主体(应急管理局或县区应急管理部门)。")
    return authority


def do_run_draw(*, actor, data: EnfDrawIn) -> RandomDraw:
    """Draw the targets among the enterprises the actor's bureau inspects (检查对象名录库:
    sector and tier filters) and, for each, officers among the bureau's officers certified today
    (执法人员名录库), never one who declared a conflict with it. The seed is recorded: the same
    seed over the same candidates gives the same result (standards.random_draw)."""
    check_rule(actor, "enforcement.draw")
    authority = _acting_bureau(actor)
    today = timezone.localdate()
    campaign = None
    if data.campaign_id:
        campaign = (
            restrict(Campaign.objects.all(), actor, "change").filter(pk=data.campaign_id).first()
        )
        if campaign is None:
            raise ValidationFailed(
                "所选专项整治不存在或不在您的权限范围内。", details={"field": "campaign_id"}
            )
    enterprises = inspectable_enterprises(actor)
    if data.sectors:
        enterprises = enterprises.filter(sector__in=data.sectors)
    if data.tiers:
        enterprises = enterprises.filter(tier__in=data.tiers)
    names = dict(enterprises.values_list("pk", "organisation__name"))
    officers = list(
        certified_officers(today)
        .filter(organisation__path__startswith=authority.path)
        .values_list("pk", flat=True)
    )
    conflicts = [
        (c.officer_id, c.enterprise_id)
        for c in active_conflicts(officers, None, today, all_enterprises=True)
    ]
    seed = data.seed if data.seed is not None else secrets.randbits(48)
    try:
        rows = random_draw.draw(
            names,
            officers,
            targets=data.targets,
            per_target=data.per_target,
            seed=seed,
            conflicts=conflicts,
        )
    except random_draw.DrawError as exc:
        raise ValidationFailed(str(exc), details={"field": "targets"})
    with transaction.atomic():
        draw = RandomDraw.objects.create(
            campaign_name=data.campaign_name,
            campaign=campaign,
            authority=authority,
            filters={"sectors": list(data.sectors), "tiers": list(data.tiers)},
            targets=data.targets,
            per_target=data.per_target,
            seed=seed,
            candidates=sorted(names),
            officer_pool=sorted(officers),
            drawn_on=today,
            drawn_at=timezone.now(),
            drawn_by=actor,
        )
        for n, row in enumerate(rows, 1):
            result = DrawResult.objects.create(
                draw=draw, position=n, enterprise_id=row.target, enterprise_name=names[row.target]
            )
            result.officers.set(row.officers)
        record_event(
            "enforcement.draw.drawn",
            f"双随机抽取“{draw.campaign_name}”:从{len(names)}家企业中抽取{len(rows)}家,"
            f"从{len(officers)}名执法人员中为每家抽取{data.per_target}名(随机种子 {seed})",
            target=draw,
            seed=seed,
        )
        ensure_in_scope(actor, draw)
    return draw


def do_publish_draw(*, actor, draw: RandomDraw, data: EnfDrawPublishIn) -> RandomDraw:
    """公开 the result: the draw appears on the public page (一公开)."""
    ensure_in_scope(actor, draw)
    with transaction.atomic():
        draw = locked(RandomDraw, draw.pk, expected_version=data.version)
        if draw.state != "drawn":
            raise InvalidTransition(f"抽取结果当前为“{draw.get_state_display()}”,不能公开。")
        draw.state = "published"
        draw.published_at = timezone.now()
        draw.save()
        record_event(
            "enforcement.draw.published", f"公开双随机抽取结果“{draw.campaign_name}”", target=draw
        )
        ensure_in_scope(actor, draw)
    return draw


def do_start_draw_inspection(*, actor, draw: RandomDraw, data: EnfDrawInspectionIn):
    """双随机 → 检查: one drawn target of a *published* draw becomes a 专项检查 of that enterprise
    with the drawn officers as its team (checked again on the inspection's day: certified, 在岗,
    no declared conflict — 《行政处罚法》第四十二条、第四十三条), linked to the draw's campaign; the
    result records the inspection, so a target becomes an inspection once."""
    from yingji.inspections.services import do_schedule_inspection

    ensure_in_scope(actor, draw)
    if not can(actor, draw, "change"):
        raise NotPermitted("只有抽取单位可以据此安排检查。")
    result = DrawResult.objects.filter(draw_id=draw.pk, pk=data.result_id).first()
    if result is None:
        raise ValidationFailed("该抽取中没有这一检查对象。", details={"result_id": "无效"})
    ids = list(result.officers.values_list("pk", flat=True))
    with transaction.atomic():
        result = locked(DrawResult, result.pk)
        draw = locked(RandomDraw, draw.pk)
        if draw.state != "published":
            raise InvalidTransition(
                f"抽取结果当前为“{draw.get_state_display()}”,公开后才能据此安排检查。"
            )
        if result.inspection_id:
            raise InvalidTransition(
                f"该检查对象已安排检查({result.inspection.number})。",
                details={"inspection": result.inspection_id},
            )
        team = check_officers(
            ids, data.inspected_on, enterprise_id=result.enterprise_id, authority=draw.authority
        )
        inspection = do_schedule_inspection(
            actor=actor,
            enterprise=result.enterprise,
            inspected_on=data.inspected_on,
            agency=draw.authority,  # the drawing bureau inspects in its own name
            kind="special",
            participants="、".join(o.name for o in team),
            reason=f"双随机抽查“{draw.campaign_name}”(随机种子 {draw.seed})",
        )
        for officer in team:
            InspectionOfficer.objects.create(inspection_id=inspection.pk, officer=officer)
        result.inspection = inspection
        result.save()
        if draw.campaign_id:
            draw.campaign.inspections.add(inspection)
        record_event(
            "enforcement.draw.inspection",
            f"双随机抽查“{draw.campaign_name}”第 {result.position} 户{result.enterprise_name}"
            f"安排检查{inspection.number},执法人员:" + "、".join(o.name for o in team),
            target=draw,
        )
    return inspection


def do_void_draw(*, actor, draw: RandomDraw, data: EnfDrawVoidIn) -> RandomDraw:
    ensure_in_scope(actor, draw)
    with transaction.atomic():
        draw = locked(RandomDraw, draw.pk, expected_version=data.version)
        if draw.state == "voided":
            raise InvalidTransition("该抽取已作废。")
        draw.state = "voided"
        draw.void_reason = data.reason
        draw.save()
        record_event(
            "enforcement.draw.voided",
            f"作废双随机抽取“{draw.campaign_name}”(原因:{data.reason})",
            target=draw,
        )
        ensure_in_scope(actor, draw)
    return draw


# --- inspections: officers, 执法全过程记录, 指令书, 复查 -----------------------------------------


def _changeable_inspection(actor, inspection):
    if not can(actor, inspection, "change"):
        raise NotPermitted("只有实施检查的执法主体可以操作该检查。")


def do_name_inspection_officers(*, actor, inspection, data: EnfInspectionOfficersIn) -> list:
    """指派执法人员: at least two distinct officers certified on the inspection's day, none with a
    declared conflict with the enterprise (replaces the previous team, kept in the history)."""
    _changeable_inspection(actor, inspection)
    officers = check_officers(
        data.officer_ids,
        inspection.inspected_on,
        enterprise_id=inspection.enterprise_id,
        authority=inspection.authority,
    )
    with transaction.atomic():
        now = timezone.now()
        current = InspectionOfficer.objects.filter(
            inspection_id=inspection.pk, removed_at__isnull=True
        )
        for row in current:
            row.removed_at = now
            row.save()
        for officer in officers:
            InspectionOfficer.objects.create(inspection_id=inspection.pk, officer=officer)
        record_event(
            "enforcement.inspection.officers",
            f"检查{inspection.number}指派执法人员:" + "、".join(str(o) for o in officers),
            target=inspection,
        )
    return officers


def do_add_recording(*, actor, inspection, data: EnfRecordingIn, upload) -> Recording:
    """执法全过程记录: an audio/video/photo record, with the officer who recorded it."""
    _changeable_inspection(actor, inspection)
    named = set(team_of(inspection.pk).values_list("pk", flat=True))
    if data.recorded_by_id not in named:
        raise ValidationFailed(
            "记录人应为该检查指派的执法人员。", details={"field": "recorded_by_id"}
        )
    mime, digest = check_recording(upload, data.kind)
    with transaction.atomic():
        rec = Recording.objects.create(
            inspection_id=inspection.pk,
            kind=data.kind,
            file=upload,
            original_name=(upload.name or "file")[:255],
            size=upload.size,
            mime_type=mime,
            sha256=digest,
            recorded_by_id=data.recorded_by_id,
            recorded_at=timezone.now(),
            description=data.description,
        )
        record_event(
            "enforcement.recording.added",
            f"检查{inspection.number}上传执法全过程记录({rec.get_kind_display()}“{rec.original_name}”,记录人{rec.recorded_by.name})",
            target=inspection,
        )
        ensure_in_scope(actor, rec)
    return rec


def do_issue_order(*, actor, inspection, data: EnfOrderIn) -> RectificationOrder:
    """下达责令限期整改指令书 on the inspection's findings, with the deadline; its 复查 is
    scheduled at once: due from the day after the deadline, within conf.reinspection_days()."""
    _changeable_inspection(actor, inspection)
    if inspection.state != "completed":
        raise InvalidTransition("检查完成后才能下达责令限期整改指令书。")
    today = timezone.localdate()
    if data.deadline <= today:
        raise ValidationFailed("整改期限应晚于今天。", details={"field": "deadline"})
    officers = check_officers(
        data.officer_ids,
        today,
        enterprise_id=inspection.enterprise_id,
        authority=inspection.authority,
    )
    findings = list(inspection.findings.all())
    if data.finding_ids:
        findings = [f for f in findings if f.pk in set(data.finding_ids)]
    if not findings:
        raise ValidationFailed("该检查没有可下达整改的问题。", details={"field": "finding_ids"})
    with transaction.atomic():
        serial = RectificationOrder.objects.filter(issued_on__year=today.year).count() + 1
        order = RectificationOrder.objects.create(
            inspection_id=inspection.pk,
            number=f"{inspection.authority.code}-责改〔{today.year}〕{serial:04d}号",
            items=[
                {"finding": f.pk, "number": f.number, "description": f.description}
                for f in findings
            ],
            issued_on=today,
            deadline=data.deadline,
        )
        order.officers.set(officers)
        ReInspection.objects.create(
            order=order,
            due_from=data.deadline + dt.timedelta(days=1),
            due_by=data.deadline + dt.timedelta(days=reinspection_days()),
        )
        record_event(
            "enforcement.order.issued",
            f"下达责令限期整改指令书{order.number}({len(findings)}项,期限{data.deadline:%Y年%m月%d日})",
            target=order,
        )
        ensure_in_scope(actor, order)
    return order


def do_record_reinspection(
    *, actor, order: RectificationOrder, data: EnfReInspectionIn
) -> ReInspection:
    """复查: passed closes the order; failed marks it 逾期未改 and proposes a case (立案查处)."""
    ensure_in_scope(actor, order)
    inspection = order_inspection(order)
    with transaction.atomic():
        re = locked(ReInspection, order.reinspection.pk)
        if re.state in ("passed", "failed"):
            raise InvalidTransition("该指令书已复查。")
        if data.done_on <= order.deadline and data.passed is False:
            raise ValidationFailed(
                "整改期限届满前不能作出“逾期未改”的复查结论。", details={"field": "done_on"}
            )
        officers = check_officers(
            data.officer_ids,
            data.done_on,
            enterprise_id=inspection.enterprise_id,
            authority=inspection.authority,
        )
        re.state = "passed" if data.passed else "failed"
        re.done_on = data.done_on
        re.opinion = data.opinion
        re.save()
        re.officers.set(officers)
        order = locked(RectificationOrder, order.pk)
        if data.passed:
            order.state = "closed"
        else:
            order.state = "overdue"
            order.proposal = (
                "逾期未改:建议立案查处(《中华人民共和国安全生产法》第一百零二条:"
                "未采取措施消除事故隐患的,责令立即消除或者限期消除;拒不执行的,责令停产停业整顿)"
            )
        order.save()
        record_event(
            "enforcement.order.reinspected",
            f"复查{order.number}:{'整改合格,销案' if data.passed else '逾期未改,建议立案查处'}",
            target=order,
        )
    return re


def do_run_reinspection_check(*, today: dt.date | None = None) -> dict:
    """The daily job: a 复查 whose rectification deadline has passed becomes 待复查 (on the
    inspecting bureau's list); one past its window stays 待复查 and is counted as late."""
    today = today or timezone.localdate()
    with transaction.atomic():
        due = list(ReInspection.objects.filter(state="waiting", due_from__lte=today))
        for re in due:
            re.state = "due"
            re.save()
        late = ReInspection.objects.filter(state="due", due_by__lt=today).count()
        if due:
            record_event(
                "enforcement.reinspection.due",
                f"{today:%Y年%m月%d日}:{len(due)}份责令限期整改指令书整改期满,已列入待复查",
            )
    return {"due": len(due), "late": late}


# --- 专项整治 -------------------------------------------------------------------------------


def do_create_campaign(*, actor, data: EnfCampaignIn) -> Campaign:
    check_rule(actor, "enforcement.draw")
    authority = _acting_bureau(actor)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=data.name,
            authority=authority,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            sectors=list(data.sectors),
            target_inspections=data.target_inspections,
            target_findings_closed=data.target_findings_closed,
            note=data.note,
        )
        record_event(
            "enforcement.campaign.created", f"创建专项整治“{campaign.name}”", target=campaign
        )
        ensure_in_scope(actor, campaign)
    return campaign


def do_link_inspections(*, actor, campaign: Campaign, data: EnfCampaignLinkIn) -> Campaign:
    """Link inspections (the actor may see) to the campaign."""
    ensure_in_scope(actor, campaign)
    rows = list(visible_inspections(actor).filter(pk__in=data.inspection_ids))
    if len(rows) != len(set(data.inspection_ids)):
        raise ValidationFailed(
            "部分检查不存在或不在您的权限范围内。", details={"field": "inspection_ids"}
        )
    with transaction.atomic():
        campaign = locked(Campaign, campaign.pk)
        campaign.inspections.add(*rows)
        campaign.save()
        record_event(
            "enforcement.campaign.linked",
            f"专项整治“{campaign.name}”关联检查:" + "、".join(i.number for i in rows),
            target=campaign,
        )
    return campaign
