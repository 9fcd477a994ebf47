"""Forces pages (T41–T44, T58): rescue teams (with the yearly evaluation of social forces),
cooperation agreements, experts and shelters — each a filtered, exportable list and a record
page. Thin: fetch through restrict(), one service per action."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, get_restricted_or_404, requires, restrict
from yingji.core.views import record_extras
from yingji.core.webforms import form_input, int_or_none, run_service

from . import selectors, services
from .choices import (
    AGREEMENT_KINDS,
    AGREEMENT_WARNING_DAYS,
    READINESS,
    RECORD_LEVELS,
    SHELTER_KINDS,
    SPECIALTIES,
    TEAM_KINDS,
)
from .evaluation import scheme
from .models import Agreement, Expert, Shelter, Team, TeamEvaluation
from .schemas import EvaluationIn, EvaluationPublishIn
from .selectors import agreement_state_q
from .selectors import visible_records as visible

HIDDEN = {"id", "created_at", "updated_at", "version", "is_demo", "lon", "lat"}
LEVEL = Filter("级别", "level", choices=RECORD_LEVELS)
REGION = Filter("县区(编码)", "region__code")


def fields_of(obj) -> list[tuple[str, object]]:
    out = []
    for f in obj._meta.concrete_fields:
        if f.name in HIDDEN:
            continue
        display = getattr(obj, f"get_{f.name}_display", None)
        value = display() if display else getattr(obj, f.name)
        if isinstance(value, bool):
            value = "是" if value else "否"
        out.append((str(f.verbose_name), value))
    return out


def _agreement_state(a) -> str:
    today = timezone.localdate()
    if a.valid_until < today:
        return "已过期"
    if a.valid_until <= today + dt.timedelta(days=AGREEMENT_WARNING_DAYS):
        return "即将到期"
    return "有效"


SPECS = {
    "teams": (
        Team,
        "救援队伍",
        ListSpec(
            columns=[
                Column("name", "队伍名称", link=True),
                Column("kind", "队伍类别"),
                Column("specialty", "专业方向"),
                Column("level", "级别"),
                Column("region__name", "所在县区"),
                Column("headcount", "人数"),
                Column("equipment", "主要装备"),
                Column("readiness", "战备状态"),
                Column("funding_wan", "年度运行维护经费(万元)"),
                Column("contact", "联系人"),
                Column("phone", "联系电话"),
            ],
            filters={
                "kind": Filter("队伍类别", "kind", choices=TEAM_KINDS),
                "specialty": Filter("专业方向", "specialty", choices=SPECIALTIES),
                "readiness": Filter("战备状态", "readiness", choices=READINESS),
                "level": LEVEL,
                "region": REGION,
            },
            search=("name", "equipment", "capabilities"),
            default_sort="kind",
        ),
    ),
    "agreements": (
        Agreement,
        "合作协议",
        ListSpec(
            columns=[
                Column("title", "协议名称", link=True),
                Column("kind", "协议类别"),
                Column("partner", "协议单位"),
                Column("content", "保障内容"),
                Column("response_hours", "响应时限(小时)"),
                Column(
                    "lines",
                    "协议储备",
                    sortable=False,
                    value=lambda a: "、".join(
                        f"{li.item.name} {li.quantity} {li.item.unit}" for li in a.lines.all()
                    ),
                ),
                Column(
                    "remaining",
                    "剩余可调用",
                    sortable=False,
                    value=lambda a: "、".join(
                        f"{li.item.name} {li.remaining}" for li in a.lines.all()
                    ),
                ),
                Column("valid_from", "生效日期"),
                Column("valid_until", "有效期至"),
                Column(
                    "state",
                    "状态",
                    sortable=False,
                    value=_agreement_state,
                ),
                Column("region__name", "所在县区"),
                Column("phone", "联系电话"),
            ],
            filters={
                "kind": Filter("协议类别", "kind", choices=AGREEMENT_KINDS),
                "state": Filter(
                    "状态",
                    "pk",
                    choices=[
                        ("valid", "有效"),
                        ("expiring", f"{AGREEMENT_WARNING_DAYS}天内到期"),
                        ("expired", "已过期"),
                    ],
                    where=agreement_state_q,
                ),
                "level": LEVEL,
                "region": REGION,
            },
            search=("title", "partner", "content"),
            default_sort="valid_until",
        ),
    ),
    "experts": (
        Expert,
        "专家库",
        ListSpec(
            columns=[
                Column("name", "姓名", link=True),
                Column("specialty", "专业领域"),
                Column("organisation_name", "工作单位"),
                Column("title", "职称/职务"),
                Column("available", "可随时响应"),
                Column("region__name", "所在县区"),
                Column("phone", "联系电话"),
            ],
            filters={
                "available": Filter("可随时响应", "available", choices=[("1", "是"), ("0", "否")]),
                "level": LEVEL,
                "region": REGION,
            },
            search=("name", "specialty", "organisation_name"),
            default_sort="specialty",
        ),
    ),
    "shelters": (
        Shelter,
        "应急避难场所",
        ListSpec(
            columns=[
                Column("name", "避难场所名称", link=True),
                Column("kind", "类型"),
                Column("region__name", "所在县区"),
                Column("capacity", "可容纳人数"),
                Column("area_m2", "有效避难面积(平方米)"),
                Column("facilities", "配套设施"),
                Column("address", "地址"),
                Column("contact", "联系人"),
                Column("phone", "联系电话"),
            ],
            filters={
                "kind": Filter("类型", "kind", choices=SHELTER_KINDS),
                "level": LEVEL,
                "region": REGION,
            },
            search=("name", "address", "facilities"),
            default_sort="region__code",
        ),
    ),
}


NEW_URLS = {
    "teams": "resources:team_new",
    "agreements": "resources:agreement_new",
    "experts": "resources:expert_new",
    "shelters": "resources:shelter_new",
}


def list_view(key: str):
    model, title, spec = SPECS[key]

    @login_required
    def view(request):
        keep = allows(request.user, "resources.keep")
        rows = visible(model, request.user)
        if model is Agreement:
            rows = rows.prefetch_related("lines__item")
        return render_list(
            request,
            rows,
            spec,
            "resources/records.html",
            title,
            extra={"new_url": NEW_URLS[key] if keep else ""},
        )

    view.__name__ = f"{key}_list"
    return view


def detail_view(model, title: str, template: str = "resources/record.html", extra=None):
    from .form_views import can_edit

    edit = f"resources:{model.__name__.lower()}_edit"

    @login_required
    def view(request, pk):
        obj = get_restricted_or_404(visible(model, request.user), request.user, pk=pk)
        context = {
            "title": str(obj),
            "object": obj,
            "kind_title": title,
            "edit_url": edit if can_edit(request.user, obj) else "",
            "fields": fields_of(obj),
            **record_extras(request, obj),
        }
        if extra:
            context.update(extra(request, obj))
        return render(request, template, context)

    return view


def _team_extra(request, team) -> dict:
    evaluations = restrict(TeamEvaluation.objects.filter(team=team), request.user).select_related(
        "evaluator"
    )
    return {
        "evaluations": evaluations,
        "can_evaluate": team.kind == "social" and allows(request.user, "resources.evaluate"),
        "scheme": scheme(),
        "this_year": timezone.localdate().year,
        "assignment": selectors.active_assignment(request.user, team),
    }


def _agreement_extra(request, agreement) -> dict:
    """The agreement's lines (协议储备明细) and their call-offs (协议储备调用), newest first."""
    return {
        "agreement_lines": agreement.lines.select_related("item"),
        "agreement_calls": agreement.calls.select_related("request", "line__item").order_by(
            "-called_at"
        )[:50],
    }


teams = list_view("teams")
agreements = list_view("agreements")
experts = list_view("experts")
shelters = list_view("shelters")
team_detail = detail_view(Team, "救援队伍", "resources/team.html", _team_extra)
agreement_detail = detail_view(Agreement, "合作协议", "resources/agreement.html", _agreement_extra)
expert_detail = detail_view(Expert, "专家库")
shelter_detail = detail_view(Shelter, "应急避难场所")


def _evaluation_input(request):
    """The form posts one field per scheme item (score_<code>): gathered into the schema."""
    from django.contrib import messages

    from yingji.core.schemas import summary, validate

    scores = {}
    for item in scheme()["items"]:
        raw = request.POST.get(f"score_{item['code']}", "").strip()
        scores[item["code"]] = raw or None
    parsed = validate(
        EvaluationIn,
        {
            "year": request.POST.get("year"),
            "scores": scores,
            "remarks": request.POST.get("remarks", ""),
        },
    )
    if not parsed.ok:
        messages.error(request, summary(parsed.errors))
        return None
    return parsed.data


@login_required
@require_POST
def evaluate(request, pk):
    team = get_restricted_or_404(visible(Team, request.user), request.user, pk=pk)
    data = _evaluation_input(request)
    if data is not None:
        run_service(
            request,
            lambda: services.do_evaluate_team(actor=request.user, team=team, data=data),
            "已保存年度评估。",
        )
    return redirect(team.get_absolute_url() + "#evaluation")


evaluate.action_schema = EvaluationIn


def _ranking_spec() -> ListSpec:
    """The 评估结果 list: one row per team and year, the scheme's items as columns (the scoring
    sheet), total and grade; exported as it is filtered (the published ranking)."""
    items = [
        Column(
            f"score_{i['code']}",
            f"{i['name']}(≤{i['max']})",
            sortable=False,
            value=lambda e, code=i["code"]: e.scores.get(code),
            needs=("scores",),
            from_values=lambda r, code=i["code"]: (r["scores"] or {}).get(code),
        )
        for i in scheme()["items"]
    ]
    return ListSpec(
        columns=[
            Column("year", "年度"),
            Column("team__name", "队伍", link=True),
            Column("team__region__name", "所在县区"),
            *items,
            Column("total", "总分"),
            Column("grade", "等次"),
            Column(
                "evaluator",
                "评估人",
                sortable=False,
                value=lambda e: (
                    (e.evaluator.get_full_name() or e.evaluator.username) if e.evaluator else ""
                ),
                needs=("evaluator__first_name", "evaluator__last_name", "evaluator__username"),
                from_values=lambda r: (
                    f"{r['evaluator__last_name']}{r['evaluator__first_name']}"
                    or r["evaluator__username"]
                    or ""
                ),
            ),
            Column("remarks", "评语"),
            Column("published_at", "发布时间"),
        ],
        filters={
            "year": Filter("年度", "year"),
            "grade": Filter(
                "等次", "grade", choices=[(g["grade"], g["grade"]) for g in scheme()["grades"]]
            ),
            "region": REGION_OF_TEAM,
        },
        search=("team__name",),
        default_sort="-total",
    )


REGION_OF_TEAM = Filter("县区(编码)", "team__region__code")


@login_required
def ranking(request):
    """社会应急力量年度评估: the latest year's ranking unless another is asked for."""
    evaluations = restrict(TeamEvaluation.objects.all(), request.user).select_related(
        "team__region", "evaluator"
    )
    years = sorted(set(evaluations.values_list("year", flat=True)), reverse=True)
    year = int_or_none(request.GET.get("year"))
    if "year" not in request.GET and years:
        return redirect(f"{request.path}?year={years[0]}")
    title = f"社会应急力量{year}年度评估" if year else "社会应急力量年度评估"
    of_year = evaluations.filter(year=year) if year else evaluations.none()
    published = of_year.exclude(published_at=None).select_related("published_by").first()
    return render_list(
        request,
        evaluations,
        _ranking_spec(),
        "resources/ranking.html",
        title,
        extra={
            "years": years,
            "scheme": scheme(),
            "year": year,
            "published": published,
            "can_publish": bool(
                year
                and not published
                and of_year.exists()
                and allows(request.user, "resources.publish_evaluation")
            ),
        },
    )


@login_required
@require_POST
@requires("resources.publish_evaluation")
def publish_evaluations(request):
    """发布 the year's result (the button on the ranking page)."""
    data = form_input(request, EvaluationPublishIn)
    if data is None:
        return redirect("resources:ranking")
    run_service(
        request,
        lambda: services.do_publish_evaluations(actor=request.user, year=data.year),
        lambda rows: f"已发布{data.year}年度评估结果({len(rows)} 支队伍),分数已冻结。",
    )
    return redirect(f"{reverse('resources:ranking')}?year={data.year}")


publish_evaluations.action_schema = EvaluationPublishIn
