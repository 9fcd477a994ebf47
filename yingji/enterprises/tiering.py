"""Supervision tier (T3): which bureau (city or county) supervises an enterprise.

The rule is the bureau's own policy, not a national standard, so it is data (the editable
TierRule row) evaluated by this pure function: "large, high risk or specialised → city;
otherwise county" (issue #4). An override with a reason is applied by the service, not here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .choices import SCALE_LABELS, SECTOR_LABELS

DEFAULT_RULE = {
    # 规模: 大型企业由市局监管
    "city_scales": ["large"],
    # 专业性强的行业 (specialised): 危险化学品生产、煤矿、烟花爆竹批发 由市局监管
    "city_sectors": ["hazchem_production", "coal_mine", "fireworks"],
    # 从业人员达到该人数 → 市局 (0 = 不按人数)
    "city_min_employees": 1000,
    # 构成一级、二级重大危险源 (high risk) → 市局; 三级、四级按其他条件确定
    "city_major_hazard_grades": ["一级", "二级"],
}


@dataclass(frozen=True)
class TierDecision:
    tier: str  # "city" | "county"
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def compute_tier(
    *, scale: str, sector: str, employees: int | None, major_hazard_grade: str, rule: dict
) -> TierDecision:
    """major_hazard_grade: the highest GB 18218 grade of the enterprise's units ("" if none)."""
    reasons: list[str] = []
    if scale in rule.get("city_scales", ()):
        reasons.append(f"规模为{SCALE_LABELS.get(scale, scale)}")
    if sector in rule.get("city_sectors", ()):
        reasons.append(f"行业为{SECTOR_LABELS.get(sector, sector)}(专业性强)")
    threshold = int(rule.get("city_min_employees") or 0)
    if threshold and (employees or 0) >= threshold:
        reasons.append(f"从业人员{employees}人≥{threshold}人")
    if major_hazard_grade and major_hazard_grade in rule.get("city_major_hazard_grades", ()):
        reasons.append(f"构成{major_hazard_grade}重大危险源(高风险)")
    if reasons:
        return TierDecision("city", tuple(f"{r} → 市级监管" for r in reasons))
    return TierDecision("county", ("不属于大型、高风险或专业性强的企业 → 县区监管",))
