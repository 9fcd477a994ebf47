"""Bulk import of enterprises from Excel (issue #4): a downloadable template, validation of
every row (row, column, what is wrong), then the user's choice: import the valid rows or
nothing; a USCC that is already registered merges into that record only on confirmation.

Each row is validated with the registration schema (``schemas.EnterpriseIn``, the one the API
takes) and then the place (district, coordinates); the template's columns are that schema's
fields and its header row their titles."""

from __future__ import annotations

import hashlib
import io

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from yingji.core.audit import record_event
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.permissions import can, check_rule
from yingji.core.schemas import validate
from yingji.core.uploads import XLSX_MAX_ROWS, open_xlsx, read_upload, sheet_rows
from yingji.standards.ids import validate_uscc

from .choices import COORD_SYSTEMS, SCALES, SECTORS, STATUSES
from .models import Enterprise, EnterpriseImport
from .schemas import EnterpriseIn, LocationIn
from .services import do_register_enterprise, do_update_enterprise
from .validation import FIELD_LABELS, REQUIRED, check_location, clean_enterprise_data

COLUMNS = list(FIELD_LABELS)  # template column order
HEADER_ROW = 1
MAX_ROWS = 5000
SHEET = "企业名录"
UNREADABLE = "无法读取该Excel文件,请使用下载的模板(.xlsx)填写。"


def build_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for i, key in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=FIELD_LABELS[key])
        cell.font = Font(bold=True)
        if key in REQUIRED:
            cell.fill = PatternFill("solid", fgColor="FFE699")
        ws.column_dimensions[get_column_letter(i)].width = 16 if key != "name" else 32
    example = {
        "name": "兰州示例化工有限公司",
        "uscc": "91350100M000100Y43",
        "region": "西固区",
        "sector": "危险化学品生产",
        "scale": "中型",
        "employees": 120,
        "status": "在业",
        "legal_representative": "张三",
        "principal": "李四",
        "principal_phone": "0931-0000000",
        "safety_contact": "王五",
        "safety_phone": "13800000000",
        "address": "兰州市西固区示例路1号",
        "lon": 103.63,
        "lat": 36.09,
        "coord_system": "WGS84",
    }
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "是否必填", "说明"])
    explain = {
        "uscc": "18位,按GB 32100校验;与已登记企业重复时,经确认后合并到已有档案",
        "region": "县区代码(如620104)或名称(如西固区);须与坐标所在县区一致",
        "sector": "、".join(str(v) for _, v in SECTORS),
        "scale": "、".join(str(v) for _, v in SCALES),
        "status": "、".join(str(v) for _, v in STATUSES) + "(不填为在业)",
        "lon": "经度,十进制度",
        "lat": "纬度,十进制度",
        "coord_system": "WGS84、GCJ-02(高德/腾讯)或 BD-09(百度),不填为 WGS84",
    }
    for key in COLUMNS:
        notes.append([FIELD_LABELS[key], "是" if key in REQUIRED else "否", explain.get(key, "")])
    notes.append([])
    notes.append(["示例(请勿照抄)"] + [str(example[k]) for k in COLUMNS])
    for key, choices in (("sector", SECTORS), ("scale", SCALES), ("status", STATUSES)):
        col = get_column_letter(COLUMNS.index(key) + 1)
        dv = DataValidation(
            type="list", formula1='"' + ",".join(str(v) for _, v in choices) + '"', allow_blank=True
        )
        dv.add(f"{col}2:{col}{MAX_ROWS + 1}")
        ws.add_data_validation(dv)
    col = get_column_letter(COLUMNS.index("coord_system") + 1)
    dv = DataValidation(
        type="list", formula1='"' + ",".join(v for _, v in COORD_SYSTEMS) + '"', allow_blank=True
    )
    dv.add(f"{col}2:{col}{MAX_ROWS + 1}")
    ws.add_data_validation(dv)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _open_sheet(wb):
    if not wb.worksheets:
        raise ValidationFailed(UNREADABLE)
    return wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]


def _column_index(header_row) -> dict[str, int]:
    """field → column number, from the header row (a trailing * on a label is allowed)."""
    by_label = {label: key for key, label in FIELD_LABELS.items()}
    index = {}
    for i, value in enumerate(header_row):
        key = by_label.get(_cell_text(value).rstrip("*").strip())
        if key:
            index[key] = i
    missing = [FIELD_LABELS[k] for k in REQUIRED if k not in index]
    if missing:
        raise ValidationFailed(
            f"表头缺少必填列:{'、'.join(missing)}。请使用下载的模板。",
            details={"missing_columns": missing},
        )
    return index


def _data_rows(rows, index: dict[str, int]):
    """(Excel row number, {field: cell text}) of every non-empty row, at most MAX_ROWS."""
    count = 0
    for excel_row, values in enumerate(rows, start=HEADER_ROW + 1):
        raw = {k: _cell_text(values[i]) if i < len(values) else "" for k, i in index.items()}
        if not any(raw.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ValidationFailed(f"一次最多导入{MAX_ROWS}行,请分批导入。")
        yield excel_row, raw


def _cell_message(error: dict, data: dict) -> str:
    """The schema's message for a cell, saying what the cell holds (“很多”应为整数。), or that a
    required cell is empty."""
    field = error["field"].split(".")[0]
    if field not in data:
        return f"{error['label']}不能为空"
    value, message = str(data[field]), error["message"]
    if len(value) <= 40 and value not in message and value.isprintable():
        return f"“{value}”{message}"
    return message


def check_row(raw: dict) -> tuple[dict, dict]:
    """One row → (model values, errors by field): the registration schema, then the place
    (checked even when other cells are wrong, so that a row's problems are listed at once)."""
    data = _row_data(raw)
    parsed = validate(EnterpriseIn, data)
    errors = {e["field"].split(".")[0]: _cell_message(e, data) for e in parsed.errors}
    if parsed.ok:
        values, place_errors = clean_enterprise_data(parsed.data)
    else:
        place = validate(LocationIn, data)
        values, place_errors = check_location(place.data) if place.ok else ({}, {})
        # the cells the schema accepted, for the checks against other rows and records
        if "uscc" in data and "uscc" not in errors:
            values["uscc"] = validate_uscc(data["uscc"]).normalized
        if "name" in data and "name" not in errors:
            values["name"] = data["name"].strip()
    for key, message in place_errors.items():
        errors.setdefault(key, message)
    return values, errors


def _conflicts(values: dict, seen_uscc: dict[str, int], excel_row: int):
    """(errors, the enterprise already registered with this USCC): a USCC twice in the file,
    or a new enterprise's name that another organisation already has."""
    from yingji.orgs.models import Organisation

    errors = {}
    uscc, name = values.get("uscc"), values.get("name")
    if uscc and uscc in seen_uscc:
        errors["uscc"] = f"统一社会信用代码{uscc}与第{seen_uscc[uscc]}行重复"
    elif uscc:
        seen_uscc[uscc] = excel_row
    existing = Enterprise.objects.filter(uscc=uscc).first() if uscc else None
    if existing is None and name and Organisation.objects.filter(name=name).exists():
        errors["name"] = f"名称“{name}”已被其他单位使用"
    return errors, existing


def parse_workbook(data: bytes) -> tuple[list[dict], list[dict], int]:
    """Validate every row. Returns (valid rows, errors, number of data rows). An error is
    {"row": Excel row number, "column": column label, "message": what is wrong}."""
    wb = open_xlsx(data, unreadable=UNREADABLE)
    try:
        return _parse_sheet(_open_sheet(wb))
    finally:
        wb.close()


def _parse_sheet(ws) -> tuple[list[dict], list[dict], int]:
    # the row cap of core.uploads counts empty rows too; MAX_ROWS (data rows) comes first
    rows = sheet_rows(ws, max_rows=max(XLSX_MAX_ROWS, MAX_ROWS + HEADER_ROW))
    index = _column_index(next(rows, ()))
    valid, errors, total = [], [], 0
    seen_uscc: dict[str, int] = {}
    for excel_row, raw in _data_rows(rows, index):
        total += 1
        values, row_errors = check_row(raw)
        conflicts, existing = _conflicts(values, seen_uscc, excel_row)
        row_errors |= conflicts
        errors += [
            {"row": excel_row, "column": FIELD_LABELS.get(key, key), "message": message}
            for key, message in row_errors.items()
        ]
        if not row_errors:
            valid.append(
                {
                    "row": excel_row,
                    "raw": raw,
                    "name": values["name"],
                    "uscc": values["uscc"],
                    "existing_id": existing.pk if existing else None,
                    "existing_name": str(existing) if existing else "",
                }
            )
    if total == 0:
        raise ValidationFailed("文件中没有数据行。")
    return valid, errors, total


def do_preview_enterprise_import(*, actor, upload) -> EnterpriseImport:
    """Validate an uploaded file and keep the result for the user's decision (nothing imported)."""
    check_rule(actor, "enterprises.register")
    if not (upload.name or "").lower().endswith(".xlsx"):
        raise ValidationFailed("请上传 .xlsx 格式的Excel文件(可先下载模板)。")
    data = read_upload(upload, extensions=(".xlsx",))
    digest = hashlib.sha256(data).hexdigest()
    valid, errors, total = parse_workbook(data)
    with transaction.atomic():
        batch = EnterpriseImport.objects.create(
            created_by=actor,
            file_name=upload.name[:255],
            sha256=digest,
            rows=valid,
            errors=errors,
            total_rows=total,
        )
        record_event(
            "enterprises.import.previewed",
            f"校验导入文件“{batch.file_name}”:{total} 行,{len(valid)} 行有效,{len(errors)} 处错误",
            target=batch,
        )
    return batch


def _row_data(raw: dict) -> dict:
    """A row's cells as the schema's input: an empty cell is a field not given."""
    return {k: v for k, v in raw.items() if v not in ("", None)}


def _merge_row(actor, row: dict) -> str | None:
    """Update the registered enterprise with the row; the reason to skip it when nothing
    changes."""
    ent = Enterprise.objects.get(pk=row["existing_id"])
    if not can(actor, ent, "change"):
        raise NotPermitted(f"您无权修改已登记的“{ent}”")
    try:
        do_update_enterprise(
            actor=actor, enterprise=ent, data=_row_data(row["raw"]), expected_version=ent.version
        )
    except ValidationFailed as exc:
        if exc.message != "没有需要保存的修改。":
            raise
        return "与已有档案一致,无需合并"
    return None


def _import_row(actor, row: dict, merge_duplicates: bool) -> tuple[str, str | None]:
    """("created" | "merged" | "skipped", why skipped)."""
    if not row.get("existing_id"):
        do_register_enterprise(actor=actor, data=_row_data(row["raw"]))
        return "created", None
    if not merge_duplicates:
        return "skipped", "统一社会信用代码已登记,未确认合并"
    why = _merge_row(actor, row)
    return ("skipped", why) if why else ("merged", None)


def _cancel(batch: EnterpriseImport) -> EnterpriseImport:
    batch.state = "cancelled"
    batch.result = {"created": 0, "merged": 0, "skipped": len(batch.rows)}
    batch.save()
    record_event(
        "enterprises.import.cancelled", f"导入文件“{batch.file_name}”:选择全部不导入", target=batch
    )
    return batch


def do_apply_enterprise_import(
    *, actor, batch: EnterpriseImport, mode: str, merge_duplicates: bool = False
) -> EnterpriseImport:
    """mode "valid": import the valid rows (all or nothing: any failure rolls back every row);
    mode "nothing": import nothing. Rows whose USCC is already registered update that record only
    if merge_duplicates is confirmed; otherwise they are skipped and reported."""
    if batch.created_by_id != actor.pk:
        raise NotPermitted("只能处理自己上传的导入文件。")
    if batch.state != "previewed":
        raise ValidationFailed(f"该导入文件已处理(“{batch.get_state_display()}”)。")
    if mode not in ("valid", "nothing"):
        raise ValidationFailed("请选择“导入有效行”或“全部不导入”。")
    with transaction.atomic():
        batch = EnterpriseImport.objects.select_for_update().get(pk=batch.pk)
        if mode == "nothing":
            return _cancel(batch)
        counts = {"created": 0, "merged": 0}
        skipped = []
        for row in batch.rows:
            try:
                outcome, why = _import_row(actor, row, merge_duplicates)
            except (ValidationFailed, NotPermitted) as exc:
                # Something changed since the preview: nothing of this batch is kept.
                raise ValidationFailed(
                    f"第{row['row']}行导入失败,全部未导入:{exc.message}",
                    details={"row": row["row"]},
                )
            if outcome == "skipped":
                skipped.append({"row": row["row"], "message": why})
            else:
                counts[outcome] += 1
        created, merged = counts["created"], counts["merged"]
        batch.state = "imported"
        batch.result = {"created": created, "merged": merged, "skipped": skipped}
        batch.save()
        record_event(
            "enterprises.import.applied",
            f"导入文件“{batch.file_name}”:新增 {created} 家,合并 {merged} 家,跳过 {len(skipped)} 行",
            target=batch,
            created=created,
            merged=merged,
        )
    return batch
