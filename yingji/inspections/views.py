"""Pages of 执法检查. Thin: fetch through restrict(), call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yingji.core.errors import DomainError
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.models import Attachment
from yingji.core.permissions import allows, can, get_restricted_or_404
from yingji.core.views import record_extras
from yingji.core.webforms import int_or_none, run_service
from yingji.enterprises.models import Enterprise
from yingji.orgs.models import Organisation

from . import selectors, services
from .checklists import SECTOR_GROUP_LABELS, SECTOR_GROUPS
from .choices import (
    CASE_STATE_COLOURS,
    CASE_STATES,
    CASE_SYSTEMS,
    CHECK_RESULTS,
    FINDING_CATEGORIES,
    FINDING_LEVELS,
    INSPECTION_KINDS,
    INSPECTION_STATE_COLOURS,
    INSPECTION_STATES,
)
from .conf import overlap_window_days, visits_per_year
from .models import CaseFile, Finding, Inspection, InspectionPlan, PlanEntry

INSPECTION_SPEC = ListSpec(
    columns=[
        Column("number", "检查编号", link=True),
        Column("inspected_on", "检查日期"),
        Column("enterprise__organisation__name", "检查对象"),
        Column("enterprise__region__name", "县区"),
        Column("enterprise__tier", "监管层级"),
        Column("authority__name", "执法主体"),
        Column("agency__name", "检查科室/单位"),
        Column("kind", "检查类型"),
        Column("state", "状态"),
        Column("failed", "不符合项", sortable=False, value=lambda i: len(i.failed_items) or None),
        Column("is_demo", "演示"),
    ],
    filters={
        "state": Filter("状态", "state", choices=INSPECTION_STATES),
        "kind": Filter("检查类型", "kind", choices=INSPECTION_KINDS),
        "group": Filter("检查表", "sector_group", choices=SECTOR_GROUPS),
        "authority": Filter("执法主体", "authority__name__contains"),
        "region": Filter("县区", "enterprise__region__name__contains"),
        "year": Filter("年度", "inspected_on__year"),
    },
    search=("number", "enterprise__organisation__name", "participants", "summary"),
    default_sort="-inspected_on",
)

OVERLAP_SPEC = ListSpec(
    columns=[
        Column("created_at", "记录时间"),
        Column("enterprise__organisation__name", "检查对象", link=True),
        Column("authority__name", "安排单位"),
        Column("subject", "本次检查", sortable=False, value=lambda o: o.subject_label),
        Column("other_authority__name", "另一执法主体"),
        Column("other_label", "另一检查"),
        Column("days_apart", "相隔天数"),
        Column("window_days", "窗口(天)"),
        Column("reason", "仍需检查的理由"),
        Column("recorded_by__username", "记录人"),
        Column("is_demo", "演示"),
    ],
    filters={
        "authority": Filter("安排单位", "authority__name__contains"),
        "other": Filter("另一执法主体", "other_authority__name__contains"),
        "enterprise": Filter("检查对象", "enterprise__organisation__name__contains"),
    },
    search=("enterprise__organisation__name", "reason", "other_label"),
    default_sort="-created_at",
)

CASE_SPEC = ListSpec(
    columns=[
        Column("number", "案件编号", link=True),
        Column("filed_on", "立案日期"),
        Column("enterprise__organisation__name", "当事人"),
        Column("cause", "案由"),
        Column("authority__name", "执法主体"),
        Column("agency__name", "承办科室/单位"),
        Column("state", "办理阶段"),
        Column("penalty_amount", "罚款金额(元)"),
        Column("closed_on", "结案日期"),
        Column("is_demo", "演示"),
    ],
    filters={
        "state": Filter("办理阶段", "state", choices=CASE_STATES),
        "year": Filter("年度", "year"),
        "authority": Filter("执法主体", "authority__name__contains"),
    },
    search=("number", "cause", "enterprise__organisation__name", "decision"),
    default_sort="-filed_on",
)


def _internal_only(user):
    if not allows(user, "inspections.open"):
        raise PermissionDenied


def _org(pk):
    return Organisation.objects.filter(pk=int_or_none(pk) or 0).first()


@login_required
def index(request):
    qs = selectors.visible_inspections(request.user)
    return render_list(
        request,
        qs,
        INSPECTION_SPEC,
        "inspections/index.html",
        "执法检查",
        {"can_schedule": selectors.acting_authorities(request.user).exists()},
    )


@login_required
def plans(request):
    _internal_only(request.user)
    owners = selectors.acting_authorities(request.user)
    return render(
        request,
        "inspections/plans.html",
        {
            "title": "年度检查计划",
            "plans": selectors.visible_plans(request.user),
            "owners": owners,
            "visits": visits_per_year(),
            "window": overlap_window_days(),
        },
    )


@login_required
@require_POST
def plan_create(request):
    owner = _org(request.POST.get("owner"))
    if owner is None:
        messages.error(request, "请选择制定单位。")
        return redirect("inspections:plans")
    plan = run_service(
        request,
        lambda: services.do_create_plan(
            actor=request.user,
            owner=owner,
            year=request.POST.get("year"),
            title=request.POST.get("title", ""),
        ),
        "已创建年度检查计划。",
    )
    return redirect(plan.get_absolute_url() if plan else reverse("inspections:plans"))


@login_required
def plan_detail(request, pk):
    plan = get_restricted_or_404(selectors.visible_plans(request.user), request.user, pk=pk)
    can_edit = can(request.user, plan, "change")
    entries = (
        selectors.visible_entries(request.user).filter(plan=plan).prefetch_related("inspections")
    )
    proposals = selectors.plan_proposals(plan) if can_edit and request.GET.get("propose") else []
    return render(
        request,
        "inspections/plan.html",
        {
            "object": plan,
            "title": plan.title,
            "entries": entries,
            "can_edit": can_edit,
            "proposals": proposals,
            "showing_proposals": bool(request.GET.get("propose")),
            "agencies": selectors.agencies_for(request.user).filter(
                path__startswith=plan.owner.path
            ),
            "enterprises": selectors.inspectable_enterprises(request.user).order_by(
                "region__code", "organisation__name"
            )
            if can_edit
            else [],
            "visits": visits_per_year(),
            "window": overlap_window_days(),
            "months": range(1, 13),
            **record_extras(request, plan),
        },
    )


@login_required
@require_POST
def plan_build(request, pk):
    plan = get_restricted_or_404(InspectionPlan.objects.all(), request.user, "change", pk=pk)
    ids = [int(i) for i in request.POST.getlist("enterprise") if i.isdigit()]
    result = run_service(
        request,
        lambda: services.do_build_plan(
            actor=request.user,
            plan=plan,
            enterprise_ids=ids,
            agency=_org(request.POST.get("agency")),
            inspectors=request.POST.get("inspectors", ""),
        ),
        "已按建议生成检查计划条目。",
    )
    if result and result["skipped"]:
        names = "、".join(sorted({s["enterprise"] for s in result["skipped"]}))
        messages.warning(
            request,
            f"已生成 {result['created']} 条;以下企业可能与其他执法主体重复检查,未自动列入,"
            f"请单独添加并填写理由:{names}",
        )
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def plan_add_entry(request, pk):
    plan = get_restricted_or_404(InspectionPlan.objects.all(), request.user, "change", pk=pk)
    enterprise = Enterprise.objects.filter(pk=int_or_none(request.POST.get("enterprise")) or 0)
    enterprise = enterprise.first()
    if enterprise is None:
        messages.error(request, "请选择检查对象。")
        return redirect(plan.get_absolute_url())
    run_service(
        request,
        lambda: services.do_add_entry(
            actor=request.user,
            plan=plan,
            enterprise=enterprise,
            month=request.POST.get("month"),
            agency=_org(request.POST.get("agency")),
            inspectors=request.POST.get("inspectors", ""),
            reason=request.POST.get("reason", ""),
        ),
        "已添加计划检查。",
    )
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def plan_issue(request, pk):
    plan = get_restricted_or_404(InspectionPlan.objects.all(), request.user, "change", pk=pk)
    run_service(
        request,
        lambda: services.do_issue_plan(
            actor=request.user,
            plan=plan,
            expected_version=int_or_none(request.POST.get("version")),
        ),
        "计划已下达。",
    )
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def entry_cancel(request, pk):
    entry = get_restricted_or_404(PlanEntry.objects.all(), request.user, "change", pk=pk)
    run_service(
        request,
        lambda: services.do_cancel_entry(
            actor=request.user, entry=entry, reason=request.POST.get("reason", "")
        ),
        "已取消该计划检查。",
    )
    return redirect(entry.get_absolute_url())


@login_required
@require_POST
def entry_schedule(request, pk):
    entry = get_restricted_or_404(PlanEntry.objects.all(), request.user, "change", pk=pk)
    inspection = run_service(
        request,
        lambda: services.do_schedule_inspection(
            actor=request.user,
            entry=entry,
            inspected_on=request.POST.get("inspected_on"),
            agency=_org(request.POST.get("agency")),
            participants=request.POST.get("participants", ""),
            reason=request.POST.get("reason", ""),
        ),
        "已安排检查。",
    )
    return redirect(inspection.get_absolute_url() if inspection else entry.get_absolute_url())


@login_required
def inspection_new(request):
    """Schedule an inspection outside the plan (专项检查, 暗查暗访 …). On a duplicate warning the
    form comes back with the other inspections named and asks for a reason."""
    authorities = selectors.acting_authorities(request.user)
    if not authorities.exists():
        raise PermissionDenied
    overlaps, values = [], {}
    if request.method == "POST":
        values = request.POST
        enterprise = selectors.inspectable_enterprises(request.user).filter(
            pk=int_or_none(request.POST.get("enterprise")) or 0
        )
        try:
            inspection = services.do_schedule_inspection(
                actor=request.user,
                enterprise=enterprise.first(),
                inspected_on=request.POST.get("inspected_on"),
                agency=_org(request.POST.get("agency")),
                kind=request.POST.get("kind", "special"),
                participants=request.POST.get("participants", ""),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            overlaps = exc.details.get("overlaps", [])
        else:
            messages.success(request, f"已安排检查 {inspection.number}。")
            return redirect(inspection.get_absolute_url())
    return render(
        request,
        "inspections/inspection_new.html",
        {
            "title": "安排检查",
            "enterprises": selectors.inspectable_enterprises(request.user).order_by(
                "region__code", "organisation__name"
            ),
            "agencies": selectors.agencies_for(request.user),
            "kinds": [k for k in INSPECTION_KINDS if k[0] != "planned"],
            "overlaps": overlaps,
            "values": values,
            "window": overlap_window_days(),
        },
    )


@login_required
def inspection_detail(request, pk):
    inspection = get_restricted_or_404(
        selectors.visible_inspections(request.user), request.user, pk=pk
    )
    can_edit = can(request.user, inspection, "change")
    return render(
        request,
        "inspections/inspection.html",
        {
            "object": inspection,
            "title": f"执法检查 {inspection.number}",
            "group_label": SECTOR_GROUP_LABELS.get(inspection.sector_group, ""),
            "findings": selectors.visible_findings(request.user).filter(inspection=inspection),
            "overlaps": selectors.visible_overlaps(request.user).filter(inspection=inspection),
            "cases": selectors.visible_cases(request.user).filter(inspection=inspection),
            "can_edit": can_edit,
            "results": CHECK_RESULTS,
            "categories": FINDING_CATEGORIES,
            "levels": FINDING_LEVELS,
            "state_colours": INSPECTION_STATE_COLOURS,
            **record_extras(request, inspection),
        },
    )


@login_required
@require_POST
def inspection_checklist(request, pk):
    inspection = get_restricted_or_404(Inspection.objects.all(), request.user, "change", pk=pk)
    codes = [i["code"] for i in inspection.checklist]
    results = {
        c: request.POST.get(f"result_{c}", "") for c in codes if f"result_{c}" in request.POST
    }
    remarks = {
        c: request.POST.get(f"remark_{c}", "") for c in codes if f"remark_{c}" in request.POST
    }
    run_service(
        request,
        lambda: services.do_record_checklist(
            actor=request.user,
            inspection=inspection,
            results=results,
            remarks=remarks,
            participants=request.POST.get("participants"),
            enterprise_attendees=request.POST.get("enterprise_attendees"),
            summary=request.POST.get("summary"),
            expected_version=int_or_none(request.POST.get("version")),
        ),
        "检查表已保存。",
    )
    return redirect(inspection.get_absolute_url())


@login_required
@require_POST
def inspection_complete(request, pk):
    inspection = get_restricted_or_404(Inspection.objects.all(), request.user, "change", pk=pk)
    run_service(
        request,
        lambda: services.do_complete_inspection(
            actor=request.user,
            inspection=inspection,
            expected_version=int_or_none(request.POST.get("version")),
        ),
        "检查记录已完成。",
    )
    return redirect(inspection.get_absolute_url())


@login_required
@require_POST
def inspection_cancel(request, pk):
    inspection = get_restricted_or_404(Inspection.objects.all(), request.user, "change", pk=pk)
    run_service(
        request,
        lambda: services.do_cancel_inspection(
            actor=request.user, inspection=inspection, reason=request.POST.get("reason", "")
        ),
        "检查已取消。",
    )
    return redirect(inspection.get_absolute_url())


@login_required
@require_POST
def finding_add(request, pk):
    inspection = get_restricted_or_404(Inspection.objects.all(), request.user, "change", pk=pk)
    run_service(
        request,
        lambda: services.do_add_finding(
            actor=request.user,
            inspection=inspection,
            description=request.POST.get("description", ""),
            category=request.POST.get("category", ""),
            level=request.POST.get("level", "general"),
            location=request.POST.get("location", ""),
            item_code=request.POST.get("item_code", ""),
        ),
        "已登记发现的问题。",
    )
    return redirect(inspection.get_absolute_url() + "#findings")


@login_required
@require_POST
def finding_hazard(request, pk):
    finding = get_restricted_or_404(Finding.objects.all(), request.user, "change", pk=pk)
    hazard = run_service(
        request,
        lambda: services.do_create_hazard_from_finding(actor=request.user, finding=finding),
        "已登记为隐患,进入隐患排查治理闭环。",
    )
    if hazard is not None:
        return redirect(hazard.get_absolute_url())
    return redirect(finding.get_absolute_url())


@login_required
def overlaps(request):
    _internal_only(request.user)
    return render_list(
        request,
        selectors.visible_overlaps(request.user),
        OVERLAP_SPEC,
        "inspections/overlaps.html",
        "重复检查记录",
        {"window": overlap_window_days()},
    )


@login_required
def cases(request):
    _internal_only(request.user)
    return render_list(
        request,
        selectors.visible_cases(request.user),
        CASE_SPEC,
        "inspections/cases.html",
        "执法案件",
    )


@login_required
@require_POST
def case_open(request, pk):
    inspection = get_restricted_or_404(Inspection.objects.all(), request.user, "change", pk=pk)
    case = run_service(
        request,
        lambda: services.do_open_case(
            actor=request.user,
            enterprise=inspection.enterprise,
            agency=_org(request.POST.get("agency")) or inspection.agency,
            cause=request.POST.get("cause", ""),
            filed_on=request.POST.get("filed_on"),
            inspection=inspection,
            handlers=request.POST.get("handlers", ""),
        ),
        "已立案。",
    )
    return redirect(case.get_absolute_url() if case else inspection.get_absolute_url())


@login_required
def case_detail(request, pk):
    case = get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=pk)
    extras = record_extras(request, case)
    return render(
        request,
        "inspections/case.html",
        {
            "object": case,
            "title": f"执法案件 {case.number}",
            "states": CASE_STATES,
            "state_colours": CASE_STATE_COLOURS,
            "steps": services.allowed_case_steps(case),
            "systems": case.system_status(),
            "system_choices": CASE_SYSTEMS,
            "missing": services.missing_case_evidence(case),
            "can_edit": can(request.user, case, "change") and case.state != "closed",
            **extras,
        },
    )


@login_required
@require_POST
def case_advance(request, pk):
    case = get_restricted_or_404(CaseFile.objects.all(), request.user, "change", pk=pk)
    post = request.POST
    run_service(
        request,
        lambda: services.do_advance_case(
            actor=request.user,
            case=case,
            to_state=post.get("to_state", ""),
            investigation=post.get("investigation") or None,
            decision=post.get("decision") or None,
            decision_number=post.get("decision_number") or None,
            penalty_amount=post.get("penalty_amount") or None,
            execution=post.get("execution") or None,
            closed_on=post.get("closed_on") or None,
            expected_version=int_or_none(post.get("version")),
        ),
        "办理阶段已更新。",
    )
    return redirect(case.get_absolute_url())


@login_required
@require_POST
def case_system(request, pk):
    case = get_restricted_or_404(CaseFile.objects.all(), request.user, "change", pk=pk)
    attachment = None
    if request.POST.get("attachment"):
        attachment = Attachment.objects.filter(pk=int_or_none(request.POST["attachment"]) or 0)
        attachment = attachment.first()
    run_service(
        request,
        lambda: services.do_set_case_system(
            actor=request.user,
            case=case,
            system=request.POST.get("system", ""),
            done=request.POST.get("done", "1") == "1",
            note=request.POST.get("note", ""),
            attachment=attachment,
            expected_version=int_or_none(request.POST.get("version")),
        ),
        "三项制度记录已更新。",
    )
    return redirect(case.get_absolute_url())
