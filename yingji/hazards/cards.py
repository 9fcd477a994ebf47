"""工作台 cards of 隐患排查治理. Every figure is counted on the same restricted queryset, with the
same filters, as the hazard list its link opens (``hazards:index`` + the query string)."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from yingji.core.permissions import scope_of
from yingji.geo.models import Region

from . import selectors
from .choices import OPEN_STATES


def _item(label: str, qs, tone: str, **params) -> dict:
    url = reverse("hazards:index") + ("?" + urlencode(params) if params else "")
    return {"label": label, "count": qs.count(), "url": url, "level": tone}


def _regulator(scope) -> bool:
    return bool(scope.roles & {"system_admin", "city_staff", "county_staff"}) or scope.is_admin


def todo(request):
    """待我处理: a regulator's hazards to grade and to verify; an enterprise's to rectify."""
    user = request.user
    scope = scope_of(user)
    hazards = selectors.visible_hazards(user)
    if _regulator(scope):
        mine = hazards.filter(selectors.mine_q(user))
        items = [
            _item(
                "待验收销号的隐患",
                mine.filter(state="awaiting_verification"),
                "warning",
                state="awaiting_verification",
                mine=1,
            ),
            _item(
                "待定级的隐患", mine.filter(state="registered"), "info", state="registered", mine=1
            ),
            _item(
                "逾期未整改的隐患", mine.filter(selectors.overdue_q()), "danger", mine=1, overdue=1
            ),
            _due_soon(mine, mine=1),
        ]
    elif scope.has_role("enterprise_user"):
        items = [
            _item(
                "待整改的隐患", hazards.filter(state="rectifying"), "warning", state="rectifying"
            ),
            _item("已定级待制定整改方案", hazards.filter(state="graded"), "info", state="graded"),
            # 16号令 Art. 15 (issue #19): the enterprise verifies its own 一般 hazards
            _item(
                "待本单位验收的一般隐患",
                hazards.filter(state="awaiting_verification", level="general"),
                "warning",
                state="awaiting_verification",
                level="general",
            ),
            _item("逾期未整改的隐患", hazards.filter(selectors.overdue_q()), "danger", overdue=1),
            _due_soon(hazards),
        ]
    else:
        return None
    return {"title": "隐患待办", "kind": "todo", "icon": "tools", "items": items}


def _due_soon(hazards, **params) -> dict:
    """Open hazards whose rectification deadline falls within the next seven days."""
    today = timezone.localdate()
    until = today + datetime.timedelta(days=7)
    return _item(
        "7天内到整改期限的隐患",
        hazards.filter(state__in=OPEN_STATES, deadline__gte=today, deadline__lte=until),
        "warning",
        open=1,
        deadline_from=today.isoformat(),
        deadline_to=until.isoformat(),
        **params,
    )


def figures(request):
    """My area: open and overdue hazards, major ones, and open hazards per county (chart)."""
    user = request.user
    hazards = selectors.visible_hazards(user)
    open_ = hazards.filter(state__in=OPEN_STATES)
    items = [
        _item("未销号隐患", open_, "primary", open=1),
        _item("其中重大隐患", open_.filter(level="major"), "danger", open=1, level="major"),
        _item("整改逾期", hazards.filter(selectors.overdue_q()), "danger", overdue=1),
        _item("挂牌督办中", open_.filter(supervised=True), "warning", open=1, supervised=1),
    ]
    return {
        "title": "隐患概况",
        "kind": "figures",
        "icon": "tools",
        "items": items,
        "chart": _by_county(open_, "各县区未销号隐患"),
    }


def _by_county(open_, title: str) -> dict | None:
    """Open hazards per county in one query; each bar links to the list filtered by the county."""
    counties = list(Region.objects.filter(level="county").order_by("code").values("code", "name"))
    if not counties:
        return None
    counts = open_.aggregate(
        **{c["code"]: Count("pk", filter=Q(region__path__contains=c["code"])) for c in counties}
    )
    index = reverse("hazards:index")
    rows = [
        {
            "name": c["name"],
            "count": counts[c["code"]],
            "url": f"{index}?{urlencode({'open': 1, 'region': c['code']})}",
        }
        for c in counties
        if counts[c["code"]]
    ]
    if len(rows) < 2:  # one county (or none): the figures above already say it
        return None
    return {"title": title, "rows": rows}


def duty(request):
    """值班关注 (duty officer, city-wide): new major hazards, overdue major ones, 挂牌督办."""
    hazards = selectors.visible_hazards(request.user)
    since = timezone.localdate() - datetime.timedelta(days=1)
    week = timezone.localdate() - datetime.timedelta(days=6)  # today and the six days before
    items = [
        _item(
            "昨日以来新发现的重大隐患",
            hazards.filter(level="major", found_on__gte=since),
            "danger",
            level="major",
            found_from=since.isoformat(),
        ),
        _item(
            "近7天新发现的隐患",
            hazards.filter(found_on__gte=week),
            "info",
            found_from=week.isoformat(),
        ),
        _item(
            "逾期未整改的重大隐患",
            hazards.filter(selectors.overdue_q(), level="major"),
            "danger",
            level="major",
            overdue=1,
        ),
        _item(
            "待验收销号的重大隐患",
            hazards.filter(level="major", state="awaiting_verification"),
            "warning",
            level="major",
            state="awaiting_verification",
        ),
    ]
    return {"title": "值班关注:隐患", "kind": "duty", "icon": "broadcast", "items": items}
