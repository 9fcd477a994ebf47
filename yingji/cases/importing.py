"""Reading a case list from .xlsx: the first sheet, a header row with the Chinese column
names below (in any order), one case per row. Returns typed rows or the errors by row."""

from __future__ import annotations

import datetime as dt

from yingji.core.errors import ValidationFailed
from yingji.core.schemas import validate
from yingji.core.uploads import open_xlsx

from .choices import ACCIDENT_TYPES, INDUSTRIES
from .parsing import split_causes
from .schemas import AccidentCaseIn

COLUMNS = {
    "案例编号": "code",
    "案例标题": "title",
    "发生日期": "occurred_on",
    "县区编码": "region",
    "地点": "place",
    "行业": "industry",
    "事故类型": "accident_type",
    "死亡人数": "deaths",
    "重伤人数": "serious_injuries",
    "轻伤人数": "injuries",
    "直接经济损失(万元)": "direct_loss_wan",
    "事故经过": "narrative",
    "直接原因": "direct_causes",
    "间接原因": "indirect_causes",
    # the earlier template's one column: split into 直接/间接原因 (parsing.split_causes)
    "事故原因": "causes",
    "经验教训": "lessons",
    "标签": "tags",
    "来源": "source",
}
REQUIRED = ("案例编号", "案例标题", "发生日期", "行业", "事故类型")
BY_LABEL = {
    "industry": {label: key for key, label in INDUSTRIES},
    "accident_type": {label: key for key, label in ACCIDENT_TYPES},
}
MAX_ROWS = 2000


def _value(field: str, value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if field in BY_LABEL:
        return BY_LABEL[field].get(text, text)
    if field == "tags":
        return [t for t in text.replace(",", "、").replace(",", "、").split("、") if t.strip()]
    return text


def read_cases(data: bytes, name: str = "") -> list[tuple[int, AccidentCaseIn]]:
    """The rows as AccidentCaseIn, or ValidationFailed listing every bad row (nothing imported)."""
    wb = open_xlsx(data, unreadable="无法读取该 Excel 文件,请按模板填写后另存为 .xlsx。", name=name)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True, max_col=len(COLUMNS) + 10)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationFailed(f"表头缺少:{'、'.join(missing)}(第1行应为列名)。")
    index = {COLUMNS[h]: i for i, h in enumerate(header) if h in COLUMNS}
    out, problems = [], []
    for n, values in enumerate(rows, start=2):
        if n > MAX_ROWS + 1:
            raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 条案例。")
        if not any(v not in (None, "") for v in values):
            continue
        raw = {}
        for field, i in index.items():
            value = _value(field, values[i] if i < len(values) else None)
            if value not in (None, "", []):
                raw[field] = value
        if "causes" in raw:
            direct, indirect = split_causes(raw.pop("causes"))
            raw.setdefault("direct_causes", direct)
            if indirect:
                raw.setdefault("indirect_causes", indirect)
        parsed = validate(AccidentCaseIn, raw)
        if parsed.ok:
            out.append((n, parsed.data))
        else:
            for e in parsed.errors:
                problems.append(f"第{n}行“{e['label']}”:{e['message']}")
    if problems:
        raise ValidationFailed(
            "导入未进行(没有写入任何案例):" + ";".join(problems[:20]), details={"rows": problems}
        )
    return out
