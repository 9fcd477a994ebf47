"""值班与应急响应: event types (configurable), events (接报), their reports up (首报/续报/核报…,
immutable once submitted), response level changes, command tasks (指令), after-action reviews
(复盘) with follow-up actions, duty rosters, shift logs and handovers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel

from .choices import (
    ACTIVITY_KINDS,
    ACTIVITY_STATES,
    CATEGORIES,
    CHANNELS,
    COMMAND_GROUPS,
    COMMAND_POSTS,
    DUTY_ROLES,
    EVENT_STATES,
    GRADES,
    JOINT_ROLES,
    LEVEL_ACTIONS,
    RELEASE_CHANNELS,
    RELEASE_KINDS,
    RELEASE_STATES,
    REPORT_KINDS,
    RESPONSE_LEVELS,
    RESPONSE_STATES,
    RISK_LEVELS,
    SHIFTS,
    SWAP_STATES,
    TASK_STATES,
)


class EventType(AuditedModel):
    """An event type (GB/T 35561 category and sub-type), configurable by administrators.
    ``production_safety`` types are graded by 493号令; ``road_or_fire`` ones have the 7-day
    补报 window."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    category = models.CharField(_("类别"), max_length=12, choices=CATEGORIES)
    production_safety = models.BooleanField(_("生产安全事故"), default=False)
    road_or_fire = models.BooleanField(_("道路交通或火灾"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("事件类型")
        verbose_name_plural = _("事件类型")

    def __str__(self):
        return f"{self.get_category_display()}·{self.name}"


class Event(AuditedModel):
    """One 突发事件 as the duty desk received it. Casualty figures change only through a
    submitted report (首报/续报/核报/补报/终报), so their history is the reports'."""

    number = models.CharField(_("事件编号"), max_length=30, unique=True)
    title = models.CharField(_("事件名称"), max_length=200)
    event_type = models.ForeignKey(
        EventType, verbose_name=_("事件类型"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("接报时间"))
    occurred_at = models.DateTimeField(_("发生时间"))
    channel = models.CharField(_("接报方式"), max_length=10, choices=CHANNELS, default="phone")
    reporter = models.CharField(_("报告人"), max_length=100, blank=True)
    reporter_phone = models.CharField(_("报告人电话"), max_length=30, blank=True)
    place = models.CharField(_("地点"), max_length=200)
    lon = models.FloatField(_("经度(WGS84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS84)"), null=True, blank=True)
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("涉事企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("事件概况"))
    measures = models.TextField(_("已采取措施"), blank=True)
    deaths = models.PositiveIntegerField(_("死亡"), default=0)
    missing = models.PositiveIntegerField(_("失踪"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤(含急性工业中毒)"), default=0)
    minor_injuries = models.PositiveIntegerField(_("轻伤"), default=0)
    trapped = models.PositiveIntegerField(_("被困"), default=0)
    endangered = models.PositiveIntegerField(_("涉险"), default=0)
    evacuated = models.PositiveIntegerField(_("疏散"), default=0)
    # 自然灾害 figures (国家自然灾害救助应急预案 启动条件): changed, like the casualties, only
    # through a report
    relocated = models.PositiveIntegerField(_("紧急转移安置和需紧急生活救助(人)"), default=0)
    houses_rooms = models.PositiveIntegerField(_("倒塌和严重损坏房屋(间)"), default=0)
    houses_households = models.PositiveIntegerField(_("倒塌和严重损坏房屋(户)"), default=0)
    loss_yuan = models.DecimalField(
        _("直接经济损失(元)"), max_digits=14, decimal_places=2, default=0
    )
    grade = models.CharField(_("事故等级"), max_length=20, choices=GRADES, blank=True)
    near_miss = models.BooleanField(_("较大涉险"), default=False)
    relief_level = models.PositiveSmallIntegerField(
        _("自然灾害救助响应建议"), choices=RESPONSE_LEVELS, null=True, blank=True
    )
    state = models.CharField(_("状态"), max_length=8, choices=EVENT_STATES, default="open")
    response_state = models.CharField(
        _("应急响应"), max_length=8, choices=RESPONSE_STATES, default="none"
    )
    response_level = models.PositiveSmallIntegerField(
        _("响应级别"), choices=RESPONSE_LEVELS, null=True, blank=True
    )
    next_report_due = models.DateTimeField(_("下次报告时限"), null=True, blank=True)
    next_report_label = models.CharField(_("下次报告"), max_length=40, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Where the event came from (立为事件 from a monitoring alarm or a warning): string FKs, read
    # through those apps' selectors only.
    source_alarm = models.ForeignKey(
        "monitoring.Alarm",
        verbose_name=_("来源告警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_warning = models.ForeignKey(
        "warnings.Warning",
        verbose_name=_("来源预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 合并事件: a duplicate intake points at the primary event (never deleted); its tasks,
    # joint roster, releases and log entries move there, its reports stay (immutable) and are
    # shown on the primary through this link.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("已并入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_duplicates",
    )
    merged_at = models.DateTimeField(_("合并时间"), null=True, blank=True)
    merge_reason = models.CharField(_("合并原因"), max_length=300, blank=True)
    # 拆分事件: an event made from part of another (a second fire reported in the same call);
    # the original keeps its reports (immutable) and lists the events split from it.
    split_from = models.ForeignKey(
        "self",
        verbose_name=_("拆分自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="split_events",
    )
    split_reason = models.CharField(_("拆分原因"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("response:event", args=[self.pk])

    @property
    def grade_text(self) -> str:
        if self.grade:
            return f"{self.get_grade_display()}事故" + ("(较大涉险)" if self.near_miss else "")
        return "较大涉险事故" if self.near_miss else "—"


class EventReport(AuditedModel):
    """A report up (首报, 电话快报, 续报, 核报, 补报, 终报): immutable once submitted. It carries the
    casualty figures as reported; the event takes them."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("报告类型"), max_length=12, choices=REPORT_KINDS)
    seq = models.PositiveSmallIntegerField(_("序号"))
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_to = models.CharField(_("报送对象"), max_length=200)
    signed_off_by = models.CharField(_("签发人"), max_length=60, blank=True)
    content = models.TextField(_("报告内容"))
    figures = models.JSONField(_("伤亡及损失"), default=dict)
    grade = models.CharField(_("事故等级"), max_length=20, choices=GRADES, blank=True)
    late_supplement = models.BooleanField(_("超过补报期限"), default=False)

    class Meta:
        ordering = ["event", "submitted_at", "seq"]
        verbose_name = _("事件报告")
        verbose_name_plural = _("事件报告")
        constraints = [models.UniqueConstraint(fields=["event", "seq"], name="response_report_seq")]

    def __str__(self):
        return f"{self.event.number} 第{self.seq}报({self.get_kind_display()})"

    def get_absolute_url(self):
        return reverse("response:event", args=[self.event_id]) + f"#report-{self.pk}"


class LevelChange(AuditedModel):
    """启动/调整/终止 应急响应: who decided, when, why."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="level_changes")
    action = models.CharField(_("操作"), max_length=8, choices=LEVEL_ACTIONS)
    level = models.PositiveSmallIntegerField(
        _("响应级别"), choices=RESPONSE_LEVELS, null=True, blank=True
    )
    previous = models.PositiveSmallIntegerField(
        _("原级别"), choices=RESPONSE_LEVELS, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"))
    reason = models.TextField(_("理由"))

    class Meta:
        ordering = ["event", "decided_at", "pk"]
        verbose_name = _("应急响应级别变更")
        verbose_name_plural = _("应急响应级别变更")

    def __str__(self):
        return f"{self.event.number} {self.get_action_display()}{self.get_level_display() or ''}"

    def get_absolute_url(self):
        return reverse("response:event", args=[self.event_id]) + "#levels"


class CommandTask(AuditedModel):
    """指令: issued to an organisation with a deadline; the unit signs (签收) and feeds back."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="tasks")
    content = models.TextField(_("指令内容"))
    assignee = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateTimeField(_("完成时限"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下达人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("下达时间"))
    state = models.CharField(_("状态"), max_length=10, choices=TASK_STATES, default="issued")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    feedback = models.TextField(_("反馈情况"), blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反馈人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("撤销原因"), max_length=500, blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("指令")
        verbose_name_plural = _("指令")

    def __str__(self):
        return f"{self.event.number} 指令#{self.pk}→{self.assignee.name}"

    def get_absolute_url(self):
        return reverse("response:task", args=[self.pk])

    def overdue(self, now) -> bool:
        if self.state in ("done", "cancelled"):
            return bool(self.feedback_at and self.feedback_at > self.deadline)
        return now > self.deadline


class Review(AuditedModel):
    """复盘: facts taken from the event when the review is opened, findings and lessons."""

    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="review")
    facts = models.JSONField(_("事件事实"), default=dict)
    findings = models.TextField(_("发现的问题"))
    lessons = models.TextField(_("经验教训"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填写人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("复盘")
        verbose_name_plural = _("复盘")

    def __str__(self):
        return f"{self.event.number} 复盘"

    def get_absolute_url(self):
        return reverse("response:event", args=[self.event_id]) + "#review"


class ReviewAction(AuditedModel):
    """An improvement action of a 复盘, tracked to done."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="actions")
    content = models.CharField(_("整改措施"), max_length=500)
    owner = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.CharField(_("完成情况"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("复盘整改措施")
        verbose_name_plural = _("复盘整改措施")

    def __str__(self):
        return self.content[:60]

    def get_absolute_url(self):
        return reverse("response:event", args=[self.review.event_id]) + "#review"


class DutyShift(AuditedModel):
    """One shift of a bureau's (or a county bureau's) roster: 带班领导, 值班员, 联络员."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("值班单位"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("日期"))
    shift = models.CharField(_("班次"), max_length=6, choices=SHIFTS, default="all")
    leader = models.CharField(_("带班领导"), max_length=60)
    officer = models.CharField(_("值班员"), max_length=60)
    liaison = models.CharField(_("联络员"), max_length=60, blank=True)
    phone = models.CharField(_("值班电话"), max_length=30, blank=True)
    handed_over_at = models.DateTimeField(_("交班时间"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交班人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handover_note = models.TextField(_("交班说明"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["date", "organisation__code", "shift"]
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "date", "shift"], name="response_shift_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation.name} {self.date:%Y-%m-%d} {self.get_shift_display()}"

    def get_absolute_url(self):
        return reverse("response:shift", args=[self.pk])


class ShiftLog(AuditedModel):
    """值班日志 entry of a shift; an open item is carried to the next shift at handover."""

    shift = models.ForeignKey(DutyShift, on_delete=models.PROTECT, related_name="logs")
    time = models.DateTimeField(_("时间"))
    content = models.TextField(_("内容"))
    open_item = models.BooleanField(_("待办(交接)"), default=False)
    event = models.ForeignKey(
        Event, verbose_name=_("相关事件"), null=True, blank=True, on_delete=models.PROTECT
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接班确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("接班确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["time", "pk"]
        verbose_name = _("值班日志")
        verbose_name_plural = _("值班日志")

    def __str__(self):
        return f"{self.shift} {self.time:%H:%M} {self.content[:30]}"

    def get_absolute_url(self):
        return reverse("response:shift", args=[self.shift_id])


class ShiftSwap(AuditedModel):
    """调班: the person on one shift asks the person on another (same role) to swap; the other
    accepts; the 带班领导 or the 应急指挥科 head approves. The roster changes only on approval."""

    role = models.CharField(_("岗位"), max_length=8, choices=DUTY_ROLES, default="officer")
    shift = models.ForeignKey(
        DutyShift, verbose_name=_("申请人班次"), on_delete=models.PROTECT, related_name="+"
    )
    other_shift = models.ForeignKey(
        DutyShift, verbose_name=_("对方班次"), on_delete=models.PROTECT, related_name="+"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    counterpart = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("对方"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("调班原因"), max_length=500)
    state = models.CharField(_("状态"), max_length=10, choices=SWAP_STATES, default="requested")
    answered_at = models.DateTimeField(_("对方答复时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    note = models.CharField(_("意见"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("调班申请")
        verbose_name_plural = _("调班申请")

    def __str__(self):
        return f"调班#{self.pk} {self.shift.date:%m-%d}⇄{self.other_shift.date:%m-%d}"

    def get_absolute_url(self):
        return reverse("response:swap", args=[self.pk])


class JointDutyMember(AuditedModel):
    """联合值守 (T34): one person of the joint roster of an event's response — 前方/后方指挥部,
    a working group (混编成组), from the bureau, a county bureau or another city department."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="joint_members")
    post = models.CharField(_("指挥部"), max_length=6, choices=COMMAND_POSTS)
    group = models.CharField(_("工作组"), max_length=14, choices=COMMAND_GROUPS)
    # the group's own name when it came from a plan's 指挥机构工作组 that is none of the house
    # groups (group "other"); empty otherwise
    group_name = models.CharField(_("工作组名称(预案)"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在单位(机构树)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.CharField(_("单位/部门"), max_length=100)
    name = models.CharField(_("姓名"), max_length=60)
    role = models.CharField(_("职责"), max_length=8, choices=JOINT_ROLES, default="member")
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    withdrawn_at = models.DateTimeField(_("撤离时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤离原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["event", "post", "group", "role", "pk"]
        verbose_name = _("联合值守人员")
        verbose_name_plural = _("联合值守人员")

    def __str__(self):
        return f"{self.get_post_display()}{self.group_label} {self.name}"

    def get_absolute_url(self):
        return reverse("response:event", args=[self.event_id]) + "#joint"

    @property
    def group_label(self) -> str:
        return self.group_name or str(self.get_group_display())

    @property
    def external(self) -> bool:
        """Another department's person (市直部门 of the tree, or typed by name: 外部门)."""
        return self.organisation_id is None or self.organisation.kind == "department"


class Activity(AuditedModel):
    """重大活动应急保障 (T40): an activity period (兰州马拉松, 兰洽会, 省运会…) with venues, its own
    duty roster, risk points, teams on standby and a daily report for each day."""

    name = models.CharField(_("活动名称"), max_length=100)
    kind = models.CharField(_("活动类型"), max_length=8, choices=ACTIVITY_KINDS, default="other")
    starts_on = models.DateField(_("保障开始日期"))
    ends_on = models.DateField(_("保障结束日期"))
    organiser = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    command_post = models.CharField(_("现场指挥部"), max_length=200, blank=True)
    description = models.TextField(_("活动概况"), blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=ACTIVITY_STATES, default="planned")
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("重大活动保障")
        verbose_name_plural = _("重大活动保障")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("response:activity", args=[self.pk])


class ActivityVenue(AuditedModel):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="venues")
    name = models.CharField(_("场所名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="+"
    )
    lon = models.FloatField(_("经度(WGS84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS84)"), null=True, blank=True)

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("活动场所")
        verbose_name_plural = _("活动场所")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("response:activity", args=[self.activity_id]) + "#venues"


class ActivityDuty(AuditedModel):
    """The activity's own roster: one post (指挥部, a venue, 赛道沿线…) on one day."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="duties")
    date = models.DateField(_("日期"))
    post = models.CharField(_("岗位/地点"), max_length=100)
    leader = models.CharField(_("带班领导"), max_length=60)
    officer = models.CharField(_("值班员"), max_length=60)
    liaison = models.CharField(_("联络员"), max_length=60, blank=True)
    phone = models.CharField(_("值班电话"), max_length=30, blank=True)

    class Meta:
        ordering = ["activity", "date", "pk"]
        verbose_name = _("活动值班")
        verbose_name_plural = _("活动值班")

    def __str__(self):
        return f"{self.activity.name} {self.date:%m-%d} {self.post}"

    def get_absolute_url(self):
        return reverse("response:activity", args=[self.activity_id]) + "#duties"


class ActivityRisk(AuditedModel):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="risks")
    venue = models.ForeignKey(
        ActivityVenue,
        verbose_name=_("场所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("风险点"), max_length=100)
    level = models.CharField(_("风险等级"), max_length=8, choices=RISK_LEVELS, default="general")
    hazard = models.TextField(_("风险描述"))
    measures = models.TextField(_("管控措施"))
    owner = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["activity", "level", "pk"]
        verbose_name = _("活动风险点")
        verbose_name_plural = _("活动风险点")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("response:activity", args=[self.activity_id]) + "#risks"


class ActivityTeam(AuditedModel):
    """A team on standby: the resources app's team by id (read through its selectors; its name
    is kept as it was when put on standby)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="teams")
    team_id_ref = models.PositiveIntegerField(_("队伍编号"))
    team_name = models.CharField(_("队伍"), max_length=200)
    place = models.CharField(_("待命地点"), max_length=200)
    people = models.PositiveIntegerField(_("待命人数"), default=0)
    note = models.CharField(_("任务"), max_length=300, blank=True)

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("待命队伍")
        verbose_name_plural = _("待命队伍")
        constraints = [
            models.UniqueConstraint(fields=["activity", "team_id_ref"], name="response_act_team")
        ]

    def __str__(self):
        return self.team_name

    def get_absolute_url(self):
        return reverse("response:activity", args=[self.activity_id]) + "#teams"


class ActivityReport(AuditedModel):
    """日报: one per day of the activity period, submitted once."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="reports")
    date = models.DateField(_("日期"))
    summary = models.TextField(_("保障情况"))
    incidents = models.PositiveIntegerField(_("突发情况(起)"), default=0)
    issues = models.TextField(_("问题及次日安排"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("填报时间"))

    class Meta:
        ordering = ["activity", "date"]
        verbose_name = _("活动日报")
        verbose_name_plural = _("活动日报")
        constraints = [
            models.UniqueConstraint(fields=["activity", "date"], name="response_act_report_day")
        ]

    def __str__(self):
        return f"{self.activity.name} {self.date:%m月%d日}日报"

    def get_absolute_url(self):
        return reverse("response:activity", args=[self.activity_id]) + "#reports"


class Release(AuditedModel):
    """信息发布稿 (T35, one window): drafted by a section handling the event, reviewed by 政策法规科
    or 办公室, approved by a 局领导 (≠ the drafter), then released to every chosen channel at
    once. The released text is never changed (a correction is a new 续发/辟谣)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="releases")
    kind = models.CharField(_("发布类型"), max_length=10, choices=RELEASE_KINDS)
    channels = models.JSONField(_("发布渠道"), default=list)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("发布内容"))
    state = models.CharField(_("状态"), max_length=10, choices=RELEASE_STATES, default="reviewing")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("起草单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    note = models.CharField(_("审核/审批意见"), max_length=500, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("信息发布稿")
        verbose_name_plural = _("信息发布稿")
        indexes = [models.Index(fields=["state", "released_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="released")
                | Q(released_at__isnull=False, approved_at__isnull=False),
                name="response_release_released_is_approved",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}:{self.title}"

    def get_absolute_url(self):
        return reverse("response:release", args=[self.pk])

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(RELEASE_CHANNELS)
        return [str(labels.get(c, c)) for c in self.channels]


class JointDutyPeriod(AuditedModel):
    """联合值守 (T34) of one duty unit during an event's response: from the moment a response is
    started (or raised) at a level whose data says this unit's roster switches, the unit's roster
    runs as a 联合值守 roster — its own 带班领导/值班员/联络员 and the liaisons of the other
    departments on the event's joint roster — until the response ends or is lowered below that
    level. Opened and closed only by the level decision (services.do_change_response_level)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="joint_periods")
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("值班单位"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("启动时响应级别"), choices=RESPONSE_LEVELS)
    started_at = models.DateTimeField(_("转为联合值守时间"))
    started_by = models.ForeignKey(
        LevelChange,
        verbose_name=_("启动依据(响应决定)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("恢复常规值守时间"), null=True, blank=True)
    ended_by = models.ForeignKey(
        LevelChange,
        verbose_name=_("结束依据(响应决定)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("联合值守时段")
        verbose_name_plural = _("联合值守时段")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"],
                condition=Q(ended_at__isnull=True),
                name="response_jointperiod_one_open",
            )
        ]

    def __str__(self):
        return f"{self.organisation.name}联合值守({self.event.number})"

    def get_absolute_url(self):
        return reverse("response:event", args=[self.event_id]) + "#joint-duty"

    @property
    def active(self) -> bool:
        return self.ended_at is None


class ReportEscalation(AuditedModel):
    """A breached reporting deadline escalated to the 带班领导 on duty at that time (read from
    the roster of the organisation that handles the event), once per deadline; when no shift
    covers the time, or the named leader has no account, the organisation's leaders are
    notified instead and the row says so."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="escalations")
    deadline = models.CharField(_("报告时限"), max_length=60)
    due_at = models.DateTimeField(_("截止时间"))
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("值班单位"), on_delete=models.PROTECT, related_name="+"
    )
    shift = models.ForeignKey(
        DutyShift,
        verbose_name=_("班次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader_name = models.CharField(_("带班领导"), max_length=60, blank=True)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("提醒对象"), blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(_("提醒时间"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["event", "due_at", "pk"]
        verbose_name = _("报告超时提醒")
        verbose_name_plural = _("报告超时提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "deadline", "due_at"], name="response_escalation_once"
            )
        ]

    def __str__(self):
        return f"{self.event.number} {self.deadline}超时提醒"

    def get_absolute_url(self):
        return reverse("response:event", args=[self.event_id]) + "#escalations"


class EventHazard(AuditedModel):
    """An event linked to a 隐患 of the hazards module (the hazard read through restrict() on
    apps.get_model, never imported). Unlinking keeps the row (removed_at, by whom)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="hazard_links")
    hazard = models.ForeignKey(
        "hazards.Hazard", verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("关联说明"), max_length=300, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关联人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    linked_at = models.DateTimeField(_("关联时间"))
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        ordering = ["event", "linked_at", "pk"]
        verbose_name = _("事件关联隐患")
        verbose_name_plural = _("事件关联隐患")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "hazard"],
                condition=Q(removed_at__isnull=True),
                name="response_event_hazard_once",
            )
        ]

    def __str__(self):
        return f"{self.event.number} 关联隐患#{self.hazard_id}"

    def get_absolute_url(self):
        return reverse("response:event", args=[self.event_id]) + "#hazards"
