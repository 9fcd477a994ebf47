"""工作台 cards: plans due for review (评估) and drill findings past their deadline. Each count
is counted on the restricted list its link opens, with the same filter."""

from django.urls import reverse

from yingji.core.permissions import allows

from . import selectors


def _kind(request) -> str:
    """A to-do for those who act on plans; figures for the others (leadership, duty officer)."""
    return "todo" if allows(request.user, "plans.write") else "figures"


def review_due(request):
    plans = selectors.visible_plans(request.user)
    overdue = plans.filter(selectors.review_q("overdue")).count()
    soon = plans.filter(selectors.review_q("due_soon")).count()
    if not overdue and not soon:
        return None
    url = reverse("plans:index")
    return {
        "title": "预案评估到期",
        "kind": _kind(request),
        "icon": "journal-text",
        "items": [
            {
                "label": "评估已超期",
                "count": overdue,
                "url": f"{url}?review=overdue",
                "level": "danger",
            },
            {
                "label": "90天内到期",
                "count": soon,
                "url": f"{url}?review=due_soon",
                "level": "warning",
            },
        ],
    }


def findings_overdue(request):
    n = selectors.overdue_findings(request.user).count()
    if not n:
        return None
    return {
        "title": "演练问题超期未整改",
        "kind": _kind(request),
        "icon": "clipboard-check",
        "items": [
            {
                "label": "超期未整改",
                "count": n,
                "url": f"{reverse('plans:findings')}?overdue=yes",
                "level": "danger",
            }
        ],
    }
