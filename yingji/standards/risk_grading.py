"""Enterprise safety-risk diagnosis and grading, 《危险化学品生产储存企业安全风险评估诊断分级指南（试行）》
(应急厅〔2018〕19号).

Source: standards-digest.md §2. The item weights and deduction values are MEDIUM confidence (one
public implementation's table); the colour bands and the four direct-red conditions are HIGH. All
of it is data in ``data/diagnosis_2018.json``; pass a modified copy as ``table=`` to use another
version.

Method (digest §2.1–§2.3): start at 100; within each item add up the deductions of its rules and
cap them at the item's weight ("每个项目分值扣完为止，最低为0分"); subtract; add the bonus items;
band the score (≥90 蓝, 75–<90 黄, 60–<75 橙, <60 红); any of the four red-line conditions forces
红 regardless of the score.

Pure Python: no Django, no project imports outside ``yingji.standards``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import risk_colours
from .risk_colours import RiskColour, classify, exact_number, plain_number
from .risk_colours import format_number as _fmt

__all__ = [
    "DiagnosisResult",
    "ItemWorking",
    "RuleHit",
    "answer_keys",
    "evaluate_diagnosis",
    "load_table",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "diagnosis_2018.json"
GUIDE = "《危险化学品生产储存企业安全风险评估诊断分级指南（试行）》（应急厅〔2018〕19号）"

_RULE_TYPES = {"count", "flag", "grades", "choice"}
_EFFECTS = {"deduct", "bonus"}


def load_table() -> dict[str, Any]:
    """A fresh copy of the shipped table (edit it and pass it back as ``table=``)."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _default_table() -> dict[str, Any]:
    table = load_table()
    _check_table(table)
    return table


def _rows(section: Any) -> list[Any]:
    return list(section["rows"] if isinstance(section, Mapping) else section)


def _inputs(table: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every answer key → its spec (rules, and the inputs used only by red lines)."""
    specs: dict[str, Mapping[str, Any]] = {}
    for item in table["items"]:
        for rule in item["rules"]:
            if rule["key"] in specs:
                raise ValueError(f"评分表中规则键重复：{rule['key']}")
            specs[rule["key"]] = rule
    for key, spec in table.get("red_line_inputs", {}).items():
        if key.startswith("_"):
            continue
        if key in specs:
            raise ValueError(f"评分表中规则键重复：{key}")
        specs[key] = spec
    return specs


def _check_table(table: Mapping[str, Any]) -> None:
    start = exact_number(table["start_score"], "起始分")
    weights = sum((exact_number(i["weight"], "项目分值") for i in table["items"]), Fraction(0))
    if weights != start:
        raise ValueError(f"评分表各项目分值之和为{plain_number(weights)}，应等于起始分{start}")
    specs = _inputs(table)
    for key, spec in specs.items():
        if spec.get("type") not in _RULE_TYPES:
            raise ValueError(f"规则「{key}」的类型 {spec.get('type')!r} 无效")
        if "effect" in spec and spec["effect"] not in _EFFECTS:
            raise ValueError(f"规则「{key}」的作用 {spec['effect']!r} 无效")
    for red in _rows(table["red_lines"]):
        for cond in red["when_any"]:
            if cond["answer"] not in specs:
                raise ValueError(f"直接判定红色条件引用了未定义的输入「{cond['answer']}」")
    for check in table.get("consistency_checks", ()):
        for key in [check.get("answer"), check.get("limit"), check.get("flag")] + list(
            check.get("counts", ())
        ):
            if key is not None and key not in specs:
                raise ValueError(f"一致性检查引用了未定义的输入「{key}」")
    for band in _rows(table["bands"]):
        risk_colours.get(band["colour"])


def answer_keys(*, table: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """All keys accepted in ``answers`` (rule keys and red-line inputs)."""
    return tuple(_inputs(_default_table() if table is None else table))


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One rule that applied: its answer, the points per occurrence and the amount."""

    key: str
    label: str
    effect: str  # "deduct" | "bonus"
    answer: Any
    points: float | int | None  # per occurrence / fixed; None for grades/choice
    amount: float | int

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "effect": self.effect,
            "answer": self.answer,
            "points": self.points,
            "amount": self.amount,
        }


@dataclass(frozen=True, slots=True)
class ItemWorking:
    """One scored item: raw deductions, the capped deduction and the bonuses."""

    key: str
    category: str
    name: str
    weight: float | int
    deductions: tuple[RuleHit, ...]
    raw_deduction: float | int
    capped_deduction: float | int
    bonuses: tuple[RuleHit, ...]
    bonus_total: float | int

    @property
    def capped(self) -> bool:
        return self.raw_deduction > self.capped_deduction

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "category": self.category,
            "name": self.name,
            "weight": self.weight,
            "deductions": [d.as_dict() for d in self.deductions],
            "raw_deduction": self.raw_deduction,
            "capped_deduction": self.capped_deduction,
            "capped": self.capped,
            "bonuses": [b.as_dict() for b in self.bonuses],
            "bonus_total": self.bonus_total,
        }


@dataclass(frozen=True, slots=True)
class DiagnosisResult:
    """The full working of the 2018 diagnosis guide for one enterprise."""

    items: tuple[ItemWorking, ...]
    start_score: float | int
    total_deduction: float | int
    total_bonus: float | int
    score: float | int
    score_colour: RiskColour  # colour by score alone
    red_lines_hit: tuple[tuple[int, str, str], ...]  # (no, key, label)
    colour: RiskColour  # final colour
    reason: str
    notes: tuple[str, ...]
    confidence: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "guide": GUIDE,
            "items": [i.as_dict() for i in self.items],
            "start_score": self.start_score,
            "total_deduction": self.total_deduction,
            "total_bonus": self.total_bonus,
            "score": self.score,
            "score_colour": self.score_colour.as_dict(),
            "red_lines_hit": [
                {"no": no, "key": key, "label": label} for no, key, label in self.red_lines_hit
            ],
            "colour": self.colour.as_dict(),
            "reason": self.reason,
            "notes": list(self.notes),
            "confidence": self.confidence,
        }


# --------------------------------------------------------------------------- answers


def _count(key: str, value: Any, spec: Mapping[str, Any]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"「{key}」（{spec.get('label', '')}）应为非负整数次数，收到 {value!r}")
    if value < 0:
        raise ValueError(f"「{key}」（{spec.get('label', '')}）不能为负数，收到 {value}")
    limit = spec.get("max_count")
    if limit is not None and value > limit:
        raise ValueError(f"「{key}」（{spec.get('label', '')}）最多为{limit}，收到 {value}")
    return value


def _flag(key: str, value: Any, spec: Mapping[str, Any]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError(f"「{key}」（{spec.get('label', '')}）应为是/否（True/False），收到 {value!r}")


def _grades(key: str, value: Any, spec: Mapping[str, Any]) -> tuple[str, ...]:
    options = spec["points_by_option"]
    if value is None:
        return ()
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Iterable):
        raise ValueError(f"「{key}」应为重大危险源级别列表（如 ['一级', '三级']），收到 {value!r}")
    out = []
    for v in value:
        if not isinstance(v, str) or v.strip() not in options:
            raise ValueError(f"「{key}」中的重大危险源级别 {v!r} 无效；应为：{'、'.join(options)}")
        out.append(v.strip())
    return tuple(out)


def _choice(key: str, value: Any, spec: Mapping[str, Any]) -> str | None:
    options = spec["points_by_option"]
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value.strip() not in options:
        raise ValueError(
            f"「{key}」（{spec.get('label', '')}）的取值 {value!r} 无效；应为：{'、'.join(options)}"
            "，或不填"
        )
    return value.strip()


_PARSERS = {"count": _count, "flag": _flag, "grades": _grades, "choice": _choice}
_DEFAULTS = {"count": 0, "flag": False, "grades": (), "choice": None}


def _parse_answers(
    answers: Mapping[str, Any], specs: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    if not isinstance(answers, Mapping):
        raise ValueError(f"answers 应为「规则键→次数/是否」的字典，收到 {type(answers).__name__}")
    unknown = [k for k in answers if k not in specs]
    if unknown:
        raise ValueError(
            f"未知的评分规则键：{'、'.join(map(str, unknown))}（有效键见 answer_keys()）"
        )
    parsed: dict[str, Any] = {}
    for key, spec in specs.items():
        kind = spec["type"]
        parsed[key] = _PARSERS[kind](key, answers[key], spec) if key in answers else _DEFAULTS[kind]
    return parsed


def _as_level(value: Any) -> int:
    """Numeric view of an answer for the thresholds of red lines and consistency checks."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, tuple):
        return len(value)
    return 0 if value is None else 1


def _check_consistency(table: Mapping[str, Any], parsed: Mapping[str, Any]) -> None:
    for check in table.get("consistency_checks", ()):
        kind = check["kind"]
        if kind == "not_more_than":
            if _as_level(parsed[check["answer"]]) > _as_level(parsed[check["limit"]]):
                raise ValueError(check["message"])
        elif kind == "excludes":
            if parsed[check["flag"]] and any(_as_level(parsed[k]) for k in check["counts"]):
                raise ValueError(check["message"])
        else:
            raise ValueError(f"未知的一致性检查类型 {kind!r}")


# --------------------------------------------------------------------------- scoring


def _rule_amount(rule: Mapping[str, Any], value: Any) -> tuple[Fraction, Fraction | None]:
    """(amount, points per occurrence or None) for one rule and its parsed answer."""
    kind = rule["type"]
    if kind == "count":
        points = exact_number(rule["points"], f"规则「{rule['key']}」分值")
        return points * value, points
    if kind == "flag":
        points = exact_number(rule["points"], f"规则「{rule['key']}」分值")
        return (points if value else Fraction(0)), points
    options = {
        k: exact_number(v, f"规则「{rule['key']}」分值")
        for k, v in rule["points_by_option"].items()
    }
    if kind == "choice":
        return (Fraction(0) if value is None else options[value]), None
    # grades
    if not value:
        return Fraction(0), None
    aggregation = rule.get("aggregation", "highest")
    if aggregation == "highest":
        return max(options[v] for v in value), None
    if aggregation == "sum":
        return sum((options[v] for v in value), Fraction(0)), None
    raise ValueError(f"规则「{rule['key']}」的汇总方式 {aggregation!r} 无效（应为 highest 或 sum）")


def _answer_out(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def evaluate_diagnosis(
    answers: Mapping[str, Any], *, table: Mapping[str, Any] | None = None
) -> DiagnosisResult:
    """Score one enterprise under the 2018 diagnosis guide and give its colour, with the working.

    ``answers`` maps rule keys (see :func:`answer_keys`) to a count (``"missing_gas_detectors": 6``),
    a flag (``"no_dual_power_supply": True``), the GB 18218 grades of the enterprise's major
    hazards (``"major_hazard_grades": ["二级", "四级"]``) or a choice
    (``"standardization_grade": "二级"``). Keys left out mean 0 / no / none. Unknown keys and
    invalid values raise ValueError (in Chinese).
    """
    if table is None:
        table = _default_table()
    else:
        _check_table(table)
    specs = _inputs(table)
    parsed = _parse_answers(answers, specs)
    _check_consistency(table, parsed)

    start = exact_number(table["start_score"], "起始分")
    items: list[ItemWorking] = []
    total_deduction = Fraction(0)
    total_bonus = Fraction(0)
    for item in table["items"]:
        weight = exact_number(item["weight"], f"项目「{item['name']}」分值")
        deductions: list[RuleHit] = []
        bonuses: list[RuleHit] = []
        raw = Fraction(0)
        bonus = Fraction(0)
        for rule in item["rules"]:
            value = parsed[rule["key"]]
            amount, points = _rule_amount(rule, value)
            if amount == 0:
                continue
            hit = RuleHit(
                key=rule["key"],
                label=rule.get("label", rule["key"]),
                effect=rule.get("effect", "deduct"),
                answer=_answer_out(value),
                points=None if points is None else plain_number(points),
                amount=plain_number(amount),
            )
            if hit.effect == "bonus":
                bonuses.append(hit)
                bonus += amount
            else:
                deductions.append(hit)
                raw += amount
        capped = min(raw, weight)
        total_deduction += capped
        total_bonus += bonus
        items.append(
            ItemWorking(
                key=item["key"],
                category=item.get("category", ""),
                name=item["name"],
                weight=plain_number(weight),
                deductions=tuple(deductions),
                raw_deduction=plain_number(raw),
                capped_deduction=plain_number(capped),
                bonuses=tuple(bonuses),
                bonus_total=plain_number(bonus),
            )
        )
    score = start - total_deduction + total_bonus

    band = classify(score, _rows(table["bands"]))
    score_colour = risk_colours.get(band["colour"])
    hits: list[tuple[int, str, str]] = []
    for red in _rows(table["red_lines"]):
        if any(_as_level(parsed[c["answer"]]) >= c["at_least"] for c in red["when_any"]):
            hits.append((int(red["no"]), red["key"], red["label"]))

    band_text = f"得分{_fmt(score)}分（{band.get('label', '')}）"
    if hits:
        colour = risk_colours.RED
        listed = "；".join(f"第{no}种「{label}」" for no, _, label in hits)
        reason = (
            f"触发直接判定为红色的情形：{listed}。不论得分，判定为红色（{colour.level_full}）；"
            f"按分值（得分{_fmt(score)}分，{band.get('label', '')}）本应为{score_colour.colour_zh}色"
        )
    else:
        colour = score_colour
        reason = f"{band_text}，判定为{colour.colour_zh}色（{colour.level_full}）"

    notes = [
        f"依据{GUIDE}：从{_fmt(start)}分起扣分，各项目扣分以项目分值为限，再加加分项",
    ]
    for it in items:
        if it.capped:
            notes.append(
                f"项目「{it.name}」扣分合计{it.raw_deduction}分，超过项目分值，按{it.capped_deduction}分计"
            )
    notes.append(
        "各项目分值与扣分标准为MEDIUM可信度（摘要§2），分级界限与直接判定红色情形为HIGH；"
        "上线前须与指南原文核对"
    )
    return DiagnosisResult(
        items=tuple(items),
        start_score=plain_number(start),
        total_deduction=plain_number(total_deduction),
        total_bonus=plain_number(total_bonus),
        score=plain_number(score),
        score_colour=score_colour,
        red_lines_hit=tuple(hits),
        colour=colour,
        reason=reason,
        notes=tuple(notes),
        confidence=str(table.get("_confidence", "")),
    )
