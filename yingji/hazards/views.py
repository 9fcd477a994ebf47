"""Pages of 隐患排查治理. Thin: fetch through restrict(), call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.calendars.templatetags.workdays import deadline_cell
from yingji.core.audit import history_for
from yingji.core.errors import DomainError
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, can, get_restricted_or_404, requires
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, download, form_input
from yingji.enterprises.choices import HAZCHEM_SECTORS, SECTOR_LABELS
from yingji.enterprises.selectors import visible_enterprises
from yingji.geo.models import Region
from yingji.standards import hazards as rules

from . import selectors, services
from .choices import (
    CATEGORIES,
    CATEGORY_LABELS,
    LEVELS,
    OPEN_STATES,
    SOURCES,
    STATE_COLOURS,
    STATES,
)
from .schemas import (
    GradeIn,
    HazardForm,
    HazardReasonIn,
    ImportIn,
    RectificationForm,
    StartForm,
    SuperviseIn,
    VerifyIn,
)

HAZARD_SPEC = ListSpec(
    columns=[
        Column("code", "编号", link=True),
        Column(
            "enterprise__name",
            "企业/场所",
            value=lambda h: h.subject,
            needs=("enterprise__organisation__name", "place"),
            from_values=lambda r: r["enterprise__organisation__name"] or r["place"],
        ),
        Column("region__name", "区域"),
        Column("category", "类别"),
        Column("level", "等级"),
        Column("state", "状态"),
        Column("found_on", "发现日期"),
        Column("deadline", "整改期限", display=deadline_cell),
        Column("source", "发现途径"),
        Column("supervised", "挂牌督办"),
        Column(
            "description",
            "描述",
            sortable=False,
            value=lambda h: h.description[:50],
            needs=("description",),
            from_values=lambda r: r["description"][:50],
        ),
    ],
    filters={
        "state": Filter("状态", "state", choices=STATES),
        "level": Filter("等级", "level", choices=LEVELS),
        "category": Filter("类别", "category", choices=CATEGORIES),
        "source": Filter("发现途径", "source", choices=SOURCES),
        "region": Filter("区域(代码)", "region__path__contains"),
        "enterprise": Filter("企业", "enterprise__organisation__name__contains"),
        "open": Filter(
            "是否销号",
            "state",
            choices=[("1", "未销号"), ("0", "已销号或作废")],
            where=lambda v, user: (
                Q(state__in=OPEN_STATES) if v == "1" else ~Q(state__in=OPEN_STATES)
            ),
        ),
        "overdue": Filter(
            "整改逾期",
            "deadline",
            choices=[("1", "逾期未整改")],
            where=lambda v, user: selectors.overdue_q() if v == "1" else Q(),
        ),
        "mine": Filter(
            "由我处理",
            "state",
            choices=[("1", "我可定级、验收、督办的")],
            where=lambda v, user: selectors.mine_q(user) if v == "1" else Q(),
        ),
        "supervised": Filter("挂牌督办", "supervised", choices=[("1", "是"), ("0", "否")]),
        "found_from": Filter("发现日期起", "found_on__gte"),
        "deadline_from": Filter("整改期限起", "deadline__gte"),
        "deadline_to": Filter("整改期限止", "deadline__lte"),
    },
    search=("code", "description", "enterprise__organisation__name", "place", "location"),
    default_sort="-found_on",
)


@login_required
def hazard_list(request):
    qs = selectors.visible_hazards(request.user)
    return render_list(
        request,
        qs,
        HAZARD_SPEC,
        "hazards/list.html",
        "隐患排查治理",
        {"can_register": allows(request.user, "hazards.register")},
    )


@requires("hazards.register")
def hazard_new(request):
    enterprises = visible_enterprises(request.user, "change").select_related("organisation")
    if request.method == "POST":
        hazard = _register(request, enterprises)
        if hazard is not None:
            return redirect(hazard)
    return render(
        request,
        "hazards/new.html",
        {
            "title": "登记隐患",
            "enterprises": enterprises.order_by("organisation__name")[:1000],
            "regions": Region.objects.filter(level="county").order_by("code"),
            "sources": SOURCES,
            "categories": CATEGORIES,
            "criteria": rules.criteria_2017(),
            "today": timezone.localdate(),
            "values": request.POST,
        },
    )


def _register(request, enterprises):
    """The registration form through HazardIn (as the API) and the service; the new hazard, or
    None after the reason is on the page (the form is shown again with what was typed)."""
    data = form_input(request, HazardForm)
    if data is None:
        return None
    enterprise = None
    if data.enterprise_id:
        enterprise = enterprises.filter(pk=data.enterprise_id).first()
        if enterprise is None:
            messages.error(request, "所选企业不在您的权限范围内。")
            return None
    try:
        hazard = services.do_register_hazard(
            actor=request.user,
            enterprise=enterprise,
            region=selectors.region_by_code(data.region),
            photos=data.photos,
            **data.service_kwargs(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, f"已登记隐患 {hazard.code}。")
    return hazard


def _timeline(hazard):
    return history_for(hazard)[1].order_by("time", "pk")


@login_required
def hazard_detail(request, pk):
    hazard = get_restricted_or_404(selectors.visible_hazards(request.user), request.user, pk=pk)
    today = timezone.localdate()
    is_hazchem = bool(hazard.enterprise_id and hazard.enterprise.sector in HAZCHEM_SECTORS)
    return render(
        request,
        "hazards/detail.html",
        {
            "object": hazard,
            "title": hazard.code,
            "colours": STATE_COLOURS,
            "timeline": _timeline(hazard),
            "score": selectors.score(hazard, today, services.weights()),
            "overdue_days": services.workdays_overdue(hazard, today),
            "can_handle": can(request.user, hazard, "change"),
            "can_regulate": can(request.user, hazard, "approve"),
            "can_verify": services.may_verify(request.user, hazard),
            "can_void": services.may_void(request.user, hazard),
            "is_hazchem": is_hazchem,
            "criteria": rules.criteria_2017(),
            "ticked": set(hazard.criteria or []),
            "plan_elements": rules.plan_elements(),
            "levels": LEVELS,
            "sector_label": SECTOR_LABELS.get(hazard.sector, hazard.sector),
            "supervisors": selectors.supervisors(request.user),
            "findings": getattr(hazard, "findings", None) and hazard.findings.all(),
            **record_extras(request, hazard),
        },
    )


# The closed loop's actions, one service each, with the schema the API endpoint takes.
ACTIONS = {
    "grade": action_view(
        fetch=selectors.visible_hazards,
        schema=GradeIn,
        call=lambda user, hazard, data: services.do_grade_hazard(
            actor=user,
            hazard=hazard,
            level=data.level,
            criteria=data.criteria,
            deadline_workdays=data.deadline_workdays,
            expected_version=data.version,
        ),
        success="已定级。",
    ),
    "on-the-spot": action_view(
        fetch=selectors.visible_hazards,
        schema=RectificationForm,
        call=lambda user, hazard, data: services.do_rectify_on_the_spot(
            actor=user,
            hazard=hazard,
            rectification=data.rectification,
            evidence=data.evidence,
            expected_version=data.version,
        ),
        success="已立即整改,等待验收。",
    ),
    "start": action_view(
        fetch=selectors.visible_hazards,
        schema=StartForm,
        call=lambda user, hazard, data: services.do_start_rectification(
            actor=user, hazard=hazard, plan=data.plan_dict(), expected_version=data.version
        ),
        success="已开始整改。",
    ),
    "submit": action_view(
        fetch=selectors.visible_hazards,
        schema=RectificationForm,
        call=lambda user, hazard, data: services.do_submit_rectification(
            actor=user,
            hazard=hazard,
            rectification=data.rectification,
            evidence=data.evidence,
            expected_version=data.version,
        ),
        success="已提交整改,等待验收。",
    ),
    "verify": action_view(
        fetch=selectors.visible_hazards,
        schema=VerifyIn,
        call=lambda user, hazard, data: services.do_verify_hazard(
            actor=user,
            hazard=hazard,
            passed=data.passed,
            opinion=data.opinion,
            expected_version=data.version,
        ),
        success=lambda hazard, data, _result: "已验收销号。" if data.passed else "已退回整改。",
    ),
    "supervise": action_view(
        fetch=selectors.visible_hazards,
        schema=SuperviseIn,
        call=lambda user, hazard, data: services.do_supervise_hazard(
            actor=user,
            hazard=hazard,
            supervisor=selectors.organisation_by_code(data.supervisor),
            until=data.until,
            expected_version=data.version,
        ),
        success="已挂牌督办。",
    ),
    "void": action_view(
        fetch=selectors.visible_hazards,
        schema=HazardReasonIn,
        call=lambda user, hazard, data: services.do_void_hazard(
            actor=user, hazard=hazard, reason=data.reason, expected_version=data.version
        ),
        success="已作废。",
    ),
}


@login_required
@require_POST
def hazard_action(request, pk, action):
    """hazards/<pk>/<action>/: one of ACTIONS."""
    view = ACTIONS.get(action)
    if view is None:
        messages.error(request, "未知的操作。")
        return redirect("hazards:detail", pk=pk)
    return view(request, pk)


@login_required
def queue(request):
    region = request.GET.get("region") or None
    if region and not region.isdigit():  # a GB/T 2260 code; anything else filters nothing
        region = None
    rows = selectors.ranked_queue(request.user, region_code=region)
    return render(
        request,
        "hazards/queue.html",
        {"title": "一责三排工作队列", "rows": rows, "colours": STATE_COLOURS, "region": region},
    )


@login_required
def stats(request):
    data = selectors.statistics(request.user)
    return render(
        request,
        "hazards/stats.html",
        {
            "title": "隐患统计",
            "stats": data,
            "state_labels": dict(STATES),
            "level_labels": dict(LEVELS),
            # a public place's hazard is counted under its category (城镇燃气, 消防安全 …)
            "sector_labels": {**CATEGORY_LABELS, **SECTOR_LABELS, "—": "未注明行业"},
        },
    )


@login_required
def import_template(request):
    from .importing import build_template

    return download(build_template(), "隐患导入模板.xlsx")


@requires("hazards.register")
def import_hazards(request):
    from yingji.core.uploads import read_upload

    from .importing import do_import_hazards

    result = None
    if request.method == "POST":
        data = form_input(request, ImportIn)
        if data is not None:
            try:
                result = do_import_hazards(
                    actor=request.user,
                    data=read_upload(data.file, extensions=(".xlsx",)),
                    only_valid=data.only_valid,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
    return render(request, "hazards/import.html", {"title": "批量导入隐患", "result": result})
