"""The typed edge of 执法检查 (issue #9): one input schema per service, taken as the body of the
API endpoint and parsed from the POSTed form by the page (yingji.core.webforms), so both refuse
the same bad input with the same Chinese field messages; and the response schemas of the API.

Text limits follow the model columns (a reason is at most 300 characters because the column
is), records are referred to by id (``*_id``) and fetched through restrict() by the caller."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, AliasChoices, ConfigDict, Field
from pydantic_core import PydanticCustomError

from yingji.core.schemas import Code, Date, Input, Name, ShortText, Version, text

from . import selectors, services
from .choices import CASE_STATES, CASE_SYSTEMS, FINDING_CATEGORIES, INSPECTION_KINDS

RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Reason = text(300)  # a cancel reason, a case's cause (CharField(max_length=300))
People = text(300)  # 检查人员 (Inspection.participants)
Narrative = text(5000, multiline=True)  # summary, description, investigation, decision…

CheckResult = Literal["", "ok", "fail", "na"]
InspectionKind = Literal[tuple(k for k, _ in INSPECTION_KINDS)]
FindingCategory = Literal[tuple(k for k, _ in FINDING_CATEGORIES)]
FindingLevel = Literal["general", "major"]
CaseState = Literal[tuple(k for k, _ in CASE_STATES)]
CaseSystem = Literal[tuple(k for k, _ in CASE_SYSTEMS)]


def _yuan(value: Decimal) -> Decimal:
    """At most 10 digits before the point and 2 after (CaseFile.penalty_amount)."""
    if abs(value) >= Decimal(10) ** 10:
        raise PydanticCustomError("yuan_digits", "金额过大。")
    if value != value.quantize(Decimal("0.01")):
        raise PydanticCustomError("yuan_places", "最多保留两位小数(精确到分)。")
    return value


Yuan = Annotated[Decimal, Field(ge=0), AfterValidator(_yuan)]


# --- plans ----------------------------------------------------------------------------------


class PlanIn(Input):
    owner_id: RecordId = Field(title="制定单位")
    year: int = Field(ge=2000, le=2100, title="年度")
    title: Name = Field(default="", title="标题")
    note: Narrative = Field(default="", title="说明")


class BuildIn(Input):
    """Without ``enterprise_ids`` every proposal is applied; the page always sends the list."""

    enterprise_ids: list[RecordId] | None = Field(default=None, title="检查对象")
    agency_id: RecordId | None = Field(default=None, title="检查科室/单位")
    inspectors: Name = Field(default="", title="执法人员")


class EntryIn(Input):
    enterprise_id: RecordId = Field(title="检查对象")
    month: int = Field(ge=1, le=12, title="计划月份")
    agency_id: RecordId | None = Field(default=None, title="检查科室/单位")
    inspectors: Name = Field(default="", title="执法人员")
    reason: ShortText = Field(default="", title="仍需检查的理由")


class InspectionVersionIn(Input):
    version: Version = Field(default=None, title="版本")


class InspectionReasonIn(Input):
    reason: Reason = Field(title="取消原因")


# --- inspections ----------------------------------------------------------------------------


class InspectionScheduleIn(Input):
    """Scheduling an inspection, on its own (``enterprise``) or from a plan entry (the entry
    names the enterprise). The API's key is ``enterprise_id``; the page's select keeps the name
    ``enterprise`` (both are accepted, errors name the field ``enterprise``)."""

    model_config = ConfigDict(loc_by_alias=False)

    inspected_on: Date = Field(title="检查日期")
    enterprise: RecordId | None = Field(
        default=None, validation_alias=AliasChoices("enterprise_id", "enterprise"), title="检查对象"
    )
    agency_id: RecordId | None = Field(default=None, title="检查科室/单位")
    kind: InspectionKind = Field(default="special", title="检查类型")
    participants: People = Field(default="", title="检查人员")
    reason: ShortText = Field(default="", title="仍需检查的理由")


class ChecklistIn(Input):
    """The on-site checklist: result (and remark) per item code; the people present and the
    summary are left unchanged when absent."""

    results: dict[Code, CheckResult] = Field(title="检查结果")
    remarks: dict[Code, Reason] = Field(default_factory=dict, title="备注")
    participants: People | None = Field(default=None, title="检查人员")
    enterprise_attendees: Name | None = Field(default=None, title="企业陪同人员")
    summary: Narrative | None = Field(default=None, title="检查情况")
    version: Version = Field(default=None, title="版本")


class FindingIn(Input):
    description: Narrative = Field(title="问题描述")
    category: FindingCategory = Field(title="类别")
    level: FindingLevel = Field(default="general", title="隐患级别")
    location: Name = Field(default="", title="部位")
    item_code: Code = Field(default="", title="检查项")


# --- case files -----------------------------------------------------------------------------


class CaseIn(Input):
    cause: Reason = Field(title="案由")
    filed_on: Date = Field(title="立案日期")
    agency_id: RecordId | None = Field(default=None, title="承办科室/单位")
    handlers: Name = Field(default="", title="承办人")


class AdvanceIn(Input):
    """One step of the case; the texts are kept as they are when absent."""

    to_state: CaseState = Field(title="办理阶段")
    investigation: Narrative | None = Field(default=None, title="调查取证情况")
    decision: Narrative | None = Field(default=None, title="处罚决定")
    decision_number: text(100) | None = Field(default=None, title="处罚决定书文号")
    penalty_amount: Yuan | None = Field(default=None, title="罚款金额(元)")
    execution: Narrative | None = Field(default=None, title="执行情况")
    closed_on: Date | None = Field(default=None, title="结案日期")
    version: Version = Field(default=None, title="版本")


class SystemIn(Input):
    system: CaseSystem = Field(title="三项制度")
    done: bool = Field(default=True, title="勾选")
    note: ShortText = Field(default="", title="佐证说明")
    attachment_id: RecordId | None = Field(default=None, title="佐证附件")
    version: Version = Field(default=None, title="版本")


# --- responses ------------------------------------------------------------------------------


class EntryOut(Schema):
    id: int
    plan_id: int
    enterprise_id: int
    enterprise: str = Field(alias="enterprise.name")
    month: int
    visit: int
    agency: str = Field(alias="agency.name")
    inspectors: str
    basis: str
    state: str
    state_label: str = Field(alias="get_state_display")
    cancel_reason: str
    version: int


class PlanOut(Schema):
    id: int
    title: str
    year: int
    owner: str = Field(alias="owner.name")
    owner_id: int
    state: str
    state_label: str = Field(alias="get_state_display")
    is_demo: bool
    version: int


class PlanDetailOut(PlanOut):
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(obj, context):
        return list(selectors.visible_entries(context["request"].user).filter(plan=obj))


class ProposalOut(Schema):
    """A proposal of the plan builder (selectors.plan_proposals)."""

    enterprise_id: int
    enterprise: str
    region: str
    tier: str
    colour: str
    colour_label: str
    visits: int
    months: list[int]
    basis: str

    @staticmethod
    def resolve_enterprise_id(obj):
        return obj["enterprise"].pk

    @staticmethod
    def resolve_enterprise(obj):
        return obj["enterprise"].name

    @staticmethod
    def resolve_region(obj):
        return obj["enterprise"].region.name

    @staticmethod
    def resolve_tier(obj):
        return obj["enterprise"].tier


class OverlapHitOut(Schema):
    """Another authority's inspection or plan entry within the window (OverlapHit.as_dict)."""

    kind: str
    id: int
    authority: str
    label: str
    days_apart: int
    url: str


class SkippedOut(Schema):
    enterprise_id: int
    enterprise: str
    month: int
    overlaps: list[OverlapHitOut]


class BuildOut(Schema):
    created: int
    skipped: list[SkippedOut]


class FindingOut(Schema):
    id: int
    number: int
    item_code: str
    description: str
    category: str
    level: str
    location: str
    hazard_id: int | None
    hazard_code: str | None

    @staticmethod
    def resolve_hazard_code(obj):
        return obj.hazard.code if obj.hazard_id else None


class ChecklistItemOut(Schema):
    code: str
    text: str
    result: str = ""
    remark: str = ""


class InspectionOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise: str = Field(alias="enterprise.name")
    authority: str = Field(alias="authority.name")
    agency: str = Field(alias="agency.name")
    entry_id: int | None
    kind: str
    inspected_on: date
    state: str
    state_label: str = Field(alias="get_state_display")
    participants: str
    sector_group: str
    summary: str
    is_demo: bool
    version: int


class InspectionDetailOut(InspectionOut):
    """With the checklist and the findings the user may see."""

    checklist: list[ChecklistItemOut]
    findings: list[FindingOut]

    @staticmethod
    def resolve_findings(obj, context):
        return list(selectors.visible_findings(context["request"].user).filter(inspection=obj))


class FindingHazardOut(Schema):
    finding_id: int
    hazard_id: int
    hazard_code: str


class OverlapOut(Schema):
    id: int
    enterprise: str = Field(alias="enterprise.name")
    authority: str = Field(alias="authority.name")
    inspection_id: int | None
    entry_id: int | None
    other_authority: str = Field(alias="other_authority.name")
    other_inspection_id: int | None
    other_entry_id: int | None
    other_label: str
    days_apart: int
    window_days: int
    reason: str
    created_at: datetime


class CaseSystemOut(Schema):
    """One of the 三项制度 with its tick and evidence (CaseFile.system_status)."""

    key: str
    label: str
    done: bool
    note: str
    attachment_id: int | None
    attachment_name: str
    has_evidence: bool


class CaseOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise: str = Field(alias="enterprise.name")
    authority: str = Field(alias="authority.name")
    agency: str = Field(alias="agency.name")
    inspection_id: int | None
    cause: str
    filed_on: date
    state: str
    state_label: str = Field(alias="get_state_display")
    allowed_steps: list[str]
    investigation: str
    decision: str
    decision_number: str
    penalty_amount: str | None  # the exact amount as text, e.g. "30000.00"
    execution: str
    closed_on: date | None
    systems: list[CaseSystemOut] = Field(alias="system_status")
    version: int

    @staticmethod
    def resolve_allowed_steps(obj):
        return [to for to, _label in services.allowed_case_steps(obj)]

    @staticmethod
    def resolve_penalty_amount(obj):
        return str(obj.penalty_amount) if obj.penalty_amount is not None else None
