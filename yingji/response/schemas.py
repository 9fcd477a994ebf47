"""Typed input of the 值班与应急响应 services (one schema per service: the pages and the API).
Times without a time zone are local time (Asia/Shanghai)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from yingji.core.schemas import Code, Date, DateTime, Input, LongText, Name, ShortText

Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
People = Annotated[int, Field(ge=0, le=100_000_000)]  # 自然灾害: 转移安置 may exceed a million
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
ReportKind = Literal["first", "phone", "follow_up", "verified", "supplement", "final"]


class Casualties(Input):
    deaths: Count = Field(default=0, title="死亡")
    missing: Count = Field(default=0, title="失踪")
    serious_injuries: Count = Field(default=0, title="重伤(含急性工业中毒)")
    minor_injuries: Count = Field(default=0, title="轻伤")
    trapped: Count = Field(default=0, title="被困")
    endangered: Count = Field(default=0, title="涉险")
    evacuated: Count = Field(default=0, title="疏散")
    relocated: People = Field(default=0, title="紧急转移安置和需紧急生活救助(人)")
    houses_rooms: People = Field(default=0, title="倒塌和严重损坏房屋(间)")
    houses_households: People = Field(default=0, title="倒塌和严重损坏房屋(户)")
    loss_yuan: Money = Field(default=Decimal(0), title="直接经济损失(元)")


class EventIn(Casualties):
    """接报: the call as the duty officer takes it. The place is located to its county from
    the coordinates, else from the enterprise, else the county given."""

    title: Name = Field(min_length=4, title="事件名称")
    event_type: Code = Field(title="事件类型", description="事件类型编码,见 /api/v1/response/types")
    received_at: DateTime | None = Field(default=None, title="接报时间", description="不填为现在")
    occurred_at: DateTime = Field(title="发生时间")
    channel: Literal["phone", "system", "superior", "alarm", "other"] = Field(
        default="phone", title="接报方式"
    )
    reporter: Name = Field(default="", max_length=100, title="报告人")
    reporter_phone: Code = Field(default="", max_length=30, title="报告人电话")
    place: Name = Field(min_length=2, title="地点")
    lon: Lon | None = Field(default=None, title="经度")
    lat: Lat | None = Field(default=None, title="纬度")
    crs: Literal["wgs84", "gcj02", "bd09"] = Field(default="wgs84", title="坐标系")
    county: Code | None = Field(default=None, title="县区编码", description="如 620104(西固区)")
    enterprise: Code | None = Field(
        default=None, title="涉事企业", description="企业的机构编码,如 DEMO-ENT-620104-01"
    )
    description: LongText = Field(min_length=4, title="事件概况")
    measures: LongText = Field(default="", title="已采取措施")
    source_alarm: int | None = Field(
        default=None, ge=1, title="来源告警编号", description="立为事件:监测告警的编号"
    )
    source_warning: int | None = Field(
        default=None, ge=1, title="来源预警编号", description="立为事件:预警信息的编号"
    )

    @model_validator(mode="after")
    def _where(self):
        if (self.lon is None) != (self.lat is None):
            raise ValueError("经度和纬度须同时填写。")
        if self.lon is None and not self.county and not self.enterprise:
            raise ValueError("请填写坐标、涉事企业或县区之一,以确定事发县区。")
        if self.received_at and self.occurred_at > self.received_at:
            raise ValueError("发生时间不能晚于接报时间。")
        return self


class ReportIn(Casualties):
    """一份报告 (首报/电话快报/续报/核报/补报/终报): the figures as now known; submitted at once
    and never changed afterwards."""

    kind: ReportKind = Field(title="报告类型")
    reported_to: Name = Field(min_length=2, title="报送对象")
    signed_off_by: Name = Field(default="", max_length=60, title="签发人")
    content: LongText = Field(min_length=4, title="报告内容")
    version: int | None = Field(default=None, title="版本")


class LevelIn(Input):
    action: Literal["start", "adjust", "end"] = Field(title="操作")
    level: int | None = Field(default=None, ge=1, le=4, title="响应级别")
    reason: LongText = Field(min_length=4, title="理由")
    version: int | None = Field(default=None, title="版本")


class TaskIn(Input):
    content: LongText = Field(min_length=4, title="指令内容")
    assignee: Code = Field(title="承办单位编码", description="如 LZYJJ-WHP、XGQ-YJJ")
    deadline: DateTime = Field(title="完成时限")


class SignIn(Input):
    version: int | None = Field(default=None, title="版本")


class FeedbackIn(Input):
    feedback: LongText = Field(min_length=2, title="反馈情况")
    version: int | None = Field(default=None, title="版本")


class ActionIn(Input):
    content: ShortText = Field(min_length=4, title="整改措施")
    owner: Code = Field(title="责任单位编码")
    due_on: Date = Field(title="完成期限")


class ReviewIn(Input):
    findings: LongText = Field(min_length=4, title="发现的问题")
    lessons: LongText = Field(default="", title="经验教训")
    actions: list[ActionIn] = Field(default_factory=list, max_length=30, title="整改措施")


class ActionDoneIn(Input):
    note: ShortText = Field(min_length=2, title="完成情况")
    version: int | None = Field(default=None, title="版本")


class ShiftIn(Input):
    organisation: Code = Field(title="值班单位编码", description="LZYJJ 或县区应急局,如 XGQ-YJJ")
    date: Date = Field(title="日期")
    shift: Literal["day", "night", "all"] = Field(default="all", title="班次")
    leader: Name = Field(min_length=2, max_length=60, title="带班领导")
    officer: Name = Field(min_length=2, max_length=60, title="值班员")
    liaison: Name = Field(default="", max_length=60, title="联络员")
    phone: Code = Field(default="", max_length=30, title="值班电话")


class LogIn(Input):
    content: LongText = Field(min_length=2, title="内容")
    open_item: bool = Field(default=False, title="待办(交接)")
    event: int | None = Field(default=None, title="相关事件编号(内部)")


class HandoverIn(Input):
    note: LongText = Field(default="", title="交班说明")
    version: int | None = Field(default=None, title="版本")


class EventTypeIn(Input):
    code: Code = Field(min_length=2, max_length=20, pattern=r"^[A-Za-z0-9_\-]+$", title="编码")
    name: Name = Field(min_length=2, max_length=60, title="名称")
    category: Literal["natural", "accident", "health", "social"] = Field(title="类别")
    production_safety: bool = Field(default=False, title="生产安全事故")
    road_or_fire: bool = Field(default=False, title="道路交通或火灾")
    active: bool = Field(default=True, title="启用")
    order: int = Field(default=0, ge=0, le=9999, title="排序")


# --- 调班 -----------------------------------------------------------------------------------


class SwapRequestIn(Input):
    role: Literal["leader", "officer", "liaison"] = Field(default="officer", title="岗位")
    shift: int = Field(ge=1, title="我的班次(内部编号)")
    other_shift: int = Field(ge=1, title="对方班次(内部编号)")
    counterpart: Code = Field(title="对方用户名")
    reason: ShortText = Field(min_length=2, title="调班原因")


class SwapAnswerIn(Input):
    accept: bool = Field(title="同意调班")
    note: ShortText = Field(default="", title="意见")
    version: int | None = Field(default=None, title="版本")


class SwapDecisionIn(Input):
    approve: bool = Field(title="批准")
    note: ShortText = Field(default="", title="审批意见")
    version: int | None = Field(default=None, title="版本")


class SwapCancelIn(Input):
    version: int | None = Field(default=None, title="版本")


# --- 联合值守 --------------------------------------------------------------------------------


class JointMemberIn(Input):
    post: Literal["front", "rear"] = Field(title="指挥部")
    group: Literal[
        "coordination",
        "rescue",
        "medical",
        "traffic",
        "security",
        "supplies",
        "monitoring",
        "news",
        "experts",
        "aftermath",
    ] = Field(title="工作组")
    organisation: Code | None = Field(
        default=None, title="所在单位编码", description="机构树中的单位,如 LZYJJ-YJZH、XGQ-YJJ"
    )
    department: Name = Field(
        default="", max_length=100, title="单位/部门", description="机构树外的部门,如 市公安局"
    )
    name: Name = Field(min_length=2, max_length=60, title="姓名")
    role: Literal["head", "deputy", "member", "liaison"] = Field(default="member", title="职责")
    phone: Code = Field(default="", max_length=30, title="联系电话")

    @model_validator(mode="after")
    def _unit(self):
        if not self.organisation and not self.department:
            raise ValueError("请选择机构树中的单位或填写部门名称。")
        return self


class JointWithdrawIn(Input):
    reason: ShortText = Field(min_length=2, max_length=300, title="撤离原因")
    version: int | None = Field(default=None, title="版本")


# --- 重大活动保障 ----------------------------------------------------------------------------


class ActivityIn(Input):
    name: Name = Field(min_length=2, max_length=100, title="活动名称")
    kind: Literal["sports", "expo", "culture", "meeting", "other"] = Field(
        default="other", title="活动类型"
    )
    starts_on: Date = Field(title="保障开始日期")
    ends_on: Date = Field(title="保障结束日期")
    organiser: Code = Field(default="LZYJJ", title="牵头单位编码")
    command_post: Name = Field(default="", max_length=200, title="现场指挥部")
    description: LongText = Field(default="", title="活动概况")
    version: int | None = Field(default=None, title="版本")

    @model_validator(mode="after")
    def _dates(self):
        if self.ends_on < self.starts_on:
            raise ValueError("保障结束日期不能早于开始日期。")
        if (self.ends_on - self.starts_on).days > 60:
            raise ValueError("保障期不宜超过60天,请分期登记。")
        return self


class ActivityCancelIn(Input):
    reason: ShortText = Field(min_length=2, max_length=300, title="取消原因")
    version: int | None = Field(default=None, title="版本")


class VenueIn(Input):
    name: Name = Field(min_length=2, max_length=100, title="场所名称")
    address: Name = Field(default="", max_length=200, title="地址")
    county: Code = Field(title="县区编码", description="如 620102(城关区)")
    lon: Lon | None = Field(default=None, title="经度(WGS84)")
    lat: Lat | None = Field(default=None, title="纬度(WGS84)")

    @model_validator(mode="after")
    def _both(self):
        if (self.lon is None) != (self.lat is None):
            raise ValueError("经度和纬度须同时填写。")
        return self


class ActivityDutyIn(Input):
    date: Date = Field(title="日期")
    post: Name = Field(min_length=2, max_length=100, title="岗位/地点")
    leader: Name = Field(min_length=2, max_length=60, title="带班领导")
    officer: Name = Field(min_length=2, max_length=60, title="值班员")
    liaison: Name = Field(default="", max_length=60, title="联络员")
    phone: Code = Field(default="", max_length=30, title="值班电话")


class ActivityDutiesIn(Input):
    """An activity's roster in one go (the rows of its .xlsx): all inside the period or none."""

    rows: list[ActivityDutyIn] = Field(min_length=1, max_length=2000, title="值班行")


class ActivityRiskIn(Input):
    name: Name = Field(min_length=2, max_length=100, title="风险点")
    venue: int | None = Field(default=None, title="场所(内部编号)")
    level: Literal["major", "larger", "general", "low"] = Field(default="general", title="风险等级")
    hazard: LongText = Field(min_length=2, title="风险描述")
    measures: LongText = Field(min_length=2, title="管控措施")
    owner: Code = Field(title="责任单位编码")


class ActivityTeamIn(Input):
    team: int = Field(ge=1, title="队伍(应急资源中的编号)")
    place: Name = Field(min_length=2, max_length=200, title="待命地点")
    people: Count = Field(default=0, title="待命人数")
    note: ShortText = Field(default="", max_length=300, title="任务")


class ActivityReportIn(Input):
    date: Date = Field(title="日期")
    summary: LongText = Field(min_length=4, title="保障情况")
    incidents: Count = Field(default=0, title="突发情况(起)")
    issues: LongText = Field(default="", title="问题及次日安排")


# --- 信息发布 (T35) ---------------------------------------------------------------------------

ReleaseChannel = Literal["website", "new_media", "press_conference", "sms"]


class InfoReleaseIn(Input):
    """A release draft (信息发布稿): submitted for review as soon as it is written."""

    kind: Literal["first", "follow_up", "rumour", "press"] = Field(title="发布类型")
    channels: list[ReleaseChannel] = Field(min_length=1, max_length=4, title="发布渠道")
    title: Name = Field(min_length=4, title="标题")
    content: LongText = Field(min_length=10, title="发布内容")


class InfoReleaseReviseIn(InfoReleaseIn):
    """A returned draft, revised by its drafter and submitted again."""

    version: int | None = Field(default=None, title="版本")


class InfoReleaseDecisionIn(Input):
    """审核 (政策法规科/办公室) or 审批 (局领导): pass it on, or return it with an opinion."""

    approve: bool = Field(title="通过")
    note: ShortText = Field(default="", title="意见")
    version: int | None = Field(default=None, title="版本")

    @model_validator(mode="after")
    def _a_return_says_why(self):
        if not self.approve and not self.note:
            raise ValueError("退回时请填写意见。")
        return self


class InfoReleasePublishIn(Input):
    version: int | None = Field(default=None, title="版本")


class InfoReleaseVoidIn(Input):
    reason: ShortText = Field(min_length=2, title="作废原因")
    version: int | None = Field(default=None, title="版本")


class MergeIn(Input):
    """合并: this (duplicate) event into the primary one, named by its 事件编号."""

    primary: Code = Field(title="主事件编号", description="如 SJ-20260101-001")
    reason: ShortText = Field(min_length=2, title="合并原因")
    version: int | None = Field(default=None, title="版本")


class SplitIn(EventIn):
    """拆分: a new event made from part of this one (a second fire reported in the same call).
    The new event is taken like an intake (its own type, place, figures; received at the
    original's time unless given); the chosen command tasks, joint-roster members and shift-log
    entries of the original move to it, and with ``move_links`` its source alarm/warning link.
    Reports stay on the original (they are immutable)."""

    reason: ShortText = Field(min_length=2, title="拆分原因")
    tasks: list[int] = Field(default=[], max_length=500, title="转移的指令")
    joint: list[int] = Field(default=[], max_length=500, title="转移的联合值守人员")
    logs: list[int] = Field(default=[], max_length=500, title="转移的值班日志")
    move_links: bool = Field(default=False, title="来源告警/预警随新事件")
    version: int | None = Field(default=None, title="原事件版本")


class CommandTemplateIn(Input):
    """按模板编组: the event's joint roster formed from a 指挥部编组模板 (code, see
    GET /api/v1/response/command-templates); rows already on the roster are kept."""

    template: Code = Field(title="编组模板")


class HazardLinkIn(Input):
    """事件关联隐患: a 隐患 the user may see (by its number)."""

    hazard: int = Field(ge=1, title="隐患", description="隐患的编号(id),见 /api/v1/hazards")
    note: ShortText = Field(default="", max_length=300, title="关联说明")


class HazardUnlinkIn(Input):
    reason: ShortText = Field(default="", max_length=300, title="解除原因")
