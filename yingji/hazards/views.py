"""Pages of 隐患排查治理. Thin: fetch through restrict(), call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.audit import history_for
from yingji.core.errors import DomainError
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import can, get_restricted_or_404
from yingji.core.views import record_extras
from yingji.core.webforms import (
    date_or_none,
    download,
    float_or_none,
    run_service,
)
from yingji.enterprises.choices import HAZCHEM_SECTORS, SECTOR_LABELS
from yingji.enterprises.selectors import visible_enterprises
from yingji.geo.models import Region
from yingji.orgs.models import Organisation
from yingji.standards import hazards as rules

from . import selectors, services
from .choices import CATEGORIES, LEVELS, SOURCES, STATE_COLOURS, STATES

HAZARD_SPEC = ListSpec(
    columns=[
        Column("code", "编号", link=True),
        Column("enterprise__name", "企业/场所", value=lambda h: h.subject),
        Column("region__name", "区域"),
        Column("category", "类别"),
        Column("level", "等级"),
        Column("state", "状态"),
        Column("found_on", "发现日期"),
        Column("deadline", "整改期限"),
        Column("source", "发现途径"),
        Column("supervised", "挂牌督办"),
        Column("description", "描述", sortable=False, value=lambda h: h.description[:50]),
    ],
    filters={
        "state": Filter("状态", "state", choices=STATES),
        "level": Filter("等级", "level", choices=LEVELS),
        "category": Filter("类别", "category", choices=CATEGORIES),
        "source": Filter("发现途径", "source", choices=SOURCES),
        "region": Filter("区域(代码)", "region__path__contains"),
        "enterprise": Filter("企业", "enterprise__organisation__name__contains"),
    },
    search=("code", "description", "enterprise__organisation__name", "place", "location"),
    default_sort="-found_on",
)


@login_required
def hazard_list(request):
    qs = selectors.visible_hazards(request.user)
    if request.GET.get("overdue") == "1":
        qs = qs.filter(selectors.overdue_q())
    return render_list(
        request,
        qs,
        HAZARD_SPEC,
        "hazards/list.html",
        "隐患排查治理",
        {"can_register": True},
    )


@login_required
def hazard_new(request):
    enterprises = visible_enterprises(request.user, "change").select_related("organisation")
    if request.method == "POST":
        post = request.POST
        enterprise = None
        if post.get("enterprise"):
            enterprise = enterprises.filter(pk=post.get("enterprise")).first()
            if enterprise is None:
                messages.error(request, "所选企业不在您的权限范围内。")
                return redirect("hazards:new")
        region = (
            Region.objects.filter(code=post.get("region")).first() if post.get("region") else None
        )
        try:
            hazard = services.do_register_hazard(
                actor=request.user,
                enterprise=enterprise,
                place=post.get("place", ""),
                region=region,
                lon=float_or_none(post.get("lon")),
                lat=float_or_none(post.get("lat")),
                source=post.get("source", ""),
                category=post.get("category", ""),
                description=post.get("description", ""),
                found_on=date_or_none(post.get("found_on")),
                location=post.get("location", ""),
                finder=post.get("finder", ""),
                level=post.get("level", "general"),
                criteria=post.getlist("criteria"),
                people_exposed=post.get("people_exposed") or 0,
                photos=request.FILES.getlist("photos"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记隐患 {hazard.code}。")
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
            "is_hazchem": is_hazchem,
            "criteria": rules.criteria_2017(),
            "ticked": set(hazard.criteria or []),
            "plan_elements": rules.plan_elements(),
            "levels": LEVELS,
            "sector_label": SECTOR_LABELS.get(hazard.sector, hazard.sector),
            "supervisors": Organisation.objects.filter(
                kind__in=("bureau", "county_bureau"), is_active=True
            ).order_by("path"),
            "findings": getattr(hazard, "findings", None) and hazard.findings.all(),
            **record_extras(request, hazard),
        },
    )


def _act(request, pk, fn, success: str):
    hazard = get_restricted_or_404(selectors.visible_hazards(request.user), request.user, pk=pk)
    version = request.POST.get("version")
    # a malformed version is refused by run_service (ValueError → "表单…格式不正确")
    run_service(request, lambda: fn(hazard, int(version) if version else None), success)
    return redirect(hazard)


@login_required
@require_POST
def hazard_action(request, pk, action):
    post, files, user = request.POST, request.FILES, request.user
    handlers = {
        "grade": (
            lambda h, v: services.do_grade_hazard(
                actor=user,
                hazard=h,
                level=post.get("level", "general"),
                criteria=post.getlist("criteria"),
                deadline_workdays=post.get("deadline_workdays") or None,
                expected_version=v,
            ),
            "已定级。",
        ),
        "on-the-spot": (
            lambda h, v: services.do_rectify_on_the_spot(
                actor=user,
                hazard=h,
                rectification=post.get("rectification", ""),
                evidence=files.getlist("evidence"),
                expected_version=v,
            ),
            "已立即整改,等待验收。",
        ),
        "start": (
            lambda h, v: services.do_start_rectification(
                actor=user,
                hazard=h,
                plan={e["key"]: post.get(f"plan_{e['key']}", "") for e in rules.plan_elements()},
                expected_version=v,
            ),
            "已开始整改。",
        ),
        "submit": (
            lambda h, v: services.do_submit_rectification(
                actor=user,
                hazard=h,
                rectification=post.get("rectification", ""),
                evidence=files.getlist("evidence"),
                expected_version=v,
            ),
            "已提交整改,等待验收。",
        ),
        "verify": (
            lambda h, v: services.do_verify_hazard(
                actor=user,
                hazard=h,
                passed=post.get("decision") == "pass",
                opinion=post.get("opinion", ""),
                expected_version=v,
            ),
            "已验收销号。" if post.get("decision") == "pass" else "已退回整改。",
        ),
        "supervise": (
            lambda h, v: services.do_supervise_hazard(
                actor=user,
                hazard=h,
                supervisor=Organisation.objects.filter(pk=post.get("supervisor") or 0).first(),
                until=date_or_none(post.get("until")),
                expected_version=v,
            ),
            "已挂牌督办。",
        ),
        "void": (
            lambda h, v: services.do_void_hazard(
                actor=user, hazard=h, reason=post.get("reason", ""), expected_version=v
            ),
            "已作废。",
        ),
    }
    if action not in handlers:
        messages.error(request, "未知的操作。")
        return redirect("hazards:detail", pk=pk)
    fn, success = handlers[action]
    return _act(request, pk, fn, success)


@login_required
def queue(request):
    region = request.GET.get("region") or None
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
            "sector_labels": SECTOR_LABELS,
        },
    )


@login_required
def import_template(request):
    from .importing import build_template

    return download(build_template(), "隐患导入模板.xlsx")


@login_required
def import_hazards(request):
    from .importing import do_import_hazards

    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择按模板填写的 Excel 文件。")
        else:
            try:
                result = do_import_hazards(
                    actor=request.user,
                    data=upload.read(),
                    only_valid=request.POST.get("only_valid") == "1",
                )
            except DomainError as exc:
                messages.error(request, exc.message)
    return render(request, "hazards/import.html", {"title": "批量导入隐患", "result": result})
