"""Pages of 行政处罚案件. Thin: parse the form with the service's schema (the API's body), fetch
through restrict(), call one service, redirect. The record page shows only the forms the case's
state and the user's rights allow (the same checks the services make)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.errors import DomainError, ValidationFailed
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, can, get_restricted_or_404, requires, restrict, scope_of
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, download, form_input, run_service
from yingji.enterprises.models import Enterprise
from yingji.standards import penalty_procedure as pp

from . import conf, documents, officers, selectors, services
from .actions import STEPS
from .choices import (
    APPROVAL_MODES,
    EVIDENCE_KINDS,
    PARTY_KINDS,
    SERVICE_METHODS,
    SOURCES,
    STATE_COLOURS,
    STATES,
)
from .models import PenaltyCase
from .permissions import bureau_paths
from .schemas import (
    PenApprovalIn,
    PenCloseIn,
    PenDecideIn,
    PenEnforceIn,
    PenEvidenceIn,
    PenExecuteIn,
    PenExtendIn,
    PenFileIn,
    PenFileReviewIn,
    PenHearingIn,
    PenHearingRequestIn,
    PenInvestigateIn,
    PenNoPenaltyIn,
    PenNotifyIn,
    PenOfficersIn,
    PenOpinionIn,
    PenReviewIn,
    PenServeIn,
    PenStatementIn,
    PenVersionIn,
    PenWithdrawIn,
)


def _days_left(case):
    return case.days_left


def _clock_filter(value, user):
    today = timezone.localdate()
    if value == "overdue":
        return selectors.open_q() & Q(deadline__lt=today)
    if value == "soon":
        return selectors.open_q() & Q(
            deadline__gte=today, deadline__lte=today + timezone.timedelta(days=15)
        )
    if value == "unpublished":
        return Q(state__in=sorted(pp.DECIDED_STATES), published_at__isnull=True)
    return Q()


CASE_SPEC = ListSpec(
    columns=[
        Column("number", "案件编号", link=True),
        Column("filed_on", "立案日期"),
        Column("party_name", "当事人"),
        Column("cause", "案由"),
        Column("authority__name", "执法主体"),
        Column("state", "办理阶段"),
        Column("deadline", "决定期限"),
        Column("days_left", "剩余天数", sortable=False, value=_days_left),
        Column("overdue", "超期", sortable=False, value=lambda c: "超期" if c.overdue else ""),
        Column("decided_fine", "罚款(元)"),
        Column("published_at", "公示时间"),
        Column("is_demo", "演示"),
    ],
    filters={
        "state": Filter("办理阶段", "state", choices=STATES),
        "year": Filter("年度", "year"),
        "authority": Filter("执法主体", "authority__name__contains"),
        "party": Filter("当事人", "party_name__contains"),
        "clock": Filter(
            "期限",
            "state",
            choices=[
                ("soon", "15日内到期"),
                ("overdue", "已超期"),
                ("unpublished", "已决定未公示"),
            ],
            where=_clock_filter,
        ),
    },
    search=("number", "cause", "party_name", "decision_number"),
    default_sort="-filed_on",
)


@login_required
def index(request):
    return render_list(
        request,
        selectors.visible_cases(request.user),
        CASE_SPEC,
        "penalties/index.html",
        "行政处罚案件",
        {"can_file": allows(request.user, "penalties.file")},
    )


def _agencies(user):
    from yingji.orgs.models import Organisation

    paths = bureau_paths(scope_of(user))
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(path__startswith=p)
    return Organisation.objects.filter(q).exclude(kind="enterprise").order_by("path")


def _authority_paths(user):
    return bureau_paths(scope_of(user))


@requires("penalties.file")
def new_case(request):
    paths = _authority_paths(request.user)
    today = timezone.localdate()
    if request.method == "POST":
        data = form_input(request, PenFileIn)
        if data is not None:
            case = run_service(request, lambda: _file(request.user, data), "已立案。")
            if case:
                return redirect(case)
    officer_choices = [o for p in paths for o in officers.choices(p, today)]
    values = request.POST if request.method == "POST" else _prefill(request)
    return render(
        request,
        "penalties/new.html",
        {
            "title": "行政处罚立案",
            "inspections": _source_inspections(request.user),
            "chosen_officers": [str(v) for v in values.getlist("officer_ids")]
            if hasattr(values, "getlist")
            else [],
            "agencies": _agencies(request.user),
            "enterprises": restrict(Enterprise.objects.all(), request.user)
            .select_related("organisation")
            .order_by("organisation__name"),
            "officers": officer_choices,
            "party_kinds": PARTY_KINDS,
            "sources": SOURCES,
            "values": values,
            "today": today,
        },
    )


def _source_inspections(user):
    """The completed inspections the filer may cite as the source (案件来源 = 执法检查), newest
    first; without one of them a case from an inspection cannot be filed."""
    from yingji.inspections.selectors import visible_inspections

    return (
        visible_inspections(user).filter(state="completed").order_by("-inspected_on", "-pk")[:300]
    )


def _source_hazard(user, pk):
    from yingji.hazards.selectors import visible_hazards

    if not pk:
        return None
    hazard = visible_hazards(user).filter(pk=pk).first()
    if hazard is None:
        raise ValidationFailed("来源隐患不存在或无权查看。", details={"hazard_id": "无效"})
    return hazard


def _from_hazard(request) -> dict:
    """GET ?hazard=<id> (the 立案查处 action on a hazard page): party, facts and the legal basis
    from the hazard not rectified in time."""
    from yingji.hazards.selectors import visible_hazards

    pk = request.GET.get("hazard", "")
    hazard = visible_hazards(request.user).filter(pk=pk).first() if pk.isdigit() else None
    if hazard is None:
        return {}
    deadline = f"{hazard.deadline:%Y年%-m月%-d日}" if hazard.deadline else "未定"
    return {
        "source": "hazard",
        "hazard_id": str(hazard.pk),
        "hazard": hazard,
        "enterprise_id": str(hazard.enterprise_id),
        "source_ref": f"隐患{hazard.code}",
        "cause": "未采取措施消除事故隐患(逾期未整改)",
        "facts": f"{hazard.found_on:%Y年%-m月%-d日}发现事故隐患:{hazard.description}"
        f"{('(' + hazard.location + ')') if hazard.location else ''};责令于{deadline}前整改,"
        f"逾期未整改(当前状态“{hazard.get_state_display()}”)。涉嫌违反《安全生产法》第四十一条,"
        "依据《安全生产法》第一百零二条处理。",
    }


def _prefill(request) -> dict:
    """GET ?inspection=<id>: the form starts from that inspection (source, party)."""
    from yingji.inspections.selectors import visible_inspections

    if request.GET.get("hazard"):
        return _from_hazard(request)
    pk = request.GET.get("inspection", "")
    inspection = visible_inspections(request.user).filter(pk=pk).first() if pk.isdigit() else None
    if inspection is None:
        return {}
    return {
        "source": "inspection",
        "inspection_id": str(inspection.pk),
        "enterprise_id": str(inspection.enterprise_id),
        "source_ref": inspection.number,
    }


def _file(user, data: PenFileIn):
    from yingji.inspections.selectors import visible_inspections
    from yingji.orgs.models import Organisation

    agency = Organisation.objects.filter(pk=data.agency_id).first()
    if agency is None:
        raise ValidationFailed("请选择承办科室/单位。", details={"agency_id": "必填"})
    enterprise = None
    if data.enterprise_id:
        enterprise = restrict(Enterprise.objects.all(), user).filter(pk=data.enterprise_id).first()
        if enterprise is None:
            raise ValidationFailed("请选择当事人企业。", details={"enterprise_id": "无效"})
    inspection = None
    if data.inspection_id:
        inspection = visible_inspections(user).filter(pk=data.inspection_id).first()
        if inspection is None:
            raise ValidationFailed("来源检查不存在或无权查看。", details={"inspection_id": "无效"})
    return services.do_file_case(
        actor=user,
        agency=agency,
        party_kind=data.party_kind,
        enterprise=enterprise,
        party_name=data.party_name,
        party_address=data.party_address,
        source=data.source,
        inspection=inspection,
        source_ref=data.source_ref,
        cause=data.cause,
        facts=data.facts,
        filed_on=data.filed_on,
        filing_approver=data.filing_approver,
        officer_ids=data.officer_ids,
        hazard=_source_hazard(user, data.hazard_id),
    )


def _forms(user, case) -> dict:
    """Which forms the page shows: the table's actions from this state, narrowed by the same
    rules the services apply (a button appears only if its service would accept the user)."""
    if not can(user, case, "change"):
        reviewer = case.state == "legal_review" and services.may_review(user, case) is None
        return {"legal_review": reviewer}
    actions = set(pp.allowed_actions(case.state))
    major = services.is_major(case)
    shown = {a: True for a in actions}
    shown["request_hearing"] = (
        "request_hearing" in actions and case.hearing_right and not case.statement_waived
    )
    shown["submit_legal_review"] = "submit_legal_review" in actions and major
    shown["submit_approval"] = (
        "submit_approval" in actions and not major and case.state != "legal_review"
    )
    shown["return_for_review"] = False
    shown["legal_review"] = case.state == "legal_review" and services.may_review(user, case) is None
    shown["decide"] = "decide" in actions and bool(case.approval_mode)
    shown["decide_no_penalty"] = "decide_no_penalty" in actions and bool(case.approval_mode)
    shown["approval"] = case.state == "approval" and not case.approval_mode
    shown["statement"] = case.state == "notified" and not (
        case.statement_on or case.statement_waived
    )
    shown["hearing_held"] = case.state == "hearing" and not case.hearing_on
    shown["evidence"] = case.state in services.EVIDENCE_STATES
    shown["extend"] = case.clock_running
    shown["publish"] = case.is_decided and not case.published_at
    shown["apply_enforcement"] = "apply_enforcement" in actions and "fine" in case.decided_kinds
    shown["officers"] = case.state in services.OPEN_FOR_OFFICERS
    return shown


def _officers_problem(user, case) -> str:
    """Why the case's officers cannot take its next field step today (shown to those who act)."""
    if case.state not in services.OPEN_FOR_OFFICERS or not can(user, case, "change"):
        return ""
    try:
        services.case_officers_today(case)
    except DomainError as exc:
        return exc.message
    return ""


@login_required
def case_detail(request, pk):
    case = get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=pk)
    internal = can(request.user, case, "change") or scope_of(request.user).read_all
    today = timezone.localdate()
    return render(
        request,
        "penalties/case.html",
        {
            "object": case,
            "title": f"行政处罚案件 {case.number}",
            "internal": internal,
            "state_colour": STATE_COLOURS.get(case.state, "secondary"),
            "decided_labels": "、".join(pp.PENALTY_LABELS.get(k, k) for k in case.decided_kinds),
            "steps": selectors.visible_steps(request.user, case).prefetch_related("officers"),
            "evidence": selectors.visible_evidence(request.user, case) if internal else [],
            "extensions": case.extensions.all() if internal else [],
            "reviews": case.file_reviews.select_related("reviewer") if internal else [],
            "forms": _forms(request.user, case),
            "officer_choices": officers.choices(
                case.authority.path, today, enterprise_id=case.enterprise_id
            ),
            "case_officers": case.officers.all(),
            "officers_problem": _officers_problem(request.user, case),
            "hearing_reasons": services.hearing_reasons(case) if case.proposed_kinds else [],
            "major_reasons": [pp.MAJOR_LABELS[k] for k in services.major_reasons(case)],
            "statement_deadline": services.statement_deadline(case),
            "hearing_deadline": services.hearing_request_deadline(case),
            "publication_deadline": services.publication_deadline(case),
            "payment_deadline": services.payment_deadline(case),
            "penalty_kinds": pp.PENALTY_KINDS,
            "penalty_labels": pp.PENALTY_LABELS,
            "asserted_criteria": [(k, pp.MAJOR_LABELS[k]) for k in pp.ASSERTED_CRITERIA],
            "evidence_kinds": EVIDENCE_KINDS,
            "service_methods": SERVICE_METHODS,
            "approval_modes": APPROVAL_MODES,
            "sheet": conf.case_file_sheet(),
            "may_review_file": case.state == "closed"
            and services.may_review(request.user, case) is None,
            "today": today,
            **record_extras(request, case),
        },
    )


def _all(user):
    return PenaltyCase.objects.all()


def _act(schema, call, success, action="change"):
    return action_view(fetch=_all, action=action, schema=schema, call=call, success=success)


def _v(data):
    return data.version


extend = _act(
    PenExtendIn,
    STEPS["extend"],
    "已延长决定期限。",
)
change_officers = _act(
    PenOfficersIn,
    STEPS["officers"],
    "已调整承办执法人员。",
)
investigate = _act(
    PenInvestigateIn,
    STEPS["investigate"],
    "已开始调查取证。",
)
review = _act(
    PenReviewIn,
    STEPS["review"],
    "已调查终结,进入案件审理。",
)
notify = _act(
    PenNotifyIn,
    STEPS["notify"],
    lambda c, d, r: "已事先告知。" + ("当事人享有听证权。" if r.hearing_right else ""),
)
statement = _act(
    PenStatementIn,
    STEPS["statement"],
    "已记录陈述申辩。",
)
request_hearing = _act(
    PenHearingRequestIn,
    STEPS["request_hearing"],
    "已登记听证申请。",
)
hearing = _act(
    PenHearingIn,
    STEPS["hearing"],
    "已记录听证。",
)
submit_legal_review = _act(
    PenVersionIn,
    STEPS["submit_legal_review"],
    "已提交法制审核。",
)
pass_legal_review = _act(
    PenOpinionIn,
    STEPS["pass_legal_review"],
    "法制审核通过,已提交负责人集体讨论/审批。",
    action="view",
)
return_legal_review = _act(
    PenOpinionIn,
    STEPS["return_legal_review"],
    "法制审核未通过,已退回审理。",
    action="view",
)
submit_approval = _act(
    PenVersionIn,
    STEPS["submit_approval"],
    "已提交负责人审批。",
)
approval = _act(
    PenApprovalIn,
    STEPS["approval"],
    "已记录审批。",
)
decide = _act(
    PenDecideIn,
    STEPS["decide"],
    "已作出行政处罚决定,可下载决定书。",
)
no_penalty = _act(
    PenNoPenaltyIn,
    STEPS["no_penalty"],
    "已决定不予行政处罚。",
)
enforce = _act(
    PenEnforceIn,
    STEPS["enforce"],
    "已登记申请强制执行。",
)
execute = _act(
    PenExecuteIn,
    STEPS["execute"],
    "已登记执行完毕。",
)
close = _act(
    PenCloseIn,
    STEPS["close"],
    "已结案。",
)
withdraw = _act(
    PenWithdrawIn,
    STEPS["withdraw"],
    "已撤案。",
)
publish = _act(
    PenVersionIn,
    STEPS["publish"],
    "已在行政执法公示页面公示。",
)


@login_required
@require_POST
def add_evidence(request, pk):
    case = get_restricted_or_404(PenaltyCase.objects.all(), request.user, "change", pk=pk)
    data = form_input(request, PenEvidenceIn)
    if data is not None:
        run_service(
            request,
            lambda: services.do_add_evidence(
                actor=request.user, case=case, upload=request.FILES.get("file"), **data.model_dump()
            ),
            "已登记证据。",
        )
    return redirect(case.get_absolute_url() + "#evidence")


@login_required
@require_POST
def serve(request, pk):
    case = get_restricted_or_404(PenaltyCase.objects.all(), request.user, "change", pk=pk)
    data = form_input(request, PenServeIn)
    if data is not None:
        run_service(
            request,
            lambda: services.do_serve(
                actor=request.user,
                case=case,
                method=data.method,
                served_on=data.served_on,
                proof=request.FILES.get("proof"),
                expected_version=data.version,
            ),
            "已登记送达。",
        )
    return redirect(case)


@login_required
@require_POST
def file_review(request, pk):
    case = get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=pk)
    scores = {}
    for key, _label, _points in conf.case_file_sheet():
        raw = request.POST.get(f"score_{key}", "")
        if raw.strip().lstrip("-").isdigit():
            scores[key] = int(raw)
    from yingji.core.schemas import summary, validate

    parsed = validate(
        PenFileReviewIn, {"scores": scores, "remarks": request.POST.get("remarks", "")}
    )
    if not parsed.ok:
        messages.error(request, summary(parsed.errors))
        return redirect(case)
    run_service(
        request,
        lambda: services.do_review_case_file(
            actor=request.user, case=case, scores=parsed.data.scores, remarks=parsed.data.remarks
        ),
        "已完成案卷评查。",
    )
    return redirect(case.get_absolute_url() + "#review")


@login_required
def decision_docx(request, pk):
    case = get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=pk)
    if not case.is_decided:
        raise Http404("尚未作出处罚决定。")
    return download(documents.decision_docx(case), f"行政处罚决定书-{case.number}.docx")


@requires("penalties.reviews")
def reviews(request):
    return render(
        request,
        "penalties/reviews.html",
        {
            "title": "案卷评查",
            "reviews": selectors.visible_reviews(request.user)[:200],
            "scores": selectors.review_scores(request.user),
            "sheet": conf.case_file_sheet(),
            "full": pp.sheet_total(conf.case_file_sheet()),
        },
    )


def public_list(request):
    """行政执法公示(事后): published decisions, no login; individuals' names redacted."""
    return render(
        request,
        "penalties/public.html",
        {
            "title": "行政处罚决定公示",
            "cases": selectors.public_cases()[:200],
            "workdays": conf.publication_workdays(),
            "labels": pp.PENALTY_LABELS,
        },
    )
