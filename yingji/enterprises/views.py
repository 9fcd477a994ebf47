"""Web pages of the enterprise registry: thin — parse the form with the service's schema (the
one the API takes), fetch through restrict(), call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.errors import DomainError
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import can, get_restricted_or_404, requires, restrict, scope_of
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, download, form_input, run_service
from yingji.geo.models import Region

from . import importing, services
from .choices import (
    LICENCE_KINDS,
    SAFETY_QUESTIONS,
    SCALES,
    SECTORS,
    STATUSES,
    TIERS,
)
from .models import (
    Enterprise,
    EnterpriseImport,
    Licence,
    ResponsibilityItem,
    SafetyQuestionnaire,
)
from .schemas import (
    EnterpriseReasonIn,
    EnterpriseUpdateIn,
    ImportApplyIn,
    LicenceIn,
    PolicyIn,
    QuestionnaireIn,
    QuestionnaireReviewIn,
    ResponsibilityIn,
    StatusIn,
    TierIn,
    TierRuleIn,
)
from .selectors import (
    expiring_licences,
    insurance_gaps,
    reviewable_questionnaires_q,
    visible_enterprises,
)
from .selectors import tier_rule as rule_in_force


def county_choices():
    return [(r.code, r.name) for r in Region.objects.filter(level="county").order_by("code")]


ENTERPRISE_SPEC = ListSpec(
    columns=[
        Column("organisation__name", "企业名称", link=True),
        Column("uscc", "统一社会信用代码"),
        Column("region__name", "所在县区"),
        Column("sector", "行业类别"),
        Column("scale", "规模"),
        Column("employees", "从业人员"),
        Column("status", "经营状态"),
        Column("tier", "监管层级"),
        Column("major_hazard_grade", "重大危险源"),
        Column("principal", "主要负责人"),
        Column("lon", "经度", sortable=False),
        Column("lat", "纬度", sortable=False),
        Column("is_demo", "演示数据", sortable=False, value=lambda e: e.organisation.is_demo),
    ],
    filters={
        "sector": Filter("行业", "sector", choices=SECTORS),
        "tier": Filter("监管层级", "tier", choices=TIERS),
        "status": Filter("状态", "status", choices=STATUSES),
        "scale": Filter("规模", "scale", choices=SCALES),
        "region": Filter("县区", "region__code", choices=[]),
        "major": Filter(
            "重大危险源",
            "major_hazard_grade",
            choices=[(g, g) for g in ("一级", "二级", "三级", "四级")],
        ),
    },
    search=("organisation__name", "uscc", "principal", "address"),
    default_sort="organisation__name",
)


@login_required
def enterprise_list(request):
    ENTERPRISE_SPEC.filters["region"].choices = county_choices()
    qs = visible_enterprises(request.user)
    return render_list(
        request,
        qs,
        ENTERPRISE_SPEC,
        "enterprises/list.html",
        "生产经营单位",
    )


@login_required
def enterprise_detail(request, pk):
    ent = get_restricted_or_404(
        Enterprise.objects.select_related("organisation", "region", "located_region"),
        request.user,
        pk=pk,
    )
    user = request.user
    scope = scope_of(user)
    today = timezone.localdate()
    policies = restrict(ent.policies.all(), user)
    return render(
        request,
        "enterprises/detail.html",
        {
            "object": ent,
            "licences": restrict(ent.licences.all(), user),
            "policies": policies,
            "has_current_policy": any(p.is_current(today) for p in policies),
            "responsibilities": restrict(ent.responsibilities.filter(is_active=True), user),
            "questionnaires": restrict(ent.questionnaires.all(), user),
            "questions": SAFETY_QUESTIONS,
            "this_year": today.year,
            "today": today,
            "can_edit": can(user, ent, "change"),
            "can_approve": can(user, ent, "approve"),
            "can_override": can(user, ent, "approve") or scope.has_role("city_staff"),
            "is_own": ent.organisation_id in scope.enterprise_org_ids,
            "licence_kinds": LICENCE_KINDS,
            "statuses": STATUSES,
            "tiers": TIERS,
            "scales": SCALES,
            "sectors": SECTORS,
            **record_extras(request, ent),
        },
    )


def _enterprises(user):
    return Enterprise.objects.all()


enterprise_edit = action_view(
    fetch=_enterprises,
    action="change",
    schema=EnterpriseUpdateIn,
    call=lambda user, ent, data: services.do_update_enterprise(
        actor=user, enterprise=ent, data=data, expected_version=data.version
    ),
    success="档案已保存。",
)

enterprise_status = action_view(
    fetch=_enterprises,
    schema=StatusIn,
    call=lambda user, ent, data: services.do_change_enterprise_status(
        actor=user,
        enterprise=ent,
        status=data.status,
        reason=data.reason,
        expected_version=data.version,
    ),
    success="经营状态已变更。",
)


@login_required
@require_POST
def enterprise_tier(request, pk):
    """Like the action views, but a handover to another bureau may take the enterprise out of
    the user's sight: then back to the list."""
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=pk)
    data = form_input(request, TierIn)
    if data is not None:
        run_service(
            request,
            lambda: services.do_override_tier(
                actor=request.user,
                enterprise=ent,
                tier=data.tier,
                reason=data.reason,
                expected_version=data.version,
            ),
            "监管层级已调整。",
        )
    if can(request.user, ent, "view"):
        return redirect(ent)
    return redirect("enterprises:index")


licence_add = action_view(
    fetch=_enterprises,
    schema=LicenceIn,
    call=lambda user, ent, data: services.do_add_licence(actor=user, enterprise=ent, data=data),
    success="证照已登记。",
)

licence_void = action_view(
    fetch=lambda user: Licence.objects.select_related("enterprise"),
    schema=EnterpriseReasonIn,
    call=lambda user, lic, data: services.do_void_licence(
        actor=user, licence=lic, reason=data.reason
    ),
    success="证照已作废。",
)

policy_add = action_view(
    fetch=_enterprises,
    schema=PolicyIn,
    call=lambda user, ent, data: services.do_add_policy(actor=user, enterprise=ent, data=data),
    success="安责险保单已登记。",
)

responsibility_add = action_view(
    fetch=_enterprises,
    schema=ResponsibilityIn,
    call=lambda user, ent, data: services.do_add_responsibility(
        actor=user, enterprise=ent, data=data
    ),
    success="责任清单已更新。",
)

responsibility_deactivate = action_view(
    fetch=lambda user: ResponsibilityItem.objects.select_related("enterprise"),
    schema=EnterpriseReasonIn,
    call=lambda user, item, data: services.do_deactivate_responsibility(
        actor=user, item=item, reason=data.reason
    ),
    success="该岗位已停用。",
)

questionnaire_submit = action_view(
    fetch=_enterprises,
    schema=QuestionnaireIn,
    call=lambda user, ent, data: services.do_submit_questionnaire(
        actor=user, enterprise=ent, year=data.year, answers=data
    ),
    success="安全三问已提交,等待监管部门审核。",
)

questionnaire_review = action_view(
    fetch=lambda user: SafetyQuestionnaire.objects.select_related("enterprise"),
    schema=QuestionnaireReviewIn,
    call=lambda user, q, data: services.do_review_questionnaire(
        actor=user,
        questionnaire=q,
        approve=data.approve,
        comment=data.comment,
        expected_version=data.version,
    ),
    success="审核意见已保存。",
)


# --- 安责险 / licences lists ----------------------------------------------------------------


@login_required
def insurance(request):
    missing, expiring = insurance_gaps(request.user)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        from yingji.core.listing import export

        spec = ListSpec(
            columns=[
                Column("organisation__name", "企业名称"),
                Column("uscc", "统一社会信用代码"),
                Column("region__name", "所在县区"),
                Column("sector", "行业类别"),
                Column("tier", "监管层级"),
                Column("principal", "主要负责人"),
                Column("principal_phone", "联系电话"),
            ]
        )
        return export(missing, spec, fmt, "未投保安责险的高危行业企业")
    return render(
        request,
        "enterprises/insurance.html",
        {"title": "安责险", "missing": missing, "expiring": expiring},
    )


LICENCE_SPEC = ListSpec(
    columns=[
        Column("enterprise__organisation__name", "企业"),
        Column("kind", "证照类别"),
        Column("number", "证号"),
        Column("issuer", "发证机关"),
        Column("valid_until", "有效期至"),
        Column("days_left", "剩余天数", sortable=False),
    ],
    filters={"kind": Filter("类别", "kind", choices=LICENCE_KINDS)},
    search=("number", "enterprise__organisation__name"),
    default_sort="valid_until",
)


@login_required
def licences_expiring(request):
    return render_list(
        request,
        expiring_licences(request.user),
        LICENCE_SPEC,
        "enterprises/licences.html",
        "即将到期和已过期的证照",
    )


QUESTIONNAIRE_SPEC = ListSpec(
    columns=[
        Column("enterprise__organisation__name", "企业"),
        Column("year", "年度"),
        Column("state", "状态"),
        Column("submitted_at", "提交时间"),
        Column("reviewed_at", "审核时间"),
    ],
    filters={
        "state": Filter(
            "状态", "state", choices=SafetyQuestionnaire._meta.get_field("state").choices
        ),
        "year": Filter("年度", "year"),
        "mine": Filter(
            "由我审核",
            "state",
            choices=[("1", "我负责审核的")],
            where=lambda v, user: reviewable_questionnaires_q(user) if v == "1" else Q(),
        ),
    },
    search=("enterprise__organisation__name",),
    default_sort="-submitted_at",
)


@login_required
def questionnaires(request):
    qs = restrict(
        SafetyQuestionnaire.objects.select_related("enterprise__organisation"), request.user
    )
    return render_list(
        request, qs, QUESTIONNAIRE_SPEC, "enterprises/questionnaires.html", "安全三问"
    )


# --- import -------------------------------------------------------------------------------


@requires("enterprises.register")
def import_template(request):
    return download(importing.build_template(), "企业导入模板.xlsx")


@requires("enterprises.register")
def import_upload(request):
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的Excel文件。")
        else:
            try:
                batch = importing.do_preview_enterprise_import(actor=request.user, upload=upload)
                return redirect("enterprises:import_preview", pk=batch.pk)
            except DomainError as exc:
                messages.error(request, exc.message)
    recent = restrict(EnterpriseImport.objects.all(), request.user)[:10]
    return render(request, "enterprises/import.html", {"title": "批量导入企业", "recent": recent})


def _apply_import(request, batch, data: ImportApplyIn) -> None:
    try:
        batch = importing.do_apply_enterprise_import(
            actor=request.user,
            batch=batch,
            mode=data.mode,
            merge_duplicates=data.merge_duplicates,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return
    if batch.state == "imported":
        r = batch.result
        messages.success(
            request,
            f"已导入:新增 {r['created']} 家,合并 {r['merged']} 家,跳过 {len(r['skipped'])} 行。",
        )
    else:
        messages.info(request, "已选择全部不导入,没有写入任何数据。")


@requires("enterprises.register")
def import_preview(request, pk):
    batch = get_restricted_or_404(EnterpriseImport.objects.all(), request.user, pk=pk)
    if request.method == "POST":
        if (data := form_input(request, ImportApplyIn)) is not None:
            _apply_import(request, batch, data)
        return redirect("enterprises:import_preview", pk=batch.pk)
    return render(
        request,
        "enterprises/import_preview.html",
        {"title": "导入校验结果", "batch": batch, "list_url": reverse("enterprises:index")},
    )


@login_required
def tier_rule(request):
    if request.method == "POST":
        if (data := form_input(request, TierRuleIn)) is not None:
            run_service(
                request,
                lambda: services.do_update_tier_rule(
                    actor=request.user, data=data, expected_version=data.version
                ),
                "监管层级规则已保存,并已重新计算各企业的监管层级。",
            )
        return redirect("enterprises:tier_rule")
    rule = rule_in_force()
    return render(
        request,
        "enterprises/tier_rule.html",
        {
            "title": "监管层级规则",
            "rule": rule,
            "row": rule if rule["version"] is not None else None,
            "scales": SCALES,
            "sectors": SECTORS,
            "is_admin": scope_of(request.user).is_admin,
        },
    )
