"""Typed input and output of the enterprise registry (issue #9).

One input schema per service, shared by the web pages (``form_input`` / ``action_view``), the
API (the body parameter) and the Excel import (each row through ``yingji.core.schemas.validate``):
the same Chinese field messages everywhere. Choice fields take the key or the Chinese label
(``"machinery"`` or ``"机械"``) and name the allowed values when refused; the USCC is checked
against GB 32100 here. What needs the database (the district, the coordinates inside it, a
USCC already registered) is checked by ``validation.py`` for the services and the import.

The output schemas read the model (``Field(alias=...)``, ``resolve_<field>``): the API's JSON.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from yingji.core.schemas import CONTROL, Code, Input, LongText, Name, Version, text
from yingji.standards.ids import validate_uscc

from .choices import (
    COORD_SYSTEMS,
    LICENCE_KINDS,
    SAFETY_QUESTIONS,
    SCALES,
    SECTORS,
    STATUSES,
    TIERS,
)

# --- value types --------------------------------------------------------------------------


def _squash(value: str) -> str:
    return value.lower().replace("-", "").replace("_", "").replace(" ", "")


def choice(choices, *, loose: bool = False):
    """A choice field: the key or its label (``loose``: also ignoring case, "-", "_" and
    spaces, for "GCJ-02"), stored as the key; refused with the list of allowed labels."""
    keys = tuple(key for key, _label in choices)
    by_text = {str(label): key for key, label in choices} | {key: key for key in keys}
    if loose:
        by_text |= {_squash(text): key for text, key in by_text.items()}
    allowed = "、".join(str(label) for _key, label in choices)

    def pick(value):
        if not isinstance(value, str):
            return value  # the Literal refuses it
        text = value.strip()
        key = by_text.get(text) or (by_text.get(_squash(text)) if loose else None)
        if key is None:
            shown = CONTROL.sub("", text)[:40]
            raise PydanticCustomError(
                "choice", "“{value}”无效,应为:{allowed}。", {"value": shown, "allowed": allowed}
            )
        return key

    return Annotated[Literal[keys], BeforeValidator(pick)]


Sector = choice(SECTORS)
Scale = choice(SCALES)
Status = choice(STATUSES)
Tier = choice(TIERS)
CoordSystem = choice(COORD_SYSTEMS, loose=True)
LicenceKind = choice(LICENCE_KINDS)
MajorHazardGrade = choice([(g, g) for g in ("一级", "二级", "三级", "四级")])
ImportMode = choice([("valid", "导入有效行"), ("nothing", "全部不导入")])


def _uscc(value: str) -> str:
    if not value:
        raise PydanticCustomError("blank", "不能为空。")
    result = validate_uscc(value)
    if not result.valid:
        raise PydanticCustomError(
            "uscc", "“{value}”有误:{why}。", {"value": value, "why": ";".join(result.errors)}
        )
    return result.normalized


# 统一社会信用代码 (GB 32100): 18 characters with its check character; stored normalised.
Uscc = Annotated[Code, AfterValidator(_uscc)]


def _day(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date) or value is None:
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        shown = CONTROL.sub("", str(value))[:40]
        raise PydanticCustomError(
            "date_invalid", "“{value}”不是有效日期(格式如2024-06-30)。", {"value": shown}
        ) from None


# A calendar date; a wrong one names what was given.
Day = Annotated[datetime.date, BeforeValidator(_day)]


def _amount(value: Decimal) -> Decimal:
    if abs(value) >= Decimal("1e10"):
        raise PydanticCustomError("amount_too_large", "不能超过 9999999999.99。")
    return value.quantize(Decimal("0.01"))


# Money (万元) with two decimals, as the model stores it; its sign is the service's rule.
Amount = Annotated[Decimal, AfterValidator(_amount)]

Person = text(50)
Phone = text(30)
Reason = text(255)

# The location fields, shared by the registration, the profile update and the import's
# check of the place when other cells of a row are wrong.
RegionText = text(40)
REGION_HELP = "县区代码(如620104)或名称(如西固区)"
Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Employees = Annotated[int, Field(ge=0, le=1_000_000)]


# --- input --------------------------------------------------------------------------------


class EnterpriseIn(Input):
    """登记生产经营单位. The order of the fields is the Excel template's column order, and
    their titles are its header row."""

    name: Name = Field(title="企业名称", min_length=1)
    uscc: Uscc = Field(title="统一社会信用代码")
    region: RegionText = Field(title="所在县区", description=REGION_HELP)
    sector: Sector = Field(title="行业类别")
    scale: Scale | None = Field(default=None, title="规模")
    employees: Employees | None = Field(default=None, title="从业人员数")
    status: Status | None = Field(default=None, title="经营状态")
    legal_representative: Person | None = Field(default=None, title="法定代表人")
    principal: Person | None = Field(default=None, title="主要负责人")
    principal_phone: Phone | None = Field(default=None, title="主要负责人电话")
    safety_contact: Person | None = Field(default=None, title="安全管理联系人")
    safety_phone: Phone | None = Field(default=None, title="安全管理联系电话")
    address: text(200) | None = Field(default=None, title="地址")
    lon: Lon = Field(title="经度")
    lat: Lat = Field(title="纬度")
    coord_system: CoordSystem = Field(default="wgs84", title="坐标系")


class LocationIn(Input):
    """The place alone (the import checks it even when other cells of the row are wrong)."""

    region: RegionText = Field(title="所在县区", description=REGION_HELP)
    lon: Lon = Field(title="经度")
    lat: Lat = Field(title="纬度")
    coord_system: CoordSystem = Field(default="wgs84", title="坐标系")


class EnterpriseProfileIn(Input):
    """修改档案: only the fields given change. Name and USCC do not change here (a rename goes
    through the organisation), nor the status (its own service, with a reason). When any of
    the district or the coordinates is given, all three are needed."""

    region: RegionText | None = Field(default=None, title="所在县区", description=REGION_HELP)
    lon: Lon | None = Field(default=None, title="经度")
    lat: Lat | None = Field(default=None, title="纬度")
    coord_system: CoordSystem | None = Field(default=None, title="坐标系")
    sector: Sector | None = Field(default=None, title="行业类别")
    scale: Scale | None = Field(default=None, title="规模")
    employees: Employees | None = Field(default=None, title="从业人员数")
    legal_representative: Person | None = Field(default=None, title="法定代表人")
    principal: Person | None = Field(default=None, title="主要负责人")
    principal_phone: Phone | None = Field(default=None, title="主要负责人电话")
    safety_contact: Person | None = Field(default=None, title="安全管理联系人")
    safety_phone: Phone | None = Field(default=None, title="安全管理联系电话")
    address: text(200) | None = Field(default=None, title="地址")


class EnterpriseUpdateIn(EnterpriseProfileIn):
    version: int = Field(title="版本号")


class StatusIn(Input):
    status: Status = Field(title="经营状态")
    reason: Reason = Field(title="变更原因")
    version: int = Field(title="版本号")


class TierIn(Input):
    """tier empty or null: back to the rule."""

    tier: Tier | None = Field(default=None, title="监管层级")
    reason: Reason = Field(default="", title="调整原因")
    version: int = Field(title="版本号")


class TierRuleIn(Input):
    city_scales: list[Scale] = Field(default=[], title="市级监管的规模")
    city_sectors: list[Sector] = Field(default=[], title="市级监管的行业")
    city_min_employees: int = Field(default=0, ge=0, le=1_000_000, title="从业人员人数门槛")
    city_major_hazard_grades: list[MajorHazardGrade] = Field(
        default=[], title="市级监管的重大危险源级别"
    )
    note: text(255) = Field(default="", title="说明")
    version: Version = None


class LicenceIn(Input):
    kind: LicenceKind = Field(title="证照类别")
    number: Code = Field(title="证号")
    issuer: text(100) = Field(default="", title="发证机关")
    valid_from: Day | None = Field(default=None, title="有效期起")
    valid_until: Day = Field(title="有效期至")


class PolicyIn(Input):
    policy_number: Code = Field(title="保单号")
    insurer: text(100) = Field(title="保险机构")
    starts_on: Day = Field(title="保险期间起")
    ends_on: Day = Field(title="保险期间止")
    insured_amount: Amount = Field(title="保险金额(万元)", allow_inf_nan=False)
    insured_persons: int = Field(default=0, ge=0, le=1_000_000, title="参保人数")


class ResponsibilityIn(Input):
    position: text(60) = Field(title="岗位")
    holder: Person = Field(default="", title="责任人")
    duties: LongText = Field(title="安全生产职责")


class EnterpriseReasonIn(Input):
    """作废证照, 停用岗位."""

    reason: Reason = Field(title="原因")


_QUESTION = dict(SAFETY_QUESTIONS)


class AnswersIn(Input):
    """安全三问: the three answers."""

    q_duties: LongText = Field(title=_QUESTION["q_duties"])
    q_risks: LongText = Field(title=_QUESTION["q_risks"])
    q_measures: LongText = Field(title=_QUESTION["q_measures"])


class QuestionnaireIn(AnswersIn):
    year: int = Field(title="年度", ge=2000, le=2100)


class QuestionnaireReviewIn(Input):
    approve: bool = Field(title="审核结论")
    comment: text(500) = Field(default="", title="审核意见")
    version: int = Field(title="版本号")


class ImportApplyIn(Input):
    mode: ImportMode = Field(title="导入方式")
    merge_duplicates: bool = Field(default=False, title="合并重复的统一社会信用代码")


# --- output -------------------------------------------------------------------------------


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    sector: str
    sector_label: str = Field(alias="get_sector_display")
    scale: str
    scale_label: str = Field(alias="get_scale_display")
    employees: int
    status: str
    status_label: str = Field(alias="get_status_display")
    tier: str
    tier_label: str = Field(alias="get_tier_display")
    region_code: str = Field(alias="region.code")
    region_name: str = Field(alias="region.name")
    lon: float | None
    lat: float | None
    major_hazard_grade: str
    is_demo: bool
    url: str = Field(alias="get_absolute_url")


class EnterpriseDetailOut(EnterpriseOut):
    legal_representative: str
    principal: str
    principal_phone: str
    safety_contact: str
    safety_phone: str
    address: str
    coord_source: str
    tier_reason: str
    tier_overridden: bool
    tier_override_reason: str
    status_reason: str
    version: int


class ExpiringPolicyOut(Schema):
    enterprise: EnterpriseOut
    insurer: str
    policy_number: str
    ends_on: datetime.date


class InsuranceGapsOut(Schema):
    missing: list[EnterpriseOut]
    expiring: list[ExpiringPolicyOut]


class TierOut(Schema):
    id: int
    tier: str
    tier_reason: str
    version: int


class TierRuleOut(Schema):
    city_scales: list[str]
    city_sectors: list[str]
    city_min_employees: int
    city_major_hazard_grades: list[str]
    note: str
    version: int | None


class LicenceOut(Schema):
    id: int
    kind: str
    number: str
    valid_until: datetime.date


class PolicyOut(Schema):
    id: int
    policy_number: str
    ends_on: datetime.date


class ResponsibilityOut(Schema):
    id: int
    position: str


class QuestionnaireOut(Schema):
    id: int
    year: int
    state: str
    q_duties: str
    q_risks: str
    q_measures: str
    review_comment: str
    version: int


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    id: int
    state: str
    total_rows: int
    valid_rows: int
    duplicates: int
    errors: list[ImportErrorOut]
    result: dict

    @staticmethod
    def resolve_valid_rows(obj) -> int:
        return len(obj.rows)

    @staticmethod
    def resolve_duplicates(obj) -> int:
        return len(obj.duplicate_rows)
