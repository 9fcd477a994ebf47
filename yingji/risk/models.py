"""Risk grading (风险分级管控): major hazard units (GB 18218-2018), the 2018 diagnosis of
hazardous-chemical enterprises, LEC/LS risk points, and each enterprise's risk colour with the
history of its changes."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel

from .choices import COLOURS, DIAGNOSIS_STATES, METHODS, RECORD_STATES, UNIT_KINDS


class MajorHazardUnit(AuditedModel):
    """A 生产单元 or 储存单元 with its chemicals; S, R and the grade are stored with the full
    working of GB 18218-2018 (yingji.standards.gb18218.evaluate_unit)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="hazard_units"
    )
    name = models.CharField(_("单元名称"), max_length=100)
    kind = models.CharField(_("单元类型"), max_length=12, choices=UNIT_KINDS)
    population_500m = models.PositiveIntegerField(_("厂区边界外500m范围内常住人口"), default=0)
    S = models.FloatField(_("S=Σq/Q"), null=True, blank=True)
    R = models.FloatField(_("R"), null=True, blank=True)
    is_major = models.BooleanField(_("构成重大危险源"), default=False)
    grade = models.CharField(_("重大危险源级别"), max_length=4, blank=True)
    working = models.JSONField(_("计算过程"), default=dict, blank=True)
    evaluated_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=RECORD_STATES, default="active")
    void_reason = models.CharField(_("作废原因"), max_length=255, blank=True)

    class Meta:
        ordering = ["enterprise", "name"]
        verbose_name = _("重大危险源辨识单元")
        verbose_name_plural = _("重大危险源辨识单元")

    def __str__(self):
        return f"{self.enterprise} · {self.name}"

    def get_absolute_url(self):
        return reverse("risk:unit_detail", args=[self.pk])


class UnitChemical(AuditedModel):
    unit = models.ForeignKey(MajorHazardUnit, on_delete=models.CASCADE, related_name="chemicals")
    substance = models.CharField(_("危险化学品(名称/别名/CAS号)"), max_length=100)
    q_t = models.DecimalField(_("设计最大量q(t)"), max_digits=14, decimal_places=3)
    categories = models.CharField(_("危险性类别(表2代码,逗号分隔)"), max_length=100, blank=True)
    beta_category = models.CharField(_("β取值类别"), max_length=10, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("单元危险化学品")
        verbose_name_plural = _("单元危险化学品")

    def __str__(self):
        return f"{self.substance} {self.q_t}t"

    def as_item(self) -> dict:
        item = {"substance": self.substance, "q_t": str(self.q_t)}
        cats = [c.strip() for c in self.categories.replace("，", ",").split(",") if c.strip()]
        if cats:
            item["categories"] = cats
        if self.beta_category:
            item["beta_category"] = self.beta_category
        return item


class Diagnosis(AuditedModel):
    """One enterprise safety-risk diagnosis under 应急厅〔2018〕19号."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="diagnoses"
    )
    assessed_on = models.DateField(_("评估日期"))
    assessor = models.CharField(_("评估单位/人员"), max_length=100, blank=True)
    answers = models.JSONField(_("评分表填报"), default=dict)
    score = models.FloatField(_("得分"))
    colour = models.CharField(_("风险等级"), max_length=8, choices=COLOURS)
    reason = models.CharField(_("判定理由"), max_length=1000)
    working = models.JSONField(_("计算过程"), default=dict)
    next_due = models.DateField(_("下次评估期限"))
    change_pending = models.CharField(
        _("因变更需重新评估"), max_length=255, blank=True, help_text=_("空 = 无变更")
    )
    state = models.CharField(_("状态"), max_length=12, choices=DIAGNOSIS_STATES, default="active")
    void_reason = models.CharField(_("作废原因"), max_length=255, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("安全风险评估诊断")
        verbose_name_plural = _("安全风险评估诊断")

    def __str__(self):
        return f"{self.enterprise} {self.assessed_on:%Y-%m-%d} 评估诊断"

    def get_absolute_url(self):
        return reverse("risk:diagnosis_detail", args=[self.pk])


class RiskPoint(AuditedModel):
    """A risk point (作业活动/设备设施/场所) graded by LEC or LS, with controls."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="risk_points"
    )
    name = models.CharField(_("风险点"), max_length=100)
    location = models.CharField(_("位置/区域"), max_length=100, blank=True)
    hazard = models.CharField(_("主要危险因素/可能事故"), max_length=255, blank=True)
    method = models.CharField(_("评价方法"), max_length=4, choices=METHODS)
    L = models.FloatField("L")
    E = models.FloatField("E", null=True, blank=True)
    C = models.FloatField("C", null=True, blank=True)
    S = models.PositiveSmallIntegerField("S", null=True, blank=True)
    value = models.FloatField(_("D或R值"))
    colour = models.CharField(_("风险等级"), max_length=8, choices=COLOURS)
    working = models.JSONField(_("计算过程"), default=dict)
    controls = models.TextField(_("管控措施"), blank=True)
    responsible = models.CharField(_("管控责任人"), max_length=50, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=RECORD_STATES, default="active")
    void_reason = models.CharField(_("作废原因"), max_length=255, blank=True)

    class Meta:
        ordering = ["enterprise", "-value"]
        verbose_name = _("风险点")
        verbose_name_plural = _("风险点")

    def __str__(self):
        return f"{self.enterprise} · {self.name}"

    def get_absolute_url(self):
        return reverse("risk:point_detail", args=[self.pk])


class EnterpriseRisk(AuditedModel):
    """The enterprise's current risk colour: the worst of its assessments, with the reason."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="risk"
    )
    colour = models.CharField(_("风险等级"), max_length=8, choices=COLOURS, blank=True)
    reason = models.CharField(_("依据"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("企业风险等级")
        verbose_name_plural = _("企业风险等级")

    def __str__(self):
        return f"{self.enterprise}:{self.get_colour_display() or '未评估'}"

    def get_absolute_url(self):
        return self.enterprise.get_absolute_url()


class RiskColourChange(AuditedModel):
    """Every change of an enterprise's risk colour (dynamic update, T13)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="risk_changes"
    )
    old_colour = models.CharField(_("原等级"), max_length=8, choices=COLOURS, blank=True)
    new_colour = models.CharField(_("新等级"), max_length=8, choices=COLOURS, blank=True)
    reason = models.CharField(_("原因"), max_length=1000)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("风险等级变化")
        verbose_name_plural = _("风险等级变化")

    def __str__(self):
        return f"{self.enterprise}:{self.old_colour or '—'} → {self.new_colour or '—'}"


class RiskSettings(AuditedModel):
    """Configurable, non-national parts (digest §3): the LEC D bands, the LS band variant, the
    weights of the district risk index and the reassessment period."""

    lec_bands = models.JSONField(_("LEC D值分级表"), default=list)
    ls_variant = models.CharField(_("LS分级表"), max_length=2, default="A")
    index_weights = models.JSONField(_("区域风险指数权重"), default=dict)
    reassess_years = models.PositiveSmallIntegerField(_("评估诊断周期(年)"), default=3)
    adjacent_mine_m = models.PositiveIntegerField(_("相邻矿山距离(米)"), default=2000)

    class Meta:
        verbose_name = _("风险分级设置")
        verbose_name_plural = _("风险分级设置")

    def __str__(self):
        return "风险分级设置"
