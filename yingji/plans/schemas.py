"""Typed input of the 预案与演练 services (one schema per service, for the page and the API)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from yingji.core.schemas import Code, Date, Input, LongText, Name, ShortText, Version, text

from .choices import DRILL_KINDS, EVENT_TYPES, PLAN_KINDS

PlanKind = Literal[tuple(k for k, _ in PLAN_KINDS)]
DrillKind = Literal[tuple(k for k, _ in DRILL_KINDS)]
EventType = Literal[tuple(k for k, _ in EVENT_TYPES)]


class EmergencyPlanIn(Input):
    code: Code = Field(min_length=2, title="预案编号")
    title: Name = Field(min_length=2, title="预案名称")
    kind: PlanKind = Field(title="预案类型")
    owner: Code = Field(title="编制单位(机构编码)")
    parent: int | None = Field(None, title="上级预案")
    event_types: list[EventType] = Field(default=[], max_length=12, title="适用事件类型")
    effective_on: Date = Field(title="施行日期")
    text: LongText = Field("", title="正文(无文件时录入)")


class PlanReviseIn(Input):
    effective_on: Date = Field(title="新版施行日期")
    reason: ShortText = Field(min_length=2, title="修订说明")
    text: LongText = Field("", title="正文(无文件时录入)")
    version: Version = None


class PlanFilingSubmitIn(Input):
    note: ShortText = Field("", title="报送说明")
    version: Version = None


class PlanFilingDecisionIn(Input):
    accept: bool = Field(title="是否予以备案")
    checklist: list[text(30)] = Field(default=[], max_length=20, title="审查清单:齐备的材料")
    comment: ShortText = Field("", title="审查意见(退回时必填)")
    version: Version = None


class EmergencyDrillIn(Input):
    title: Name = Field(min_length=2, title="演练名称")
    kind: DrillKind = Field(title="演练类型")
    held_on: Date = Field(title="演练日期")
    place: Name = Field("", title="地点")
    organiser: Code = Field(title="组织单位(机构编码)")
    plans: list[int] = Field(default=[], max_length=20, title="检验的预案")
    participants: text(1000) = Field("", title="参演单位和人员")
    summary: LongText = Field("", title="演练情况与评估")
    score: int | None = Field(None, ge=0, le=100, title="评估得分(百分制)")
    teams: list[int] = Field(default=[], max_length=30, title="参演救援队伍")
    scheduled: int | None = Field(None, title="落实的年度演练计划条目")


class DrillFindingIn(Input):
    description: ShortText = Field(min_length=2, title="发现问题")
    owner_name: text(50) = Field(min_length=1, title="整改责任人")
    due_on: Date = Field(title="整改期限")
    plan: int | None = Field(None, title="暴露缺陷的预案(需修订)")


class FindingRectifyIn(Input):
    rectification: text(1000, multiline=True) = Field(min_length=2, title="整改情况")
    version: Version = None


class FindingVerifyIn(Input):
    passed: bool = Field(title="验证是否通过")
    opinion: ShortText = Field(min_length=2, title="验证意见")
    version: Version = None


class DrillTargetIn(Input):
    kind: DrillKind = Field(title="演练类型")
    region: Code = Field("", title="县区编码(空=各县区默认)")
    per_year: int = Field(ge=0, le=100, title="年度目标(次)")
    note: ShortText = Field("", title="说明")
    version: Version = None


PartUnit = text(20)


class PlanPartIn(Input):
    kind: Literal["level", "group", "resource"] = Field(title="要素类型")
    level: int | None = Field(None, ge=1, le=4, title="响应级别(1–4)")
    name: Name = Field(min_length=2, title="名称")
    lead_unit: Name = Field("", title="牵头单位/指挥")
    text: LongText = Field("", title="启动条件/职责/说明")
    item_code: Code = Field("", title="物资编码")
    quantity: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2, title="需求数量")
    unit: PartUnit = Field("", title="计量单位")


class PlanPartVoidIn(Input):
    reason: ShortText = Field(min_length=2, title="作废原因")
    version: Version = None


class ScheduledDrillIn(Input):
    year: int = Field(ge=2000, le=2100, title="年度")
    month: int = Field(ge=1, le=12, title="计划月份")
    title: Name = Field(min_length=2, title="演练名称")
    kind: DrillKind = Field(title="演练类型")
    organiser: Code = Field(title="组织单位(机构编码)")
    plans: list[int] = Field(default=[], max_length=20, title="拟检验的预案")
