"""Typed input of the case-library services."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from yingji.core.schemas import Code, Date, Input, LongText, Name, text

from .choices import ACCIDENT_TYPES, INDUSTRIES

AccidentType = Literal[tuple(k for k, _ in ACCIDENT_TYPES)]
Industry = Literal[tuple(k for k, _ in INDUSTRIES)]


class AccidentCaseIn(Input):
    code: Code = Field(min_length=2, title="案例编号")
    title: Name = Field(min_length=4, title="案例标题")
    occurred_on: Date = Field(title="发生日期")
    region: Code = Field("", title="县区编码")
    place: Name = Field("", title="地点")
    industry: Industry = Field(title="行业")
    accident_type: AccidentType = Field(title="事故类型")
    deaths: int = Field(0, ge=0, le=10_000, title="死亡人数")
    serious_injuries: int = Field(0, ge=0, le=100_000, title="重伤人数")
    injuries: int = Field(0, ge=0, le=100_000, title="轻伤人数")
    direct_loss_wan: Decimal = Field(
        Decimal("0"), ge=0, le=Decimal("100000000"), decimal_places=2, title="直接经济损失(万元)"
    )
    narrative: LongText = Field("", title="事故经过")
    direct_causes: LongText = Field("", title="直接原因")
    indirect_causes: LongText = Field("", title="间接原因")
    lessons: LongText = Field("", title="经验教训")
    responsibility: LongText = Field("", title="责任追究")
    measures: LongText = Field("", title="防范措施")
    enterprise_kind: Name = Field("", title="企业类型")
    tags: list[text(20)] = Field(default=[], max_length=20, title="标签")
    source: Name = Field("", title="来源")


class CasePushIn(Input):
    industry: Industry = Field(title="行业")
    region: Code = Field(title="县区编码")
    message: LongText = Field("", title="警示要求")
