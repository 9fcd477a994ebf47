"""Pages of 执法: the officer register (list with the expiring flag and export, record page,
forms). Thin: parse the form with the service's schema, fetch through restrict(), one service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, can, get_restricted_or_404, requires
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, download, form_input, run_service
from yingji.enterprises.choices import SECTOR_LABELS, SECTORS
from yingji.inspections.selectors import visible_inspections
from yingji.orgs.models import Organisation
from yingji.standards import random_draw

from . import selectors, services
from .choices import (
    CERTIFICATE_TYPES,
    DRAW_STATES,
    OFFICER_STATUSES,
    RECORDING_KINDS,
    REINSPECTION_STATES,
)
from .conf import expiry_days, training_hours
from .documents import rectification_order_docx
from .models import Campaign, LawOfficer, OfficerConflict, RandomDraw, RectificationOrder
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


def _flag_q(value: str, user) -> Q:
    today = timezone.localdate()
    if value == "expiring":
        return selectors.expiring_q(today)
    if value == "expired":
        return selectors.expired_q(today)
    if value == "valid":
        return selectors.certified_q(today)
    return Q(pk__in=[])


OFFICER_SPEC = ListSpec(
    columns=[
        Column("name", "姓名", link=True),
        Column("certificate_no", "执法证号"),
        Column("organisation__name", "所在单位"),
        Column("certificate_type", "证件类型"),
        Column("issuing_authority", "发证机关"),
        Column("valid_from", "有效期自"),
        Column("valid_until", "有效期至"),
        Column("status", "状态"),
        Column(
            "flag",
            "证件",
            sortable=False,
            value=lambda o: selectors.certificate_state(o),
        ),
    ],
    filters={
        "status": Filter("状态", "status", choices=OFFICER_STATUSES),
        "type": Filter("证件类型", "certificate_type", choices=CERTIFICATE_TYPES),
        "org": Filter("所在单位(编码)", "organisation__code"),
        "flag": Filter(
            "证件",
            "valid_until",
            choices=[
                ("valid", "今日有效"),
                ("expiring", f"{expiry_days()}天内到期"),
                ("expired", "已过期"),
            ],
            where=_flag_q,
        ),
    },
    search=("name", "certificate_no", "issuing_authority"),
    default_sort="organisation__path",
)


@requires("enforcement.open")
def officer_list(request):
    today = timezone.localdate()
    visible = selectors.visible_officers(request.user)
    return render_list(
        request,
        visible,
        OFFICER_SPEC,
        "enforcement/officers.html",
        "执法人员名录库",
        extra={
            "can_manage": allows(request.user, "enforcement.manage_officers"),
            "expiring": visible.filter(selectors.expiring_q(today)).count(),
            "expired": visible.filter(selectors.expired_q(today)).count(),
            "window": expiry_days(),
        },
    )


@login_required
def officer_detail(request, pk):
    officer = get_restricted_or_404(selectors.visible_officers(request.user), request.user, pk=pk)
    year = timezone.localdate().year
    hours = selectors.training_hours(officer, year)
    return render(
        request,
        "enforcement/officer.html",
        {
            "title": f"执法人员 {officer.name}",
            "object": officer,
            "state": selectors.certificate_state(officer),
            "trainings": officer.trainings.all(),
            "conflicts": officer.conflicts.select_related("enterprise__organisation"),
            "year": year,
            "hours": hours,
            "hours_expected": training_hours(),
            "can_change": can(request.user, officer, "change"),
            "statuses": OFFICER_STATUSES,
            **record_extras(request, officer),
        },
    )


def _org_choices(user):
    return Organisation.objects.filter(kind__in=services.OFFICER_ORG_KINDS, is_active=True)


def _officer_form(request, officer: LawOfficer | None):
    if request.method == "POST":
        data = form_input(request, EnfOfficerIn)
        if data is not None:
            if officer is None:
                call = lambda: services.do_register_officer(actor=request.user, data=data)  # noqa: E731
                msg = "已登记执法人员。"
            else:
                call = lambda: services.do_update_officer(  # noqa: E731
                    actor=request.user, officer=officer, data=data
                )
                msg = "已保存。"
            saved = run_service(request, call, msg)
            if saved:
                return redirect(saved)
        form = request.POST
    elif officer is not None:
        form = {
            "name": officer.name,
            "organisation": officer.organisation.code,
            "certificate_no": officer.certificate_no,
            "certificate_type": officer.certificate_type,
            "issuing_authority": officer.issuing_authority,
            "valid_from": officer.valid_from.isoformat(),
            "valid_until": officer.valid_until.isoformat(),
            "username": officer.user.username if officer.user else "",
            "note": officer.note,
            "version": officer.version,
        }
    else:
        today = timezone.localdate()
        form = {
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=5 * 365)).isoformat(),
        }
    return render(
        request,
        "enforcement/officer_form.html",
        {
            "title": "编辑执法人员" if officer else "登记执法人员",
            "object": officer,
            "form": form,
            "orgs": _org_choices(request.user),
            "types": CERTIFICATE_TYPES,
        },
    )


@requires("enforcement.manage_officers")
def officer_new(request):
    return _officer_form(request, None)


@login_required
def officer_edit(request, pk):
    officer = get_restricted_or_404(
        selectors.visible_officers(request.user, "change"), request.user, "change", pk=pk
    )
    return _officer_form(request, officer)


officer_status = action_view(
    fetch=lambda user: LawOfficer.objects.all(),
    action="change",
    schema=EnfOfficerStatusIn,
    call=lambda user, officer, data: services.do_change_officer_status(
        actor=user, officer=officer, data=data
    ),
    success="已变更状态。",
)

officer_training = action_view(
    fetch=lambda user: LawOfficer.objects.all(),
    action="change",
    schema=EnfTrainingIn,
    call=lambda user, officer, data: services.do_record_training(
        actor=user, officer=officer, data=data
    ),
    success="已登记培训学时。",
)

officer_conflict = action_view(
    fetch=lambda user: LawOfficer.objects.all(),
    action="change",
    schema=EnfConflictIn,
    call=lambda user, officer, data: services.do_declare_conflict(
        actor=user, officer=officer, data=data
    ),
    success="已登记回避申报。",
)

conflict_withdraw = action_view(
    fetch=lambda user: OfficerConflict.objects.all(),
    action="change",
    schema=EnfConflictWithdrawIn,
    call=lambda user, conflict, data: services.do_withdraw_conflict(
        actor=user, conflict=conflict, data=data
    ),
    success="已撤回回避申报。",
)


# --- 双随机、一公开 --------------------------------------------------------------------------

DRAW_SPEC = ListSpec(
    columns=[
        Column("campaign_name", "抽查任务", link=True),
        Column("authority__name", "执法主体"),
        Column("drawn_on", "抽取日期"),
        Column("targets", "抽取企业数"),
        Column("per_target", "每户执法人员数"),
        Column("seed", "随机种子"),
        Column("state", "状态"),
    ],
    filters={
        "state": Filter("状态", "state", choices=DRAW_STATES),
        "year": Filter("年份", "drawn_on__year"),
    },
    search=("campaign_name",),
    default_sort="-drawn_at",
)


@requires("enforcement.open")
def draw_list(request):
    return render_list(
        request,
        selectors.visible_draws(request.user),
        DRAW_SPEC,
        "enforcement/draws.html",
        "双随机抽取",
        extra={"can_draw": allows(request.user, "enforcement.draw")},
    )


@login_required
def draw_detail(request, pk):
    draw = get_restricted_or_404(selectors.visible_draws(request.user), request.user, pk=pk)
    return render(
        request,
        "enforcement/draw.html",
        {
            "title": str(draw),
            "object": draw,
            "results": draw.results.prefetch_related("officers").select_related("inspection"),
            "today": timezone.localdate(),
            "can_change": can(request.user, draw, "change"),
            "can_open": allows(request.user, "enforcement.open"),
            "campaign_visible": draw.campaign_id is not None
            and can(request.user, draw.campaign, "view"),
            "sector_labels": SECTOR_LABELS,
            **record_extras(request, draw),
        },
    )


@requires("enforcement.draw")
def draw_new(request):
    if request.method == "POST":
        data = form_input(request, EnfDrawIn)
        if data is not None:
            draw = run_service(
                request,
                lambda: services.do_run_draw(actor=request.user, data=data),
                lambda d: f"已完成抽取(随机种子 {d.seed}),请核对后公开。",
            )
            if draw:
                return redirect(draw)
    return render(
        request,
        "enforcement/draw_form.html",
        {
            "title": "双随机抽取",
            "form": request.POST,
            "sectors": SECTORS,
            "campaigns": selectors.visible_campaigns(request.user, "change"),
        },
    )


draw_publish = action_view(
    fetch=lambda user: RandomDraw.objects.all(),
    action="change",
    schema=EnfDrawPublishIn,
    call=lambda user, draw, data: services.do_publish_draw(actor=user, draw=draw, data=data),
    success="已公开抽取结果。",
)
draw_inspection = action_view(
    fetch=lambda user: RandomDraw.objects.all(),
    action="change",
    schema=EnfDrawInspectionIn,
    call=lambda user, draw, data: services.do_start_draw_inspection(
        actor=user, draw=draw, data=data
    ),
    redirect_to=lambda draw, inspection: inspection,
    success="已按抽取结果安排检查,请在检查页面填写现场检查记录。",
)
draw_void = action_view(
    fetch=lambda user: RandomDraw.objects.all(),
    action="change",
    schema=EnfDrawVoidIn,
    call=lambda user, draw, data: services.do_void_draw(actor=user, draw=draw, data=data),
    success="已作废。",
)


def public_draws(request):
    """双随机抽查结果公开 (no login)."""
    draws = selectors.published_draws().prefetch_related("results__officers")[:50]
    return render(
        request, "enforcement/public_draws.html", {"title": "双随机抽查结果公开", "draws": draws}
    )


def public_notice(request):
    """行政执法事前公示 (no login, 国办发〔2018〕118号): 执法主体, 执法人员 (name + certificate
    number), 职责权限, 依据, 程序, 救济方式, 随机抽查事项清单."""
    today = timezone.localdate()
    authorities = Organisation.objects.filter(
        kind__in=("bureau", "county_bureau"), is_active=True
    ).order_by("path")
    officers = selectors.certified_officers(today).order_by("organisation__path", "name")
    return render(
        request,
        "enforcement/public_notice.html",
        {
            "title": "行政执法事前公示",
            "authorities": authorities,
            "officers": officers,
            "basis": random_draw.PUBLIC_BASIS,
            "duties": random_draw.PUBLIC_DUTIES,
            "procedure": random_draw.PUBLIC_PROCEDURE,
            "remedies": random_draw.PUBLIC_REMEDIES,
            "matters": random_draw.CHECK_MATTERS,
            "sector_labels": SECTOR_LABELS,
            "today": today,
        },
    )


# --- an inspection's 执法 record: officers, recordings, 指令书, 复查 -------------------------


@login_required
def inspection_record(request, pk):
    inspection = get_restricted_or_404(visible_inspections(request.user), request.user, pk=pk)
    can_change = can(request.user, inspection, "change")
    team = list(selectors.team_of(inspection.pk))
    candidates = selectors.visible_officers(request.user).filter(
        selectors.certified_q(inspection.inspected_on),
        organisation__path__startswith=inspection.authority.path,  # its own bureau's officers
    )
    return render(
        request,
        "enforcement/inspection.html",
        {
            "title": f"执法记录 {inspection.number}",
            "inspection": inspection,
            "team": team,
            "candidates": candidates,
            "recordings": selectors.recordings_of(request.user, inspection.pk),
            "orders": selectors.orders_of(request.user, inspection.pk),
            "findings": inspection.findings.all(),
            "can_change": can_change,
            "kinds": RECORDING_KINDS,
            "today": timezone.localdate(),
        },
    )


@login_required
def inspection_officers(request, pk):
    inspection = get_restricted_or_404(
        visible_inspections(request.user), request.user, "change", pk=pk
    )
    if request.method == "POST":
        data = form_input(request, EnfInspectionOfficersIn)
        if data is not None:
            run_service(
                request,
                lambda: services.do_name_inspection_officers(
                    actor=request.user, inspection=inspection, data=data
                ),
                "已指派执法人员。",
            )
    return redirect("enforcement:inspection", pk=inspection.pk)


@login_required
def inspection_recording(request, pk):
    inspection = get_restricted_or_404(
        visible_inspections(request.user), request.user, "change", pk=pk
    )
    if request.method == "POST":
        data = form_input(request, EnfRecordingIn)
        upload = request.FILES.get("file")
        if data is not None and upload is None:
            messages.error(request, "请选择要上传的文件。")
        elif data is not None:
            run_service(
                request,
                lambda: services.do_add_recording(
                    actor=request.user, inspection=inspection, data=data, upload=upload
                ),
                "已上传执法全过程记录。",
            )
    return redirect("enforcement:inspection", pk=inspection.pk)


@login_required
def inspection_order(request, pk):
    inspection = get_restricted_or_404(
        visible_inspections(request.user), request.user, "change", pk=pk
    )
    if request.method == "POST":
        data = form_input(request, EnfOrderIn)
        if data is not None:
            run_service(
                request,
                lambda: services.do_issue_order(
                    actor=request.user, inspection=inspection, data=data
                ),
                lambda o: f"已下达{o.number},复查已排期。",
            )
    return redirect("enforcement:inspection", pk=inspection.pk)


@login_required
def order_docx(request, pk):
    order = get_restricted_or_404(selectors.visible_orders(request.user), request.user, pk=pk)
    inspection = selectors.order_inspection(order)
    data = rectification_order_docx(
        order,
        authority=inspection.authority.name,
        enterprise=inspection.enterprise.organisation.name,
        reinspect_by=order.reinspection.due_by,
    )
    return download(data, f"责令限期整改指令书-{order.number}.docx")


reinspect = action_view(
    fetch=lambda user: RectificationOrder.objects.all(),
    action="change",
    schema=EnfReInspectionIn,
    call=lambda user, order, data: services.do_record_reinspection(
        actor=user, order=order, data=data
    ),
    success=lambda order, data, result: (
        "复查合格,已销案。" if data.passed else "复查不合格:已标记逾期未改,建议立案查处。"
    ),
)


REINSPECTION_SPEC = ListSpec(
    columns=[
        Column("order__number", "指令书", link=True),
        Column("order__deadline", "整改期限"),
        Column("due_from", "复查开始"),
        Column("due_by", "复查截止"),
        Column("state", "状态"),
        Column("done_on", "复查日期"),
    ],
    filters={"state": Filter("状态", "state", choices=REINSPECTION_STATES)},
    search=("order__number",),
    default_sort="due_from",
)


@requires("enforcement.open")
def reinspection_list(request):
    return render_list(
        request,
        selectors.visible_reinspections(request.user),
        REINSPECTION_SPEC,
        "enforcement/reinspections.html",
        "复查清单",
    )


# --- 专项整治 -------------------------------------------------------------------------------

CAMPAIGN_SPEC = ListSpec(
    columns=[
        Column("name", "名称", link=True),
        Column("authority__name", "组织单位"),
        Column("starts_on", "开始日期"),
        Column("ends_on", "结束日期"),
        Column("target_inspections", "目标检查企业数"),
    ],
    filters={"year": Filter("年份", "starts_on__year")},
    search=("name",),
    default_sort="-starts_on",
)


@requires("enforcement.open")
def campaign_list(request):
    return render_list(
        request,
        selectors.visible_campaigns(request.user),
        CAMPAIGN_SPEC,
        "enforcement/campaigns.html",
        "专项整治",
        extra={"can_create": allows(request.user, "enforcement.draw")},
    )


@login_required
def campaign_detail(request, pk):
    campaign = get_restricted_or_404(selectors.visible_campaigns(request.user), request.user, pk=pk)
    return render(
        request,
        "enforcement/campaign.html",
        {
            "title": campaign.name,
            "object": campaign,
            "progress": selectors.campaign_progress(campaign),
            "inspections": campaign.inspections.select_related("enterprise__organisation"),
            "draws": campaign.draws.all(),
            "sector_labels": SECTOR_LABELS,
            "can_change": can(request.user, campaign, "change"),
            **record_extras(request, campaign),
        },
    )


@requires("enforcement.draw")
def campaign_new(request):
    if request.method == "POST":
        data = form_input(request, EnfCampaignIn)
        if data is not None:
            campaign = run_service(
                request,
                lambda: services.do_create_campaign(actor=request.user, data=data),
                "已创建专项整治。",
            )
            if campaign:
                return redirect(campaign)
    return render(
        request,
        "enforcement/campaign_form.html",
        {"title": "创建专项整治", "form": request.POST, "sectors": SECTORS},
    )


campaign_link = action_view(
    fetch=lambda user: Campaign.objects.all(),
    action="change",
    schema=EnfCampaignLinkIn,
    call=lambda user, campaign, data: services.do_link_inspections(
        actor=user, campaign=campaign, data=data
    ),
    success="已关联检查。",
)
