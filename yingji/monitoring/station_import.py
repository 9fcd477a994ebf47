"""Importing monitoring stations (监测站点台账) from Excel: each row is registered through
services.do_register_station, so the same checks and permissions apply as in the API. Every
row is checked (row, column, message in Chinese); with any bad row nothing is written, unless
the user chose to keep the good rows (core.rows.apply_rows).

The columns are found by their header, so the list's own export (which adds 县区, 状态 and
最近数据时间, ignored here) can be edited and imported again: 类型 and 监测要素 take the
Chinese names the export writes as well as the codes, 权属单位 the organisation's code or name."""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from yingji.core.audit import record_event
from yingji.core.errors import DomainError, ValidationFailed
from yingji.core.rows import apply_rows
from yingji.core.rows import cell_text as _text
from yingji.core.schemas import validate
from yingji.core.uploads import XLSX_MAX_ROWS, open_xlsx, sheet_rows

from .choices import KINDS, element_catalogue
from .schemas import StationIn
from .services import do_register_station

COLUMNS = [
    ("code", "站点编码"),
    ("name", "站点名称"),
    ("kind", "类型"),
    ("owner", "权属单位"),
    ("enterprise", "所属企业编码"),
    ("lon", "经度"),
    ("lat", "纬度"),
    ("crs", "坐标系"),
    ("elements", "监测要素"),
    ("installed_on", "安装日期"),
    ("warning", "警戒水位"),
    ("guarantee", "保证水位"),
    ("high", "高液位"),
    ("high_high", "高高液位"),
]
# the per-station limits (rules WATER-LEVEL and TANK-LEVEL) and the element each belongs to
LIMIT_ELEMENT = {
    "warning": "water_level",
    "guarantee": "water_level",
    "high": "tank_level",
    "high_high": "tank_level",
}
REQUIRED = ("code", "name", "kind", "lon", "lat", "elements")
LABELS = dict(COLUMNS)
SHEET = "监测站点"
MAX_ROWS = 2000
CRS = {"wgs84": "wgs84", "gcj02": "gcj02", "bd09": "bd09"}
SEPARATORS = re.compile(r"[、,,;;\s]+")


def build_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([label for _, label in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    help_ = wb.create_sheet("填写说明")
    kinds = "、".join(f"{label}({code})" for code, label in KINDS)
    elements = "、".join(f"{e['name']}({code})" for code, e in element_catalogue().items())
    for line in (
        "每行登记一个监测站点;第一行为表头,请勿修改(列的顺序可以调整,多余的列不读)。",
        "站点编码:字母、数字、-、_、.,全市唯一。",
        f"类型:{kinds},填名称或括号中的编码均可。",
        "权属单位:机构编码或名称,不填为本人所在单位;县区只能登记本县区单位的站点。",
        "所属企业编码:企业传感器填企业的机构编码(如 DEMO-ENT-620104-01),权属单位即为该企业。",
        "经度、纬度:十进制度;坐标系不填为 WGS84,也可填 GCJ-02(高德/腾讯)或 BD-09(百度)。",
        f"监测要素:用顿号或逗号分隔,填名称或编码:{elements}。",
        "上报间隔和合理范围取要素目录的默认值,导入后可在接口中修改。安装日期:YYYY-MM-DD。",
        "警戒水位、保证水位(米,须测水位)和高液位、高高液位(米,须测储罐液位)可不填;"
        "填写后告警规则按本站的值判断(超警戒水位、超保证水位;储罐高、高高液位)。",
    ):
        help_.append([line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _number(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = _text(value)
    try:
        return float(text) if text else None
    except ValueError:
        return text  # the schema says it is not a number


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _text(value) or None


def _kind(text: str) -> str:
    by_label = {str(label): code for code, label in KINDS}
    return by_label.get(text, text)


def _elements(text: str) -> tuple[list[dict], str | None]:
    catalogue = element_catalogue()
    by_name = {e["name"]: code for code, e in catalogue.items()}
    codes = []
    for token in (t for t in SEPARATORS.split(text) if t):
        code = token if token in catalogue else by_name.get(token)
        if code is None:
            known = "、".join(catalogue)
            return [], f"未知的监测要素“{token[:20]}”,应为 {known} 之一(或其中文名称)。"
        if code in codes:
            return [], f"监测要素“{token[:20]}”重复。"
        codes.append(code)
    if not codes:
        return [], "请填写监测要素。"
    return [{"code": c} for c in codes], None


def _owner(text: str) -> str | None:
    """The organisation code for a code or a name (the export writes the name)."""
    if not text:
        return None
    from yingji.orgs.models import Organisation

    found = Organisation.objects.filter(name=text).values_list("code", flat=True).first()
    return found or text


def _row(number: int, cells: dict, seen: dict[str, int]) -> tuple[dict, list[dict]]:
    errors = []

    def err(key, message):
        if not any(e["column"] == LABELS[key] for e in errors):
            errors.append({"row": number, "column": LABELS[key], "message": message})

    code = _text(cells.get("code"))
    if code and code in seen:
        err("code", f"站点编码“{code[:40]}”与第 {seen[code]} 行重复。")
    elif code:
        seen[code] = number
    elements, problem = _elements(_text(cells.get("elements")))
    if problem:
        err("elements", problem)
    for key, element in LIMIT_ELEMENT.items():
        raw = cells.get(key)
        if _text(raw) == "":
            continue
        value = _number(raw)
        spec = next((e for e in elements if e["code"] == element), None)
        if not isinstance(value, int | float) or not math.isfinite(value):
            err(key, f"{LABELS[key]}应为数字,而不是“{_text(raw)[:20]}”。")
        elif spec is None:
            name = element_catalogue()[element]["name"]
            err(key, f"填写了{LABELS[key]},但监测要素中没有{name}。")
        else:
            spec.setdefault("limits", {})[key] = float(value)
    crs_text = _text(cells.get("crs")).lower().replace("-", "")
    crs = CRS.get(crs_text or "wgs84")
    if crs is None:
        err("crs", f"坐标系“{crs_text[:20]}”应为 WGS84、GCJ-02 或 BD-09。")
    data = {
        "code": code,
        "name": _text(cells.get("name")),
        "kind": _kind(_text(cells.get("kind"))),
        "lon": _number(cells.get("lon")),
        "lat": _number(cells.get("lat")),
        "crs": crs or "wgs84",
        "elements": elements or [{"code": "rain"}],  # checked above; keeps the schema quiet
        "owner": _owner(_text(cells.get("owner"))),
        "enterprise": _text(cells.get("enterprise")) or None,
        "installed_on": _date(cells.get("installed_on")),
    }
    parsed = validate(StationIn, {k: v for k, v in data.items() if v not in ("", None)})
    for error in parsed.errors:
        key = error["field"].split(".")[0]
        if key == "kind":
            labels = "、".join(str(label) for _, label in KINDS)
            err("kind", f"类型“{_text(cells.get('kind'))[:20]}”应为 {labels} 之一。")
        else:
            err(key if key in LABELS else "code", error["message"])
    return {"row": number, "data": parsed.data}, errors


def _header(ws) -> tuple[dict[str, int], object]:
    rows = sheet_rows(ws, max_rows=max(XLSX_MAX_ROWS, MAX_ROWS + 2))
    header = [_text(v) for v in next(rows, ())]
    by_label = {label: key for key, label in COLUMNS}
    by_label["权属单位编码"] = "owner"
    index = {by_label[h]: i for i, h in enumerate(header) if h in by_label}
    missing = [LABELS[k] for k in REQUIRED if k not in index]
    if missing:
        raise ValidationFailed(
            f"表头缺少“{'、'.join(missing)}”列。请下载模板后填写。", details={"header": header}
        )
    return index, rows


def parse_workbook(data: bytes) -> tuple[list[dict], list[dict]]:
    wb = open_xlsx(data, unreadable="无法读取该文件:应为按模板填写的 Excel(.xlsx)文件。")
    try:
        if not wb.worksheets:
            raise ValidationFailed("无法读取该文件:工作簿中没有工作表。")
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        index, sheet = _header(ws)
        rows, errors, seen = [], [], {}
        for number, values in enumerate(sheet, start=2):
            if number > MAX_ROWS + 1:
                errors.append(
                    {"row": number, "column": "", "message": f"超过 {MAX_ROWS} 行,请分批导入。"}
                )
                break
            values = list(values)
            cells = {k: values[i] if i < len(values) else None for k, i in index.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            row, row_errors = _row(number, cells, seen)
            rows.append(row)
            errors.extend(row_errors)
        return rows, errors
    finally:
        wb.close()


def do_import_stations(*, actor, data: bytes, only_valid: bool = False) -> dict:
    """Register the rows' stations. With any error and not only_valid: nothing is written."""
    from yingji.core.permissions import check_rule

    check_rule(actor, "monitoring.register_stations")
    rows, errors = parse_workbook(data)

    def apply(row: dict):
        return do_register_station(actor=actor, data=row["data"])

    def column_of(exc: DomainError) -> str:
        field = (exc.details or {}).get("field")
        return LABELS.get(field, "")

    with transaction.atomic():
        done, errors, kept = apply_rows(
            rows, apply, errors=errors, only_valid=only_valid, column_of=column_of
        )
        if kept and done:
            record_event(
                "monitoring.stations.imported",
                f"导入监测站点:{len(done)} 个" + (f",{len(errors)} 行有误未导入" if errors else ""),
                rows=len(done),
                errors=len(errors),
            )
    return {
        "rows": len(rows),
        "imported": len(done) if kept else 0,
        "errors": errors,
        "kept": kept,
        "stations": [s.code for s in done] if kept else [],
    }
