"""重大事故隐患判定标准, per industry: which standard applies to an enterprise (by its sector) or
a public place (by the hazard's category), its items, and the level a cited item gives.

Sources (each industry and item carries its own source, article and confidence in
``data/major_hazard_criteria.json``):

- 化工和危险化学品: 安监总管三〔2017〕121号, 20 items (HIGH; standards-digest §4.3, the same text
  as ``data/hazard_criteria_2017.json``, whose items are given codes HG2017-01…20 here).
- 煤矿: 应急管理部令第4号 (2020), 第三条's 15 方面 (HIGH: read in the 国务院公报 text).
- 金属非金属矿山: 矿安〔2022〕88号: the first three 地下矿山 items read in the source (HIGH), a few
  more read in excerpts (MEDIUM), the rest category headings (LOW).
- 工贸企业: 应急管理部令第10号 (2023): 第三条 (3 items) and 第四条(一)–(四) read in the source
  (HIGH); the other articles as headings, article numbers inferred (LOW).
- 烟花爆竹: 安监总管三〔2017〕121号 (烟花爆竹部分), 20 items read in two independent public code
  transcriptions that agree word for word, not in the official text (MEDIUM).
- 消防: GB 35181 (the 2025 edition replaced 2017's on 2025-11-01): the 2017 edition's ten 直接判定
  situations as remembered, and the 综合判定 heading — not read in either edition (LOW).
- 城镇燃气: 建城规〔2023〕4号 (number from a public directory, MEDIUM): eight items by part (安全管理,
  厂站, 管道设施, 瓶装液化石油气) as remembered, not read in the original (LOW).

A bureau that has not checked the LOW items against the originals can stop them being cited:
``level_for_criterion(..., allow_low=False)`` refuses them (the hazards app passes its setting
``YINGJI_HAZARD_CRITERIA_LOW``).

Any cited item makes the hazard 重大 (each standard says "有下列情形之一的,应当判定为重大事故隐患"
or the equivalent); that is HIGH for every industry, even where an item's text is LOW.

Pure Python: no Django, no project imports.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

__all__ = [
    "industries",
    "industry",
    "industry_for",
    "item",
    "items",
    "level_for_criterion",
]

DATA = Path(__file__).parent / "data" / "major_hazard_criteria.json"
HAZCHEM_DATA = Path(__file__).parent / "data" / "hazard_criteria_2017.json"


@cache
def _data() -> dict:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    hazchem = json.loads(HAZCHEM_DATA.read_text(encoding="utf-8"))
    chem_items = [
        {
            "code": f"HG2017-{row['no']:02d}",
            "industry": "hazchem",
            "text": row["text"].rstrip("。"),
            "article": f"第{row['no']}项",
            "confidence": hazchem["confidence"],
        }
        for row in hazchem["items"]
    ]
    data["items"] = chem_items + data["items"]
    return data


def industries() -> dict[str, dict]:
    """Industry key → {"title", "document", "number", "year", "confidence", "note"}."""
    return {k: dict(v) for k, v in _data()["industries"].items()}


def industry(key: str) -> dict:
    try:
        return dict(_data()["industries"][key])
    except KeyError:
        raise KeyError(f"没有“{key}”行业的重大事故隐患判定标准") from None


def industry_for(sector: str = "", category: str = "") -> str | None:
    """The standard that applies: by the enterprise's sector, else (a public place) by the
    hazard's category (燃气 / 消防); None when no listed standard applies."""
    data = _data()
    return data["sector_industry"].get(sector or "") or data["category_industry"].get(
        category or ""
    )


def items(industry_key: str | None = None) -> list[dict]:
    """The items (of one industry), each {"code", "industry", "text", "article", "confidence"}."""
    return [
        dict(row)
        for row in _data()["items"]
        if industry_key is None or row["industry"] == industry_key
    ]


def item(code: str) -> dict:
    for row in _data()["items"]:
        if row["code"] == code:
            return dict(row)
    raise KeyError(f"没有编号为“{code}”的重大事故隐患判定条款")


def cite(code: str) -> str:
    """How the platform cites an item: document, number, article and text."""
    row = item(code)
    ind = industry(row["industry"])
    return f"{ind['document']}({ind['number']}){row['article']}:{row['text']}"


def level_for_criterion(
    code: str, *, sector: str = "", category: str = "", allow_low: bool = True
) -> tuple[str, str]:
    """A cited item makes the hazard 重大; the reason cites it. Refused (ValueError) when the
    item belongs to another industry's standard than the one that applies, or when it is of LOW
    confidence (not checked against the original) and ``allow_low`` is False."""
    row = item(code)
    if not allow_low and row["confidence"] == "LOW":
        raise ValueError(
            f"条款 {code} 尚未对照标准原文核实(低置信度),本平台已设置为不可引用;"
            "请按原文判定或由管理员核实后启用。"
        )
    applies = industry_for(sector, category)
    if applies != row["industry"]:
        mine = industry(applies)["title"] if applies else "(无适用的行业判定标准)"
        raise ValueError(
            f"条款 {code} 属于《{industry(row['industry'])['title']}》判定标准,"
            f"不适用于该隐患所属行业:{mine}。"
        )
    return "major", f"符合{cite(code)},判定为重大事故隐患"
