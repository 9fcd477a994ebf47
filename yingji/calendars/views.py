"""工作日历 pages: the years covered, each year's days, and (administrators) entering a year."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from yingji.core.permissions import get_restricted_or_404, scope_of
from yingji.core.schemas import summary, validate
from yingji.core.views import record_extras
from yingji.core.webforms import run_service

from . import selectors, services
from .models import ScheduleYear
from .schemas import HolidayScheduleIn

ROWS = 8  # holiday rows on the form (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆 and one spare)
FESTIVALS = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", ""]


def schedule_data(post) -> dict:
    """The entry form as HolidayScheduleIn's input: holiday rows (name, start, end) and the make-up
    workdays typed one per line or separated by commas."""
    names, starts, ends = (post.getlist(k) for k in ("h_name", "h_start", "h_end"))
    holidays = [
        {"name": n, "start": s, "end": e or s}
        for n, s, e in zip(names, starts, ends, strict=False)
        if n.strip() or s.strip()
    ]
    workdays = [w for w in re.split(r"[\s,,、;;]+", post.get("workdays", "")) if w]
    return {
        "year": post.get("year") or None,
        "source": post.get("source", ""),
        "holidays": holidays,
        "workdays": workdays,
        "version": post.get("version") or None,
    }


@login_required
def index(request):
    today = timezone.localdate()
    is_admin = scope_of(request.user).is_admin
    values = {}
    if request.method == "POST" and is_admin:
        values = schedule_data(request.POST)
        parsed = validate(HolidayScheduleIn, values)
        if not parsed.ok:
            messages.error(request, summary(parsed.errors))
        else:
            schedule = run_service(
                request,
                lambda: services.do_enter_schedule(actor=request.user, data=parsed.data),
                f"已录入{parsed.data.year}年放假安排,相关期限已按新日历重新计算。",
            )
            if schedule:
                return redirect(schedule)
    missing = selectors.missing_next_year(today)
    rows = values.get("holidays") or [{"name": n} for n in FESTIVALS]
    rows = (rows + [{}] * ROWS)[:ROWS]
    return render(
        request,
        "calendars/index.html",
        {
            "title": "工作日历",
            "years": selectors.covered_years(),
            "missing": missing,
            "is_admin": is_admin,
            "rows": rows,
            "values": values,
            "default_year": missing or today.year + 1,
        },
    )


@login_required
def year_detail(request, year):
    schedule = get_restricted_or_404(ScheduleYear.objects.all(), request.user, year=year)
    return render(
        request,
        "calendars/year.html",
        {
            "title": f"{year}年放假安排",
            "object": schedule,
            "days": schedule.days.all(),
            **record_extras(request, schedule),
        },
    )
