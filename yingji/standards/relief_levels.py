"""自然灾害救助应急响应 levels (一级 … 四级) from a disaster's figures, by a configurable table.

Source (standards digest §7): 国家自然灾害救助应急预案, 国办函〔2024〕11号 §5 — 一级 read in an
excerpt (confidence HIGH), 二级–四级 recalled, not verified (LOW); the 2016 version
(国办函〔2016〕25号, superseded) for historical data (Ⅰ–Ⅲ HIGH, Ⅳ MEDIUM, its Ⅲ级 drought row cut
off in the text read and left out). 以上 includes the bound; a level starts on any one criterion;
the highest level met wins. The national thresholds are per province; the Gansu and Lanzhou
plans' own thresholds were not read, so the table is data (``data/relief_levels.json``) that an
installation replaces as a whole (setting ``YINGJI_RELIEF_LEVELS``, checked by
:func:`validate_table`). The result is a *suggestion*: the plan's decider starts the response.

Pure: no Django, nothing of the project.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "relief_levels.json"


@lru_cache(maxsize=1)
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def indicators() -> dict[str, dict]:
    return data()["indicators"]


def table(name: str | None = None) -> dict:
    """One of the shipped tables (default: the 2024 national plan)."""
    tables = data()["tables"]
    return tables[name or data()["default"]]


def validate_table(tab: dict) -> dict:
    """The table as given when it is well formed; ValueError (Chinese) otherwise. A table is
    ``{"label": str, "levels": [{"level": 1-4, "label": str, "criteria": {indicator: number}}]}``
    with distinct levels and known indicators; a higher level never has a lower threshold than
    a lower level for the same indicator."""
    known = indicators()
    if not isinstance(tab, dict) or not isinstance(tab.get("levels"), list) or not tab["levels"]:
        raise ValueError("自然灾害救助响应分级表应有 levels 列表。")
    seen: dict[int, dict] = {}
    for row in tab["levels"]:
        level = row.get("level") if isinstance(row, dict) else None
        if level not in (1, 2, 3, 4) or level in seen:
            raise ValueError("响应级别应为 1–4(一级最高),且不重复。")
        criteria = row.get("criteria")
        if not isinstance(criteria, dict) or not criteria:
            raise ValueError(f"{level}级响应没有启动条件。")
        for key, bound in criteria.items():
            if key not in known:
                raise ValueError(f"未知的指标“{key}”。")
            if isinstance(bound, bool) or not isinstance(bound, int | float) or bound <= 0:
                raise ValueError(f"{level}级响应的“{known[key]['label']}”门槛应为正数。")
        seen[level] = criteria
    for higher in seen:
        for lower in seen:
            if higher < lower:
                for key, bound in seen[higher].items():
                    if key in seen[lower] and bound < seen[lower][key]:
                        raise ValueError(
                            f"{higher}级响应的“{known[key]['label']}”门槛低于{lower}级。"
                        )
    return tab


def _text(key: str, value: float, bound: float) -> str:
    ind = indicators()[key]
    number = f"{value:g}" if isinstance(value, float) else str(value)
    limit = f"{bound:g}" if isinstance(bound, float) else str(bound)
    return f"{ind['label']}{number}{ind['unit']}(≥{limit}{ind['unit']})"


def relief_level(figures: dict[str, float | None], tab: dict | None = None) -> dict:
    """The suggested response level for ``figures`` (indicator → value; a missing or None value
    is 未填报 and meets nothing). ``dead_missing`` defaults to deaths + missing when those are
    given. Returns ``{"level": 1-4 or None, "label", "criteria": [texts met at that level],
    "confidence", "unknown": [labels of the table's indicators not given]}``."""
    tab = tab or table()
    values = {k: v for k, v in figures.items() if v is not None}
    if "dead_missing" not in values and "deaths" in values:
        values["dead_missing"] = values["deaths"] + (values.get("missing") or 0)
    used = {key for row in tab["levels"] for key in row["criteria"]}
    unknown = sorted({indicators()[k]["label"] for k in used if k not in values})
    for row in sorted(tab["levels"], key=lambda r: r["level"]):
        met = [
            _text(key, values[key], bound)
            for key, bound in row["criteria"].items()
            if key in values and values[key] >= bound
        ]
        if met:
            return {
                "level": row["level"],
                "label": row["label"],
                "criteria": met,
                "confidence": row.get("confidence", "LOW"),
                "unknown": unknown,
            }
    return {
        "level": None,
        "label": "未达到启动条件",
        "criteria": [],
        "confidence": "",
        "unknown": unknown,
    }
