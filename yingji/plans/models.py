"""预案与演练 (T31, T32): plans with versions and filing (备案), drills with findings."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel
from yingji.standards import emergency_plans as rules

from .choices import DRILL_KINDS, EVENT_TYPE_LABELS, FILING_STATES, FINDING_STATES, PLAN_KINDS


class Plan(AuditedModel):
    """An emergency plan. ``owner`` is the organisation that wrote it (the bureau, a section, a
    county bureau, a department or an enterprise); ``region`` is its jurisdiction (the city, a
    county); ``enterprise`` is set for an enterprise's own plans. The text of the current version
    is kept on the plan for search; every version keeps its own text (PlanVersion)."""

    code = models.CharField(_("预案编号"), max_length=40, unique=True)
    title = models.CharField(_("预案名称"), max_length=200)
    kind = models.CharField(_("预案类型"), max_length=20, choices=PLAN_KINDS)
    owner = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("编制单位"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("适用区域"), on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级预案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    event_types = models.JSONField(_("适用事件类型"), default=list)
    effective_on = models.DateField(_("施行日期"))
    current_version = models.PositiveIntegerField(_("现行版本"), default=1)
    text = models.TextField(_("正文(提取)"), blank=True)
    filing_state = models.CharField(
        _("备案状态"), max_length=10, choices=FILING_STATES, default="none"
    )
    filing_number = models.CharField(_("备案编号"), max_length=40, blank=True)
    revision_needed = models.BooleanField(_("待修订(演练发现缺陷)"), default=False)
    review_reminded_for = models.DateField(_("已提醒的评估到期日"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:plan", args=[self.pk])

    @property
    def review_due(self):
        return rules.review_due(self.kind, self.effective_on)

    def review_status(self, today):
        return rules.review_status(self.kind, self.effective_on, today)

    @property
    def event_type_labels(self) -> str:
        return "、".join(EVENT_TYPE_LABELS.get(t, t) for t in self.event_types)

    @property
    def files_with_bureau(self) -> bool:
        """Enterprise and county plans are filed (备案) with the bureau."""
        return self.enterprise_id is not None or self.owner.kind == "county_bureau"


class PlanVersion(AuditedModel):
    """One version of a plan: its text as extracted from the uploaded document (or typed), kept
    when the plan is revised, so that versions can be compared."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    effective_on = models.DateField(_("施行日期"))
    text = models.TextField(_("正文(提取)"), blank=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    attachment = models.ForeignKey(
        "core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text_note = models.CharField(_("正文说明"), max_length=200, blank=True)
    reason = models.CharField(_("修订说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-number"]
        unique_together = [("plan", "number")]
        verbose_name = _("预案版本")
        verbose_name_plural = _("预案版本")

    def __str__(self):
        return f"{self.plan} 第{self.number}版"

    def get_absolute_url(self):
        return reverse("plans:plan", args=[self.plan_id])


class Filing(AuditedModel):
    """One submission of a plan version for filing (备案) with the bureau and its decision."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="filings")
    version_number = models.PositiveIntegerField(_("报备版本"))
    state = models.CharField(_("状态"), max_length=10, choices=FILING_STATES, default="submitted")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    note = models.CharField(_("报送说明"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    comment = models.CharField(_("审查意见"), max_length=500, blank=True)
    filing_number = models.CharField(_("备案编号"), max_length=40, blank=True)
    checklist = models.JSONField(_("审查清单(齐备的材料)"), default=list, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("预案备案")
        verbose_name_plural = _("预案备案")

    def __str__(self):
        return f"{self.plan} 第{self.version_number}版备案"

    def get_absolute_url(self):
        return reverse("plans:plan", args=[self.plan_id])


class Drill(AuditedModel):
    """An emergency drill (演练): the plans it exercised, who organised it, who took part."""

    title = models.CharField(_("演练名称"), max_length=200)
    kind = models.CharField(_("演练类型"), max_length=20, choices=DRILL_KINDS)
    held_on = models.DateField(_("演练日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    plans = models.ManyToManyField(Plan, verbose_name=_("检验的预案"), related_name="drills")
    participants = models.CharField(_("参演单位和人员"), max_length=1000, blank=True)
    summary = models.TextField(_("演练情况与评估"), blank=True)
    score = models.PositiveSmallIntegerField(_("评估得分(百分制)"), null=True, blank=True)
    teams = models.ManyToManyField(
        "resources.Team", verbose_name=_("参演救援队伍"), blank=True, related_name="+"
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:drill", args=[self.pk])


class Finding(AuditedModel):
    """A problem a drill found, with its owner and deadline, closed in a loop: 整改 (rectified by
    the owner's side) → 验证 (verified by the organiser; a failed verification reopens it)."""

    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="findings")
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("暴露缺陷的预案(需修订)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gap_findings",
    )
    description = models.CharField(_("发现问题"), max_length=500)
    owner_name = models.CharField(_("整改责任人"), max_length=50)
    due_on = models.DateField(_("整改期限"))
    state = models.CharField(_("状态"), max_length=10, choices=FINDING_STATES, default="open")
    rectification = models.CharField(_("整改情况"), max_length=1000, blank=True)
    rectified_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    verification = models.CharField(_("验证意见"), max_length=500, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("演练发现问题")
        verbose_name_plural = _("演练发现问题")

    def __str__(self):
        return self.description[:40]

    def get_absolute_url(self):
        return reverse("plans:drill", args=[self.drill_id])


class DrillTarget(AuditedModel):
    """The yearly number of drills of one kind a county should hold (演练覆盖, T32): configurable
    data, edited by city staff on the coverage page. ``region`` empty: the default for every
    county without its own row. Not a national figure (see docs/plans.md)."""

    kind = models.CharField(_("演练类型"), max_length=20, choices=DRILL_KINDS)
    region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("县区(空=各县区默认)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    per_year = models.PositiveSmallIntegerField(_("年度目标(次)"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "region__code"]
        verbose_name = _("演练年度目标")
        verbose_name_plural = _("演练年度目标")
        constraints = [
            models.UniqueConstraint(fields=["kind", "region"], name="plans_drilltarget_unique")
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "各县区"
        return f"{where}{self.get_kind_display()}每年{self.per_year}次"

    def get_absolute_url(self):
        return reverse("plans:coverage")


PART_KINDS = [
    ("level", _("响应分级")),
    ("group", _("指挥机构工作组")),
    ("resource", _("资源需求")),
]
RESPONSE_LEVELS = [(1, _("一级")), (2, _("二级")), (3, _("三级")), (4, _("四级"))]


class PlanPart(AuditedModel):
    """A structured part of a plan that other modules read (issue #18): a response level and
    the conditions that start it (for the response module, #12), a command group with its lead
    unit and duties, or a resource requirement (for the resources' coverage, #13). Never
    deleted: voided with a reason."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="parts")
    kind = models.CharField(_("要素类型"), max_length=10, choices=PART_KINDS)
    level = models.PositiveSmallIntegerField(
        _("响应级别"), choices=RESPONSE_LEVELS, null=True, blank=True
    )
    name = models.CharField(_("名称"), max_length=200)
    lead_unit = models.CharField(_("牵头单位/指挥"), max_length=200, blank=True)
    text = models.TextField(_("启动条件/职责/说明"), blank=True)
    item_code = models.CharField(_("物资编码"), max_length=40, blank=True)
    quantity = models.DecimalField(
        _("需求数量"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    voided = models.BooleanField(_("已作废"), default=False)
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "kind", "level", "pk"]
        verbose_name = _("预案结构化要素")
        verbose_name_plural = _("预案结构化要素")

    def __str__(self):
        return f"{self.plan}:{self.get_kind_display()} {self.name}"

    def get_absolute_url(self):
        return reverse("plans:plan", args=[self.plan_id]) + "#parts"


class ScheduledDrill(AuditedModel):
    """One drill of an organisation's annual drill plan (年度演练计划, T32): what kind, which
    month, which plans; linked to the drill that carried it out when it is recorded."""

    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("计划月份"))
    title = models.CharField(_("演练名称"), max_length=200)
    kind = models.CharField(_("演练类型"), max_length=20, choices=DRILL_KINDS)
    organiser = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    plans = models.ManyToManyField(
        Plan, verbose_name=_("拟检验的预案"), blank=True, related_name="+"
    )
    drill = models.ForeignKey(
        Drill,
        verbose_name=_("实施的演练"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scheduled",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["year", "month", "pk"]
        verbose_name = _("年度演练计划")
        verbose_name_plural = _("年度演练计划")

    def __str__(self):
        return f"{self.year}年{self.month}月 {self.title}"

    def get_absolute_url(self):
        return reverse("plans:schedule") + f"?year={self.year}"

    def status(self, today) -> str:
        """ "done" (carried out), "overdue" (its month has passed) or "planned"."""
        if self.drill_id:
            return "done"
        if (self.year, self.month) < (today.year, today.month):
            return "overdue"
        return "planned"
