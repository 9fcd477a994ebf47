"""Hidden hazards (隐患): 一般 vs 重大, the 2017 chemical major-hazard criteria, the contents of a
重大隐患 remediation plan, and the 一责三排 priority score.

Sources (standards-digest.md §4):
- §4.1 《安全生产事故隐患排查治理暂行规定》(安监总局令第16号) Art. 3: 一般 = small harm and
  difficulty, fixable at once; 重大 = needs (partial) shutdown and a remediation period, or the
  unit cannot remove it by itself. HIGH. The remediation plan's contents (Art. 15): MEDIUM.
- §4.3 安监总管三〔2017〕121号: any one of 20 situations in a chemical / hazardous-chemical unit is
  a 重大事故隐患. HIGH. Data in ``data/hazard_criteria_2017.json``.

The priority score for 一责三排 (全面排查、科学排序、有效排除) is **not** a national rule: no
standard gives weights. It is this project's transparent default, every weight configurable
(``PriorityWeights``), and every term is returned so the ranking can be explained on screen.

Pure Python: no Django, no project imports.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

__all__ = [
    "LEVELS",
    "PriorityWeights",
    "PriorityScore",
    "criteria_2017",
    "criterion",
    "level_for",
    "missing_plan_elements",
    "plan_elements",
    "priority",
]

DATA = Path(__file__).parent / "data" / "hazard_criteria_2017.json"
LEVELS = {"general": "一般事故隐患", "major": "重大事故隐患"}
COLOUR_NAMES = {
    "red": "红(重大风险)",
    "orange": "橙(较大风险)",
    "yellow": "黄(一般风险)",
    "blue": "蓝(低风险)",
}


@cache
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def criteria_2017() -> list[dict]:
    """The 20 items of 安监总管三〔2017〕121号, as ``{"no", "text"}``."""
    return [dict(item) for item in _data()["items"]]


def criterion(no: int) -> dict:
    for item in _data()["items"]:
        if item["no"] == no:
            return dict(item)
    raise KeyError(f"安监总管三〔2017〕121号没有第 {no} 项(应为 1–20)")


def level_for(declared: str, criteria: list[int] | tuple[int, ...] = ()) -> tuple[str, str]:
    """The level of a hazard and why. Ticking any 2017 criterion makes it 重大 whatever was
    declared; otherwise the declared level (``general`` or ``major``) stands."""
    if declared not in LEVELS:
        raise ValueError(f"未知的隐患等级:{declared!r}(应为 general 或 major)")
    ticked = sorted(set(criteria))
    for no in ticked:
        criterion(no)  # raises for an unknown item
    if ticked:
        items = "、".join(f"第{no}项" for no in ticked)
        return "major", f"符合安监总管三〔2017〕121号{items}判定情形,判定为重大事故隐患"
    if declared == "major":
        return "major", "经评估治理难度大、需停产停业或单位自身难以排除,定为重大事故隐患"
    return "general", "危害和整改难度较小,可立即整改,定为一般事故隐患"


def plan_elements() -> list[dict]:
    """What a 重大隐患 remediation plan must contain (16号令; digest §4.1, MEDIUM)."""
    return [dict(e) for e in _data()["remediation_plan"]["elements"]]


def missing_plan_elements(plan: dict) -> list[str]:
    """Labels of the required elements that are empty in ``plan`` (a dict keyed by element key)."""
    return [
        e["label"]
        for e in _data()["remediation_plan"]["elements"]
        if not str((plan or {}).get(e["key"], "")).strip()
    ]


@dataclass(frozen=True)
class PriorityWeights:
    """Weights of the 一责三排 priority score. Project defaults, not a national rule."""

    major: float = 50.0  # a 重大隐患
    colour: dict = field(
        default_factory=lambda: {"red": 30.0, "orange": 20.0, "yellow": 10.0, "blue": 0.0}
    )
    per_overdue_day: float = 2.0
    overdue_cap: float = 40.0
    per_person_exposed: float = 0.2
    exposed_cap: float = 20.0
    repeat: float = 15.0


@dataclass(frozen=True)
class PriorityScore:
    total: float
    terms: list[dict]  # {"name", "value", "points", "explain"}

    def as_dict(self) -> dict:
        return asdict(self)


def priority(
    *,
    level: str,
    colour: str | None,
    days_overdue: int,
    people_exposed: int,
    repeat: bool,
    weights: PriorityWeights | None = None,
) -> PriorityScore:
    """The priority of an open hazard: the sum of transparent terms (higher = handle first)."""
    w = weights or PriorityWeights()
    overdue = max(0, int(days_overdue))
    exposed = max(0, int(people_exposed))
    terms = [
        {
            "name": "隐患等级",
            "value": LEVELS.get(level, level),
            "points": w.major if level == "major" else 0.0,
            "explain": f"重大隐患 +{w.major:g}" if level == "major" else "一般隐患 +0",
        },
        {
            "name": "企业风险等级",
            "value": COLOUR_NAMES.get(colour or "", "未评定"),
            "points": float(w.colour.get(colour or "", 0.0)),
            "explain": f"企业风险等级 {COLOUR_NAMES.get(colour or '', '未评定')}",
        },
        {
            "name": "逾期天数",
            "value": overdue,
            "points": min(w.overdue_cap, overdue * w.per_overdue_day),
            "explain": f"每逾期一个工作日 +{w.per_overdue_day:g},最多 +{w.overdue_cap:g}",
        },
        {
            "name": "影响人数",
            "value": exposed,
            "points": min(w.exposed_cap, exposed * w.per_person_exposed),
            "explain": f"每人 +{w.per_person_exposed:g},最多 +{w.exposed_cap:g}",
        },
        {
            "name": "重复隐患",
            "value": "是" if repeat else "否",
            "points": w.repeat if repeat else 0.0,
            "explain": f"12个月内同一企业同类隐患再次出现 +{w.repeat:g}",
        },
    ]
    return PriorityScore(total=round(sum(t["points"] for t in terms), 2), terms=terms)


# --- 16号令: the 重大隐患 report, the assessment and the review of a request to resume -------------
#
# Art. 14 (MEDIUM: standards-digest §4.1, secondary sources): a 重大事故隐患 is reported to the
# regulator with (一) 隐患的现状及其产生原因 (二) 隐患的危害程度和整改难度分析 (三) 隐患的治理方案.
# Art. 15 (MEDIUM): the plan is organised by the unit's 主要负责人 (its elements: plan_elements()).
# Art. 16 (MEDIUM): if safety cannot be assured before/while removing it, workers are withdrawn
# and production is suspended in whole or in part (停产停业 / 部分停产).
# Art. 18 (MEDIUM): after the remediation of a 重大隐患 under 挂牌督办 and (partial) suspension,
# the unit has it assessed by its own technicians and experts, or by a qualified 安全评价机构,
# then applies in writing to resume production; it resumes only after the regulator agrees.
# Art. 23 (MEDIUM, article number recalled, not re-read; the "10日内现场审查" also appears in
# provincial rules found): the regulator reviews on site within 10 days of the application.

REPORT_ELEMENTS = (
    ("situation", "隐患的现状及其产生原因"),
    ("harm", "隐患的危害程度和整改难度分析"),
)
ASSESSORS = {
    "own_experts": "本单位技术人员和专家",
    "agency": "具备相应资质的安全评价机构",
}
RESUME_REVIEW_DAYS = 10  # Art. 23 "10日内"; calendar days; a setting (HazardSettings)


def missing_report_elements(report: dict, plan: dict, approver: str) -> list[str]:
    """What a 重大隐患 report still lacks: the two Art. 14 analyses, each Art. 15 plan element,
    and the approval of the unit's 主要负责人."""
    missing = [
        label for key, label in REPORT_ELEMENTS if not str((report or {}).get(key, "")).strip()
    ]
    missing += missing_plan_elements(plan)
    if not (approver or "").strip():
        missing.append("主要负责人批准")
    return missing
