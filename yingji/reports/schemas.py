"""Typed input of the 研判简报 services (one schema per service, for the page and the API)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from yingji.core.schemas import Code, Date, Input, LongText, Name, ShortText, Version

from .periods import KINDS
from .sections import SECTION_TITLES

BriefKind = Literal[KINDS]
SectionKey = Literal[tuple(SECTION_TITLES)]


class BriefGenerateIn(Input):
    kind: BriefKind = Field(title="简报类型")
    region: Code = Field(title="区域(编码)", description="620100 全市,或县区编码")
    day: Date = Field(title="所在期内任一日", description="如上周任一日;不得晚于今天")


class BriefOpinionsIn(Input):
    opinions: dict[SectionKey, LongText] = Field(default={}, title="分项研判意见")
    risk_outlook: LongText = Field("", title="风险提示")
    advice: LongText = Field("", title="工作建议")
    version: Version = None


class BriefSubmitIn(Input):
    version: Version = None


class BriefApproveIn(Input):
    comment: ShortText = Field("", title="审核意见")
    version: Version = None


class BriefReturnIn(Input):
    comment: ShortText = Field(min_length=2, title="退回理由")
    version: Version = None


class BriefIssueIn(Input):
    version: Version = None


RecipientRole = Literal["city_leader", "city_staff", "duty_officer", "county_staff"]


class BriefDistributeIn(Input):
    """分发 an issued brief to: every active member with one of ``roles`` in an organisation of
    ``regions`` (a region's subtree; none = any); every active member of the chosen
    ``organisations`` (and the units below them); the chosen ``users`` — of these, those who may
    read the brief. ``email``: also an e-mail notice to those with an address; ``sms``: also an
    SMS notice (the platform's 短信网关) to those with a registered mobile number."""

    roles: list[RecipientRole] = Field(default=[], max_length=4, title="收件角色")
    regions: list[Code] = Field(default=[], max_length=20, title="收件区域(代码)")
    organisations: list[Code] = Field(default=[], max_length=50, title="收件单位(机构编码,含下级)")
    users: list[Code] = Field(default=[], max_length=100, title="收件人(用户名)")
    email: bool = Field(False, title="同时发送邮件通知")
    sms: bool = Field(False, title="同时发送短信通知")


class BriefTemplateIn(Input):
    kind: BriefKind = Field(title="简报类型")
    name: Name = Field(min_length=2, title="模板名称")
