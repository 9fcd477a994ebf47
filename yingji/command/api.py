"""指挥一张图 in the API: the panels, under the same rule and the owning modules'
permissions as the page (the map layers are the modules' own, e.g. the events layer of
the response module)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from yingji.core.permissions import check_rule

from . import selectors

router = Router(tags=["指挥一张图"])


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
