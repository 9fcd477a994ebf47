"""The panels and the events layer of 指挥一张图, read through the owning modules' selectors
(each already restricted to what the user may see). Nothing here writes.

Filters: ``district`` (a county code; a county user is offered only their own county, and
restrict() keeps them there whatever they send) and ``hours`` (a time window on when the
record started: received, raised, sent, requested; empty means everything current)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from yingji.core.permissions import scope_of
from yingji.geo.models import Region
from yingji.monitoring import selectors as monitoring
from yingji.resources import selectors as resources
from yingji.response import selectors as response
from yingji.warnings import selectors as warnings

# (value, label) of the time-window filter, in hours
WINDOWS = [
    ("", "全部当前"),
    ("24", "近24小时"),
    ("72", "近3天"),
    ("168", "近7天"),
    ("720", "近30天"),
]
PANEL_LIMIT = 20  # rows shown per panel (the count above it is the full count)
ALARM_LEVELS = ("red", "orange")  # the 未确认告警 panel: the levels that wake the duty desk
IN_TRANSIT = ("approved", "dispatched")  # 在途调度: reserved for dispatch or on the road
LEVEL_BADGE = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}
GRADE_LEVELS = {"especially_major": "red", "major": "orange", "larger": "yellow", "general": "blue"}


@dataclass(frozen=True)
class Filters:
    district: Region | None = None
    hours: str = ""

    @property
    def since(self) -> dt.datetime | None:
        return timezone.now() - dt.timedelta(hours=int(self.hours)) if self.hours else None

    @property
    def prefix(self) -> str | None:
        return self.district.path if self.district else None

    def query(self) -> str:
        parts = []
        if self.district:
            parts.append(f"district={self.district.code}")
        if self.hours:
            parts.append(f"hours={self.hours}")
        return "&".join(parts)


def counties(user) -> list[Region]:
    """The counties the user may filter by: every county for the city-wide roles, their own
    for a county bureau."""
    qs = Region.objects.filter(level="county").defer("boundary").order_by("code")
    paths = scope_of(user).region_paths
    if paths:
        own = [r for r in qs if any(r.path.startswith(p) or p.startswith(r.path) for p in paths)]
        return own
    return list(qs)


def parse_filters(user, params) -> Filters:
    """Unknown or out-of-scope values are ignored (the whole visible city is shown)."""
    code = (params.get("district") or "").strip()[:12]
    district = next((r for r in counties(user) if r.code == code), None) if code else None
    hours = (params.get("hours") or "").strip()
    if hours not in {v for v, _ in WINDOWS}:
        hours = ""
    return Filters(district=district, hours=hours)


def _clip(qs, f: Filters, region: str, time: str):
    if f.prefix:
        qs = qs.filter(**{f"{region}__path__startswith": f.prefix})
    if f.since:
        qs = qs.filter(**{f"{time}__gte": f.since})
    return qs


def _panel(qs, rows) -> dict:
    total = qs.count()
    return {"count": total, "rows": rows(qs[:PANEL_LIMIT]), "more": max(0, total - PANEL_LIMIT)}


# --- the panels ---------------------------------------------------------------------------


def open_events(user, f: Filters):
    qs = _clip(response.visible_events(user).filter(state="open"), f, "region", "received_at")
    active_first = Case(When(response_state="active", then=Value(0)), default=Value(1))
    return qs.annotate(active=active_first).order_by(
        "active", F("response_level").asc(nulls_last=True), "-received_at", "-pk"
    )


def events_panel(user, f: Filters) -> dict:
    now = timezone.now()

    def rows(events):
        return [
            {
                "title": e.title,
                "number": e.number,
                "region": e.region.name,
                "received_at": e.received_at,
                "grade": e.get_grade_display() if e.grade else "未定级",
                "grade_level": GRADE_LEVELS.get(e.grade, ""),
                "response": e.get_response_level_display() + "响应"
                if e.response_state == "active" and e.response_level
                else "",
                "next_label": e.next_report_label,
                "next_due": e.next_report_due,
                "overdue": bool(e.next_report_due and e.next_report_due < now),
                "url": e.get_absolute_url(),
            }
            for e in events
        ]

    return _panel(open_events(user, f), rows)


def alarms_panel(user, f: Filters) -> dict:
    qs = monitoring.visible_alarms(user).filter(state="open", level__in=ALARM_LEVELS)
    qs = _clip(qs, f, "station__region", "raised_at")
    red_first = Case(
        When(level="red", then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    qs = qs.annotate(red=red_first).order_by("red", "-raised_at", "-pk")

    def rows(alarms):
        return [
            {
                "station": a.station.name,
                "region": a.station.region.name if a.station.region_id else "",
                "rule": a.rule.name,
                "level": a.level,
                "level_label": LEVEL_BADGE.get(a.level, a.level),
                "raised_at": a.raised_at,
                "url": a.get_absolute_url(),
            }
            for a in alarms
        ]

    return _panel(qs, rows)


def warnings_panel(user, f: Filters) -> dict:
    qs = warnings.in_force(warnings.visible_warnings(user))
    if f.prefix:
        qs = qs.filter(regions__path__startswith=f.prefix).distinct()
    if f.since:
        qs = qs.filter(sent__gte=f.since)
    qs = qs.order_by("-sent", "-pk")

    def rows(items):
        return [
            {
                "headline": w.headline,
                "type": w.event_type.name,
                "level": w.level,
                "level_label": LEVEL_BADGE.get(w.level, w.level),
                "expires": w.expires,
                "url": w.get_absolute_url(),
            }
            for w in items
        ]

    return _panel(qs, rows)


def duty_panel(user, f: Filters) -> dict:
    """Today's 带班领导/值班员 by name: the city bureau's and, with a county chosen (or for a
    county user, whose restrict() shows only theirs), the county bureau's."""
    shifts = response.today_shifts(user)
    if f.prefix:
        shifts = [
            s
            for s in shifts
            if s.organisation.region_id is None
            or s.organisation.region.level == "city"
            or s.organisation.region.path.startswith(f.prefix)
        ]
    rows = [
        {
            "organisation": s.organisation.name,
            "shift": s.get_shift_display(),
            "leader": s.leader,
            "officer": s.officer,
            "liaison": s.liaison,
            "phone": s.phone,
            "url": s.get_absolute_url(),
        }
        for s in shifts
    ]
    return {"count": len(rows), "rows": rows, "more": 0}


def dispatch_panel(user, f: Filters) -> dict:
    qs = resources.visible_requests(user).filter(state__in=IN_TRANSIT)
    qs = _clip(qs, f, "region", "created_at").order_by("needed_by", "pk")

    def rows(items):
        items = list(items)
        positions = resources.last_positions([r.pk for r in items])  # 在途: the latest fix
        return [
            {
                "number": r.number,
                "destination": r.destination,
                "event": r.event,
                "state": r.get_state_display(),
                "needed_by": r.needed_by,
                "late": r.needed_by < timezone.now(),
                "url": r.get_absolute_url(),
                "position": {
                    "lon": p.lon,
                    "lat": p.lat,
                    "carrier": p.carrier,
                    "reported_at": p.reported_at,
                }
                if (p := positions.get(r.pk))
                else None,
            }
            for r in items
        ]

    return _panel(qs, rows)


PANELS = [
    ("events", "当前事件", events_panel),
    ("alarms", "未确认告警(红/橙)", alarms_panel),
    ("warnings", "生效预警", warnings_panel),
    ("duty", "今日值班", duty_panel),
    ("dispatch", "在途调度", dispatch_panel),
]


def panels(user, f: Filters) -> list[dict]:
    return [{"key": key, "title": title, **build(user, f)} for key, title, build in PANELS]
