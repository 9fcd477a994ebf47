"""The 工作台 card: an administrator is told while a year's schedule is missing."""

from django.urls import reverse
from django.utils import timezone

from yingji.core.permissions import scope_of

from .selectors import missing_next_year


def missing_year(request):
    if not scope_of(request.user).is_admin:
        return None
    year = missing_next_year(timezone.localdate())
    if year is None:
        return None
    return {
        "title": "工作日历待更新",
        "level": "warning",
        "text": f"尚未录入{year}年放假安排,该年的工作日期限按周一至周五暂定计算。",
        "link": reverse("calendars:index"),
        "link_text": "录入放假安排",
    }
