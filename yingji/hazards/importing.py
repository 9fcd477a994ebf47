"""Bulk registration of hazards from Excel (issue #5): a downloadable template, every row checked
(row, column, what is wrong, what is expected), then the user's choice: register the valid rows,
or nothing if any row is wrong. Each row goes through services.do_register_hazard, so the same
rules and permissions apply as in the form."""

from __future__ import annotations

import io
from datetime import date, datetime

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from yingji.core.audit import record_event
from yingji.core.errors import DomainError, ValidationFailed
from yingji.core.rows import RowError, apply_rows
from yingji.core.rows import cell_text as _text
from yingji.core.schemas import validate
from yingji.core.uploads import XLSX_MAX_ROWS, open_xlsx, sheet_rows
from yingji.enterprises.selectors import visible_enterprises

from .choices import CATEGORIES, LEVELS, SOURCES
from .schemas import HazardIn
from .services import do_register_hazard

COLUMNS = [
    ("uscc", "统一社会信用代码"),
    ("source", "发现途径"),
    ("category", "隐患类别"),
    ("description", "隐患描述"),
    ("location", "具体位置"),
    ("found_on", "发现日期"),
    ("finder", "发现人"),
    ("level", "初步等级"),
    ("people_exposed", "可能影响人数"),
]
LABELS = dict(COLUMNS)
ORDERED_CHOICES = (("source", SOURCES), ("category", CATEGORIES), ("level", LEVELS))
SHEET = "隐患清单"
MAX_ROWS = 5000


def _by_label(choices) -> dict[str, str]:
    return {str(label): key for key, label in choices}


def build_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([label for _, label in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHI", (22, 10, 10, 40, 16, 12, 10, 10, 12), strict=True):
        ws.column_dimensions[letter].width = width
    for letter, (_, choices) in zip("BCH", ORDERED_CHOICES, strict=True):
        options = ",".join(str(label) for _, label in choices)
        rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        ws.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{MAX_ROWS}")
    ws.freeze_panes = "A2"
    help_ = wb.create_sheet("填写说明")
    for line in (
        "每行一条隐患;第一行为表头,请勿修改。",
        "统一社会信用代码:须为您有权管理的企业(已在企业档案中登记)。",
        "发现途径:" + "、".join(str(v) for _, v in SOURCES),
        "隐患类别:" + "、".join(str(v) for _, v in CATEGORIES),
        "初步等级:一般隐患 或 重大隐患(危险化学品企业按2017年判定标准的,请在系统中逐条勾选)。",
        "发现日期:YYYY-MM-DD,不能晚于今天。",
    ):
        help_.append([line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _read(wb):
    """The sheet's rows after a header checked against the template."""
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows_iter = sheet_rows(ws, max_rows=max(XLSX_MAX_ROWS, MAX_ROWS + 2))
    header = [_text(v) for v in next(rows_iter, ())]
    expected = [label for _, label in COLUMNS]
    if header[: len(expected)] != expected:
        raise ValidationFailed(
            f"表头与模板不符:应为“{'、'.join(expected)}”,实际为“{'、'.join(h for h in header if h)}”。"
            "请下载模板后填写。",
            details={"header": header},
        )
    return rows_iter


# The columns HazardIn checks (all but the enterprise's credit code), and the choice columns,
# whose cells hold the labels of the template's drop-down lists.
FIELDS = [key for key, _ in COLUMNS if key != "uscc"]
CHOICES = {key: _by_label(choices) for key, choices in ORDERED_CHOICES}


def _input(key: str, value):
    """A cell as HazardIn's input: a choice's label as its key, a date cell as a date."""
    if key == "found_on" and isinstance(value, datetime):
        return value.date()
    if key == "found_on" and isinstance(value, date):
        return value
    text = _text(value)
    return CHOICES[key].get(text, text) if key in CHOICES else text


def _message(key: str, error: dict, value) -> str:
    """The schema's Chinese message, with the cell's value and, for a choice, the choices."""
    text = _text(value)
    if key in CHOICES and text:
        return f"“{text}”不是可选值,应为:{'、'.join(CHOICES[key])}。"
    if text and error["message"] != "必填。":
        return f"“{text[:20]}”{error['message']}"
    return error["message"]


def _row(number: int, cells: dict) -> tuple[dict, list[dict]]:
    """(the row with its HazardIn data when valid, its errors as (row, column, message))."""
    row = {"row": number, "uscc": _text(cells.get("uscc")).upper()}
    errors = []
    if not row["uscc"]:
        errors.append(
            {"row": number, "column": LABELS["uscc"], "message": "请填写企业的统一社会信用代码。"}
        )
    data = {key: _input(key, cells.get(key)) for key in FIELDS}
    parsed = validate(HazardIn, {k: v for k, v in data.items() if v != ""})
    for error in parsed.errors:
        key = error["field"].split(".")[0]
        errors.append(
            {"row": number, "column": LABELS[key], "message": _message(key, error, cells.get(key))}
        )
    row["data"] = parsed.data
    return row, errors


def parse_workbook(data: bytes) -> tuple[list[dict], list[dict]]:
    """(rows, errors). A file that is not such a workbook raises ValidationFailed. Each row is
    checked with HazardIn, the schema the form and the API take."""
    wb = open_xlsx(data, unreadable="无法读取该文件:应为按模板填写的 Excel(.xlsx)文件。")
    try:
        return _parse_rows(wb)
    finally:
        wb.close()


def _parse_rows(wb) -> tuple[list[dict], list[dict]]:
    if not wb.worksheets:
        raise ValidationFailed("无法读取该文件:工作簿中没有工作表。")
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
        row, row_errors = _row(number, cells)
        rows.append(row)
        errors.extend(row_errors)
    return rows, errors


def do_import_hazards(*, actor, data: bytes, only_valid: bool = False) -> dict:
    """Register the rows. With any error and not only_valid: nothing is written."""
    rows, errors = parse_workbook(data)
    enterprises = {
        e.uscc: e
        for e in visible_enterprises(actor, "change").filter(uscc__in=[r["uscc"] for r in rows])
    }

    def apply(row: dict) -> str:
        enterprise = enterprises.get(row["uscc"])
        if enterprise is None:
            raise RowError(
                LABELS["uscc"], f"找不到统一社会信用代码为“{row['uscc']}”且您有权管理的企业。"
            )
        hazard = do_register_hazard(
            actor=actor, enterprise=enterprise, **row["data"].service_kwargs()
        )
        return hazard.code

    def column_of(exc: DomainError) -> str:
        return next((LABELS[k] for k in exc.details or {} if k in LABELS), "")

    with transaction.atomic():
        codes, errors, kept = apply_rows(
            rows, apply, errors=errors, only_valid=only_valid, column_of=column_of
        )
        created = codes if kept else []
        if created:
            record_event(
                "hazards.imported",
                f"从 Excel 登记隐患 {len(created)} 条,有误 {len(errors)} 行",
                created=len(created),
                errors=len(errors),
            )
    return {"created": created, "errors": errors, "applied": bool(created) or not errors}
