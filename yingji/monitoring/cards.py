"""The 工作台 card: active alarms by level, each number a link to the filtered board."""

from django.urls import reverse

from .choices import LEVEL_SHORT
from .selectors import open_counts


def open_alarms(request):
    counts = open_counts(request.user)
    total = sum(counts.values())
    if not total:
        return None
    board = reverse("monitoring:board")
    parts = [
        {
            "label": f"{LEVEL_SHORT[level]}色",
            "count": n,
            "url": f"{board}?level={level}",
            "level": level,
        }
        for level, n in reversed(counts.items())
        if n
    ]
    text = "、".join(f"{p['label']} {p['count']} 条" for p in parts)
    top = parts[0]["level"]
    return {
        "title": "监测告警",
        "text": f"当前未解除的监测告警 {total} 条:{text}。",
        "level": {"red": "danger", "orange": "warning", "yellow": "warning"}.get(top, "info"),
        "link": board,
        "link_text": "打开告警看板",
        "links": parts,
    }


def escalated_to_me(request):
    """For the 带班领导: the red alarms escalated to them that are still unacknowledged."""
    from yingji.core.permissions import restrict

    from .models import AlarmNotice

    notices = list(
        restrict(AlarmNotice.objects.select_related("alarm"), request.user)
        .filter(
            recipient=request.user,
            kind="to_leader",
            alarm__state="open",
            alarm__escalated_at__isnull=False,
        )
        .order_by("-created_at", "-pk")[:5]
    )
    if not notices:
        return None
    return {
        "title": "红色告警升级通知",
        "text": f"有 {len(notices)} 条红色告警超时未确认,已升级通知您:"
        + ";".join(n.message for n in notices),
        "level": "danger",
        "link": reverse("monitoring:board") + "?level=red&state=open",
        "link_text": "查看未确认的红色告警",
    }


def my_station_alarms(request):
    """For the people of a station's owner (a county bureau, an enterprise): the alarms of their
    stations raised or escalated in the last 24 hours and still active (AlarmNotice)."""
    import datetime as dt

    from django.utils import timezone

    from yingji.core.permissions import restrict

    from .models import AlarmNotice

    since = timezone.now() - dt.timedelta(hours=24)
    mine = (
        restrict(AlarmNotice.objects.all(), request.user)
        .filter(recipient=request.user, kind__in=("raised", "escalated"), created_at__gte=since)
        .exclude(alarm__state="cleared")
    )
    total = mine.count()
    if not total:
        return None
    latest = list(mine.order_by("-created_at", "-pk")[:3])
    top = max((n.level for n in latest), key=["", "blue", "yellow", "orange", "red"].index)
    return {
        "title": "本单位站点告警通知",
        "text": f"24 小时内本单位站点产生或升级且未解除的告警通知 {total} 条,最近:"
        + ";".join(n.message for n in latest),
        "level": {"red": "danger", "orange": "warning", "yellow": "warning"}.get(top, "info"),
        "link": reverse("monitoring:notices"),
        "link_text": "查看全部告警通知",
    }
