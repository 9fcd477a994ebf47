"""The four risk colours (重大/红, 较大/橙, 一般/黄, 低/蓝) and band-table lookup.

Source: standards-digest.md §3.1 (confidence HIGH for the level ↔ colour mapping; the
安委办〔2016〕11号 origin document itself is MEDIUM, not re-read). "风险分为重大、较大、一般和
低风险，分别对应红、橙、黄、蓝四种颜色".

The hex values are a display choice of this project, not part of any standard.

Pure Python: no Django, no project imports.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any

__all__ = [
    "BLUE",
    "COLOURS",
    "ORANGE",
    "RED",
    "YELLOW",
    "RiskColour",
    "classify",
    "exact_number",
    "format_number",
    "get",
    "plain_number",
    "worst",
]


@dataclass(frozen=True, slots=True)
class RiskColour:
    """One of the four risk colours. ``severity`` orders them: 4 (red) is worst, 1 (blue) least."""

    key: str  # "red" | "orange" | "yellow" | "blue"
    severity: int  # 4 worst … 1
    level: str  # 重大 / 较大 / 一般 / 低
    level_full: str  # 重大风险 …
    colour_zh: str  # 红 / 橙 / 黄 / 蓝
    hex: str  # display colour (project choice, not from a standard)
    text_hex: str  # readable text colour on top of ``hex``
    handling: str  # required handling, digest §3.1

    def __lt__(self, other: RiskColour) -> bool:
        if not isinstance(other, RiskColour):
            return NotImplemented
        return self.severity < other.severity

    def __le__(self, other: RiskColour) -> bool:
        if not isinstance(other, RiskColour):
            return NotImplemented
        return self.severity <= other.severity

    def __gt__(self, other: RiskColour) -> bool:
        if not isinstance(other, RiskColour):
            return NotImplemented
        return self.severity > other.severity

    def __ge__(self, other: RiskColour) -> bool:
        if not isinstance(other, RiskColour):
            return NotImplemented
        return self.severity >= other.severity

    @property
    def label(self) -> str:
        """E.g. "红色（重大风险）"."""
        return f"{self.colour_zh}色（{self.level_full}）"

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "severity": self.severity,
            "level": self.level,
            "level_full": self.level_full,
            "colour_zh": self.colour_zh,
            "hex": self.hex,
            "label": self.label,
        }


# Digest §3.1: 重大 = 红, 较大 = 橙, 一般 = 黄, 低 = 蓝; "required handling" from the same section.
RED = RiskColour(
    key="red",
    severity=4,
    level="重大",
    level_full="重大风险",
    colour_zh="红",
    hex="#E60012",
    text_hex="#FFFFFF",
    handling="必须采取措施降低风险",
)
ORANGE = RiskColour(
    key="orange",
    severity=3,
    level="较大",
    level_full="较大风险",
    colour_zh="橙",
    hex="#F39800",
    text_hex="#000000",
    handling="必须采取措施降低风险",
)
YELLOW = RiskColour(
    key="yellow",
    severity=2,
    level="一般",
    level_full="一般风险",
    colour_zh="黄",
    hex="#FFE100",
    text_hex="#000000",
    handling="在合理可行的范围内进一步降低风险（ALARP）",
)
BLUE = RiskColour(
    key="blue",
    severity=1,
    level="低",
    level_full="低风险",
    colour_zh="蓝",
    hex="#0068B7",
    text_hex="#FFFFFF",
    handling="保持现有控制措施",
)

#: Worst first.
COLOURS: tuple[RiskColour, ...] = (RED, ORANGE, YELLOW, BLUE)

_ALIASES: Mapping[str, RiskColour] = MappingProxyType(
    {
        name: c
        for c in COLOURS
        for name in (
            c.key,
            c.level,
            c.level_full,
            c.colour_zh,
            c.colour_zh + "色",
        )
    }
)


def get(colour: RiskColour | str) -> RiskColour:
    """Return the colour for a key ("red"), level ("重大"/"重大风险") or colour ("红"/"红色")."""
    if isinstance(colour, RiskColour):
        return colour
    if isinstance(colour, str):
        key = unicodedata.normalize("NFKC", colour).strip().lower()
        found = _ALIASES.get(key)
        if found is not None:
            return found
    raise ValueError(
        f"未知的风险等级/颜色：{colour!r}；应为 重大/较大/一般/低、红/橙/黄/蓝 或 red/orange/yellow/blue"
    )


_MISSING = object()


def worst(colours: Iterable[RiskColour | str], default: Any = _MISSING) -> RiskColour:
    """The worst (most severe) colour among ``colours`` (red > orange > yellow > blue).

    An empty input raises ValueError unless ``default`` is given (then ``default`` is returned).
    """
    result: RiskColour | None = None
    for c in colours:
        colour = get(c)
        if result is None or colour.severity > result.severity:
            result = colour
    if result is None:
        if default is _MISSING:
            raise ValueError("worst() 需要至少一个风险颜色")
        return default
    return result


def exact_number(value: Any, what: str = "数值") -> Fraction:
    """Convert a plain number (int, float, Decimal, Fraction or numeric string) to an exact Fraction.

    Floats are taken by their shortest decimal repr (0.1 → 1/10), so that boundary comparisons
    such as S = 1 or D = 70 are exact. Booleans, NaN and infinities are refused (ValueError, with
    ``what`` naming the quantity in the message).
    """
    if isinstance(value, bool):
        raise ValueError(f"{what}必须是数值，收到 {value!r}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what}必须是有限数值，收到 {value!r}")
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{what}必须是有限数值，收到 {value!r}")
        return Fraction(repr(value))
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(unicodedata.normalize("NFKC", value).strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{what}必须是数值，收到 {value!r}") from None
    raise ValueError(f"{what}必须是数值，收到 {value!r}")


def plain_number(value: Fraction) -> int | float:
    """Fraction → int when integral, else float (for JSON / display)."""
    if value.denominator == 1:
        return int(value)
    return float(value)


def format_number(value: Any) -> str:
    """A number for Chinese explanation text: 1000, 0.3, 1.5, 0.333333 (no exponent, no ".0")."""
    number = plain_number(exact_number(value))
    if isinstance(number, int):
        return str(number)
    if abs(number) >= 1e-3:
        return f"{number:.6f}".rstrip("0").rstrip(".")
    return f"{number:.3g}"


def classify(value: Any, bands: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """Find the band of ``value`` in a band table (data, e.g. from a JSON file).

    ``bands`` is ordered from the highest band down. Each band has exactly one of
    ``"at_least"`` (value ≥ bound), ``"above"`` (value > bound), or neither/None (catch-all,
    must be last). The first band whose bound the value reaches is returned (the band mapping
    itself, so callers can read e.g. ``band["colour"]``).
    """
    v = exact_number(value, "分级数值")
    if not bands:
        raise ValueError("分级表为空")
    for i, band in enumerate(bands):
        at_least = band.get("at_least")
        above = band.get("above")
        if at_least is not None and above is not None:
            raise ValueError(f"分级表第{i + 1}档同时给出了 at_least 与 above")
        if at_least is not None:
            if v >= exact_number(at_least, "分级下限"):
                return band
        elif above is not None:
            if v > exact_number(above, "分级下限"):
                return band
        else:
            return band
    raise ValueError(f"数值 {value} 不落入分级表的任何一档（分级表缺少兜底档）")
