"""Natural-disaster loss statistics: indicators, logical checks, report deadlines and roll-up.

Source: 《自然灾害情况统计调查制度》(应急管理部 应急〔2020〕19号, 2020-03-08), its 自然灾害损失情况
统计快报表 (the indicators) and 报送要求 (初报/续报/核报). The tables live in
``data/disaster_stats.json`` with their source and confidence (MEDIUM: see the file). The
deadline clocks are data the caller may replace (the platform lets the city edit them).

Pure: no Django, nothing of the project. Figures are plain dicts ``{code: number}``; a missing
code counts as 0 (not reported).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "disaster_stats.json"


@lru_cache(maxsize=1)
def table() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def indicators() -> list[dict]:
    return table()["indicators"]


def indicator_codes() -> list[str]:
    return [i["code"] for i in indicators()]


def labels() -> dict[str, str]:
    return {i["code"]: i["label"] for i in indicators()}


def disaster_types() -> list[tuple[str, str]]:
    return [tuple(t) for t in table()["disaster_types"]]


def report_kinds() -> list[tuple[str, str]]:
    return [tuple(k) for k in table()["report_kinds"]]


def default_deadlines() -> dict:
    return table()["deadlines"]


@dataclass(frozen=True)
class Finding:
    """One result of the logical checks: ``level`` is "error" (blocks the submission) or
    "warning" (needs a written reason); ``field`` names the indicator it is about."""

    level: str
    field: str
    message: str


def _n(figures: dict, code: str) -> Decimal:
    value = figures.get(code)
    return Decimal(str(value)) if value is not None else Decimal(0)


def figure_text(value, places: int = 2, grouping: bool = False) -> str:
    """A figure (人, 户, 间, 公顷, 万元) as the tables and texts print it: rounded half up to at
    most ``places`` decimals, no trailing zeros ("506.0" → "506", 12.345 → "12.35", 0.10 → "0.1");
    ``grouping`` adds thousands separators (1,278,745). None or a non-number → ""."""
    if value is None or isinstance(value, bool):
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    if not number.is_finite():
        return ""
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number == number.to_integral_value():
        number = number.to_integral_value()
    else:
        number = number.normalize()
    if number == 0:
        number = Decimal(0)  # no "-0"
    return f"{number:,f}" if grouping else f"{number:f}"


def _fmt(value: Decimal) -> str:
    return figure_text(value)


# (smaller, larger): an error when figures[smaller] > figures[larger].
NOT_MORE_THAN = (
    ("crop_damaged", "crop_affected"),  # 成灾 ≤ 受灾
    ("crop_lost", "crop_damaged"),  # 绝收 ≤ 成灾
    ("deaths", "affected_people"),
    ("missing", "affected_people"),
    ("relocated", "affected_people"),  # 受灾人口 includes 紧急转移安置 and 需紧急生活救助
    ("need_aid", "affected_people"),
)
HOUSES = ("collapsed", "severe", "general")
HOUSE_LABELS = {"collapsed": "倒塌", "severe": "严重损坏", "general": "一般损坏"}
ROOMS_PER_HOUSEHOLD_WARN = 10  # more rooms per household than this is unusual: a warning
JUMP_FACTOR = 5  # a figure more than this many times the previous report's: explain it
JUMP_MIN = 100  # … when the increase is at least this much


def check_figures(figures: dict, previous: dict | None = None) -> list[Finding]:
    """The logical checks on one report's figures (and against the previous report of the same
    process and region, when there is one). Errors first, then warnings."""
    names = labels()
    out: list[Finding] = []
    for small, large in NOT_MORE_THAN:
        if _n(figures, small) > _n(figures, large):
            out.append(
                Finding(
                    "error",
                    small,
                    f"{names[small]}({_fmt(_n(figures, small))})不能大于"
                    f"{names[large]}({_fmt(_n(figures, large))})。",
                )
            )
    for house in HOUSES:
        hh, rooms = _n(figures, f"{house}_households"), _n(figures, f"{house}_rooms")
        label = HOUSE_LABELS[house]
        if rooms < hh:
            out.append(
                Finding(
                    "error",
                    f"{house}_rooms",
                    f"{label}房屋间数({_fmt(rooms)})不能少于户数({_fmt(hh)}):每户至少一间。",
                )
            )
        elif hh == 0 and rooms > 0:
            out.append(
                Finding("error", f"{house}_households", f"填了{label}房屋间数,须同时填户数。")
            )
    parts = [i["code"] for i in indicators() if i.get("part_of") == "direct_loss"]
    if any(figures.get(p) is not None for p in parts):
        total = sum((_n(figures, p) for p in parts), Decimal(0))
        if abs(total - _n(figures, "direct_loss")) > Decimal("0.01"):
            out.append(
                Finding(
                    "error",
                    "direct_loss",
                    f"直接经济损失({_fmt(_n(figures, 'direct_loss'))}万元)应等于各分项之和"
                    f"({_fmt(total)}万元)。",
                )
            )
    out.extend(_warnings(figures, previous, names))
    return out


def _warnings(figures: dict, previous: dict | None, names: dict) -> list[Finding]:
    out: list[Finding] = []
    for house in HOUSES:
        hh, rooms = _n(figures, f"{house}_households"), _n(figures, f"{house}_rooms")
        if hh > 0 and rooms > hh * ROOMS_PER_HOUSEHOLD_WARN:
            out.append(
                Finding(
                    "warning",
                    f"{house}_rooms",
                    f"{HOUSE_LABELS[house]}房屋平均每户超过{ROOMS_PER_HOUSEHOLD_WARN}间,请核实。",
                )
            )
    damage = sum(
        (_n(figures, c) for c in ("collapsed_households", "severe_households", "crop_affected")),
        Decimal(0),
    )
    if damage > 0 and figures.get("direct_loss") is not None and _n(figures, "direct_loss") == 0:
        out.append(
            Finding("warning", "direct_loss", "有房屋倒损或农作物受灾,但直接经济损失填为0,请核实。")
        )
    if previous:
        for code in indicator_codes():
            now, before = _n(figures, code), _n(previous, code)
            if now < before:
                out.append(
                    Finding(
                        "warning",
                        code,
                        f"{names[code]}比上次报告减少({_fmt(before)}→{_fmt(now)}):"
                        "累计数一般不减少,请说明原因。",
                    )
                )
            elif before > 0 and now > before * JUMP_FACTOR and now - before >= JUMP_MIN:
                out.append(
                    Finding(
                        "warning",
                        code,
                        f"{names[code]}比上次报告增加超过{JUMP_FACTOR}倍"
                        f"({_fmt(before)}→{_fmt(now)}),请说明原因。",
                    )
                )
    return out


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "error"]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "warning"]


def deadline(
    kind: str,
    level: str,
    *,
    started_at: dt.datetime,
    ended_at: dt.datetime | None = None,
    as_of: dt.date | None = None,
    rules: dict | None = None,
) -> dt.datetime | None:
    """When a report of ``kind`` from a region of ``level`` is due (local, aware times in,
    the same zone out), or None when it cannot be due yet (核报 before the process ended, 续报
    without the date its figures are as of).

    - 初报: ``hours[level]`` after the disaster started;
    - 续报: figures as of the end of ``as_of`` are due the next day at ``hour[level]`` o'clock;
    - 核报: ``days[level]`` days after the process ended (灾情稳定).
    """
    rule = (rules or default_deadlines())[kind]
    if kind == "initial":
        return started_at + dt.timedelta(hours=rule["hours"][level])
    if kind == "followup":
        if as_of is None:
            return None
        next_day = as_of + dt.timedelta(days=1)
        naive = dt.datetime.combine(next_day, dt.time(int(rule["hour"][level])))
        return naive.replace(tzinfo=started_at.tzinfo)
    if kind == "verified":
        if ended_at is None:
            return None
        return ended_at + dt.timedelta(days=rule["days"][level])
    raise ValueError(f"unknown report kind {kind!r}")


def is_late(submitted_at: dt.datetime, due: dt.datetime | None) -> bool:
    return due is not None and submitted_at > due


def add_up(rows: list[dict]) -> dict:
    """The sum of several regions' figures, indicator by indicator (codes nobody reported stay
    out, so that "not reported" differs from 0)."""
    total: dict[str, Decimal] = {}
    for row in rows:
        for code in indicator_codes():
            if row.get(code) is not None:
                total[code] = total.get(code, Decimal(0)) + Decimal(str(row[code]))
    return total


def compare_with_children(parent: dict, children: list[dict]) -> list[Finding]:
    """The roll-up check: a parent's reported figure should equal the sum of its children's
    where the children reported it. Below the sum is an error (figures lost on the way up);
    above it a warning (the parent may know of places no child reported)."""
    names = labels()
    total = add_up(children)
    out = []
    for code, child_sum in total.items():
        if parent.get(code) is None:
            continue
        mine = Decimal(str(parent[code]))
        if mine < child_sum:
            out.append(
                Finding(
                    "error",
                    code,
                    f"{names[code]}({_fmt(mine)})小于下级合计({_fmt(child_sum)})。",
                )
            )
        elif mine > child_sum:
            out.append(
                Finding(
                    "warning",
                    code,
                    f"{names[code]}({_fmt(mine)})大于下级合计({_fmt(child_sum)}),"
                    "请确认是否有下级未报的灾情。",
                )
            )
    return out


# 死亡失踪人员名单: 《自然灾害情况统计调查制度》 asks for the persons behind 因灾死亡/因灾失踪 by
# name. Which report kinds must agree with the list is read here as "every kind" (LOW: the
# text was not at hand; the platform takes the kinds from settings.DISASTERS_CASUALTY_KINDS).
CASUALTY_LIST_KINDS = ("initial", "followup", "verified")


def check_casualty_list(figures: dict, dead: int, missing: int) -> list[Finding]:
    """The report's 因灾死亡/因灾失踪 against the number of persons on the name list in each
    state (errors: the two must be equal; an empty figure counts as 0)."""
    out = []
    for code, listed, label in (("deaths", dead, "因灾死亡"), ("missing", missing, "因灾失踪")):
        reported = int(_n(figures, code))
        if reported != listed:
            out.append(
                Finding(
                    "error",
                    code,
                    f"{label}人口填报{reported}人,但死亡失踪人员名单中{label}{listed}人,"
                    f"两者须一致(请先补录或更正名单)。",
                )
            )
    return out


# 公民身份号码 (GB 11643-1999 §5, 校验码 by ISO 7064 MOD 11-2): 17 digits and a check character.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_valid(number: str) -> bool:
    """Whether an 18-character 公民身份号码 has digits where due and the right check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def check_relief_persons(helped: int, need_aid) -> list[Finding]:
    """救助 against the reports: the persons given 过渡期生活救助 in a region should not exceed the
    需紧急生活救助人口 its confirmed reports give (a warning: the lists may legitimately run ahead
    of a late report, so it needs a written reason, not a refusal). Platform rule (LOW: the 制度
    does not state it as a check; it follows from 需紧急生活救助 being the population in need)."""
    need = Decimal(str(need_aid)) if need_aid is not None else None
    if helped <= 0:
        return []
    if need is None:
        return [
            Finding(
                "warning",
                "persons",
                f"已救助{helped}人,但该区划已审核的报告未填需紧急生活救助人口。",
            )
        ]
    if Decimal(helped) > need:
        return [
            Finding(
                "warning",
                "persons",
                f"已救助{helped}人,超过已审核报告的需紧急生活救助人口({figure_text(need)}人次)。",
            )
        ]
    return []


def check_fund_allocation(received, allocated) -> list[Finding]:
    """救灾资金: a region cannot allocate to the level below more than it received (error)."""
    got, given = Decimal(str(received or 0)), Decimal(str(allocated or 0))
    if given > got:
        return [
            Finding(
                "error",
                "amount",
                f"下拨合计{figure_text(given)}万元,超过本级已接收的{figure_text(got)}万元。",
            )
        ]
    return []
