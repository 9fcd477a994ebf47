"""`yingji check` (Django's system checks) warns while the next year's schedule is missing."""

from django.core.checks import Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register("yingji")
def next_year_schedule(app_configs=None, **kwargs):
    from .selectors import missing_next_year

    try:
        year = missing_next_year(timezone.localdate())
    except DatabaseError:  # not migrated yet
        return []
    if year is None:
        return []
    return [
        Warning(
            f"尚未录入{year}年放假安排:该年的工作日按周一至周五暂定计算。",
            hint="国务院办公厅公布后,由系统管理员在“工作日历”页面录入。",
            id="calendars.W001",
        )
    ]
