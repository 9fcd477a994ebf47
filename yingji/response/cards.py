"""工作台 cards: 今日值班 (who is on duty today) and 应急值守 (open events, reports overdue, tasks).
Every count is counted on the same restricted queryset, with the same filter, as the list its
link opens."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from yingji.core.permissions import scope_of

from . import selectors


def today(request):
    """A notice: today's 带班领导, 值班员 and 联络员 of the bureau and of the user's county bureau."""
    shifts = list(selectors.today_shifts(request.user))
    scope = scope_of(request.user)
    mine = [
        s for s in shifts if s.organisation.code == "LZYJJ" or s.organisation_id in scope.org_ids
    ]
    if not mine:
        return None
    parts = [
        f"{s.organisation.name}{s.get_shift_display()}:带班领导 {s.leader},值班员 {s.officer}"
        + (f",联络员 {s.liaison}" if s.liaison else "")
        + (f",电话 {s.phone}" if s.phone else "")
        for s in mine
    ]
    return {
        "title": f"今日值班({timezone.localdate():%m月%d日})",
        "text": ";".join(parts) + "。",
        "level": "info",
        "link": reverse("response:roster"),
        "link_text": "打开值班表",
    }


def clocks(request):
    user = request.user
    events = selectors.visible_events(user)
    tasks = selectors.visible_tasks(user)
    ev, tk = reverse("response:events"), reverse("response:tasks")
    items = [
        {
            "label": "处置中的突发事件",
            "count": events.filter(state="open").count(),
            "url": f"{ev}?state=open",
            "level": "warning",
        },
        {
            "label": "报告已超时的事件",
            "count": events.filter(selectors.overdue_q()).count(),
            "url": f"{ev}?overdue=1",
            "level": "danger",
        },
        {
            "label": "待本单位签收的指令",
            "count": tasks.filter(selectors.mine_q(user), state="issued").count(),
            "url": f"{tk}?mine=1&state=issued",
            "level": "warning",
        },
        {
            "label": "超时未办结的指令",
            "count": tasks.filter(selectors.task_overdue_q()).count(),
            "url": f"{tk}?overdue=1",
            "level": "danger",
        },
    ]
    if not any(i["count"] for i in items):
        return None
    kind = "figures" if scope_of(user).read_only else "duty"  # the leadership reads figures
    return {"title": "应急值守", "kind": kind, "icon": "telephone", "items": items}


def escalated_to_me(request):
    """For the 带班领导 (or the leaders notified instead): breached report deadlines of open
    events escalated to them."""
    from . import escalations

    escalations.sweep_if_due()
    mine = escalations.to_me(request.user)
    rows = list(mine[:5])
    if not rows:
        return None
    return {
        "title": "报告超时提醒",
        "text": f"有 {mine.count()} 项报告时限已超时,已提醒您:"
        + ";".join(f"{e.event.number} {e.event.title} {e.deadline}" for e in rows),
        "level": "danger",
        "link": rows[0].event.get_absolute_url() + "#escalations",
        "link_text": "查看事件",
    }
