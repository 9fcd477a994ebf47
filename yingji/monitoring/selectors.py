"""Read queries shared by the pages, the API, the card, the map layer and search (all through
restrict())."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from yingji.core.hooks import SearchHit
from yingji.core.permissions import restrict

from .choices import ACTIVE_STATES, LEVEL_SHORT
from .models import Alarm, AlarmLevel, Observation, Rule, Station

LEVEL_COLOURS = {"blue": "#1f6fd1", "yellow": "#e0b000", "orange": "#f07c00", "red": "#d62728"}
LEVEL_RANK = Case(
    When(level="red", then=Value(4)),
    When(level="orange", then=Value(3)),
    When(level="yellow", then=Value(2)),
    When(level="blue", then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def visible_stations(user, action: str = "view"):
    return restrict(
        Station.objects.select_related("region", "owner").defer("region__boundary"), user, action
    )


def visible_alarms(user, action: str = "view"):
    return restrict(
        Alarm.objects.select_related("station", "station__region", "rule").defer(
            "station__region__boundary"
        ),
        user,
        action,
    )


def filter_alarms(qs, params: dict):
    """Filters of the board and the API: station (code), level, state (a state, "active" or
    "all"; default active), region (a county code)."""
    if params.get("station"):
        qs = qs.filter(station__code=params["station"])
    if params.get("level"):
        qs = qs.filter(level=params["level"])
    state = params.get("state") or "active"
    if state == "active":
        qs = qs.filter(state__in=ACTIVE_STATES)
    elif state != "all":
        qs = qs.filter(state=state)
    if params.get("region"):
        qs = qs.filter(station__region__code=params["region"])
    return qs


def board(user, params: dict):
    """The alarm board: highest level first, then the newest."""
    qs = filter_alarms(visible_alarms(user), params)
    return qs.annotate(rank=LEVEL_RANK).order_by("-rank", "-raised_at", "-pk")


def open_counts(user) -> dict[str, int]:
    counts = dict.fromkeys(LEVEL_SHORT, 0)
    rows = visible_alarms(user).filter(state__in=ACTIVE_STATES).values_list("level", flat=True)
    for level in rows:
        counts[level] += 1
    return counts


def levels_of(alarm_ids) -> dict[int, list[AlarmLevel]]:
    out: dict[int, list[AlarmLevel]] = {}
    for change in AlarmLevel.objects.filter(alarm_id__in=list(alarm_ids)).order_by(
        "data_time", "pk"
    ):
        out.setdefault(change.alarm_id, []).append(change)
    return out


def active_levels(station_ids) -> dict[int, str]:
    """Each station's highest active alarm level."""
    out: dict[int, str] = {}
    order = ["blue", "yellow", "orange", "red"]
    for sid, level in Alarm.objects.filter(
        station_id__in=list(station_ids), state__in=ACTIVE_STATES
    ).values_list("station_id", "level"):
        if sid not in out or order.index(level) > order.index(out[sid]):
            out[sid] = level
    return out


RAW_HOURS = 72  # up to this span a chart shows every value; beyond, hourly aggregates


def series(
    station: Station, element: str, *, hours: int = 72, end=None, resolution: str = "raw"
) -> list[tuple]:
    """One element over the last ``hours`` before ``end`` (default: the station's latest data,
    so that a station that stopped reporting still shows its data): (time, value) rows, or with
    ``resolution`` "hour"/"day" one (start of the local hour/day, value, min, max) row per
    bucket — value the bucket's sum for rain (the amount of the hour/day), else its mean —
    computed by the database from the (station, element, time) index range."""
    end = end or station.last_seen_at or timezone.now()
    start = end - dt.timedelta(hours=hours)
    rows = Observation.objects.filter(
        station_id=station.pk, element=element, time__gt=start, time__lte=end
    )
    values = rows.order_by("time").values_list("time", "value")
    if resolution not in ("hour", "day"):
        return list(values)
    # bucketed here rather than by the database: SQLite truncates a time in a time zone with
    # a Python function per row, which measured slower (bench/monitoring.py --chart)
    tz = timezone.get_current_timezone()
    rain = element == "rain"
    out, key, acc = [], None, None
    for t, v in values.iterator(chunk_size=5000):
        local = t.astimezone(tz)
        k = local.replace(minute=0, second=0, microsecond=0)
        if resolution == "day":
            k = k.replace(hour=0)
        if k != key:
            if acc:
                out.append(_bucket(key, acc, rain))
            key, acc = k, [0.0, 0, v, v]
        acc[0] += v
        acc[1] += 1
        acc[2] = min(acc[2], v)
        acc[3] = max(acc[3], v)
    if acc:
        out.append(_bucket(key, acc, rain))
    return out


def _bucket(key, acc, rain: bool) -> tuple:
    total, n, lo, hi = acc
    return (key, round(total, 6) if rain else total / n, lo, hi)


def thresholds(station: Station, element: str) -> list[dict]:
    """The instantaneous (0-minute window) thresholds of the rules in force for this station's
    element: drawn as lines on its chart."""
    out = []
    for rule in Rule.objects.filter(active=True, element=element).order_by("code"):
        if not rule.applies_to(station):
            continue
        for row in rule.levels:
            if int(row.get("window_minutes") or 0) == 0:
                out.append({"level": row["level"], "value": row["threshold"], "rule": rule.name})
    return out


def station_features(user, params: dict) -> dict:
    stations = visible_stations(user).filter(disabled=False)
    if params.get("district"):
        stations = stations.filter(region__code=params["district"])
    levels = active_levels([s.pk for s in stations])
    features = []
    for s in stations:
        level = levels.get(s.pk)
        label = f"{s.name}({s.get_kind_display()})" + (
            f" {LEVEL_SHORT[level]}色告警" if level else ""
        )
        features.append(
            {
                "type": "Feature",
                "id": f"station-{s.pk}",
                "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                "properties": {
                    "id": s.pk,
                    "code": s.code,
                    "name": s.name,
                    "kind": s.get_kind_display(),
                    "level": level,
                    "url": s.get_absolute_url(),
                    "label": label,
                    "style": {
                        "symbol": "triangle",
                        "size": 12 if level else 8,
                        "color": LEVEL_COLOURS.get(level, "#6c757d"),
                        "border": "#fff",
                    },
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def visible_rules(user):
    return restrict(Rule.objects.select_related("station"), user)


def search(user, q: str, limit: int = 10) -> list[SearchHit]:
    from django.db.models import Q

    qs = visible_stations(user).filter(Q(name__icontains=q) | Q(code__icontains=q))[:limit]
    return [
        SearchHit(s.name, s.get_absolute_url(), f"{s.get_kind_display()} · {s.region.name}")
        for s in qs
    ]
