"""GB 18218-2018《危险化学品重大危险源辨识》: identification (S) and grading (R) of a unit.

Source: standards-digest.md §1 (confidence HIGH). All numbers are data, in
``data/gb18218_table1.json`` (表1, 85 rows) and ``data/gb18218_tables.json`` (表2–表6); every
function takes an optional ``table1=`` / ``tables=`` argument with the same shape as those files,
so that a corrected or local table can be used instead of the shipped one.

- Q (§4.1.2, digest §1.2): 表1 if listed, else the lowest 表2 Q among the chemical's categories.
- S (§4.2, digest §1.3): S = Σ q/Q; the unit is a major hazard if S ≥ 1. q is the design maximum
  quantity (§4.2.2), in tonnes.
- R (§4.3, digest §1.4): R = α·Σ β·q/Q, β from 表3 (named gases) else 表4 (by category), α from 表5
  (resident population within 500 m of the plant boundary); grade from 表6. Only S ≥ 1 is graded.
- A multi-hazard chemical not in 表3: the standard does not say which category's β to use (digest
  §1.4, open item 9). No rule is invented here: the caller must choose ``beta_category``.

Arithmetic is exact (fractions), so S = 1 and the 表6 boundaries are decided without rounding
error; results are reported as plain numbers.

Pure Python: no Django, no project imports outside ``yingji.standards``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from .risk_colours import classify, exact_number, plain_number
from .risk_colours import format_number as _fmt

__all__ = [
    "AmbiguousSubstanceError",
    "BetaChoice",
    "BetaUndeterminedError",
    "Category",
    "CriticalQuantity",
    "Table1Row",
    "UnitEvaluation",
    "UnitTerm",
    "alpha",
    "beta_for",
    "critical_quantity",
    "evaluate_unit",
    "find_substance",
    "grade",
    "load_table1",
    "load_tables",
    "table1_rows",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLE1_FILE = DATA_DIR / "gb18218_table1.json"
TABLES_FILE = DATA_DIR / "gb18218_tables.json"

STANDARD = "GB 18218-2018"


class AmbiguousSubstanceError(ValueError):
    """A name or CAS number matches several 表1 rows (e.g. 硝酸铵, CAS 9004-70-0)."""


class BetaUndeterminedError(ValueError):
    """β cannot be determined from the data given (no category, or several without a choice)."""


# --------------------------------------------------------------------------- loading


def load_table1() -> dict[str, Any]:
    """A fresh copy of the shipped 表1 data (edit it and pass it back as ``table1=``)."""
    return json.loads(TABLE1_FILE.read_text(encoding="utf-8"))


def load_tables() -> dict[str, Any]:
    """A fresh copy of the shipped 表2–表6 data (edit it and pass it back as ``tables=``)."""
    return json.loads(TABLES_FILE.read_text(encoding="utf-8"))


_DASHES = str.maketrans(
    {
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "[": "(",
        "]": ")",
        "【": "(",
        "】": ")",
        "〔": "(",
        "〕": ")",
        "{": "(",
        "}": ")",
    }
)
_CAS_RE = re.compile(r"^\d{2,7}-\d{2}-\d$")


def _norm(text: str) -> str:
    """Normalise a name or CAS for lookup: full-width → half-width, no spaces, case-folded."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return "".join(text.split()).casefold()


def _cas_check_ok(cas: str) -> bool:
    digits = cas.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (i + 1) for i, d in enumerate(reversed(body)))
    return total % 10 == check


@dataclass(frozen=True, slots=True)
class Table1Row:
    """One row of GB 18218-2018 表1."""

    no: int
    name: str
    condition: str | None
    description: str | None
    aliases: tuple[str, ...]
    cas: tuple[str, ...]
    Q_t: float
    printed: str

    @property
    def full_name(self) -> str:
        """Name with its limiting condition, e.g. "硝酸铵（含可燃物>0.2%）"."""
        return f"{self.name}（{self.condition}）" if self.condition else self.name

    def as_dict(self) -> dict[str, Any]:
        return {
            "no": self.no,
            "name": self.name,
            "condition": self.condition,
            "description": self.description,
            "aliases": list(self.aliases),
            "cas": list(self.cas),
            "Q_t": self.Q_t,
            "full_name": self.full_name,
        }


@dataclass(frozen=True, slots=True)
class Category:
    """One hazard category of 表2 (Q) joined with 表4 (β)."""

    code: str
    hazard_class: str
    condition: str
    Q_t: float
    beta: float | None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "class": self.hazard_class,
            "condition": self.condition,
            "Q_t": self.Q_t,
            "beta": self.beta,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class _Table1:
    rows: tuple[Table1Row, ...]
    by_key: Mapping[str, tuple[Table1Row, ...]]
    by_cas: Mapping[str, tuple[Table1Row, ...]]


@dataclass(frozen=True, slots=True)
class _Table3Row:
    name: str
    aliases: tuple[str, ...]
    table1_no: int | None
    beta: Fraction


@dataclass(frozen=True, slots=True)
class _Tables:
    categories: Mapping[str, Category]
    table3: tuple[_Table3Row, ...]
    alpha_bands: tuple[Mapping[str, Any], ...]
    grade_bands: tuple[Mapping[str, Any], ...]


def _rows_of(raw: Any, what: str) -> Sequence[Mapping[str, Any]]:
    rows = raw.get("rows") if isinstance(raw, Mapping) else raw
    if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)):
        raise ValueError(f"{what}格式错误：应为含 rows 列表的对象或行列表")
    return rows


def _parse_table1(raw: Any) -> _Table1:
    rows: list[Table1Row] = []
    by_key: dict[str, list[Table1Row]] = {}
    by_cas: dict[str, list[Table1Row]] = {}
    for r in _rows_of(raw, "GB 18218-2018表1"):
        cas = tuple(_norm(c) for c in r.get("cas") or ())
        for c in cas:
            if not _CAS_RE.match(c) or not _cas_check_ok(c):
                raise ValueError(f"表1第{r.get('no')}项的CAS号「{c}」格式或校验位错误")
        q = exact_number(r["Q_t"], f"表1第{r.get('no')}项临界量")
        if q <= 0:
            raise ValueError(f"表1第{r.get('no')}项临界量必须大于0")
        row = Table1Row(
            no=int(r["no"]),
            name=str(r["name"]),
            condition=r.get("condition") or None,
            description=r.get("description") or None,
            aliases=tuple(r.get("aliases") or ()),
            cas=cas,
            Q_t=float(q),
            printed=str(r.get("printed") or r["name"]),
        )
        rows.append(row)
        keys = {_norm(row.name), _norm(row.printed), _norm(row.full_name)}
        if row.condition:
            keys.add(_norm(f"{row.name}({row.condition})"))
        if row.description:
            keys.add(_norm(f"{row.name}({row.description})"))
        keys.update(_norm(a) for a in row.aliases)
        for k in keys:
            by_key.setdefault(k, []).append(row)
        for c in cas:
            by_cas.setdefault(c, []).append(row)
    return _Table1(
        rows=tuple(rows),
        by_key={k: tuple(v) for k, v in by_key.items()},
        by_cas={k: tuple(v) for k, v in by_cas.items()},
    )


def _parse_tables(raw: Mapping[str, Any]) -> _Tables:
    betas = {
        _norm_code(r["code"]): exact_number(r["beta"], f"表4类别{r['code']}的β")
        for r in _rows_of(raw["table4"], "GB 18218-2018表4")
    }
    categories: dict[str, Category] = {}
    for r in _rows_of(raw["table2"], "GB 18218-2018表2"):
        code = _norm_code(r["code"])
        q = exact_number(r["Q_t"], f"表2类别{code}临界量")
        if q <= 0:
            raise ValueError(f"表2类别{code}临界量必须大于0")
        beta = betas.get(code)
        categories[code] = Category(
            code=code,
            hazard_class=str(r.get("class", "")),
            condition=str(r.get("condition", "")),
            Q_t=float(q),
            beta=None if beta is None else float(beta),
            note=r.get("note"),
        )
    table3 = tuple(
        _Table3Row(
            name=str(r["name"]),
            aliases=tuple(r.get("aliases") or ()),
            table1_no=r.get("table1_no"),
            beta=exact_number(r["beta"], f"表3「{r['name']}」的β"),
        )
        for r in _rows_of(raw["table3"], "GB 18218-2018表3")
    )
    return _Tables(
        categories=categories,
        table3=table3,
        alpha_bands=tuple(raw["table5"]["bands"]),
        grade_bands=tuple(raw["table6"]["bands"]),
    )


@lru_cache(maxsize=1)
def _default_table1() -> _Table1:
    return _parse_table1(load_table1())


@lru_cache(maxsize=1)
def _default_tables() -> _Tables:
    return _parse_tables(load_tables())


class _RawT1:
    """Wraps an already-parsed 表1 so that internal calls do not parse it again."""

    __slots__ = ("parsed",)

    def __init__(self, parsed: _Table1) -> None:
        self.parsed = parsed


def _t1(table1: Any) -> _Table1:
    if isinstance(table1, _RawT1):
        return table1.parsed
    return _default_table1() if table1 is None else _parse_table1(table1)


def _tb(tables: Any) -> _Tables:
    return _default_tables() if tables is None else _parse_tables(tables)


def table1_rows(*, table1: Any = None) -> tuple[Table1Row, ...]:
    """All rows of 表1 (85 in the shipped data)."""
    return _t1(table1).rows


# --------------------------------------------------------------------------- lookup


def _norm_code(code: Any) -> str:
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"危险性类别代码必须是非空字符串，收到 {code!r}")
    return "".join(unicodedata.normalize("NFKC", code).split()).upper()


def _parse_categories(categories: Any, tb: _Tables) -> tuple[str, ...]:
    if categories is None:
        return ()
    if isinstance(categories, str):
        categories = (categories,)
    if not isinstance(categories, Iterable):
        raise ValueError(f"危险性类别应为类别代码列表，收到 {categories!r}")
    out: list[str] = []
    for c in categories:
        code = _norm_code(c)
        if code not in tb.categories:
            valid = "、".join(tb.categories)
            raise ValueError(f"未知的{STANDARD}表2危险性类别代码「{c}」；有效代码为：{valid}")
        if code not in out:
            out.append(code)
    return tuple(out)


def find_substance(query: str, *, table1: Any = None) -> Table1Row | None:
    """The 表1 row for a name, alias or CAS number, or None if the chemical is not in 表1.

    Full-width/half-width forms, spaces and case are ignored. A bare name whose 表1 rows differ
    only by condition (硝酸铵, 硝化纤维素) or a shared CAS number raises
    :class:`AmbiguousSubstanceError`; give the full name with its condition instead, e.g.
    "硝酸铵（含可燃物>0.2%）". A CAS-shaped query with a wrong check digit raises ValueError.
    """
    if not isinstance(query, str) or not query.strip():
        raise ValueError(f"物质名称或CAS号必须是非空字符串，收到 {query!r}")
    t1 = _t1(table1)
    key = _norm(query)
    if _CAS_RE.match(key):
        if not _cas_check_ok(key):
            raise ValueError(f"CAS号「{query}」校验位不符，请核对")
        found = t1.by_cas.get(key, ())
    else:
        found = t1.by_key.get(key, ())
    if len(found) > 1:
        names = "；".join(f"第{r.no}项「{r.full_name}」" for r in found)
        raise AmbiguousSubstanceError(
            f"「{query}」对应{STANDARD}表1的多项：{names}。请使用含限定条件的全称。"
        )
    return found[0] if found else None


def _resolve(substance: Any, t1: _Table1) -> tuple[str | None, Table1Row | None]:
    """(display name, 表1 row or None) for a query string, a Table1Row, or None."""
    if substance is None:
        return None, None
    if isinstance(substance, Table1Row):
        return substance.full_name, substance
    if isinstance(substance, str):
        if not substance.strip():
            raise ValueError("物质名称或CAS号不能为空")
        return substance.strip(), find_substance(substance, table1=_RawT1(t1))
    raise ValueError(f"物质应为名称/CAS号字符串或表1行，收到 {substance!r}")


# --------------------------------------------------------------------------- Q


@dataclass(frozen=True, slots=True)
class CriticalQuantity:
    """The critical quantity Q (t) of a chemical and how it was chosen (GB 18218-2018 §4.1.2)."""

    Q_t: float
    explanation: str
    basis: str  # "table1" | "table2"
    row: Table1Row | None
    category: Category | None
    categories: tuple[str, ...]

    def __iter__(self):  # allows ``Q, why = critical_quantity(...)``
        yield self.Q_t
        yield self.explanation

    def as_dict(self) -> dict[str, Any]:
        return {
            "Q_t": self.Q_t,
            "explanation": self.explanation,
            "basis": self.basis,
            "table1_row": None if self.row is None else self.row.as_dict(),
            "category": None if self.category is None else self.category.as_dict(),
            "categories": list(self.categories),
        }


def _condition_note(row: Table1Row) -> str:
    if not row.condition:
        return ""
    return f"（本项限定条件：{row.condition}；不满足该条件时不适用本项，应按表2类别取Q）"


def critical_quantity(
    substance: str | Table1Row | None = None,
    categories: Iterable[str] | str = (),
    *,
    table1: Any = None,
    tables: Any = None,
) -> CriticalQuantity:
    """Q for a chemical: 表1 if listed, else the lowest Q among its 表2 ``categories``.

    Returns a :class:`CriticalQuantity` (unpacks as ``Q_t, explanation``). Raises ValueError
    (in Chinese) if neither a 表1 chemical nor a category is given, or a category is unknown.
    """
    t1 = _t1(table1)
    tb = _tb(tables)
    cats = _parse_categories(categories, tb)
    name, row = _resolve(substance, t1)
    if row is not None:
        why = f"列入{STANDARD}表1第{row.no}项「{row.full_name}」，取Q={_fmt(row.Q_t)}t"
        why += _condition_note(row)
        if cats:
            why += f"；已列入表1，不按表2类别（{'、'.join(cats)}）取值"
        return CriticalQuantity(row.Q_t, why, "table1", row, None, cats)
    if not cats:
        if name is None:
            raise ValueError("须给出物质名称/CAS号，或给出表2危险性类别，才能确定临界量Q")
        raise ValueError(
            f"「{name}」不在{STANDARD}表1中，须给出表2危险性类别（例如柴油按闪点取W5.3或W5.4）"
            "才能确定临界量Q"
        )
    chosen = min((tb.categories[c] for c in cats), key=lambda c: exact_number(c.Q_t))
    prefix = f"「{name}」不在表1中" if name else "未指明表1物质"
    unit = f"t（{chosen.note}）" if chosen.note else "t"
    if len(cats) == 1:
        why = f"{prefix}，按表2类别{chosen.code}取Q={_fmt(chosen.Q_t)}{unit}"
    else:
        listed = "、".join(f"{c}（Q={_fmt(tb.categories[c].Q_t)}t）" for c in cats)
        why = (
            f"{prefix}，具有多种危险性：{listed}；按{STANDARD} §4.1.2 b)取最低临界量，"
            f"即表2类别{chosen.code}的Q={_fmt(chosen.Q_t)}{unit}"
        )
    return CriticalQuantity(chosen.Q_t, why, "table2", None, chosen, cats)


# --------------------------------------------------------------------------- β


@dataclass(frozen=True, slots=True)
class BetaChoice:
    """The correction factor β of one chemical and where it came from (GB 18218-2018 §4.3)."""

    beta: float
    basis: str  # "table3" | "table4"
    key: str  # 表3 gas name or 表4 category code
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "beta": self.beta,
            "basis": self.basis,
            "key": self.key,
            "explanation": self.explanation,
        }


def _table3_match(query: str | None, row: Table1Row | None, tb: _Tables) -> _Table3Row | None:
    if query is not None:
        key = _norm(query)
        for t3 in tb.table3:
            if key == _norm(t3.name) or key in {_norm(a) for a in t3.aliases}:
                return t3
    if row is not None:
        for t3 in tb.table3:
            if t3.table1_no is not None and t3.table1_no == row.no:
                return t3
    return None


def beta_for(
    substance: str | Table1Row | None = None,
    categories: Iterable[str] | str = (),
    beta_category: str | None = None,
    *,
    table1: Any = None,
    tables: Any = None,
) -> BetaChoice:
    """β for a chemical: 表3 if it is a named gas there, else 表4 by hazard category.

    For a chemical not in 表3 with several categories the standard does not say which β applies
    (digest §1.4, open item 9): ``beta_category`` must name the chosen category (one of
    ``categories``), otherwise :class:`BetaUndeterminedError` is raised. No category at all for a
    chemical not in 表3 also raises :class:`BetaUndeterminedError`.
    """
    t1 = _t1(table1)
    tb = _tb(tables)
    cats = _parse_categories(categories, tb)
    chosen = None if beta_category is None else _parse_categories((beta_category,), tb)[0]
    name, row = _resolve(substance, t1)
    query = substance if isinstance(substance, str) else None
    t3 = _table3_match(query, row, tb)
    label = f"「{name}」" if name else "该危险化学品"
    if t3 is not None:
        why = f"{label}列入{STANDARD}表3（{t3.name}），取β={_fmt(t3.beta)}"
        if chosen is not None:
            why += f"；已列入表3，所选类别{chosen}不适用"
        return BetaChoice(float(t3.beta), "table3", t3.name, why)
    if chosen is not None:
        if cats and chosen not in cats:
            raise ValueError(f"所选β类别{chosen}不在{label}的危险性类别（{'、'.join(cats)}）之中")
        cat = tb.categories[chosen]
        if cat.beta is None:
            raise ValueError(f"表4中没有类别{chosen}的β值")
        if len(cats) > 1:
            why = (
                f"{label}不在表3中，具有多种危险性（{'、'.join(cats)}）；标准未规定此时β的取法，"
                f"按使用者选定的类别{chosen}取表4 β={_fmt(cat.beta)}"
            )
        else:
            why = f"{label}不在表3中，按表4类别{chosen}取β={_fmt(cat.beta)}"
        return BetaChoice(cat.beta, "table4", chosen, why)
    if not cats:
        raise BetaUndeterminedError(
            f"{label}不在{STANDARD}表3中，须给出危险性类别（表4）才能确定校正系数β"
        )
    if len(cats) > 1:
        raise BetaUndeterminedError(
            f"{label}不在{STANDARD}表3中且具有多种危险性（{'、'.join(cats)}）。标准未规定此时β按哪一"
            "类别取值（标准摘要§1.4、未决事项9），本系统不自定规则：请用 beta_category 明确选定其中"
            "一个类别（应经安全工程师确认）"
        )
    cat = tb.categories[cats[0]]
    if cat.beta is None:
        raise ValueError(f"表4中没有类别{cat.code}的β值")
    why = f"{label}不在表3中，按表4类别{cat.code}取β={_fmt(cat.beta)}"
    return BetaChoice(cat.beta, "table4", cat.code, why)


# --------------------------------------------------------------------------- α, grade


def _population(population: Any) -> int:
    if isinstance(population, bool) or not isinstance(population, int):
        raise ValueError(f"厂区边界外500m范围内常住人口必须是非负整数，收到 {population!r}")
    if population < 0:
        raise ValueError(f"厂区边界外500m范围内常住人口不能为负数，收到 {population}")
    return population


def _alpha_band(population: Any, tb: _Tables) -> Mapping[str, Any]:
    return classify(_population(population), tb.alpha_bands)


def alpha(population: int, *, tables: Any = None) -> float:
    """α from 表5 for the resident population within 500 m outside the plant boundary."""
    return float(exact_number(_alpha_band(population, _tb(tables))["alpha"]))


def grade(R: Any, *, tables: Any = None) -> str:
    """The major-hazard grade (一级…四级) for R, from 表6 (一级 R≥100 … 四级 R<10)."""
    r = exact_number(R, "R值")
    if r < 0:
        raise ValueError(f"R值不能为负数，收到 {R!r}")
    return str(classify(r, _tb(tables).grade_bands)["grade"])


# --------------------------------------------------------------------------- unit


@dataclass(frozen=True, slots=True)
class UnitTerm:
    """One chemical in a unit, with its share of S and of R."""

    substance: str
    table1_no: int | None
    matched: str  # e.g. "表1第1项「氨」" or "表2类别W5.3"
    categories: tuple[str, ...]
    beta_category: str | None
    q_t: float
    Q_t: float
    q_over_Q: float
    beta: float | None
    beta_q_over_Q: float | None
    Q_explanation: str
    beta_explanation: str

    @property
    def explanation(self) -> str:
        return f"{self.Q_explanation}；{self.beta_explanation}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "substance": self.substance,
            "table1_no": self.table1_no,
            "matched": self.matched,
            "categories": list(self.categories),
            "beta_category": self.beta_category,
            "q_t": self.q_t,
            "Q_t": self.Q_t,
            "q_over_Q": self.q_over_Q,
            "beta": self.beta,
            "beta_q_over_Q": self.beta_q_over_Q,
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class UnitEvaluation:
    """The full working of GB 18218-2018 for one unit (serialisable with :meth:`as_dict`)."""

    terms: tuple[UnitTerm, ...]
    S: float
    is_major: bool
    population_500m: int
    alpha: float
    R: float | None
    grade: str | None
    notes: tuple[str, ...] = field(default=())
    standard: str = STANDARD

    def as_dict(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "terms": [t.as_dict() for t in self.terms],
            "S": self.S,
            "is_major": self.is_major,
            "population_500m": self.population_500m,
            "alpha": self.alpha,
            "R": self.R,
            "grade": self.grade,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class _Item:
    substance: str
    q: Fraction
    categories: Any
    beta_category: str | None


def _parse_item(item: Any, index: int) -> _Item:
    where = f"第{index}项"
    if isinstance(item, Mapping):
        unknown = set(item) - {"substance", "q_t", "categories", "beta_category"}
        if unknown:
            raise ValueError(f"{where}含未知字段：{'、'.join(sorted(map(str, unknown)))}")
        if "substance" not in item or "q_t" not in item:
            raise ValueError(f"{where}须给出 substance（名称或CAS号）与 q_t（吨）")
        substance, q, cats, bcat = (
            item["substance"],
            item["q_t"],
            item.get("categories", ()),
            item.get("beta_category"),
        )
    elif isinstance(item, Sequence) and not isinstance(item, (str, bytes)) and 2 <= len(item) <= 4:
        substance, q = item[0], item[1]
        cats = item[2] if len(item) > 2 else ()
        bcat = item[3] if len(item) > 3 else None
    else:
        raise ValueError(
            f"{where}格式错误：应为（名称或CAS号, q吨[, 危险性类别列表[, β类别]]）或含 substance、"
            "q_t 的字典"
        )
    if not isinstance(substance, str) or not substance.strip():
        raise ValueError(f"{where}的物质名称或CAS号必须是非空字符串，收到 {substance!r}")
    qv = exact_number(q, f"{where}「{substance}」的数量q")
    if qv < 0:
        raise ValueError(f"{where}「{substance}」的数量q不能为负数，收到 {q!r}")
    return _Item(substance.strip(), qv, cats, bcat)


def evaluate_unit(
    items: Iterable[Any],
    population_500m: int,
    *,
    table1: Any = None,
    tables: Any = None,
) -> UnitEvaluation:
    """Identify and grade one unit (GB 18218-2018 §4.2, §4.3).

    ``items``: for each chemical, ``(name_or_cas, q_t[, categories[, beta_category]])`` or a dict
    with ``substance``, ``q_t`` and optional ``categories``, ``beta_category``. q is the design
    maximum quantity in tonnes. ``population_500m``: resident population within 500 m outside the
    plant boundary (for α).

    β is only needed when the unit is a major hazard (S ≥ 1): a term whose β cannot be determined
    then raises :class:`BetaUndeterminedError`; below the threshold it is reported as None.
    """
    t1 = _t1(table1)
    tb = _tb(tables)
    raw1 = _RawT1(t1)
    parsed = [_parse_item(it, i) for i, it in enumerate(items, start=1)]
    if not parsed:
        raise ValueError("单元内至少应有一种危险化学品")
    population = _population(population_500m)

    rows: list[dict[str, Any]] = []
    S = Fraction(0)
    for it in parsed:
        cq = critical_quantity(it.substance, it.categories, table1=raw1, tables=tables)
        Q = exact_number(cq.Q_t)
        share = it.q / Q
        S += share
        try:
            bc: BetaChoice | None = beta_for(
                it.substance, it.categories, it.beta_category, table1=raw1, tables=tables
            )
            beta_why = bc.explanation
        except BetaUndeterminedError as exc:
            bc = None
            beta_why = str(exc)
        rows.append({"item": it, "cq": cq, "Q": Q, "share": share, "bc": bc, "beta_why": beta_why})

    is_major = S >= 1
    notes: list[str] = [f"q取单元内危险化学品的设计最大量（{STANDARD} §4.2.2），单位为吨"]
    if len(parsed) == 1:
        notes.append(f"单元内为单一危险化学品：q≥Q即构成重大危险源（{STANDARD} §4.2）")
    else:
        notes.append(f"单元内有多种危险化学品：按式(1) S=Σq/Q 辨识（{STANDARD} §4.2）")
    if is_major:
        notes.append(f"S={_fmt(S)}≥1，构成重大危险源")
    else:
        notes.append(
            f"S={_fmt(S)}<1，不构成重大危险源，不进行分级（{STANDARD} §4.3 只对S≥1的单元分级）"
        )

    missing = [r for r in rows if r["bc"] is None]
    if is_major and missing:
        detail = "；".join(r["beta_why"] for r in missing)
        raise BetaUndeterminedError(f"单元构成重大危险源，分级需要每种物质的β：{detail}")
    for r in missing:
        notes.append(f"「{r['item'].substance}」的β未确定（单元未构成重大危险源，不影响结论）")

    band = _alpha_band(population, tb)
    a = exact_number(band["alpha"], "α")
    notes.append(
        f"α按厂区边界向外500m范围内常住人口{population}人取表5「{band.get('label', '')}」α={_fmt(a)}"
    )
    R: Fraction | None = None
    g: str | None = None
    if is_major:
        R = a * sum(exact_number(r["bc"].beta) * r["share"] for r in rows)
        g = grade(R, tables=tables)
        notes.append(f"R=α·Σβq/Q={_fmt(a)}×{_fmt(R / a)}={_fmt(R)}，按表6为{g}重大危险源")

    terms = []
    for r in rows:
        it, cq, bc = r["item"], r["cq"], r["bc"]
        matched = (
            f"表1第{cq.row.no}项「{cq.row.full_name}」"
            if cq.row is not None
            else f"表2类别{cq.category.code}"
        )
        beta_exact = None if bc is None else exact_number(bc.beta)
        terms.append(
            UnitTerm(
                substance=it.substance,
                table1_no=None if cq.row is None else cq.row.no,
                matched=matched,
                categories=cq.categories,
                beta_category=None if bc is None or bc.basis != "table4" else bc.key,
                q_t=plain_number(it.q),
                Q_t=plain_number(r["Q"]),
                q_over_Q=plain_number(r["share"]),
                beta=None if bc is None else plain_number(beta_exact),
                beta_q_over_Q=None if bc is None else plain_number(beta_exact * r["share"]),
                Q_explanation=cq.explanation,
                beta_explanation=r["beta_why"],
            )
        )
    return UnitEvaluation(
        terms=tuple(terms),
        S=plain_number(S),
        is_major=is_major,
        population_500m=population,
        alpha=plain_number(a),
        R=None if R is None else plain_number(R),
        grade=g,
        notes=tuple(notes),
    )
