"""Importing an existing 储备台账 from Excel: each row is an 入库 (opening balance or a receipt)
through services.do_record_movement, so the same rules and permissions apply as in the form.
Every row is checked (row, column, message in Chinese); with any bad row nothing is written,
unless the user chose to keep the good rows."""

from __future__ import annotations

import io
from datetime import date, datetime

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from yingji.core.audit import record_event
from yingji.core.errors import DomainError, ValidationFailed
from yingji.core.rows import RowError, apply_rows
from yingji.core.rows import cell_text as _text
from yingji.core.schemas import validate
from yingji.core.uploads import XLSX_MAX_ROWS, open_xlsx, sheet_rows

from .models import Item
from .schemas import MovementIn
from .selectors import visible_sites
from .services import do_record_movement

COLUMNS = [
    ("site", "储备库编码"),
    ("item", "物资编码"),
    ("item_name", "物资名称"),
    ("quantity", "数量"),
    ("batch", "批次"),
    ("expires_on", "有效期至"),
    ("document_no", "单据号"),
    ("reason", "事由"),
]
LABELS = dict(COLUMNS)
SHEET = "储备台账"
MAX_ROWS = 5000


def build_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([label for _, label in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    help_ = wb.create_sheet("填写说明")
    for line in (
        "每行一笔入库(含建账时的期初库存);第一行为表头,请勿修改。",
        "储备库编码:须为您有权管理的储备库(点)。物资编码:物资目录中的7位编码(GB/T 38565 结构)。",
        "物资名称可不填;填写时须与物资编码一致。数量:正整数。有效期至:YYYY-MM-DD,可不填。",
    ):
        help_.append([line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _text(value) or None


def _read(wb):
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = sheet_rows(ws, max_rows=max(XLSX_MAX_ROWS, MAX_ROWS + 2))
    header = [_text(v) for v in next(rows, ())]
    expected = [label for _, label in COLUMNS]
    if header[: len(expected)] != expected:
        raise ValidationFailed(
            f"表头与模板不符:应为“{'、'.join(expected)}”。请下载模板后填写。",
            details={"header": header},
        )
    return rows


def _row(number: int, cells: dict, items: dict[str, Item]) -> tuple[dict, list[dict]]:
    errors = []

    def err(key, message):
        errors.append({"row": number, "column": LABELS[key], "message": message})

    site = _text(cells.get("site"))
    if not site:
        err("site", "请填写储备库编码。")
    code = _text(cells.get("item"))
    item = items.get(code)
    if item is None:
        err("item", f"物资目录中没有编码为“{code[:20]}”的物资。" if code else "请填写物资编码。")
    name = _text(cells.get("item_name"))
    if item is not None and name and name != item.name:
        err("item_name", f"物资名称“{name[:20]}”与编码 {code} 的“{item.name}”不一致。")
    quantity = cells.get("quantity")
    if isinstance(quantity, int | float) and not isinstance(quantity, bool) and quantity <= 0:
        err("quantity", f"数量应为正整数,而不是 {_text(quantity)}。")
        quantity = None
    data = {
        "kind": "in",
        "item": code,
        "quantity": quantity if isinstance(quantity, int | float) else _text(quantity) or None,
        "batch": _text(cells.get("batch")),
        "expires_on": _date(cells.get("expires_on")),
        "document_no": _text(cells.get("document_no")),
        "reason": _text(cells.get("reason")) or "台账导入",
    }
    parsed = validate(MovementIn, {k: v for k, v in data.items() if v not in ("", None)})
    for error in parsed.errors:
        key = error["field"].split(".")[0]
        key = key if key in LABELS else "quantity"  # the schema's cross-field check
        if not any(e["column"] == LABELS[key] for e in errors):
            err(key, error["message"])
    return {"row": number, "site": site, "data": parsed.data}, errors


def parse_workbook(data: bytes) -> tuple[list[dict], list[dict]]:
    wb = open_xlsx(data, unreadable="无法读取该文件:应为按模板填写的 Excel(.xlsx)文件。")
    try:
        if not wb.worksheets:
            raise ValidationFailed("无法读取该文件:工作簿中没有工作表。")
        items = {i.code: i for i in Item.objects.all()}
        rows, errors = [], []
        for number, values in enumerate(_read(wb), start=2):
            if number > MAX_ROWS + 1:
                errors.append(
                    {"row": number, "column": "", "message": f"超过 {MAX_ROWS} 行,请分批导入。"}
                )
                break
            cells = dict(zip([k for k, _ in COLUMNS], values, strict=False))
            if all(_text(v) == "" for v in cells.values()):
                continue
            row, row_errors = _row(number, cells, items)
            rows.append(row)
            errors.extend(row_errors)
        return rows, errors
    finally:
        wb.close()


def do_import_ledger(*, actor, data: bytes, only_valid: bool = False) -> dict:
    """Record the rows as 入库 movements. With any error and not only_valid: nothing is written."""
    rows, errors = parse_workbook(data)
    sites = {
        s.code: s for s in visible_sites(actor, "change").filter(code__in=[r["site"] for r in rows])
    }

    def apply(row: dict):
        site = sites.get(row["site"])
        if site is None:
            raise RowError(
                LABELS["site"], f"找不到编码为“{row['site'][:40]}”且您有权管理的储备库(点)。"
            )
        return do_record_movement(actor=actor, site=site, data=row["data"])

    def column_of(exc: DomainError) -> str:
        field = (exc.details or {}).get("field")
        return LABELS.get(field, "")

    with transaction.atomic():
        done, errors, kept = apply_rows(
            rows, apply, errors=errors, only_valid=only_valid, column_of=column_of
        )
        lines = sum(len(d) for d in done) if kept else 0
        if kept and done:
            record_event(
                "resources.ledger.imported",
                f"导入储备台账:{len(done)} 行入库({lines} 条台账记录)"
                + (f",{len(errors)} 行有误未导入" if errors else ""),
                rows=len(done),
                errors=len(errors),
            )
    return {"rows": len(rows), "imported": len(done) if kept else 0, "errors": errors, "kept": kept}
