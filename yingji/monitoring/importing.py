"""Observation files (CSV or xlsx: columns station, element, time, value — or 站点编码, 要素,
观测时间, 数值) imported in steps with their progress shown. The file goes through the core
upload checks (size, type, zip bomb, row caps); its rows are kept once as records, then each
step ingests the next CHUNK rows through services.do_ingest_observations — the same checks and
the same Chinese reasons as the API — and the rejected rows are kept with their file row
number, downloadable."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

from django.db import transaction
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.permissions import check_rule
from yingji.core.uploads import XLSX_MAX_ROWS, open_xlsx, read_upload, sheet_rows

from .models import ObservationImport
from .services import do_ingest_observations

CHUNK = 2000
HEADERS = {
    "station": "station",
    "站点编码": "station",
    "站点": "station",
    "element": "element",
    "要素": "element",
    "time": "time",
    "观测时间": "time",
    "时间": "time",
    "value": "value",
    "数值": "value",
    "观测值": "value",
}
FIELDS = ("station", "element", "time", "value")


def _text(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(f"文件“{name}”不是 UTF-8 或 GB18030 编码的文本。")


def _csv_rows(data: bytes, name: str):
    text = _text(data, name)
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if number > XLSX_MAX_ROWS + 1:
            raise ValidationFailed(
                f"文件超过 {XLSX_MAX_ROWS:,} 行,请分批导入。", details={"limit": XLSX_MAX_ROWS}
            )
        yield row


def _cell(value):
    """A cell as the API would receive it: numbers stay numbers, text that is a number becomes
    one (so "NaN" and "inf" get the API's reason), dates become ISO text (without a time zone
    they are refused, as in the API)."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return text
        return number if text else text
    return value


def read_records(upload) -> tuple[list[dict], list[int]]:
    """The records of an uploaded CSV/xlsx and the file row number of each (header on row 1)."""
    data = read_upload(upload, extensions=(".csv", ".xlsx"))
    name = getattr(upload, "name", "") or ""
    if name.lower().endswith(".xlsx"):
        book = open_xlsx(data, unreadable="无法读取该 Excel 文件,请确认是 .xlsx 格式。", name=name)
        rows = sheet_rows(book.worksheets[0], max_cols=10)
    else:
        rows = _csv_rows(data, name)
    header, records, numbers = None, [], []
    for number, row in enumerate(rows, start=1):
        cells = list(row or [])
        if not any(c not in (None, "") for c in cells):
            continue
        if header is None:
            header = [HEADERS.get(str(c or "").strip().lower(), "") for c in cells]
            missing = [f for f in FIELDS if f not in header]
            if missing:
                raise ValidationFailed(
                    "第一行应为列名 station,element,time,value(或 站点编码,要素,观测时间,数值),"
                    f"缺少:{'、'.join(missing)}。",
                    details={"row": number},
                )
            continue
        record = {}
        for key, value in zip(header, cells, strict=False):
            if key and key not in record:
                record[key] = _cell(value) if key == "value" else _plain(value)
        records.append(record)
        numbers.append(number)
    if header is None or not records:
        raise ValidationFailed("文件中没有数据行。")
    return records, numbers


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value.strip() if isinstance(value, str) else value


def do_start_observation_import(*, actor, upload) -> ObservationImport:
    check_rule(actor, "monitoring.register_stations")
    records, numbers = read_records(upload)
    with transaction.atomic():
        job = ObservationImport.objects.create(
            file_name=(getattr(upload, "name", "") or "file")[:255],
            user=actor,
            records=[_jsonable(r) for r in records],
            rows=numbers,
            total=len(records),
        )
        record_event(
            "monitoring.import.started",
            f"上传监测数据文件“{job.file_name}”,共 {job.total:,} 行",
            target=job,
        )
    return job


def _jsonable(record: dict) -> dict:
    """NaN and infinities are not JSON: kept as text, which the ingest refuses with the same
    reason as a JSON NaN ("not a finite number")."""
    out = {}
    for k, v in record.items():
        if isinstance(v, float) and not math.isfinite(v):
            out[k] = {"nonfinite": repr(v)}
        else:
            out[k] = v
    return out


def _restored(record: dict) -> dict:
    value = record.get("value")
    if isinstance(value, dict) and "nonfinite" in value:
        return {**record, "value": float(value["nonfinite"])}
    return record


def do_continue_observation_import(*, actor, job: ObservationImport) -> ObservationImport:
    """Ingest the next CHUNK rows of the file (one ingest batch, its own transaction); the
    last step marks the import done. Only the person who uploaded it moves it on."""
    with transaction.atomic():
        job = ObservationImport.objects.select_for_update().get(pk=job.pk)
        if job.user_id != actor.pk:
            raise NotPermitted("只有上传该文件的人可以继续导入。")
        if job.state == "done":
            return job
        start, end = job.done, min(job.done + CHUNK, job.total)
        batch = [_restored(r) for r in job.records[start:end]]
        result = do_ingest_observations(actor=actor, records=batch, source="file")
        job.accepted += result.accepted
        job.duplicates += result.duplicates
        job.revised += result.revised
        job.quarantined += result.quarantined
        job.alarm_changes += len(result.alarms)
        job.rejected = job.rejected + [
            {
                "index": start + r["index"],
                "row": job.rows[start + r["index"]],
                "reason": r["reason"],
            }
            for r in result.rejected
        ]
        job.done = end
        if job.done >= job.total:
            job.state = "done"
            job.finished_at = timezone.now()
            record_event(
                "monitoring.import.finished",
                f"监测数据文件“{job.file_name}”导入完成:{job.total:,} 行,新增 {job.accepted:,},"
                f"重复 {job.duplicates:,},修订 {job.revised:,},拒收或隔离 {len(job.rejected):,}",
                target=job,
            )
        job.save()
    return job


def rejected_csv(job: ObservationImport) -> bytes:
    """The rejected rows with their file row number and reason (formula-safe cells)."""
    from yingji.core.cells import csv_cell

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["行号", "station", "element", "time", "value", "原因"])
    for r in job.rejected:
        record = job.records[r["index"]] if r["index"] < len(job.records) else {}
        value = record.get("value")
        if isinstance(value, dict):
            value = value.get("nonfinite")
        writer.writerow(
            [csv_cell(x) for x in [r["row"], *(record.get(f, "") for f in FIELDS[:3]), value]]
            + [csv_cell(r["reason"])]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
