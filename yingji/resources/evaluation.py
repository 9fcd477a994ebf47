"""The yearly evaluation of social rescue forces (T44) as data and a pure function: the scheme
(items with their maximum points, grade thresholds) is in data/social_force_evaluation.json —
the platform's starting scheme, LOW confidence, to be replaced by the bureau's."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

SCHEME = Path(__file__).parent / "data" / "social_force_evaluation.json"


@lru_cache(maxsize=1)
def scheme() -> dict:
    return json.loads(SCHEME.read_text(encoding="utf-8"))


def score(scores: dict[str, float | Decimal], plan: dict | None = None) -> tuple[Decimal, str]:
    """(total, grade) of one evaluation. Every item must be scored, within 0..its maximum;
    ValueError (Chinese) otherwise."""
    plan = plan or scheme()
    items = {i["code"]: i for i in plan["items"]}
    unknown = set(scores) - set(items)
    if unknown:
        raise ValueError(f"评估方案中没有分项:{'、'.join(sorted(unknown))}。")
    total = Decimal(0)
    for code, item in items.items():
        if code not in scores or scores[code] is None:
            raise ValueError(f"请为“{item['name']}”打分。")
        value = Decimal(str(scores[code]))
        if not Decimal(0) <= value <= Decimal(item["max"]):
            raise ValueError(f"“{item['name']}”的得分应在 0 至 {item['max']} 分之间。")
        total += value
    total = total.quantize(Decimal("0.1"))
    for band in sorted(plan["grades"], key=lambda g: -g["min"]):
        if total >= band["min"]:
            return total, band["grade"]
    raise ValueError("评估方案的等次线不完整。")  # pragma: no cover - a scheme without a 0 band
