"""Typed input and output of 隐患排查治理 (issue #9): one schema per service input, taken by the
API endpoint as its body and by the web form through ``form_input``/``action_view`` (the same
Chinese field messages in both), and by the Excel import row by row; the response schemas of
the API.

Where the web form sends files the API takes as a separate multipart part (photos, evidence),
or lays out a nested value as flat inputs (the remediation plan), the web schema is a subclass
of the API's that adds those fields, so the rules of the shared fields are written once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from ninja.files import UploadedFile
from pydantic import model_validator

from yingji.core.schemas import Code, Date, Input, LongText, Name, Version, text
from yingji.standards import hazards as rules

from .choices import (
    ASSESSORS,
    CATEGORIES,
    LEVELS,
    MAX_DEADLINE_WORKDAYS,
    MAX_PEOPLE_EXPOSED,
    PRODUCTION_STATUSES,
    RETURN_KINDS,
    SOURCES,
)

Level = Literal[tuple(k for k, _ in LEVELS)]
Source = Literal[tuple(k for k, _ in SOURCES)]
Category = Literal[tuple(k for k, _ in CATEGORIES)]

CRITERIA_COUNT = len(rules.criteria_2017())  # the 20 items of 安监总管三〔2017〕121号
Criterion = Annotated[int, Field(ge=1, le=CRITERIA_COUNT)]
Criteria = Annotated[list[Criterion], Field(max_length=CRITERIA_COUNT)]
PlanText = text(2_000, multiline=True)
CriterionCode = text(40)

VERSION_TITLE = "版本号"


# --- registration ---------------------------------------------------------------------------


class HazardIn(Input):
    """登记隐患: at an enterprise (``enterprise_id``), or at a public place or area (``place`` and
    ``region`` or coordinates)."""

    enterprise_id: int | None = Field(default=None, title="企业")
    place: Name = Field(default="", title="公共场所/区域名称")
    region: Code | None = Field(default=None, title="所在区县(代码)")
    lon: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False, title="经度")
    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False, title="纬度")
    source: Source = Field(title="发现途径")
    category: Category = Field(title="隐患类别")
    description: LongText = Field(title="隐患描述")
    found_on: Date = Field(title="发现日期")
    location: Name = Field(default="", title="具体位置")
    finder: text(100) = Field(default="", title="发现人")
    level: Level = Field(default="general", title="初步等级")
    criteria: Criteria = Field(default=[], title="重大隐患判定标准条款")
    criterion_code: CriterionCode = Field(default="", title="行业重大隐患判定标准条款(编号)")
    people_exposed: int = Field(default=0, ge=0, le=MAX_PEOPLE_EXPOSED, title="可能影响人数")

    def service_kwargs(self) -> dict:
        """The plain values ``do_register_hazard`` takes (the edge resolves the enterprise
        and the region to records)."""
        return {
            "place": self.place,
            "lon": self.lon,
            "lat": self.lat,
            "source": self.source,
            "category": self.category,
            "description": self.description,
            "found_on": self.found_on,
            "location": self.location,
            "finder": self.finder,
            "level": self.level,
            "criteria": self.criteria,
            "criterion_code": self.criterion_code,
            "people_exposed": self.people_exposed,
        }


class HazardForm(HazardIn):
    """The registration page: the same fields, plus the photos taken when it was found."""

    photos: list[UploadedFile] = Field(default=[], title="现场照片")


class ImportIn(Input):
    """批量导入隐患 (the page; each row is then checked with HazardIn)."""

    file: UploadedFile = Field(title="按模板填写的 Excel 文件")
    only_valid: bool = Field(default=False, title="有错误时仍导入正确的行")


# --- the closed loop --------------------------------------------------------------------------


class GradeIn(Input):
    level: Level = Field(title="隐患等级")
    criteria: Criteria = Field(default=[], title="重大隐患判定标准条款")
    deadline_workdays: int | None = Field(
        default=None, ge=1, le=MAX_DEADLINE_WORKDAYS, title="整改期限(工作日)"
    )
    criterion_code: CriterionCode = Field(default="", title="行业重大隐患判定标准条款(编号)")
    version: Version = Field(default=None, title=VERSION_TITLE)


class Plan(Input):
    """The 重大隐患 remediation plan: the elements of rules.plan_elements(), each a text."""

    goal: PlanText = Field(default="", title="治理的目标和任务")
    measures: PlanText = Field(default="", title="采取的方法和措施")
    funding: PlanText = Field(default="", title="经费和物资的落实")
    responsible: PlanText = Field(default="", title="负责治理的机构和人员")
    deadline: PlanText = Field(default="", title="治理的时限和要求")
    safety: PlanText = Field(default="", title="安全措施和应急预案")


class StartIn(Input):
    """开始整改 (a 重大 hazard with the complete plan)."""

    plan: Plan = Field(default_factory=Plan, title="治理方案")
    version: Version = Field(default=None, title=VERSION_TITLE)

    def plan_dict(self) -> dict[str, str]:
        """The elements filled in, as the service stores them."""
        return {k: v for k, v in self.plan.model_dump().items() if v}


class StartForm(StartIn):
    """The page lays the plan out as flat inputs ``plan_<element>``."""

    plan_goal: PlanText = Field(default="", title="治理的目标和任务")
    plan_measures: PlanText = Field(default="", title="采取的方法和措施")
    plan_funding: PlanText = Field(default="", title="经费和物资的落实")
    plan_responsible: PlanText = Field(default="", title="负责治理的机构和人员")
    plan_deadline: PlanText = Field(default="", title="治理的时限和要求")
    plan_safety: PlanText = Field(default="", title="安全措施和应急预案")

    @model_validator(mode="after")
    def _gather_plan(self):
        self.plan = Plan(**{key: getattr(self, f"plan_{key}") for key in Plan.model_fields})
        return self


class RectificationIn(Input):
    """立即整改 / 提交整改 (the API takes the evidence files as a separate multipart part)."""

    rectification: LongText = Field(title="整改情况")
    on_the_spot: bool = Field(default=False, title="立即整改")
    version: Version = Field(default=None, title=VERSION_TITLE)


class RectificationForm(RectificationIn):
    """The page: the same fields, plus the evidence files."""

    evidence: list[UploadedFile] = Field(default=[], title="整改佐证")


class VerifyIn(Input):
    passed: bool = Field(title="验收结论")
    opinion: LongText = Field(title="验收意见")
    version: Version = Field(default=None, title=VERSION_TITLE)


class SuperviseIn(Input):
    supervisor: Code = Field(title="督办单位(代码)")
    until: Date = Field(title="督办期限")
    version: Version = Field(default=None, title=VERSION_TITLE)


class HazardReasonIn(Input):
    reason: text(300) = Field(title="作废原因")
    version: Version = Field(default=None, title=VERSION_TITLE)


class MajorReportIn(Input):
    """报送重大隐患报告 (16号令 Art. 14, 15): the two analyses, the plan, its approval."""

    situation: PlanText = Field(default="", title="隐患的现状及其产生原因")
    harm: PlanText = Field(default="", title="隐患的危害程度和整改难度分析")
    plan: Plan = Field(default_factory=Plan, title="治理方案")
    approver: Name = Field(default="", title="批准治理方案的主要负责人")
    approved_on: Date | None = Field(default=None, title="批准日期")
    version: Version = Field(default=None, title=VERSION_TITLE)

    def plan_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.plan.model_dump().items() if v}


class MajorReportForm(MajorReportIn):
    """The page lays the plan out as flat inputs ``plan_<element>``."""

    plan_goal: PlanText = Field(default="", title="治理的目标和任务")
    plan_measures: PlanText = Field(default="", title="采取的方法和措施")
    plan_funding: PlanText = Field(default="", title="经费和物资的落实")
    plan_responsible: PlanText = Field(default="", title="负责治理的机构和人员")
    plan_deadline: PlanText = Field(default="", title="治理的时限和要求")
    plan_safety: PlanText = Field(default="", title="安全措施和应急预案")

    @model_validator(mode="after")
    def _gather_plan(self):
        self.plan = Plan(**{key: getattr(self, f"plan_{key}") for key in Plan.model_fields})
        return self


class ProductionStatusIn(Input):
    """停产停业 / 部分停产 (16号令 Art. 16)."""

    status: Literal[tuple(k for k, _ in PRODUCTION_STATUSES)] = Field(title="生产状态")
    reason: text(300) = Field(title="停产范围和原因")
    version: Version = Field(default=None, title=VERSION_TITLE)


class AssessmentIn(Input):
    """治理情况评估 (16号令 Art. 18)."""

    assessor_kind: Literal[tuple(k for k, _ in ASSESSORS)] = Field(title="评估主体")
    assessor: Name = Field(title="评估单位/人员")
    conclusion: LongText = Field(title="评估结论")
    assessed_on: Date = Field(title="评估日期")
    version: Version = Field(default=None, title=VERSION_TITLE)


class AssessmentForm(AssessmentIn):
    files: list[UploadedFile] = Field(default=[], title="评估报告")


class HazardReopenIn(Input):
    reason: text(300) = Field(title="重新打开原因")
    version: Version = Field(default=None, title=VERSION_TITLE)


class HazardSampleIn(Input):
    passed: bool = Field(title="抽查结论")
    opinion: text(500) = Field(title="抽查意见")
    version: Version = Field(default=None, title=VERSION_TITLE)


class HazardReturnGenerateIn(Input):
    """生成统计分析表 (16号令 Art. 14)."""

    enterprise_id: int | None = Field(default=None, title="企业(本单位可不填)")
    kind: Literal[tuple(k for k, _ in RETURN_KINDS)] = Field(title="统计期类型")
    year: int = Field(ge=2000, le=2100, title="年度")
    quarter: int = Field(default=0, ge=0, le=4, title="季度(年度表为 0)")


class HazardReturnSubmitIn(Input):
    signed_by: Name = Field(title="主要负责人签字")
    analysis: LongText = Field(default="", title="分析说明")
    version: Version = Field(default=None, title=VERSION_TITLE)


# --- responses --------------------------------------------------------------------------------


class HazardOut(Schema):
    id: int
    code: str
    enterprise_id: int | None
    subject: str
    region: str = Field(alias="region.code")
    lon: float | None
    lat: float | None
    source: str
    category: str
    description: str
    found_on: date
    level: str
    level_reason: str
    criteria: list[int]
    criterion_code: str
    production_status: str
    report_submitted_at: datetime | None
    assessed_on: date | None
    resume_review_due: date | None
    self_closed: bool
    state: str
    state_label: str
    deadline: date | None
    supervised: bool
    repeat_of: str | None
    version: int

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_repeat_of(obj) -> str | None:
        return obj.repeat_of.code if obj.repeat_of_id else None


class PriorityTermOut(Schema):
    """One term of the 一责三排 priority (see yingji.standards.hazards.priority)."""

    name: str
    value: str | int
    points: float
    explain: str


class QueuedHazardOut(HazardOut):
    """A hazard of the work queue with its priority and the terms it is the sum of."""

    priority: float
    terms: list[PriorityTermOut]


class StatsOut(Schema):
    total: int
    open: int
    overdue: int
    overdue_rate: float
    closed: int
    avg_days_to_close: float | None
    by_state: list[tuple[str, int]]
    by_level: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    by_sector: list[tuple[str, int]]
    by_month: list[tuple[str, int]]


class HazardReturnOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    kind: str
    year: int
    quarter: int
    period: str
    figures: dict
    state: str
    due_on: date
    signed_by: str
    submitted_at: datetime | None
    version: int

    @staticmethod
    def resolve_enterprise(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_period(obj) -> str:
        return obj.period_label
