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
from yingji.standards import major_hazard_criteria as criteria_rules

from . import selectors, services
from .choices import (
    ASSESSORS,
    CATEGORIES,
    CATEGORY_LABELS,
    LEVELS,
    OPEN_STATES,
    PRODUCTION_STATUSES,
    SOURCES,
    STATE_COLOURS,
    STATES,
)
from .conf import allow_low_criteria
from .schemas import (
    AssessmentForm,
    GradeIn,
    HazardForm,
    HazardReasonIn,
    HazardReopenIn,
    HazardReturnGenerateIn,
    HazardReturnSubmitIn,
    HazardSampleIn,
    ImportIn,
    MajorReportForm,
    ProductionStatusIn,
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
            "enterprises": _with_industry(enterprises.order_by("organisation__name")[:1000]),
            "regions": Region.objects.filter(level="county").order_by("code"),
            "sources": SOURCES,
            "categories": CATEGORIES,
            "criteria": rules.criteria_2017(),
            "industry_criteria": _criteria_groups(),
            "today": timezone.localdate(),
            "values": request.POST,
        },
    )


def _with_industry(enterprises) -> list:
    """The enterprises, each with ``industry``: the 重大隐患判定标准 that applies to it."""
    rows = list(enterprises)
    for e in rows:
        e.industry = criteria_rules.industry_for(e.sector) or ""
    return rows


def _criteria_groups(industry: str | None = None) -> list[dict]:
    """The 判定标准 items by industry (one industry's when given), for a select's optgroups."""
    groups = []
    for key, ind in criteria_rules.industries().items():
        if industry is not None and key != industry:
            continue
        rows = criteria_rules.items(key)
        if not allow_low_criteria():  # LOW items are not offered when they may not be cited
            rows = [r for r in rows if r["confidence"] != "LOW"]
        if rows:
            groups.append({"key": key, **ind, "items": rows})
    return groups


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
    industry = criteria_rules.industry_for(hazard.sector, hazard.category)
    user = request.user
    regulator = can(user, hazard, "approve")
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
            "can_grade": services.may_grade(user, hazard),
            "can_report": services.may_report(user, hazard),
            "can_assess": services.may_assess(user, hazard),
            "can_set_production": services.may_set_production(user, hazard),
            "can_reopen": services.may_reopen(user, hazard),
            "can_sample": regulator and hazard.state == "closed",
            "is_own": services.is_own(user, hazard),
            "industry_criteria": _criteria_groups(industry) if industry else [],
            "criterion": _cited(hazard.criterion_code),
            "report_elements": rules.REPORT_ELEMENTS,
            "production_statuses": [p for p in PRODUCTION_STATUSES if p[0] != "normal"],
            "assessors": ASSESSORS,
            "evidence_count": services.rectification_evidence_count(hazard),
            "review_overdue": bool(
                hazard.state == "awaiting_verification"
                and hazard.resume_review_due
                and hazard.resume_review_due < today
            ),
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


def _cited(code: str) -> dict | None:
    if not code:
        return None
    try:
        row = criteria_rules.item(code)
    except KeyError:
        return {"code": code, "text": "(条款已不在判定标准数据中)", "cite": code}
    return {**row, "cite": criteria_rules.cite(code)}


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
            criterion_code=data.criterion_code,
            expected_version=data.version,
        ),
        success="已定级。",
    ),
    "report": action_view(
        fetch=selectors.visible_hazards,
        schema=MajorReportForm,
        call=lambda user, hazard, data: services.do_report_major_hazard(
            actor=user,
            hazard=hazard,
            situation=data.situation,
            harm=data.harm,
            plan=data.plan_dict(),
            approver=data.approver,
            approved_on=data.approved_on,
            expected_version=data.version,
        ),
        success="已报送重大隐患报告。",
    ),
    "production": action_view(
        fetch=selectors.visible_hazards,
        schema=ProductionStatusIn,
        call=lambda user, hazard, data: services.do_set_production_status(
            actor=user,
            hazard=hazard,
            status=data.status,
            reason=data.reason,
            expected_version=data.version,
        ),
        success="已登记停产情况。",
    ),
    "assess": action_view(
        fetch=selectors.visible_hazards,
        schema=AssessmentForm,
        call=lambda user, hazard, data: services.do_record_assessment(
            actor=user,
            hazard=hazard,
            assessor_kind=data.assessor_kind,
            assessor=data.assessor,
            conclusion=data.conclusion,
            assessed_on=data.assessed_on,
            files=data.files,
            expected_version=data.version,
        ),
        success="已登记治理情况评估,可以提出恢复生产申请。",
    ),
    "reopen": action_view(
        fetch=selectors.visible_hazards,
        schema=HazardReopenIn,
        call=lambda user, hazard, data: services.do_reopen_hazard(
            actor=user, hazard=hazard, reason=data.reason, expected_version=data.version
        ),
        success="已重新打开,退回整改。",
    ),
    "sample": action_view(
        fetch=selectors.visible_hazards,
        schema=HazardSampleIn,
        call=lambda user, hazard, data: services.do_sample_hazard(
            actor=user,
            hazard=hazard,
            passed=data.passed,
            opinion=data.opinion,
            expected_version=data.version,
        ),
        success="已记录抽查结果。",
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


# --- 统计分析表 (16号令 Art. 14) -------------------------------------------------------------

RETURN_SPEC = ListSpec(
    columns=[
        Column("enterprise__organisation__name", "企业", link=True),
        Column("enterprise__region__name", "区域"),
        Column(
            "year",
            "统计期",
            value=lambda r: r.period_label,
            needs=("year", "kind", "quarter"),
            from_values=lambda r: (
                f"{r['year']}年度" if r["kind"] == "year" else f"{r['year']}年第{r['quarter']}季度"
            ),
        ),
        Column("state", "状态"),
        Column("due_on", "报送期限"),
        Column("submitted_at", "报送时间"),
        Column("signed_by", "主要负责人"),
    ],
    filters={
        "kind": Filter("统计期类型", "kind", choices=[("quarter", "季度"), ("year", "年度")]),
        "year": Filter("年度", "year"),
        "quarter": Filter("季度", "quarter", choices=[(str(i), f"第{i}季度") for i in range(1, 5)]),
        "state": Filter("状态", "state", choices=[("draft", "草稿"), ("submitted", "已报送")]),
        "enterprise": Filter("企业", "enterprise__organisation__name__contains"),
    },
    search=("enterprise__organisation__name",),
    default_sort="-year",
)

RETURN_STATE_LABELS = {"submitted": "已报送", "draft": "草稿(未报送)", None: "未报送"}

STATUS_SPEC = ListSpec(
    columns=[
        Column("organisation__name", "企业", link=True),
        Column("region__name", "区域"),
        Column("tier", "监管层级"),
        Column(
            "return_state",
            "报送情况",
            value=lambda e: RETURN_STATE_LABELS.get(e.return_state, e.return_state),
            needs=("return_state",),
            from_values=lambda r: RETURN_STATE_LABELS.get(r["return_state"], r["return_state"]),
        ),
        Column("return_submitted_at", "报送时间"),
    ],
    filters={
        "submitted": Filter(
            "报送情况",
            "return_state",
            choices=[("1", "已报送"), ("0", "未报送")],
            where=lambda v, user: (
                Q(return_state="submitted")
                if v == "1"
                else ~Q(return_state="submitted")
                if v == "0"
                else Q()
            ),
        ),
        "region": Filter("区域(代码)", "region__path__contains"),
        "enterprise": Filter("企业", "organisation__name__contains"),
    },
    search=("organisation__name",),
    default_sort="organisation__name",
)


@login_required
def returns(request):
    """统计分析表: an enterprise's own returns (and the form to generate one); a regulator's
    list of the returns of the enterprises it sees."""
    own = selectors.own_enterprises(request.user)
    kind, year, quarter = selectors.last_period()
    return render_list(
        request,
        selectors.visible_returns(request.user),
        RETURN_SPEC,
        "hazards/returns.html",
        "隐患排查治理统计分析表",
        {
            "own_enterprises": own.order_by("organisation__name")[:20],
            "default_year": year,
            "default_quarter": quarter,
            "quarters": range(1, 5),
            "period": selectors.period_code(kind, year, quarter),
        },
    )


@login_required
def return_status(request):
    """报送情况: for a period, which of the enterprises the user sees have submitted."""
    kind, year, quarter = selectors.parse_period(request.GET.get("period"))
    code = selectors.period_code(kind, year, quarter)
    qs = selectors.return_status(request.user, kind, year, quarter)
    today = timezone.localdate()
    periods = []
    for back in range(0, 8):
        k, y, q = selectors.last_period(today)
        q -= back
        while q < 1:
            q, y = q + 4, y - 1
        periods.append((selectors.period_code(k, y, q), f"{y}年第{q}季度"))
    periods += [(f"{today.year - 1}Y", f"{today.year - 1}年度")]
    return render_list(
        request,
        qs,
        STATUS_SPEC,
        "hazards/return_status.html",
        f"统计分析表报送情况({code})",
        {
            "period": code,
            "periods": periods,
            "due_on": services.return_due(kind, year, quarter),
            "counts": {
                "all": qs.count(),
                "submitted": qs.filter(return_state="submitted").count(),
            },
        },
    )


@login_required
def return_detail(request, pk):
    row = get_restricted_or_404(selectors.visible_returns(request.user), request.user, pk=pk)
    return render(
        request,
        "hazards/return_detail.html",
        {
            "object": row,
            "title": f"统计分析表 {row}",
            "can_submit": row.state == "draft" and can(request.user, row, "change"),
            "late": bool(row.submitted_at and timezone.localdate(row.submitted_at) > row.due_on),
            **record_extras(request, row),
        },
    )


@login_required
@require_POST
def return_generate(request):
    data = form_input(request, HazardReturnGenerateIn)
    if data is None:
        return redirect("hazards:returns")
    own = selectors.own_enterprises(request.user)
    enterprise = own.filter(pk=data.enterprise_id).first() if data.enterprise_id else own.first()
    if enterprise is None:
        messages.error(request, "统计分析表由企业自行生成和报送。")
        return redirect("hazards:returns")
    try:
        row = services.do_generate_hazard_return(
            actor=request.user,
            enterprise=enterprise,
            kind=data.kind,
            year=data.year,
            quarter=data.quarter,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("hazards:returns")
    messages.success(request, f"已生成{row.period_label}统计分析表,请核对后报送。")
    return redirect(row)


return_submit = action_view(
    fetch=selectors.visible_returns,
    schema=HazardReturnSubmitIn,
    call=lambda user, row, data: services.do_submit_hazard_return(
        actor=user,
        hazard_return=row,
        signed_by=data.signed_by,
        analysis=data.analysis,
        expected_version=data.version,
    ),
    success="统计分析表已报送。",
)
