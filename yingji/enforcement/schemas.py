"""The typed edge of 执法 (issue #19): one input schema per service, the body of the API
endpoint and what the page parses its form into. Class names carry the ``Enf`` prefix (schema
names are global across the project)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from yingji.core.schemas import Code, Date, Input, Name, ShortText, Version, text

from .choices import CERTIFICATE_TYPES, OFFICER_STATUSES

RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Reason = text(300)
CertificateType = Literal[tuple(k for k, _ in CERTIFICATE_TYPES)]
OfficerStatus = Literal[tuple(k for k, _ in OFFICER_STATUSES)]


class EnfOfficerIn(Input):
    """登记/编辑执法人员. ``organisation`` is the code of the bureau, county bureau or a city
    section/unit the officer works in; ``username`` links a platform account (optional)."""

    name: text(50) = Field(min_length=2, title="姓名")
    organisation: Code = Field(min_length=2, title="所在单位(编码)")
    certificate_no: text(40) = Field(min_length=4, title="执法证号")
    certificate_type: CertificateType = Field("gansu", title="证件类型")
    issuing_authority: text(100) = Field(min_length=2, title="发证机关")
    valid_from: Date = Field(title="有效期自")
    valid_until: Date = Field(title="有效期至")
    username: text(150) = Field("", title="平台账号(用户名)")
    note: ShortText = Field("", title="备注")
    version: Version = None

    @model_validator(mode="after")
    def _order(self):
        if self.valid_until < self.valid_from:
            raise ValueError("有效期至不能早于有效期自。")
        return self


class EnfOfficerStatusIn(Input):
    status: OfficerStatus = Field(title="状态")
    reason: Reason = Field(min_length=2, title="原因")
    version: Version = None


class EnfTrainingIn(Input):
    year: int = Field(ge=2000, le=2100, title="年度")
    course: Name = Field(min_length=2, title="培训内容")
    hours: Decimal = Field(gt=0, le=500, decimal_places=1, title="学时")
    trained_on: Date | None = Field(None, title="培训日期")


class EnfConflictIn(Input):
    enterprise_id: RecordId = Field(title="回避企业")
    reason: Reason = Field(min_length=2, title="回避事由")
    declared_on: Date | None = Field(None, title="申报日期")


class EnfConflictWithdrawIn(Input):
    reason: Reason = Field(min_length=2, title="撤回原因")


Sector = Literal[
    "hazchem_production", "hazchem_storage", "hazchem_trade", "hazchem_use", "coal_mine",
    "non_coal_mine", "metallurgy", "nonferrous", "building_materials", "machinery",
    "light_industry", "textile", "tobacco", "commerce", "fireworks", "gas", "fire_key_unit",
    "other",
]  # fmt: skip
Tier = Literal["city", "county"]


class EnfDrawIn(Input):
    """双随机抽取: the 检查对象名录库 filtered by sector and tier; the seed is drawn by the
    platform when not given (and recorded either way)."""

    campaign_name: Name = Field(min_length=2, title="抽查任务名称")
    sectors: list[Sector] = Field(default=[], max_length=18, title="行业")
    tiers: list[Tier] = Field(default=[], max_length=2, title="监管层级")
    targets: int = Field(ge=1, le=500, title="抽取企业数")
    per_target: int = Field(2, ge=2, le=10, title="每户执法人员数")
    seed: int | None = Field(None, ge=0, le=2**62, title="随机种子")
    campaign_id: RecordId | None = Field(None, title="专项整治")


class EnfDrawPublishIn(Input):
    version: Version = None


class EnfDrawInspectionIn(Input):
    result_id: int = Field(ge=1, title="抽取结果")
    inspected_on: Date = Field(title="检查日期")


class EnfDrawVoidIn(Input):
    reason: Reason = Field(min_length=2, title="作废原因")
    version: Version = None


class EnfInspectionOfficersIn(Input):
    officer_ids: list[RecordId] = Field(min_length=1, max_length=20, title="执法人员")


class EnfRecordingIn(Input):
    kind: Literal["audio", "video", "photo"] = Field(title="类型")
    recorded_by_id: RecordId = Field(title="记录人")
    description: text(255) = Field("", title="说明")


class EnfOrderIn(Input):
    deadline: Date = Field(title="整改期限")
    officer_ids: list[RecordId] = Field(min_length=1, max_length=20, title="执法人员")
    finding_ids: list[RecordId] = Field(default=[], max_length=200, title="整改事项(检查发现问题)")


class EnfReInspectionIn(Input):
    passed: bool = Field(title="复查结论(是否整改合格)")
    done_on: Date = Field(title="复查日期")
    officer_ids: list[RecordId] = Field(min_length=1, max_length=20, title="复查人员")
    opinion: text(2000, multiline=True) = Field(min_length=2, title="复查意见")


class EnfCampaignIn(Input):
    name: Name = Field(min_length=2, title="名称")
    starts_on: Date = Field(title="开始日期")
    ends_on: Date = Field(title="结束日期")
    sectors: list[Sector] = Field(default=[], max_length=18, title="行业")
    target_inspections: int = Field(0, ge=0, le=100000, title="目标检查企业数")
    target_findings_closed: int = Field(0, ge=0, le=100000, title="目标整改问题数")
    note: text(2000, multiline=True) = Field("", title="说明")

    @model_validator(mode="after")
    def _order(self):
        if self.ends_on < self.starts_on:
            raise ValueError("结束日期不能早于开始日期。")
        return self


class EnfCampaignLinkIn(Input):
    inspection_ids: list[RecordId] = Field(min_length=1, max_length=200, title="检查")
