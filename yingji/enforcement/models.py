"""执法 (issue #19; work points T1–T3, T12): the 执法人员名录库 (officer register) with certificates,
training hours and declared conflicts of interest; the 双随机、一公开 random draws; 执法全过程记录
recordings, 责令限期整改指令书 and 复查 of inspections; 专项整治 campaigns.

Nothing is deleted: an officer leaves by status (调离/暂停), a conflict is withdrawn with a
date, a draw is published or voided with a reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel

from .choices import (
    CERTIFICATE_TYPES,
    DRAW_STATES,
    OFFICER_STATUSES,
    ORDER_STATES,
    RECORDING_KINDS,
    REINSPECTION_STATES,
)


class LawOfficer(AuditedModel):
    """One law-enforcement officer (执法人员) of the city bureau or a county bureau, with the
    certificate (执法证) that lets them be named on an inspection or a case step."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("平台账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="law_officers",
    )
    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate_no = models.CharField(_("执法证号"), max_length=40, unique=True)
    certificate_type = models.CharField(
        _("证件类型"), max_length=10, choices=CERTIFICATE_TYPES, default="gansu"
    )
    issuing_authority = models.CharField(_("发证机关"), max_length=100)
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=12, choices=OFFICER_STATUSES, default="on_duty")
    status_reason = models.CharField(_("状态说明"), max_length=300, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["organisation__path", "name", "pk"]
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")

    def __str__(self):
        return f"{self.name}({self.certificate_no})"

    def get_absolute_url(self):
        return reverse("enforcement:officer", args=[self.pk])


class OfficerTraining(AuditedModel):
    """Training hours of an officer in a year (业务培训, T2)."""

    officer = models.ForeignKey(LawOfficer, on_delete=models.PROTECT, related_name="trainings")
    year = models.PositiveIntegerField(_("年度"))
    course = models.CharField(_("培训内容"), max_length=200)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)
    trained_on = models.DateField(_("培训日期"), null=True, blank=True)

    class Meta:
        ordering = ["officer", "-year", "pk"]
        verbose_name = _("执法人员培训")
        verbose_name_plural = _("执法人员培训")

    def __str__(self):
        return f"{self.officer.name} {self.year}年 {self.course}({self.hours}学时)"

    def get_absolute_url(self):
        return self.officer.get_absolute_url() + "#training"


class OfficerConflict(AuditedModel):
    """A declared conflict of interest (回避): the officer is never drawn for, nor named on an
    inspection of, this enterprise while the declaration stands."""

    officer = models.ForeignKey(LawOfficer, on_delete=models.PROTECT, related_name="conflicts")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("回避企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("回避事由"), max_length=300)
    declared_on = models.DateField(_("申报日期"))
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["officer", "-declared_on", "pk"]
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")

    def __str__(self):
        return f"{self.officer.name} 回避 {self.enterprise}"

    def get_absolute_url(self):
        return self.officer.get_absolute_url() + "#conflicts"


class Campaign(AuditedModel):
    """专项整治 (T12): a campaign with its period, sectors and targets; inspections and draws are
    linked to it and its progress is computed from them."""

    name = models.CharField(_("名称"), max_length=200)
    authority = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    sectors = models.JSONField(_("行业"), default=list, blank=True)
    target_inspections = models.PositiveIntegerField(_("目标检查企业数"), default=0)
    target_findings_closed = models.PositiveIntegerField(_("目标整改问题数"), default=0)
    inspections = models.ManyToManyField(
        "inspections.Inspection", verbose_name=_("检查"), blank=True, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enforcement:campaign", args=[self.pk])


class RandomDraw(AuditedModel):
    """A 双随机 draw: targets from the 检查对象名录库 (enterprises by sector and tier) and officers
    from the 执法人员名录库, reproducible from the recorded seed."""

    campaign_name = models.CharField(_("抽查任务"), max_length=200)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("专项整治"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draws",
    )
    authority = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    filters = models.JSONField(_("抽取条件"), default=dict)
    targets = models.PositiveIntegerField(_("抽取企业数"))
    per_target = models.PositiveSmallIntegerField(_("每户执法人员数"), default=2)
    seed = models.BigIntegerField(_("随机种子"))
    candidates = models.JSONField(_("候选企业"), default=list)
    officer_pool = models.JSONField(_("候选执法人员"), default=list)
    drawn_on = models.DateField(_("抽取日期"))
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=10, choices=DRAW_STATES, default="drawn")
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")

    def __str__(self):
        return f"{self.campaign_name}({self.drawn_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("enforcement:draw", args=[self.pk])


class DrawResult(AuditedModel):
    draw = models.ForeignKey(RandomDraw, on_delete=models.PROTECT, related_name="results")
    position = models.PositiveSmallIntegerField(_("序号"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    officers = models.ManyToManyField(LawOfficer, verbose_name=_("执法人员"), related_name="+")
    inspection = models.OneToOneField(
        "inspections.Inspection",
        verbose_name=_("检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draw_result",
    )

    class Meta:
        ordering = ["draw", "position"]
        verbose_name = _("抽取结果")
        verbose_name_plural = _("抽取结果")

    def __str__(self):
        return f"{self.draw} #{self.position} {self.enterprise_name}"

    def get_absolute_url(self):
        return self.draw.get_absolute_url() + f"#r{self.pk}"


class Recording(AuditedModel):
    """执法全过程记录: an audio, video or photo record of an inspection, with who recorded it.
    Checked by the upload limits of core/uploads.py; voided, never deleted."""

    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=RECORDING_KINDS)
    file = models.FileField(_("文件"), upload_to="recordings/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小"))
    mime_type = models.CharField(_("类型"), max_length=100)
    sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        LawOfficer, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"))
    description = models.CharField(_("说明"), max_length=255, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        ordering = ["inspection", "recorded_at", "pk"]
        verbose_name = _("执法全过程记录")
        verbose_name_plural = _("执法全过程记录")

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name}"

    def get_absolute_url(self):
        return reverse("enforcement:inspection", args=[self.inspection_id]) + f"#rec{self.pk}"


class InspectionOfficer(AuditedModel):
    """The certified officers named on an inspection (≥2, checked on the inspection's day)."""

    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        LawOfficer, verbose_name=_("执法人员"), on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("检查执法人员")
        verbose_name_plural = _("检查执法人员")

    def __str__(self):
        return f"{self.officer.name}"

    def get_absolute_url(self):
        return reverse("enforcement:inspection", args=[self.inspection_id])


class RectificationOrder(AuditedModel):
    """责令限期整改指令书: issued on an inspection's findings, with the deadline; its 复查 is
    scheduled when it is issued and falls due after the deadline."""

    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("检查"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("文书编号"), max_length=60, unique=True)
    items = models.JSONField(_("整改事项"), default=list)
    issued_on = models.DateField(_("下达日期"))
    deadline = models.DateField(_("整改期限"))
    officers = models.ManyToManyField(LawOfficer, verbose_name=_("执法人员"), related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=ORDER_STATES, default="open")
    proposal = models.CharField(_("处理建议"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("责令限期整改指令书")
        verbose_name_plural = _("责令限期整改指令书")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("enforcement:inspection", args=[self.inspection_id]) + f"#o{self.pk}"


class ReInspection(AuditedModel):
    """复查 of a rectification order: due from the day after the deadline, within the window."""

    order = models.OneToOneField(
        RectificationOrder, on_delete=models.PROTECT, related_name="reinspection"
    )
    due_from = models.DateField(_("复查开始日期"))
    due_by = models.DateField(_("复查截止日期"))
    state = models.CharField(
        _("状态"), max_length=10, choices=REINSPECTION_STATES, default="waiting"
    )
    done_on = models.DateField(_("复查日期"), null=True, blank=True)
    officers = models.ManyToManyField(LawOfficer, verbose_name=_("复查人员"), related_name="+")
    opinion = models.TextField(_("复查意见"), blank=True)

    class Meta:
        ordering = ["due_from", "pk"]
        verbose_name = _("复查")
        verbose_name_plural = _("复查")

    def __str__(self):
        return f"{self.order.number} 复查"

    def get_absolute_url(self):
        return self.order.get_absolute_url()
