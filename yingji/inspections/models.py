"""执法检查: annual inspection plans per bureau and their entries, inspections with their on-site
checklist and findings (each finding can become a hazard), the recorded overlaps of the
duplicate-inspection guard (防止多头重复执法) and the basic enforcement case file (执法案件).

The 执法主体 (enforcement authority) of an inspection or a case is always a bureau: the city
bureau (兰州市应急管理局, whose sections and 监察支队 inspect in its name) or a county bureau. The
duplicate-inspection guard compares authorities. Nothing here is deleted: entries and
inspections are cancelled with a reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel

from .checklists import SECTOR_GROUPS
from .choices import (
    CASE_STATES,
    ENTRY_STATES,
    FINDING_CATEGORIES,
    FINDING_LEVELS,
    INSPECTION_KINDS,
    INSPECTION_STATES,
    PLAN_STATES,
)


class InspectionPlan(AuditedModel):
    """A bureau's annual inspection plan (年度监督检查计划)."""

    owner = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("制定单位"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind__in": ("bureau", "county_bureau")},
    )
    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=PLAN_STATES, default="draft")
    issued_at = models.DateTimeField(_("下达时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-year", "owner__path"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "year"], name="insp_plan_owner_year")
        ]
        verbose_name = _("年度检查计划")
        verbose_name_plural = _("年度检查计划")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspections:plan", args=[self.pk])


class PlanEntry(AuditedModel):
    """One planned visit: an enterprise, the month, and who inspects."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="entries")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="inspection_entries",
    )
    month = models.PositiveSmallIntegerField(_("计划月份"))
    visit = models.PositiveSmallIntegerField(_("年度第几次"), default=1)
    agency = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("检查科室/单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspectors = models.CharField(_("执法人员"), max_length=200, blank=True)
    basis = models.CharField(_("列入依据"), max_length=300, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=ENTRY_STATES, default="planned")
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "month", "enterprise__organisation__name", "visit"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "enterprise", "visit"], name="insp_entry_unique_visit"
            )
        ]
        verbose_name = _("计划检查条目")
        verbose_name_plural = _("计划检查条目")

    def __str__(self):
        return f"{self.plan.year}年{self.month}月 {self.enterprise}(第{self.visit}次)"

    def get_absolute_url(self):
        return reverse("inspections:plan", args=[self.plan_id]) + f"#e{self.pk}"


class Inspection(AuditedModel):
    """One inspection of one enterprise: scheduled, then recorded (completed) or cancelled."""

    number = models.CharField(_("检查编号"), max_length=60, unique=True)
    serial = models.PositiveIntegerField(_("序号"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    authority = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("执法主体"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("检查科室/单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entry = models.ForeignKey(
        PlanEntry,
        verbose_name=_("计划条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("检查类型"), max_length=12, choices=INSPECTION_KINDS)
    inspected_on = models.DateField(_("检查日期"))
    state = models.CharField(
        _("状态"), max_length=10, choices=INSPECTION_STATES, default="scheduled"
    )
    participants = models.CharField(_("检查人员"), max_length=300, blank=True)
    enterprise_attendees = models.CharField(_("企业陪同人员"), max_length=200, blank=True)
    sector_group = models.CharField(_("检查表"), max_length=16, choices=SECTOR_GROUPS)
    checklist = models.JSONField(_("现场检查表"), default=list, blank=True)
    summary = models.TextField(_("检查情况"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "serial"], name="insp_inspection_serial_unique"
            )
        ]
        indexes = [
            models.Index(fields=["enterprise", "inspected_on"]),
            # the list's default sort (-inspected_on, pk)
            models.Index(fields=["-inspected_on", "id"], name="inspection_date_idx"),
        ]
        verbose_name = _("执法检查")
        verbose_name_plural = _("执法检查")

    def __str__(self):
        return f"{self.number} {self.enterprise}"

    def get_absolute_url(self):
        return reverse("inspections:inspection", args=[self.pk])

    @property
    def failed_items(self) -> list[dict]:
        return [i for i in self.checklist if i.get("result") == "fail"]

    @property
    def unanswered_items(self) -> list[dict]:
        return [i for i in self.checklist if not i.get("result")]


class Finding(AuditedModel):
    """A problem found on site. It can become a hazard (隐患) in one step, linked both ways."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    number = models.PositiveSmallIntegerField(_("序号"))
    item_code = models.CharField(_("检查项"), max_length=10, blank=True)
    description = models.TextField(_("问题描述"))
    category = models.CharField(_("类别"), max_length=20, choices=FINDING_CATEGORIES)
    level = models.CharField(_("隐患级别"), max_length=10, choices=FINDING_LEVELS)
    location = models.CharField(_("部位"), max_length=200, blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="insp_finding_number")
        ]
        verbose_name = _("检查发现问题")
        verbose_name_plural = _("检查发现问题")

    def __str__(self):
        return f"{self.inspection.number}-{self.number} {self.description[:30]}"

    def get_absolute_url(self):
        return reverse("inspections:inspection", args=[self.inspection_id]) + f"#f{self.pk}"


class Overlap(AuditedModel):
    """A recorded 多头重复执法 overlap: a bureau scheduled an inspection (or a plan entry) of an
    enterprise already inspected or scheduled by another bureau within the window, and gave a
    reason to proceed."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="inspection_overlaps",
    )
    authority = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("安排单位"), on_delete=models.PROTECT, related_name="+"
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("本次检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overlaps",
    )
    entry = models.ForeignKey(
        PlanEntry,
        verbose_name=_("本次计划条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overlaps",
    )
    other_authority = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("另一单位"), on_delete=models.PROTECT, related_name="+"
    )
    other_inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("另一检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    other_entry = models.ForeignKey(
        PlanEntry,
        verbose_name=_("另一计划条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    other_label = models.CharField(_("另一检查"), max_length=300)
    days_apart = models.PositiveIntegerField(_("相隔天数"))
    window_days = models.PositiveIntegerField(_("判定窗口(天)"))
    reason = models.CharField(_("仍需检查的理由"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("重复检查记录")
        verbose_name_plural = _("重复检查记录")

    def __str__(self):
        return f"{self.enterprise}:{self.authority} 与 {self.other_authority} 重复检查"

    def get_absolute_url(self):
        if self.inspection_id:
            return reverse("inspections:inspection", args=[self.inspection_id])
        return self.entry.get_absolute_url() if self.entry_id else reverse("inspections:overlaps")

    @property
    def subject_label(self) -> str:
        if self.inspection_id:
            return f"检查 {self.inspection.number}({self.inspection.inspected_on:%Y-%m-%d})"
        if self.entry_id:
            return f"计划 {self.entry.plan.year}年{self.entry.month}月"
        return ""


class CaseFile(AuditedModel):
    """执法案件: 立案 → 调查取证 → 处罚决定 → 执行 → 结案 (services.CASE_TRANSITIONS), numbered per
    bureau and year, with its documents as attachments and the 三项制度 ticked with evidence."""

    number = models.CharField(_("案件编号"), max_length=60, unique=True)
    year = models.PositiveIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    authority = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("承办科室/单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("当事人"),
        on_delete=models.PROTECT,
        related_name="enforcement_cases",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("来源检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    cause = models.CharField(_("案由"), max_length=300)
    filed_on = models.DateField(_("立案日期"))
    handlers = models.CharField(_("承办人"), max_length=200, blank=True)
    state = models.CharField(_("办理阶段"), max_length=14, choices=CASE_STATES, default="filed")
    investigation = models.TextField(_("调查取证情况"), blank=True)
    decision = models.TextField(_("处罚决定"), blank=True)
    decision_number = models.CharField(_("处罚决定书文号"), max_length=100, blank=True)
    penalty_amount = models.DecimalField(
        _("罚款金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    execution = models.TextField(_("执行情况"), blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    # 三项制度: a tick and its evidence (a note, or one of the case's attachments).
    publicity_done = models.BooleanField(_("行政执法公示"), default=False)
    publicity_note = models.CharField(_("公示情况"), max_length=500, blank=True)
    publicity_attachment = models.ForeignKey(
        "core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recording_done = models.BooleanField(_("执法全过程记录"), default=False)
    recording_note = models.CharField(_("全过程记录情况"), max_length=500, blank=True)
    recording_attachment = models.ForeignKey(
        "core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_review_done = models.BooleanField(_("重大执法决定法制审核"), default=False)
    legal_review_note = models.CharField(_("法制审核情况"), max_length=500, blank=True)
    legal_review_attachment = models.ForeignKey(
        "core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-year", "-serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year", "serial"], name="insp_case_serial_unique"
            )
        ]
        verbose_name = _("执法案件")
        verbose_name_plural = _("执法案件")

    def __str__(self):
        return f"{self.number} {self.enterprise}"

    def get_absolute_url(self):
        return reverse("inspections:case", args=[self.pk])

    def system_status(self) -> list[dict]:
        """The 三项制度 with their tick and evidence, for pages and the API."""
        from .choices import CASE_SYSTEMS

        out = []
        for key, label in CASE_SYSTEMS:
            attachment = getattr(self, f"{key}_attachment")
            note = getattr(self, f"{key}_note")
            out.append(
                {
                    "key": key,
                    "label": str(label),
                    "done": getattr(self, f"{key}_done"),
                    "note": note,
                    "attachment_id": attachment.pk if attachment else None,
                    "attachment_name": attachment.original_name if attachment else "",
                    "has_evidence": bool(note.strip() or attachment),
                }
            )
        return out
