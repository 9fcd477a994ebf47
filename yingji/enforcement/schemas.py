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
