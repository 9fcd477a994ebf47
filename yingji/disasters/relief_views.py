"""Pages of 救助 beyond the household list (views.py has the list itself): a process's relief
page (households against the reports, 救灾资金 by level, 救灾物资 given out), the lists of
funds and supplies with their exports, their record pages, and the Excel import of the
household lists. Thin: parse, fetch through restrict(), one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.errors import DomainError
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, get_restricted_or_404, requires
from yingji.core.views import record_extras
from yingji.core.webforms import form_input, run_service

from . import relief, selectors
from .models import FUND_PURPOSES, FUND_SOURCES, RELIEF_KINDS
from .schemas import ReliefFundIn, ReliefImportIn, ReliefSupplyIn


def _by_process(value, user):
    return Q(process_id=int(value)) if str(value).isdigit() else Q(pk__in=[])


FUND_SPEC = ListSpec(
    columns=[
        Column("to_region__name", "接收区划", link=True),
        Column("source", "资金来源"),
        Column("from_region__name", "拨出区划"),
        Column("purpose", "资金用途"),
        Column("amount", "金额(万元)"),
        Column("process__name", "灾害过程"),
        Column("year", "年度"),
        Column("document_no", "文号"),
        Column("on", "下达日期"),
    ],
    filters={
        "process": Filter("灾害过程(编号)", "process_id", where=_by_process),
        "year": Filter("年度", "year"),
        "purpose": Filter("资金用途", "purpose", choices=FUND_PURPOSES),
        "source": Filter("资金来源", "source", choices=FUND_SOURCES),
        "region": Filter(
            "区划(代码,接收或拨出,含下级)",
            "to_region__code",
            where=lambda v, user: (
                Q(to_region__path__contains=f"/{v}/") | Q(from_region__path__contains=f"/{v}/")
            ),
        ),
    },
    search=("document_no", "to_region__name", "note"),
    default_sort="-on",
)

SUPPLY_SPEC = ListSpec(
    columns=[
        Column("item_name", "物资名称", link=True),
        Column("quantity", "数量"),
        Column("unit", "计量单位"),
        Column("region__name", "发放区划"),
        Column("process__name", "灾害过程"),
        Column("distributed_on", "发放日期"),
        Column("source_site", "出库仓库"),
        Column("document_no", "出库单据号"),
    ],
    filters={
        "process": Filter("灾害过程(编号)", "process_id", where=_by_process),
        "region": Filter(
            "区划(代码,含下级)",
            "region__code",
            where=lambda v, user: Q(region__path__contains=f"/{v}/"),
        ),
        "ledger": Filter(
            "来源",
            "movement_ref",
            choices=[("yes", "出库台账"), ("no", "手工登记")],
            where=lambda v, user: Q(movement_ref__isnull=v != "yes"),
        ),
    },
    search=("item_name", "document_no", "region__name"),
    default_sort="-distributed_on",
)


@login_required
def process_relief(request, pk):
    """A process's 救助: the households helped against the reports (per county), the 救灾资金
    received and allocated by level with the checks, the 救灾物资 given out."""
    user = request.user
    process = get_restricted_or_404(selectors.visible_processes(user), user, pk=pk)
    can_record = allows(user, "disasters.record_relief")
    return render(
        request,
        "disasters/process_relief.html",
        {
            "title": f"救助:{process.name}",
            "object": process,
            "households": selectors.relief_summary(process, user),
            "checks": relief.relief_checks(process, user),
            "funds": relief.fund_summary(user, process=process),
            "fund_rows": relief.visible_funds(user).filter(process=process)[:100],
            "supplies": relief.visible_supplies(user).filter(process=process)[:100],
            "supply_totals": relief.supply_totals(user, process),
            "movements": relief.unlinked_movements(user, process) if can_record else [],
            "ledger": relief.ledger_installed(),
            "can_record": can_record,
            "purposes": FUND_PURPOSES,
            "sources": FUND_SOURCES,
            "today": timezone.localdate(),
        },
    )


def _back(pk):
    from django.urls import reverse

    return reverse("disasters:process_relief", args=[pk])


@login_required
@require_POST
def record_fund(request, pk):
    process = get_restricted_or_404(selectors.visible_processes(request.user), request.user, pk=pk)
    data = form_input(request, ReliefFundIn)
    if data is not None:
        data = data.model_copy(update={"process": process.pk})
        run_service(
            request,
            lambda: relief.do_record_relief_fund(actor=request.user, data=data),
            "已登记救灾资金。",
        )
    return redirect(_back(process.pk))


@login_required
@require_POST
def record_supply(request, pk):
    process = get_restricted_or_404(selectors.visible_processes(request.user), request.user, pk=pk)
    data = form_input(request, ReliefSupplyIn)
    if data is not None:
        data = data.model_copy(update={"process": process.pk})
        run_service(
            request,
            lambda: relief.do_record_relief_supply(actor=request.user, data=data),
            "已登记救灾物资发放。",
        )
    return redirect(_back(process.pk))


@requires("disasters.open")
def fund_list(request):
    return render_list(
        request,
        relief.visible_funds(request.user),
        FUND_SPEC,
        "disasters/relief_funds.html",
        "救灾资金",
    )


@requires("disasters.open")
def supply_list(request):
    return render_list(
        request,
        relief.visible_supplies(request.user),
        SUPPLY_SPEC,
        "disasters/relief_supplies.html",
        "救灾物资发放",
    )


@login_required
def fund_detail(request, pk):
    fund = get_restricted_or_404(relief.visible_funds(request.user), request.user, pk=pk)
    return render(
        request,
        "disasters/relief_fund.html",
        {"title": str(fund), "object": fund, **record_extras(request, fund)},
    )


@login_required
def supply_detail(request, pk):
    supply = get_restricted_or_404(relief.visible_supplies(request.user), request.user, pk=pk)
    return render(
        request,
        "disasters/relief_supply.html",
        {"title": str(supply), "object": supply, **record_extras(request, supply)},
    )


@login_required
def relief_template(request):
    from django.http import HttpResponse

    response = HttpResponse(
        relief.build_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote('救助名单导入模板.xlsx')}"
    )
    return response


@requires("disasters.record_relief")
def relief_import(request):
    """导入救助名单 (Excel): every row checked like the form; nothing kept when a row is wrong,
    unless the user chose to keep the good rows."""
    from yingji.core.uploads import read_upload

    result = None
    process = request.POST.get("process") or request.GET.get("process") or None
    if request.method == "POST":
        data = form_input(request, ReliefImportIn)
        if data is not None:
            try:
                result = relief.do_import_relief(
                    actor=request.user,
                    data=read_upload(data.file, extensions=(".xlsx",)),
                    process=int(process) if process and str(process).isdigit() else None,
                    only_valid=data.only_valid,
                    warning_reason=data.warning_reason,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
    return render(
        request,
        "disasters/relief_import.html",
        {
            "title": "导入救助名单",
            "result": result,
            "processes": selectors.visible_processes(request.user)[:50],
            "process": process,
            "kinds": RELIEF_KINDS,
        },
    )
