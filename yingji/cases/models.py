"""典型事故案例库 (T50): accident cases with their causes and lessons, graded by the
Art. 3 rule of 国务院令第493号 (yingji/standards/accidents.py)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel
from yingji.standards.accidents import GRADE_LABELS

from .choices import ACCIDENT_TYPES, GRADE_ARTICLE, INDUSTRIES
from .segment import document

GRADES = list(GRADE_LABELS.items())


class Case(AuditedModel):
    """One accident case. The region is kept as its code and name (not a link to the region
    table): the library is read by every signed-in user, wherever the accident happened."""

    code = models.CharField(_("案例编号"), max_length=40, unique=True)
    title = models.CharField(_("案例标题"), max_length=200)
    occurred_on = models.DateField(_("发生日期"))
    region_code = models.CharField(_("县区编码"), max_length=12, blank=True)
    region_name = models.CharField(_("县区"), max_length=50, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    industry = models.CharField(_("行业"), max_length=20, choices=INDUSTRIES)
    accident_type = models.CharField(_("事故类型"), max_length=20, choices=ACCIDENT_TYPES)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数(含急性工业中毒)"), default=0)
    injuries = models.PositiveIntegerField(_("轻伤人数"), default=0)
    direct_loss = models.DecimalField(
        _("直接经济损失(元)"), max_digits=14, decimal_places=2, default=0
    )
    grade = models.CharField(_("事故等级"), max_length=20, choices=GRADES, editable=False)
    narrative = models.TextField(_("事故经过"), blank=True)
    direct_causes = models.TextField(_("直接原因"), blank=True)
    indirect_causes = models.TextField(_("间接原因"), blank=True)
    lessons = models.TextField(_("经验教训"), blank=True)
    responsibility = models.TextField(_("责任追究"), blank=True)
    measures = models.TextField(_("防范措施"), blank=True)
    enterprise_kind = models.CharField(_("企业类型"), max_length=50, blank=True)
    tags = models.JSONField(_("标签"), default=list)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    # the closed response event (#12) this case was made from, if any (read through the
    # response app's model only by pk: the link shown on the case page)
    source_event = models.ForeignKey(
        "response.Event",
        verbose_name=_("来源事件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # jieba tokens of the texts, space-joined: what the full-text index holds (fulltext.py)
    search_text = models.TextField(_("分词文本"), blank=True, editable=False)
    # the investigation report (.docx/.pdf) the case was written from: a core attachment of
    # the case, downloaded through the case's restrict() (views.source_document)
    source_document = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("调查报告原件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    # derived from the texts above on every save: not a line of a person's history
    history_skipped_fields = ("search_text",)

    class Meta:
        ordering = ["-occurred_on", "code"]
        verbose_name = _("事故案例")
        verbose_name_plural = _("事故案例")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cases:case", args=[self.pk])

    def segmented(self) -> str:
        return document(
            self.title,
            self.place,
            self.narrative,
            self.direct_causes,
            self.indirect_causes,
            self.lessons,
            self.measures,
            " ".join(self.tags or []),
        )

    def save(self, *args, **kwargs):
        self.search_text = self.segmented()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def grade_basis(self) -> str:
        return GRADE_ARTICLE

    @property
    def tag_text(self) -> str:
        return "、".join(self.tags)


class WarningPush(AuditedModel):
    """警示教育: a case pushed to the enterprises of an industry in a county, as a notice each
    must mark read (one PushReceipt per enterprise; the read rate is theirs)."""

    case = models.ForeignKey(
        Case, verbose_name=_("案例"), on_delete=models.PROTECT, related_name="pushes"
    )
    industry = models.CharField(_("行业"), max_length=20, choices=INDUSTRIES)
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("县区"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("警示要求"), blank=True)
    pushed_at = models.DateTimeField(_("推送时间"))
    pushed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推送人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-pushed_at", "-pk"]
        verbose_name = _("警示教育推送")
        verbose_name_plural = _("警示教育推送")

    def __str__(self):
        return f"警示教育:{self.case.title}"

    def get_absolute_url(self):
        return reverse("cases:push", args=[self.pk])


class PushReceipt(AuditedModel):
    """One enterprise's copy of a push: when (and by whom) it was marked read."""

    push = models.ForeignKey(
        WarningPush, verbose_name=_("推送"), on_delete=models.PROTECT, related_name="receipts"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅读人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-push__pushed_at", "pk"]
        verbose_name = _("警示教育签收")
        verbose_name_plural = _("警示教育签收")
        constraints = [
            models.UniqueConstraint(
                fields=["push", "enterprise"], name="one_receipt_per_enterprise"
            )
        ]

    def __str__(self):
        return f"{self.push}({self.enterprise})"

    def get_absolute_url(self):
        return reverse("cases:receipt", args=[self.pk])
