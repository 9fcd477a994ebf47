"""隐患排查治理: a hazard at an enterprise, or at a public place or area (T14 gas, T18 fire, T28
flood channels), through the closed loop 登记 → 定级 → 整改中 → 待验收 → 已销号 (with 退回整改,
挂牌督办 for 重大 and 作废 with reason). Never deleted. Evidence and photos are core attachments
on the hazard; every step is an audit event (the hazard's timeline)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel

from .choices import (
    ASSESSORS,
    CATEGORIES,
    LEVELS,
    PRODUCTION_STATUSES,
    RETURN_KINDS,
    RETURN_STATES,
    SOURCES,
    STATES,
)


class Hazard(AuditedModel):
    code = models.CharField(_("编号"), max_length=30, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    place = models.CharField(
        _("公共场所/区域"),
        max_length=200,
        blank=True,
        help_text=_("无企业时填写(燃气、消防、洪道等)"),
    )
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    source = models.CharField(_("发现途径"), max_length=20, choices=SOURCES)
    sector = models.CharField(_("行业领域"), max_length=30, blank=True)
    category = models.CharField(_("隐患类别"), max_length=20, choices=CATEGORIES)
    description = models.TextField(_("隐患描述"))
    location = models.CharField(_("具体位置"), max_length=200, blank=True)
    found_on = models.DateField(_("发现日期"))
    finder = models.CharField(_("发现人"), max_length=100, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    people_exposed = models.PositiveIntegerField(_("可能影响人数"), default=0)
    level = models.CharField(_("隐患等级"), max_length=10, choices=LEVELS, default="general")
    level_reason = models.CharField(_("定级依据"), max_length=500, blank=True)
    criteria = models.JSONField(_("判定标准条款"), default=list, blank=True)
    state = models.CharField(_("状态"), max_length=30, choices=STATES, default="registered")
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    deadline_workdays = models.PositiveSmallIntegerField(_("整改工作日"), null=True, blank=True)
    plan = models.JSONField(_("治理方案"), default=dict, blank=True)
    reported_to_regulator_at = models.DateTimeField(_("报告监管部门时间"), null=True, blank=True)
    supervised = models.BooleanField(_("挂牌督办"), default=False)
    supervisor = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("督办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supervise_until = models.DateField(_("督办期限"), null=True, blank=True)
    on_the_spot = models.BooleanField(_("立即整改"), default=False)
    rectification = models.TextField(_("整改情况"), blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("整改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rectified_at = models.DateTimeField(_("整改提交时间"), null=True, blank=True)
    verification_opinion = models.TextField(_("验收意见"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    returns = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    reminded_on = models.DateField(_("临期提醒日期"), null=True, blank=True)
    escalated_on = models.DateField(_("逾期上报日期"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("重复出现(前次隐患)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    # 各行业重大事故隐患判定标准: the item cited (yingji.standards.major_hazard_criteria)
    criterion_code = models.CharField(_("判定标准条款"), max_length=40, blank=True)
    # 16号令 Art. 14: the 重大隐患 report (现状及原因, 危害程度和整改难度分析) with the plan (Art. 15)
    report = models.JSONField(_("重大隐患报告"), default=dict, blank=True)
    plan_approver = models.CharField(_("治理方案批准人(主要负责人)"), max_length=100, blank=True)
    plan_approved_on = models.DateField(_("治理方案批准日期"), null=True, blank=True)
    report_submitted_at = models.DateTimeField(_("重大隐患报告报送时间"), null=True, blank=True)
    # Art. 16: 停产停业 / 部分停产
    production_status = models.CharField(
        _("生产状态"), max_length=20, choices=PRODUCTION_STATUSES, default="normal"
    )
    # Art. 18: the assessment after remediation, then the application to resume
    assessor_kind = models.CharField(_("评估主体"), max_length=20, choices=ASSESSORS, blank=True)
    assessor = models.CharField(_("评估单位/人员"), max_length=200, blank=True)
    assessment = models.TextField(_("治理情况评估结论"), blank=True)
    assessed_on = models.DateField(_("评估日期"), null=True, blank=True)
    resume_applied_at = models.DateTimeField(_("恢复生产申请时间"), null=True, blank=True)
    resume_review_due = models.DateField(_("现场审查期限"), null=True, blank=True)
    # closing evidence must be uploaded after this moment (the current round of rectification)
    rectification_started_at = models.DateTimeField(_("整改开始时间"), null=True, blank=True)
    # regulators' 抽查 of an enterprise's self-closed hazard, and reopening
    sampled_at = models.DateTimeField(_("抽查时间"), null=True, blank=True)
    sampled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sample_passed = models.BooleanField(_("抽查合格"), null=True, blank=True)
    sample_opinion = models.CharField(_("抽查意见"), max_length=500, blank=True)
    reopen_reason = models.CharField(_("重新打开原因"), max_length=300, blank=True)
    self_closed = models.BooleanField(_("企业自行销号"), default=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-found_on", "-pk"]
        indexes = [
            models.Index(fields=["state", "level"]),
            models.Index(fields=["enterprise", "category", "closed_at"]),
            # the list's default sort (-found_on, pk) and the map layers' change stamp
            models.Index(fields=["-found_on", "id"], name="hazard_found_on_idx"),
            models.Index(fields=["deadline"], name="hazard_deadline_idx"),
            models.Index(fields=["updated_at"], name="hazard_updated_idx"),
        ]
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")

    def __str__(self):
        where = self.enterprise.name if self.enterprise_id else self.place
        return f"{self.code} {where}"

    def get_absolute_url(self):
        return reverse("hazards:detail", args=[self.pk])

    @property
    def subject(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.place


class HazardSettings(AuditedModel):
    """The 一责三排 ranking weights and default deadlines: project defaults, not national rules
    (see yingji/standards/hazards.py), editable by administrators. One row."""

    weights = models.JSONField(_("排序权重"), default=dict, blank=True)
    general_workdays = models.PositiveSmallIntegerField(_("一般隐患整改工作日"), default=10)
    major_workdays = models.PositiveSmallIntegerField(_("重大隐患整改工作日"), default=60)
    repeat_months = models.PositiveSmallIntegerField(_("重复隐患判定期(月)"), default=12)
    # 16号令 Art. 23 "10日内进行现场审查" (MEDIUM; calendar days)
    resume_review_days = models.PositiveSmallIntegerField(
        _("恢复生产申请现场审查期限(日)"), default=10
    )
    # 16号令 Art. 14 "下一季度15日前和下一年1月31日前" (MEDIUM)
    return_quarter_days = models.PositiveSmallIntegerField(
        _("季度统计分析表报送期限(季度结束后天数)"), default=15
    )
    return_annual_month = models.PositiveSmallIntegerField(_("年度统计分析表截止月"), default=1)
    return_annual_day = models.PositiveSmallIntegerField(_("年度统计分析表截止日"), default=31)

    class Meta:
        verbose_name = _("隐患治理设置")
        verbose_name_plural = _("隐患治理设置")

    def __str__(self):
        return "隐患治理设置"


class HazardNumber(models.Model):
    """The last number given to a hazard in a year (YH2026000123), taken under a row lock so
    that two registrations never get the same number (bookkeeping; not audited)."""

    year = models.PositiveIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("隐患编号")
        verbose_name_plural = _("隐患编号")

    def __str__(self):
        return f"{self.year}:{self.last}"


class HazardReturn(AuditedModel):
    """隐患排查治理情况统计分析表 (16号令 Art. 14): an enterprise's quarterly or annual return,
    its figures generated from its hazard records, signed by its 主要负责人 and submitted."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="hazard_returns",
    )
    kind = models.CharField(_("统计期类型"), max_length=10, choices=RETURN_KINDS)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), default=0, help_text=_("年度表为 0"))
    figures = models.JSONField(_("统计数据"), default=dict)
    state = models.CharField(_("状态"), max_length=20, choices=RETURN_STATES, default="draft")
    due_on = models.DateField(_("报送期限"))
    signed_by = models.CharField(_("主要负责人签字"), max_length=100, blank=True)
    analysis = models.TextField(_("分析说明"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-year", "-quarter", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "year", "quarter"], name="hazard_return_once"
            )
        ]
        verbose_name = _("隐患统计分析表")
        verbose_name_plural = _("隐患统计分析表")

    def __str__(self):
        return f"{self.enterprise.name} {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.year}年度" if self.kind == "year" else f"{self.year}年第{self.quarter}季度"

    def get_absolute_url(self):
        return reverse("hazards:return", args=[self.pk])
