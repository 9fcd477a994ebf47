"""Reading an accident investigation report (.docx), pure: the text of its paragraphs and
tables, and the structured fields proposed from it (date, casualties, loss, causes, place, …)
for a person to confirm on the review form. Nothing here is trusted: every proposal is shown,
editable, before the case is recorded through the service."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation

from yingji.standards.accidents import accident_grade

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS.update({"七": 7, "八": 8, "九": 9})
NUM = r"(\d+|[零〇一二两三四五六七八九十百]+)"

DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
DEATHS = [
    re.compile(NUM + r"\s*(?:人|名[^,,。]{0,6}?)死亡"),
    re.compile(r"死亡\s*" + NUM + r"\s*人"),
]
SERIOUS = [
    re.compile(NUM + r"\s*(?:人|名[^,,。]{0,6}?)重伤"),
    re.compile(r"重伤\s*" + NUM + r"\s*人"),
]
MINOR = [
    re.compile(NUM + r"\s*(?:人|名[^,,。]{0,6}?)(?:轻伤|受伤)"),
    re.compile(r"轻伤\s*" + NUM + r"\s*人"),
]
LOSS = re.compile(r"直接经济损失[^0-9\d]{0,6}?([\d,,.]+)\s*(万元|元)")
PLACE = re.compile(r"(?:事故(?:发生)?地点|发生地点)[::]\s*([^\n。;;]{2,60})")
PLACE_IN = re.compile(r"在([^,,。\n]{2,40}?)(?:内|处)?发生")

# headings of the report's parts → the case field they fill (first keyword found wins); a
# general 事故原因 section is split into 直接原因 / 间接原因 by split_causes
SECTIONS = [
    ("narrative", ("事故发生经过", "事故经过", "事故发生的经过")),
    ("direct_causes", ("直接原因",)),
    ("indirect_causes", ("间接原因",)),
    ("causes", ("事故发生的原因", "事故原因")),
    ("responsibility", ("责任认定", "处理建议", "责任追究", "责任人员")),
    ("measures", ("防范和整改措施", "防范措施", "整改措施", "防范和整改")),
    ("lessons", ("经验教训", "事故教训", "教训")),
]
# a 直接原因 / 间接原因 label, numbered or not, with an optional colon: "(二)间接原因:"
_NUMBER = r"(?:[(\uff08][一二三四五六七八九十\d]+[)\uff09]|[一二三四五六七八九十\d]+[、.．])?\s*"
_DIRECT_LABEL = re.compile(
    r"^\s*" + _NUMBER + r"(?:本起)?(?:事故(?:发生)?的)?直接原因(?:是|为|分析)?\s*[:\uff1a]?\s*"
)
_INDIRECT_LABEL = re.compile(
    r"(?:^|(?<=[。;\uff1b\n]))\s*"
    + _NUMBER
    + r"(?:本起)?(?:事故(?:发生)?的)?间接原因(?:是|为|分析)?\s*[:\uff1a]?\s*",
    re.M,
)
HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(\uff08][一二三四五六七八九十]+[)\uff09]|第[一二三四五六七八九十]+[章部分])"
)

# words of the report → GB 6441 class (the first that occurs), shown as a proposal only
TYPE_WORDS = [
    ("poisoning", ("中毒", "窒息")),
    ("gas_explosion", ("瓦斯爆炸",)),
    ("water_inrush", ("透水",)),
    ("roof_fall", ("冒顶", "片帮")),
    ("fall", ("高处坠落", "坠落")),
    ("collapse", ("坍塌",)),
    ("lifting", ("起重", "吊装", "吊运")),
    ("electric", ("触电",)),
    ("burn", ("灼烫", "烫伤", "灼伤")),
    ("vessel", ("容器爆炸", "压力容器")),
    ("boiler", ("锅炉爆炸",)),
    ("other_explosion", ("爆炸", "爆燃")),
    ("fire", ("火灾", "着火", "起火")),
    ("vehicle", ("车辆", "侧翻", "碰撞")),
    ("machinery", ("机械伤害", "卷入", "绞入", "冲压")),
    ("drowning", ("淹溺", "溺水")),
    ("object_strike", ("物体打击",)),
]
INDUSTRY_WORDS = [
    ("hazchem", ("化工", "危险化学品", "储罐", "反应釜")),
    ("coal", ("煤矿",)),
    ("non_coal", ("非煤", "采石场", "尾矿", "金属矿")),
    ("gas", ("燃气", "液化气", "天然气")),
    ("construction", ("建筑工地", "施工", "脚手架")),
    ("transport", ("运输", "货车", "槽罐车")),
    ("metallurgy", ("冶金", "钢铁", "铁合金", "有色")),
    ("fireworks", ("烟花", "爆竹")),
    ("trade", ("商场", "商铺", "餐饮", "酒店")),
]


def cn_number(text: str) -> int:
    """An Arabic or small Chinese number (一, 十二, 二十三, 一百) as int."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def docx_text(data: bytes) -> list[str]:
    """The non-empty paragraphs of a .docx, then its tables' rows (cells joined by a tab)."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    lines = [p.text.strip() for p in doc.paragraphs if p.text.strip()]
    for table in doc.tables:
        for row in table.rows:
            cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
            if cells:
                lines.append("\t".join(cells))
    return lines


def _first(patterns, text: str) -> int:
    for p in patterns:
        m = p.search(text)
        if m:
            return cn_number(m.group(1))
    return 0


def _date(text: str) -> dt.date | None:
    for m in DATE.finditer(text):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def _loss_wan(text: str) -> Decimal:
    m = LOSS.search(text)
    if not m:
        return Decimal(0)
    try:
        value = Decimal(m.group(1).replace(",", "").replace(",", ""))
    except InvalidOperation:
        return Decimal(0)
    return value if m.group(2) == "万元" else (value / Decimal(10_000)).quantize(Decimal("0.01"))


def split_causes(text: str) -> tuple[str, str]:
    """(直接原因, 间接原因) of a causes text: split at a 间接原因 label at the start of a line or
    after a sentence ("(二)间接原因:", "间接原因是…"); the 直接原因 label is dropped. Without
    a 间接原因 label all of it is the direct cause."""
    text = (text or "").strip()
    m = _INDIRECT_LABEL.search(text)
    direct, indirect = (text[: m.start()], text[m.end() :]) if m else (text, "")
    direct = _DIRECT_LABEL.sub("", direct.strip(), count=1).strip().rstrip(";\uff1b,\uff0c")
    return direct, indirect.strip()


def _sections(lines: list[str]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    current = None
    for line in lines:
        short = len(line) <= 40
        field = next((f for f, words in SECTIONS if short and any(w in line for w in words)), None)
        if field:
            current = field
            out.setdefault(field, [])
            # "直接原因:违章作业。" — a label with its text on the same line keeps the text
            rest = re.split(r"[:\uff1a]", line, maxsplit=1)
            if field in ("direct_causes", "indirect_causes") and len(rest) == 2 and rest[1]:
                out[field].append(rest[1].strip())
            continue
        if short and HEADING.match(line):
            current = None
            continue
        if current:
            out[current].append(line)
    return {k: "\n".join(v) for k, v in out.items() if v}


def _causes(sections: dict[str, str]) -> tuple[str, str]:
    """直接原因 and 间接原因: from their own headings, else split out of a 事故原因 section."""
    direct, indirect = split_causes(sections.get("causes", ""))
    return (
        sections.get("direct_causes") or direct,
        sections.get("indirect_causes") or indirect,
    )


def _guess(table, text: str) -> str:
    for key, words in table:
        if any(w in text for w in words):
            return key
    return ""


def propose(lines: list[str]) -> dict:
    """The fields proposed from a report's lines (empty or 0 where nothing was found)."""
    text = "\n".join(lines)
    title = next((ln for ln in lines if "事故" in ln and len(ln) <= 80), lines[0] if lines else "")
    title = re.sub(r"(的)?调查报告$", "", title).strip()
    deaths, serious = _first(DEATHS, text), _first(SERIOUS, text)
    loss = _loss_wan(text)
    place = PLACE.search(text) or PLACE_IN.search(text)
    sections = _sections(lines)
    direct, indirect = _causes(sections)
    return {
        "title": title[:200],
        "occurred_on": _date(text),
        "place": place.group(1).strip()[:200] if place else "",
        "deaths": deaths,
        "serious_injuries": serious,
        "injuries": _first(MINOR, text),
        "direct_loss_wan": loss,
        "grade": accident_grade(deaths, serious, loss * 10_000),
        "accident_type": _guess(TYPE_WORDS, title + "\n" + text),
        "industry": _guess(INDUSTRY_WORDS, title + "\n" + text),
        "narrative": sections.get("narrative", ""),
        "direct_causes": direct,
        "indirect_causes": indirect,
        "responsibility": sections.get("responsibility", ""),
        "measures": sections.get("measures", ""),
        "lessons": sections.get("lessons", ""),
    }
