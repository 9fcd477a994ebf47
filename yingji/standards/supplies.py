"""应急物资分类及编码 (GB/T 38565-2020) as data and pure functions.

Confirmed (HIGH, §5.2 编码方法): the code is hierarchical, four layers and seven digits —
第一层 应急物资大类, one digit (1 基本生活保障物资, 2 应急装备及配套物资, 3 工程材料与机械加工设备);
第二、三、四层 中类/小类/细类, two digits each, 01–99; at every layer 99 is the 收容类目 (the
"other" bucket). NOT confirmed (LOW): the standard's code table itself — the 中类 names and the
item codes in ``data/emergency_supplies.json`` are this platform's own, placed inside the
confirmed structure and marked so; the catalogue is data that the bureau can replace.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .coords import distance_m

DATA = Path(__file__).parent / "data" / "emergency_supplies.json"
CODE = re.compile(r"^[1-3](0[1-9]|[1-9][0-9]){3}$")
CATCH_ALL = "99"  # §5.2 c): 收容类目 at each layer


@lru_cache(maxsize=1)
def table() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SupplyCode:
    code: str
    major: str  # 1 digit
    middle: str  # 2 digits
    minor: str  # 2 digits
    detail: str  # 2 digits

    @property
    def major_name(self) -> str:
        return table()["major"][self.major]

    @property
    def middle_code(self) -> str:
        return self.major + self.middle

    @property
    def catch_all_levels(self) -> tuple[str, ...]:
        """The layers (中类/小类/细类) that use the 收容类目 99."""
        names = ("中类", "小类", "细类")
        parts = (self.middle, self.minor, self.detail)
        return tuple(n for n, p in zip(names, parts, strict=True) if p == CATCH_ALL)


def parse_code(code: str) -> SupplyCode:
    """A 7-digit GB/T 38565 code split into its layers; ValueError (Chinese) if malformed."""
    code = (code or "").strip()
    if not CODE.match(code):
        raise ValueError(
            f"物资分类编码“{code[:20]}”不符合 GB/T 38565-2020 的四层七位结构:"
            "第1位为大类(1、2、3),其后中类、小类、细类各2位(01~99)。"
        )
    return SupplyCode(code, code[0], code[1:3], code[3:5], code[5:7])


def category_name(code: str) -> str:
    """'大类 / 中类' names of a code (the 中类 name only when the table has it)."""
    parsed = parse_code(code)
    middle = table()["middle"].get(parsed.middle_code)
    return parsed.major_name + (f" / {middle}" if middle else "")


def catalogue() -> list[dict]:
    """The platform's starting item catalogue (codes LOW confidence, see the module doc)."""
    return [dict(item) for item in table()["items"]]


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Straight-line (haversine) distance in kilometres between two WGS84 points."""
    return distance_m(lon1, lat1, lon2, lat2) / 1000.0
