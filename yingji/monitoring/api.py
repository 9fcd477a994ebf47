"""监测预警 in the API: stations, the observation batch ingest, alarms (and the duty officer's
acknowledging and handling), rules, the station series and the map layer."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from yingji.core.api import AUTH, LAST_USED_RESOLUTION
from yingji.core.context import set_context_user
from yingji.core.models import hash_token
from yingji.core.permissions import get_restricted_or_404, restrict
from yingji.core.schemas import FeatureCollection

from . import selectors, services
from .models import IngestToken
from .schemas import (
    AcknowledgeIn,
    HandleIn,
    IngestTokenIn,
    ObservationBatchIn,
    StationIn,
    StationPatch,
)

router = Router(tags=["监测预警"])


class IngestTokenAuth(HttpBearer):
    """数据接入令牌 (`yjm_…`): accepted by POST /monitoring/observations only. A bad one is
    passed on to the personal-token check, which counts the failure in the login throttle."""

    openapi_description = "数据接入令牌(只能上报观测数据):Authorization: Bearer yjm_…"

    def authenticate(self, request, token):
        if not token or not token.startswith(IngestToken.PREFIX):
            return None
        found = (
            IngestToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        )
        if found is None or not found.is_active or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            IngestToken.objects.filter(pk=found.pk).update(last_used_at=now)  # bookkeeping
        request.user = found.user
        request.ingest_token = found
        set_context_user(found.user)
        return found.user


class StationElementOut(Schema):
    code: str
    unit: str
    interval: int
    min: float | None = None
    max: float | None = None
    limits: dict[str, float] | None = None


class StationOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    lon: float
    lat: float
    region: str
    region_name: str
    owner: str
    enterprise: str | None
    hazard_unit: int | None
    elements: list[StationElementOut]
    installed_on: dt.date | None
    status: str
    last_seen_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.code

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.organisation.code if obj.enterprise_id else None

    @staticmethod
    def resolve_hazard_unit(obj):
        return obj.hazard_unit_id

    @staticmethod
    def resolve_status(obj):
        return obj.status()


class ObservationRejectedOut(Schema):
    index: int
    reason: str


class AlarmChangeOut(Schema):
    alarm: int
    station: str
    rule: str
    change: str
    level: str | None
    at: dt.datetime


class IngestOut(Schema):
    received: int
    accepted: int
    duplicates: int
    revised: int
    quarantined: int
    rejected: list[ObservationRejectedOut]
    alarms: list[AlarmChangeOut]


class AlarmLevelChangeOut(Schema):
    level: str | None
    at: dt.datetime
    value: float | None
    processed_at: dt.datetime

    @staticmethod
    def resolve_level(obj):
        return obj.level or None

    @staticmethod
    def resolve_at(obj):
        return obj.data_time


class AlarmOut(Schema):
    id: int
    station: str
    station_name: str
    rule: str
    rule_name: str
    element: str
    level: str
    state: str
    value: float | None
    raised_at: dt.datetime
    cleared_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    handled_at: dt.datetime | None
    handling_note: str
    escalated_at: dt.datetime | None
    levels: list[AlarmLevelChangeOut]
    version: int

    @staticmethod
    def resolve_station(obj):
        return obj.station.code

    @staticmethod
    def resolve_station_name(obj):
        return obj.station.name

    @staticmethod
    def resolve_rule(obj):
        return obj.rule.code

    @staticmethod
    def resolve_rule_name(obj):
        return obj.rule.name

    @staticmethod
    def resolve_levels(obj):
        return obj.changes.all()


class AlarmRuleLevelOut(Schema):
    level: str
    window_minutes: int
    threshold: float | None = None
    limit: str | None = None


class AlarmRuleOut(Schema):
    code: str
    name: str
    element: str
    aggregate: str
    levels: list[AlarmRuleLevelOut]
    scope: str
    station_kind: str
    station: str | None
    active: bool
    source: str
    confidence: str

    @staticmethod
    def resolve_station(obj):
        return obj.station.code if obj.station_id else None


class SeriesPointOut(Schema):
    time: dt.datetime
    value: float
    min: float | None = None
    max: float | None = None


class SeriesOut(Schema):
    station: str
    element: str
    unit: str
    resolution: str
    points: list[SeriesPointOut]


def _station(request, code: str, action: str = "view"):
    return get_restricted_or_404(
        selectors.visible_stations(request.user, action).select_related("enterprise__organisation"),
        request.user,
        action,
        code=code,
    )


@router.get("/monitoring/stations", response=list[StationOut], summary="监测站点")
def list_stations(
    request, kind: str | None = None, region: str | None = None, q: str | None = None
):
    qs = selectors.visible_stations(request.user).select_related("enterprise__organisation")
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region__code=region)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("code")[:2000]


@router.post("/monitoring/stations", response={201: StationOut}, summary="登记监测站点")
def register_station(request, payload: StationIn):
    return Status(201, services.do_register_station(actor=request.user, data=payload))


@router.get("/monitoring/stations/{code}", response=StationOut, summary="单个监测站点")
def get_station(request, code: str):
    return _station(request, code)


@router.patch("/monitoring/stations/{code}", response=StationOut, summary="修改监测站点")
def update_station(request, code: str, payload: StationPatch):
    station = _station(request, code, "change")
    return services.do_update_station(actor=request.user, station=station, data=payload)


@router.get(
    "/monitoring/stations/{code}/series", response=SeriesOut, summary="站点某要素的时间序列"
)
def station_series(
    request,
    code: str,
    element: str,
    hours: int = 72,
    resolution: Literal["auto", "raw", "hour", "day"] = "auto",
):
    """Every value up to 72 hours (``auto``), hourly aggregates beyond (sum of rain, mean of
    the others, with min and max); ``raw``/``hour``/``day`` to choose."""
    station = _station(request, code)
    spec = station.element(element)
    if spec is None:
        from ninja.errors import HttpError

        raise HttpError(404, "该站点没有此监测要素。")
    hours = max(1, min(hours, 24 * 31))
    if resolution == "auto":
        resolution = "raw" if hours <= selectors.RAW_HOURS else "hour"
    rows = selectors.series(station, element, hours=hours, resolution=resolution)
    if resolution == "raw":
        points = [{"time": t, "value": v} for t, v in rows]
    else:
        points = [{"time": t, "value": v, "min": lo, "max": hi} for t, v, lo, hi in rows]
    return {
        "station": station.code,
        "element": element,
        "unit": spec.get("unit", ""),
        "resolution": resolution,
        "points": points,
    }


@router.post(
    "/monitoring/observations",
    auth=[IngestTokenAuth(), *AUTH],
    response=IngestOut,
    summary="上报观测数据(批量,至多10,000条)",
    description=(
        '`{"observations":[{"station":"CODE","element":"rain",'
        '"time":"2024-07-01T08:00:00+08:00","value":2.5}]}`。同一站点、要素、时间重复上报为重复'
        "数据;数值不同为修订(保留历史)。每条被拒收的记录返回其序号与原因,其余照常接收;"
        "超出合理范围的数值被隔离,不参与告警。超过10,000条返回 413。"
    ),
)
def ingest(request, payload: ObservationBatchIn):
    token = getattr(request, "ingest_token", None)
    return services.do_ingest_observations(
        actor=request.user,
        records=payload.observations,
        source="ingest-token" if token else "api",
        token=token,
    )


@router.get("/monitoring/alarms", response=list[AlarmOut], summary="告警")
def list_alarms(
    request,
    station: str | None = None,
    level: str | None = None,
    state: str | None = None,
    region: str | None = None,
    limit: int = 200,
):
    services.sweep_if_due()
    params = {"station": station, "level": level, "state": state or "all", "region": region}
    qs = selectors.board(request.user, params).prefetch_related("changes")
    return qs[: max(1, min(limit, 1000))]


def _alarm(request, alarm_id: int):
    return get_restricted_or_404(selectors.visible_alarms(request.user), request.user, pk=alarm_id)


@router.get("/monitoring/alarms/{alarm_id}", response=AlarmOut, summary="单个告警")
def get_alarm(request, alarm_id: int):
    return _alarm(request, alarm_id)


@router.post(
    "/monitoring/alarms/{alarm_id}/acknowledge", response=AlarmOut, summary="确认告警(值班员)"
)
def acknowledge(request, alarm_id: int, payload: AcknowledgeIn):
    alarm = _alarm(request, alarm_id)
    return services.do_acknowledge_alarm(actor=request.user, alarm=alarm, data=payload)


@router.post("/monitoring/alarms/{alarm_id}/handle", response=AlarmOut, summary="处置告警")
def handle(request, alarm_id: int, payload: HandleIn):
    alarm = _alarm(request, alarm_id)
    return services.do_handle_alarm(actor=request.user, alarm=alarm, data=payload)


@router.get("/monitoring/rules", response=list[AlarmRuleOut], summary="告警规则")
def list_rules(request):
    return selectors.visible_rules(request.user)


@router.get(
    "/monitoring/geojson",
    response=FeatureCollection,
    summary="监测站点图层(GeoJSON,颜色为当前告警等级)",
)
def geojson(request, district: str | None = None):
    return selectors.station_features(request.user, {"district": district})


class IngestTokenOut(Schema):
    id: int
    name: str
    owner: str
    owner_name: str
    key_prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.code

    @staticmethod
    def resolve_owner_name(obj):
        return obj.owner.name


class IngestTokenCreated(IngestTokenOut):
    key: str


@router.get("/monitoring/ingest-tokens", response=list[IngestTokenOut], summary="我的数据接入令牌")
def list_ingest_tokens(request):
    return restrict(IngestToken.objects.select_related("owner"), request.user)


@router.post(
    "/monitoring/ingest-tokens",
    response={201: IngestTokenCreated},
    summary="创建数据接入令牌(只能上报某单位所属站点的观测数据;密钥只显示这一次)",
)
def create_ingest_token(request, payload: IngestTokenIn):
    token, key = services.do_create_ingest_token(actor=request.user, data=payload)
    token.key = key  # shown this once
    return Status(201, token)


@router.post(
    "/monitoring/ingest-tokens/{token_id}/revoke",
    response=IngestTokenOut,
    summary="撤销数据接入令牌",
)
def revoke_ingest_token(request, token_id: int):
    token = get_restricted_or_404(IngestToken.objects.all(), request.user, "change", pk=token_id)
    return services.do_revoke_ingest_token(actor=request.user, token=token)
