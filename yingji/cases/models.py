"""典型事故案例库 (T50): accident cases with their causes and lessons, graded by the
Art. 3 rule of 国务院令第493号 (yingji/standards/accidents.py)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel
from yingji.standards.accidents import GRADE_LABELS

from .choices import ACCIDENT_TYPES, GRADE_ARTICLE, INDUSTRIES

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
    causes = models.TextField(_("事故原因"), blank=True)
    lessons = models.TextField(_("经验教训"), blank=True)
    tags = models.JSONField(_("标签"), default=list)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-occurred_on", "code"]
        verbose_name = _("事故案例")
        verbose_name_plural = _("事故案例")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cases:case", args=[self.pk])

    @property
    def grade_basis(self) -> str:
        return GRADE_ARTICLE

    @property
    def tag_text(self) -> str:
        return "、".join(self.tags)
