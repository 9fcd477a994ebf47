"""Web pages of risk grading and the 安全生产风险图. Thin: parse, restrict(), one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.hooks import map_layers
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import can, get_restricted_or_404, restrict, scope_of
from yingji.core.views import record_extras
from yingji.core.webforms import download, run_service
from yingji.enterprises.choices import SECTORS, TIERS
from yingji.enterprises.models import Enterprise
from yingji.geo.models import Region
from yingji.standards import lec, risk_colours, risk_grading

from . import services
from .choices import COLOURS, METHODS, UNIT_KINDS
from .models import Diagnosis, EnterpriseRisk, MajorHazardUnit, RiskColourChange, RiskPoint
from .selectors import adjacent_mines, diagnosis_due, district_index

CHEMICAL_ROWS = 8
OWN_LAYERS = ("enterprises", "units")


def _colour(key: str):
    return risk_colours.get(key) if key else None


def _enterprise(request, pk, action="view"):
    return get_restricted_or_404(
        Enterprise.objects.select_related("organisation", "region"), request.user, action, pk=pk
    )


# --- map -----------------------------------------------------------------------------------


@login_required
def risk_map(request):
    counties = Region.objects.filter(level="county").order_by("code")
    return render(
        request,
        "risk/map.html",
        {
            "title": "安全生产风险图",
            "sectors": SECTORS,
            "tiers": TIERS,
            "colours": COLOURS,
            "counties": counties,
            "index_rows": district_index(request.user, {}),
            "weights": services.current_settings().index_weights,
            # the layers other apps declare (this map draws its own enterprises and units)
            "extra_layers": [
                layer for layer in map_layers(request.user) if layer["key"] not in OWN_LAYERS
            ],
        },
    )


def _panel_context(request, ent) -> dict:
    user = request.user
    try:
        risk = ent.risk
    except EnterpriseRisk.DoesNotExist:
        risk = None
    return {
        "enterprise": ent,
        "risk": risk,
        "colour": _colour(risk.colour) if risk else None,
        "units": restrict(ent.hazard_units.filter(status="active"), user),
        "diagnosis": restrict(ent.diagnoses.filter(state="active"), user).first(),
        "points": restrict(ent.risk_points.filter(status="active"), user)[:20],
        "changes": restrict(ent.risk_changes.all(), user)[:10],
        "can_change": can(user, ent, "change"),
        "can_approve": can(user, ent, "approve"),
        "methods": METHODS,
        "lec_table": lec.load_table()["lec"],
        "ls_values": [1, 2, 3, 4, 5],
    }


@login_required
def enterprise_panel(request, pk):
    """The risk block of the enterprise page (htmx)."""
    ent = _enterprise(request, pk)
    return render(request, "risk/_panel.html", _panel_context(request, ent))


@login_required
def enterprise_card(request, pk):
    """The card shown when an enterprise is clicked on the map."""
    ent = _enterprise(request, pk)
    return render(request, "risk/_card.html", _panel_context(request, ent))


# --- major hazard units --------------------------------------------------------------------

UNIT_SPEC = ListSpec(
    columns=[
        Column("name", "单元", link=True),
        Column("enterprise__organisation__name", "企业"),
        Column("enterprise__region__name", "县区"),
        Column("kind", "类型"),
        Column("S", "S"),
        Column("R", "R"),
        Column("grade", "级别"),
        Column("status", "状态"),
    ],
    filters={
        "grade": Filter(
            "级别", "grade", choices=[(g, g) for g in ("一级", "二级", "三级", "四级")]
        ),
        "kind": Filter("类型", "kind", choices=UNIT_KINDS),
        "major": Filter("构成重大危险源", "is_major", choices=[("1", "是"), ("0", "否")]),
    },
    search=("name", "enterprise__organisation__name", "chemicals__substance"),
    default_sort="-R",
)


@login_required
def unit_list(request):
    qs = restrict(
        MajorHazardUnit.objects.select_related("enterprise__organisation", "enterprise__region"),
        request.user,
    ).distinct()
    return render_list(request, qs, UNIT_SPEC, "risk/units.html", "重大危险源辨识单元")


@login_required
def unit_detail(request, pk):
    unit = get_restricted_or_404(
        MajorHazardUnit.objects.select_related("enterprise__organisation"), request.user, pk=pk
    )
    return render(
        request,
        "risk/unit_detail.html",
        {
            "object": unit,
            "chemicals": unit.chemicals.all(),
            "working": unit.working,
            "can_change": can(request.user, unit, "change"),
            **record_extras(request, unit),
        },
    )


def _chemicals_from_post(post) -> list[dict]:
    rows = []
    for i in range(CHEMICAL_ROWS):
        substance = post.get(f"substance_{i}", "").strip()
        q = post.get(f"q_{i}", "").strip()
        if not substance and not q:
            continue
        rows.append(
            {
                "substance": substance,
                "q_t": q,
                "categories": post.get(f"categories_{i}", ""),
                "beta_category": post.get(f"beta_{i}", "").strip(),
            }
        )
    return rows


@login_required
def unit_add(request, pk):
    ent = _enterprise(request, pk, "change")
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        data = {
            "name": request.POST.get("name", ""),
            "kind": request.POST.get("kind", ""),
            "population_500m": request.POST.get("population_500m", "0"),
            "chemicals": _chemicals_from_post(request.POST),
        }
        unit = None

        def create():
            nonlocal unit
            unit = services.do_create_unit(actor=request.user, enterprise=ent, data=data)

        if run_service(request, create, "辨识单元已登记,计算过程见下。"):
            return redirect(unit)
    return render(
        request,
        "risk/unit_form.html",
        {
            "title": "登记重大危险源辨识单元",
            "enterprise": ent,
            "kinds": UNIT_KINDS,
            "rows": [
                {
                    "i": i,
                    "substance": values.get(f"substance_{i}", ""),
                    "q": values.get(f"q_{i}", ""),
                    "categories": values.get(f"categories_{i}", ""),
                    "beta": values.get(f"beta_{i}", ""),
                }
                for i in range(CHEMICAL_ROWS)
            ],
            "values": values,
        },
    )


@login_required
@require_POST
def unit_void(request, pk):
    unit = get_restricted_or_404(MajorHazardUnit.objects.all(), request.user, pk=pk)
    run_service(
        request,
        lambda: services.do_void_unit(
            actor=request.user, unit=unit, reason=request.POST.get("reason", "")
        ),
        "辨识单元已作废。",
    )
    return redirect(unit)


# --- diagnosis -----------------------------------------------------------------------------


def diagnosis_form_spec() -> dict:
    table = risk_grading.load_table()
    items = []
    for item in table["items"]:
        rules = [r for r in item["rules"] if r["key"] != "major_hazard_grades"]
        if rules:
            items.append(
                {
                    "category": item["category"],
                    "name": item["name"],
                    "weight": item["weight"],
                    "rules": rules,
                }
            )
    red = [{"key": k, **v} for k, v in table["red_line_inputs"].items() if not k.startswith("_")]
    return {"items": items, "red_inputs": red}


def _answers_from_post(post) -> dict:
    answers = {}
    spec = diagnosis_form_spec()
    rules = [r for item in spec["items"] for r in item["rules"]] + spec["red_inputs"]
    for rule in rules:
        key, kind = rule["key"], rule["type"]
        raw = post.get(key, "").strip()
        if kind == "flag":
            if raw:
                answers[key] = True
        elif kind == "count":
            if raw and raw != "0":
                try:
                    answers[key] = int(raw)
                except ValueError:
                    answers[key] = raw  # the standard function reports it in Chinese
        elif kind == "choice" and raw:
            answers[key] = raw
    return answers


@login_required
def diagnosis_add(request, pk):
    ent = _enterprise(request, pk, "approve")
    if request.method == "POST":
        diag = None

        def create():
            nonlocal diag
            diag = services.do_record_diagnosis(
                actor=request.user,
                enterprise=ent,
                assessed_on=request.POST.get("assessed_on", ""),
                assessor=request.POST.get("assessor", ""),
                answers=_answers_from_post(request.POST),
            )

        if run_service(request, create, "评估诊断已登记。"):
            return redirect(diag)
    return render(
        request,
        "risk/diagnosis_form.html",
        {
            "title": "登记安全风险评估诊断",
            "enterprise": ent,
            "spec": diagnosis_form_spec(),
            "grades": services.unit_grades(ent),
            "values": request.POST if request.method == "POST" else {},
            "today": timezone.localdate(),
        },
    )


@login_required
def diagnosis_detail(request, pk):
    diag = get_restricted_or_404(
        Diagnosis.objects.select_related("enterprise__organisation"), request.user, pk=pk
    )
    return render(
        request,
        "risk/diagnosis_detail.html",
        {
            "object": diag,
            "working": diag.working,
            "colour": _colour(diag.colour),
            "can_approve": can(request.user, diag, "approve"),
            **record_extras(request, diag),
        },
    )


@login_required
@require_POST
def diagnosis_void(request, pk):
    diag = get_restricted_or_404(Diagnosis.objects.all(), request.user, pk=pk)
    run_service(
        request,
        lambda: services.do_void_diagnosis(
            actor=request.user, diagnosis=diag, reason=request.POST.get("reason", "")
        ),
        "评估诊断已作废。",
    )
    return redirect(diag)


@login_required
def diagnoses(request):
    overdue, soon, changed, never = diagnosis_due(request.user)
    return render(
        request,
        "risk/diagnoses.html",
        {
            "title": "评估诊断到期",
            "overdue": overdue,
            "soon": soon,
            "changed": changed,
            "never": never,
            "today": timezone.localdate(),
        },
    )


# --- risk points ---------------------------------------------------------------------------

POINT_SPEC = ListSpec(
    columns=[
        Column("name", "风险点", link=True),
        Column("enterprise__organisation__name", "企业"),
        Column("method", "方法"),
        Column("value", "D/R"),
        Column("colour", "风险等级"),
        Column("responsible", "责任人"),
        Column("status", "状态"),
    ],
    filters={
        "colour": Filter("风险等级", "colour", choices=COLOURS),
        "method": Filter("方法", "method", choices=METHODS),
    },
    search=("name", "enterprise__organisation__name", "location"),
    default_sort="-value",
)


@login_required
def point_list(request):
    qs = restrict(RiskPoint.objects.select_related("enterprise__organisation"), request.user)
    return render_list(request, qs, POINT_SPEC, "risk/points.html", "风险点")


@login_required
def point_detail(request, pk):
    point = get_restricted_or_404(
        RiskPoint.objects.select_related("enterprise__organisation"), request.user, pk=pk
    )
    return render(
        request,
        "risk/point_detail.html",
        {
            "object": point,
            "colour": _colour(point.colour),
            "can_change": can(request.user, point, "change"),
            **record_extras(request, point),
        },
    )


@login_required
@require_POST
def point_add(request, pk):
    ent = _enterprise(request, pk)
    data = {
        k: request.POST.get(k, "")
        for k in (
            "name",
            "location",
            "hazard",
            "method",
            "L",
            "E",
            "C",
            "S",
            "controls",
            "responsible",
        )
    }
    run_service(
        request,
        lambda: services.do_add_risk_point(actor=request.user, enterprise=ent, data=data),
        "风险点已登记。",
    )
    return redirect(ent)


@login_required
@require_POST
def point_void(request, pk):
    point = get_restricted_or_404(RiskPoint.objects.all(), request.user, pk=pk)
    run_service(
        request,
        lambda: services.do_void_risk_point(
            actor=request.user, point=point, reason=request.POST.get("reason", "")
        ),
        "风险点已作废。",
    )
    return redirect(point)


CHANGE_SPEC = ListSpec(
    columns=[
        Column("created_at", "时间"),
        Column("enterprise__organisation__name", "企业"),
        Column("old_colour", "原等级"),
        Column("new_colour", "新等级"),
        Column("reason", "原因", sortable=False),
    ],
    filters={"new_colour": Filter("新等级", "new_colour", choices=COLOURS)},
    search=("enterprise__organisation__name",),
    default_sort="-created_at",
)


@login_required
def colour_changes(request):
    qs = restrict(RiskColourChange.objects.select_related("enterprise__organisation"), request.user)
    return render_list(request, qs, CHANGE_SPEC, "risk/changes.html", "风险等级变化")


@login_required
def settings_page(request):
    settings = services.current_settings()
    if request.method == "POST":
        import json

        try:
            data = {
                "lec_bands": json.loads(request.POST.get("lec_bands", "[]")),
                "ls_variant": request.POST.get("ls_variant", "A"),
                "index_weights": {
                    k: float(request.POST.get(f"w_{k}", "0"))
                    for k in ("red", "orange", "yellow", "blue")
                },
                "reassess_years": request.POST.get("reassess_years", "3"),
                "adjacent_mine_m": request.POST.get("adjacent_mine_m", "2000"),
            }
        except (ValueError, TypeError):
            messages.error(request, "LEC分级表须为JSON数组,权重须为数值。")
            return redirect("risk:settings")
        try:
            version = int(request.POST.get("version")) if settings.pk else None
        except (TypeError, ValueError):
            version = None
        run_service(
            request,
            lambda: services.do_update_risk_settings(
                actor=request.user, data=data, expected_version=version
            ),
            "设置已保存(已有风险点的等级不变;新的评价按新设置)。",
        )
        return redirect("risk:settings")
    import json

    return render(
        request,
        "risk/settings.html",
        {
            "title": "风险分级设置",
            "settings": settings,
            "lec_json": json.dumps(settings.lec_bands, ensure_ascii=False, indent=1),
            "variants": lec.load_table()["ls"]["variants"],
            "is_admin": scope_of(request.user).is_admin,
        },
    )


@login_required
def adjacent_mines_page(request):
    distance = services.current_settings().adjacent_mine_m
    return render(
        request,
        "risk/adjacent_mines.html",
        {"title": "相邻矿山", "pairs": adjacent_mines(request.user), "distance": distance},
    )


@login_required
def ledger(request, pk, fmt):
    """一企一册: the enterprise's file as Excel or Word."""

    from django.http import Http404

    from .ledgers import ledger_docx, ledger_xlsx

    ent = _enterprise(request, pk)
    if fmt == "xlsx":
        data = ledger_xlsx(ent, request.user)
    elif fmt == "docx":
        data = ledger_docx(ent, request.user)
    else:
        raise Http404
    return download(data, f"{ent.name}-一企一册.{fmt}")
