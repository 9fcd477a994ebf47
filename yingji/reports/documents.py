"""The Word (.docx) of a 研判简报, from its frozen snapshot and the analyst's text (python-docx).
Every text goes through core.cells.docx_text (control characters removed)."""

from __future__ import annotations

import io

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


def _charts(doc, section: dict, draw) -> None:
    """The section's charts as pictures (15 cm wide) with their titles as captions."""
    from docx.shared import Cm

    from .selectors import section_charts

    for spec in section_charts(section):
        doc.add_picture(io.BytesIO(draw(spec)), width=Cm(15))
        _para(doc, "图:" + spec["title"], size=9, center=True)


def brief_docx(brief) -> bytes:
    from docx import Document
    from docx.shared import Cm, RGBColor

    from .charts import renderer

    draw = renderer()

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.8)
    figures = brief.figures
    _para(doc, "研判简报", font=HEADING_FONT, size=26, center=True).runs[
        0
    ].font.color.rgb = RGBColor(0xC0, 0, 0)
    _para(doc, brief.number or "(未印发)", center=True)
    _para(doc, brief.title, font=HEADING_FONT, size=16, center=True, bold=True)
    when = brief.issued_at or brief.generated_at
    _para(
        doc,
        f"统计时段:{figures['period']['label']}({brief.period_start:%Y年%m月%d日}至"
        f"{brief.period_end:%Y年%m月%d日});环比:{figures['previous']['label']};"
        f"同比:{figures['last_year']['label']}。数据生成于"
        f"{timezone.localtime(brief.generated_at):%Y年%m月%d日 %H:%M},"
        f"{'印发' if brief.issued_at else '草稿'}于{timezone.localtime(when):%Y年%m月%d日};"
        f"当前状态类指标(标“截至”者)计于{state_label(figures)}。",
        size=10,
    )
    _para(doc, "一、风险提示", font=HEADING_FONT, size=14)
    _para(doc, brief.risk_outlook or "(未填写)")
    _para(doc, "二、工作建议", font=HEADING_FONT, size=14)
    _para(doc, brief.advice or "(未填写)")
    _para(doc, "三、分项研判", font=HEADING_FONT, size=14)
    if draw is None:
        _para(doc, "(本服务器未找到可显示中文的字体或图表组件,图表从略,数据见各表。)", size=9)
    for i, section in enumerate(figures["sections"], start=1):
        _para(doc, f"({i}){section['title']}", font=HEADING_FONT, size=12)
        if section["metrics"]:
            _table(doc, METRIC_COLUMNS, metric_rows(section, state_label(figures)))
        if section.get("table") and section["table"]["rows"]:
            _para(doc, section["table"]["title"], size=10)
            _table(doc, section["table"]["columns"], section["table"]["rows"])
        if draw is not None:
            _charts(doc, section, draw)
        if section.get("items"):
            _para(doc, section.get("items_title", ""), size=10, bold=True)
            for item in section["items"]:
                _para(doc, "· " + item["text"], size=10)
        opinion = brief.opinions.get(section["key"], "")
        if opinion:
            _para(doc, "研判意见:" + opinion)
        _para(doc, f"数据来源:{section['source']}模块", size=9)
    people = [
        ("起草", brief.drafted_by),
        ("审核", brief.reviewed_by),
        ("印发", brief.issued_by),
    ]
    _para(
        doc,
        ";".join(f"{k}:{u.get_full_name() or u.username}" for k, u in people if u),
        size=10,
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
