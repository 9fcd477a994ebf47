"""预警信息: event types (data, admin-editable 防御指南 templates), warnings (one row per CAP
message: an Update or a Cancel is a new row referencing the one it replaces), their deliveries
per channel and the recipients' acknowledgements (签收 / 已落实)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel
from yingji.orgs.choices import ROLE_LABELS
from yingji.standards.cap import CATEGORIES as CAP_CATEGORIES

from .choices import (
    ACK_STATES,
    CHANNELS,
    DELIVERY_RESULTS,
    LEVEL_CHOICES,
    MSG_TYPES,
    ORIGINS,
    SCOPES,
    STATE_LABELS,
    STATES,
)

USER = settings.AUTH_USER_MODEL


def _user(label):
    return models.ForeignKey(
        USER,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class EventType(AuditedModel):
    """A warning event type (GB/T 35561 大类 in ``group``) with its CAP category and the
    防御指南 template a new warning of this type starts from."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    group = models.CharField(_("突发事件大类"), max_length=20)
    category = models.CharField(
        _("CAP 类别"), max_length=10, choices=[(c, c) for c in CAP_CATEGORIES], default="Met"
    )
    guide = models.TextField(_("防御指南模板"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("预警事件类型")
        verbose_name_plural = _("预警事件类型")

    def __str__(self):
        return self.name


class Warning(AuditedModel):
    """One warning message. 草稿 → 待审批 → 已批准 → 已发布, then 已更新 (a newer message
    references it), 已解除 or 已过期 (at ``expires``; see :attr:`shown_state`)."""

    identifier = models.CharField(_("预警标识"), max_length=64, unique=True, null=True, blank=True)
    msg_type = models.CharField(_("消息类型"), max_length=8, choices=MSG_TYPES, default="Alert")
    previous = models.ForeignKey(
        "self",
        verbose_name=_("所更新/解除的预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
    )
    state = models.CharField(_("状态"), max_length=10, choices=STATES, default="draft")
    origin = models.CharField(_("来源"), max_length=8, choices=ORIGINS, default="local")
    external_sender = models.CharField(_("外部发布单位"), max_length=200, blank=True)
    external_identifier = models.CharField(_("外部预警标识"), max_length=200, blank=True)
    event_type = models.ForeignKey(
        EventType, verbose_name=_("事件类型"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("预警级别"), max_length=8, choices=LEVEL_CHOICES)
    jurisdiction = models.ForeignKey(
        "geo.Region",
        verbose_name=_("发布区域(辖区)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuer = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("起草单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    regions = models.ManyToManyField("geo.Region", verbose_name=_("影响区域"), related_name="+")
    polygon = models.JSONField(_("绘制范围(GeoJSON 多边形)"), null=True, blank=True)
    headline = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("预警内容"))
    instruction = models.TextField(_("防御指南"), blank=True)
    effective = models.DateTimeField(_("生效时间"))
    onset = models.DateTimeField(_("开始时间"), null=True, blank=True)
    expires = models.DateTimeField(_("失效时间"))
    scope = models.CharField(_("发布范围"), max_length=8, choices=SCOPES, default="public")
    # 会商 (consultation) record
    consult_at = models.DateTimeField(_("会商时间"), null=True, blank=True)
    consult_participants = models.TextField(_("会商参加人员"), blank=True)
    consult_organisations = models.TextField(_("会商参加单位"), blank=True)
    consult_opinions = models.TextField(_("会商意见"), blank=True)
    consult_decision = models.TextField(_("会商结论"), blank=True)
    source_alarms = models.JSONField(_("来源告警"), default=list, blank=True)
    # 接收对象 beyond the area (the county bureaus and enterprises of the affected regions, always):
    # the organisations with an active member of these roles whose jurisdiction intersects the
    # area, organisations named one by one, and named groups (orgs.OrgGroup, admin-edited)
    recipient_roles = models.JSONField(_("按角色接收"), default=list, blank=True)
    recipient_orgs = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("指定接收单位"), related_name="+", blank=True
    )
    recipient_groups = models.ManyToManyField(
        "orgs.OrgGroup", verbose_name=_("接收分组"), related_name="+", blank=True
    )
    drafted_by = _user(_("起草人"))
    submitted_by = _user(_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_by = _user(_("审批人"))
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approval_opinion = models.TextField(_("审批意见"), blank=True)
    released_by = _user(_("发布人"))
    sent = models.DateTimeField(_("发布时间"), null=True, blank=True)
    ended_by = _user(_("解除/更新人"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.TextField(_("解除/更新原因"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("预警信息")
        verbose_name_plural = _("预警信息")
        indexes = [models.Index(fields=["state", "expires"])]
        permissions = [("approve_warning", "可审批预警信息(审批权)")]

    def __str__(self):
        return self.headline

    @classmethod
    def present_history_value(cls, key: str, value) -> str | None:
        """The history names the recipient roles in Chinese, not by their codes."""
        if key == "recipient_roles" and isinstance(value, list):
            return "、".join(str(ROLE_LABELS.get(r, r)) for r in value) or "—"
        return None

    def get_absolute_url(self):
        return reverse("warnings:detail", args=[self.pk])

    @property
    def shown_state(self) -> str:
        """The state as read now: a released warning past ``expires`` is 已过期 even before
        the daily job records it."""
        if self.state == "released" and self.expires <= timezone.now():
            return "expired"
        return self.state

    @property
    def shown_state_label(self) -> str:
        return str(STATE_LABELS[self.shown_state])

    @property
    def in_force(self) -> bool:
        return self.shown_state == "released"


class Delivery(models.Model):
    """One delivery of a released message on one channel to one recipient (logged, never
    edited: one release is one AuditEvent)."""

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10, choices=CHANNELS)
    recipient = models.CharField(_("接收方"), max_length=200)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("接收单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = _user(_("接收人"))
    ack = models.ForeignKey(
        "Acknowledgement",
        verbose_name=_("签收任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    result = models.CharField(_("结果"), max_length=12, choices=DELIVERY_RESULTS)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    attempt = models.PositiveSmallIntegerField(_("尝试次数"), default=1)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("下次重试时间"), null=True, blank=True)
    resend = models.BooleanField(_("重发"), default=False)
    claim = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("预警发送记录")
        verbose_name_plural = _("预警发送记录")
        indexes = [models.Index(fields=["warning", "result"])]

    def __str__(self):
        return f"{self.warning_id} {self.get_channel_display()} → {self.recipient}"


class Acknowledgement(AuditedModel):
    """A recipient organisation's 签收 (received) and 已落实 (acted, with a note)."""

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="acks")
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("签收状态"), max_length=10, choices=ACK_STATES, default="pending")
    received_by = _user(_("签收人"))
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    done_by = _user(_("落实人"))
    done_at = models.DateTimeField(_("落实时间"), null=True, blank=True)
    note = models.TextField(_("落实情况"), blank=True)

    class Meta:
        ordering = ["warning", "organisation__path"]
        verbose_name = _("预警签收")
        verbose_name_plural = _("预警签收")
        constraints = [
            models.UniqueConstraint(fields=["warning", "organisation"], name="warnings_one_ack")
        ]

    def __str__(self):
        return f"{self.organisation} 签收“{self.warning}”"

    def get_absolute_url(self):
        return reverse("warnings:detail", args=[self.warning_id]) + f"#ack-{self.pk}"


MOBILE = RegexValidator(r"^1[3-9][0-9]{9}$", "手机号应为 11 位数字,以 13–19 开头。")


class ContactPhone(AuditedModel):
    """A person's mobile number for the 短信网关 channel (预警短信接收号码): the platform's users
    have no phone number elsewhere, so an administrator records it here (Django admin, audited).
    A recipient organisation's members with an active number each get the SMS with their
    personal 签收 link; a member without one gets a delivery row 无手机号 (not sent)."""

    user = models.OneToOneField(
        USER, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="warning_phone"
    )
    phone = models.CharField(_("手机号"), max_length=11, validators=[MOBILE])
    active = models.BooleanField(_("接收预警短信"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("预警短信接收号码")
        verbose_name_plural = _("预警短信接收号码")

    def __str__(self):
        return f"{self.user} {self.phone}"
