"""Read queries shared by the pages, the API, the card, the map layer and search (all through
restrict())."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from yingji.core.hooks import SearchHit
from yingji.core.permissions import restrict

from .choices import ACTIVE_STATES, LEVEL_SHORT
from .models import Alarm, AlarmLevel, Observation, ObservationHour, Rule, Station

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
    bucket — value the bucket's sum for rain (the amount of the hour/day), else its mean.
    Buckets come from the kept hourly aggregates (`ObservationHour`) for the completed hours
    inside the span and from the observations for the partial hours at its edges."""
    end = end or station.last_seen_at or timezone.now()
    start = end - dt.timedelta(hours=hours)
    if resolution not in ("hour", "day"):
        rows = Observation.objects.filter(
            station_id=station.pk, element=element, time__gt=start, time__lte=end
        )
        return list(rows.order_by("time").values_list("time", "value"))
    tz = timezone.get_current_timezone()
    if timezone.localtime(end, tz).utcoffset() % HOUR:
        # a zone whose offset is not whole hours: UTC hours are not its hours; no kept rows
        hourly = _raw_hours(station, element, start, end, tz)
    else:
        hourly = _hours(station, element, start, end)
    return _buckets(hourly, resolution, element == "rain", tz)


HOUR = dt.timedelta(hours=1)


def _floor_hour(t: dt.datetime) -> dt.datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def _raw_hours(station, element, start, end, tz=dt.UTC, *, bounds="(]") -> dict:
    """{hour start (in ``tz``): [sum, count, min, max]} straight from the observations between
    start and end, the ends open or closed as ``bounds`` says ("(]", "()", "[)")."""
    rows = Observation.objects.filter(
        station_id=station.pk,
        element=element,
        **{"time__gt" if bounds[0] == "(" else "time__gte": start},
        **{"time__lte" if bounds[1] == "]" else "time__lt": end},
    )
    out: dict = {}
    for t, v in rows.order_by("time").values_list("time", "value").iterator(chunk_size=5000):
        acc = out.get(key := _floor_hour(t.astimezone(tz)))
        if acc is None:
            out[key] = [v, 1, v, v]
        else:
            acc[0] += v
            acc[1] += 1
            acc[2] = min(acc[2], v)
            acc[3] = max(acc[3], v)
    return out


def _hours(station, element, start, end) -> dict:
    """The hourly sums of (start, end]: the completed whole hours inside it from the kept rows
    (computed and kept first where missing), the partial hours at both edges from the data."""
    first = _floor_hour(start) + HOUR  # the first hour lying wholly after ``start``
    last = min(_floor_hour(end), _floor_hour(timezone.now()))  # kept hours end by here
    if first >= last:
        return _raw_hours(station, element, start, end)
    out = _raw_hours(station, element, start, first, bounds="()")
    out.update(_kept_hours(station, element, first, last))
    out.update(_raw_hours(station, element, last, end, bounds="[]"))
    return {k: v for k, v in out.items() if v[1]}


def _kept_hours(station, element, first, last) -> dict:
    kept = {
        h.hour: [h.total, h.count, h.low, h.high]
        for h in ObservationHour.objects.filter(
            station_id=station.pk, element=element, hour__gte=first, hour__lt=last
        )
    }
    expected = (last - first) // HOUR
    if len(kept) == expected:
        return kept
    missing = [first + i * HOUR for i in range(expected) if first + i * HOUR not in kept]
    read_at = timezone.now()
    computed = _raw_hours(station, element, missing[0], missing[-1] + HOUR, bounds="[)")
    rows = []
    for hour in missing:
        acc = computed.get(hour, [0.0, 0, None, None])
        kept[hour] = acc
        rows.append(
            ObservationHour(
                station_id=station.pk,
                element=element,
                hour=hour,
                total=acc[0],
                count=acc[1],
                low=acc[2],
                high=acc[3],
            )
        )
    ObservationHour.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    # data that arrived while these were computed: the ingest deletes the kept hours it touches
    # just before it commits, so one that committed in between is caught here
    if Observation.objects.filter(
        station_id=station.pk, element=element, time__gte=missing[0], received_at__gte=read_at
    ).exists():
        ObservationHour.objects.filter(
            station_id=station.pk, element=element, hour__gte=missing[0]
        ).delete()
    return kept


def _buckets(hourly: dict, resolution: str, rain: bool, tz) -> list[tuple]:
    """(start of the local hour/day, value, min, max) rows from the hourly sums."""
    merged: dict = {}
    for hour in sorted(hourly):
        total, n, lo, hi = hourly[hour]
        key = hour.astimezone(tz)
        if resolution == "day":
            key = key.replace(hour=0)
        acc = merged.get(key)
        if acc is None:
            merged[key] = [total, n, lo, hi]
        else:
            acc[0] += total
            acc[1] += n
            acc[2] = min(acc[2], lo)
            acc[3] = max(acc[3], hi)
    return [_bucket(k, acc, rain) for k, acc in merged.items()]


def _bucket(key, acc, rain: bool) -> tuple:
    total, n, lo, hi = acc
    return (key, round(total, 6) if rain else total / n, lo, hi)


def invalidate_hours(changed: dict) -> None:
    """Forget the kept hours that data of ``changed`` ({(station pk, element): {time: …}})
    fell into, and the later ones of those stations (one DELETE; real-time data lands in the
    current hour, which is never kept, so it usually deletes nothing)."""
    times = [t for per in changed.values() for t in per]
    if not times:
        return
    stations = sorted({station_pk for station_pk, _ in changed})
    since = _floor_hour(min(times))
    for i in range(0, len(stations), 500):
        ObservationHour.objects.filter(
            station_id__in=stations[i : i + 500], hour__gte=since
        ).delete()


def thresholds(station: Station, element: str) -> list[dict]:
    """The instantaneous (0-minute window) thresholds of the rules in force for this station's
    element: drawn as lines on its chart."""
    out = []
    for rule in Rule.objects.filter(active=True, element=element).order_by("code"):
        if not rule.applies_to(station):
            continue
        for row in rule.levels_for(station):
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
