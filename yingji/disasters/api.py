"""灾情报送 in the API: processes (open, close, roll-up), loss reports (submit, confirm; never
changed), 灾害信息员, the officer's quick report. Same services and permissions as the pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from yingji.core.api import page
from yingji.core.permissions import check_rule, get_restricted_or_404
from yingji.core.schemas import FeatureCollection

from . import selectors, services
from .permissions import id_number_for
from .schemas import (
    CasualtyChangeIn,
    CasualtyIn,
    CloseProcessIn,
    CommunityApplyIn,
    CommunityCityReviewIn,
    CommunityCountyReviewIn,
    CommunityInspectionIn,
    CommunityRecheckIn,
    CommunityResubmitIn,
    ConfirmIn,
    FiguresReleaseIn,
    LinkEventIn,
    LossReportIn,
    OfficerIn,
    ProcessIn,
    QuakeEventIn,
    QuakeIn,
    QuakeRecordIn,
    QuickReportIn,
    ReliefFundIn,
    ReliefIn,
    ReliefSupplyIn,
)

router = Router(tags=["灾情报送"])


class ProcessOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region: str
    region_name: str
    affected: list[str]
    started_at: dt.datetime
    ended_at: dt.datetime | None
    description: str
    event: str | None = None
    version: int

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_event(obj):
        return obj.event.number if obj.event_id else None

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_affected(obj):
        return [r.code for r in obj.affected_regions.order_by("code")]


class LossFindingOut(Schema):
    level: str
    field: str
    message: str


class LossReportOut(Schema):
    id: int
    process: int
    region: str
    region_name: str
    kind: str
    as_of: dt.date | None
    figures: dict[str, float | int]
    summary: str
    findings: list[LossFindingOut]
    warning_reason: str
    source: str
    submitted_by: str | None
    submitted_at: dt.datetime
    due_at: dt.datetime | None
    is_late: bool
    corrects: int | None
    correction_reason: str
    confirmed_by: str | None
    confirmed_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_process(obj):
        return obj.process_id

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_submitted_by(obj):
        u = obj.submitted_by
        return (u.get_full_name() or u.username) if u else None

    @staticmethod
    def resolve_confirmed_by(obj):
        u = obj.confirmed_by
        return (u.get_full_name() or u.username) if u else None

    @staticmethod
    def resolve_corrects(obj):
        return obj.corrects_id


class RollupRowOut(Schema):
    region: str
    region_name: str
    status: str
    report: int | None
    children: int
    figures: dict[str, float]
    pending: list[int] = Field(title="待审核、未计入的报告编号")
    gap: dict[str, float] = Field(title="待审核报告未计入的数")
    findings: list[LossFindingOut]


class RollupOut(Schema):
    process: int
    rows: list[RollupRowOut]
    total: dict[str, float]
    gap: dict[str, float] = Field(title="待审核报告未计入的数(合计)")
    missing: list[str]
    city_findings: list[LossFindingOut]


class OfficerOut(Schema):
    id: int
    name: str
    phone: str
    region: str
    region_name: str
    role: str
    trained_on: dt.date | None
    certificate_no: str
    active: bool
    version: int

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


def _process(request, process_id: int, action: str = "view"):
    return get_restricted_or_404(
        selectors.visible_processes(request.user, action), request.user, action, pk=process_id
    )


def _finding(f) -> dict:
    return {"level": f.level, "field": f.field, "message": f.message}


@router.get("/disasters/processes", response=list[ProcessOut], summary="灾害过程")
def list_processes(
    request,
    response: HttpResponse,
    open: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_processes(request.user).prefetch_related("affected_regions")
    if open is not None:
        qs = qs.filter(ended_at__isnull=open)
    return page(qs.order_by("-started_at", "pk"), response, limit, offset)


@router.post("/disasters/processes", response={201: ProcessOut}, summary="开启灾害过程")
def open_process(request, payload: ProcessIn):
    return Status(201, services.do_open_process(actor=request.user, data=payload))


@router.get("/disasters/processes/{process_id}", response=ProcessOut, summary="单个灾害过程")
def get_process(request, process_id: int):
    return _process(request, process_id)


@router.post(
    "/disasters/processes/{process_id}/close",
    response=ProcessOut,
    summary="结束灾害过程(灾情稳定)",
)
def close_process(request, process_id: int, payload: CloseProcessIn):
    process = _process(request, process_id, "change")
    return services.do_close_process(actor=request.user, process=process, data=payload)


def _rollup_row(row) -> dict:
    return {
        "region": row["region"].code,
        "region_name": row["region"].name,
        "status": row["status"],
        "report": row["report"].pk if row["report"] else None,
        "children": row["children"],
        "figures": {k: float(v) for k, v in row["figures"].items()},
        "pending": [r.pk for r in row["pending"]],
        "gap": {k: float(v) for k, v in row["gap"].items()},
        "findings": [_finding(f) for f in row["findings"]],
    }


@router.get(
    "/disasters/processes/{process_id}/rollup",
    response=RollupOut,
    summary="逐级汇总(只计已审核的报告;待审核的列出未计入的数)",
)
def rollup(request, process_id: int):
    process = _process(request, process_id)
    data = selectors.rollup(process, request.user)
    return {
        "process": process.pk,
        "rows": [_rollup_row(row) for row in data["rows"]],
        "total": {k: float(v) for k, v in data["total_figures"].items()},
        "gap": {k: float(v) for k, v in data["gap_total"].items()},
        "missing": [r.code for r in data["missing"]],
        "city_findings": [_finding(f) for f in data["city_findings"]],
    }


@router.post(
    "/disasters/processes/{process_id}/reports",
    response={201: LossReportOut},
    summary="报送灾情(初报/续报/核报或更正)",
    description="逻辑错误返回 400 及各项错误;有核查提示而未填 warning_reason 亦返回 400。报告报送后不可修改。",
)
def submit_report(request, process_id: int, payload: LossReportIn):
    process = _process(request, process_id)
    report = services.do_submit_loss_report(
        actor=request.user, process=process, data=payload, source="api"
    )
    return Status(201, report)


@router.post("/disasters/quick-reports", response={201: LossReportOut}, summary="信息员首报")
def quick_report(request, payload: QuickReportIn):
    return Status(201, services.do_submit_quick_report(actor=request.user, data=payload))


@router.get("/disasters/reports", response=list[LossReportOut], summary="灾情报告")
def list_reports(
    request,
    response: HttpResponse,
    process: int | None = None,
    region: str | None = None,
    kind: str | None = None,
    late: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_reports(request.user)
    if process is not None:
        qs = qs.filter(process_id=process)
    if region:
        qs = qs.filter(region__code=region)
    if kind:
        qs = qs.filter(kind=kind)
    if late is not None:
        qs = qs.filter(is_late=late)
    return page(qs.order_by("-submitted_at", "-pk"), response, limit, offset)


def _report(request, report_id: int):
    return get_restricted_or_404(
        selectors.visible_reports(request.user), request.user, pk=report_id
    )


@router.get("/disasters/reports/{report_id}", response=LossReportOut, summary="单个灾情报告")
def get_report(request, report_id: int):
    return _report(request, report_id)


@router.post(
    "/disasters/reports/{report_id}/confirm", response=LossReportOut, summary="审核灾情报告(上一级)"
)
def confirm_report(request, report_id: int, payload: ConfirmIn):
    report = _report(request, report_id)
    return services.do_confirm_loss_report(actor=request.user, report=report, data=payload)


@router.get("/disasters/officers", response=list[OfficerOut], summary="灾害信息员")
def list_officers(
    request,
    response: HttpResponse,
    region: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_officers(request.user)
    if region:
        qs = qs.filter(region__path__contains=f"/{region}/")
    return page(qs.order_by("region__code", "role", "pk"), response, limit, offset)


@router.post("/disasters/officers", response={201: OfficerOut}, summary="登记灾害信息员")
def register_officer(request, payload: OfficerIn):
    return Status(201, services.do_register_officer(actor=request.user, data=payload))


class QuakeRowOut(Schema):
    code: str
    name: str
    distance_km: float
    upper: float
    lower: float
    degree: int
    roman: str


@router.get(
    "/disasters/quake-estimate",
    response=list[QuakeRowOut],
    summary="地震烈度快速估算(各县区,由高到低)",
    description="GB 18306-2015 或汪素云等(2000)椭圆衰减关系;断层走向未知时 upper/lower 为长轴/短轴值。",
)
def quake_estimate(request, params: Query[QuakeIn]):
    check_rule(request.user, "disasters.open")
    return selectors.quake_estimate(params)


class QuakeTownshipOut(Schema):
    code: str
    name: str
    county: str
    county_name: str
    basis: str = Field(description="seat: 按驻地坐标; county: 无驻地坐标, 取所属县区范围的上下限")
    distance_km: float | None
    upper: float
    lower: float
    degree: int
    low_degree: int
    roman: str
    population: int | None = Field(description="乡镇常住人口;平台无数据时为空")


@router.get(
    "/disasters/quake-estimate/townships",
    response=list[QuakeTownshipOut],
    summary="地震烈度快速估算(各乡镇街道,按县区分组)",
    description="有驻地坐标的乡镇按驻地估算;没有的给出所属县区范围内的上限(长轴)与下限(短轴)。",
)
def quake_estimate_townships(request, params: Query[QuakeIn]):
    check_rule(request.user, "disasters.open")
    return selectors.township_estimate(params)


class ExposureOut(Schema):
    degree: int
    roman: str
    upper: int
    lower: int
    at_least: int


class QuakeEstimateOut(Schema):
    id: int
    occurred_at: dt.datetime
    place: str
    lon: float
    lat: float
    magnitude: float
    depth: float
    strike: float | None
    model: str
    rows: list[dict]
    townships: list[dict]
    township_note: str
    exposure: list[ExposureOut]
    population_missing: list[str]
    population_source: str
    suggested_level: str
    suggested_label: str
    reasons: list[str]
    event: str | None
    version: int

    @staticmethod
    def resolve_exposure(obj):
        return obj.exposure.get("by_degree", [])

    @staticmethod
    def resolve_population_missing(obj):
        return obj.exposure.get("missing", [])

    @staticmethod
    def resolve_event(obj):
        return obj.event.number if obj.event_id else None


@router.get(
    "/disasters/quake-estimates",
    response=list[QuakeEstimateOut],
    summary="已保存的地震烈度估算",
)
def quake_estimates(request, response: HttpResponse, limit: int = 50, offset: int = 0):
    check_rule(request.user, "disasters.open")
    qs = selectors.visible_quake_estimates(request.user)
    return page(qs.order_by("-occurred_at", "-pk"), response, limit, offset)


@router.post(
    "/disasters/quake-estimates",
    response={201: QuakeEstimateOut},
    summary="保存地震烈度估算(含暴露人口和建议响应级别)",
)
def record_quake_estimate(request, payload: QuakeRecordIn):
    return Status(201, services.do_record_quake_estimate(actor=request.user, data=payload))


def _estimate(request, estimate_id: int, action: str = "view"):
    check_rule(request.user, "disasters.open")
    return get_restricted_or_404(
        selectors.visible_quake_estimates(request.user, action),
        request.user,
        action,
        pk=estimate_id,
    )


@router.get(
    "/disasters/quake-estimates/{estimate_id}",
    response=QuakeEstimateOut,
    summary="单个地震烈度估算",
)
def quake_estimate_detail(request, estimate_id: int):
    return _estimate(request, estimate_id)


class EventRefOut(Schema):
    id: int
    number: str
    title: str


@router.post(
    "/disasters/quake-estimates/{estimate_id}/event",
    response={201: EventRefOut},
    summary="由估算启动突发事件(应急响应接报,地震灾害)",
)
def start_quake_event(request, estimate_id: int, payload: QuakeEventIn):
    estimate = _estimate(request, estimate_id, "change")
    event = services.do_start_quake_event(actor=request.user, estimate=estimate, data=payload)
    return Status(201, event)


@router.post(
    "/disasters/processes/{process_id}/event",
    response=ProcessOut,
    summary="灾害过程关联突发事件(按事件编号)",
)
def link_event(request, process_id: int, payload: LinkEventIn):
    process = _process(request, process_id, "change")
    return services.do_link_process_event(actor=request.user, process=process, data=payload)


class ReleaseRefOut(Schema):
    id: int
    event: str
    state: str
    title: str
    content: str

    @staticmethod
    def resolve_event(obj):
        return obj.event.number


@router.post(
    "/disasters/processes/{process_id}/releases",
    response={201: ReleaseRefOut},
    summary="起草灾情信息发布稿(已审核的汇总数,经应急响应一口发布审核审批)",
)
def draft_release(request, process_id: int, payload: FiguresReleaseIn):
    process = _process(request, process_id)
    release = services.do_draft_figures_release(actor=request.user, process=process, data=payload)
    return Status(201, release)


class ReliefOut(Schema):
    id: int
    kind: str
    process: int | None
    region: str
    region_name: str
    head_name: str
    persons: int
    amount: float
    paid_on: dt.date | None
    note: str
    version: int

    @staticmethod
    def resolve_process(obj):
        return obj.process_id

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


@router.get("/disasters/relief", response=list[ReliefOut], summary="救助记录")
def list_relief(
    request,
    response: HttpResponse,
    process: int | None = None,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_relief(request.user)
    if process is not None:
        qs = qs.filter(process_id=process)
    if kind:
        qs = qs.filter(kind=kind)
    return page(qs.order_by("-pk"), response, limit, offset)


@router.post("/disasters/relief", response={201: ReliefOut}, summary="登记救助(一户)")
def record_relief(request, payload: ReliefIn):
    return Status(201, services.do_record_relief(actor=request.user, data=payload))


class ReliefFundOut(Schema):
    id: int
    process: int | None
    year: int
    purpose: str
    source: str
    from_region: str | None
    to_region: str
    to_region_name: str
    amount: float
    document_no: str
    on: dt.date
    note: str
    version: int

    @staticmethod
    def resolve_process(obj):
        return obj.process_id

    @staticmethod
    def resolve_from_region(obj):
        return obj.from_region.code if obj.from_region_id else None

    @staticmethod
    def resolve_to_region(obj):
        return obj.to_region.code

    @staticmethod
    def resolve_to_region_name(obj):
        return obj.to_region.name


@router.get("/disasters/relief-funds", response=list[ReliefFundOut], summary="救灾资金(接收与下拨)")
def list_relief_funds(
    request,
    response: HttpResponse,
    process: int | None = None,
    year: int | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    from .relief import visible_funds

    qs = visible_funds(request.user)
    if process is not None:
        qs = qs.filter(process_id=process)
    if year is not None:
        qs = qs.filter(year=year)
    return page(qs.order_by("-pk"), response, limit, offset)


@router.post(
    "/disasters/relief-funds",
    response={201: ReliefFundOut},
    summary="登记救灾资金(上级下达或逐级下拨;下拨不得超过本级接收)",
)
def record_relief_fund(request, payload: ReliefFundIn):
    from .relief import do_record_relief_fund

    return Status(201, do_record_relief_fund(actor=request.user, data=payload))


class ReliefSupplyOut(Schema):
    id: int
    process: int
    region: str
    region_name: str
    item_name: str
    unit: str
    quantity: float
    distributed_on: dt.date
    movement_ref: int | None
    source_site: str
    document_no: str
    note: str
    version: int

    @staticmethod
    def resolve_process(obj):
        return obj.process_id

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


@router.get("/disasters/relief-supplies", response=list[ReliefSupplyOut], summary="救灾物资发放")
def list_relief_supplies(
    request,
    response: HttpResponse,
    process: int | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    from .relief import visible_supplies

    qs = visible_supplies(request.user)
    if process is not None:
        qs = qs.filter(process_id=process)
    return page(qs.order_by("-pk"), response, limit, offset)


@router.post(
    "/disasters/relief-supplies",
    response={201: ReliefSupplyOut},
    summary="登记救灾物资发放(选应急资源出库记录或手工填写)",
)
def record_relief_supply(request, payload: ReliefSupplyIn):
    from .relief import do_record_relief_supply

    return Status(201, do_record_relief_supply(actor=request.user, data=payload))


class CasualtyOut(Schema):
    id: int
    process: int
    region: str
    region_name: str
    name: str
    sex: str
    age: int
    id_number: str = Field(title="身份证号(非报送单位、市局为部分隐藏)")
    residence: str | None
    state: str
    occurred_on: dt.date
    cause: str
    supersedes: int | None
    is_current: bool
    version: int

    @staticmethod
    def resolve_process(obj):
        return obj.process_id

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_id_number(obj):
        return obj.shown_id

    @staticmethod
    def resolve_residence(obj):
        return obj.residence.code if obj.residence_id else None

    @staticmethod
    def resolve_supersedes(obj):
        return obj.supersedes_id


def _shown(user, person):
    person.shown_id = id_number_for(user)(person)
    return person


@router.get("/disasters/casualties", response=list[CasualtyOut], summary="死亡失踪人员名单")
def list_casualties(
    request,
    response: HttpResponse,
    process: int | None = None,
    current: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_casualties(request.user)
    if process is not None:
        qs = qs.filter(process_id=process)
    if current is not None:
        qs = qs.filter(is_current=current)
    rows = list(page(qs.order_by("region__code", "pk"), response, limit, offset))
    show = id_number_for(request.user)
    for person in rows:
        person.shown_id = show(person)
    return rows


@router.post("/disasters/casualties", response={201: CasualtyOut}, summary="登记死亡失踪人员")
def record_casualty(request, payload: CasualtyIn):
    person = services.do_record_casualty(actor=request.user, data=payload)
    return Status(201, _shown(request.user, person))


@router.post(
    "/disasters/casualties/{casualty_id}/change",
    response={201: CasualtyOut},
    summary="变更死亡失踪人员状态(失踪→死亡/已找到,新版本)",
)
def change_casualty(request, casualty_id: int, payload: CasualtyChangeIn):
    person = get_restricted_or_404(
        selectors.visible_casualties(request.user, "change"),
        request.user,
        "change",
        pk=casualty_id,
    )
    new = services.do_change_casualty_state(actor=request.user, person=person, data=payload)
    return Status(201, _shown(request.user, new))


@router.get(
    "/disasters/processes/{process_id}/counties/{code}/rollup",
    response=RollupOut,
    summary="县区的乡镇汇总(只计县区已审核的乡镇报告;市局看全部县区,县区看本县区)",
)
def county_rollup(request, process_id: int, code: str):
    from django.http import Http404

    from yingji.core.permissions import scope_of
    from yingji.geo.models import Region

    from .permissions import may_see_county

    process = _process(request, process_id)
    county = Region.objects.filter(code=code, level="county").first()
    if county is None or not may_see_county(scope_of(request.user), county):
        raise Http404
    data = selectors.county_rollup(process, request.user, county)
    return {
        "process": process.pk,
        "rows": [_rollup_row(row) for row in data["rows"]],
        "total": {k: float(v) for k, v in data["total_figures"].items()},
        "gap": {k: float(v) for k, v in data["gap"].items()},
        "missing": [r.code for r in data["silent"]],
        "city_findings": [_finding(f) for f in data["county"]["findings"]],
    }


# --- 综合减灾示范社区 (T54) -------------------------------------------------------------------


class CommunityOut(Schema):
    id: int
    region: str
    region_name: str
    level: str
    level_label: str
    year: int
    status: str
    status_label: str
    households: int | None
    contact: str
    lon: float | None
    lat: float | None
    summary: str
    conditions: dict
    self_scores: dict
    self_total: int
    county_scores: dict
    county_total: int | None
    county_opinion: str
    city_opinion: str
    named_on: dt.date | None
    naming_doc: str
    rechecked_on: dt.date | None
    revoked_reason: str
    version: int

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class CommunityInspectionOut(Schema):
    id: int
    community: int
    visited_on: dt.date
    inspectors: str
    findings: str
    result: str
    rectify_by: dt.date | None
    in_window: bool
    version: int

    @staticmethod
    def resolve_community(obj):
        return obj.community_id


def _community(request, community_id: int, action: str = "view"):
    return get_restricted_or_404(
        selectors.visible_communities(request.user), request.user, action, pk=community_id
    )


class EvidenceFileOut(Schema):
    id: int
    name: str
    size: int
    url: str


class CommunityEvidenceOut(Schema):
    criterion: str
    label: str
    note: str
    files: list[EvidenceFileOut]


@router.get(
    "/disasters/communities/{community_id}/evidence",
    response=list[CommunityEvidenceOut],
    summary="示范社区自评的佐证材料(逐项)",
)
def community_evidence(request, community_id: int):
    from django.urls import reverse

    community = _community(request, community_id)
    return [
        {
            "criterion": code,
            "label": item["row"].label,
            "note": item["note"],
            "files": [
                {
                    "id": a.pk,
                    "name": a.original_name,
                    "size": a.size,
                    "url": reverse("core:attachment", args=[a.pk]),
                }
                for a in item["files"]
            ],
        }
        for code, item in sorted(selectors.community_evidence(request.user, community).items())
    ]


@router.get("/disasters/communities", response=list[CommunityOut], summary="综合减灾示范社区申报")
def list_communities(
    request,
    response: HttpResponse,
    status: str | None = None,
    level: str | None = None,
    year: int | None = None,
    county: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_communities(request.user)
    for field, value in (("status", status), ("level", level), ("year", year)):
        if value is not None and value != "":
            qs = qs.filter(**{field: value})
    if county:
        qs = qs.filter(region__path__contains=f"/{county}/")
    return page(qs.order_by("-year", "region__code", "pk"), response, limit, offset)


@router.post(
    "/disasters/communities", response={201: CommunityOut}, summary="申报综合减灾示范社区(自评)"
)
def apply_community(request, payload: CommunityApplyIn):
    return Status(201, services.do_apply_demo_community(actor=request.user, data=payload))


@router.get(
    "/disasters/communities/{community_id}", response=CommunityOut, summary="单个示范社区申报"
)
def get_community(request, community_id: int):
    return _community(request, community_id)


@router.post(
    "/disasters/communities/{community_id}/resubmit",
    response=CommunityOut,
    summary="退回后重新申报",
)
def resubmit_community(request, community_id: int, payload: CommunityResubmitIn):
    community = _community(request, community_id, "add")
    return services.do_resubmit_demo_community(
        actor=request.user, community=community, data=payload
    )


@router.post(
    "/disasters/communities/{community_id}/county-review",
    response=CommunityOut,
    summary="县区初审(评分,通过或退回)",
)
def review_community_county(request, community_id: int, payload: CommunityCountyReviewIn):
    community = _community(request, community_id, "approve")
    return services.do_review_demo_community_county(
        actor=request.user, community=community, data=payload
    )


@router.post(
    "/disasters/communities/{community_id}/city-review",
    response=CommunityOut,
    summary="市级评审(命名或不通过)",
)
def review_community_city(request, community_id: int, payload: CommunityCityReviewIn):
    community = _community(request, community_id, "change")
    return services.do_review_demo_community_city(
        actor=request.user, community=community, data=payload
    )


@router.post(
    "/disasters/communities/{community_id}/recheck",
    response=CommunityOut,
    summary="复核(保留或撤销命名)",
)
def recheck_community(request, community_id: int, payload: CommunityRecheckIn):
    community = _community(request, community_id, "change")
    return services.do_recheck_demo_community(actor=request.user, community=community, data=payload)


@router.get(
    "/disasters/communities/{community_id}/inspections",
    response=list[CommunityInspectionOut],
    summary="示范社区督查记录",
)
def list_inspections(request, community_id: int):
    community = _community(request, community_id)
    return selectors.visible_inspections(request.user).filter(community=community)


@router.post(
    "/disasters/communities/{community_id}/inspections",
    response={201: CommunityInspectionOut},
    summary="登记督查(10-12月)",
)
def inspect_community(request, community_id: int, payload: CommunityInspectionIn):
    community = _community(request, community_id)
    return Status(
        201,
        services.do_record_community_inspection(
            actor=request.user, community=community, data=payload
        ),
    )


@router.get(
    "/disasters/communities-geojson",
    response=FeatureCollection,
    summary="已命名的综合减灾示范社区(地图图层)",
)
def communities_geojson(request, level: str | None = None):
    from yingji.geo.spatial import cached_layer

    check_rule(request.user, "disasters.open")
    return cached_layer(
        "disasters.communities",
        request,
        {"level": level},
        selectors.community_layer_models(),
        lambda: {
            "type": "FeatureCollection",
            "features": selectors.named_community_features(request.user, {"level": level}),
        },
    )


@router.get(
    "/disasters/officer-coverage-geojson",
    response=FeatureCollection,
    summary="灾害信息员覆盖(地图图层,按县区)",
)
def officer_coverage_geojson(request, district: str | None = None):
    from yingji.geo.spatial import cached_layer

    check_rule(request.user, "disasters.view_coverage")
    return cached_layer(
        "disasters.officer_coverage",
        request,
        {"district": district},
        selectors.coverage_layer_models(),
        lambda: {
            "type": "FeatureCollection",
            "features": selectors.coverage_features(request.user, district),
        },
    )
