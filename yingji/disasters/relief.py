"""救助 beyond the household lists: 救灾资金 received and allocated by level (市→县区→乡镇),
救灾物资 given out (from the resources ledger's 出库 lines when the module is installed, read
through ``apps.get_model`` and ``restrict()``, so that 灾情报送 imports nothing of it), the
Excel import of the household lists, and the checks of it all against the reports.

Services (``do_*``) write one row in a transaction with its audit event; the read functions
go through ``restrict()``."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import Q, Sum

from yingji.core.audit import record_event
from yingji.core.errors import DomainError, ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope, restrict
from yingji.core.rows import RowError, apply_rows
from yingji.core.rows import cell_text as _text
from yingji.core.schemas import validate
from yingji.core.uploads import XLSX_MAX_ROWS, open_xlsx, sheet_rows
from yingji.geo.models import Region
from yingji.standards import disaster_stats as stats

from . import selectors
from .models import RELIEF_KINDS, DisasterProcess, ReliefFund, ReliefSupply
from .schemas import ReliefFundIn, ReliefIn, ReliefSupplyIn

CHILD = {"city": "county", "county": "township"}


def _region(code: str, field: str, levels) -> Region:
    region = Region.objects.filter(code=code, level__in=levels).first()
    if region is None:
        raise ValidationFailed(f"找不到区划代码“{code}”。", details={"field": field})
    return region


def _process(actor, pk) -> DisasterProcess | None:
    if pk is None:
        return None
    process = restrict(DisasterProcess.objects.all(), actor).filter(pk=pk).first()
    if process is None:
        raise ValidationFailed("找不到该灾害过程。", details={"field": "process"})
    return process


# --- 救灾资金 -----------------------------------------------------------------------------------


def visible_funds(user, action: str = "view"):
    return restrict(
        ReliefFund.objects.select_related("process", "from_region", "to_region", "recorded_by"),
        user,
        action,
    )


def _bucket(process, year) -> Q:
    """The funds a balance is kept over: the same process, or the same year without one."""
    return Q(process=process) if process is not None else Q(process__isnull=True, year=year)


def region_balance(region, process, year) -> dict:
    """What a region received and allocated in a bucket (every row: a check, not a listing)."""
    rows = ReliefFund.objects.filter(_bucket(process, year))
    received = rows.filter(to_region=region).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    allocated = rows.filter(from_region=region).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return {"received": received, "allocated": allocated, "balance": received - allocated}


def do_record_relief_fund(*, actor, data: ReliefFundIn) -> ReliefFund:
    """登记一笔救灾资金:上级(中央、省级、其他)下达到市或县区,或市→县区、县区→乡镇下拨.
    A region never allocates more than it received for the same process (or year)."""
    check_rule(actor, "disasters.record_relief")
    process = _process(actor, data.process)
    to_region = _region(data.to_region, "to_region", ("city", "county", "township"))
    from_region = None
    if data.from_region:
        from_region = _region(data.from_region, "from_region", ("city", "county"))
        if to_region.level != CHILD[from_region.level] or not to_region.is_within(from_region):
            raise ValidationFailed(
                f"“{from_region.name}”只能下拨到其下一级区划,“{to_region.name}”不是。",
                details={"field": "to_region"},
            )
    if process is not None and not (
        to_region.is_within(process.region) or process.region.is_within(to_region)
    ):
        raise ValidationFailed(
            f"“{to_region.name}”不在灾害过程的牵头区划内。", details={"field": "to_region"}
        )
    with transaction.atomic():
        if from_region is not None:
            # one allocation at a time from a region: the balance is read under the lock
            Region.objects.select_for_update().filter(pk=from_region.pk).first()
            have = region_balance(from_region, process, data.year)
            found = stats.check_fund_allocation(have["received"], have["allocated"] + data.amount)
            if found:
                raise ValidationFailed(
                    f"{from_region.name}{found[0].message}", details={"field": "amount"}
                )
        fund = ReliefFund.objects.create(
            process=process,
            year=data.year,
            purpose=data.purpose,
            source=data.source,
            from_region=from_region,
            to_region=to_region,
            amount=data.amount,
            document_no=data.document_no,
            on=data.on,
            note=data.note,
            recorded_by=actor,
        )
        ensure_in_scope(actor, fund, "add")
        record_event(
            "disasters.relief.fund",
            f"登记救灾资金:{fund}({fund.get_purpose_display()})",
            target=fund,
        )
    return fund


def fund_summary(user, process=None, year=None) -> dict:
    """Per region (city, counties, townships that appear): received (by source), allocated,
    the balance and the check; for a process, or a year's funds without one."""
    rows = visible_funds(user).filter(_bucket(process, year))
    regions: dict[int, dict] = {}

    def line(region):
        return regions.setdefault(
            region.pk,
            {
                "region": region,
                "received": Decimal(0),
                "allocated": Decimal(0),
                "sources": {},
            },
        )

    for f in rows:
        got = line(f.to_region)
        got["received"] += f.amount
        origin = f.from_region.name if f.from_region_id else f.get_source_display()
        got["sources"][origin] = got["sources"].get(origin, Decimal(0)) + f.amount
        if f.from_region_id:
            line(f.from_region)["allocated"] += f.amount
    from yingji.core.permissions import scope_of

    scope = scope_of(user)
    if not scope.read_all:
        # a county reads its own levels: the city's line would show only what reached it
        paths = tuple(scope.region_paths)
        regions = {k: v for k, v in regions.items() if v["region"].path.startswith(paths)}
    out = []
    for item in sorted(
        regions.values(), key=lambda i: (i["region"].path.count("/"), i["region"].code)
    ):
        item["balance"] = item["received"] - item["allocated"]
        item["findings"] = stats.check_fund_allocation(item["received"], item["allocated"])
        item["level"] = item["region"].get_level_display()
        out.append(item)
    top = [i for i in out if i["region"].level in ("city",)] or [
        i for i in out if i["region"].level == "county"
    ]
    return {
        "rows": out,
        "received_total": sum((i["received"] for i in top), Decimal(0)),
        "findings": [f for i in out for f in i["findings"]],
    }


# --- 救灾物资 -----------------------------------------------------------------------------------


def visible_supplies(user, action: str = "view"):
    return restrict(
        ReliefSupply.objects.select_related("process", "region", "recorded_by"), user, action
    )


def ledger_installed() -> bool:
    return apps.is_installed("yingji.resources")


def outbound_movements(user):
    """The 出库 lines of the resources ledger the user may read (None without the module)."""
    if not ledger_installed():
        return None
    movement = apps.get_model("resources", "Movement")
    return restrict(movement.objects.filter(kind="out"), user)


def _with_stock(lines: list) -> list:
    """Each ledger line with its stock's site and item, loaded in one query (the resources
    tables are read through their own model, not joined from here)."""
    stock = apps.get_model("resources", "Stock")
    by_pk = stock.objects.select_related("site", "item").in_bulk({m.stock_id for m in lines})
    for m in lines:
        m.stock = by_pk[m.stock_id]
    return lines


def unlinked_movements(user, process, limit: int = 50) -> list:
    """Recent 出库 lines (from a day before the process started) not yet given out as relief."""
    qs = outbound_movements(user)
    if qs is None:
        return []
    from django.utils import timezone

    linked = ReliefSupply.objects.exclude(movement_ref=None).values_list("movement_ref", flat=True)
    since = process.started_at - timezone.timedelta(days=1)
    rows = qs.filter(occurred_at__gte=since).exclude(pk__in=linked).order_by("-occurred_at")
    return _with_stock(list(rows[:limit]))


def do_record_relief_supply(*, actor, data: ReliefSupplyIn) -> ReliefSupply:
    """登记救灾物资发放:from a 出库 line of the ledger (its item, quantity, date and document as
    they are) or by hand. A ledger line is given out once."""
    check_rule(actor, "disasters.record_relief")
    process = _process(actor, data.process)
    region = _region(data.region, "region", ("county", "township", "village"))
    if not region.is_within(process.region):
        raise ValidationFailed(
            f"“{region.name}”不在灾害过程的牵头区划内。", details={"field": "region"}
        )
    values = {
        "item_name": data.item_name,
        "unit": data.unit,
        "quantity": data.quantity,
        "distributed_on": data.distributed_on,
    }
    with transaction.atomic():
        if data.movement is not None:
            qs = outbound_movements(actor)
            line = qs.filter(pk=data.movement).first() if qs is not None else None
            if line is not None:
                _with_stock([line])
            if line is None:
                raise ValidationFailed(
                    "找不到该出库记录(只能选您可查看的应急资源出库台账记录)。",
                    details={"field": "movement"},
                )
            if ReliefSupply.objects.filter(movement_ref=line.pk).exists():
                raise ValidationFailed(
                    f"出库记录“{line.document_no}”已登记为救灾物资发放。",
                    details={"field": "movement"},
                )
            from django.utils import timezone

            values = {
                "item_name": line.stock.item.name,
                "unit": line.stock.item.unit,
                "quantity": Decimal(abs(line.quantity)),
                "distributed_on": timezone.localtime(line.occurred_at).date(),
                "movement_ref": line.pk,
                "source_site": line.stock.site.name,
                "document_no": line.document_no,
            }
        supply = ReliefSupply.objects.create(
            process=process, region=region, note=data.note, recorded_by=actor, **values
        )
        ensure_in_scope(actor, supply, "add")
        record_event(
            "disasters.relief.supply",
            f"登记救灾物资发放:{supply}" + ("(取自出库台账)" if supply.from_ledger else ""),
            target=supply,
        )
    return supply


def supply_totals(user, process) -> list[dict]:
    """The supplies given out for a process, by item and unit."""
    rows = (
        visible_supplies(user)
        .filter(process=process)
        .values("item_name", "unit")
        .annotate(quantity=Sum("quantity"))
        .order_by("item_name")
    )
    return list(rows)


# --- the household lists against the reports ---------------------------------------------------


def relief_checks(process, user) -> list[dict]:
    """For each county of the process: persons helped (过渡期) against 需紧急生活救助."""
    from .models import ReliefRecord

    out = []
    for county in selectors._counties(process):
        helped = (
            restrict(ReliefRecord.objects.all(), user)
            .filter(process=process, kind="transition", region__path__startswith=county.path)
            .aggregate(s=Sum("persons"))["s"]
            or 0
        )
        if not helped:
            continue
        need = selectors.county_need_aid(process, user, county)
        out.append(
            {
                "region": county,
                "helped": helped,
                "need_aid": need,
                "findings": stats.check_relief_persons(helped, need),
            }
        )
    return out


# --- Excel import of the household lists ----------------------------------------------------

COLUMNS = [
    ("kind", "救助类型"),
    ("region", "所在村(社区)代码"),
    ("head_name", "户主姓名"),
    ("persons", "救助人数"),
    ("amount", "救助金额(元)"),
    ("paid_on", "发放日期"),
    ("note", "备注"),
]
LABELS = dict(COLUMNS)
KIND_BY_LABEL = {str(label): code for code, label in RELIEF_KINDS}
SHEET = "救助名单"
MAX_ROWS = 5000


def build_template() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([label for _, label in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    choices = DataValidation(type="list", formula1='"' + ",".join(KIND_BY_LABEL) + '"')
    ws.add_data_validation(choices)
    choices.add("A2:A5000")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(key: str, value):
    if key == "paid_on" and isinstance(value, datetime):
        return value.date()
    if key == "paid_on" and isinstance(value, date):
        return value
    text = _text(value)
    if key == "kind":
        return KIND_BY_LABEL.get(text, text)
    return text


def parse_workbook(data: bytes, process: int | None) -> tuple[list[dict], list[dict]]:
    wb = open_xlsx(data, unreadable="无法读取该文件:应为按模板填写的 Excel(.xlsx)文件。")
    try:
        if not wb.worksheets:
            raise ValidationFailed("无法读取该文件:工作簿中没有工作表。")
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        it = sheet_rows(ws, max_rows=max(XLSX_MAX_ROWS, MAX_ROWS + 2))
        header = [_text(v) for v in next(it, ())]
        expected = [label for _, label in COLUMNS]
        if header[: len(expected)] != expected:
            raise ValidationFailed(
                f"表头与模板不符:应为“{'、'.join(expected)}”。请下载模板后填写。",
                details={"header": header},
            )
        rows, errors = [], []
        for number, values in enumerate(it, start=2):
            if number > MAX_ROWS + 1:
                errors.append(
                    {"row": number, "column": "", "message": f"超过 {MAX_ROWS} 行,请分批导入。"}
                )
                break
            cells = dict(zip([k for k, _ in COLUMNS], values, strict=False))
            if all(_text(v) == "" for v in cells.values()):
                continue
            raw = {k: _cell(k, cells.get(k)) for k, _ in COLUMNS}
            raw["process"] = process
            parsed = validate(ReliefIn, {k: v for k, v in raw.items() if v not in ("", None)})
            for error in parsed.errors:
                key = error["field"].split(".")[0]
                text = _text(cells.get(key))
                if key == "kind" and text:
                    message = f"“{text[:20]}”不是可选值,应为:{'、'.join(KIND_BY_LABEL)}。"
                else:
                    message = (f"“{text[:20]}”" if text else "") + error["message"]
                errors.append({"row": number, "column": LABELS.get(key, ""), "message": message})
            rows.append({"row": number, "data": parsed.data})
        return rows, errors
    finally:
        wb.close()


def do_import_relief(
    *, actor, data: bytes, process: int | None, only_valid: bool = False, warning_reason: str = ""
) -> dict:
    """Register the rows of a household list through do_record_relief (the same checks as the
    form). With any error and not only_valid: nothing is written."""
    from .services import do_record_relief

    check_rule(actor, "disasters.record_relief")
    _process(actor, process)
    rows, errors = parse_workbook(data, process)

    def apply(row: dict):
        if row["data"] is None:
            raise RowError("", "数据有误。")
        payload = row["data"].model_copy(update={"warning_reason": warning_reason})
        return do_record_relief(actor=actor, data=payload).pk

    def column_of(exc: DomainError) -> str:
        field = (exc.details or {}).get("field", "")
        return LABELS.get(field, "提示说明" if field == "warning_reason" else "")

    with transaction.atomic():
        made, errors, kept = apply_rows(
            rows, apply, errors=errors, only_valid=only_valid, column_of=column_of
        )
        created = made if kept else []
        if created:
            record_event(
                "disasters.relief.imported",
                f"从 Excel 登记救助 {len(created)} 户,有误 {len(errors)} 行",
                created=len(created),
                errors=len(errors),
            )
    return {"created": created, "errors": errors, "applied": bool(created) or not errors}
