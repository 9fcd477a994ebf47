"""研判简报 (T11 安全生产周调度和会商, T48 四早, T49 一周小研判、一月中研判、一季度大研判).

A brief covers one period (周/月/季) of one region (the city or a county). Its figures are
computed once, when it is generated, and kept as a snapshot (``figures``): a later change in
the modules' data does not change a brief, least of all an issued one. The analyst writes the
研判意见 per section (``opinions``) and the overall 风险提示 and 工作建议."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel

from .choices import BRIEF_KINDS, BRIEF_STATES
from .periods import KIND_NAMES, Period


def brief_search_text(brief) -> str:
    """The text the archive search looks in: number, title, period, the 研判意见, 风险提示 and
    工作建议, and the frozen snapshot (section titles, figure labels and values, table rows,
    the notable records listed). Kept in one column so that a plain ``icontains`` finds it on
    SQLite and PostgreSQL alike (the snapshot's JSON escapes Chinese on SQLite)."""
    f = brief.figures or {}
    parts = [brief.number, brief.title, f.get("period", {}).get("label", "")]
    parts += [brief.risk_outlook, brief.advice, *(brief.opinions or {}).values()]
    for s in f.get("sections", []):
        parts.append(s.get("title", ""))
        parts += [f"{m['label']} {m['value']:g}" for m in s.get("metrics", [])]
        for table in s.get("tables") or ([s["table"]] if s.get("table") else []):
            parts += [" ".join(str(c) for c in row) for row in table.get("rows", [])]
        parts += [i.get("text", "") for i in s.get("items", [])]
    return "\n".join(p for p in parts if p)


def _user_fk(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class Brief(AuditedModel):
    kind = models.CharField(_("类型"), max_length=10, choices=BRIEF_KINDS)
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    title = models.CharField(_("标题"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=BRIEF_STATES, default="draft")
    figures = models.JSONField(_("数据快照"), default=dict, editable=False)
    generated_at = models.DateTimeField(_("生成时间"))
    opinions = models.JSONField(_("分项研判意见"), default=dict, blank=True)
    risk_outlook = models.TextField(_("风险提示"), blank=True)
    advice = models.TextField(_("工作建议"), blank=True)
    drafted_by = _user_fk(_("起草人"))
    submitted_by = _user_fk(_("送审人"))
    submitted_at = models.DateTimeField(_("送审时间"), null=True, blank=True)
    reviewed_by = _user_fk(_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)
    issued_by = _user_fk(_("印发人"))
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("期号"), null=True, blank=True)
    number = models.CharField(_("编号"), max_length=40, blank=True)
    search_text = models.TextField(_("全文(检索用)"), blank=True, editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    # the derived search column is rewritten on every save: never a line of history
    history_skipped_fields = ("search_text",)

    class Meta:
        ordering = ["-period_start", "kind", "region__code"]
        verbose_name = _("研判简报")
        verbose_name_plural = _("研判简报")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "period_start"], name="reports_brief_period_unique"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:brief", args=[self.pk])

    def save(self, *args, **kwargs):
        self.search_text = brief_search_text(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def period(self) -> Period:
        return Period(self.kind, self.period_start, self.period_end)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def editable(self) -> bool:
        return self.state == "draft"


class BriefDelivery(AuditedModel):
    """An issued brief sent to one person (分发): who sent it when, and when the recipient read
    it (the read receipt). One row per brief and recipient; never deleted."""

    brief = models.ForeignKey(
        Brief, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("研判简报")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("收件人"),
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("收件单位"),
    )
    delivered_at = models.DateTimeField(_("分发时间"))
    delivered_by = _user_fk(_("分发人"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件通知时间"), null=True, blank=True)
    email_note = models.CharField(_("邮件通知情况"), max_length=300, blank=True)
    sms_at = models.DateTimeField(_("短信通知时间"), null=True, blank=True)
    sms_note = models.CharField(_("短信通知情况"), max_length=300, blank=True)

    class Meta:
        ordering = ["brief", "organisation__code", "recipient__username"]
        verbose_name = _("简报分发")
        verbose_name_plural = _("简报分发")
        constraints = [
            models.UniqueConstraint(fields=["brief", "recipient"], name="one_delivery_per_reader")
        ]

    def __str__(self):
        return f"{self.brief.title} → {self.recipient.get_full_name() or self.recipient.username}"

    def get_absolute_url(self):
        return reverse("reports:brief", args=[self.brief_id]) + "#deliveries"


class BriefTemplate(AuditedModel):
    """An editable Word template of one kind of brief (周/月/季研判), uploaded by the bureau,
    with placeholders (reports/templating.py). The newest active one of a kind is used; an
    older one is kept (inactive), never deleted."""

    kind = models.CharField(_("简报类型"), max_length=10, choices=BRIEF_KINDS)
    name = models.CharField(_("模板名称"), max_length=200)
    file_name = models.CharField(_("文件名"), max_length=255)
    content = models.BinaryField(_("模板文件"), editable=False)
    placeholders = models.JSONField(_("使用的占位符"), default=list, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    uploaded_by = _user_fk(_("上传人"))

    class Meta:
        ordering = ["kind", "-pk"]
        verbose_name = _("简报模板")
        verbose_name_plural = _("简报模板")

    def __str__(self):
        return f"{self.get_kind_display()}模板:{self.name}"

    def get_absolute_url(self):
        return reverse("reports:templates")
