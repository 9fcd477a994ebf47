"""Web pages of risk grading and the 安全生产风险图. Thin: parse, restrict(), one service, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from yingji.core.hooks import map_layers
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import can, get_restricted_or_404, restrict, scope_of
from yingji.core.schemas import summary, validate
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, download, form_input, run_service
from yingji.enterprises.choices import SECTORS, TIERS
from yingji.enterprises.models import Enterprise
from yingji.enterprises.views import county_choices
from yingji.geo.models import Region
from yingji.standards import lec, risk_colours

from . import services
from .choices import COLOURS, METHODS, RECORD_STATES, UNIT_KINDS
from .models import Diagnosis, EnterpriseRisk, MajorHazardUnit, RiskColourChange, RiskPoint
from .schemas import (
    CHEMICAL_ROWS,
    DiagnosisIn,
    PointIn,
    SettingsIn,
    UnitIn,
    VoidIn,
    diagnosis_form_data,
    diagnosis_form_spec,
    unit_form_data,
)
from .selectors import adjacent_mines, diagnosis_due, district_index, map_focus

OWN_LAYERS = ("enterprises", "units")


def _colour(key: str):
    return risk_colours.get(key) if key else None


def _enterprises(user=None):
    """The enterprises, restricted by the caller (an action view's ``fetch`` gets the user)."""
    return Enterprise.objects.select_related("organisation", "region")


def _enterprise(request, pk, action="view"):
    return get_restricted_or_404(_enterprises(), request.user, action, pk=pk)


def _create(request, schema, form_data: dict, call, success: str):
    """A form that is not one field per input (see schemas.*_form_data): validated with the
    service's schema (the Chinese field messages are the API's), then ``call(data)`` runs the
    one service. The created record, or None after showing what was wrong."""
    parsed = validate(schema, form_data)
    if not parsed.ok:
        messages.error(request, summary(parsed.errors))
        return None
    return run_service(request, lambda: call(parsed.data), success)


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
            "focus": map_focus(request.user),
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


# --- enterprises by risk colour ----------------------------------------------------------

ENTERPRISE_RISK_SPEC = ListSpec(
    columns=[
        Column("enterprise__organisation__name", "企业", link=True),
        Column("enterprise__region__name", "县区"),
        Column("enterprise__sector", "行业类别"),
        Column("enterprise__tier", "监管层级"),
        Column("colour", "风险等级"),
        Column("reason", "依据", sortable=False),
    ],
    filters={
        "colour": Filter("风险等级", "colour", choices=COLOURS),
        "sector": Filter("行业", "enterprise__sector", choices=SECTORS),
        "tier": Filter("监管层级", "enterprise__tier", choices=TIERS),
        "region": Filter("县区", "enterprise__region__code", choices=[]),
    },
    search=("enterprise__organisation__name", "enterprise__uscc"),
    default_sort="enterprise__organisation__name",
)


@login_required
def enterprise_risk_list(request):
    """企业风险等级: every enterprise's current colour in my scope, filterable by colour (the
    工作台's 红色/橙色风险企业 figures open this list with the same filter)."""
    ENTERPRISE_RISK_SPEC.filters["region"].choices = county_choices()
    qs = restrict(
        EnterpriseRisk.objects.select_related("enterprise__organisation", "enterprise__region"),
        request.user,
    ).exclude(colour="")
    return render_list(
        request, qs, ENTERPRISE_RISK_SPEC, "risk/enterprise_risks.html", "企业风险等级"
    )


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
        "status": Filter("状态", "status", choices=RECORD_STATES),
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


def _unit_rows(values) -> list[dict]:
    return [
        {
            "i": i,
            "substance": values.get(f"substance_{i}", ""),
            "q": values.get(f"q_{i}", ""),
            "categories": values.get(f"categories_{i}", ""),
            "beta": values.get(f"beta_{i}", ""),
        }
        for i in range(CHEMICAL_ROWS)
    ]


@login_required
def unit_add(request, pk):
    ent = _enterprise(request, pk, "change")
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        unit = _create(
            request,
            UnitIn,
            unit_form_data(request.POST),
            lambda data: services.do_create_unit(
                actor=request.user, enterprise=ent, data=data.model_dump()
            ),
            "辨识单元已登记,计算过程见下。",
        )
        if unit:
            return redirect(unit)
    return render(
        request,
        "risk/unit_form.html",
        {
            "title": "登记重大危险源辨识单元",
            "enterprise": ent,
            "kinds": UNIT_KINDS,
            "rows": _unit_rows(values),
            "values": values,
        },
    )


unit_void = action_view(
    fetch=lambda user: MajorHazardUnit.objects.all(),
    schema=VoidIn,
    call=lambda user, unit, data: services.do_void_unit(actor=user, unit=unit, reason=data.reason),
    success="辨识单元已作废。",
)


# --- diagnosis -----------------------------------------------------------------------------


@login_required
def diagnosis_add(request, pk):
    ent = _enterprise(request, pk, "approve")
    if request.method == "POST":
        diag = _create(
            request,
            DiagnosisIn,
            diagnosis_form_data(request.POST),
            lambda data: services.do_record_diagnosis(
                actor=request.user,
                enterprise=ent,
                assessed_on=data.assessed_on,
                assessor=data.assessor,
                answers=data.answers,
            ),
            "评估诊断已登记。",
        )
        if diag:
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


diagnosis_void = action_view(
    fetch=lambda user: Diagnosis.objects.all(),
    schema=VoidIn,
    call=lambda user, diag, data: services.do_void_diagnosis(
        actor=user, diagnosis=diag, reason=data.reason
    ),
    success="评估诊断已作废。",
)


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
        "status": Filter("状态", "status", choices=RECORD_STATES),
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


point_add = action_view(
    fetch=_enterprises,
    schema=PointIn,
    call=lambda user, ent, data: services.do_add_risk_point(
        actor=user, enterprise=ent, data=data.model_dump()
    ),
    success="风险点已登记。",
)

point_void = action_view(
    fetch=lambda user: RiskPoint.objects.all(),
    schema=VoidIn,
    call=lambda user, point, data: services.do_void_risk_point(
        actor=user, point=point, reason=data.reason
    ),
    success="风险点已作废。",
)


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
        data = form_input(request, SettingsIn)
        if data is not None:
            run_service(
                request,
                lambda: services.do_update_risk_settings(
                    actor=request.user,
                    data=data.changes(),
                    expected_version=data.version if settings.pk else None,
                ),
                "设置已保存(已有风险点的等级不变;新的评价按新设置)。",
            )
        return redirect("risk:settings")
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
