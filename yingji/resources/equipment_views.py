"""装备台账 (T45) and 储备达标 pages: the equipment list (filters, export: the 装备一表), an
item's page with its maintenance ledger and the keeper's form, and coverage per county against
the reserve targets the city bureau sets. Thin: restrict(), one service per action."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, get_restricted_or_404, restrict
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, form_input, run_service

from . import selectors, services
from .choices import (
    EQUIPMENT_CATEGORIES,
    EQUIPMENT_SOURCES,
    EQUIPMENT_STATUS,
    MAINTENANCE_KINDS,
    MAINTENANCE_WARNING_DAYS,
    RECORD_LEVELS,
)
from .form_views import can_edit
from .maintenance import DUE_LABELS, due_state
from .models import Item, MaintenanceRecord
from .schemas import MaintenanceIn, ReserveTargetIn


def _due(e) -> str:
    return DUE_LABELS[due_state(e.next_due_on, timezone.localdate(), e.status)]


EQUIPMENT_SPEC = ListSpec(
    columns=[
        Column("code", "装备编号", link=True),
        Column("name", "装备名称", link=True),
        Column("category", "装备类别"),
        Column("model_spec", "规格型号"),
        Column("serial_no", "出厂编号"),
        Column("quantity", "数量"),
        Column("unit", "单位"),
        Column("status", "状态"),
        Column("source", "来源"),
        Column("holder", "存放/配属", sortable=False, value=lambda e: e.holder),
        Column("region__name", "所在县区"),
        Column("last_maintained_on", "上次保养"),
        Column("next_due_on", "下次保养到期"),
        Column("due", "保养提醒", sortable=False, value=_due),
        Column("contact", "联系人"),
        Column("phone", "联系电话"),
    ],
    filters={
        "category": Filter("装备类别", "category", choices=EQUIPMENT_CATEGORIES),
        "status": Filter("状态", "status", choices=EQUIPMENT_STATUS),
        "due": Filter(
            "保养提醒",
            "pk",
            choices=[
                ("alert", "逾期或临近"),
                ("overdue", "保养逾期"),
                ("due", f"{MAINTENANCE_WARNING_DAYS}天内到期"),
            ],
            where=selectors.due_q,
        ),
        "source": Filter("来源", "source", choices=EQUIPMENT_SOURCES),
        "level": Filter("级别", "level", choices=RECORD_LEVELS),
        "region": Filter("县区(编码)", "region__code"),
        "site": Filter("储备库编码", "site__code"),
    },
    search=("code", "name", "model_spec", "serial_no"),
    default_sort="code",
)


@login_required
def equipment_list(request):
    return render_list(
        request,
        selectors.visible_equipment(request.user),
        EQUIPMENT_SPEC,
        "resources/records.html",
        "应急装备台账",
        extra={
            "new_url": "resources:equipment_new" if allows(request.user, "resources.keep") else ""
        },
    )


@login_required
def equipment_detail(request, pk):
    item = get_restricted_or_404(selectors.visible_equipment(request.user), request.user, pk=pk)
    ledger = restrict(
        MaintenanceRecord.objects.filter(equipment=item), request.user
    ).select_related("actor")
    editable = can_edit(request.user, item)
    return render(
        request,
        "resources/equipment.html",
        {
            "title": str(item),
            "object": item,
            "due": _due(item),
            "due_state": due_state(item.next_due_on, timezone.localdate(), item.status),
            "ledger": ledger,
            "assignment": selectors.active_assignment(request.user, item),
            "can_edit": editable and item.status != "scrapped",
            "kinds": MAINTENANCE_KINDS,
            "today": timezone.localdate().isoformat(),
            **record_extras(request, item),
        },
    )


record_maintenance = action_view(
    fetch=selectors.visible_equipment,
    schema=MaintenanceIn,
    call=lambda user, item, data: services.do_record_maintenance(
        actor=user, equipment=item, data=data
    ),
    success=lambda item, data, record: f"已登记{record.get_kind_display()}。",
)


# --- coverage ---------------------------------------------------------------------------------


def _percent(value) -> str:
    return f"{value / 10:.1f}%"


COVERAGE_SPEC = ListSpec(
    columns=[
        Column("region__name", "县区"),
        Column("item__code", "物资编码"),
        Column("item__name", "物资"),
        Column("item__unit", "单位"),
        Column("quantity", "储备目标"),
        Column("stock", "实有库存(台账)"),
        Column(
            "permille",
            "达标率",
            value=lambda t: _percent(t.permille),
            needs=("permille",),
            from_values=lambda r: _percent(r["permille"]),
        ),
        Column("gap", "缺口"),
        Column(
            "state",
            "状态",
            sortable=False,
            value=lambda t: "未达标" if t.stock < t.quantity else "达标",
            needs=("stock", "quantity"),
            from_values=lambda r: "未达标" if r["stock"] < r["quantity"] else "达标",
            display=lambda v: format_html(
                '<span class="badge {}">{}</span>',
                "text-bg-danger" if v == "未达标" else "text-bg-success",
                v,
            ),
        ),
        Column("basis", "依据/说明"),
    ],
    filters={
        "state": Filter(
            "状态", "pk", choices=[("below", "未达标"), ("met", "达标")], where=selectors.coverage_q
        ),
        "region": Filter("县区(编码)", "region__code"),
        "item": Filter("物资编码", "item__code"),
    },
    search=("region__name", "item__name"),
    default_sort="region__code",
)


def _target_regions():
    from yingji.geo.models import Region

    return [(r.code, r.name) for r in Region.objects.filter(level__in=("city", "county"))]


@login_required
def coverage(request):
    can_set = allows(request.user, "resources.targets")
    return render_list(
        request,
        selectors.coverage(request.user),
        COVERAGE_SPEC,
        "resources/coverage.html",
        "储备达标情况",
        extra={
            "can_set": can_set,
            "regions": _target_regions() if can_set else [],
            "items": Item.objects.all() if can_set else [],
        },
    )


@login_required
@require_POST
def set_target(request):
    from django.core.exceptions import PermissionDenied

    if not allows(request.user, "resources.targets"):
        raise PermissionDenied
    data = form_input(request, ReserveTargetIn)
    if data is not None:
        run_service(
            request,
            lambda: services.do_set_reserve_target(actor=request.user, data=data),
            "已设置储备目标。",
        )
    return redirect("resources:coverage")


set_target.action_schema = ReserveTargetIn
