"""综合减灾示范社区 (T54): the creation criteria as a checklist, the score test and the workflow.

Source: 《全国综合减灾示范社区创建管理办法》(国减发〔2020〕2号): 第五条 an applicant must meet the
基本条件 and score at least 80 on the 基本要素 (MEDIUM: read in a local government's transcription);
第六至九条 the procedure 社区申请(自评) → 县级材料审核、现场核查并评分 → 市级审查验收、现场抽查 →
推荐上报 / 命名. The 基本条件 are those of the 2013 标准 (LOW: not checked against the 2020 标准);
only the first two 一级指标 of the 评分参考表 (组织管理 10, 风险评估 10) were read, the other
elements and their points are the platform's own (LOW). The caller may replace any part of the
table (``criteria(overrides)``); the platform reads ``settings.DISASTERS_COMMUNITY_CRITERIA``.
The 10–12月 督查 window is the work points' T54.

Pure: no Django, nothing of the project.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "demo_community.json"

# The workflow: (status, action) -> new status. 申报 → 县区初审 → 市级评审 → 命名, then 复核.
STATUSES = [
    ("applied", "已申报,待县区初审"),
    ("returned", "县区退回修改"),
    ("county_passed", "县区初审通过,待市级评审"),
    ("named", "已命名"),
    ("rejected", "评审未通过"),
    ("revoked", "已撤销命名"),
]
TRANSITIONS: dict[tuple[str, str], str] = {
    ("returned", "resubmit"): "applied",
    ("applied", "county_pass"): "county_passed",
    ("applied", "county_return"): "returned",
    ("county_passed", "name"): "named",
    ("county_passed", "reject"): "rejected",
    ("named", "recheck_keep"): "named",
    ("named", "revoke"): "revoked",
}
ACTION_LABELS = {
    "resubmit": "重新申报",
    "county_pass": "县区初审通过",
    "county_return": "县区退回",
    "name": "命名",
    "reject": "评审不通过",
    "recheck_keep": "复核保留",
    "revoke": "撤销命名",
}


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def criteria(overrides: dict | None = None) -> dict:
    """The checklist: levels, pass mark, conditions, elements (code, label, max points) and the
    inspection months; ``overrides`` replaces top-level keys (``pass_mark`` may be a number)."""
    table = dict(_table())
    for key, value in (overrides or {}).items():
        if key == "pass_mark" and not isinstance(value, dict):
            value = {**table["pass_mark"], "value": value, "confidence": "setting"}
        table[key] = value
    return table


def levels() -> list[tuple[str, str]]:
    return [tuple(x) for x in _table()["levels"]]


def next_status(status: str, action: str) -> str:
    """The status after ``action``; ValueError names what is not allowed."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        names = dict(STATUSES)
        raise ValueError(
            f"“{names.get(status, status)}”的申报不能“{ACTION_LABELS.get(action, action)}”。"
        ) from None


@dataclass(frozen=True)
class Assessment:
    """The result of scoring one application: ``errors`` block (the form is wrong), ``unmet``
    lists the 基本条件 not met, ``passed`` = no errors, all conditions met and total ≥ pass mark."""

    total: int
    pass_mark: int
    passed: bool
    unmet: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def assess(conditions: dict, scores: dict, table: dict | None = None) -> Assessment:
    """Score an application: every element scored from 0 to its max, no unknown element,
    every 基本条件 answered."""
    table = table or criteria()
    errors: list[str] = []
    elements = {e["code"]: e for e in table["elements"]}
    for code in scores:
        if code not in elements:
            errors.append(f"未知的评分项“{code}”。")
    total = 0
    for code, element in elements.items():
        value = scores.get(code)
        if value is None:
            errors.append(f"“{element['label']}”未评分。")
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"“{element['label']}”的得分须为整数。")
            continue
        if not 0 <= value <= element["max"]:
            errors.append(
                f"“{element['label']}”的得分须在0至{element['max']}分之间,填报{value}分。"
            )
            continue
        total += value
    unmet = []
    for condition in table["conditions"]:
        answer = conditions.get(condition["code"])
        if answer is None:
            errors.append(f"基本条件“{condition['label']}”未填写是否具备。")
        elif not answer:
            unmet.append(condition["label"])
    pass_mark = int(table["pass_mark"]["value"])
    passed = not errors and not unmet and total >= pass_mark
    return Assessment(total=total, pass_mark=pass_mark, passed=passed, unmet=unmet, errors=errors)


def in_inspection_window(day: dt.date, table: dict | None = None) -> bool:
    """Whether a 督查 visit on ``day`` falls in the months of the work points (10–12月)."""
    table = table or criteria()
    return day.month in table["inspection_months"]["value"]
