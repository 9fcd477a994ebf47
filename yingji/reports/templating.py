"""Editable Word templates of the 研判简报 (issue #18): a .docx with placeholders in double
braces, filled from a brief's frozen snapshot with python-docx (no templating library).

Placeholders (the template page lists every valid one):

* text, anywhere in a paragraph (body, table cells, headers and footers): ``{{期号}}``,
  ``{{标题}}``, ``{{区域}}``, ``{{期间}}``, ``{{起止日期}}``, ``{{环比期间}}``, ``{{同比期间}}``,
  ``{{生成时间}}``, ``{{印发日期}}``, ``{{状态计于}}``, ``{{风险提示}}``, ``{{工作建议}}``,
  ``{{起草人}}``, ``{{审核人}}``, ``{{印发人}}``;
* a figure: ``{{<板块>.<指标>}}`` such as ``{{隐患.新增}}`` (this period), with ``.上期``,
  ``.环比``, ``.去年同期`` or ``.同比`` after it (``{{隐患.新增.环比}}`` → "+25.0%");
  the 指标 is the figure's label, the label without the 板块 name (新增隐患 → 新增) or without a
  trailing unit in brackets (告警(起) → 告警), or its code (``new``);
* a block, alone in its paragraph (the paragraph is replaced): ``{{表:隐患}}`` (the section's
  table of figures and its tables by county and by industry), ``{{图:隐患}}`` (its charts as pictures),
  ``{{研判:隐患}}`` (the 研判意见 written for it), ``{{清单:调度}}`` (its notable records, e.g.
  next week's 调度 items, red enterprises), ``{{分项研判}}`` (every section: heading,
  tables, charts, notable records and 研判意见, as the built-in layout has them).

A placeholder split over several runs (Word does that after an edit) is still found: a
paragraph is matched on its whole text, and rewritten into its first run (its format kept).
"""

from __future__ import annotations

import io
import re

from django.utils import timezone

from yingji.core.cells import docx_text

from .periods import change
from .sections import SECTIONS

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")

SHORT = {
    "workplan": "工作要点",
    "hazards": "隐患",
    "risk": "风险",
    "inspections": "执法",
    "monitoring": "告警",
    "warnings": "预警",
    "response": "事件",
    "disasters": "灾情",
    "plans": "预案",
    "resources": "资源",
    "cases": "案例",
    "penalties": "处罚",
    "schedule": "调度",
}
SECTION_BY_NAME = {name: key for key, name in SHORT.items()} | {s.title: s.key for s in SECTIONS}
TEXT_FIELDS = (
    "期号",
    "标题",
    "区域",
    "期间",
    "起止日期",
    "环比期间",
    "同比期间",
    "生成时间",
    "印发日期",
    "状态计于",
    "风险提示",
    "工作建议",
    "起草人",
    "审核人",
    "印发人",
)
SUFFIXES = {"上期": "prev", "去年同期": "yoy", "环比": "mom_change", "同比": "yoy_change"}
BLOCKS = ("表", "图", "研判", "清单")


def _metric_names(section_key: str, key: str, label: str) -> set[str]:
    names = {key, label}
    short = SHORT[section_key]
    bare = re.sub(r"[((][^()()]*[))]$", "", label)
    names.add(bare)
    for name in (label, bare):
        if short in name and name != short:
            names.add(name.replace(short, "", 1))
    return {n for n in names if n}


def metric_index() -> dict[str, tuple[str, str]]:
    """{"<板块>.<指标>": (section key, metric key)} for every figure of every section."""
    out = {}
    for s in SECTIONS:
        for key, label in {**s.labels, **s.now_labels}.items():
            for section_name in {SHORT[s.key], s.title}:
                for name in _metric_names(s.key, key, label):
                    out[f"{section_name}.{name}"] = (s.key, key)
    return out


METRICS = metric_index()


def vocabulary() -> dict[str, list[str]]:
    """The placeholders a template may use, for the template page (one name per figure)."""
    figures = []
    for s in SECTIONS:
        for key, label in {**s.labels, **s.now_labels}.items():
            names = sorted(_metric_names(s.key, key, label) - {key}, key=len)
            figures.append(f"{{{{{SHORT[s.key]}.{names[0]}}}}}")
    return {
        "文字": [f"{{{{{t}}}}}" for t in TEXT_FIELDS],
        "数字(本期;可加 .上期 .环比 .去年同期 .同比)": figures,
        "整段(独占一段)": ["{{分项研判}}"]
        + [f"{{{{{b}:{SHORT[s.key]}}}}}" for s in SECTIONS for b in BLOCKS],
    }


def classify(name: str) -> tuple[str, object] | None:
    """What a placeholder's inside means: ("text", field) | ("metric", (section, metric, part))
    | ("block", (kind, section key or None)); None when unknown."""
    if name in TEXT_FIELDS:
        return ("text", name)
    if name == "分项研判":
        return ("block", ("all", None))
    if ":" in name or ":" in name:
        kind, _sep, section = name.replace(":", ":").partition(":")
        if kind in BLOCKS and section in SECTION_BY_NAME:
            return ("block", (kind, SECTION_BY_NAME[section]))
        return None
    part = "value"
    for suffix, what in SUFFIXES.items():
        if name.endswith("." + suffix):
            name, part = name[: -len(suffix) - 1], what
            break
    if name in METRICS:
        section, metric = METRICS[name]
        return ("metric", (section, metric, part))
    return None


def _paragraphs(doc):
    """Every paragraph of the document: body, table cells (nested too), headers, footers."""

    def walk(container):
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(doc)
    for section in doc.sections:
        for part in (section.header, section.footer):
            yield from walk(part)


def open_docx(data: bytes):
    from docx import Document

    from yingji.core.errors import ValidationFailed

    try:
        return Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a bad file
        raise ValidationFailed("无法读取该 Word 模板,请另存为 .docx 后再上传。") from exc


def check_template(data: bytes) -> dict:
    """The placeholders of a template: {"used": [...], "unknown": [...], "misplaced": [...]}
    (misplaced: a block placeholder sharing its paragraph with other text)."""
    doc = open_docx(data)
    used, unknown, misplaced = [], [], []
    for p in _paragraphs(doc):
        text = p.text
        for m in PLACEHOLDER.finditer(text):
            name = m.group(1)
            meaning = classify(name)
            if meaning is None:
                unknown.append(m.group(0))
                continue
            used.append(m.group(0))
            if meaning[0] == "block" and text.strip() != m.group(0):
                misplaced.append(m.group(0))
    dedupe = lambda xs: list(dict.fromkeys(xs))  # noqa: E731
    return {"used": dedupe(used), "unknown": dedupe(unknown), "misplaced": dedupe(misplaced)}


# --- filling ------------------------------------------------------------------------------


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def text_values(brief) -> dict[str, str]:
    from .documents import state_label

    f = brief.figures
    when = brief.issued_at
    return {
        "期号": brief.number or "(未印发)",
        "标题": brief.title,
        "区域": f["region"]["name"],
        "期间": f["period"]["label"],
        "起止日期": f"{brief.period_start:%Y年%m月%d日}至{brief.period_end:%Y年%m月%d日}",
        "环比期间": f["previous"]["label"],
        "同比期间": f["last_year"]["label"],
        "生成时间": f"{timezone.localtime(brief.generated_at):%Y年%m月%d日 %H:%M}",
        "印发日期": f"{timezone.localtime(when):%Y年%m月%d日}" if when else "(未印发)",
        "状态计于": state_label(f),
        "风险提示": brief.risk_outlook or "(未填写)",
        "工作建议": brief.advice or "(未填写)",
        "起草人": _person(brief.drafted_by),
        "审核人": _person(brief.reviewed_by),
        "印发人": _person(brief.issued_by),
    }


def _num(v) -> str:
    return "—" if v is None else f"{v:g}"


def metric_value(figures: dict, section: str, metric: str, part: str) -> str:
    s = next((x for x in figures["sections"] if x["key"] == section), None)
    m = next((x for x in (s or {}).get("metrics", []) if x["key"] == metric), None)
    if m is None:
        return "—"
    if part == "value":
        return _num(m["value"])
    if part in ("prev", "yoy"):
        return _num(m[part])
    return change(m["value"], m["prev" if part == "mom_change" else "yoy"])


def _replace_text(paragraph, values: dict, figures: dict) -> None:
    text = paragraph.text

    def sub(m):
        meaning = classify(m.group(1))
        if meaning is None or meaning[0] == "block":
            return m.group(0)
        if meaning[0] == "text":
            return values[meaning[1]]
        return metric_value(figures, *meaning[1])

    new = PLACEHOLDER.sub(sub, text)
    if new == text:
        return
    runs = paragraph.runs
    if not runs:
        paragraph.add_run(docx_text(new))
        return
    runs[0].text = docx_text(new)
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


class _Cursor:
    """Writes blocks after an anchor paragraph, in order, then removes the anchor."""

    def __init__(self, doc, anchor):
        self.doc, self.anchor, self.last = doc, anchor, anchor._p

    def _place(self, element):
        self.last.addnext(element)
        self.last = element

    def para(self, text, **kw):
        from .documents import _para

        self._place(_para(self.doc, text, **kw)._p)

    def table(self, columns, rows):
        from .documents import _table

        _table(self.doc, columns, rows)
        self._place(self.doc.tables[-1]._tbl)

    def picture(self, png: bytes, caption: str):
        from docx.shared import Cm

        self.doc.add_picture(io.BytesIO(png), width=Cm(15))
        self._place(self.doc.paragraphs[-1]._p)
        self.para("图:" + caption, size=9, center=True)

    def done(self):
        self.anchor._p.getparent().remove(self.anchor._p)


def _section_block(cur: _Cursor, brief, section: dict, kind: str, draw) -> None:
    from .documents import METRIC_COLUMNS, metric_rows, state_label
    from .selectors import section_charts, section_tables

    if kind == "表":
        if section["metrics"]:
            cur.table(METRIC_COLUMNS, metric_rows(section, state_label(brief.figures)))
        for table in section_tables(section):
            cur.para(table["title"], size=10)
            cur.table(table["columns"], table["rows"])
    elif kind == "图":
        if draw is None:
            cur.para("(图表从略:本服务器未找到可显示中文的字体或图表组件。)", size=9)
        else:
            for spec in section_charts(section):
                cur.picture(draw(spec), spec["title"])
    elif kind == "研判":
        cur.para(brief.opinions.get(section["key"], "") or "(未填写)")
    elif kind == "清单":
        if section.get("items_title"):
            cur.para(section["items_title"], size=10, bold=True)
        for item in section.get("items", []):
            cur.para("· " + item["text"], size=10)
        if not section.get("items"):
            cur.para("无。", size=10)


def _all_sections(cur: _Cursor, brief, draw) -> None:
    from .documents import HEADING_FONT

    if draw is None:
        cur.para("(本服务器未找到可显示中文的字体或图表组件,图表从略,数据见各表。)", size=9)
    for i, section in enumerate(brief.figures["sections"], start=1):
        cur.para(f"({i}){section['title']}", font=HEADING_FONT, size=12)
        _section_block(cur, brief, section, "表", draw)
        if draw is not None:
            _section_block(cur, brief, section, "图", draw)
        if section.get("items"):
            cur.para(section.get("items_title", ""), size=10, bold=True)
            for item in section["items"]:
                cur.para("· " + item["text"], size=10)
        opinion = brief.opinions.get(section["key"], "")
        if opinion:
            cur.para("研判意见:" + opinion)
        cur.para(f"数据来源:{section['source']}模块", size=9)


def fill(template: bytes, brief) -> bytes:
    """The brief's Word file from ``template``: every placeholder replaced from the snapshot."""
    from .charts import renderer

    doc = open_docx(template)
    draw = renderer()
    values = text_values(brief)
    figures = brief.figures
    blocks = []
    for p in list(_paragraphs(doc)):
        found = [m.group(1) for m in PLACEHOLDER.finditer(p.text)]
        if not found:
            continue
        meaning = classify(found[0])
        if (
            len(found) == 1
            and meaning
            and meaning[0] == "block"
            and p.text.strip() == (PLACEHOLDER.search(p.text).group(0))
        ):
            blocks.append((p, meaning[1]))
        else:
            _replace_text(p, values, figures)
    sections = {s["key"]: s for s in figures["sections"]}
    for p, (kind, key) in blocks:
        cur = _Cursor(doc, p)
        if kind == "all":
            _all_sections(cur, brief, draw)
        elif key in sections:
            _section_block(cur, brief, sections[key], kind, draw)
        cur.done()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def default_template(kind: str = "week") -> bytes:
    """The shipped template of a kind (an admin downloads it, edits it in Word and uploads it):
    the built-in layout written with placeholders; the 安全生产周调度 has its own."""
    if kind == "dispatch":
        return _dispatch_template()
    from docx import Document
    from docx.shared import Cm, RGBColor

    from .documents import HEADING_FONT, _para

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.8)
    _para(doc, "研判简报", font=HEADING_FONT, size=26, center=True).runs[
        0
    ].font.color.rgb = RGBColor(0xC0, 0, 0)
    _para(doc, "{{期号}}", center=True)
    _para(doc, "{{标题}}", font=HEADING_FONT, size=16, center=True, bold=True)
    _para(
        doc,
        "统计时段:{{期间}}({{起止日期}});环比:{{环比期间}};同比:{{同比期间}}。"
        "数据生成于{{生成时间}},印发于{{印发日期}};当前状态类指标(标“截至”者)计于{{状态计于}}。",
        size=10,
    )
    _para(
        doc,
        "本期新增隐患{{隐患.新增}}处(环比{{隐患.新增.环比}}),整改销号{{隐患.整改销号}}处,"
        "当前逾期未整改{{隐患.当前逾期未整改}}处。",
    )
    _para(doc, "一、风险提示", font=HEADING_FONT, size=14)
    _para(doc, "{{风险提示}}")
    _para(doc, "二、工作建议", font=HEADING_FONT, size=14)
    _para(doc, "{{工作建议}}")
    _para(doc, "三、分项研判", font=HEADING_FONT, size=14)
    _para(doc, "{{分项研判}}")
    _para(doc, "起草:{{起草人}};审核:{{审核人}};印发:{{印发人}}", size=10)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _dispatch_template() -> bytes:
    """安全生产周调度 (T11): the week's production-safety situation — accidents, hazards by
    county and by industry, inspections and penalties, key enterprises — and next week's
    调度 items, with the 会商 judgement and the 工作要求."""
    from docx import Document
    from docx.shared import Cm, RGBColor

    from .documents import HEADING_FONT, _para

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.8)
    _para(doc, "安全生产周调度", font=HEADING_FONT, size=26, center=True).runs[
        0
    ].font.color.rgb = RGBColor(0xC0, 0, 0)
    _para(doc, "{{期号}}", center=True)
    _para(doc, "{{标题}}", font=HEADING_FONT, size=16, center=True, bold=True)
    _para(
        doc,
        "调度时段:{{期间}}({{起止日期}});环比:{{环比期间}};同比:{{同比期间}}。"
        "数据生成于{{生成时间}};当前状态类指标(标“截至”者)计于{{状态计于}}。",
        size=10,
    )
    _para(doc, "一、本周安全生产形势", font=HEADING_FONT, size=14)
    _para(
        doc,
        "本周接报生产安全事故{{事件.其中生产安全事故}}起(环比{{事件.其中生产安全事故.环比}}),"
        "其中较大及以上{{事件.较大及以上}}起,死亡{{事件.死亡}}人。新增隐患{{隐患.新增}}处"
        "(其中重大隐患{{隐患.其中重大隐患}}处),整改销号{{隐患.整改销号}}处,"
        "当前逾期未整改{{隐患.当前逾期未整改}}处。完成执法检查{{执法.完成检查}}家次,"
        "行政处罚立案{{处罚.立案}}件,作出处罚决定{{处罚.作出处罚决定}}件,"
        "罚款{{处罚.罚款}}万元。",
    )
    _para(doc, "{{风险提示}}")
    _para(doc, "二、生产安全事故与突发事件", font=HEADING_FONT, size=14)
    _para(doc, "{{表:事件}}")
    _para(doc, "{{清单:事件}}")
    _para(doc, "三、隐患排查治理(分县区、分行业)", font=HEADING_FONT, size=14)
    _para(doc, "{{表:隐患}}")
    _para(doc, "{{图:隐患}}")
    _para(doc, "{{研判:隐患}}")
    _para(doc, "四、执法检查与行政处罚", font=HEADING_FONT, size=14)
    _para(doc, "{{表:执法}}")
    _para(doc, "{{表:处罚}}")
    _para(doc, "五、重点企业", font=HEADING_FONT, size=14)
    _para(doc, "{{表:风险}}")
    _para(doc, "{{清单:风险}}")
    _para(doc, "六、下周调度事项", font=HEADING_FONT, size=14)
    _para(doc, "{{表:调度}}")
    _para(doc, "{{清单:调度}}")
    _para(doc, "{{研判:调度}}")
    _para(doc, "七、工作要求", font=HEADING_FONT, size=14)
    _para(doc, "{{工作建议}}")
    _para(doc, "起草:{{起草人}};审核:{{审核人}};印发:{{印发人}}", size=10)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def brief_docx(brief) -> bytes:
    """The brief's Word file: from the kind's uploaded template if there is one, else from the
    shipped default template."""
    from .selectors import active_template

    template = active_template(brief.kind)
    return fill(template.content if template else default_template(brief.kind), brief)
