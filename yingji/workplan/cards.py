"""工作台 cards of 工作要点督办. Every figure is counted on the same restricted queryset, with the
same filters, as the assignment list its link opens (我的任务, 逾期任务, 任务分工检索)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from yingji.core.permissions import scope_of

from . import selectors
from .choices import ASSIGNMENT_STATUSES, OPEN_STATUSES, STATUS_COLOURS


def _item(label: str, qs, tone: str, page: str, **params) -> dict:
    url = reverse(page) + ("?" + urlencode(params) if params else "")
    return {"label": label, "count": qs.count(), "url": url, "level": tone}


def _counted(label: str, count: int, tone: str, **params) -> dict:
    url = reverse("workplan:notices") + "?" + urlencode(params)
    return {"label": label, "count": count, "url": url, "level": tone}


def todo(request):
    """待我处理: my unit's open and overdue tasks, 督办单 to answer (target unit) or to close (the
    plan's 督查科室), progress reports to review."""
    user = request.user
    mine = selectors.my_assignments(user)
    items = [
        _item(
            "本单位未完成的任务",
            mine.filter(status__in=OPEN_STATUSES),
            "primary",
            "workplan:mine",
            open=1,
        ),
        _item(
            "本单位逾期的任务",
            mine.filter(selectors.overdue_q()),
            "danger",
            "workplan:mine",
            overdue=1,
        ),
        _item(
            "收到督办单待办结的任务",
            mine.filter(selectors.noticed_q()),
            "danger",
            "workplan:mine",
            noticed=1,
        ),
    ]
    # 督办单: both figures in one query, each the list its link opens (?answer=1, ?close=1)
    notices = selectors.visible_notices(user).aggregate(
        answer=Count("pk", filter=Q(pk__in=selectors.notices_to_answer(user).values("pk"))),
        close=Count("pk", filter=Q(pk__in=selectors.notices_to_close(user).values("pk"))),
    )
    items.append(_counted("待反馈的督办单", notices["answer"], "danger", answer=1))
    if notices["close"] or scope_of(user).is_admin:  # the 督查科室's figure
        items.append(_counted("已反馈待办结的督办单", notices["close"], "warning", close=1))
    visible = selectors.visible_assignments(user)
    if selectors.pending_reviews(user).exists() or scope_of(user).has_role("city_staff"):
        items.append(
            _item(
                "有进展报告待我审核的任务",
                visible.filter(selectors.awaiting_my_review_q(user)),
                "warning",
                "workplan:assignments",
                review=1,
            )
        )
    return {"title": "工作要点督办待办", "kind": "todo", "icon": "list-check", "items": items}


def figures(request):
    """Plan progress in my scope: assignments by status (chart) and the overdue ones."""
    visible = selectors.visible_assignments(request.user)
    counts = visible.aggregate(
        total=Count("pk"),
        **{key: Count("pk", filter=Q(status=key)) for key, _ in ASSIGNMENT_STATUSES},
    )
    if not counts["total"]:
        return None
    items = [
        _item("任务分工", visible, "primary", "workplan:assignments"),
        _item(
            "已完成",
            visible.filter(status="done"),
            "success",
            "workplan:assignments",
            status="done",
        ),
        _item("逾期(含滞后)", visible.filter(selectors.overdue_q()), "danger", "workplan:overdue"),
    ]
    index = reverse("workplan:assignments")
    rows = [
        {
            "name": str(label),
            "count": counts[key],
            "url": f"{index}?{urlencode({'status': key})}",
            "colour": STATUS_COLOURS.get(key, "secondary"),
        }
        for key, label in ASSIGNMENT_STATUSES
        if counts[key]
    ]
    return {
        "title": "工作要点推进情况",
        "kind": "figures",
        "icon": "list-check",
        "items": items,
        "chart": {"title": "按完成状态", "rows": rows},
    }
