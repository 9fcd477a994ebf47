"""Job-hazard scoring: LEC (作业条件危险性评价法, D = L×E×C) and the LS risk matrix (R = L×S).

Source: standards-digest.md §3.2 and §3.3; data in ``data/lec_ls.json``.

- LEC value tables (L, E, C): HIGH. Only the tabled values are accepted.
- D bands → four colours: MEDIUM (convention of 双重预防 platforms, not a national standard). The
  side on which a boundary value (70, 160, 320) falls is not fixed by any source; the default is the
  digest's "usual choice" D > 320 红, 160 < D ≤ 320 橙, 70 < D ≤ 160 黄, D ≤ 70 蓝. Pass ``bands=`` to
  change it.
- LS bands: LOW. There is no national table; variant A ("DB37/T 2882-2016 style", the default)
  and variant B differ only at R = 9. The bureau must confirm which one applies (open item 4), so
  the table is data and every LS result carries ``confidence="LOW"``.

Pure Python: no Django, no project imports outside ``yingji.standards``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import risk_colours
from .risk_colours import RiskColour, classify, exact_number, plain_number
from .risk_colours import format_number as _fmt

__all__ = [
    "LECResult",
    "LSResult",
    "evaluate_lec",
    "evaluate_ls",
    "lec_band",
    "lec_possible_values",
    "load_table",
    "ls_possible_products",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "lec_ls.json"


def load_table() -> dict[str, Any]:
    """A fresh copy of the shipped LEC/LS tables (edit it and pass it back as ``table=``)."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _default_table() -> dict[str, Any]:
    return load_table()


def _table(table: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return _default_table() if table is None else table


def _band_rows(bands: Any) -> Sequence[Mapping[str, Any]]:
    rows = bands["rows"] if isinstance(bands, Mapping) else bands
    if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)) or not rows:
        raise ValueError("分级表应为非空的分档列表（或含 rows 的对象）")
    for row in rows:
        risk_colours.get(row["colour"])
    return rows


# --------------------------------------------------------------------------- LEC


@dataclass(frozen=True, slots=True)
class LECResult:
    """The working of one LEC evaluation."""

    L: float | int
    E: float | int
    C: float | int
    L_description: str
    E_description: str
    C_description: str
    D: float | int
    colour: RiskColour
    meaning: str
    band: str
    bands_confidence: str
    notes: tuple[str, ...]

    @property
    def level(self) -> str:
        return self.colour.level

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": "LEC",
            "L": self.L,
            "E": self.E,
            "C": self.C,
            "L_description": self.L_description,
            "E_description": self.E_description,
            "C_description": self.C_description,
            "D": self.D,
            "colour": self.colour.as_dict(),
            "meaning": self.meaning,
            "band": self.band,
            "bands_confidence": self.bands_confidence,
            "notes": list(self.notes),
        }


def _lookup(name: str, value: Any, rows: Sequence[Mapping[str, Any]]) -> tuple[Fraction, str]:
    v = exact_number(value, f"{name}值")
    for row in rows:
        if exact_number(row["value"]) == v:
            return v, str(row.get("description", ""))
    allowed = "、".join(_fmt(exact_number(r["value"])) for r in rows)
    raise ValueError(f"LEC法的{name}值只能取表中数值：{allowed}；收到 {value!r}")


def lec_possible_values(*, table: Mapping[str, Any] | None = None) -> tuple[float | int, ...]:
    """All D values that the L/E/C tables can produce, ascending."""
    lec = _table(table)["lec"]
    products = {
        exact_number(lv["value"]) * exact_number(ev["value"]) * exact_number(cv["value"])
        for lv in lec["L"]
        for ev in lec["E"]
        for cv in lec["C"]
    }
    return tuple(plain_number(p) for p in sorted(products))


def lec_band(D: Any, bands: Any = None, *, table: Mapping[str, Any] | None = None):
    """The D band (a mapping with ``colour``, ``meaning``, ``label``) for a D value."""
    d = exact_number(D, "D值")
    if d < 0:
        raise ValueError(f"D值不能为负数，收到 {D!r}")
    rows = _band_rows(_table(table)["lec"]["d_bands"] if bands is None else bands)
    return classify(d, rows)


def evaluate_lec(
    L: Any, E: Any, C: Any, bands: Any = None, *, table: Mapping[str, Any] | None = None
) -> LECResult:
    """D = L × E × C and its four-colour level (digest §3.2).

    ``bands``: a band list (or ``{"rows": [...]}``) ordered from the highest band, each band with
    ``colour`` and ``above`` (D > bound) or ``at_least`` (D ≥ bound); the last may have neither.
    Default: the shipped table (D > 320 红, > 160 橙, > 70 黄, else 蓝; MEDIUM).
    """
    tb = _table(table)
    lec = tb["lec"]
    lv, ld = _lookup("L（事故发生的可能性）", L, lec["L"])
    ev, ed = _lookup("E（暴露于危险环境的频繁程度）", E, lec["E"])
    cv, cd = _lookup("C（发生事故可能造成的后果）", C, lec["C"])
    d = lv * ev * cv
    if bands is None:
        band = lec_band(d, table=tb)
        confidence = str(lec["d_bands"].get("_confidence", ""))
    else:
        band = lec_band(d, bands)
        confidence = (
            str(bands.get("_confidence", "custom")) if isinstance(bands, Mapping) else "custom"
        )
    colour = risk_colours.get(band["colour"])
    meaning = str(band.get("meaning", ""))
    notes = (
        f"D=L×E×C={_fmt(lv)}×{_fmt(ev)}×{_fmt(cv)}={_fmt(d)}，"
        f"落入「{band.get('label', '')}」档：{meaning}，对应{colour.label}",
        "D值与四色风险等级的对应为双重预防平台的通行做法（MEDIUM），边界值归属可配置",
    )
    return LECResult(
        L=plain_number(lv),
        E=plain_number(ev),
        C=plain_number(cv),
        L_description=ld,
        E_description=ed,
        C_description=cd,
        D=plain_number(d),
        colour=colour,
        meaning=meaning,
        band=str(band.get("label", "")),
        bands_confidence=confidence,
        notes=notes,
    )


# --------------------------------------------------------------------------- LS


@dataclass(frozen=True, slots=True)
class LSResult:
    """The working of one LS risk-matrix evaluation (band table LOW confidence)."""

    L: int
    S: int
    R: int
    colour: RiskColour
    variant: str  # "A", "B" or "custom"
    variant_label: str
    confidence: str
    notes: tuple[str, ...]

    @property
    def level(self) -> str:
        return self.colour.level

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": "LS",
            "L": self.L,
            "S": self.S,
            "R": self.R,
            "colour": self.colour.as_dict(),
            "variant": self.variant,
            "variant_label": self.variant_label,
            "confidence": self.confidence,
            "notes": list(self.notes),
        }


def _ls_value(name: str, value: Any, allowed: Sequence[int]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        listed = "、".join(str(a) for a in allowed)
        raise ValueError(f"LS风险矩阵的{name}值只能取整数{listed}；收到 {value!r}")
    return value


def ls_possible_products(*, table: Mapping[str, Any] | None = None) -> tuple[int, ...]:
    """All R = L×S values the matrix can produce (14 for 1..5 × 1..5), ascending."""
    ls = _table(table)["ls"]
    return tuple(sorted({lv * sv for lv in ls["L"] for sv in ls["S"]}))


def evaluate_ls(
    L: int,
    S: int,
    variant: str = "A",
    bands: Any = None,
    *,
    table: Mapping[str, Any] | None = None,
) -> LSResult:
    """R = L × S and its colour under band ``variant`` ("A" default, or "B"), or custom ``bands``.

    The LS band tables are LOW confidence (digest §3.3): variant A is "DB37/T 2882-2016 style";
    the Lanzhou bureau has to confirm the table it uses.
    """
    ls = _table(table)["ls"]
    lv = _ls_value("L（可能性）", L, ls["L"])
    sv = _ls_value("S（严重性）", S, ls["S"])
    r = lv * sv
    if bands is not None:
        rows = _band_rows(bands)
        variant_key = "custom"
        label = "自定义分级表"
        confidence = (
            str(bands.get("_confidence", "custom")) if isinstance(bands, Mapping) else "custom"
        )
    else:
        variants = ls["variants"]
        if variant not in variants:
            raise ValueError(f"未知的LS分级表变体 {variant!r}；可选：{'、'.join(variants)}")
        spec = variants[variant]
        rows = _band_rows(spec)
        variant_key = variant
        label = str(spec.get("label", variant))
        confidence = str(spec.get("_confidence", ls.get("_confidence", "LOW")))
    colour = risk_colours.get(classify(r, rows)["colour"])
    notes = (
        f"R=L×S={lv}×{sv}={r}，按分级表「{label}」（变体{variant_key}）为{colour.label}",
        "LS风险矩阵无统一的国家分级表，分级界限为LOW可信度，须经兰州市应急管理局确认（摘要§3.3）",
    )
    return LSResult(
        L=lv,
        S=sv,
        R=r,
        colour=colour,
        variant=variant_key,
        variant_label=label,
        confidence=confidence,
        notes=notes,
    )
