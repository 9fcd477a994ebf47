"""Pages of 执法检查. Thin: parse the form with the service's schema (the API's body), fetch
through restrict(), call one service, render or redirect. Most actions are
``yingji.core.webforms.action_view``s."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yingji.core.errors import DomainError, ValidationFailed
from yingji.core.hooks import preconditions
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, can, get_restricted_or_404, requires, restrict
from yingji.core.schemas import summary, validate
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, form_input, run_service
from yingji.enterprises.models import Enterprise

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
from .schemas import (
    AdvanceIn,
    BuildIn,
    CaseIn,
    ChecklistIn,
    EntryIn,
    FindingIn,
    InspectionReasonIn,
    InspectionScheduleIn,
    InspectionVersionIn,
    PlanIn,
    SystemIn,
)

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
        "date_from": Filter("检查日期起", "inspected_on__gte"),
        "date_to": Filter("检查日期止", "inspected_on__lte"),
        "mine": Filter(
            "由我执法",
            "state",
            choices=[("1", "本执法主体的")],
            where=lambda v, user: selectors.mine_q(user) if v == "1" else Q(),
        ),
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


def _all(model):
    """``fetch`` of an action view: every record, restricted by action_view for "change"."""
    return lambda user: model.objects.all()


def _enterprise(user, pk: int) -> Enterprise:
    enterprise = restrict(Enterprise.objects.all(), user).filter(pk=pk).first()
    if enterprise is None:
        raise ValidationFailed("请选择检查对象。", details={"field": "enterprise_id"})
    return enterprise


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


def _create_plan(user, data: PlanIn):
    owner = selectors.organisation(data.owner_id)
    if owner is None:
        raise ValidationFailed("请选择制定单位。", details={"field": "owner_id"})
    return services.do_create_plan(
        actor=user, owner=owner, year=data.year, title=data.title, note=data.note
    )


@login_required
@require_POST
def plan_create(request):
    data = form_input(request, PlanIn)
    plan = None
    if data is not None:
        plan = run_service(
            request, lambda: _create_plan(request.user, data), "已创建年度检查计划。"
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
    data = form_input(request, BuildIn)
    if data is None:
        return redirect(plan)
    result = run_service(
        request,
        lambda: services.do_build_plan(
            actor=request.user,
            plan=plan,
            enterprise_ids=data.enterprise_ids,
            agency=selectors.organisation(data.agency_id),
            inspectors=data.inspectors,
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
    return redirect(plan)


plan_add_entry = action_view(
    fetch=_all(InspectionPlan),
    action="change",
    schema=EntryIn,
    call=lambda user, plan, data: services.do_add_entry(
        actor=user,
        plan=plan,
        enterprise=_enterprise(user, data.enterprise_id),
        month=data.month,
        agency=selectors.organisation(data.agency_id),
        inspectors=data.inspectors,
        reason=data.reason,
    ),
    success="已添加计划检查。",
)

plan_issue = action_view(
    fetch=_all(InspectionPlan),
    action="change",
    schema=InspectionVersionIn,
    call=lambda user, plan, data: services.do_issue_plan(
        actor=user, plan=plan, expected_version=data.version
    ),
    success="计划已下达。",
)

entry_cancel = action_view(
    fetch=_all(PlanEntry),
    action="change",
    schema=InspectionReasonIn,
    call=lambda user, entry, data: services.do_cancel_entry(
        actor=user, entry=entry, reason=data.reason
    ),
    success="已取消该计划检查。",
)

entry_schedule = action_view(
    fetch=_all(PlanEntry),
    action="change",
    schema=InspectionScheduleIn,
    call=lambda user, entry, data: services.do_schedule_inspection(
        actor=user,
        entry=entry,
        inspected_on=data.inspected_on,
        agency=selectors.organisation(data.agency_id),
        participants=data.participants,
        reason=data.reason,
    ),
    success="已安排检查。",
    redirect_to=lambda entry, inspection: inspection.get_absolute_url(),
)


def _schedule_new(user, data: InspectionScheduleIn) -> Inspection:
    return services.do_schedule_inspection(
        actor=user,
        enterprise=selectors.inspectable_enterprises(user).filter(pk=data.enterprise).first(),
        inspected_on=data.inspected_on,
        agency=selectors.organisation(data.agency_id),
        kind=data.kind,
        participants=data.participants,
        reason=data.reason,
    )


@requires("inspections.schedule")
def inspection_new(request):
    """Schedule an inspection outside the plan (专项检查, 暗查暗访 …). On a duplicate warning the
    form comes back with the other inspections named and asks for a reason."""
    if not selectors.acting_authorities(request.user).exists():
        raise PermissionDenied
    overlaps, values = [], {}
    if request.method == "POST":
        values = request.POST
        data = form_input(request, InspectionScheduleIn)
        try:
            inspection = _schedule_new(request.user, data) if data is not None else None
        except DomainError as exc:
            messages.error(request, exc.message)
            overlaps = exc.details.get("overlaps", [])
        else:
            if inspection is not None:
                messages.success(request, f"已安排检查 {inspection.number}。")
                return redirect(inspection)
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
    # 完成 is offered only when the rules other modules add hold (the service checks them again)
    blocked = (
        preconditions("inspections.complete", inspection)
        if can_edit and inspection.state == "scheduled"
        else {}
    )
    return render(
        request,
        "inspections/inspection.html",
        {
            "object": inspection,
            "complete_blocked": list(blocked.values()),
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


def checklist_form(inspection: Inspection, post) -> dict:
    """The checklist form as ChecklistIn's data: ``result_<code>`` and ``remark_<code>`` of
    each item of this inspection; the people present and the summary as typed (an emptied
    field clears it)."""
    codes = [item["code"] for item in inspection.checklist]
    data = {
        "results": {c: post[f"result_{c}"] for c in codes if f"result_{c}" in post},
        "remarks": {c: post[f"remark_{c}"] for c in codes if f"remark_{c}" in post},
        "version": post.get("version") or None,
    }
    for name in ("participants", "enterprise_attendees", "summary"):
        if name in post:
            data[name] = post[name]
    return data


@login_required
@require_POST
def inspection_checklist(request, pk):
    inspection = get_restricted_or_404(Inspection.objects.all(), request.user, "change", pk=pk)
    parsed = validate(ChecklistIn, checklist_form(inspection, request.POST))
    if not parsed.ok:
        messages.error(request, summary(parsed.errors))
        return redirect(inspection)
    data = parsed.data
    run_service(
        request,
        lambda: services.do_record_checklist(
            actor=request.user,
            inspection=inspection,
            results=data.results,
            remarks=data.remarks,
            participants=data.participants,
            enterprise_attendees=data.enterprise_attendees,
            summary=data.summary,
            expected_version=data.version,
        ),
        "检查表已保存。",
    )
    return redirect(inspection)


inspection_complete = action_view(
    fetch=_all(Inspection),
    action="change",
    schema=InspectionVersionIn,
    call=lambda user, inspection, data: services.do_complete_inspection(
        actor=user, inspection=inspection, expected_version=data.version
    ),
    success="检查记录已完成。",
)

inspection_cancel = action_view(
    fetch=_all(Inspection),
    action="change",
    schema=InspectionReasonIn,
    call=lambda user, inspection, data: services.do_cancel_inspection(
        actor=user, inspection=inspection, reason=data.reason
    ),
    success="检查已取消。",
)

finding_add = action_view(
    fetch=_all(Inspection),
    action="change",
    schema=FindingIn,
    call=lambda user, inspection, data: services.do_add_finding(
        actor=user, inspection=inspection, **data.model_dump()
    ),
    success="已登记发现的问题。",
    redirect_to=lambda inspection, finding: inspection.get_absolute_url() + "#findings",
)

finding_hazard = action_view(
    fetch=_all(Finding),
    action="change",
    call=lambda user, finding, data: services.do_create_hazard_from_finding(
        actor=user, finding=finding
    ),
    success="已登记为隐患,进入隐患排查治理闭环。",
    redirect_to=lambda finding, hazard: hazard.get_absolute_url(),
)


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


case_open = action_view(
    fetch=_all(Inspection),
    action="change",
    schema=CaseIn,
    call=lambda user, inspection, data: services.do_open_case(
        actor=user,
        enterprise=inspection.enterprise,
        agency=selectors.organisation(data.agency_id) or inspection.agency,
        cause=data.cause,
        filed_on=data.filed_on,
        inspection=inspection,
        handlers=data.handlers,
    ),
    success="已立案。",
    redirect_to=lambda inspection, case: case.get_absolute_url(),
)


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


case_advance = action_view(
    fetch=_all(CaseFile),
    action="change",
    schema=AdvanceIn,
    call=lambda user, case, data: services.do_advance_case(
        actor=user, case=case, expected_version=data.version, **data.model_dump(exclude={"version"})
    ),
    success="办理阶段已更新。",
)

case_system = action_view(
    fetch=_all(CaseFile),
    action="change",
    schema=SystemIn,
    call=lambda user, case, data: services.do_set_case_system(
        actor=user,
        case=case,
        system=data.system,
        done=data.done,
        note=data.note,
        attachment=selectors.attachment(data.attachment_id),
        expected_version=data.version,
    ),
    success="三项制度记录已更新。",
)
