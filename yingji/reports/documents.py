"""The Word (.docx) of a 研判简报, from its frozen snapshot and the analyst's text (python-docx).
Every text goes through core.cells.docx_text (control characters removed)."""

from __future__ import annotations

from django.utils import timezone

from yingji.core.cells import docx_text

from .periods import change

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"


def _fonts(element, name: str) -> None:
    from docx.oxml.ns import qn

    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _para(doc, text: str, *, font=BODY_FONT, bold=False, size=None, center=False, style=None):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph(style=style)
    run = p.add_run(docx_text(text))
    _fonts(run._r, font)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def state_label(figures: dict) -> str:
    """When the state figures (open, overdue… "now") were counted: the wall-clock time the
    snapshot was computed, kept apart from ``generated_at`` (a demo brief is dated back to its
    Monday but counted when the demo was loaded). Older snapshots: 生成时."""
    at = figures.get("state_at")
    if not at:
        return "生成时"
    import datetime as dt

    return f"{timezone.localtime(dt.datetime.fromisoformat(at)):%Y年%m月%d日 %H:%M}"


def metric_rows(section: dict, state_at: str = "生成时") -> list[list[str]]:
    rows = []
    for m in section["metrics"]:
        if m["compare"]:
            rows.append(
                [
                    m["label"],
                    f"{m['value']:g}",
                    "—" if m["prev"] is None else f"{m['prev']:g}",
                    change(m["value"], m["prev"]),
                    "—" if m["yoy"] is None else f"{m['yoy']:g}",
                    change(m["value"], m["yoy"]),
                ]
            )
        else:
            rows.append([f"{m['label']}(截至{state_at})", f"{m['value']:g}", "", "", "", ""])
    return rows


METRIC_COLUMNS = ["指标", "本期", "上期", "环比", "去年同期", "同比"]


def _table(doc, columns: list[str], rows: list[list]) -> None:
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(docx_text(text))
        run.bold = True
        _fonts(run._r, BODY_FONT)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            run = cell.paragraphs[0].add_run(docx_text("" if value is None else str(value)))
            _fonts(run._r, BODY_FONT)
