"""指挥一张图 in the API: the open-events layer and the panels, under the same rule and the
owning modules' permissions as the page."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from yingji.core.permissions import check_rule
from yingji.core.schemas import FeatureCollection

from . import selectors

router = Router(tags=["指挥一张图"])


@router.get(
    "/command/events/geojson",
    response=FeatureCollection,
    summary="处置中的突发事件图层(GeoJSON,可按县区、时间窗筛选)",
)
def events_geojson(request, district: str | None = None, hours: str | None = None):
    check_rule(request.user, "command.open")
    f = selectors.parse_filters(request.user, {"district": district, "hours": hours})
    return selectors.event_features(request.user, f)


class PanelOut(Schema):
    key: str
    title: str
    count: int
    more: int
    rows: list[dict]


class PanelsOut(Schema):
    generated_at: dt.datetime
    district: str | None
    hours: str
    panels: list[PanelOut]


@router.get(
    "/command/panels",
    response=PanelsOut,
    summary="指挥一张图的侧栏:当前事件、未确认告警、生效预警、今日值班、在途调度",
)
def command_panels(request, district: str | None = None, hours: str | None = None):
    check_rule(request.user, "command.open")
    f = selectors.parse_filters(request.user, {"district": district, "hours": hours})
    from django.utils import timezone

    return {
        "generated_at": timezone.now(),
        "district": f.district.code if f.district else None,
        "hours": f.hours,
        "panels": selectors.panels(request.user, f),
    }
