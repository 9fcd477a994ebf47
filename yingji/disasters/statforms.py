"""自然灾害损失情况统计表 (xlsx) in the layout of the 统计调查制度's report tables: a header block
(填报单位, 灾害过程, 报告类型, 时间), a three-row column head with merged group cells (人员 /
房屋 / 农作物 / 经济损失, each house category over its 户 and 间, the units in a row of their own),
one row per region with the confirmed (已审核) figures of the roll-up, the 合计, the notes (待审核
未计入, 未报) and the footer.

What follows the 《自然灾害情况统计调查制度》(应急〔2020〕19号) and what does not is said in
docs/disasters.md: the indicators, their units and the 乡(镇、街道) statistical unit are the
制度's; the table's 表号, 制定机关 and 批准文号 corner block were not read and are not printed.
Every text cell goes through ``core.cells.set_xlsx_text`` (formula-like text stays text)."""

from __future__ import annotations

import io

from django.utils import timezone

from yingji.core.cells import set_xlsx_text
from yingji.standards import disaster_stats as stats

from . import selectors

TITLE = "自然灾害损失情况统计表"
GROUP_LABELS = {
    "人员": "人员受灾",
    "房屋": "房屋受损",
    "农作物": "农作物受灾",
    "经济损失": "经济损失",
}
LEAD = ["区划名称", "区划代码", "层级", "报告状态"]
LEVELS = {"county": "县(区)", "township": "乡(镇、街道)", "village": "村(社区)"}
SOURCE = (
    "指标及计量单位依据《自然灾害情况统计调查制度》(应急〔2020〕19号)自然灾害损失情况统计快报表;"
    "以乡(镇、街道)为统计单位,县级以上应急管理部门为上报单位。表号、制定机关和批准文号未经核对,本表未列。"
)


def columns() -> list[dict]:
    """The indicator columns in the 制度's order: code, group, the name in the second head row
    (a house category once over its 户 and 间 columns), the unit (third head row)."""
    out = []
    for ind in stats.indicators():
        code, label = ind["code"], ind["label"]
        name = label
        if ind["group"] == "房屋":
            name = label.removesuffix("户数").removesuffix("间数")
        out.append({"code": code, "group": ind["group"], "name": name, "unit": ind["unit"]})
    return out


def _runs(values: list[str]) -> list[tuple[int, int, str]]:
    """Consecutive equal values as (first index, last index, value): the cells to merge."""
    runs: list[tuple[int, int, str]] = []
    for i, v in enumerate(values):
        if runs and runs[-1][2] == v:
            runs[-1] = (runs[-1][0], i, v)
        else:
            runs.append((i, i, v))
    return runs


def _kinds_text(reports) -> str:
    kinds = []
    for r in reports:
        label = r.get_kind_display()
        if label not in kinds:
            kinds.append(label)
    return "、".join(kinds) + "(汇总)" if kinds else "尚无经审核的报告"


def _rows_city(process, user) -> tuple[list, dict, list[str], list]:
    """City: each county (its counted figures), then its reporting townships."""
    data = selectors.rollup(process, user)
    rows, reports = [], []
    for row in data["rows"]:
        rows.append((row["region"], "county", row["status"], row["figures"]))
        if row["report"]:
            reports.append(row["report"])
        sub = selectors.county_rollup(process, user, row["region"])
        for t in sub["rows"]:
            rows.append((t["region"], "township", t["status"], t["figures"]))
            if t["report"]:
                reports.append(t["report"])
    notes = []
    if data["gap_text"]:
        notes.append(f"待审核未计入:{data['gap_text']}")
    if data["missing"]:
        notes.append("未报送的县区:" + "、".join(r.name for r in data["missing"]))
    return rows, data["total_figures"], notes, reports


def _rows_county(process, user, county) -> tuple[list, dict, list[str], list]:
    """County: each township, then the county's own report (本级)."""
    data = selectors.county_rollup(process, user, county)
    rows, reports = [], []
    for t in data["rows"]:
        rows.append((t["region"], "township", t["status"], t["figures"]))
        if t["report"]:
            reports.append(t["report"])
    own = data["county"]
    if own["report"]:
        reports.append(own["report"])
        rows.append((county, "county", f"本级:{own['status']}", own["report"].figures))
    notes = []
    if data["gap_text"]:
        notes.append(f"待审核未计入:{data['gap_text']}")
    if data["silent"]:
        notes.append("未报送的受灾乡镇:" + "、".join(r.name for r in data["silent"]))
    return rows, data["total_figures"], notes, reports


def loss_table(process, user, county=None) -> dict:
    """What the sheet holds (also what the tests compare with the roll-up)."""
    if county is None:
        rows, total, notes, reports = _rows_city(process, user)
        unit = process.region
    else:
        rows, total, notes, reports = _rows_county(process, user, county)
        unit = county
    as_of = max((r.as_of for r in reports if r.as_of), default=None)
    return {
        "unit": f"{unit.name}应急管理局",
        "process": process,
        "kinds": _kinds_text(reports),
        "as_of": as_of,
        "rows": rows,
        "total": total,
        "notes": notes,
    }


def _style():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "centre": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "bold": Font(bold=True),
        "title": Font(bold=True, size=16),
        "head": PatternFill("solid", fgColor="DDEBF7"),
    }


def _head(ws, first_row: int, cols: list[dict], s) -> int:
    """Three head rows: groups, names, units; merged where they repeat. Returns the next row."""
    width = len(LEAD) + len(cols)
    r1, r2, r3 = first_row, first_row + 1, first_row + 2
    for i, label in enumerate(LEAD, start=1):
        set_xlsx_text(ws.cell(r1, i), label)
        ws.merge_cells(start_row=r1, start_column=i, end_row=r3, end_column=i)
    offset = len(LEAD) + 1
    for first, last, group in _runs([c["group"] for c in cols]):
        set_xlsx_text(ws.cell(r1, offset + first), GROUP_LABELS.get(group, group))
        if last > first:
            ws.merge_cells(
                start_row=r1, start_column=offset + first, end_row=r1, end_column=offset + last
            )
    for first, last, name in _runs([c["name"] for c in cols]):
        set_xlsx_text(ws.cell(r2, offset + first), name)
        if last > first:
            ws.merge_cells(
                start_row=r2, start_column=offset + first, end_row=r2, end_column=offset + last
            )
    for i, c in enumerate(cols):
        set_xlsx_text(ws.cell(r3, offset + i), c["unit"])
    for row in ws.iter_rows(min_row=r1, max_row=r3, min_col=1, max_col=width):
        for cell in row:
            cell.font, cell.alignment, cell.fill, cell.border = (
                s["bold"],
                s["centre"],
                s["head"],
                s["border"],
            )
    ws.row_dimensions[r2].height = 42
    return r3 + 1


def _body_row(ws, r: int, lead: list, figures: dict, cols: list[dict], s, bold=False) -> None:
    values = [*lead, *[figures.get(c["code"]) for c in cols]]
    for i, value in enumerate(values, start=1):
        cell = ws.cell(r, i)
        set_xlsx_text(cell, value)
        cell.border = s["border"]
        cell.alignment = s["left"] if i <= len(LEAD) else s["centre"]
        if bold:
            cell.font = s["bold"]


def _merged_line(ws, r: int, width: int, text: str, s, font=None) -> None:
    set_xlsx_text(ws.cell(r, 1), text)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    ws.cell(r, 1).alignment = s["left"]
    if font is not None:
        ws.cell(r, 1).font = font


def loss_table_xlsx(process, user, county=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    data = loss_table(process, user, county)
    cols = columns()
    width = len(LEAD) + len(cols)
    s = _style()
    wb = Workbook()
    ws = wb.active
    ws.title = TITLE
    _merged_line(ws, 1, width, TITLE, s, s["title"])
    ws.cell(1, 1).alignment = s["centre"]
    ws.row_dimensions[1].height = 30
    now = timezone.localtime()
    block = [
        [
            ("填报单位", data["unit"]),
            ("灾害过程", process.name),
            ("灾种", process.get_kind_display()),
        ],
        [
            ("报告类型", data["kinds"]),
            ("数据截至", f"{data['as_of']:%Y年%m月%d日}" if data["as_of"] else "—"),
            ("制表时间", f"{now:%Y年%m月%d日 %H:%M}"),
        ],
    ]
    # each pair: the label in one cell, the value merged over the next ones
    spans = [(1, 2, 8), (9, 10, 16), (17, 18, width)]
    for r, pairs in enumerate(block, start=2):
        for (label, value), (lc, vc, vend) in zip(pairs, spans, strict=True):
            set_xlsx_text(ws.cell(r, lc), f"{label}:")
            ws.cell(r, lc).font = s["bold"]
            set_xlsx_text(ws.cell(r, vc), value)
            ws.cell(r, vc).alignment = s["left"]
            if vend > vc:
                ws.merge_cells(start_row=r, start_column=vc, end_row=r, end_column=vend)
    r = _head(ws, 5, cols, s)
    first_body = r
    for region, level, status, figures in data["rows"]:
        name = region.name if level == "county" or county else f"  {region.name}"
        _body_row(ws, r, [name, region.code, LEVELS.get(level, level), status], figures, cols, s)
        r += 1
    label = "合计(已审核)" if county is None else "乡镇合计(已审核)"
    if county is not None and data["rows"] and data["rows"][-1][1] == "county":
        label = "合计(已审核,以县区本级报告为准)"
    _body_row(ws, r, [label, "", "", ""], data["total"], cols, s, bold=True)
    r += 2
    for note in data["notes"]:
        _merged_line(ws, r, width, note, s)
        r += 1
    _merged_line(ws, r, width, SOURCE, s)
    r += 2
    who = user.get_full_name() or user.get_username()
    _merged_line(
        ws,
        r,
        width,
        f"单位负责人:          统计负责人:          填表人:{who}          报出日期:{now:%Y年%m月%d日}",
        s,
    )
    for i in range(1, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = 14 if i == 1 else 10
    ws.freeze_panes = ws.cell(first_body, len(LEAD) + 1)
    ws.print_title_rows = f"5:{first_body - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
