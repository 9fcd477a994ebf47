"""Bulk import of enterprises from Excel (issue #4): a downloadable template, validation of
every row (row, column, what is wrong), then the user's choice: import the valid rows or
nothing; a USCC that is already registered merges into that record only on confirmation."""

from __future__ import annotations

import io

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from yingji.core.audit import record_event
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.permissions import can
from yingji.core.uploads import validate_upload

from .choices import COORD_SYSTEMS, SCALES, SECTORS, STATUSES
from .models import Enterprise, EnterpriseImport
from .services import do_register_enterprise, do_update_enterprise
from .validation import FIELD_LABELS, REQUIRED, clean_enterprise_data

COLUMNS = list(FIELD_LABELS)  # template column order
HEADER_ROW = 1
MAX_ROWS = 5000
SHEET = "企业名录"


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


def parse_workbook(data: bytes) -> tuple[list[dict], list[dict], int]:
    """Validate every row. Returns (valid rows, errors, number of data rows). An error is
    {"row": Excel row number, "column": column label, "message": what is wrong}."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is the user's input problem
        raise ValidationFailed("无法读取该Excel文件,请使用下载的模板(.xlsx)填写。")
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_cell_text(v) for v in next(rows, ())]
    by_label = {label: key for key, label in FIELD_LABELS.items()}
    index = {}
    for i, label in enumerate(header):
        key = by_label.get(label.rstrip("*").strip())
        if key:
            index[key] = i
    missing = [FIELD_LABELS[k] for k in REQUIRED if k not in index]
    if missing:
        raise ValidationFailed(
            f"表头缺少必填列:{'、'.join(missing)}。请使用下载的模板。",
            details={"missing_columns": missing},
        )
    valid, errors, total = [], [], 0
    seen_uscc: dict[str, int] = {}
    for excel_row, values in enumerate(rows, start=HEADER_ROW + 1):
        raw = {k: _cell_text(values[i]) if i < len(values) else "" for k, i in index.items()}
        if not any(raw.values()):
            continue
        total += 1
        if total > MAX_ROWS:
            raise ValidationFailed(f"一次最多导入{MAX_ROWS}行,请分批导入。")
        clean, row_errors = clean_enterprise_data(raw)
        uscc = clean.get("uscc")
        if uscc and uscc in seen_uscc:
            row_errors["uscc"] = f"统一社会信用代码{uscc}与第{seen_uscc[uscc]}行重复"
        elif uscc:
            seen_uscc[uscc] = excel_row
        existing = Enterprise.objects.filter(uscc=uscc).first() if uscc else None
        if existing is None and clean.get("name"):
            from yingji.orgs.models import Organisation

            if Organisation.objects.filter(name=clean["name"]).exists():
                row_errors["name"] = f"名称“{clean['name']}”已被其他单位使用"
        for key, message in row_errors.items():
            errors.append(
                {"row": excel_row, "column": FIELD_LABELS.get(key, key), "message": message}
            )
        if not row_errors:
            valid.append(
                {
                    "row": excel_row,
                    "raw": raw,
                    "name": clean["name"],
                    "uscc": uscc,
                    "existing_id": existing.pk if existing else None,
                    "existing_name": str(existing) if existing else "",
                }
            )
    if total == 0:
        raise ValidationFailed("文件中没有数据行。")
    return valid, errors, total


def do_preview_enterprise_import(*, actor, upload) -> EnterpriseImport:
    """Validate an uploaded file and keep the result for the user's decision (nothing imported)."""
    if not (upload.name or "").lower().endswith(".xlsx"):
        raise ValidationFailed("请上传 .xlsx 格式的Excel文件(可先下载模板)。")
    _mime, digest = validate_upload(upload)
    valid, errors, total = parse_workbook(upload.read())
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
            batch.state = "cancelled"
            batch.result = {"created": 0, "merged": 0, "skipped": len(batch.rows)}
            batch.save()
            record_event(
                "enterprises.import.cancelled",
                f"导入文件“{batch.file_name}”:选择全部不导入",
                target=batch,
            )
            return batch
        created = merged = 0
        skipped = []
        for row in batch.rows:
            try:
                if row.get("existing_id"):
                    if not merge_duplicates:
                        skipped.append(
                            {"row": row["row"], "message": "统一社会信用代码已登记,未确认合并"}
                        )
                        continue
                    ent = Enterprise.objects.get(pk=row["existing_id"])
                    if not can(actor, ent, "change"):
                        raise NotPermitted(f"您无权修改已登记的“{ent}”")
                    data = {k: v for k, v in row["raw"].items() if v not in ("", None)}
                    try:
                        do_update_enterprise(
                            actor=actor, enterprise=ent, data=data, expected_version=ent.version
                        )
                        merged += 1
                    except ValidationFailed as exc:
                        if exc.message != "没有需要保存的修改。":
                            raise
                        skipped.append({"row": row["row"], "message": "与已有档案一致,无需合并"})
                else:
                    do_register_enterprise(actor=actor, data=row["raw"])
                    created += 1
            except (ValidationFailed, NotPermitted) as exc:
                # Something changed since the preview: nothing of this batch is kept.
                raise ValidationFailed(
                    f"第{row['row']}行导入失败,全部未导入:{exc.message}",
                    details={"row": row["row"]},
                )
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
