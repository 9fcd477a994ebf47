"""``{{ deadline|date:"Y-m-d" }}{{ deadline|provisional }}``: a 暂定 badge after a date that falls
in a year with no official holiday schedule (its working days were counted Monday–Friday and
will be recomputed when the schedule is entered); nothing for other dates."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats
from django.utils.html import format_html

from yingji.calendars.selectors import is_provisional

register = template.Library()

TITLE = "{year}年放假安排尚未录入,该期限按周一至周五暂定计算;录入后将自动重新计算。"


@register.filter
def provisional(value):
    """The 暂定 badge (escaped HTML) for a date in a year without holiday data, else ""."""
    if not isinstance(value, dt.date):
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not is_provisional(value):
        return ""
    return format_html(
        ' <span class="badge text-bg-warning provisional" title="{}">暂定</span>',
        TITLE.format(year=value.year),
    )


def deadline_cell(value):
    """A list cell: the date as the list shows dates, with the badge when provisional."""
    badge = provisional(value)
    if not badge:
        return value
    return format_html("{}{}", formats.date_format(value), badge)
