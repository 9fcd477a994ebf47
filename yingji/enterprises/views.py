"""Web pages of the enterprise registry: thin — parse, fetch through restrict(), call one
service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.errors import DomainError
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import can, get_restricted_or_404, restrict, scope_of
from yingji.core.views import record_extras
from yingji.core.webforms import download, run_service
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
from .selectors import expiring_licences, insurance_gaps, visible_enterprises
from .validation import FIELD_LABELS


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
        extra={"can_import": _can_register(request.user)},
    )


def _can_register(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.region_paths) or scope.has_role("city_staff")


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


def _post_dict(request, keys) -> dict:
    return {k: request.POST.get(k, "") for k in keys}


def _version(request) -> int:
    try:
        return int(request.POST.get("version", "0"))
    except ValueError:
        return 0


@login_required
@require_POST
def enterprise_edit(request, pk):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, "change", pk=pk)
    data = _post_dict(
        request,
        [k for k in FIELD_LABELS if k not in ("name", "uscc", "status")],
    )
    data = {k: v for k, v in data.items() if v != ""}
    run_service(
        request,
        lambda: services.do_update_enterprise(
            actor=request.user, enterprise=ent, data=data, expected_version=_version(request)
        ),
        "档案已保存。",
    )
    return redirect(ent)


@login_required
@require_POST
def enterprise_status(request, pk):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=pk)
    run_service(
        request,
        lambda: services.do_change_enterprise_status(
            actor=request.user,
            enterprise=ent,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        ),
        "经营状态已变更。",
    )
    return redirect(ent)


@login_required
@require_POST
def enterprise_tier(request, pk):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=pk)
    tier = request.POST.get("tier") or None
    run_service(
        request,
        lambda: services.do_override_tier(
            actor=request.user,
            enterprise=ent,
            tier=tier,
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        ),
        "监管层级已调整。",
    )
    if can(request.user, ent, "view"):
        return redirect(ent)
    return redirect("enterprises:index")


@login_required
@require_POST
def licence_add(request, pk):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=pk)
    data = _post_dict(request, ["kind", "number", "issuer", "valid_from", "valid_until"])
    run_service(
        request,
        lambda: services.do_add_licence(actor=request.user, enterprise=ent, data=data),
        "证照已登记。",
    )
    return redirect(ent)


@login_required
@require_POST
def licence_void(request, pk):
    lic = get_restricted_or_404(Licence.objects.all(), request.user, pk=pk)
    run_service(
        request,
        lambda: services.do_void_licence(
            actor=request.user, licence=lic, reason=request.POST.get("reason", "")
        ),
        "证照已作废。",
    )
    return redirect(lic.enterprise)


@login_required
@require_POST
def policy_add(request, pk):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=pk)
    data = _post_dict(
        request,
        ["policy_number", "insurer", "starts_on", "ends_on", "insured_amount", "insured_persons"],
    )
    run_service(
        request,
        lambda: services.do_add_policy(actor=request.user, enterprise=ent, data=data),
        "安责险保单已登记。",
    )
    return redirect(ent)


@login_required
@require_POST
def responsibility_add(request, pk):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=pk)
    data = _post_dict(request, ["position", "holder", "duties"])
    run_service(
        request,
        lambda: services.do_add_responsibility(actor=request.user, enterprise=ent, data=data),
        "责任清单已更新。",
    )
    return redirect(ent)


@login_required
@require_POST
def responsibility_deactivate(request, pk):
    item = get_restricted_or_404(ResponsibilityItem.objects.all(), request.user, pk=pk)
    run_service(
        request,
        lambda: services.do_deactivate_responsibility(
            actor=request.user, item=item, reason=request.POST.get("reason", "")
        ),
        "该岗位已停用。",
    )
    return redirect(item.enterprise)


@login_required
@require_POST
def questionnaire_submit(request, pk):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=pk)
    answers = _post_dict(request, [k for k, _ in SAFETY_QUESTIONS])
    try:
        year = int(request.POST.get("year", "0"))
    except ValueError:
        year = 0
    run_service(
        request,
        lambda: services.do_submit_questionnaire(
            actor=request.user, enterprise=ent, year=year, answers=answers
        ),
        "安全三问已提交,等待监管部门审核。",
    )
    return redirect(ent)


@login_required
@require_POST
def questionnaire_review(request, pk):
    q = get_restricted_or_404(SafetyQuestionnaire.objects.all(), request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    run_service(
        request,
        lambda: services.do_review_questionnaire(
            actor=request.user,
            questionnaire=q,
            approve=approve,
            comment=request.POST.get("comment", ""),
            expected_version=_version(request),
        ),
        "审核意见已保存。",
    )
    return redirect(q.enterprise)


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


@login_required
def import_template(request):
    return download(importing.build_template(), "企业导入模板.xlsx")


@login_required
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


@login_required
def import_preview(request, pk):
    batch = get_restricted_or_404(EnterpriseImport.objects.all(), request.user, pk=pk)
    if request.method == "POST":
        try:
            batch = importing.do_apply_enterprise_import(
                actor=request.user,
                batch=batch,
                mode=request.POST.get("mode", ""),
                merge_duplicates=request.POST.get("merge") == "1",
            )
            if batch.state == "imported":
                r = batch.result
                messages.success(
                    request,
                    f"已导入:新增 {r['created']} 家,合并 {r['merged']} 家,跳过 {len(r['skipped'])} 行。",
                )
            else:
                messages.info(request, "已选择全部不导入,没有写入任何数据。")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("enterprises:import_preview", pk=batch.pk)
    return render(
        request,
        "enterprises/import_preview.html",
        {"title": "导入校验结果", "batch": batch, "list_url": reverse("enterprises:index")},
    )


@login_required
def tier_rule(request):
    from .models import TierRule
    from .tiering import DEFAULT_RULE

    row = TierRule.objects.order_by("pk").first()
    if request.method == "POST":
        data = {
            "city_scales": request.POST.getlist("city_scales"),
            "city_sectors": request.POST.getlist("city_sectors"),
            "city_min_employees": request.POST.get("city_min_employees", "0"),
            "city_major_hazard_grades": request.POST.getlist("city_major_hazard_grades"),
            "note": request.POST.get("note", ""),
        }
        run_service(
            request,
            lambda: services.do_update_tier_rule(
                actor=request.user,
                data=data,
                expected_version=_version(request) if row else None,
            ),
            "监管层级规则已保存,并已重新计算各企业的监管层级。",
        )
        return redirect("enterprises:tier_rule")
    rule = row.as_rule() if row else DEFAULT_RULE
    return render(
        request,
        "enterprises/tier_rule.html",
        {
            "title": "监管层级规则",
            "rule": rule,
            "row": row,
            "scales": SCALES,
            "sectors": SECTORS,
            "is_admin": scope_of(request.user).is_admin,
        },
    )
