"""The typed edge of 行政处罚案件: one input schema per service (the API body and the page's
form), and the response schemas. Class names carry the ``Pen`` prefix (unique project-wide)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from yingji.core.schemas import Date, Input, LongText, Name, ShortText, Version, text
from yingji.standards import penalty_procedure as pp

from .choices import EVIDENCE_KINDS, SOURCES

RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Reason = text(300)
Person = text(100)
DecisionNo = text(100)
Line300 = text(300)
PenaltyKind = Literal[tuple(k for k, _ in pp.PENALTY_KINDS)]
ServiceMethod = Literal[tuple(k for k, _ in pp.SERVICE_METHODS)]
MajorCriterion = Literal[pp.ASSERTED_CRITERIA]


def _yuan(value: Decimal) -> Decimal:
    if abs(value) >= Decimal(10) ** 10:
        raise PydanticCustomError("yuan_digits", "金额过大。")
    if value != value.quantize(Decimal("0.01")):
        raise PydanticCustomError("yuan_places", "最多保留两位小数(精确到分)。")
    return value


Yuan = Annotated[Decimal, Field(ge=0), AfterValidator(_yuan)]


class PenFileIn(Input):
    agency_id: RecordId = Field(title="承办科室/单位")
    party_kind: Literal["unit", "person"] = Field(title="当事人类型")
    enterprise_id: RecordId | None = Field(default=None, title="当事人(单位)")
    party_name: Name = Field(default="", title="当事人姓名")
    party_address: Line300 = Field(default="", title="当事人地址")
    source: Literal[tuple(k for k, _ in SOURCES)] = Field(title="案件来源")
    inspection_id: RecordId | None = Field(default=None, title="来源检查")
    hazard_id: RecordId | None = Field(default=None, title="来源隐患(逾期未整改)")
    source_ref: Reason = Field(default="", title="来源说明")
    cause: Reason = Field(min_length=4, title="案由")
    facts: LongText = Field(default="", title="初步查明的违法事实")
    filed_on: Date = Field(title="立案日期")
    filing_approver: Person = Field(title="立案审批负责人")
    officer_ids: list[RecordId] = Field(default_factory=list, title="承办执法人员")


class PenVersionIn(Input):
    version: Version = Field(default=None, title="版本")


class PenExtendIn(Input):
    days: int = Field(ge=1, le=90, title="延长天数")
    reason: ShortText = Field(title="延长理由")
    approver: Person = Field(title="批准负责人")
    approved_on: Date = Field(title="批准日期")
    version: Version = Field(default=None, title="版本")


class PenInvestigateIn(Input):
    officer_ids: list[RecordId] = Field(default_factory=list, title="调查取证执法人员")
    note: ShortText = Field(default="", title="说明")
    version: Version = Field(default=None, title="版本")


class PenOfficersIn(Input):
    officer_ids: list[RecordId] = Field(min_length=1, max_length=20, title="承办执法人员")
    reason: ShortText = Field(title="调整原因")
    version: Version = Field(default=None, title="版本")


class PenEvidenceIn(Input):
    kind: Literal[tuple(k for k, _ in EVIDENCE_KINDS)] = Field(title="证据种类")
    title: Name = Field(title="名称")
    recorded_by: Name = Field(title="记录/制作人")
    recorded_on: Date = Field(title="取证日期")
    description: LongText = Field(default="", title="证明内容")
    storage: Line300 = Field(default="", title="存储位置")


class PenReviewIn(Input):
    facts: LongText = Field(title="违法事实")
    violated: LongText = Field(title="违反的规定")
    basis: LongText = Field(title="处罚依据")
    major_asserted: list[MajorCriterion] = Field(default_factory=list, title="重大执法决定情形")
    major_reason: ShortText = Field(default="", title="重大情形说明")
    version: Version = Field(default=None, title="版本")


class PenNotifyIn(Input):
    kinds: list[PenaltyKind] = Field(title="拟处罚种类")
    fine: Yuan | None = Field(default=None, title="拟罚款(元)")
    confiscation: Yuan | None = Field(default=None, title="拟没收金额(元)")
    text: LongText = Field(title="拟处罚内容")
    notice_served_on: Date = Field(title="告知书送达日期")
    version: Version = Field(default=None, title="版本")


class PenStatementIn(Input):
    text: LongText = Field(default="", title="陈述申辩意见")
    stated_on: Date = Field(title="陈述申辩日期")
    waived: bool = Field(default=False, title="当事人书面放弃陈述申辩和听证")
    adopted: LongText = Field(default="", title="复核意见")
    version: Version = Field(default=None, title="版本")


class PenHearingRequestIn(Input):
    requested_on: Date = Field(title="听证申请日期")
    version: Version = Field(default=None, title="版本")


class PenHearingIn(Input):
    hearing_on: Date = Field(title="听证日期")
    host: Person = Field(title="听证主持人")
    record: LongText = Field(title="听证笔录摘要")
    version: Version = Field(default=None, title="版本")


class PenOpinionIn(Input):
    opinion: LongText = Field(title="法制审核意见")
    version: Version = Field(default=None, title="版本")


class PenApprovalIn(Input):
    mode: Literal["leader", "collective"] = Field(title="决定方式")
    approver: Person = Field(title="审批负责人")
    approved_on: Date = Field(title="审批日期")
    meeting_record: LongText = Field(default="", title="集体讨论记录")
    version: Version = Field(default=None, title="版本")


class PenDecideIn(Input):
    kinds: list[PenaltyKind] = Field(title="处罚种类")
    fine: Yuan | None = Field(default=None, title="罚款(元)")
    confiscation: Yuan | None = Field(default=None, title="没收金额(元)")
    text: LongText = Field(title="处罚内容")
    decision_number: DecisionNo = Field(title="决定书文号")
    decided_on: Date = Field(title="决定日期")
    version: Version = Field(default=None, title="版本")


class PenNoPenaltyIn(Input):
    reason: LongText = Field(title="不予处罚理由")
    decided_on: Date = Field(title="决定日期")
    version: Version = Field(default=None, title="版本")


class PenServeIn(Input):
    method: ServiceMethod = Field(title="送达方式")
    served_on: Date = Field(title="送达日期")
    proof_attachment_id: RecordId | None = Field(default=None, title="送达回证(本案附件)")
    version: Version = Field(default=None, title="版本")


class PenEnforceIn(Input):
    applied_on: Date = Field(title="申请日期")
    court: Name = Field(title="受理法院")
    version: Version = Field(default=None, title="版本")


class PenExecuteIn(Input):
    executed_on: Date = Field(title="执行完毕日期")
    paid_amount: Yuan | None = Field(default=None, title="缴纳金额(元)")
    note: ShortText = Field(default="", title="履行情况")
    version: Version = Field(default=None, title="版本")


class PenCloseIn(Input):
    closed_on: Date = Field(title="结案日期")
    version: Version = Field(default=None, title="版本")


class PenWithdrawIn(Input):
    reason: ShortText = Field(title="撤案理由")
    approver: Person = Field(title="批准负责人")
    version: Version = Field(default=None, title="版本")


class PenFileReviewIn(Input):
    scores: dict[str, int] = Field(title="各项得分")
    remarks: LongText = Field(default="", title="评查意见")


# --- responses --------------------------------------------------------------------------------


class PenStepOut(Schema):
    id: int
    action: str
    label: str
    from_state: str
    to_state: str
    actor: str | None
    at: datetime
    text: str

    @staticmethod
    def resolve_actor(obj):
        return (obj.actor.get_full_name() or obj.actor.username) if obj.actor_id else None


class PenEvidenceOut(Schema):
    id: int
    number: int
    kind: str
    title: str
    recorded_by: str
    recorded_on: date
    description: str
    storage: str
    attachment_id: int | None


class PenCaseOut(Schema):
    id: int
    number: str
    authority: str = Field(alias="authority.name")
    agency: str = Field(alias="agency.name")
    party_kind: str
    enterprise_id: int | None
    party_name: str
    source: str
    cause: str
    state: str
    state_label: str = Field(alias="get_state_display")
    filed_on: date
    deadline: date
    days_left: int | None
    overdue: bool
    hearing_right: bool
    proposed_kinds: list[str]
    proposed_fine: Decimal | None
    decided_kinds: list[str]
    decided_fine: Decimal | None
    decision_number: str
    decided_on: date | None
    served_on: date | None
    closed_on: date | None
    published_at: datetime | None
    is_demo: bool
    version: int


class PenCaseDetailOut(PenCaseOut):
    facts: str
    violated: str
    basis: str
    decision_text: str
    steps: list[PenStepOut]

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.select_related("actor"))


class PenReviewOut(Schema):
    id: int
    case_id: int
    total: int
    full_marks: int
    reviewed_on: date
    scores: dict[str, int]


class PenPublicOut(Schema):
    number: str
    decision_number: str
    party: str = Field(alias="public_party")
    cause: str
    decided_on: date | None
    decision_text: str
    authority: str = Field(alias="authority.name")
