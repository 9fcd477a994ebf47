"""灾情报告 (Word, python-docx) of a disaster process at the city or at a county: a summary
written from the counted (已审核) figures, the indicator table by region, the deadline status of
each report kind, and the 死亡失踪 counts. Names appear only for a user who may see the persons in
full (``permissions.full_details``); everyone else reads the counts."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone

from yingji.core.cells import docx_text
from yingji.standards import disaster_stats as stats

from . import selectors
from .models import REPORT_KINDS
from .permissions import full_details


def _n(value) -> str:
    """A figure in the report's sentences: 506.0 → "506", at most two decimals, None → "0"."""
    return stats.figure_text(value) or "0"


def summary_text(process, where: str, figures: dict, counts: dict, pending: int, gap: str) -> str:
    """The opening paragraph, generated from the counted figures."""
    start = timezone.localtime(process.started_at)
    parts = [
        f"{start:%Y年%m月%d日 %H时%M分}起,{where}发生{process.get_kind_display()}灾害"
        f"({process.name})。"
    ]
    if not figures:
        parts.append("截至目前,尚无经审核的灾情数据。")
    else:
        said = [f"受灾人口{_n(figures.get('affected_people'))}人次"]
        said.append(f"因灾死亡{_n(figures.get('deaths'))}人")
        said.append(f"因灾失踪{_n(figures.get('missing'))}人")
        if figures.get("relocated"):
            said.append(f"紧急转移安置{_n(figures['relocated'])}人次")
        if figures.get("need_aid"):
            said.append(f"需紧急生活救助{_n(figures['need_aid'])}人次")
        houses = [
            f"{label}房屋{_n(figures.get(f'{key}_households'))}户{_n(figures.get(f'{key}_rooms'))}间"
            for key, label in (
                ("collapsed", "倒塌"),
                ("severe", "严重损坏"),
                ("general", "一般损坏"),
            )
            if figures.get(f"{key}_rooms")
        ]
        said.extend(houses)
        if figures.get("crop_affected"):
            said.append(
                f"农作物受灾面积{_n(figures['crop_affected'])}公顷"
                f"(成灾{_n(figures.get('crop_damaged'))}公顷,绝收{_n(figures.get('crop_lost'))}公顷)"
            )
        said.append(f"直接经济损失{_n(figures.get('direct_loss'))}万元")
        parts.append("经审核,灾害共造成" + "、".join(said) + "。")
    parts.append(
        f"死亡失踪人员名单现有因灾死亡{counts['dead']}人、因灾失踪{counts['missing']}人"
        + (f"(另有{counts['found']}人已找到)" if counts["found"] else "")
        + "。"
    )
    if pending:
        parts.append(f"另有{pending}份报告待审核,其数据未计入以上数字({gap or '数字未变'})。")
    return "".join(parts)


def release_text(process, where: str, figures: dict, as_of) -> str:
    """The body of a 灾情信息发布稿: the confirmed (已审核) figures only, no names, no pending
    reports; the reviewers of the one-window release edit it if they need to."""
    start = timezone.localtime(process.started_at)
    head = (
        f"{start:%m月%d日}起,{where}发生{process.get_kind_display()}灾害。"
        f"据各县区逐级核实,截至{timezone.localtime(as_of):%m月%d日%H时},"
    )
    if not figures:
        return head + "灾情正在核实中,尚无经审核的灾情数据,将及时发布。"
    said = [f"灾害造成{_n(figures.get('affected_people'))}人次受灾"]
    if figures.get("deaths") or figures.get("missing"):
        said.append(f"因灾死亡{_n(figures.get('deaths'))}人、失踪{_n(figures.get('missing'))}人")
    if figures.get("relocated"):
        said.append(f"紧急转移安置{_n(figures['relocated'])}人次")
    rooms = [
        f"{label}{_n(figures.get(f'{key}_rooms'))}间"
        for key, label in (("collapsed", "倒塌"), ("severe", "严重损坏"), ("general", "一般损坏"))
        if figures.get(f"{key}_rooms")
    ]
    if rooms:
        said.append("房屋" + "、".join(rooms))
    if figures.get("crop_affected"):
        said.append(f"农作物受灾{_n(figures['crop_affected'])}公顷")
    said.append(f"直接经济损失{_n(figures.get('direct_loss'))}万元")
    return head + ",".join(said) + "。灾情仍在进一步核实中。"


def deadline_rows(process, user, regions) -> list[list[str]]:
    """Per region and report kind: the first report of that kind, on time or late, or none."""
    reports = selectors.visible_reports(user).filter(process=process, corrects__isnull=True)
    first: dict[tuple[int, str], object] = {}
    for r in reports.order_by("submitted_at", "pk"):
        first.setdefault((r.region_id, r.kind), r)
    rows = []
    for region in regions:
        cells = [region.name]
        for kind, _label in REPORT_KINDS:
            r = first.get((region.pk, kind))
            if r is None:
                cells.append("未报")
                continue
            when = timezone.localtime(r.submitted_at)
            cells.append(f"{when:%m月%d日 %H:%M}报送," + ("迟报" if r.is_late else "按时"))
        rows.append(cells)
    return rows


def _a4(doc) -> None:
    """A4 portrait with the margins of the platform's other Word documents."""
    from docx.shared import Cm

    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2.54)
        section.left_margin = section.right_margin = Cm(2.8)


def _table(doc, header: list[str], rows: list[list]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                value = stats.figure_text(value, grouping=True)
            cell.text = docx_text("—" if value is None else value)


def disaster_report_docx(process, user, county=None) -> bytes:
    from docx import Document

    if county is None:
        data = selectors.rollup(process, user)
        where, region = process.region.name, process.region
        figures = data["total_figures"]
    else:
        data = selectors.county_rollup(process, user, county)
        where, region = county.name, county
        figures = data["total_figures"]
    counts = selectors.casualty_counts(process, user, region)
    doc = Document()
    _a4(doc)
    doc.add_heading(f"{where}关于{process.name}的灾情报告", level=1)
    doc.add_paragraph(f"生成时间:{timezone.localtime():%Y年%m月%d日 %H:%M}")
    doc.add_heading("一、灾情概况", level=2)
    doc.add_paragraph(
        summary_text(process, where, figures, counts, len(data["pending"]), data["gap_text"])
    )
    doc.add_heading("二、分区灾情(已审核)", level=2)
    header = ["区划", "状态", *data["columns"]]
    rows = [[row["region"].name, row["status"], *row["cells"]] for row in data["rows"]]
    rows.append(["合计", "", *[figures.get(c) for c in selectors.ROLLUP_CODES]])
    _table(doc, header, rows)
    if data["pending"]:
        doc.add_paragraph(
            "待审核(未计入):"
            + "、".join(f"{r.region.name}{r.get_kind_display()}" for r in data["pending"])
        )
    doc.add_heading("三、报送时限情况", level=2)
    regions = [row["region"] for row in data["rows"]]
    _table(
        doc, ["区划", *[label for _k, label in REPORT_KINDS]], deadline_rows(process, user, regions)
    )
    doc.add_paragraph(f"时限依据:{stats.table()['source']}")
    doc.add_heading("四、因灾死亡失踪人员", level=2)
    doc.add_paragraph(
        f"因灾死亡{counts['dead']}人,因灾失踪{counts['missing']}人,已找到{counts['found']}人。"
    )
    persons = list(
        selectors.visible_casualties(user)
        .filter(process=process, is_current=True, region__path__startswith=region.path)
        .order_by("region__code", "name")
    )
    full = full_details(user)
    if persons and all(full(p) for p in persons):
        _table(
            doc,
            ["姓名", "性别", "年龄", "统计区划", "状态", "日期", "原因"],
            [
                [
                    p.name,
                    p.get_sex_display(),
                    p.age,
                    p.region.name,
                    p.get_state_display(),
                    f"{p.occurred_on:%Y-%m-%d}",
                    p.cause,
                ]
                for p in persons
            ],
        )
    elif persons:
        doc.add_paragraph("(人员明细仅报送单位和市局可见,本报告只列人数。)")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
