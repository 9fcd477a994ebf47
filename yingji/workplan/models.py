"""工作要点督办: a plan (one imported document or a county plan made against the city's), its
parts, sections and tasks; each task × lead unit is an Assignment; lead units report progress
per reporting cycle (ProgressReport, a state machine), cooperating units add Contributions;
overdue assignments get reminders and numbered 督办单 (SupervisionNotice).

Nothing here is ever deleted: a task removed by a revised document is withdrawn, an assignment
dropped from a task is cancelled with a reason, and all reports stay."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel

from .choices import (
    ASSIGNMENT_STATUSES,
    CYCLE_KINDS,
    ESCALATION_STATES,
    IMPORT_STATES,
    LADDER_RUNGS,
    NOTICE_STATES,
    REMINDER_KINDS,
    REPORT_STATES,
    REPORTABLE_STATUSES,
    SCORE_ITEMS,
)


class Plan(AuditedModel):
    title = models.CharField(_("标题"), max_length=200)
    year = models.PositiveIntegerField(_("年度"))
    issuer = models.CharField(_("印发单位"), max_length=200, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    owner = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+"
    )
    coordinator = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("督办科室"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("审核进展报告的科室"),
    )
    supervisor = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("督查科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("机关督查:签发、办结督办单,发布通报的科室;默认办公室"),
    )
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("对照的上级计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="county_plans",
    )
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    parsed = models.JSONField(_("解析结果"), default=dict, blank=True, editable=False)
    mapping = models.JSONField(_("名称对应"), default=dict, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("工作计划")
        verbose_name_plural = _("工作计划")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workplan:plan", args=[self.pk])


class Part(AuditedModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="parts")
    number = models.PositiveIntegerField(_("序号"))
    label = models.CharField(max_length=20, blank=True)
    title = models.CharField(_("标题"), max_length=300)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="wp_part_unique")]
        verbose_name = _("部分")
        verbose_name_plural = _("部分")

    def __str__(self):
        return f"{self.label}{self.title}"


class Section(AuditedModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="sections")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="sections")
    number = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    label = models.CharField(max_length=20, blank=True)
    title = models.CharField(_("标题"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "part__number", "number"]
        verbose_name = _("节")
        verbose_name_plural = _("节")

    def __str__(self):
        return f"{self.label}{self.title}"


class Task(AuditedModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="tasks")
    ref = models.CharField(_("编号"), max_length=20)
    number = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0, editable=False)
    text = models.TextField(_("工作任务"))
    responsibility = models.CharField(_("责任分工(原文)"), max_length=500, blank=True)
    shared_duty = models.BooleanField(_("按职责分工负责"), default=False)
    due = models.DateField(_("完成时限"), null=True, blank=True)
    due_start = models.DateField(_("时段开始"), null=True, blank=True)
    due_interpretation = models.CharField(_("时限说明"), max_length=300, blank=True)
    indicators = models.JSONField(_("量化指标"), default=list, blank=True)
    cooperating = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("配合单位"), blank=True, related_name="+"
    )
    city_task = models.ForeignKey(
        "self",
        verbose_name=_("对照市级任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="county_tasks",
    )
    status = models.CharField(
        _("完成状态"), max_length=20, choices=ASSIGNMENT_STATUSES, default="not_started"
    )
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"), default=0)
    withdrawn = models.BooleanField(_("已撤销"), default=False)
    withdrawn_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "ref"], name="wp_task_ref_unique")]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")

    def __str__(self):
        label = f"{self.number}." if self.number else f"({self.section.label.strip('()（）')})"
        return f"{label}{self.text[:30]}"

    @property
    def display_number(self) -> str:
        return str(self.number) if self.number else self.section.label

    def get_absolute_url(self):
        return reverse("workplan:task", args=[self.pk])


class Assignment(AuditedModel):
    """One lead unit's share of a task: what is supervised and reported on."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="assignments")
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("完成状态"), max_length=20, choices=ASSIGNMENT_STATUSES, default="not_started"
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"), default=0)
    latest_progress = models.TextField(_("最新进展"), blank=True)
    due = models.DateField(_("完成时限"), null=True, blank=True)

    class Meta:
        ordering = ["task__plan", "task__position", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["task", "organisation"], name="wp_assignment_unique")
        ]
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")

    def __str__(self):
        return f"{self.task.ref}·{self.organisation}"

    def get_absolute_url(self):
        return reverse("workplan:task", args=[self.task_id]) + f"#a{self.pk}"


class ReportingCycle(AuditedModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="cycles")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=CYCLE_KINDS)
    due = models.DateField(_("报送截止"))
    interpretation = models.CharField(_("时限说明"), max_length=300, blank=True)
    sections_only = models.BooleanField(
        _("仅局机关科室单位"), default=False, help_text=_("月度内部调度只要求局机关科室、单位报送")
    )

    class Meta:
        ordering = ["plan", "due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="wp_cycle_name_unique")
        ]
        verbose_name = _("报送周期")
        verbose_name_plural = _("报送周期")

    def __str__(self):
        return f"{self.name}(截止 {self.due:%Y-%m-%d})"


class ProgressReport(AuditedModel):
    """A lead unit's report on one assignment for one cycle. States: submitted → accepted, or
    submitted → returned → submitted … (see services.REPORT_TRANSITIONS)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports")
    cycle = models.ForeignKey(ReportingCycle, on_delete=models.PROTECT, related_name="reports")
    state = models.CharField(_("审核状态"), max_length=20, choices=REPORT_STATES)
    reported_status = models.CharField(
        _("报告完成状态"), max_length=20, choices=REPORTABLE_STATUSES
    )
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"))
    narrative = models.TextField(_("进展情况"))
    indicator_actuals = models.JSONField(_("指标完成值"), default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True)
    submissions = models.PositiveSmallIntegerField(_("报送次数"), default=0)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "pk"]
        indexes = [models.Index(fields=["-submitted_at", "id"], name="report_submitted_idx")]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "cycle"], name="wp_report_unique")
        ]
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")

    def __str__(self):
        return f"{self.assignment}·{self.cycle.name}"

    def get_absolute_url(self):
        return reverse("workplan:task", args=[self.assignment.task_id]) + f"#r{self.pk}"


class Contribution(AuditedModel):
    """A cooperating unit's account of its part in a task, for one cycle."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="contributions")
    cycle = models.ForeignKey(ReportingCycle, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("配合单位"), on_delete=models.PROTECT, related_name="+"
    )
    narrative = models.TextField(_("配合工作情况"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "cycle", "organisation"], name="wp_contribution_unique"
            )
        ]
        verbose_name = _("配合情况")
        verbose_name_plural = _("配合情况")

    def __str__(self):
        return f"{self.task.ref}·{self.organisation}·{self.cycle.name}"


class ImportSession(AuditedModel):
    """An uploaded document waiting for review: parsed tree, warnings, name mapping and, for a
    revised document, the diff against the plan it would update. Confirming applies it."""

    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64)
    text = models.TextField(_("文本"))
    parsed = models.JSONField(default=dict)
    mapping = models.JSONField(_("名称对应"), default=dict, blank=True)
    diff = models.JSONField(default=dict, blank=True)
    owner = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+"
    )
    coordinator = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("督办科室"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("更新的计划"), null=True, blank=True, on_delete=models.PROTECT
    )
    state = models.CharField(_("状态"), max_length=20, choices=IMPORT_STATES, default="pending")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入")
        verbose_name_plural = _("导入")

    def __str__(self):
        return f"导入 {self.file_name}"

    def get_absolute_url(self):
        return reverse("workplan:import_review", args=[self.pk])


class Reminder(AuditedModel):
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=20, choices=REMINDER_KINDS)
    for_date = models.DateField(_("提醒日期"))
    due = models.DateField(_("时限"))
    message = models.CharField(_("内容"), max_length=300)

    class Meta:
        ordering = ["-for_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind", "due"], name="wp_reminder_once")
        ]
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")

    def __str__(self):
        return self.message


class SupervisionNotice(AuditedModel):
    """督办单: numbered per issuing organisation (the plan's owner) and year, issued to a target
    unit for an overdue (or at-risk) assignment or report, by hand or by the ladder. States:
    issued (待反馈) → replied (待办结) → closed (已办结), or replied → reissued (a linked new
    督办单); see services.NOTICE_TRANSITIONS."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("任务分工"), on_delete=models.PROTECT, related_name="notices"
    )
    escalation = models.ForeignKey(
        "Escalation",
        verbose_name=_("督办事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("督办对象"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("原督办单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reissue",
    )
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("督办单编号"), max_length=60, unique=True)
    issued_on = models.DateField(_("签发日期"))
    deadline = models.DateField(_("反馈时限"))
    reason = models.TextField(_("督办事项"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=20, choices=NOTICE_STATES, default="issued")
    reply = models.TextField(_("反馈情况"), blank=True)
    replied_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反馈人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    close_comment = models.TextField(_("办结意见"), blank=True)

    class Meta:
        ordering = ["-serial"]
        indexes = [models.Index(fields=["state", "deadline"], name="wp_notice_state_idx")]
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("workplan:notice", args=[self.pk])


class LadderStep(AuditedModel):
    """One rung of the 督查督办 ladder (提醒 → 催办 → 督办单 → 通报 → 约谈) and its trigger, edited
    by administrators on the settings page. ``trigger_days`` counts working days: for 提醒, 催办
    and 督办单 past the item's due date; for 通报 and 约谈 past the reply deadline of an unanswered
    督办单. Empty = by hand only. The numbers are the bureau's own choice (LOW confidence)."""

    rung = models.CharField(_("阶梯"), max_length=20, choices=LADDER_RUNGS, unique=True)
    position = models.PositiveSmallIntegerField(_("顺序"))
    trigger_days = models.PositiveSmallIntegerField(
        _("触发(工作日)"), null=True, blank=True, help_text=_("留空:只能手动发起")
    )
    reply_days = models.PositiveSmallIntegerField(
        _("反馈时限(工作日)"), default=5, help_text=_("督办单的反馈时限")
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("督办阶梯")
        verbose_name_plural = _("督办阶梯")

    def __str__(self):
        return self.get_rung_display()

    def get_absolute_url(self):
        return reverse("workplan:ladder_settings")


class ScoreWeight(AuditedModel):
    """考核 points of one score-sheet item (per unit); the bureau's choice, configurable."""

    item = models.CharField(_("考核项"), max_length=30, choices=SCORE_ITEMS, unique=True)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("考核分值")
        verbose_name_plural = _("考核分值")

    def __str__(self):
        return f"{self.get_item_display()} {self.points}"

    def get_absolute_url(self):
        return reverse("workplan:ladder_settings")


class Escalation(AuditedModel):
    """督办事项: one overdue item on the ladder — an assignment past its due date (cycle empty)
    or a progress report not submitted for a cycle. ``rung`` is the highest step taken."""

    key = models.CharField(max_length=60, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="escalations")
    cycle = models.ForeignKey(
        ReportingCycle,
        verbose_name=_("报送周期"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due = models.DateField(_("应完成/报送日期"), null=True, blank=True)
    rung = models.CharField(_("当前阶梯"), max_length=20, choices=LADDER_RUNGS, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=ESCALATION_STATES, default="open")
    resolved_on = models.DateField(_("解除日期"), null=True, blank=True)
    resolved_reason = models.CharField(_("解除原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")

    def __str__(self):
        what = f"{self.cycle.name}进展报告" if self.cycle_id else "完成时限"
        return f"{self.assignment}·{what}"

    @property
    def subject(self) -> str:
        return f"{self.cycle.name}进展报告未报送" if self.cycle_id else "任务逾期未完成"

    def get_absolute_url(self):
        notice = self.notices.order_by("-pk").first()
        return notice.get_absolute_url() if notice else self.assignment.get_absolute_url()


class LadderAction(AuditedModel):
    """One rung taken on an item, exactly once (unique), by the daily job or by hand."""

    escalation = models.ForeignKey(
        Escalation, verbose_name=_("督办事项"), on_delete=models.PROTECT, related_name="actions"
    )
    rung = models.CharField(_("阶梯"), max_length=20, choices=LADDER_RUNGS)
    taken_on = models.DateField(_("日期"))
    overdue_days = models.IntegerField(_("逾期工作日"), default=0)
    by_hand = models.BooleanField(_("手动发起"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("内容"), blank=True)
    notice = models.ForeignKey(
        SupervisionNotice,
        verbose_name=_("督办单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["taken_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "rung"], name="wp_ladder_once")
        ]
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")

    def __str__(self):
        return f"{self.get_rung_display()}·{self.escalation}"

    def get_absolute_url(self):
        return reverse("workplan:ladder_docx", args=[self.pk])


class Bulletin(AuditedModel):
    """通报: units ranked by on-time reporting and completion over a period, with the score
    sheet as it stood when issued (``rows``), numbered per owner and year."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("工作计划"), on_delete=models.PROTECT, related_name="bulletins"
    )
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("通报编号"), max_length=60, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    period_start = models.DateField(_("统计起"))
    period_end = models.DateField(_("统计止"))
    issued_on = models.DateField(_("发布日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    remarks = models.TextField(_("通报意见"), blank=True)
    rows = models.JSONField(_("排名"), default=list, editable=False)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("通报")
        verbose_name_plural = _("通报")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("workplan:bulletin", args=[self.pk])
