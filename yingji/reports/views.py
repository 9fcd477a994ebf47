"""研判简报 pages: the list (with the 生成 form), a brief (figures, charts, 研判意见, workflow),
its print page and its .docx. Thin: fetch through restrict(), one service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, get_restricted_or_404, requires, scope_of
from yingji.core.schemas import summary, validate
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, download, form_input, run_service

from . import selectors, services
from .choices import BRIEF_KINDS, BRIEF_STATE_COLOURS, BRIEF_STATES
from .documents import METRIC_COLUMNS, metric_rows, state_label
from .permissions import may_write_region
from .schemas import (
    BriefApproveIn,
    BriefDistributeIn,
    BriefGenerateIn,
    BriefIssueIn,
    BriefOpinionsIn,
    BriefReturnIn,
    BriefSubmitIn,
    BriefTemplateIn,
)
from .sections import SECTION_TITLES
from .templating import brief_docx


def _day_q(value: str) -> Q:
    """Briefs whose period contains the day (a day that is not a date matches nothing)."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return Q(pk__in=[])
    return Q(period_start__lte=day, period_end__gte=day)


BRIEF_SPEC = ListSpec(
    columns=[
        Column("title", "标题", link=True),
        Column("kind", "类型"),
        Column("region__name", "区域"),
        Column("period_start", "起始日期"),
        Column("period_end", "截止日期"),
        Column("state", "状态"),
        Column("number", "编号"),
        Column("issued_at", "印发时间"),
    ],
    filters={
        "kind": Filter("类型", "kind", choices=BRIEF_KINDS),
        "state": Filter("状态", "state", choices=BRIEF_STATES),
        "region": Filter("区域(编码)", "region__code"),
        "year": Filter("年度", "period_start__year"),
        "day": Filter("所含日期(如 2026-03-10)", "period_start", where=lambda v, u: _day_q(v)),
        # the 工作台's 待阅 figure links here: the issued briefs sent to me and not yet read
        "unread": Filter(
            "待我阅读",
            "pk",
            choices=[("1", "是")],
            where=lambda value, user: (
                Q(pk__in=selectors.unread_briefs(user).values("brief_id")) if value == "1" else Q()
            ),
        ),
    },
    # the archive search: number, title and the full text of the frozen snapshot and opinions
    search=("search_text",),
    default_sort="-period_start",
)


@requires("reports.open")
def brief_list(request):
    can_write = allows(request.user, "reports.write")
    return render_list(
        request,
        selectors.visible_briefs(request.user),
        BRIEF_SPEC,
        "reports/briefs.html",
        "研判简报",
        extra={
            "can_write": can_write,
            "regions": selectors.regions_for(request.user) if can_write else [],
            "kinds": BRIEF_KINDS,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def generate(request):
    data = form_input(request, BriefGenerateIn)
    if data is None:
        return redirect("reports:index")
    brief = run_service(
        request,
        lambda: services.do_generate_brief(actor=request.user, data=data),
        lambda b: f"已生成“{b.title}”(草稿),数据已固定为快照。",
    )
    return redirect(brief if brief else "reports:index")


def _may(user, brief, action: str) -> bool:
    return (
        allows(user, "reports.write")
        and selectors.visible_briefs(user, action).filter(pk=brief.pk).exists()
    )


def _sections(brief) -> list[dict]:
    state_at = state_label(brief.figures)
    return [
        {
            **s,
            "rows": metric_rows(s, state_at),
            "tables": selectors.section_tables(s),
            "opinion": brief.opinions.get(s["key"], ""),
        }
        for s in brief.figures.get("sections", [])
    ]


@login_required
def brief_detail(request, pk):
    brief = get_restricted_or_404(selectors.visible_briefs(request.user), request.user, pk=pk)
    user = request.user
    can_change = _may(user, brief, "change")
    is_drafter = user.pk in (brief.drafted_by_id, brief.submitted_by_id)
    return render(
        request,
        "reports/brief.html",
        {
            "title": brief.title,
            "object": brief,
            "figures": brief.figures,
            "sections": _sections(brief),
            "state_at": state_label(brief.figures),
            "columns": METRIC_COLUMNS,
            "charts": selectors.chart_rows(brief.figures),
            "state_colour": BRIEF_STATE_COLOURS[brief.state],
            "can_edit": can_change and brief.state == "draft",
            "can_review": can_change and brief.state == "submitted" and not is_drafter,
            "can_issue": can_change and brief.state == "approved",
            "waiting_other": can_change and brief.state == "submitted" and is_drafter,
            "deliveries": selectors.delivery_summary(user, brief),
            "can_distribute": brief.state == "issued"
            and allows(user, "reports.write")
            and may_write_region(scope_of(user), brief.region),
            "recipient_roles": RECIPIENT_ROLES,
            "recipients": selectors.recipient_choices() if brief.state == "issued" else None,
            **record_extras(request, brief),
        },
    )


@login_required
def brief_print(request, pk):
    brief = get_restricted_or_404(selectors.visible_briefs(request.user), request.user, pk=pk)
    return render(
        request,
        "reports/print.html",
        {
            "title": brief.title,
            "object": brief,
            "figures": brief.figures,
            "sections": _sections(brief),
            "columns": METRIC_COLUMNS,
        },
    )


@login_required
def brief_word(request, pk):
    brief = get_restricted_or_404(
        selectors.visible_briefs(request.user, "export"), request.user, "export", pk=pk
    )
    return download(brief_docx(brief), f"{brief.title}.docx")


def opinions_data(post) -> dict:
    """The 研判意见 form (one textarea per section, ``opinion_<key>``) as the service's input."""
    return {
        "opinions": {k: post.get(f"opinion_{k}", "") for k in SECTION_TITLES},
        "risk_outlook": post.get("risk_outlook", ""),
        "advice": post.get("advice", ""),
        "version": post.get("version") or None,
    }


@login_required
@require_POST
def edit(request, pk):
    brief = get_restricted_or_404(
        selectors.visible_briefs(request.user, "change"), request.user, "change", pk=pk
    )
    parsed = validate(BriefOpinionsIn, opinions_data(request.POST))
    if not parsed.ok:
        from django.contrib import messages

        messages.error(request, summary(parsed.errors))
        return redirect(brief)
    run_service(
        request,
        lambda: services.do_edit_brief(actor=request.user, brief=brief, data=parsed.data),
        "已保存研判意见。",
    )
    return redirect(brief)


edit.action_schema = BriefOpinionsIn


def _action(schema, fn, message):
    return action_view(
        fetch=lambda user: selectors.visible_briefs(user, "change"),
        schema=schema,
        action="change",
        call=lambda user, brief, data: fn(actor=user, brief=brief, data=data),
        success=message,
    )


submit = _action(BriefSubmitIn, services.do_submit_brief, "已送审。")
approve = _action(BriefApproveIn, services.do_approve_brief, "已审核通过。")
send_back = _action(BriefReturnIn, services.do_return_brief, "已退回起草人修改。")
issue = _action(
    BriefIssueIn,
    services.do_issue_brief,
    lambda brief, data, result: f"已印发,编号{result.number}。",
)


RECIPIENT_ROLES = [
    ("city_leader", "局领导"),
    ("city_staff", "市局科室"),
    ("duty_officer", "值班员"),
    ("county_staff", "县区应急局"),
]

distribute = action_view(
    fetch=selectors.visible_briefs,
    schema=BriefDistributeIn,
    call=lambda user, brief, data: services.do_distribute_brief(actor=user, brief=brief, data=data),
    success=lambda brief, data, made: f"已分发给{len(made)}人。",
)
mark_read = action_view(
    fetch=selectors.visible_briefs,
    call=lambda user, brief, data: services.do_read_brief(actor=user, brief=brief),
    success="已阅。",
)


@requires("reports.open")
def templates(request):
    """简报模板: the Word template of each kind (uploaded, or the shipped default), the
    placeholders a template may use, the upload form (city staff)."""
    from .templating import vocabulary

    rows = list(selectors.visible_templates(request.user))
    return render(
        request,
        "reports/templates.html",
        {
            "title": "简报模板",
            "kinds": BRIEF_KINDS,
            "in_use": [
                (k, label, next((t for t in rows if t.kind == k and t.active), None))
                for k, label in BRIEF_KINDS
            ],
            "rows": rows,
            "vocabulary": vocabulary(),
            "can_upload": allows(request.user, "reports.templates"),
            "form": request.POST,
        },
    )


@login_required
@require_POST
def template_upload(request):
    data = form_input(request, BriefTemplateIn)
    if data is not None:
        run_service(
            request,
            lambda: services.do_upload_brief_template(
                actor=request.user, data=data, upload=request.FILES.get("file")
            ),
            "已上传并启用简报模板。",
        )
    return redirect("reports:templates")


@requires("reports.open")
def template_file(request, pk):
    template = get_restricted_or_404(selectors.visible_templates(request.user), request.user, pk=pk)
    return download(bytes(template.content), template.file_name)


@requires("reports.open")
def default_template_file(request):
    """The shipped template of a kind (``?kind=dispatch``: the 安全生产周调度's own)."""
    from .periods import KIND_LABELS
    from .templating import default_template

    kind = request.GET.get("kind", "week")
    kind = kind if kind in KIND_LABELS else "week"
    name = "安全生产周调度默认模板.docx" if kind == "dispatch" else "研判简报默认模板.docx"
    return download(default_template(kind), name)
