"""Documents of 工作要点督办: the Excel 任务分解台账 (exported, filled in by the units and read back
as progress reports), the Word 工作落实情况报告 for a reporting cycle and the Word 督办单.

Builders take objects that are already filtered by permissions and only write what they are
given. They render in Chinese whatever the user's interface language: these are official
documents of the bureau."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import translation

from yingji.core.audit import record_event
from yingji.core.cells import clean_text, set_xlsx_text
from yingji.core.errors import DomainError, ValidationFailed
from yingji.core.rows import RowError, apply_rows
from yingji.core.uploads import check_size, open_xlsx, sheet_rows

from .choices import ASSIGNMENT_STATUSES, REPORTABLE_STATUSES, STATUS_LABELS
from .models import Assignment, Part, ProgressReport

DOCUMENT_LANGUAGE = "zh-hans"

# --- Excel 任务分解台账 ---------------------------------------------------------------------------

LEDGER_HEADERS = [
    "序号",
    "工作任务",
    "牵头单位",
    "配合单位",
    "完成时限",
    "量化指标",
    "进展情况",
    "完成状态",
    "分工编号",
]
LEDGER_WIDTHS = [7, 60, 22, 30, 12, 32, 50, 10, 10]
LEDGER_REQUIRED = ("分工编号", "进展情况", "完成状态")
PERCENT_HEADER = "完成进度"
LEDGER_SHEET = "任务分解台账"


def _labels(choices) -> dict[str, str]:
    """Chinese label → code (and the active language's label too, if it differs)."""
    found = {str(label): code for code, label in choices}
    with translation.override(DOCUMENT_LANGUAGE):
        found.update({str(label): code for code, label in choices})
    return found


def _reportable_labels() -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return "、".join(str(label) for _, label in REPORTABLE_STATUSES)


# Control characters (pasted from other programs) are not allowed in XML: dropped on writing.
_clean = clean_text  # control characters out of anything written to xlsx/docx (core.cells)


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _cn_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _ordered(assignments) -> list[Assignment]:
    """The given assignments as a list in task order, with what the documents need loaded."""
    rows = list(assignments)
    prefetch_related_objects(
        rows, "task__section__part", "task__cooperating", "organisation", "task__plan"
    )
    return sorted(rows, key=lambda a: (a.task.position, a.task_id, a.organisation.path, a.pk))


def build_ledger_xlsx(plan, assignments) -> bytes:
    """任务分解台账: one row per assignment (task × lead unit) in task order. The last column,
    分工编号, identifies the row when the filled-in file comes back (read_ledger_xlsx)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = _ordered(assignments)
    wb = Workbook()
    ws = wb.active
    ws.title = LEDGER_SHEET
    last_column = get_column_letter(len(LEDGER_HEADERS))
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, vertical="top", horizontal="center")

    ws.append([f"《{plan.title}》任务分解台账"])
    ws.merge_cells(f"A1:{last_column}1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30

    ws.append(LEDGER_HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = border

    with translation.override(DOCUMENT_LANGUAGE):
        for assignment in rows:
            task = assignment.task
            values = [
                task.number or task.section.label,  # a number, or the section's label
                task.text,
                assignment.organisation.name,
                "、".join(o.name for o in task.cooperating.all()),
                assignment.due,
                ";".join(
                    str(i.get("text", "")) for i in task.indicators or [] if isinstance(i, dict)
                ),
                assignment.latest_progress,
                str(assignment.get_status_display()),
                assignment.pk,
            ]
            ws.append([None] * len(values))
            for index, (cell, value) in enumerate(
                zip(ws[ws.max_row], values, strict=True), start=1
            ):
                if isinstance(value, date):
                    cell.value, cell.number_format = value, "yyyy-mm-dd"  # a real date
                else:
                    set_xlsx_text(cell, value)  # numbers stay numbers, formula-like text text
                cell.border = border
                cell.alignment = centre if index in (1, 5, 8, 9) else wrap

    for index, width in enumerate(LEDGER_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    if rows:
        status_column = get_column_letter(LEDGER_HEADERS.index("完成状态") + 1)
        with translation.override(DOCUMENT_LANGUAGE):
            allowed = ",".join(str(label) for _, label in ASSIGNMENT_STATUSES)
        validation = DataValidation(type="list", formula1=f'"{allowed}"', allow_blank=True)
        validation.error = f"完成状态应为:{_reportable_labels()}"
        validation.add(f"{status_column}3:{status_column}{ws.max_row}")
        ws.add_data_validation(validation)
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _describe_file(data: bytes) -> str:
    """What an unreadable upload seems to be, for the error message."""
    if not data:
        return "上传的文件是空的"
    head = data[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "上传的是旧版 Excel(.xls)或其他 Office 97-2003 格式的文件,请另存为 .xlsx 后再上传"
    if head.startswith(b"%PDF"):
        return "上传的是 PDF 文件"
    if head.startswith(b"PK"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            return "上传的文件是损坏的压缩包"
        if any(n.startswith("word/") for n in names):
            return "上传的是 Word 文档(.docx)"
        return "上传的压缩文件中没有可读取的 Excel 工作簿"
    return "上传的文件不是 Excel 工作簿"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    return int(text) if re.fullmatch(r"\d+", text) else None


def _percent(cell) -> tuple[int | None, str | None]:
    """(percent, error) from a 完成进度 cell: 60, "60", "60%", or 0.6 formatted as a percentage."""
    value = cell.value
    if value is None or _text(value) == "":
        return None, None
    number: float | None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = float(value)
        if "%" in (cell.number_format or ""):
            number = round(number * 100, 6)
    else:
        text = _text(value).rstrip("%％").strip()
        try:
            number = float(text)
        except ValueError:
            number = None
    if number is None or not number.is_integer():
        return None, f"完成进度“{_text(value)}”无法识别,应为 0 到 100 之间的整数(如 60 或 60%)。"
    if not 0 <= number <= 100:
        return None, f"完成进度 {_text(value)} 超出范围,应为 0 到 100 之间的整数。"
    return int(number), None


def read_ledger_xlsx(data: bytes) -> tuple[list[dict], list[dict]]:
    """Read a filled-in 任务分解台账 back: (rows, errors). Each row is {"row", "assignment_id",
    "narrative", "status", "percent"}; each error is {"row", "column", "message"}. A file that
    is not a readable .xlsx, or has no ledger header, raises ValidationFailed."""
    wb = _open_ledger(data)
    try:
        ws = wb.worksheets[0]
        header_row, columns = _ledger_header(ws)
        reader = _LedgerReader(columns)
        rows = []
        start = header_row + 1
        for number, cells in enumerate(sheet_rows(ws, values_only=False, min_row=start), start):
            if any(_text(c.value) for c in cells):
                row = reader.read(cells, number)
                if row is not None:
                    rows.append(row)
    finally:
        wb.close()
    return rows, reader.errors


def _open_ledger(data: bytes):
    """The workbook, read-only and streaming, after the checks of core.uploads (size, zip
    bomb, cells, shared strings); ValidationFailed saying what the file seems to be."""
    check_size(len(data or b""), "台账文件")
    try:
        wb = open_xlsx(data or b"", unreadable="", name="台账文件")
        if not wb.worksheets:
            wb.close()
            raise ValidationFailed("", code="xlsx_unreadable")
    except ValidationFailed as exc:
        if exc.code != "xlsx_unreadable":
            raise  # too large, a zip bomb, too many cells: its own message
        raise ValidationFailed(
            "无法读取台账文件:应为 Excel 工作簿(.xlsx),即系统导出的任务分解台账;"
            f"{_describe_file(data)}。",
            code="ledger_unreadable",
            details=exc.details,
        ) from exc
    return wb


def _ledger_header(ws) -> tuple[int, dict[str, int]]:
    """(row number, column index by header) of the first row that has the required headers."""
    first_rows: list[str] = []
    for number, cells in enumerate(sheet_rows(ws, values_only=False), 1):
        names = [_text(c.value) for c in cells]
        if any(names) and len(first_rows) < 3:
            first_rows.append(" | ".join(n for n in names if n))
        if all(h in names for h in LEDGER_REQUIRED):
            columns: dict[str, int] = {}
            for index, name in enumerate(names):
                if name and name not in columns:
                    columns[name] = index
            return number, columns
    found = ";".join(first_rows) if first_rows else "工作表是空的"
    raise ValidationFailed(
        f"第一个工作表“{ws.title}”中没有找到台账表头:应有一行包含“分工编号”“进展情况”"
        f"“完成状态”三列(请在系统导出的任务分解台账上填写)。实际内容:{found}",
        code="ledger_no_header",
        details={"sheet": ws.title, "found": first_rows},
    )


class _LedgerReader:
    """Reads the ledger's data rows one by one, collecting each cell's error with its row and
    column (a duplicated 分工编号 is an error of the later row)."""

    def __init__(self, columns: dict[str, int]):
        self.columns = columns
        self.statuses = _labels(ASSIGNMENT_STATUSES)
        self.allowed = _reportable_labels()
        self.errors: list[dict] = []
        self.seen: dict[int, int] = {}

    def cell(self, cells, header: str):
        index = self.columns.get(header)
        return cells[index] if index is not None and index < len(cells) else None

    def value(self, cells, header: str):
        found = self.cell(cells, header)
        return found.value if found is not None else None

    def error(self, number: int, header: str, message: str) -> None:
        self.errors.append({"row": number, "column": header, "message": message})

    def read(self, cells, number: int) -> dict | None:
        """The row as progress, or None (with its errors recorded) if it cannot be used."""
        assignment_id = self.assignment_id(cells, number)
        status = self.status(cells, number)
        percent, percent_ok = self.percent(cells, number)
        if assignment_id is None or status is None or not percent_ok:
            return None
        return {
            "row": number,
            "assignment_id": assignment_id,
            "narrative": _text(self.value(cells, "进展情况")),
            "status": status,
            "percent": percent,
        }

    def assignment_id(self, cells, number: int) -> int | None:
        raw = self.value(cells, "分工编号")
        assignment_id = _integer(raw)
        if assignment_id is None:
            if _text(raw):
                message = f"分工编号“{_text(raw)}”不是整数,请保留导出时的分工编号。"
            else:
                message = "分工编号为空,请保留导出时的分工编号,不要新增或修改行。"
            self.error(number, "分工编号", message)
            return None
        if assignment_id in self.seen:
            self.error(
                number,
                "分工编号",
                f"分工编号 {assignment_id} 与第 {self.seen[assignment_id]} 行重复。",
            )
            return None
        self.seen[assignment_id] = number
        return assignment_id

    def status(self, cells, number: int) -> str | None:
        label = _text(self.value(cells, "完成状态"))
        status = self.statuses.get(label)
        if status is None:
            if label:
                self.error(number, "完成状态", f"完成状态“{label}”无法识别,应为:{self.allowed}。")
            else:
                self.error(number, "完成状态", f"完成状态为空,应为:{self.allowed}。")
        return status

    def percent(self, cells, number: int) -> tuple[int | None, bool]:
        """(percent, usable): the optional 完成进度 column, empty → None."""
        found = self.cell(cells, PERCENT_HEADER)
        if found is None:
            return None, True
        percent, problem = _percent(found)
        if problem:
            self.error(number, PERCENT_HEADER, problem)
            return None, False
        return percent, True


def _same_text(a: str, b: str) -> bool:
    return (
        _clean((a or "").replace("\r\n", "\n")).strip()
        == _clean((b or "").replace("\r\n", "\n")).strip()
    )


def _unchanged(row: dict, assignment: Assignment, report: ProgressReport | None) -> bool:
    """Nothing new in the row: it repeats the assignment's progress (narrative, status and, if
    the optional 完成进度 column is filled in, percent), or this cycle's report (so a file
    imported again does not resubmit what is waiting for review)."""
    if (
        _same_text(row["narrative"], assignment.latest_progress)
        and row["status"] == assignment.status
        and row["percent"] in (None, assignment.percent)
    ):
        return True
    return (
        report is not None
        and _same_text(row["narrative"], report.narrative)
        and row["status"] == report.reported_status
        and row["percent"] in (None, report.percent)
    )


# A refusal of do_submit_report names the field it is about in details: its ledger column.
FIELD_COLUMNS = {
    "narrative": "进展情况",
    "reported_status": "完成状态",
    "percent": PERCENT_HEADER,
}


def _column_of(exc: DomainError) -> str:
    for field, column in FIELD_COLUMNS.items():
        if field in exc.details:
            return column
    return "分工编号"


def do_import_ledger(*, actor, plan, cycle, data: bytes, only_valid: bool = False) -> dict:
    """Turn a filled-in 任务分解台账 into progress reports for `cycle` (through
    services.do_submit_report, so each one waits for the coordinating section's review).

    Rows that change nothing are counted as unchanged. Any error (in the file or refused by
    do_submit_report) keeps the whole file out unless only_valid, which applies the valid rows
    and still returns the errors."""
    from .services import do_submit_report

    if cycle.plan_id != plan.pk:
        raise ValidationFailed(
            f"报送周期“{cycle.name}”不属于《{plan.title}》。", details={"cycle": cycle.pk}
        )
    rows, errors = read_ledger_xlsx(data)
    assignments = {
        a.pk: a
        for a in Assignment.objects.filter(
            pk__in=[r["assignment_id"] for r in rows], task__plan=plan
        ).select_related("task__plan", "organisation")
    }
    reports = {
        r.assignment_id: r
        for r in ProgressReport.objects.filter(cycle=cycle, assignment_id__in=assignments)
    }

    def apply(row: dict) -> str:
        assignment = assignments.get(row["assignment_id"])
        if assignment is None:
            raise RowError(
                "分工编号",
                f"分工编号 {row['assignment_id']} 不属于本计划《{plan.title}》,"
                "请使用本计划导出的台账。",
            )
        if _unchanged(row, assignment, reports.get(assignment.pk)):
            return "unchanged"
        if row["status"] == "cancelled":
            raise RowError(
                "完成状态",
                f"“已取消”不能通过台账报送,应为:{_reportable_labels()};"
                "取消分工须由督办科室在系统中写明原因办理。",
            )
        percent = row["percent"]
        if percent is None:
            percent = 100 if row["status"] == "done" else assignment.percent
        do_submit_report(
            actor=actor,
            assignment=assignment,
            cycle=cycle,
            reported_status=row["status"],
            percent=percent,
            narrative=row["narrative"],
        )
        return "submitted"

    with transaction.atomic():
        outcomes, errors, kept = apply_rows(
            rows, apply, errors=errors, only_valid=only_valid, column_of=_column_of
        )
        counts = {
            "submitted": outcomes.count("submitted") if kept else 0,
            "unchanged": outcomes.count("unchanged"),
        }
        if counts["submitted"]:
            record_event(
                "workplan.ledger_imported",
                f"导入《{plan.title}》任务分解台账({cycle.name}):报送 {counts['submitted']} 条,"
                f"未变化 {counts['unchanged']} 条,有误 {len(errors)} 条",
                target=plan,
                cycle=cycle.name,
                **counts,
                errors=len(errors),
            )
    return {**counts, "errors": errors, "applied": kept}


# --- Word documents ---------------------------------------------------------------------------------

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(rpr_owner, east_asia: str) -> None:
    """Name the East Asian font on an element with run properties (a style or a run): w:rFonts
    w:eastAsia, with the theme fonts removed so that they do not take precedence."""
    from docx.oxml.ns import qn

    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in _THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), east_asia)
    fonts.set(qn("w:hAnsi"), east_asia)


def _new_document():
    from docx import Document
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin = section.right_margin = Cm(2.8)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    _set_fonts(normal.element, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = doc.styles[name]
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element, HEADING_FONT)
    return doc


def _run(paragraph, text: str, *, font: str = BODY_FONT, bold: bool = False, size=None):
    from docx.shared import Pt

    run = paragraph.add_run(_clean(text))
    _set_fonts(run._r, font)
    if bold:
        run.bold = True
    if size:
        run.font.size = Pt(size)
    return run


def _paragraph(doc, text: str = "", *, font: str = BODY_FONT, bold=False, size=None, align=None):
    paragraph = doc.add_paragraph()
    if text:
        _run(paragraph, text, font=font, bold=bold, size=size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _heading(doc, text: str, level: int, *, align=None):
    heading = doc.add_heading(level=level)
    _run(heading, text, font=HEADING_FONT)
    if align is not None:
        heading.alignment = align
    return heading


def _cell_text(cell, text: str, *, bold: bool = False, align=None) -> None:
    paragraph = cell.paragraphs[0]
    _run(paragraph, text, bold=bold)
    if align is not None:
        paragraph.alignment = align


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _report_title(plan, cycle) -> str:
    """{plan title}{cycle name}工作落实情况报告, without the year twice."""
    cycle_name = cycle.name
    year = re.match(r"(\d{4})年", cycle_name)
    if year and year.group(0) in plan.title:
        cycle_name = cycle_name[year.end() :]
    return f"{plan.title}{cycle_name}工作落实情况报告"


STAT_HEADERS = ["部分", "任务数", "已完成", "推进中", "滞后", "未启动", "已取消", "完成率"]
STAT_STATUSES = ["done", "in_progress", "late", "not_started", "cancelled"]


def _rate(counts: Counter, total: int) -> str:
    live = total - counts["cancelled"]
    return f"{counts['done'] * 100 / live:.1f}%" if live else "—"


def _task_label(task) -> str:
    if task.number:
        return f"{task.number}. {task.text}"
    return f"{task.display_number}{task.text}"


@dataclass
class AsOf:
    """An assignment as it stood at a cycle's deadline: the status and percent of its latest
    accepted report up to that cycle (a task past its own due date and not done is 滞后), and
    that report's narrative."""

    status: str
    percent: int
    narrative: str = ""
    cycle_name: str = ""


def states_as_of(plan, cycle, today: date) -> dict[int, AsOf]:
    """Every assignment of ``plan`` as of ``cycle``'s deadline (or today, if that is earlier):
    the report of a cycle shows that cycle's state, not today's."""
    as_of = min(cycle.due, today) if cycle.due else today
    latest: dict[int, ProgressReport] = {}
    accepted = (
        ProgressReport.objects.filter(cycle__plan=plan, state="accepted")
        .select_related("cycle")
        .order_by("cycle__due", "reviewed_at", "pk")
    )
    if cycle.due:
        accepted = accepted.filter(cycle__due__lte=cycle.due)
    for report in accepted:
        latest[report.assignment_id] = report  # the later cycle wins
    states: dict[int, AsOf] = {}
    for pk, status, due in Assignment.objects.filter(task__plan=plan).values_list(
        "pk", "status", "due"
    ):
        report = latest.get(pk)
        if status == "cancelled":
            states[pk] = AsOf("cancelled", 0)
            continue
        state = (
            AsOf(report.reported_status, report.percent, report.narrative, report.cycle.name)
            if report is not None
            else AsOf("not_started", 0)
        )
        if state.status != "done" and due is not None and due < as_of:
            state.status = "late"
        states[pk] = state
    return states


def _statistics(doc, plan, states: dict[int, AsOf]) -> None:
    """一、总体完成情况: the plan's tasks by part, each with the status its assignments had."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from .services import task_status

    parts = list(Part.objects.filter(plan=plan).order_by("number"))
    statuses: dict[int, list[str]] = defaultdict(list)
    part_of: dict[int, int] = {}
    for task_id, part_id in plan.tasks.values_list("pk", "section__part_id"):
        part_of[task_id] = part_id
    for pk, task_id in Assignment.objects.filter(task__plan=plan).values_list("pk", "task_id"):
        statuses[task_id].append(states[pk].status)
    by_part: dict[int, Counter] = defaultdict(Counter)
    for task_id, part_id in part_of.items():
        by_part[part_id][task_status(statuses.get(task_id, []))] += 1
    table = doc.add_table(rows=1, cols=len(STAT_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(table.rows[0].cells, STAT_HEADERS, strict=True):
        _cell_text(cell, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    grand = Counter()
    for part in parts:
        counts = by_part.get(part.pk, Counter())
        grand.update(counts)
        _stat_row(table, str(part), counts)
    _stat_row(table, "合计", grand, bold=True)


def _progress_text(cycle, report: ProgressReport | None, state: AsOf) -> str:
    """This cycle's report (a returned one without its narrative: it was not accepted), else
    the latest accepted progress up to this cycle."""
    if report is not None and report.state != "returned":
        return f"{cycle.name}进展({report.get_state_display()}):{report.narrative}"
    prefix = f"{cycle.name}进展报告已退回修改,尚未重新报送。" if report is not None else ""
    if state.narrative:
        return f"{prefix}截至{cycle.name}已采纳的进展({state.cycle_name}):{state.narrative}"
    return prefix or "暂无进展报告"


def build_progress_docx(plan, cycle, assignments, today: date) -> bytes:
    """工作落实情况报告 for a reporting cycle, as things stood at the cycle's deadline:
    statistics by part (all the plan's tasks, by their status then), then each task of the
    given assignments with each assignment's progress for the cycle."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    as_of = min(cycle.due, today) if cycle.due else today
    states = states_as_of(plan, cycle, today)
    with translation.override(DOCUMENT_LANGUAGE):
        doc = _new_document()
        _heading(doc, _report_title(plan, cycle), 0, align=WD_ALIGN_PARAGRAPH.CENTER)
        _paragraph(
            doc,
            f"{plan.issuer or plan.owner.name}    {_cn_date(today)}",
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
        if cycle.due:
            _paragraph(doc, f"报送周期:{cycle.name}(报送截止 {_cn_date(cycle.due)})")
        _paragraph(doc, f"统计截至:{_cn_date(as_of)}")

        _heading(doc, "一、总体完成情况", 1)
        _statistics(doc, plan, states)

        rows = _ordered(assignments)
        reports = {
            r.assignment_id: r
            for r in ProgressReport.objects.filter(
                cycle=cycle, assignment_id__in=[a.pk for a in rows]
            )
        }
        _heading(doc, "二、各项任务落实情况", 1)
        if not rows:
            _paragraph(doc, "没有可列出的任务分工。")
        part_id = section_id = task_id = None
        for assignment in rows:
            task = assignment.task
            section = task.section
            if section.part_id != part_id:
                part_id, section_id = section.part_id, None
                _heading(doc, str(section.part), 2)
            if section.pk != section_id:
                section_id = section.pk
                if section.title:
                    _heading(doc, f"{section.label}{section.title}", 3)
            if task.pk != task_id:
                task_id = task.pk
                _paragraph(doc, _task_label(task), bold=True)
            state = states[assignment.pk]
            _paragraph(
                doc,
                f"牵头单位:{assignment.organisation.name}  "
                f"状态:{STATUS_LABELS[state.status]}  进度:{state.percent}%",
            )
            _paragraph(doc, _progress_text(cycle, reports.get(assignment.pk), state))
        return _save(doc)


def _stat_row(table, label: str, counts: Counter, *, bold: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    total = sum(counts.values())
    values = [label, str(total)] + [str(counts[s]) for s in STAT_STATUSES] + [_rate(counts, total)]
    cells = table.add_row().cells
    for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
        _cell_text(cell, value, bold=bold, align=None if index == 0 else WD_ALIGN_PARAGRAPH.CENTER)


def build_notice_docx(notice) -> bytes:
    """督办单 for one assignment: what is supervised, by when, and to whom to report."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    assignment = notice.assignment
    task = assignment.task
    plan = task.plan
    with translation.override(DOCUMENT_LANGUAGE):
        doc = _new_document()
        _paragraph(
            doc, "督 办 单", font=HEADING_FONT, bold=True, size=22, align=WD_ALIGN_PARAGRAPH.CENTER
        )
        _paragraph(doc, notice.number, align=WD_ALIGN_PARAGRAPH.CENTER)

        latest = assignment.latest_progress
        if not latest:
            report = assignment.reports.select_related("cycle").order_by("-submitted_at").first()
            if report is not None:
                latest = f"{report.narrative}({report.cycle.name},{report.get_state_display()})"
        fields = [
            ("督办单编号", notice.number),
            ("签发日期", _cn_date(notice.issued_on)),
            ("所属计划", f"《{plan.title}》"),
            ("督办任务", f"{task.ref} {_task_label(task)}"),
            ("督办对象", (notice.organisation or assignment.organisation).name),
            ("完成时限", _cn_date(assignment.due) or "未规定"),
        ]
        escalation = notice.escalation
        if escalation is not None and escalation.cycle_id:
            fields.append(
                ("涉及报告", f"{escalation.cycle.name}进展报告(截止 {_cn_date(escalation.due)})")
            )
        if notice.previous_id:
            fields.append(("原督办单", notice.previous.number))
        fields += [
            ("反馈时限", _cn_date(notice.deadline)),
            ("督办事项", notice.reason),
            ("当前状态", f"{assignment.get_status_display()}(完成进度 {assignment.percent}%)"),
            ("最新进展", latest or "暂无进展报告"),
        ]
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for label, value in fields:
            cells = table.add_row().cells
            _cell_text(cells[0], label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
            _cell_text(cells[1], value)
        for row in table.rows:
            row.cells[0].width = Cm(3.2)
            row.cells[1].width = Cm(12.2)

        _paragraph(doc)
        supervisor = plan.supervisor or plan.coordinator
        _paragraph(doc, f"请于反馈时限前将办理情况报送{supervisor.name}。")
        _paragraph(doc)
        _paragraph(doc, plan.owner.name, align=WD_ALIGN_PARAGRAPH.RIGHT)
        _paragraph(doc, _cn_date(notice.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
        return _save(doc)


LADDER_TITLES = {
    "remind": "提 醒 函",
    "urge": "催 办 函",
    "bulletin": "通 报",
    "interview": "约 谈 通 知",
}


def build_ladder_docx(action) -> bytes:
    """The document of one ladder step other than the 督办单 (提醒函, 催办函, 通报, 约谈通知)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    escalation = action.escalation
    assignment = escalation.assignment
    task = assignment.task
    plan = task.plan
    issuer = plan.supervisor or plan.coordinator
    with translation.override(DOCUMENT_LANGUAGE):
        doc = _new_document()
        _paragraph(
            doc,
            LADDER_TITLES.get(action.rung, action.get_rung_display()),
            font=HEADING_FONT,
            bold=True,
            size=22,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
        _paragraph(doc, f"{assignment.organisation.name}:")
        what = (
            f"{escalation.cycle.name}进展报告应于{_cn_date(escalation.due)}前报送,至今未报送"
            if escalation.cycle_id
            else f"完成时限为{_cn_date(escalation.due)},至今未完成"
        )
        _paragraph(
            doc,
            f"《{plan.title}》第 {task.ref} 项任务({_task_label(task)})由你单位牵头,{what},"
            f"截至{_cn_date(action.taken_on)}已逾期 {action.overdue_days} 个工作日。",
        )
        _paragraph(doc, action.note)
        previous = escalation.actions.filter(taken_on__lte=action.taken_on).exclude(pk=action.pk)
        if previous.exists():
            _paragraph(
                doc,
                "此前已"
                + "、".join(f"{a.get_rung_display()}({_cn_date(a.taken_on)})" for a in previous)
                + "。",
            )
        _paragraph(doc)
        _paragraph(doc, issuer.name, align=WD_ALIGN_PARAGRAPH.RIGHT)
        _paragraph(doc, _cn_date(action.taken_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
        return _save(doc)


BULLETIN_HEADERS = [
    "排名",
    "单位",
    "应报",
    "按时报送",
    "按时率(%)",
    "任务",
    "已完成",
    "完成率(%)",
    "督办单",
    "通报",
    "约谈",
    "考核得分",
]


def bulletin_row_values(row: dict) -> list[str]:
    rate = row["on_time_rate"]
    return [
        str(row["rank"]),
        row["organisation"],
        str(row["reports_due"]),
        str(row["on_time_report"]),
        "—" if rate is None else f"{rate:g}",
        str(row["assignments"]),
        str(row["done"]),
        f"{row['completion_rate']:g}",
        str(row["notice"]),
        str(row["bulletin"]),
        str(row["interview"]),
        f"{row['points']:g}",
    ]


def build_bulletin_docx(bulletin) -> bytes:
    """通报: the ranking of the lead units by on-time reporting and completion over the period
    (the score sheet frozen when it was issued) and the issuer's remarks."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    plan = bulletin.plan
    issuer = plan.supervisor or plan.coordinator
    rows = bulletin.rows
    with translation.override(DOCUMENT_LANGUAGE):
        doc = _new_document()
        _paragraph(
            doc, "通  报", font=HEADING_FONT, bold=True, size=22, align=WD_ALIGN_PARAGRAPH.CENTER
        )
        _paragraph(doc, bulletin.number, align=WD_ALIGN_PARAGRAPH.CENTER)
        _heading(doc, bulletin.title, 2, align=WD_ALIGN_PARAGRAPH.CENTER)
        _paragraph(
            doc,
            f"按照《{plan.title}》的安排,现将{_cn_date(bulletin.period_start)}至"
            f"{_cn_date(bulletin.period_end)}各牵头单位进展报送和任务完成情况通报如下。",
        )
        if rows:
            best = [r["organisation"] for r in rows[:3]]
            worst = [r["organisation"] for r in rows if r["late_report"] or r["notice"]][-3:]
            _paragraph(doc, "一、表现较好的单位:" + "、".join(best) + "。")
            _paragraph(
                doc,
                "二、报送不及时或被督办的单位:" + ("、".join(worst) if worst else "无") + "。",
            )
        _paragraph(doc, "三、排名情况(见下表)。")
        table = doc.add_table(rows=1, cols=len(BULLETIN_HEADERS))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, header in zip(table.rows[0].cells, BULLETIN_HEADERS, strict=True):
            _cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for row in rows:
            for cell, value in zip(table.add_row().cells, bulletin_row_values(row), strict=True):
                _cell_text(cell, value)
        if bulletin.remarks:
            _paragraph(doc)
            _paragraph(doc, bulletin.remarks)
        _paragraph(doc)
        _paragraph(doc, issuer.name, align=WD_ALIGN_PARAGRAPH.RIGHT)
        _paragraph(doc, _cn_date(bulletin.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
        return _save(doc)
