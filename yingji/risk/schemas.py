"""Typed input and output of risk grading (issue #9).

One input schema per service, used by the web form and by the API body alike: a bad value gets
the same Chinese field message in both, before the service runs. The web forms that do not map
one field to one input (the unit's chemical rows, the diagnosis check list) are turned into the
schema's data by the ``*_form_data`` functions below. The output schemas describe what the API
answers, read from the models or from the working of yingji.standards."""

from __future__ import annotations

import datetime
import json
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, Field, PlainValidator
from pydantic_core import PydanticCustomError

from yingji.core.schemas import CONTROL, LINE_BREAK, Code, Date, Input, LongText, Version, text
from yingji.standards import lec, risk_grading

Colour = Literal["red", "orange", "yellow", "blue"]
LSVariant = Literal[tuple(lec.load_table()["ls"]["variants"])]
Number = int | float
CHEMICAL_ROWS = 8  # rows of the web form
MAX_LEC_JSON = 20_000  # characters of the settings page's JSON text


def _split_categories(value):
    """表2 codes as a list; the web form gives them comma-separated ("W5.3,J3")."""
    if isinstance(value, str):
        return [c.strip() for c in value.replace("，", ",").split(",") if c.strip()]
    return value


def _json_list(value):
    """The settings page edits the LEC bands as JSON text (the form gives it as the one value
    of a list field); the API sends the list itself."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        value = value[0]
    if not isinstance(value, str):
        return value
    if len(value) > MAX_LEC_JSON:
        raise PydanticCustomError("too_long_json", f"不能超过 {MAX_LEC_JSON} 个字。")
    try:
        return json.loads(value)
    except ValueError:
        raise PydanticCustomError(
            "json_array", '应为 JSON 数组,如 [{"above": 320, "colour": "red"}, …]。'
        ) from None


# --- input ---------------------------------------------------------------------------------


class ChemicalIn(Input):
    substance: text(100) = Field(min_length=1, title="危险化学品", description="名称、别名或CAS号")
    q_t: float = Field(ge=0, le=1e10, title="设计最大量q(t)", description="设计最大量(吨)")
    categories: Annotated[list[Code], BeforeValidator(_split_categories)] = Field(
        default_factory=list,
        max_length=20,
        title="危险性类别",
        description="表2危险性类别代码",
    )
    beta_category: Code | None = Field(
        default=None, title="β类别", description="多种危险性时选定的β类别"
    )


class UnitIn(Input):
    """登记辨识单元 (services.do_create_unit)."""

    name: text(100) = Field(min_length=1, title="单元名称")
    kind: Literal["production", "storage"] = Field(
        title="单元类型", description="production 生产单元 / storage 储存单元"
    )
    population_500m: int = Field(
        default=0, ge=0, le=10_000_000, title="厂区边界外500m范围内常住人口"
    )
    chemicals: list[ChemicalIn] = Field(min_length=1, max_length=50, title="危险化学品")


def _answer_value(value):
    """One answer of the check list: a count, yes/no, a choice, or (重大危险源) a list of grades.
    What each rule takes is checked by the standard (in Chinese), the kind of value here."""
    if isinstance(value, bool | int):
        return value
    texts = value if isinstance(value, list) and len(value) <= 10 else [value]
    if not all(isinstance(v, str) and len(v) <= 60 for v in texts):
        raise PydanticCustomError("answer_value", "应为次数、是/否或选项文字。")
    if any(CONTROL.search(v) or LINE_BREAK.search(v) for v in texts):
        raise PydanticCustomError("control_chars", "不能包含控制字符(如 NUL、换行方向控制符)。")
    return [v.strip() for v in value] if isinstance(value, list) else value.strip()


AnswerValue = Annotated[
    Any,
    PlainValidator(_answer_value, json_schema_input_type=bool | int | str | list[str]),
]


class DiagnosisIn(Input):
    """登记评估诊断 (services.do_record_diagnosis)."""

    assessed_on: Date = Field(title="评估日期")
    assessor: text(100) = Field(default="", title="评估单位/人员")
    answers: dict[Code, AnswerValue] = Field(
        max_length=200,
        title="评分表填报",
        description="规则键→次数/是否/选项;键见 GET /risk/calc/diagnosis/keys",
    )


class PointIn(Input):
    """登记风险点 (services.do_add_risk_point)."""

    name: text(100) = Field(min_length=1, title="风险点名称")
    method: Literal["LEC", "LS"] = Field(title="评价方法", description="LEC 或 LS")
    L: float = Field(ge=0, le=10, title="L(可能性)")
    E: float | None = Field(default=None, ge=0, le=10, title="E(暴露频率)")
    C: float | None = Field(default=None, ge=0, le=100, title="C(后果)")
    S: int | None = Field(default=None, ge=1, le=5, title="S(严重性)")
    location: text(100) = Field(default="", title="位置/区域")
    hazard: text(255) = Field(default="", title="主要危险因素/可能事故")
    controls: LongText = Field(default="", title="管控措施")
    responsible: text(50) = Field(default="", title="管控责任人")


class VoidIn(Input):
    """作废辨识单元、评估诊断或风险点 (services.do_void_*)."""

    reason: text(255) = Field(min_length=1, title="作废原因")


class LecBandIn(Input):
    above: Number | None = Field(default=None, ge=0, title="大于")
    at_least: Number | None = Field(default=None, ge=0, title="大于等于")
    colour: Colour = Field(title="风险等级")
    meaning: text(100) = Field(default="", title="含义")
    label: text(60) = Field(default="", title="标签")


def bands_data(bands: list[LecBandIn]) -> list[dict]:
    """The bands as the standard reads them: only the keys given (``above`` or ``at_least``)."""
    return [band.model_dump(exclude_unset=True) for band in bands]


WEIGHTS = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}


class SettingsIn(Input):
    """修改风险分级设置 (services.do_update_risk_settings); a field left out keeps its value.
    The settings page sends the LEC bands as JSON text, the API as a list."""

    lec_bands: Annotated[list[LecBandIn], BeforeValidator(_json_list)] | None = Field(
        default=None, min_length=1, max_length=10, title="LEC D值分级表"
    )
    ls_variant: LSVariant | None = Field(default=None, title="LS分级表")
    weight_red: float | None = Field(default=None, ge=0, le=1000, title="红色权重")
    weight_orange: float | None = Field(default=None, ge=0, le=1000, title="橙色权重")
    weight_yellow: float | None = Field(default=None, ge=0, le=1000, title="黄色权重")
    weight_blue: float | None = Field(default=None, ge=0, le=1000, title="蓝色权重")
    reassess_years: int | None = Field(default=None, ge=1, le=10, title="评估诊断周期(年)")
    adjacent_mine_m: int | None = Field(default=None, ge=0, le=100_000, title="相邻矿山距离(米)")
    version: Version = None

    def changes(self) -> dict:
        """The service's ``data``: the fields given, the four weights as one table."""
        data: dict[str, Any] = {}
        if self.lec_bands is not None:
            data["lec_bands"] = bands_data(self.lec_bands)
        weights = {
            key: getattr(self, f"weight_{key}")
            for key in WEIGHTS
            if getattr(self, f"weight_{key}") is not None
        }
        if weights:
            data["index_weights"] = weights
        for name in ("ls_variant", "reassess_years", "adjacent_mine_m"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data


class CalcUnitIn(Input):
    chemicals: list[ChemicalIn] = Field(min_length=1, max_length=50, title="危险化学品")
    population_500m: int = Field(
        default=0,
        ge=0,
        le=10_000_000,
        title="厂区边界外500m范围内常住人口",
        description="厂区边界外500m范围内常住人口(表5 α)",
    )


class CalcDiagnosisIn(Input):
    answers: dict[Code, AnswerValue] = Field(
        max_length=200,
        title="评分表填报",
        description="规则键→次数/是否/选项;键见 GET /risk/calc/diagnosis/keys",
    )


class CalcLECIn(Input):
    L: float = Field(ge=0, le=10, title="L(可能性)")
    E: float = Field(ge=0, le=10, title="E(暴露频率)")
    C: float = Field(ge=0, le=100, title="C(后果)")
    bands: list[LecBandIn] | None = Field(
        default=None,
        min_length=1,
        max_length=10,
        title="D值分级表",
        description="可选:自定义D值分级表;缺省用平台设置",
    )


class CalcLSIn(Input):
    L: int = Field(ge=1, le=5, title="L(可能性)")
    S: int = Field(ge=1, le=5, title="S(严重性)")
    variant: LSVariant | None = Field(
        default=None, title="LS分级表", description="A 或 B;缺省用平台设置"
    )


# --- web forms that are not one field per input ------------------------------------------------


def _given(post, key: str):
    value = (post.get(key) or "").strip()
    return value or None


def unit_form_data(post) -> dict:
    """The unit form: the unit's fields and up to CHEMICAL_ROWS chemical rows (an empty row is
    skipped; an empty field is left out so that the schema says 必填)."""
    data = {k: post.get(k) for k in ("name", "kind", "population_500m") if _given(post, k)}
    rows = []
    for i in range(CHEMICAL_ROWS):
        row = {
            "substance": _given(post, f"substance_{i}"),
            "q_t": _given(post, f"q_{i}"),
            "categories": _given(post, f"categories_{i}"),
            "beta_category": _given(post, f"beta_{i}"),
        }
        if row["substance"] or row["q_t"]:
            rows.append({k: v for k, v in row.items() if v is not None})
    data["chemicals"] = rows
    return data


def diagnosis_form_spec() -> dict:
    """The check list of the diagnosis form (the 重大危险源 item is filled from the units)."""
    table = risk_grading.load_table()
    items = []
    for item in table["items"]:
        rules = [r for r in item["rules"] if r["key"] != "major_hazard_grades"]
        if rules:
            items.append(
                {
                    "category": item["category"],
                    "name": item["name"],
                    "weight": item["weight"],
                    "rules": rules,
                }
            )
    red = [{"key": k, **v} for k, v in table["red_line_inputs"].items() if not k.startswith("_")]
    return {"items": items, "red_inputs": red}


def _answer(kind: str, raw: str):
    """One answer of the check list: a ticked box, a count (0 = none), a choice."""
    if kind == "flag":
        return True if raw else None
    if kind == "count":
        if not raw or raw == "0":
            return None
        try:
            return int(raw)
        except ValueError:
            return raw  # as typed: the standard names it in Chinese
    return raw or None


def diagnosis_form_data(post) -> dict:
    spec = diagnosis_form_spec()
    rules = [r for item in spec["items"] for r in item["rules"]] + spec["red_inputs"]
    answers = {}
    for rule in rules:
        value = _answer(rule["type"], (post.get(rule["key"]) or "").strip())
        if value is not None:
            answers[rule["key"]] = value
    data = {"answers": answers}
    for key in ("assessed_on", "assessor"):
        if _given(post, key):
            data[key] = post.get(key)
    return data


# --- output --------------------------------------------------------------------------------


class ColourOut(Schema):
    key: str
    severity: int
    level: str
    level_full: str
    colour_zh: str
    hex: str
    label: str


class MineOut(Schema):
    id: int
    name: str
    region_code: str = Field(alias="region.code")


class AdjacentPairOut(Schema):
    a: MineOut
    b: MineOut
    distance_m: int


class UnitRowOut(Schema):
    id: int
    name: str
    S: float | None
    R: float | None
    grade: str
    is_major: bool


class DiagnosisRowOut(Schema):
    id: int
    assessed_on: datetime.date
    score: float
    colour: str
    state: str
    next_due: datetime.date


class PointRowOut(Schema):
    id: int
    name: str
    method: str
    value: float
    colour: str


class ColourChangeOut(Schema):
    time: datetime.datetime = Field(alias="created_at")
    old: str = Field(alias="old_colour")
    new: str = Field(alias="new_colour")
    reason: str


class EnterpriseRiskOut(Schema):
    enterprise_id: int
    name: str
    colour: str = Field(description="red/orange/yellow/blue;空 = 未评估")
    reason: str
    units: list[UnitRowOut]
    diagnoses: list[DiagnosisRowOut]
    risk_points: list[PointRowOut]
    colour_history: list[ColourChangeOut]


class UnitOut(Schema):
    id: int
    enterprise_id: int
    name: str
    kind: str
    status: str
    working: dict = Field(description="GB 18218-2018 计算过程(同 POST /risk/calc/major-hazard)")


class UnitCreated(Schema):
    id: int
    grade: str
    working: dict


class DiagnosisOut(Schema):
    id: int
    enterprise_id: int
    state: str
    working: dict = Field(description="评分计算过程(同 POST /risk/calc/diagnosis)")


class DiagnosisCreated(Schema):
    id: int
    score: float
    colour: str
    working: dict


class PointOut(Schema):
    id: int
    enterprise_id: int
    status: str
    working: dict = Field(description="LEC/LS 计算过程(同 POST /risk/calc/lec 或 /ls)")


class PointCreated(Schema):
    id: int
    value: float
    colour: str
    working: dict


class SettingsOut(Schema):
    id: int | None
    version: int | None = Field(description="修改时回传(PATCH 的 version),过期则 409")
    lec_bands: list[dict]
    ls_variant: str
    index_weights: dict[str, Number]
    reassess_years: int
    adjacent_mine_m: int

    @staticmethod
    def resolve_version(obj):
        return obj.version if obj.pk else None


# the calculators: the working of yingji.standards, as its as_dict() gives it


class TermOut(Schema):
    substance: str
    table1_no: int | None
    matched: str
    categories: list[str]
    beta_category: str | None
    q_t: Number
    Q_t: Number
    q_over_Q: Number
    beta: Number | None
    beta_q_over_Q: Number | None
    explanation: str


class MajorHazardOut(Schema):
    standard: str
    terms: list[TermOut]
    S: Number
    is_major: bool
    population_500m: int
    alpha: Number
    R: Number | None
    grade: str | None
    notes: list[str]


class RuleHitOut(Schema):
    key: str
    label: str
    effect: str
    answer: Any
    points: Number | None
    amount: Number


class ItemWorkingOut(Schema):
    key: str
    category: str
    name: str
    weight: Number
    deductions: list[RuleHitOut]
    raw_deduction: Number
    capped_deduction: Number
    capped: bool
    bonuses: list[RuleHitOut]
    bonus_total: Number


class RedLineOut(Schema):
    no: int
    key: str
    label: str


class DiagnosisResultOut(Schema):
    guide: str
    items: list[ItemWorkingOut]
    start_score: Number
    total_deduction: Number
    total_bonus: Number
    score: Number
    score_colour: ColourOut
    red_lines_hit: list[RedLineOut]
    colour: ColourOut
    reason: str
    notes: list[str]
    confidence: str


class AnswerKeyOut(Schema):
    key: str
    item: str
    type: str
    label: str


class AnswerKeysOut(Schema):
    keys: list[AnswerKeyOut]


class LECOut(Schema):
    method: str
    L: Number
    E: Number
    C: Number
    L_description: str
    E_description: str
    C_description: str
    D: Number
    colour: ColourOut
    meaning: str
    band: str
    bands_confidence: str
    notes: list[str]


class LSOut(Schema):
    method: str
    L: int
    S: int
    R: int
    colour: ColourOut
    variant: str
    variant_label: str
    confidence: str
    notes: list[str]
