from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel

DAY_KINDS = [("holiday", _("放假")), ("workday", _("调休上班"))]


class ScheduleYear(AuditedModel):
    """One year's official holiday schedule, entered by an administrator (国务院办公厅通知)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    source = models.CharField(_("依据"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度放假安排")
        verbose_name_plural = _("年度放假安排")

    def __str__(self):
        return f"{self.year}年放假安排"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("calendars:year", args=[self.year])


class CalendarDay(AuditedModel):
    """A date that is not what Monday–Friday says: a day off (放假) or a make-up workday (调休)."""

    schedule = models.ForeignKey(ScheduleYear, on_delete=models.PROTECT, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DAY_KINDS)
    name = models.CharField(_("节日"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日或调休日")
        verbose_name_plural = _("节假日与调休日")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}{(' ' + self.name) if self.name else ''}"
