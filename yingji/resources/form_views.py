"""Create/edit pages of the forces records (teams, agreements, experts, shelters) and of the
装备台账: one form template drawn from the service's input schema (labels are the schema's
Chinese titles, choices the model's), parsed back with ``form_input`` into the same schema the
API takes, one service per save. Shown only to users the service's rule and restrict() allow."""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass

from django.shortcuts import redirect, render

from yingji.core.permissions import allows, get_restricted_or_404, requires
from yingji.core.webforms import form_input, run_service

from . import selectors, services
from .models import Agreement, Equipment, Expert, Shelter, Team
from .schemas import (
    AgreementEditIn,
    AgreementIn,
    EquipmentEditIn,
    EquipmentIn,
    ExpertEditIn,
    ExpertIn,
    ShelterEditIn,
    ShelterIn,
    TeamEditIn,
    TeamIn,
)

CRS = [("wgs84", "WGS84"), ("gcj02", "GCJ-02(高德/腾讯)"), ("bd09", "BD-09(百度)")]
WIDE = {"equipment", "capabilities", "content", "facilities", "address", "remarks", "title"}
HELP = {
    "owner": "填机构编码;不填为本人所在单位",
    "region": "无坐标时填写(县区编码)",
    "lon": "有坐标时以坐标定位县区",
    "funding_wan": "T42:专业救援队伍年度运行维护经费",
    "interval_days": "填写后按上次保养日期推算下次保养到期",
    "site": "存放在储备库时选择,位置随储备库",
    "team": "配属救援队伍时选择,位置随队伍",
}


@dataclass
class FormField:
    name: str
    label: str
    kind: str  # text, number, date, select
    value: str
    required: bool
    choices: list[tuple[str, str, bool]] | None = None
    help: str = ""
    width: int = 4


def _literal_values(annotation) -> list[str] | None:
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return [str(v) for v in typing.get_args(arg)]
    return None


def _kind(annotation) -> str:
    args = (annotation, *typing.get_args(annotation))
    if any(a is dt.date for a in args):
        return "date"
    if any(a in (int, float) for a in args):
        return "number"
    return "text"


def _str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def schema_fields(
    schema, model, values, extra_choices: dict | None = None, skip: frozenset = frozenset()
) -> list[FormField]:
    """The schema's fields as form inputs, with ``values`` (the POST or the record) filled in
    (``skip``: fields the page draws itself)."""
    extra_choices = extra_choices or {}
    out = []
    for name, info in schema.model_fields.items():
        if name == "version" or name in skip:
            continue
        value = _str(values.get(name, ""))
        choices = extra_choices.get(name)
        if choices is None and name == "crs":
            choices = CRS
        if choices is None and (info.annotation is bool or name == "available"):
            choices = [("1", "是"), ("0", "否")]
        if choices is None and _literal_values(info.annotation):
            labels = {}
            try:
                labels = {k: str(v) for k, v in model._meta.get_field(name).choices}
            except Exception:  # noqa: BLE001 — a schema field without a model field
                labels = {}
            choices = [(v, labels.get(v, v)) for v in _literal_values(info.annotation)]
        required = info.is_required()
        if not value and info.default not in (None, "") and not required:
            value = _str(info.default)
        out.append(
            FormField(
                name=name,
                label=info.title or name,
                kind="select" if choices else _kind(info.annotation),
                value=value,
                required=required,
                choices=[(v, label, v == value) for v, label in choices] if choices else None,
                help=HELP.get(name, ""),
                width=12 if name in WIDE else 4,
            )
        )
    return out


def _counties():
    from yingji.geo.models import Region

    return [(r.code, r.name) for r in Region.objects.filter(level="county").order_by("code")]


def placed_initial(obj) -> dict:
    return {
        "level": obj.level,
        "owner": obj.owner.code,
        "region": obj.region.code if obj.region.level == "county" else "",
        "lon": obj.lon,
        "lat": obj.lat,
        "contact": obj.contact,
        "phone": obj.phone,
        "version": obj.version,
    }


def _equipment_choices(user) -> dict:
    return {
        "region": _counties(),
        "site": [(s.code, s.name) for s in selectors.visible_sites(user).filter(active=True)],
        "team": [
            (str(t.pk), t.name) for t in selectors.visible_records(Team, user).order_by("name")
        ],
    }


# key → (model, create schema, edit schema, title, create service, list url name)
FORMS = {
    "teams": (Team, TeamIn, TeamEditIn, "救援队伍", services.do_register_team, "teams"),
    "agreements": (
        Agreement,
        AgreementIn,
        AgreementEditIn,
        "合作协议",
        services.do_register_agreement,
        "agreements",
    ),
    "experts": (Expert, ExpertIn, ExpertEditIn, "专家", services.do_register_expert, "experts"),
    "shelters": (
        Shelter,
        ShelterIn,
        ShelterEditIn,
        "应急避难场所",
        services.do_register_shelter,
        "shelters",
    ),
    "equipment": (
        Equipment,
        EquipmentIn,
        EquipmentEditIn,
        "应急装备",
        services.do_register_equipment,
        "equipment",
    ),
}


def _choices(key, user) -> dict:
    if key == "equipment":
        return _equipment_choices(user)
    return {"region": _counties()}


# 协议储备明细 on the agreement form: rows of (item, quantity, response hours), posted as the
# repeated fields line_item / line_quantity / line_hours; the API's legacy single item/quantity
# fields are not on the form
LINE_FIELDS = frozenset({"lines", "item", "quantity"})
BLANK_LINES = 3


def _posted_lines(post) -> list[dict]:
    from itertools import zip_longest

    rows = zip_longest(  # a forged form with unequal columns: the missing cells are empty
        post.getlist("line_item"),
        post.getlist("line_quantity"),
        post.getlist("line_hours"),
        fillvalue="",
    )
    return [
        {"item": item.strip(), "quantity": quantity.strip(), "response_hours": hours.strip()}
        for item, quantity, hours in rows
        if item.strip() or quantity.strip()
    ]


def _line_rows(values) -> list[dict]:
    """The rows the form shows: the posted or saved lines, then blank ones to add more."""
    lines = [dict(line) for line in values.get("line_rows", [])]
    return lines + [{"item": "", "quantity": "", "response_hours": ""}] * BLANK_LINES


def _input(request, key, schema):
    """The POST as the schema's input; the agreement form's lines gathered from its rows."""
    if key != "agreements":
        return form_input(request, schema)
    from django.contrib import messages

    from yingji.core.schemas import form_data, summary, validate

    data = {k: v for k, v in form_data(schema, request.POST).items() if k not in LINE_FIELDS}
    data["lines"] = [
        {k: v for k, v in row.items() if v != ""} for row in _posted_lines(request.POST)
    ]
    parsed = validate(schema, data)
    if not parsed.ok:
        messages.error(request, summary(parsed.errors))
        return None
    return parsed.data


def _values(key, request) -> dict:
    values = request.POST.dict()
    if key == "agreements":
        values["line_rows"] = _posted_lines(request.POST)
    return values


def _render(request, key, values, obj=None):
    model, create, edit, title, _service, list_name = FORMS[key]
    schema = edit if obj else create
    lines = key == "agreements"
    return render(
        request,
        "resources/record_form.html",
        {
            "title": f"{'修改' if obj else '登记'}{title}",
            "kind_title": title,
            "list_url": f"resources:{list_name}",
            "object": obj,
            "fields": schema_fields(
                schema,
                model,
                values,
                _choices(key, request.user),
                skip=LINE_FIELDS if lines else frozenset(),
            ),
            "version": values.get("version", ""),
            "line_rows": _line_rows(values) if lines else None,
            "line_items": (
                [(i.code, f"{i.name}({i.unit})") for i in selectors.items()] if lines else None
            ),
        },
    )


def new_view(key: str):
    model, create, _edit, title, service, _ = FORMS[key]

    @requires("resources.keep")
    def view(request):
        if request.method == "POST":
            data = _input(request, key, create)
            if data is not None:
                obj = run_service(
                    request, lambda: service(actor=request.user, data=data), f"已登记{title}。"
                )
                if obj:
                    return redirect(obj)
        return _render(request, key, _values(key, request) if request.method == "POST" else {})

    view.__name__ = f"{key}_new"
    view.action_schema = create
    return view


def _initial(key, obj) -> dict:
    _model, _c, edit, *_ = FORMS[key]
    values = placed_initial(obj)
    for name in edit.model_fields:
        if name not in values and hasattr(obj, name):
            values[name] = getattr(obj, name)
    if key == "agreements":
        values["line_rows"] = [
            {
                "item": line.item.code,
                "quantity": line.quantity,
                "response_hours": "" if line.response_hours is None else line.response_hours,
            }
            for line in obj.lines.select_related("item")
        ]
    if key == "equipment":
        values["site"] = obj.site.code if obj.site_id else ""
        values["team"] = obj.team_id or ""
    return values


def edit_view(key: str):
    model, _create, edit, title, _service, _ = FORMS[key]
    update = services.do_update_equipment if key == "equipment" else None

    @requires("resources.keep")
    def view(request, pk):
        qs = selectors.visible_records(model, request.user)
        obj = get_restricted_or_404(qs, request.user, "change", pk=pk)
        if request.method == "POST":
            data = _input(request, key, edit)
            if data is not None:

                def call():
                    if update:
                        return update(actor=request.user, equipment=obj, data=data)
                    return services.do_update_record(actor=request.user, obj=obj, data=data)

                if run_service(request, call, f"已保存{title}。"):
                    return redirect(obj)
            return _render(request, key, _values(key, request), obj)
        return _render(request, key, _initial(key, obj), obj)

    view.__name__ = f"{key}_edit"
    view.action_schema = edit
    return view


def can_edit(user, obj) -> bool:
    from yingji.core.permissions import can

    return allows(user, "resources.keep") and can(user, obj, "change")


team_new, team_edit = new_view("teams"), edit_view("teams")
agreement_new, agreement_edit = new_view("agreements"), edit_view("agreements")
expert_new, expert_edit = new_view("experts"), edit_view("experts")
shelter_new, shelter_edit = new_view("shelters"), edit_view("shelters")
equipment_new, equipment_edit = new_view("equipment"), edit_view("equipment")
