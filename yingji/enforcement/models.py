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

from .choices import CERTIFICATE_TYPES, OFFICER_STATUSES


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
