"""The enterprise registry (生产经营单位档案): enterprises, licences, 安责险 policies, the 主体责任
list, the yearly 安全三问, the tier rule and Excel import batches."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel

from .choices import (
    COORD_SYSTEMS,
    IMPORT_STATES,
    INSURANCE_REQUIRED_SECTORS,
    LICENCE_KINDS,
    QUESTIONNAIRE_STATES,
    SCALES,
    SECTORS,
    STATUSES,
    TIERS,
)


class Enterprise(AuditedModel):
    """One 生产经营单位. Its name, jurisdiction and demo flag live on the linked Organisation
    (kind "enterprise"), so that the enterprise-user scope of the orgs app applies unchanged."""

    organisation = models.OneToOneField(
        "orgs.Organisation",
        verbose_name=_("机构"),
        on_delete=models.PROTECT,
        related_name="enterprise",
        limit_choices_to={"kind": "enterprise"},
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    principal = models.CharField(_("主要负责人"), max_length=50, blank=True)
    principal_phone = models.CharField(_("主要负责人电话"), max_length=30, blank=True)
    safety_contact = models.CharField(_("安全管理联系人"), max_length=50, blank=True)
    safety_phone = models.CharField(_("安全管理联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度(WGS84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS84)"), null=True, blank=True)
    coord_source = models.CharField(
        _("录入坐标系"), max_length=8, choices=COORD_SYSTEMS, default="wgs84"
    )
    region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("所在县区"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("申报的县区;须与坐标所在县区一致(功能区除外)"),
    )
    located_region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("坐标所在县区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sector = models.CharField(_("行业类别"), max_length=24, choices=SECTORS)
    scale = models.CharField(_("规模"), max_length=8, choices=SCALES, default="small")
    employees = models.PositiveIntegerField(_("从业人员数"), default=0)
    status = models.CharField(_("经营状态"), max_length=10, choices=STATUSES, default="operating")
    status_reason = models.CharField(_("状态变更原因"), max_length=255, blank=True)
    major_hazard_grade = models.CharField(
        _("最高重大危险源级别"),
        max_length=4,
        blank=True,
        help_text=_("由风险分级模块按GB 18218-2018辨识结果维护;空 = 不构成重大危险源"),
    )
    tier = models.CharField(_("监管层级"), max_length=8, choices=TIERS, default="county")
    tier_computed = models.CharField(
        _("规则计算层级"), max_length=8, choices=TIERS, default="county"
    )
    tier_reason = models.CharField(_("层级依据"), max_length=500, blank=True)
    tier_overridden = models.BooleanField(_("人工调整层级"), default=False)
    tier_override_reason = models.CharField(_("调整原因"), max_length=255, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("生产经营单位")
        verbose_name_plural = _("生产经营单位")
        indexes = [
            models.Index(fields=["sector"]),
            models.Index(fields=["tier"]),
            models.Index(fields=["updated_at"], name="enterprise_updated_idx"),
        ]

    def __str__(self):
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def has_major_hazard(self) -> bool:
        return bool(self.major_hazard_grade)

    @property
    def is_demo(self) -> bool:
        return self.organisation.is_demo

    @property
    def insurance_required(self) -> bool:
        return self.sector in INSURANCE_REQUIRED_SECTORS

    def get_absolute_url(self):
        return reverse("enterprises:detail", args=[self.pk])


class Licence(AuditedModel):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="licences")
    kind = models.CharField(_("证照类别"), max_length=20, choices=LICENCE_KINDS)
    number = models.CharField(_("证号"), max_length=60)
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"))
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=255, blank=True)

    class Meta:
        ordering = ["valid_until"]
        verbose_name = _("证照")
        verbose_name_plural = _("证照")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def get_absolute_url(self):
        return reverse("enterprises:detail", args=[self.enterprise_id]) + "#licences"

    @property
    def days_left(self) -> int:
        return (self.valid_until - timezone.localdate()).days


class InsurancePolicy(AuditedModel):
    """安全生产责任保险 (T62)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="policies")
    policy_number = models.CharField(_("保单号"), max_length=60)
    insurer = models.CharField(_("保险机构"), max_length=100)
    starts_on = models.DateField(_("保险期间起"))
    ends_on = models.DateField(_("保险期间止"))
    insured_amount = models.DecimalField(_("保险金额(万元)"), max_digits=12, decimal_places=2)
    insured_persons = models.PositiveIntegerField(_("参保人数"), default=0)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=255, blank=True)

    class Meta:
        ordering = ["-ends_on"]
        verbose_name = _("安责险保单")
        verbose_name_plural = _("安责险保单")
        constraints = [
            models.UniqueConstraint(fields=["insurer", "policy_number"], name="uniq_policy_no")
        ]

    def __str__(self):
        return f"{self.insurer} {self.policy_number}"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.voided_at is None and self.starts_on <= on <= self.ends_on


class ResponsibilityItem(AuditedModel):
    """One line of the enterprise's 全员安全生产责任清单 (T8): a position and its duties."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="responsibilities"
    )
    position = models.CharField(_("岗位"), max_length=60)
    holder = models.CharField(_("责任人"), max_length=50, blank=True)
    duties = models.TextField(_("安全生产职责"))
    order = models.PositiveIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("主体责任清单条目")
        verbose_name_plural = _("主体责任清单")

    def __str__(self):
        return f"{self.position}:{self.holder}" if self.holder else self.position

    def get_absolute_url(self):
        return reverse("enterprises:detail", args=[self.enterprise_id]) + "#responsibilities"


class SafetyQuestionnaire(AuditedModel):
    """安全三问 (T10): the yearly answers of the principal, submitted by the enterprise and
    reviewed by the regulator."""

    TRANSITIONS = {
        # (from, to): who — "enterprise" (own enterprise user) or "regulator"
        ("draft", "submitted"): "enterprise",
        ("returned", "submitted"): "enterprise",
        ("submitted", "approved"): "regulator",
        ("submitted", "returned"): "regulator",
    }

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="questionnaires"
    )
    year = models.PositiveIntegerField(_("年度"))
    q_duties = models.TextField(_("主要负责人职责是什么"))
    q_risks = models.TextField(_("主要风险隐患有哪些"))
    q_measures = models.TextField(_("如何有效消除"))
    state = models.CharField(_("状态"), max_length=10, choices=QUESTIONNAIRE_STATES)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("安全三问")
        verbose_name_plural = _("安全三问")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="uniq_questionnaire_year")
        ]

    def __str__(self):
        return f"{self.enterprise} {self.year}年安全三问"

    def get_absolute_url(self):
        url = reverse("enterprises:detail", args=[self.enterprise_id])
        return f"{url}#questionnaire-{self.year}"


class TierRule(AuditedModel):
    """The editable supervision-tier rule (one row). See tiering.compute_tier."""

    city_scales = models.JSONField(_("市级监管的规模"), default=list)
    city_sectors = models.JSONField(_("市级监管的行业"), default=list)
    city_min_employees = models.PositiveIntegerField(_("从业人员达到此数→市级(0=不限)"), default=0)
    city_major_hazard_grades = models.JSONField(_("构成这些级别重大危险源→市级"), default=list)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("监管层级规则")
        verbose_name_plural = _("监管层级规则")

    def __str__(self):
        return "监管层级规则"

    def as_rule(self) -> dict:
        return {
            "city_scales": list(self.city_scales),
            "city_sectors": list(self.city_sectors),
            "city_min_employees": self.city_min_employees,
            "city_major_hazard_grades": list(self.city_major_hazard_grades),
        }


class EnterpriseImport(AuditedModel):
    """An uploaded Excel file of enterprises: validated rows, per-row errors, the user's choice."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64)
    state = models.CharField(_("状态"), max_length=10, choices=IMPORT_STATES, default="previewed")
    rows = models.JSONField(_("有效行"), default=list)
    errors = models.JSONField(_("错误"), default=list)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    result = models.JSONField(_("导入结果"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("企业导入批次")
        verbose_name_plural = _("企业导入批次")

    def __str__(self):
        return f"导入 {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("enterprises:import_preview", args=[self.pk])

    @property
    def duplicate_rows(self) -> list[dict]:
        return [r for r in self.rows if r.get("existing_id")]

    @property
    def new_rows(self) -> list[dict]:
        return [r for r in self.rows if not r.get("existing_id")]
