"""应急资源 pages: sites (list, one site with its stock, batches and ledger, and the keeper's
forms), the "一表" (stock of every site, exportable), the ledger, the "一图" map and the 台账
import. Thin: fetch through restrict(), one service per action."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, can, get_restricted_or_404, requires
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, download, form_input, run_service

from . import importing, selectors, services
from .choices import EXPIRY_WARNING_DAYS, MOVEMENT_KINDS, RECORDABLE, SITE_LEVELS
from .schemas import MinimumIn, MovementIn, PartnerEditIn, PartnerIn, SiteIn, TransferIn


def _counties():
    from yingji.geo.models import Region

    return [(r.code, r.name) for r in Region.objects.filter(level="county").order_by("code")]


SITE_SPEC = ListSpec(
    columns=[
        Column("code", "储备库编码", link=True),
        Column("name", "名称", link=True),
        Column("level", "级别"),
        Column("region__name", "所在县区"),
        Column("owner__name", "管理单位"),
        Column("address", "地址"),
        Column("area_m2", "库房面积(平方米)"),
        Column("managers", "管理人员"),
        Column("duty_phone", "24小时值班电话"),
        Column("total", "库存总数"),
    ],
    filters={
        "level": Filter("级别", "level", choices=SITE_LEVELS),
        "region": Filter("县区(编码)", "region__code"),
    },
    search=("code", "name", "address"),
    default_sort="code",
)


def _status(stock) -> str:
    return "低于最低储备" if stock.quantity < stock.minimum else "正常"


STOCK_SPEC = ListSpec(
    columns=[
        Column("site__region__name", "县区"),
        Column("site__name", "储备库(点)", link=True),
        Column("site__level", "级别"),
        Column("item__code", "物资编码"),
        Column("item__name", "物资名称"),
        Column("item__unit", "单位"),
        Column("quantity", "库存数量"),
        Column("reserved", "已预留(待调运)"),
        Column("minimum", "最低储备量"),
        Column(
            "status",
            "状态",
            sortable=False,
            value=_status,
            needs=("quantity", "minimum"),
            from_values=lambda r: "低于最低储备" if r["quantity"] < r["minimum"] else "正常",
        ),
    ],
    filters={
        "alert": Filter(
            "预警",
            "pk",
            choices=[("low", "低于最低储备"), ("expiring", f"{EXPIRY_WARNING_DAYS}天内到期")],
            where=selectors.alert_q,
        ),
        "level": Filter("级别", "site__level", choices=SITE_LEVELS),
        "region": Filter("县区(编码)", "site__region__code"),
        "item": Filter("物资编码", "item__code"),
        # the 一图 filtered by an item shows the sites holding it: its "导出一表" adds held=1
        "held": Filter("有库存", "quantity", choices=[("1", "有库存")], where=selectors.held_q),
    },
    search=("site__name", "item__name", "item__code"),
    default_sort="site__region__code",
)

MOVEMENT_SPEC = ListSpec(
    columns=[
        Column("occurred_at", "发生时间"),
        Column("kind", "类型"),
        Column("stock__site__name", "储备库(点)", link=True),
        Column("stock__item__name", "物资"),
        Column("quantity", "数量(增+减-)"),
        Column("batch", "批次"),
        Column("expires_on", "有效期至"),
        Column("document_no", "单据号"),
        Column("reason", "事由"),
        Column("counterparty", "对方单位/人"),
        Column(
            "actor",
            "经办人",
            sortable=False,
            value=lambda m: m.actor.get_full_name() or m.actor.username if m.actor else "",
            needs=("actor__first_name", "actor__last_name", "actor__username"),
            from_values=lambda r: (
                f"{r['actor__last_name']}{r['actor__first_name']}" or r["actor__username"] or ""
            ),
        ),
    ],
    filters={
        "kind": Filter("类型", "kind", choices=MOVEMENT_KINDS),
        "site": Filter("储备库编码", "stock__site__code"),
        "item": Filter("物资编码", "stock__item__code"),
    },
    search=("document_no", "reason", "batch"),
    default_sort="-occurred_at",
)


@login_required
def site_list(request):
    qs = selectors.visible_sites(request.user).annotate(total=Sum("stock__quantity"))
    return render_list(
        request,
        qs,
        SITE_SPEC,
        "resources/sites.html",
        "储备库(点)",
        extra={"counties": _counties(), "can_keep": allows(request.user, "resources.keep")},
    )


@login_required
def site_detail(request, pk):
    site = get_restricted_or_404(selectors.visible_sites(request.user), request.user, pk=pk)
    stock = list(selectors.visible_stock(request.user).filter(site=site).order_by("item__code"))
    limit = selectors.expiry_limit()
    for s in stock:
        s.batches = services.batch_balances(s)
        s.expiring = any(b["expires_on"] and b["expires_on"] <= limit for b in s.batches)
    movements = selectors.visible_movements(request.user).filter(stock__site=site)[:50]
    keep = can(request.user, site, "change") and allows(request.user, "resources.keep")
    return render(
        request,
        "resources/site.html",
        {
            "title": str(site),
            "object": site,
            "stock": stock,
            "movements": movements,
            "can_keep": keep,
            "kinds": [(k, v) for k, v in MOVEMENT_KINDS if k in RECORDABLE],
            "items": selectors.items() if keep else [],
            "targets": selectors.visible_sites(request.user).exclude(pk=site.pk) if keep else [],
            **record_extras(request, site),
        },
    )


@login_required
def stock_list(request):
    return render_list(
        request,
        selectors.visible_stock(request.user),
        STOCK_SPEC,
        "resources/stock.html",
        "应急物资储备一表",
        extra={"counties": _counties(), "partners": selectors.visible_partners(request.user)},
    )


def _print_rows(rows) -> str:
    """The 一表's print rows, grouped by county and site (rowspans), as escaped HTML: built in
    Python (format_html) rather than by the template, which took 3.9 s for 13,500 rows."""
    from itertools import groupby

    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    levels = {k: str(v) for k, v in SITE_LEVELS}
    out = []
    for (region, _site, name, level, phone), group in groupby(rows, key=lambda r: r[:5]):
        lines = list(group)
        for n, (*_, code, item, unit, quantity, reserved, minimum) in enumerate(lines):
            head = (
                format_html(
                    '<td rowspan="{}">{}</td><td rowspan="{}">{}<br><span class="muted">{} · {}</span></td>',
                    len(lines),
                    region,
                    len(lines),
                    name,
                    levels.get(level, level),
                    phone,
                )
                if n == 0
                else ""
            )
            low = quantity < minimum
            out.append(
                format_html(
                    '<tr>{}<td>{}</td><td>{}</td><td class="num{}">{} {}{}</td>'
                    '<td class="num">{}</td><td class="num">{}</td></tr>',
                    head,
                    code,
                    item,
                    " low" if low else "",
                    quantity,
                    unit,
                    "(低于最低储备)" if low else "",
                    reserved,
                    minimum,
                )
            )
    return mark_safe("\n".join(out))  # noqa: S308 — every part went through format_html


@login_required
def stock_print(request):
    """The 一表 as a print page (CSS @media print, no script): the same filters as the list,
    grouped by county and site, the 物资联动 partners after it, signature lines."""
    from django.utils import timezone

    from yingji.core.listing import apply

    rows, state = apply(request, selectors.visible_stock(request.user), STOCK_SPEC)
    rows = rows.order_by("site__region__code", "site__code", "item__code").values_list(
        "site__region__name",
        "site_id",
        "site__name",
        "site__level",
        "site__duty_phone",
        "item__code",
        "item__name",
        "item__unit",
        "quantity",
        "reserved",
        "minimum",
    )
    return render(
        request,
        "resources/stock_print.html",
        {
            "rows_html": _print_rows(rows),
            "partners": selectors.visible_partners(request.user),
            "heading": selectors.bureau_heading(),
            "printed_at": timezone.localtime(),
            "filters": {STOCK_SPEC.filters[k].label: v for k, v in state["filters"].items()},
        },
    )


PARTNER_SPEC = ListSpec(
    columns=[
        Column("sort", "序号"),
        Column("name", "联动单位"),
        Column("contact", "联络人"),
        Column("phone", "联系电话"),
        Column("duty_phone", "24小时值班电话"),
        Column("provides", "联动保障内容"),
        Column(
            "items",
            "可协调物资",
            sortable=False,
            value=lambda p: "、".join(i.name for i in p.items.all()),
        ),
    ],
    filters={},
    search=("name", "provides"),
    default_sort="sort",
)


@login_required
def partner_list(request):
    """物资联动单位 and the 联动清单 (T39)."""
    return render_list(
        request,
        selectors.visible_partners(request.user),
        PARTNER_SPEC,
        "resources/partners.html",
        "物资联动单位(联动清单)",
        extra={"can_keep": allows(request.user, "resources.partners")},
    )


@login_required
def movement_list(request):
    return render_list(
        request,
        selectors.visible_movements(request.user),
        MOVEMENT_SPEC,
        "resources/movements.html",
        "出入库台账",
    )


@login_required
def resource_map(request):
    return render(
        request,
        "resources/map.html",
        {
            "title": "应急物资储备库(点)一图",
            "levels": SITE_LEVELS,
            "counties": _counties(),
            "items": selectors.items().order_by("code").values_list("code", "name"),
            "heading": selectors.bureau_heading(),
            "printed_at": timezone.localtime(),
        },
    )


@requires("resources.keep")
def site_new(request):
    if request.method == "POST":
        data = form_input(request, SiteIn)
        if data is not None:
            site = run_service(
                request,
                lambda: services.do_register_site(actor=request.user, data=data),
                "已登记储备库(点)。",
            )
            if site:
                return redirect(site)
    return render(
        request,
        "resources/site_new.html",
        {"title": "登记储备库(点)", "levels": SITE_LEVELS, "values": request.POST},
    )


record_movement = action_view(
    fetch=selectors.visible_sites,
    schema=MovementIn,
    call=lambda user, site, data: services.do_record_movement(actor=user, site=site, data=data),
    success=lambda site, data, _result: f"已登记{dict(MOVEMENT_KINDS)[data.kind]}。",
)

transfer = action_view(
    fetch=selectors.visible_sites,
    schema=TransferIn,
    call=lambda user, site, data: services.do_transfer_stock(actor=user, site=site, data=data),
    success="已调拨。",
)

set_minimum = action_view(
    fetch=selectors.visible_sites,
    schema=MinimumIn,
    call=lambda user, site, data: services.do_set_minimum(actor=user, site=site, data=data),
    success="已设置最低储备量。",
)


@requires("resources.keep")
def ledger_import(request):
    return render(request, "resources/import.html", {"title": "导入储备台账", "result": None})


@requires("resources.keep")
@require_POST
def ledger_import_run(request):
    from yingji.core.errors import DomainError
    from yingji.core.uploads import read_upload

    result = None
    try:
        data = read_upload(request.FILES.get("file"), extensions=(".xlsx",))
        result = importing.do_import_ledger(
            actor=request.user, data=data, only_valid=request.POST.get("only_valid") == "1"
        )
    except DomainError as exc:
        from django.contrib import messages

        messages.error(request, exc.message)
    return render(
        request,
        "resources/import.html",
        {"title": "导入储备台账", "result": result},
        status=200 if result else 400,
    )


@login_required
def ledger_template(request):
    return download(importing.build_template(), "储备台账导入模板.xlsx")


@login_required
def plan_coverage(request):
    """A plan's resource requirements (its structured parts, read through plans.selectors)
    against the reserves in its area."""
    plans = list(selectors.plans_with_requirements(request.user))
    chosen = None
    wanted = request.GET.get("plan", "")
    if wanted.isdigit():
        chosen = next((p for p in plans if p.pk == int(wanted)), None)
    elif plans:
        chosen = plans[0]
    return render(
        request,
        "resources/plan_coverage.html",
        {
            "title": "预案资源需求保障",
            "plans": plans,
            "plan": chosen,
            "rows": selectors.plan_coverage(request.user, chosen) if chosen else [],
        },
    )


def _partner_form(request, values: dict, obj=None):
    chosen = set(values.get("items", []))
    return render(
        request,
        "resources/partner_form.html",
        {
            "title": f"{'修改' if obj else '登记'}物资联动单位",
            "object": obj,
            "values": values,
            "items": [(i.code, i.name, i.code in chosen) for i in selectors.items()],
        },
    )


@requires("resources.partners")
def partner_new(request):
    if request.method == "POST":
        data = form_input(request, PartnerIn)
        if data is not None:
            done = run_service(
                request,
                lambda: services.do_register_partner(actor=request.user, data=data),
                "已登记物资联动单位。",
            )
            if done:
                return redirect(done)
        return _partner_form(
            request, {**request.POST.dict(), "items": request.POST.getlist("items")}
        )
    return _partner_form(request, {})


@requires("resources.partners")
def partner_edit(request, pk):
    partner = get_restricted_or_404(
        selectors.visible_partners(request.user), request.user, "change", pk=pk
    )
    if request.method == "POST":
        data = form_input(request, PartnerEditIn)
        if data is not None:
            done = run_service(
                request,
                lambda: services.do_update_partner(actor=request.user, partner=partner, data=data),
                "已保存物资联动单位。",
            )
            if done:
                return redirect(done)
        return _partner_form(
            request, {**request.POST.dict(), "items": request.POST.getlist("items")}, partner
        )
    values = {f: getattr(partner, f) for f in services.PARTNER_FIELDS}
    values.update(items=[i.code for i in partner.items.all()], version=partner.version)
    return _partner_form(request, values, partner)


partner_new.action_schema = PartnerIn
partner_edit.action_schema = PartnerEditIn
