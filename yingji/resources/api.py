"""应急资源 in the API: sites, the item catalogue, stock (the "一表"), the ledger (movements and
transfers), minimums and the "一图" layer — the same services and restrict() as the pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from yingji.core.api import page
from yingji.core.errors import ValidationFailed
from yingji.core.permissions import get_restricted_or_404
from yingji.core.schemas import FeatureCollection

from . import selectors, services
from .models import Agreement, Equipment, Expert, Shelter, Site, Team
from .schemas import (
    AgreementEditIn,
    AgreementIn,
    ArrivalIn,
    DecisionIn,
    EquipmentEditIn,
    EquipmentIn,
    EvaluationIn,
    EvaluationPublishIn,
    ExpertEditIn,
    ExpertIn,
    ForceReturnIn,
    LinkageCallIn,
    MaintenanceIn,
    MinimumIn,
    MovementIn,
    PartnerEditIn,
    PartnerIn,
    PositionIn,
    RequestIn,
    ReserveTargetIn,
    ShelterEditIn,
    ShelterIn,
    SiteIn,
    SupplyReturnIn,
    TeamEditIn,
    TeamIn,
    TransferIn,
)

router = Router(tags=["应急资源"])


class SiteOut(Schema):
    id: int
    code: str
    name: str
    level: str
    level_label: str
    owner: str
    owner_name: str
    address: str
    lon: float
    lat: float
    region: str
    region_name: str
    area_m2: int | None
    managers: str
    duty_phone: str
    opening: str
    active: bool
    version: int

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.code

    @staticmethod
    def resolve_owner_name(obj):
        return obj.owner.name

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


class ItemOut(Schema):
    code: str
    name: str
    unit: str
    category: str
    shelf_life_days: int | None
    reusable: bool


class BatchOut(Schema):
    batch: str
    expires_on: dt.date | None
    quantity: int


class StockOut(Schema):
    site: str
    site_name: str
    region_name: str
    item: str
    item_name: str
    unit: str
    quantity: int
    minimum: int
    below_minimum: bool

    @staticmethod
    def resolve_site(obj):
        return obj.site.code

    @staticmethod
    def resolve_site_name(obj):
        return obj.site.name

    @staticmethod
    def resolve_region_name(obj):
        return obj.site.region.name

    @staticmethod
    def resolve_item(obj):
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name

    @staticmethod
    def resolve_unit(obj):
        return obj.item.unit


class StockDetailOut(StockOut):
    batches: list[BatchOut]

    @staticmethod
    def resolve_batches(obj):
        return services.batch_balances(obj)


class MovementOut(Schema):
    id: int
    site: str
    item: str
    kind: str
    kind_label: str
    quantity: int
    batch: str
    expires_on: dt.date | None
    document_no: str
    reason: str
    counterparty: str
    occurred_at: dt.datetime
    actor: str
    peer: int | None

    @staticmethod
    def resolve_site(obj):
        return obj.stock.site.code

    @staticmethod
    def resolve_item(obj):
        return obj.stock.item.code

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_actor(obj):
        return (obj.actor.get_full_name() or obj.actor.username) if obj.actor_id else ""

    @staticmethod
    def resolve_peer(obj):
        return obj.peer_id


class TransferOut(Schema):
    out: MovementOut
    into: MovementOut


def _site(request, site_id: int, action: str = "view"):
    return get_restricted_or_404(
        selectors.visible_sites(request.user, "view"), request.user, action, pk=site_id
    )


@router.get("/resources/sites", response=list[SiteOut], summary="储备库(点)")
def list_sites(
    request,
    level: str | None = None,
    region: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    qs = selectors.visible_sites(request.user)
    if level:
        qs = qs.filter(level=level)
    if region:
        qs = qs.filter(region__code=region)
    return page(qs.order_by("code"), response, limit, offset)


@router.post("/resources/sites", response={201: SiteOut}, summary="登记储备库(点)")
def register_site(request, payload: SiteIn):
    return Status(201, services.do_register_site(actor=request.user, data=payload))


@router.get("/resources/sites/{site_id}", response=SiteOut, summary="单个储备库(点)")
def get_site(request, site_id: int):
    return _site(request, site_id)


@router.get(
    "/resources/sites/{site_id}/stock",
    response=list[StockDetailOut],
    summary="储备库(点)的库存(含批次结存)",
)
def site_stock(request, site_id: int):
    site = _site(request, site_id)
    return selectors.visible_stock(request.user).filter(site=site).order_by("item__code")


@router.post(
    "/resources/sites/{site_id}/movements",
    response={201: list[MovementOut]},
    summary="登记出入库(入库、出库、借用、归还、报废、盘点调整)",
    description="出库类不指定批次时按有效期先到先出,可能拆成多条台账记录;库存不足时拒绝(422,insufficient_stock)。",
)
def record_movement(request, site_id: int, payload: MovementIn):
    site = _site(request, site_id)
    return Status(201, services.do_record_movement(actor=request.user, site=site, data=payload))


@router.post(
    "/resources/sites/{site_id}/transfers",
    response={201: TransferOut},
    summary="调拨(调出与调入一并登记)",
)
def transfer(request, site_id: int, payload: TransferIn):
    site = _site(request, site_id)
    out, into = services.do_transfer_stock(actor=request.user, site=site, data=payload)
    return Status(201, {"out": out, "into": into})


@router.put("/resources/sites/{site_id}/minimum", response=StockOut, summary="设置最低储备量")
def set_minimum(request, site_id: int, payload: MinimumIn):
    site = _site(request, site_id)
    return services.do_set_minimum(actor=request.user, site=site, data=payload)


@router.get("/resources/stock", response=list[StockOut], summary="库存一表")
def list_stock(
    request,
    alert: str | None = None,
    region: str | None = None,
    item: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    qs = selectors.visible_stock(request.user)
    if alert:
        qs = qs.filter(selectors.alert_q(alert))
    if region:
        qs = qs.filter(site__region__code=region)
    if item:
        qs = qs.filter(item__code=item)
    return page(qs.order_by("site__code", "item__code"), response, limit, offset)


@router.get("/resources/movements", response=list[MovementOut], summary="出入库台账")
def list_movements(
    request,
    site: str | None = None,
    item: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    qs = selectors.visible_movements(request.user)
    if site:
        qs = qs.filter(stock__site__code=site)
    if item:
        qs = qs.filter(stock__item__code=item)
    if kind:
        qs = qs.filter(kind=kind)
    return page(qs, response, limit, offset)


@router.get("/resources/items", response=list[ItemOut], summary="物资目录(GB/T 38565 结构编码)")
def list_items(request):
    return selectors.items()


class _Feature(BaseModel):
    type: str = "Feature"
    id: str | int | None = None
    geometry: dict | None
    properties: dict


class LayerOut(BaseModel):
    """The sites layer (GeoJSON FeatureCollection, see core.hooks.MapLayer)."""

    type: str = "FeatureCollection"
    features: list[_Feature]


@router.get(
    "/resources/geojson",
    response=LayerOut,
    summary="储备库(点)图层(GeoJSON,大小为库存量;item=物资编码:只含有该物资库存的库点)",
)
def geojson(
    request, district: str | None = None, level: str | None = None, item: str | None = None
):
    """The layer is written as JSON directly (its declared shape is ``LayerOut``; a test
    validates the answer against it): ninja's response validation walked every feature through
    its Django-object getter, 440 ms of the 690 ms for the issue's 5,000 points
    (docs/performance.md)."""
    import json

    chosen = None
    if item:
        chosen = selectors.items().filter(code=item).first()
        if chosen is None:
            raise ValidationFailed("物资目录中没有这个物资编码。", details={"field": "item"})
    layer = selectors.site_features(
        request.user, {"district": district, "level": level, "item": chosen}
    )
    return HttpResponse(
        json.dumps(layer, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json",
    )


# --- forces --------------------------------------------------------------------------------


class PlacedOut(Schema):
    id: int
    level: str
    owner: str
    region: str
    region_name: str
    lon: float | None
    lat: float | None
    contact: str
    phone: str
    version: int

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.code

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


class TeamOut(PlacedOut):
    name: str
    kind: str
    specialty: str
    headcount: int
    equipment: str
    capabilities: str
    readiness: str
    funding_wan: float | None


class EvaluationOut(Schema):
    team: int
    year: int
    total: float
    grade: str
    scores: dict
    remarks: str
    published_at: dt.datetime | None = None

    @staticmethod
    def resolve_team(obj):
        return obj.team_id


class PublishedOut(Schema):
    year: int
    count: int
    published_at: dt.datetime


def _single_line(obj):
    """An agreement's only line, or None when it has none or several."""
    lines = list(obj.lines.select_related("item")[:2])
    return lines[0] if len(lines) == 1 else None


class AgreementLineOut(Schema):
    """One line of an agreement's 协议储备."""

    id: int
    item: str  # catalogue code
    item_name: str
    unit: str
    quantity: int
    response_hours: int | None  # the line's own; null: the agreement's applies
    called: int
    remaining: int

    @staticmethod
    def resolve_item(obj):
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name

    @staticmethod
    def resolve_unit(obj):
        return obj.item.unit


class AgreementOut(PlacedOut):
    title: str
    kind: str
    partner: str
    content: str
    response_hours: int | None
    valid_from: dt.date
    valid_until: dt.date
    lines: list[AgreementLineOut]  # 协议储备明细
    # the first form of this API (one item per agreement): filled only when the agreement has
    # exactly one line, null otherwise — read ``lines``
    item: str | None = Field(None, json_schema_extra={"deprecated": True})
    quantity: int | None = Field(None, json_schema_extra={"deprecated": True})
    called: int | None = Field(None, json_schema_extra={"deprecated": True})
    remaining: int | None = Field(None, json_schema_extra={"deprecated": True})

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("item"))

    @staticmethod
    def resolve_item(obj):
        line = _single_line(obj)
        return line.item.code if line else None

    @staticmethod
    def resolve_quantity(obj):
        line = _single_line(obj)
        return line.quantity if line else None

    @staticmethod
    def resolve_called(obj):
        line = _single_line(obj)
        return line.called if line else None

    @staticmethod
    def resolve_remaining(obj):
        line = _single_line(obj)
        return line.remaining if line else None


class ExpertOut(PlacedOut):
    name: str
    specialty: str
    organisation_name: str
    title: str
    available: bool


class ShelterOut(PlacedOut):
    name: str
    kind: str
    capacity: int
    area_m2: int | None
    facilities: str
    address: str


def _forces(model, request, level, region, kind=None):
    qs = selectors.visible_records(model, request.user)
    if level:
        qs = qs.filter(level=level)
    if region:
        qs = qs.filter(region__code=region)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("pk")


@router.get("/resources/teams", response=list[TeamOut], summary="救援队伍")
def list_teams(
    request,
    kind: str | None = None,
    level: str | None = None,
    region: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    return page(_forces(Team, request, level, region, kind), response, limit, offset)


@router.post("/resources/teams", response={201: TeamOut}, summary="登记救援队伍")
def register_team(request, payload: TeamIn):
    return Status(201, services.do_register_team(actor=request.user, data=payload))


@router.get("/resources/teams/{team_id}", response=TeamOut, summary="单个救援队伍")
def get_team(request, team_id: int):
    return get_restricted_or_404(
        selectors.visible_records(Team, request.user), request.user, pk=team_id
    )


@router.post(
    "/resources/teams/{team_id}/evaluations",
    response=EvaluationOut,
    summary="社会应急力量年度评估(打分)",
)
def evaluate_team(request, team_id: int, payload: EvaluationIn):
    team = get_restricted_or_404(
        selectors.visible_records(Team, request.user), request.user, pk=team_id
    )
    return services.do_evaluate_team(actor=request.user, team=team, data=payload)


@router.get(
    "/resources/evaluations",
    response=list[EvaluationOut],
    summary="社会应急力量年度评估结果(发布前仅评估人可见)",
)
def list_evaluations(
    request,
    response: HttpResponse,
    year: int | None = Query(None, ge=2000, le=2100, title="年度"),
    limit: int = 100,
    offset: int = 0,
):
    from yingji.core.permissions import restrict

    from .models import TeamEvaluation

    qs = restrict(TeamEvaluation.objects.all(), request.user)
    if year is not None:
        qs = qs.filter(year=year)
    return page(qs.order_by("-year", "-total", "pk"), response, limit, offset)


@router.post(
    "/resources/evaluations/publish",
    response=PublishedOut,
    summary="发布社会应急力量年度评估结果(发布后分数冻结)",
)
def publish_evaluations(request, payload: EvaluationPublishIn):
    rows = services.do_publish_evaluations(actor=request.user, year=payload.year)
    return {"year": payload.year, "count": len(rows), "published_at": rows[0].published_at}


@router.get("/resources/agreements", response=list[AgreementOut], summary="合作协议")
def list_agreements(
    request,
    kind: str | None = None,
    state: str | None = None,
    level: str | None = None,
    region: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    qs = _forces(Agreement, request, level, region, kind)
    if state:
        qs = qs.filter(selectors.agreement_state_q(state))
    return page(qs, response, limit, offset)


@router.post("/resources/agreements", response={201: AgreementOut}, summary="登记合作协议")
def register_agreement(request, payload: AgreementIn):
    return Status(201, services.do_register_agreement(actor=request.user, data=payload))


@router.get("/resources/experts", response=list[ExpertOut], summary="专家库")
def list_experts(
    request,
    level: str | None = None,
    region: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    return page(_forces(Expert, request, level, region), response, limit, offset)


@router.post("/resources/experts", response={201: ExpertOut}, summary="登记专家")
def register_expert(request, payload: ExpertIn):
    return Status(201, services.do_register_expert(actor=request.user, data=payload))


@router.get("/resources/shelters", response=list[ShelterOut], summary="应急避难场所")
def list_shelters(
    request,
    kind: str | None = None,
    level: str | None = None,
    region: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    return page(_forces(Shelter, request, level, region, kind), response, limit, offset)


@router.post("/resources/shelters", response={201: ShelterOut}, summary="登记应急避难场所")
def register_shelter(request, payload: ShelterIn):
    return Status(201, services.do_register_shelter(actor=request.user, data=payload))


# --- editing forces records ----------------------------------------------------------------


def _edit(model, request, pk: int, payload):
    obj = get_restricted_or_404(
        selectors.visible_records(model, request.user), request.user, "change", pk=pk
    )
    return services.do_update_record(actor=request.user, obj=obj, data=payload)


@router.put("/resources/teams/{team_id}", response=TeamOut, summary="修改救援队伍")
def update_team(request, team_id: int, payload: TeamEditIn):
    return _edit(Team, request, team_id, payload)


@router.put("/resources/agreements/{agreement_id}", response=AgreementOut, summary="修改合作协议")
def update_agreement(request, agreement_id: int, payload: AgreementEditIn):
    return _edit(Agreement, request, agreement_id, payload)


@router.put("/resources/experts/{expert_id}", response=ExpertOut, summary="修改专家")
def update_expert(request, expert_id: int, payload: ExpertEditIn):
    return _edit(Expert, request, expert_id, payload)


@router.put("/resources/shelters/{shelter_id}", response=ShelterOut, summary="修改应急避难场所")
def update_shelter(request, shelter_id: int, payload: ShelterEditIn):
    return _edit(Shelter, request, shelter_id, payload)


# --- equipment -----------------------------------------------------------------------------


class EquipmentOut(PlacedOut):
    code: str
    name: str
    category: str
    model_spec: str
    serial_no: str
    quantity: int
    unit: str
    source: str
    site: str | None
    team: int | None
    status: str
    status_label: str
    interval_days: int | None
    last_maintained_on: dt.date | None
    next_due_on: dt.date | None
    remarks: str

    @staticmethod
    def resolve_site(obj):
        return obj.site.code if obj.site_id else None

    @staticmethod
    def resolve_team(obj):
        return obj.team_id

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class EquipmentMaintenanceOut(Schema):
    id: int
    equipment: int
    kind: str
    performed_on: dt.date
    description: str
    performed_by: str
    cost: float | None
    status_after: str
    next_due_on: dt.date | None
    actor: str

    @staticmethod
    def resolve_equipment(obj):
        return obj.equipment_id

    @staticmethod
    def resolve_actor(obj):
        return (obj.actor.get_full_name() or obj.actor.username) if obj.actor_id else ""


def _equipment(request, equipment_id: int, action: str = "view"):
    return get_restricted_or_404(
        selectors.visible_equipment(request.user), request.user, action, pk=equipment_id
    )


@router.get("/resources/equipment", response=list[EquipmentOut], summary="应急装备台账")
def list_equipment(
    request,
    category: str | None = None,
    status: str | None = None,
    due: str | None = None,
    region: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    qs = selectors.visible_equipment(request.user)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    if due:
        qs = qs.filter(selectors.due_q(due))
    if region:
        qs = qs.filter(region__code=region)
    return page(qs.order_by("code"), response, limit, offset)


@router.post("/resources/equipment", response={201: EquipmentOut}, summary="登记应急装备")
def register_equipment(request, payload: EquipmentIn):
    return Status(201, services.do_register_equipment(actor=request.user, data=payload))


@router.get(
    "/resources/equipment/geojson",
    response=FeatureCollection,
    summary="应急装备图层(GeoJSON,不含已报废)",
)
def equipment_geojson(request, district: str | None = None, category: str | None = None):
    return selectors.equipment_features(request.user, {"district": district, "category": category})


@router.get("/resources/map/teams", response=FeatureCollection, summary="救援队伍图层(GeoJSON)")
def teams_geojson(request, district: str | None = None):
    return selectors.force_features("teams", request.user, {"district": district})


@router.get(
    "/resources/map/shelters",
    response=FeatureCollection,
    summary="应急避难场所图层(GeoJSON,可容纳人数)",
)
def shelters_geojson(request, district: str | None = None):
    return selectors.force_features("shelters", request.user, {"district": district})


@router.get("/resources/equipment/{equipment_id}", response=EquipmentOut, summary="单件应急装备")
def get_equipment(request, equipment_id: int):
    return _equipment(request, equipment_id)


@router.put("/resources/equipment/{equipment_id}", response=EquipmentOut, summary="修改应急装备")
def update_equipment(request, equipment_id: int, payload: EquipmentEditIn):
    item = _equipment(request, equipment_id, "change")
    return services.do_update_equipment(actor=request.user, equipment=item, data=payload)


@router.get(
    "/resources/equipment/{equipment_id}/maintenance",
    response=list[EquipmentMaintenanceOut],
    summary="装备保养维修记录",
)
def list_maintenance(request, equipment_id: int):
    from yingji.core.permissions import restrict

    from .models import MaintenanceRecord

    item = _equipment(request, equipment_id)
    return restrict(MaintenanceRecord.objects.filter(equipment=item), request.user).select_related(
        "actor"
    )


@router.post(
    "/resources/equipment/{equipment_id}/maintenance",
    response={201: EquipmentMaintenanceOut},
    summary="登记保养/检测/维修/报废",
)
def record_maintenance(request, equipment_id: int, payload: MaintenanceIn):
    item = _equipment(request, equipment_id)
    return Status(
        201, services.do_record_maintenance(actor=request.user, equipment=item, data=payload)
    )


# --- coverage ------------------------------------------------------------------------------


class ResourceCoverageOut(Schema):
    region: str
    region_name: str
    item: str
    item_name: str
    unit: str
    target: int
    stock: int
    percent: float
    gap: int
    below: bool
    basis: str

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_item(obj):
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name

    @staticmethod
    def resolve_unit(obj):
        return obj.item.unit

    @staticmethod
    def resolve_target(obj):
        return obj.quantity

    @staticmethod
    def resolve_percent(obj):
        return obj.permille / 10

    @staticmethod
    def resolve_below(obj):
        return obj.stock < obj.quantity


class ReserveTargetOut(Schema):
    region: str
    item: str
    quantity: int
    basis: str
    version: int

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_item(obj):
        return obj.item.code


class CountyGapOut(Schema):
    name: str
    below: int


@router.get(
    "/resources/coverage", response=list[ResourceCoverageOut], summary="储备达标情况(按县区)"
)
def list_coverage(
    request,
    region: str | None = None,
    item: str | None = None,
    below: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    qs = selectors.coverage(request.user)
    if region:
        qs = qs.filter(region__code=region)
    if item:
        qs = qs.filter(item__code=item)
    if below is not None:
        qs = qs.filter(selectors.coverage_q("below" if below else "met"))
    return page(qs.order_by("region__code", "item__code"), response, limit, offset)


@router.get(
    "/resources/coverage/counties",
    response=list[CountyGapOut],
    summary="有物资未达储备目标的县区(一图标红)",
)
def coverage_counties(request):
    return [{"name": k, "below": v} for k, v in selectors.counties_below(request.user).items()]


@router.put("/resources/coverage/targets", response=ReserveTargetOut, summary="设置储备目标")
def set_target(request, payload: ReserveTargetIn):
    return services.do_set_reserve_target(actor=request.user, data=payload)


# --- requests and dispatch -----------------------------------------------------------------


class RequestLineOut(Schema):
    item: str
    item_name: str
    quantity: int

    @staticmethod
    def resolve_item(obj):
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name


class AllocationOut(Schema):
    id: int
    site: str
    item: str
    quantity: int
    distance_km: float
    eta_hours: float
    state: str
    returned: int
    scrapped: int
    outstanding: int
    arrived_at: dt.datetime | None

    @staticmethod
    def resolve_site(obj):
        return obj.stock.site.code

    @staticmethod
    def resolve_item(obj):
        return obj.stock.item.code


class ForceLineOut(Schema):
    kind: str
    category: str
    category_label: str
    count: int


class AssignmentOut(Schema):
    id: int
    kind: str
    unit_id: int
    unit_name: str
    category: str
    distance_km: float | None
    eta_hours: float | None
    state: str
    state_label: str
    assigned_at: dt.datetime
    dispatched_at: dt.datetime | None
    arrived_at: dt.datetime | None
    returned_at: dt.datetime | None
    return_condition: str

    @staticmethod
    def resolve_kind(obj):
        return "team" if obj.team_id else "equipment"

    @staticmethod
    def resolve_unit_id(obj):
        return obj.team_id or obj.equipment_id

    @staticmethod
    def resolve_unit_name(obj):
        return str(obj.unit)

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()


class CallOut(Schema):
    """A call-off of agreement stock (协议储备调用)."""

    id: int
    agreement_id: int
    line_id: int  # the agreement line (协议储备明细) called off
    agreement: str
    partner: str
    item: str
    quantity: int
    eta_hours: float | None
    state: str
    state_label: str
    called_at: dt.datetime
    arrived_at: dt.datetime | None

    @staticmethod
    def resolve_agreement(obj):
        return obj.agreement.title

    @staticmethod
    def resolve_partner(obj):
        return obj.agreement.partner

    @staticmethod
    def resolve_item(obj):
        return obj.line.item.code

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()


class PositionOut(Schema):
    id: int
    carrier: str
    lon: float
    lat: float
    reported_at: dt.datetime
    note: str
    via_api: bool


class RequestOut(Schema):
    id: int
    number: str
    state: str
    state_label: str
    destination: str
    lon: float
    lat: float
    region: str
    needed_by: dt.datetime
    event: str
    reason: str
    requested_by: str
    lines: list[RequestLineOut]
    allocations: list[AllocationOut]
    force_lines: list[ForceLineOut]
    assignments: list[AssignmentOut]
    calls: list[CallOut]
    last_position: PositionOut | None
    version: int

    @staticmethod
    def resolve_calls(obj):
        return obj.calls.select_related("agreement", "line__item")

    @staticmethod
    def resolve_last_position(obj):
        return obj.positions.first()

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_requested_by(obj):
        return obj.requested_by.get_full_name() or obj.requested_by.username

    @staticmethod
    def resolve_lines(obj):
        return obj.lines.select_related("item")

    @staticmethod
    def resolve_allocations(obj):
        return obj.allocations.select_related("stock__site", "stock__item")

    @staticmethod
    def resolve_force_lines(obj):
        return obj.force_lines.all()

    @staticmethod
    def resolve_assignments(obj):
        return obj.assignments.select_related("team", "equipment")


class SupplyProposalLegOut(Schema):
    site: str
    site_name: str
    item: str
    quantity: int
    distance_km: float
    eta_hours: float


class UnitProposalLegOut(Schema):
    kind: str
    unit_id: int
    unit_name: str
    category: str
    distance_km: float | None
    eta_hours: float | None


class CallProposalLegOut(Schema):
    agreement_id: int
    line_id: int
    agreement: str
    partner: str
    item: str
    quantity: int
    distance_km: float | None
    eta_hours: float | None


class SupplyProposalOut(Schema):
    complete: bool
    legs: list[SupplyProposalLegOut]
    calls: list[CallProposalLegOut]  # 协议储备: covering what the stock cannot, counted apart
    stock_shortfall: dict[str, int]  # what the physical stock alone cannot cover
    shortfall: dict[str, int]  # what neither the stock nor the agreements cover
    forces: list[UnitProposalLegOut]
    forces_shortfall: dict[str, int]  # "team:water" → how many are missing


def _request(request, request_id: int):
    return get_restricted_or_404(
        selectors.visible_requests(request.user), request.user, pk=request_id
    )


@router.get("/resources/requests", response=list[RequestOut], summary="物资需求")
def list_requests(
    request,
    state: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    qs = selectors.visible_requests(request.user)
    if state:
        qs = qs.filter(state=state)
    return page(qs, response, limit, offset)


@router.post("/resources/requests", response={201: RequestOut}, summary="提出物资需求")
def create_request(request, payload: RequestIn):
    return Status(201, services.do_create_request(actor=request.user, data=payload))


@router.get("/resources/requests/{request_id}", response=RequestOut, summary="单个物资需求")
def get_request(request, request_id: int):
    return _request(request, request_id)


@router.get(
    "/resources/requests/{request_id}/proposal",
    response=SupplyProposalOut,
    summary="调运方案建议(就近、先县后市、按可用库存拆分)",
)
def request_proposal(request, request_id: int):
    req = _request(request, request_id)
    proposal = services.proposal_for(req)
    forces = services.force_proposal_for(req)
    sites = Site.objects.in_bulk({leg.site for leg in proposal.legs})
    units = {
        "team": Team.objects.in_bulk([u.pk for u in forces.legs if u.kind == "team"]),
        "equipment": Equipment.objects.in_bulk(
            [u.pk for u in forces.legs if u.kind == "equipment"]
        ),
    }
    agreements = Agreement.objects.in_bulk({c.agreement for c in proposal.calls})
    return {
        "complete": proposal.complete and forces.complete,
        "shortfall": proposal.shortfall,
        "stock_shortfall": proposal.stock_shortfall,
        "calls": [
            {
                "agreement_id": c.agreement,
                "line_id": c.line,
                "agreement": agreements[c.agreement].title,
                "partner": agreements[c.agreement].partner,
                "item": c.item,
                "quantity": c.quantity,
                "distance_km": c.distance_km,
                "eta_hours": c.eta_hours,
            }
            for c in proposal.calls
        ],
        "forces": [
            {
                "kind": u.kind,
                "unit_id": u.pk,
                "unit_name": str(units[u.kind][u.pk]),
                "category": u.category,
                "distance_km": u.distance_km,
                "eta_hours": u.eta_hours,
            }
            for u in forces.legs
        ],
        "forces_shortfall": {f"{k}:{c}": n for (k, c), n in forces.shortfall.items()},
        "legs": [
            {
                "site": sites[leg.site].code,
                "site_name": sites[leg.site].name,
                "item": leg.item,
                "quantity": leg.quantity,
                "distance_km": leg.distance_km,
                "eta_hours": leg.eta_hours,
            }
            for leg in proposal.legs
        ],
    }


def _decision(name: str, fn, summary: str):
    @router.post(f"/resources/requests/{{request_id}}/{name}", response=RequestOut, summary=summary)
    def endpoint(request, request_id: int, payload: DecisionIn):
        return fn(actor=request.user, request=_request(request, request_id), data=payload)

    endpoint.__name__ = f"request_{name}"
    return endpoint


request_approve = _decision("approve", services.do_approve_request, "审批需求(预留库存)")
request_dispatch = _decision("dispatch", services.do_dispatch_request, "出库调运")
request_receive = _decision("receive", services.do_confirm_receipt, "确认签收")
request_cancel = _decision("cancel", services.do_cancel_request, "取消需求(释放预留)")


@router.post(
    "/resources/requests/{request_id}/arrival",
    response=RequestOut,
    summary="登记部分到达(按调运明细、协议储备、队伍装备);全部到达即签收",
)
def request_arrival(request, request_id: int, payload: ArrivalIn):
    return services.do_confirm_arrival(
        actor=request.user, request=_request(request, request_id), data=payload
    )


@router.post(
    "/resources/requests/{request_id}/positions",
    response={201: PositionOut},
    summary="上报在途位置(可用个人令牌,由车辆/押运人员手机上报)",
)
def request_position(request, request_id: int, payload: PositionIn):
    req = _request(request, request_id)
    via_api = getattr(request, "api_token", None) is not None
    return Status(
        201,
        services.do_report_position(actor=request.user, request=req, data=payload, via_api=via_api),
    )


@router.get(
    "/resources/requests/{request_id}/positions",
    response=list[PositionOut],
    summary="在途位置记录(最新在前)",
)
def request_positions(request, request_id: int):
    return _request(request, request_id).positions.all()[:500]


@router.get(
    "/resources/transit/geojson",
    response=FeatureCollection,
    summary="在途调度图层(GeoJSON:每个已调运需求的最新位置)",
)
def transit_geojson(request, district: str | None = None):
    return selectors.transit_features(request.user, {"district": district})


@router.post(
    "/resources/requests/{request_id}/return-supplies",
    response=RequestOut,
    summary="归还可回收物资(损坏/丢失的报废)",
)
def request_return_supplies(request, request_id: int, payload: SupplyReturnIn):
    return services.do_return_supplies(
        actor=request.user, request=_request(request, request_id), data=payload
    )


@router.post(
    "/resources/requests/{request_id}/return-forces",
    response=RequestOut,
    summary="队伍归队/装备归还",
)
def request_return_forces(request, request_id: int, payload: ForceReturnIn):
    return services.do_return_force(
        actor=request.user, request=_request(request, request_id), data=payload
    )


class LinkageCallOut(Schema):
    id: int
    partner: str
    content: str
    asked_at: dt.datetime

    @staticmethod
    def resolve_partner(obj):
        return obj.partner.name


@router.post(
    "/resources/requests/{request_id}/linkage",
    response={201: LinkageCallOut},
    summary="请求物资联动单位保障(超出全市储备时)",
)
def request_linkage(request, request_id: int, payload: LinkageCallIn):
    req = _request(request, request_id)
    return Status(201, services.do_call_partner(actor=request.user, request=req, data=payload))


# --- 物资联动单位 (T39) -----------------------------------------------------------------------


class PartnerOut(Schema):
    id: int
    name: str
    contact: str
    phone: str
    duty_phone: str
    provides: str
    items: list[str]
    sort: int
    active: bool
    version: int

    @staticmethod
    def resolve_items(obj):
        return [i.code for i in obj.items.all()]


@router.get("/resources/partners", response=list[PartnerOut], summary="物资联动单位(联动清单)")
def list_partners(request, limit: int | None = None, offset: int = 0, *, response: HttpResponse):
    return page(selectors.visible_partners(request.user), response, limit, offset)


@router.post("/resources/partners", response={201: PartnerOut}, summary="登记物资联动单位")
def register_partner(request, payload: PartnerIn):
    return Status(201, services.do_register_partner(actor=request.user, data=payload))


@router.put("/resources/partners/{partner_id}", response=PartnerOut, summary="修改物资联动单位")
def update_partner(request, partner_id: int, payload: PartnerEditIn):
    partner = get_restricted_or_404(
        selectors.visible_partners(request.user), request.user, pk=partner_id
    )
    return services.do_update_partner(actor=request.user, partner=partner, data=payload)
