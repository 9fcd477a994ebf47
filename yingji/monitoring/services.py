"""监测预警 services: registering stations, ingesting observations (the one ingest service behind
the HTTP batch API and the MQTT subscriber), evaluating the rules incrementally in the ingest
transaction, and the duty officer's acknowledging and handling of alarms."""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import DomainError, NotPermitted, ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope, restrict, scope_of
from yingji.core.services import locked
from yingji.standards.cma_signals import aggregate, daily_max_over_days, level_for, rank
from yingji.standards.cma_signals import change as window_change

from .choices import LEVEL_LABELS
from .models import (
    OFFLINE_RULE,
    Alarm,
    AlarmLevel,
    AlarmNotice,
    IngestToken,
    MonitoringSettings,
    Observation,
    ObservationRevision,
    QuarantinedObservation,
    Rule,
    Station,
)
from .schemas import (
    MAX_BATCH,
    AcknowledgeIn,
    HandleIn,
    IngestTokenIn,
    MonitoringSettingsIn,
    StationIn,
    StationPatch,
)
from .selectors import invalidate_hours

FUTURE_TOLERANCE = dt.timedelta(minutes=10)


class BatchTooLarge(DomainError):
    code = "batch_too_large"
    status = 413


# --- stations ------------------------------------------------------------------------------


def _place(lon: float, lat: float, crs: str):
    from yingji.geo.spatial import locate
    from yingji.standards.coords import convert

    if crs != "wgs84":
        lon, lat = convert(lon, lat, crs, "wgs84")
    region = locate(lon, lat)
    if region is None:
        raise ValidationFailed(
            "坐标不在本市任何县区范围内,请检查经纬度和坐标系。", details={"field": "lon"}
        )
    return round(lon, 6), round(lat, 6), region


def _owner_and_enterprise(actor, data: StationIn):
    from yingji.enterprises.selectors import visible_enterprises
    from yingji.orgs.models import Organisation

    scope = scope_of(actor)
    enterprise = None
    if data.enterprise:
        enterprise = (
            visible_enterprises(actor, "change").filter(organisation__code=data.enterprise).first()
        )
        if enterprise is None:
            raise ValidationFailed(
                f"企业“{data.enterprise}”不存在或不在您的权限范围内。",
                details={"field": "enterprise"},
            )
        owner = enterprise.organisation
    elif data.owner:
        owner = Organisation.objects.select_related("region").filter(code=data.owner).first()
        if owner is None:
            raise ValidationFailed(f"权属单位“{data.owner}”不存在。", details={"field": "owner"})
        if not _may_feed(actor, owner):  # a county registers its own county's stations only
            raise ValidationFailed(
                f"权属单位“{owner.name}”不在您的权限范围内:只能登记本单位或本县区单位的站点。",
                details={"field": "owner"},
            )
    else:
        owner = Organisation.objects.filter(pk__in=scope.org_ids).order_by("path").first()
        if owner is None:
            raise ValidationFailed("请填写权属单位。", details={"field": "owner"})
    if owner.kind == "enterprise" and enterprise is None:
        enterprise = visible_enterprises(actor).filter(organisation_id=owner.pk).first()
    return owner, enterprise


def _hazard_unit(actor, unit_id: int | None, enterprise):
    if unit_id is None:
        return None
    from yingji.risk.models import MajorHazardUnit

    unit = restrict(MajorHazardUnit.objects.all(), actor).filter(pk=unit_id).first()
    if unit is None or enterprise is None or unit.enterprise_id != enterprise.pk:
        raise ValidationFailed(
            "重大危险源不存在,或不属于所填企业。", details={"field": "hazard_unit"}
        )
    return unit


def do_register_station(*, actor, data: StationIn) -> Station:
    check_rule(actor, "monitoring.register_stations")
    if Station.objects.filter(code=data.code).exists():
        raise ValidationFailed(f"站点编码“{data.code}”已被使用。", details={"field": "code"})
    lon, lat, region = _place(data.lon, data.lat, data.crs)
    owner, enterprise = _owner_and_enterprise(actor, data)
    unit = _hazard_unit(actor, data.hazard_unit, enterprise)
    with transaction.atomic():
        station = Station.objects.create(
            code=data.code,
            name=data.name,
            kind=data.kind,
            owner=owner,
            enterprise=enterprise,
            hazard_unit=unit,
            lon=lon,
            lat=lat,
            region=region,
            elements=[e.resolved() for e in data.elements],
            installed_on=data.installed_on,
        )
        # a new station has two reporting intervals to send its first data
        Station.objects.filter(pk=station.pk).update(
            offline_at=timezone.now() + station.offline_after
        )
        record_event(
            "monitoring.station.registered",
            f"登记监测站点“{station}”({station.get_kind_display()},{region.name})",
            target=station,
        )
        ensure_in_scope(actor, station)
    return station


def do_update_station(*, actor, station: Station, data: StationPatch) -> Station:
    given = data.model_dump(exclude_unset=True)
    with transaction.atomic():
        station = locked(Station, station.pk, expected_version=data.version)
        if not restrict(Station.objects.filter(pk=station.pk), actor, "change").exists():
            raise NotPermitted("您无权修改该站点。")
        was_disabled = station.disabled
        for name in ("name", "kind", "installed_on", "disabled", "disabled_reason"):
            if name in given and given[name] is not None:
                setattr(station, name, given[name])
        if data.disabled is False:
            if was_disabled:  # back in service: two intervals to report again
                station.offline_at = timezone.now() + station.offline_after
            station.disabled_reason = ""
        if data.lon is not None:
            station.lon, station.lat, station.region = _place(data.lon, data.lat, data.crs)
        if data.elements is not None:
            station.elements = [e.resolved() for e in data.elements]
            station.offline_at = (station.last_seen_at or timezone.now()) + station.offline_after
        station.save()
        record_event("monitoring.station.updated", f"修改监测站点“{station}”", target=station)
        ensure_in_scope(actor, station)
    return station


# --- ingest --------------------------------------------------------------------------------


@dataclass
class IngestResult:
    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    revised: int = 0
    quarantined: int = 0
    rejected: list[dict] = field(default_factory=list)
    alarms: list[dict] = field(default_factory=list)


def _parse_time(value, now: dt.datetime) -> tuple[dt.datetime | None, str | None]:
    if not isinstance(value, str) or not value.strip():
        return None, "缺少观测时间(time),应为带时区的 ISO 8601 时间,如 2024-07-01T08:00:00+08:00。"
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return (
            None,
            f"观测时间“{value[:40]}”格式不正确,应为 ISO 8601,如 2024-07-01T08:00:00+08:00。",
        )
    if when.tzinfo is None or when.utcoffset() is None:
        return None, "观测时间没有时区,无法确定时刻;请加上时区,如 +08:00。"
    if when > now + FUTURE_TOLERANCE:
        return None, "观测时间比服务器当前时间晚10分钟以上,请检查设备时钟。"
    return when.astimezone(dt.UTC), None


def _parse_value(value) -> tuple[float | None, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, "观测值(value)不是数字。"
    value = float(value)
    if not math.isfinite(value):
        return None, "观测值不是有限的数字(NaN 或无穷大)。"
    return value, None


@dataclass(slots=True)
class _Record:
    station_id: int
    station: Station
    element: str
    time: dt.datetime
    value: float


def _check_records(actor, records: list, now, result: IngestResult, token=None):
    """Split the batch into good records and refusals (index + Chinese reason); quarantine
    values outside the plausible range. Returns (good records, quarantined rows). With an
    ingest-only token, only the stations of the token's owner may report. The stations are
    read in one query; each station × element's spec and each distinct time text are worked
    out once per batch (a real-time batch repeats a few times over many stations)."""
    codes = {r.get("station") for r in records if isinstance(r, dict)}
    codes = {c for c in codes if isinstance(c, str)}
    qs = restrict(Station.objects.filter(code__in=codes), actor, "change")
    if token is not None:
        qs = qs.filter(owner_id=token.owner_id)
    stations = {s.code: s for s in qs}
    memo = _BatchMemo(now)
    good, quarantine, seen = [], [], {}
    for index, raw in enumerate(records):
        reason, record, spec = _check_one(raw, stations, memo)
        if record is not None and reason is None:
            low, high = spec.get("min"), spec.get("max")
            if (low is not None and record.value < low) or (
                high is not None and record.value > high
            ):
                reason = (
                    f"观测值 {record.value:g} 超出该要素的合理范围 [{low:g}, {high:g}],"
                    "已隔离,不参与告警。"
                )
                quarantine.append(
                    QuarantinedObservation(
                        station=record.station,
                        element=record.element,
                        time=record.time,
                        value=record.value,
                        reason=reason,
                        received_at=now,
                    )
                )
                result.quarantined += 1
            else:
                key = (record.station_id, record.element, record.time)
                if key in seen and seen[key] != record.value:
                    reason = "同一批次中该站点、要素、时间已有不同的观测值。"
                elif key in seen:
                    result.duplicates += 1
                    continue
                else:
                    seen[key] = record.value
                    good.append(record)
                    continue
        result.rejected.append({"index": index, "reason": reason})
    return good, quarantine


class _BatchMemo:
    """What one batch works out once: each station × element's spec, each time text's
    parse (the same ``now`` for the whole batch)."""

    __slots__ = ("now", "specs", "times")

    def __init__(self, now):
        self.now = now
        self.specs: dict = {}
        self.times: dict = {}

    def spec(self, station: Station, element: str) -> dict | None:
        key = (station.id, element)
        if key not in self.specs:
            self.specs[key] = station.element(element)
        return self.specs[key]

    def time(self, value) -> tuple[dt.datetime | None, str | None]:
        if not isinstance(value, str):
            return _parse_time(value, self.now)
        if value not in self.times:
            self.times[value] = _parse_time(value, self.now)
        return self.times[value]


def _check_one(raw, stations: dict, memo: _BatchMemo):
    """(reason, record, element spec) of one raw record: a reason when it is refused."""
    if not isinstance(raw, dict):
        return "记录应为对象:{station, element, time, value}。", None, None
    code = raw.get("station")
    station = stations.get(code) if isinstance(code, str) else None
    if station is None:
        return f"站点“{str(code)[:40]}”不存在或您无权上报其数据。", None, None
    if station.disabled:
        return f"站点“{station.code}”已停用,不接收数据。", None, None
    element = raw.get("element")
    spec = memo.spec(station, element) if isinstance(element, str) else None
    if spec is None:
        return f"站点“{station.code}”没有监测要素“{str(element)[:20]}”。", None, None
    when, reason = memo.time(raw.get("time"))
    if reason:
        return reason, None, None
    value, reason = _parse_value(raw.get("value"))
    if reason:
        return reason, None, None
    return None, _Record(station.id, station, element, when, value), spec


def _existing(records: list[_Record]) -> dict:
    """The stored observations on the batch's keys: {(station pk, element, time): (pk, value,
    received_at, revisions)}; stations reporting the same times (the usual real-time batch)
    share one query."""
    existing = {}
    by_stations = defaultdict(set)
    for r in records:
        by_stations[r.station_id].add(r.time)
    groups = defaultdict(list)
    for station_pk, times in by_stations.items():
        groups[tuple(sorted(times))].append(station_pk)
    for times, pks in groups.items():
        for i in range(0, len(times), 500):
            for j in range(0, len(pks), 500):
                for station_pk, element, t, *rest in Observation.objects.filter(
                    station_id__in=pks[j : j + 500], time__in=times[i : i + 500]
                ).values_list(
                    "station_id", "element", "time", "pk", "value", "received_at", "revisions"
                ):
                    existing[(station_pk, element, t)] = rest
    return existing


def _insert(records: list[_Record], now) -> None:
    """The new observations in one parameterised INSERT run over all rows (executemany): no
    model instances, each distinct time adapted for the database once. Observations are a
    narrow table without signals or per-row audit (the batch has its one AuditEvent)."""
    from django.db import connection

    if not records:
        return
    if connection.vendor == "postgresql":  # monthly partitions: the batch's months must exist
        from .partitions import ensure_for_times

        ensure_for_times({r.time for r in records})
    adapt = connection.ops.adapt_datetimefield_value
    adapted = {}

    def db_time(t):
        if t not in adapted:
            adapted[t] = adapt(t)
        return adapted[t]

    received = db_time(now)
    rows = [(r.station_id, r.element, db_time(r.time), r.value, received, 0) for r in records]
    meta = Observation._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(meta.get_field(name).column)
        for name in ("station", "element", "time", "value", "received_at", "revisions")
    )
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[i : i + 5000])


def _store(records: list[_Record], now, result: IngestResult) -> dict:
    """Insert new observations, count duplicates, keep revisions with their history.
    Returns {(station_pk, element): {changed time: observation pk}}, the pk None for a new
    observation (the evaluation's range query reads it with the window's other rows)."""
    existing = _existing(records)
    new, changed, revised = [], defaultdict(dict), []
    for r in records:
        key = (r.station_id, r.element, r.time)
        old = existing.get(key)
        if old is None:
            new.append(r)
            changed[(r.station_id, r.element)][r.time] = None
        elif old[1] == r.value:
            result.duplicates += 1
        else:
            revised.append((old, r))
            changed[(r.station_id, r.element)][r.time] = old[0]
    if revised:
        ObservationRevision.objects.bulk_create(
            ObservationRevision(observation_id=pk, value=value, received_at=at, replaced_at=now)
            for (pk, value, at, _n), _r in revised
        )
        for (pk, _value, _at, n), r in revised:
            Observation.objects.filter(pk=pk).update(
                value=r.value, received_at=now, revisions=n + 1
            )
        result.revised += len(revised)
    _insert(new, now)
    result.accepted += len(new)
    return changed


def do_ingest_observations(
    *, actor, records: list, source: str = "api", token: IngestToken | None = None
) -> IngestResult:
    """Take a batch of observations ({station, element, time, value}): refuse the bad records
    one by one (index and reason), keep the rest; idempotent on (station, element, time) — a
    resent value is a duplicate, another value a revision kept with its history. Then evaluate
    the rules for every station × element whose data changed, in the same transaction; the
    alarm changes are part of the result."""
    if len(records) > MAX_BATCH:
        raise BatchTooLarge(
            f"一次最多上报 {MAX_BATCH:,} 条观测数据,本次 {len(records):,} 条;请分批上报。",
            details={"limit": MAX_BATCH, "received": len(records)},
        )
    now = timezone.now()
    result = IngestResult(received=len(records))
    with transaction.atomic():
        good, quarantine = _check_records(actor, records, now, result, token)
        station_pks = sorted({r.station_id for r in good} | {q.station_id for q in quarantine})
        # one writer per station at a time (row locks on PostgreSQL; IMMEDIATE on SQLite)
        stations = {
            s.pk: s
            for s in Station.objects.select_for_update().filter(pk__in=station_pks).order_by("pk")
        }
        QuarantinedObservation.objects.bulk_create(quarantine)
        changed = _store(good, now, result)
        _seen(good, now)
        _implausible(quarantine, now)
        result.alarms.extend(_evaluate_all(stations, changed, now))
        result.alarms.extend(_back_online({r.station_id for r in good}, now))
        notify_owners(result.alarms, now)
        record_event(
            "monitoring.observations.ingested",
            f"接收监测数据 {result.received} 条({source}):新增 {result.accepted},重复 "
            f"{result.duplicates},修订 {result.revised},隔离 {result.quarantined},拒收 "
            f"{len(result.rejected) - result.quarantined},告警变化 {len(result.alarms)}",
            source=source,
            accepted=result.accepted,
            alarms=len(result.alarms),
            **({"ingest_token": token.pk} if token is not None else {}),
        )
        # last before the commit: the kept hourly aggregates this data changes (selectors)
        invalidate_hours(changed)
    return result


def _seen(records: list[_Record], now) -> None:
    """Each station's latest data time and the time it will count as offline if nothing more
    comes (for 在线/离线 and the offline sweep), a conditional update (bookkeeping)."""
    latest, stations = {}, {}
    for r in records:
        t = min(r.time, now)
        if r.station_id not in latest or t > latest[r.station_id]:
            latest[r.station_id] = t
            stations[r.station_id] = r.station
    by_time = defaultdict(list)
    for pk, t in latest.items():
        by_time[(t, stations[pk].offline_after)].append(pk)
    for (t, offline_after), pks in by_time.items():
        Station.objects.filter(
            Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=t), pk__in=pks
        ).update(last_seen_at=t, offline_at=t + offline_after)


def _implausible(quarantine: list, now) -> None:
    """The latest data time of quarantined values (for 故障), a conditional update."""
    latest = {}
    for q in quarantine:
        t = min(q.time, now)
        if q.station_id not in latest or t > latest[q.station_id]:
            latest[q.station_id] = t
    for pk, t in latest.items():
        Station.objects.filter(
            Q(last_implausible_at__isnull=True) | Q(last_implausible_at__lt=t), pk=pk
        ).update(last_implausible_at=t)


# --- 设备离线 ------------------------------------------------------------------------------


def offline_rule() -> Rule | None:
    return Rule.objects.filter(code=OFFLINE_RULE, active=True, aggregate="offline").first()


def _offline_level(rule: Rule) -> str:
    return rule.levels[0]["level"] if rule.levels else "yellow"


def _active_offline(rule: Rule):
    return Alarm.objects.filter(rule=rule).exclude(state="cleared")


def _back_online(station_pks: set, now) -> list[dict]:
    """Clear the 设备离线 alarms of the stations whose data came back (data time within the
    offline limit again): the clearing's data time is the returning data's time."""
    if not station_pks:
        return []
    rule = offline_rule()
    if rule is None:
        return []
    changes = []
    for alarm in _active_offline(rule).filter(station_id__in=station_pks).select_related("station"):
        station = Station.objects.get(pk=alarm.station_id)
        if station.status(now) != "在线":
            continue  # late data of an earlier time: the station is still silent
        _, change = _transition(station, rule, alarm, None, None, station.last_seen_at, None, now)
        changes.append(change)
    return changes


def offline_due(now=None):
    """Stations in service past their offline time without an active 设备离线 alarm."""
    rule = offline_rule()
    if rule is None:
        return Station.objects.none()
    now = now or timezone.now()
    return Station.objects.filter(disabled=False, offline_at__lte=now).exclude(
        pk__in=_active_offline(rule).values("station_id")
    )


def do_raise_offline_alarms(*, now=None) -> dict:
    """The offline sweep (periodic job, and on reading the board): a 设备离线 alarm for each
    station in service from which nothing (or only implausible values) came for twice its
    reporting interval; its data time is the moment the station fell silent + that limit.
    The alarms of disabled stations are cleared (停用 is not 离线). Cleared when data returns
    (in the ingest)."""
    now = now or timezone.now()
    rule = offline_rule()
    counts = {"offline_raised": 0, "offline_cleared": 0}
    if rule is None:
        return counts
    level = _offline_level(rule)
    with transaction.atomic():
        raised = []
        for station in offline_due(now).select_for_update().order_by("pk"):
            alarm, change = _transition(
                station, rule, None, level, None, station.offline_at, None, now
            )
            raised.append(change)
            counts["offline_raised"] += 1
        notify_owners(raised, now)
        for alarm in _active_offline(rule).filter(station__disabled=True).select_related("station"):
            _transition(alarm.station, rule, alarm, None, None, now, None, now)
            counts["offline_cleared"] += 1
    return counts


# --- notifications to the stations' owners -----------------------------------------------------

NOTIFIED = {"raised": "产生", "escalated": "升级为"}


def notify_owners(changes: list[dict], now) -> int:
    """Every alarm raised or escalated becomes a notification (AlarmNotice) for each active
    member of the station's owner organisation, and of its enterprise for an enterprise's
    sensor; in the caller's transaction, one query for the people and one insert per batch.
    Returns the number of notifications."""
    from django.apps import apps

    wanted = [c for c in changes if c and c["change"] in NOTIFIED]
    if not wanted:
        return 0
    alarms = {
        a.pk: a
        for a in Alarm.objects.filter(pk__in={c["alarm"] for c in wanted}).select_related(
            "station__enterprise", "rule"
        )
    }
    orgs = defaultdict(set)  # organisation pk -> alarm pks
    for alarm in alarms.values():
        orgs[alarm.station.owner_id].add(alarm.pk)
        if alarm.station.enterprise_id:
            orgs[alarm.station.enterprise.organisation_id].add(alarm.pk)
    Membership = apps.get_model("orgs", "Membership")
    people = defaultdict(set)  # alarm pk -> user pks
    for org_pk, user_pk in (
        Membership.objects.filter(
            organisation_id__in=list(orgs), is_active=True, user__is_active=True
        )
        .values_list("organisation_id", "user_id")
        .distinct()
    ):
        for alarm_pk in orgs[org_pk]:
            people[alarm_pk].add(user_pk)
    notices = []
    for change in wanted:
        alarm = alarms[change["alarm"]]
        at = timezone.localtime(change["at"])
        message = (
            f"{alarm.station.name}({alarm.station.code}){alarm.rule.name}"
            f"{NOTIFIED[change['change']]}{LEVEL_LABELS[change['level']]}告警"
            f"(数据时间 {at:%Y-%m-%d %H:%M})"
        )
        notices += [
            AlarmNotice(
                alarm=alarm,
                recipient_id=user_pk,
                kind=change["change"],
                level=change["level"],
                message=message[:300],
                created_at=now,
            )
            for user_pk in sorted(people[alarm.pk])
        ]
    AlarmNotice.objects.bulk_create(notices)
    return len(notices)


# --- escalation of unacknowledged red alarms ----------------------------------------------------


def settings_row() -> MonitoringSettings:
    return MonitoringSettings.objects.order_by("pk").first() or MonitoringSettings()


def escalation_leaders(row: MonitoringSettings | None = None) -> list:
    """The 带班领导 chosen in the settings; none chosen: every active 市局领导."""
    from django.contrib.auth import get_user_model

    row = row or settings_row()
    chosen = list(row.leaders.filter(is_active=True).order_by("pk")) if row.pk else []
    if chosen:
        return chosen
    return list(
        get_user_model()
        .objects.filter(is_active=True, memberships__role="city_leader")
        .distinct()
        .order_by("pk")
    )


def _red_since(alarm_ids) -> dict:
    """When (processing time) each alarm last became red."""
    from django.db.models import Max

    return dict(
        AlarmLevel.objects.filter(alarm_id__in=list(alarm_ids), level="red")
        .values("alarm_id")
        .annotate(at=Max("processed_at"))
        .values_list("alarm_id", "at")
    )


def escalation_due(now=None):
    """Unacknowledged red alarms not yet escalated (the candidates; the time is checked in
    do_escalate_alarms)."""
    return Alarm.objects.filter(state="open", level="red", escalated_at__isnull=True)


def do_escalate_alarms(*, now=None) -> dict:
    """A red alarm still unacknowledged ``escalation_minutes`` after it became red is
    escalated: recorded on the alarm, audited, and notified to the 带班领导 (AlarmNotice)."""
    now = now or timezone.now()
    row = settings_row()
    limit = dt.timedelta(minutes=row.escalation_minutes)
    escalated = 0
    with transaction.atomic():
        candidates = list(escalation_due(now).select_for_update().order_by("pk"))
        since = _red_since(a.pk for a in candidates)
        due = [a for a in candidates if since.get(a.pk) and now - since[a.pk] >= limit]
        leaders = escalation_leaders(row) if due else []
        names = "、".join(u.get_full_name() or u.get_username() for u in leaders) or "(未设置)"
        for alarm in due:
            alarm.escalated_at = now
            alarm.save()
            station = Station.objects.get(pk=alarm.station_id)
            message = (
                f"红色告警超过 {row.escalation_minutes} 分钟未确认:{station.name} {alarm.rule.name}"
            )
            AlarmNotice.objects.bulk_create(
                AlarmNotice(
                    alarm=alarm,
                    recipient=u,
                    kind="to_leader",
                    level="red",
                    message=message[:300],
                    created_at=now,
                )
                for u in leaders
            )
            record_event(
                "monitoring.alarm.escalated_to_leader",
                f"{message},已升级通知带班领导 {names}",
                target=alarm,
                leaders=[u.pk for u in leaders],
            )
            escalated += 1
    return {"escalated": escalated}


SWEEP_EVERY = 30  # seconds: reading the board sweeps at most this often


def sweep_if_due(now=None) -> dict | None:
    """On reading the board or the alarms: raise due offline alarms and escalate overdue red
    alarms, when two cheap indexed queries say something is due, at most every SWEEP_EVERY
    seconds per process. Written as the job it is (actor: job:monitoring_sweep)."""
    from django.core.cache import cache

    from yingji.core.context import actor_context

    if not cache.add("monitoring:sweep", 1, SWEEP_EVERY):
        return None
    now = now or timezone.now()
    if not offline_due(now).exists() and not escalation_due(now).exists():
        return None
    with actor_context(None, source="job", label="job:monitoring_sweep"):
        return {**do_raise_offline_alarms(now=now), **do_escalate_alarms(now=now)}


def do_update_monitoring_settings(*, actor, data: MonitoringSettingsIn) -> MonitoringSettings:
    from django.contrib.auth import get_user_model

    check_rule(actor, "monitoring.admin")
    leaders = list(
        get_user_model().objects.filter(pk__in=data.leaders, is_active=True).order_by("pk")
    )
    if len(leaders) != len(set(data.leaders)):
        raise ValidationFailed("所选带班领导不存在或已停用。", details={"field": "leaders"})
    with transaction.atomic():
        row = MonitoringSettings.objects.select_for_update().order_by("pk").first()
        if row is None:
            row = MonitoringSettings()
        elif data.version is not None and row.version != data.version:
            row = locked(MonitoringSettings, row.pk, expected_version=data.version)
        row.escalation_minutes = data.escalation_minutes
        row.save()
        row.leaders.set(leaders)
        names = "、".join(u.get_full_name() or u.get_username() for u in leaders) or "全部市局领导"
        record_event(
            "monitoring.settings.updated",
            f"修改监测预警设置:红色告警 {row.escalation_minutes} 分钟未确认即升级,通知 {names}",
            target=row,
        )
    return row


# --- evaluation ----------------------------------------------------------------------------


def _windows(rule: Rule) -> list[tuple[str, dt.timedelta]]:
    return [(row["level"], dt.timedelta(minutes=int(row["window_minutes"]))) for row in rule.levels]


def _aggregate(values: list, how: str):
    """:func:`yingji.standards.cma_signals.aggregate` of stored values (finite floats: the
    ingest refuses anything else), without its filtering pass: the same sums in the same
    order, so the same results at the thresholds."""
    if how == "sum":
        return float(sum(values))
    if not values:
        return None
    if how == "mean":
        return sum(values) / len(values)
    if how == "max":
        return max(values)
    if how == "min":
        return min(values)
    return aggregate(values, how)


def window_aggregates(
    times: list, values: list, rule: Rule, end: dt.datetime, windows=None
) -> dict:
    """The rule's aggregate over each level's window ending at ``end`` — times in
    (end − window, end], a window of 0 minutes being the value at ``end`` — from the sorted
    rows of one indexed range query (see evaluate). Levels sharing a window share its
    aggregate."""
    hi = bisect.bisect_right(times, end)
    out, by_window = {}, {}
    for level, window in windows or _windows(rule):
        if window not in by_window:
            if not window:
                lo = bisect.bisect_left(times, end)
            else:
                lo = bisect.bisect_right(times, end - window)
            if rule.aggregate == "daymax":  # N local calendar days, each day's maximum
                days = max(1, round(window / dt.timedelta(days=1)))
                by_window[window] = daily_max_over_days(
                    zip(times[lo:hi], values[lo:hi], strict=True),
                    end,
                    days,
                    timezone.get_current_timezone(),
                )
            elif rule.aggregate == "rate":
                by_window[window] = window_change(values[lo:hi])
            else:
                by_window[window] = _aggregate(values[lo:hi], rule.aggregate)
        out[level] = by_window[window]
    return out


def _rows(rule: Rule, pairs: list) -> dict:
    """One indexed range query on (station, element, time) for stations whose data changed
    over the same span: every value a window ending at a changed time — or at a later stored
    time whose window holds a changed one — can use. Returns {station_pk: rows}."""
    window = dt.timedelta(minutes=rule.max_window)
    changed = sorted(pairs[0][1])
    out = {pk: [] for pk, _times in pairs}
    for pk, t, value, obs_pk in _fetch(
        Observation.objects.filter(
            station_id__in=list(out),
            element=rule.element,
            time__gte=changed[0] - window,  # ≥: a 0-minute window is the value at t
            time__lte=changed[-1] + window,
        )
        .order_by("station_id", "time")
        .values_list("station_id", "time", "value", "pk"),
        time_column=1,
    ):
        out[pk].append((t, value, obs_pk))
    return out


def _fetch(qs, *, time_column: int):
    """The rows of a values_list() query of plain columns, read through the cursor with each
    distinct stored time converted once: the same few data times come back for hundreds of
    stations, and Django's converters would parse each of them anew (SQLite stores text)."""
    from django.db import connections

    connection = connections[qs.db]
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    sql, params = qs.query.sql_with_params()
    times = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            raw = row[time_column]
            if convert is not None:
                if raw not in times:
                    times[raw] = convert(raw, None, connection)
                row = (*row[:time_column], times[raw], *row[time_column + 1 :])
            yield row


def _evaluate_all(stations: dict, changed: dict, now) -> list[dict]:
    """Evaluate every active rule for each station × element whose data changed: one query for
    the active alarms, and one range query per rule and span of changed times."""
    rules = [r for r in Rule.objects.filter(active=True) if r.levels]
    if not changed or not rules:
        return []
    alarms = {
        (a.station_id, a.rule_id): a
        for a in Alarm.objects.filter(station_id__in=list(stations)).exclude(state="cleared")
    }
    changes = []
    for rule in rules:
        spans = defaultdict(list)
        for (station_pk, element), times in sorted(changed.items()):
            if element == rule.element and rule.applies_to(stations[station_pk]):
                spans[(min(times), max(times))].append((station_pk, times))
        for pairs in spans.values():
            for i in range(0, len(pairs), 500):
                chunk = pairs[i : i + 500]
                rows = _rows(rule, chunk)
                for station_pk, times in chunk:
                    alarm = alarms.get((station_pk, rule.pk))
                    changes += evaluate(
                        stations[station_pk], rule, times, now, alarm, rows[station_pk]
                    )
    return changes


def _points(rows: list, rule: Rule, times: dict, alarm: Alarm | None) -> list:
    """The data times to evaluate: each changed time, and for a late value the later times
    already stored whose windows now hold it. Times before the active alarm's latest evaluated
    data time are not re-evaluated (its history is not rewritten)."""
    changed = sorted(times)
    points = dict(times)
    window = dt.timedelta(minutes=rule.max_window)
    if window:
        for t, _value, pk in rows:
            i = bisect.bisect_left(changed, t) - 1  # the latest changed time before t
            if t not in points and i >= 0 and t <= changed[i] + window:
                points[t] = pk
    floor = alarm.last_data_at if alarm else None
    return sorted((t, pk) for t, pk in points.items() if floor is None or t >= floor)


def evaluate(station: Station, rule: Rule, times: dict, now, alarm, rows) -> list[dict]:
    """Bring the station × rule alarm (the active one, or None) up to date with the changed
    data times ({time: observation pk}), from the rows of :func:`_rows`."""
    series_times = [r[0] for r in rows]
    series_values = [r[1] for r in rows]
    if None in times.values():  # new observations: their pks come with the window's rows
        pks = {t: pk for t, _value, pk in rows}
        times = {t: pk or pks.get(t) for t, pk in times.items()}
    windows = _windows(rule)
    table = rule.levels_for(station)
    changes = []
    last = None
    for t, obs_pk in _points(rows, rule, times, alarm):
        aggregates = window_aggregates(series_times, series_values, rule, t, windows)
        level = level_for(aggregates, table)
        value = aggregates.get(level) if level else _shown(aggregates, rule)
        alarm, change = _transition(station, rule, alarm, level, value, t, obs_pk, now)
        if change:
            changes.append(change)
        last = t
    if alarm is not None and last and last > alarm.last_data_at:
        Alarm.objects.filter(pk=alarm.pk).update(last_data_at=last)  # bookkeeping
        alarm.last_data_at = last
    return changes


def _shown(aggregates: dict, rule: Rule):
    lowest = rule.levels[0]["level"] if rule.levels else None
    return aggregates.get(lowest)


def _transition(station, rule, alarm, level, value, t, obs_pk, now):
    if alarm is None:
        if level is None:
            return None, None
        alarm = Alarm.objects.create(
            station=station,
            rule=rule,
            element=rule.element,
            level=level,
            peak_level=level,
            value=value,
            raised_at=t,
            last_data_at=t,
        )
        verb = "raised"
    elif level is None:
        alarm.state = "cleared"
        alarm.cleared_at = t
        alarm.last_data_at = t
        alarm.value = value
        alarm.save()
        verb = "cleared"
    elif level != alarm.level:
        verb = "escalated" if rank(level) > rank(alarm.level) else "lowered"
        alarm.level = level
        if rank(level) > rank(alarm.peak_level):
            alarm.peak_level = level
        if verb == "escalated" and alarm.state != "open":
            alarm.state = "open"  # a higher level needs the duty officer's attention again
            alarm.escalated_at = None
        alarm.value = value
        alarm.last_data_at = t
        alarm.save()
    else:
        return alarm, None
    AlarmLevel.objects.create(
        alarm=alarm,
        level=level or "",
        value=value,
        data_time=t,
        processed_at=now,
        observation_id=obs_pk,
    )
    label = LEVEL_LABELS[level] if level else "解除"
    record_event(
        f"monitoring.alarm.{verb}",
        f"{station.name} {rule.name}:{label}(数据时间 {timezone.localtime(t):%Y-%m-%d %H:%M})",
        target=alarm,
    )
    change = {
        "alarm": alarm.pk,
        "station": station.code,
        "rule": rule.code,
        "change": verb,
        "level": level,
        "at": t,
    }
    if verb == "cleared":
        alarm = None
    return alarm, change


# --- the duty officer's actions ---------------------------------------------------------------


def _alarm_for_action(actor, alarm_pk: int, version):
    alarm = locked(Alarm, alarm_pk, expected_version=version)
    if not restrict(Alarm.objects.filter(pk=alarm.pk), actor, "approve").exists():
        raise NotPermitted("只有值班员或负责该站点的工作人员可以确认、处置告警。")
    if alarm.state == "cleared":
        raise ValidationFailed("该告警已解除,无需确认或处置。")
    return alarm


def do_acknowledge_alarm(*, actor, alarm: Alarm, data: AcknowledgeIn) -> Alarm:
    check_rule(actor, "monitoring.handle_alarms")
    with transaction.atomic():
        alarm = _alarm_for_action(actor, alarm.pk, data.version)
        if alarm.state != "open":
            raise ValidationFailed("该告警已确认。")
        alarm.state = "acknowledged"
        alarm.acknowledged_by = actor
        alarm.acknowledged_at = timezone.now()
        alarm.save()
        record_event("monitoring.alarm.acknowledged", f"确认告警:{alarm}", target=alarm)
    return alarm


def do_handle_alarm(*, actor, alarm: Alarm, data: HandleIn) -> Alarm:
    check_rule(actor, "monitoring.handle_alarms")
    with transaction.atomic():
        alarm = _alarm_for_action(actor, alarm.pk, data.version)
        now = timezone.now()
        if alarm.acknowledged_at is None:
            alarm.acknowledged_by, alarm.acknowledged_at = actor, now
        alarm.state = "handled"
        alarm.handled_by = actor
        alarm.handled_at = now
        alarm.handling_note = data.note
        alarm.save()
        record_event(
            "monitoring.alarm.handled",
            f"处置告警:{alarm}。处置情况:{data.note[:200]}",
            target=alarm,
        )
    return alarm


# --- ingest-only tokens ------------------------------------------------------------------------


def _may_feed(actor, owner) -> bool:
    """May the actor hand out a token for the stations of ``owner``: city staff for any
    organisation; county staff for organisations in their county; anyone for their own
    organisation (an enterprise user: their enterprise)."""
    scope = scope_of(actor)
    if scope.is_admin or "city_staff" in scope.roles:
        return True
    if owner.pk in scope.org_ids or owner.pk in scope.enterprise_org_ids:
        return True
    path = owner.region.path if owner.region_id else ""
    return "county_staff" in scope.roles and any(path.startswith(p) for p in scope.region_paths)


def do_create_ingest_token(*, actor, data: IngestTokenIn) -> tuple[IngestToken, str]:
    """A 数据接入令牌 for the stations of one owner; returns (token, raw key), the key once."""
    import secrets

    from yingji.core.models import hash_token
    from yingji.orgs.models import Organisation

    check_rule(actor, "monitoring.register_stations")
    owner = Organisation.objects.select_related("region").filter(code=data.owner).first()
    if owner is None or not _may_feed(actor, owner):
        raise ValidationFailed(
            f"权属单位“{data.owner}”不存在或不在您的权限范围内。", details={"field": "owner"}
        )
    if data.expires_at is not None and data.expires_at <= timezone.now():
        raise ValidationFailed("有效期应晚于当前时间。", details={"field": "expires_at"})
    key = IngestToken.PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = IngestToken.objects.create(
            name=data.name,
            owner=owner,
            user=actor,
            key_prefix=key[:10],
            key_hash=hash_token(key),
            expires_at=data.expires_at,
        )
        record_event(
            "monitoring.ingest_token.created",
            f"创建数据接入令牌“{token.name}”(只能上报{owner.name}所属站点的数据)",
            target=token,
        )
    return token, key


def do_revoke_ingest_token(*, actor, token: IngestToken) -> IngestToken:
    with transaction.atomic():
        token = locked(IngestToken, token.pk)
        if not restrict(IngestToken.objects.filter(pk=token.pk), actor, "change").exists():
            raise NotPermitted("您无权撤销该令牌。")
        if token.revoked_at is not None:
            raise ValidationFailed("该令牌已撤销。")
        token.revoked_at = timezone.now()
        token.save()
        record_event(
            "monitoring.ingest_token.revoked", f"撤销数据接入令牌“{token.name}”", target=token
        )
    return token
