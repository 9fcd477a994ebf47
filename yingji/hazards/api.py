"""隐患排查治理 in the API: the same services, schemas and restrict() as the pages. Evidence files
go as multipart form data; everything else as JSON."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import File, Form, Router
from ninja.files import UploadedFile

from yingji.core.api import page
from yingji.core.permissions import get_restricted_or_404
from yingji.core.schemas import FeatureCollection
from yingji.enterprises.selectors import visible_enterprises
from yingji.geo.spatial import cached_layer

from . import selectors, services
from .schemas import (
    GradeIn,
    HazardIn,
    HazardOut,
    HazardReasonIn,
    QueuedHazardOut,
    RectificationIn,
    StartIn,
    StatsOut,
    SuperviseIn,
    VerifyIn,
)

router = Router(tags=["隐患排查治理"])


@router.get("/hazards", response=list[HazardOut], summary="隐患(按权限)")
def list_hazards(
    request,
    state: str | None = None,
    level: str | None = None,
    region: str | None = None,
    overdue: bool = False,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    qs = selectors.visible_hazards(request.user).select_related("repeat_of")
    if state:
        qs = qs.filter(state=state)
    if level:
        qs = qs.filter(level=level)
    if region:
        qs = qs.filter(region__path__contains=f"/{region}/")
    if overdue:
        qs = qs.filter(selectors.overdue_q())
    return page(qs, response, limit, offset)


@router.get(
    "/hazards/queue",
    response=list[QueuedHazardOut],
    summary="一责三排工作队列(优先度及得分构成)",
)
def ranked(
    request,
    response: HttpResponse,
    region: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    rows = page(selectors.ranked_queue(request.user, region_code=region), response, limit, offset)
    for hazard, score in rows:
        hazard.priority, hazard.terms = score.total, score.terms
    return [hazard for hazard, _ in rows]


@router.get("/hazards/stats", response=StatsOut, summary="隐患统计")
def stats(request):
    return selectors.statistics(request.user)


@router.get(
    "/hazards/geojson", response=FeatureCollection, summary="未销号隐患图层(GeoJSON,风险图叠加)"
)
def geojson(
    request,
    sector: str | None = None,
    tier: str | None = None,
    district: str | None = None,
    colour: str | None = None,
):
    """Open hazards as points (the enterprise's coordinates, or the hazard's own for a public
    place); 重大 ones carry ``major`` and are drawn distinctly. Same filters as the risk map."""
    filters = {"sector": sector, "tier": tier, "district": district, "colour": colour}
    return cached_layer(
        "hazards.open",
        request,
        filters,
        selectors.layer_models(),
        lambda: selectors.open_hazard_features(request.user, filters),
    )


def _hazard(request, hazard_id):
    return get_restricted_or_404(
        selectors.visible_hazards(request.user), request.user, pk=hazard_id
    )


@router.get("/hazards/{hazard_id}", response=HazardOut, summary="单个隐患")
def get_hazard(request, hazard_id: int):
    return _hazard(request, hazard_id)


@router.post("/hazards", response=HazardOut, summary="登记隐患")
def register(request, payload: HazardIn):
    enterprise = None
    if payload.enterprise_id:
        enterprise = get_restricted_or_404(
            visible_enterprises(request.user), request.user, pk=payload.enterprise_id
        )
    return services.do_register_hazard(
        actor=request.user,
        enterprise=enterprise,
        region=selectors.region_by_code(payload.region),
        **payload.service_kwargs(),
    )


@router.post("/hazards/{hazard_id}/grade", response=HazardOut, summary="定级")
def grade(request, hazard_id: int, payload: GradeIn):
    return services.do_grade_hazard(
        actor=request.user,
        hazard=_hazard(request, hazard_id),
        level=payload.level,
        criteria=payload.criteria,
        deadline_workdays=payload.deadline_workdays,
        expected_version=payload.version,
    )


@router.post(
    "/hazards/{hazard_id}/start",
    response=HazardOut,
    summary="开始整改(重大隐患须附治理方案)",
)
def start(request, hazard_id: int, payload: StartIn):
    return services.do_start_rectification(
        actor=request.user,
        hazard=_hazard(request, hazard_id),
        plan=payload.plan_dict(),
        expected_version=payload.version,
    )


@router.post(
    "/hazards/{hazard_id}/rectification",
    response=HazardOut,
    summary="提交整改(multipart,附佐证)",
)
def submit(
    request,
    hazard_id: int,
    payload: Form[RectificationIn],
    evidence: list[UploadedFile] = File(...),  # noqa: B008
):
    hazard = _hazard(request, hazard_id)
    fn = (
        services.do_rectify_on_the_spot if payload.on_the_spot else services.do_submit_rectification
    )
    return fn(
        actor=request.user,
        hazard=hazard,
        rectification=payload.rectification,
        evidence=evidence,
        expected_version=payload.version,
    )


@router.post(
    "/hazards/{hazard_id}/verify",
    response=HazardOut,
    summary="验收:通过则销号,不通过退回整改",
)
def verify(request, hazard_id: int, payload: VerifyIn):
    return services.do_verify_hazard(
        actor=request.user,
        hazard=_hazard(request, hazard_id),
        passed=payload.passed,
        opinion=payload.opinion,
        expected_version=payload.version,
    )


@router.post("/hazards/{hazard_id}/supervise", response=HazardOut, summary="挂牌督办(重大隐患)")
def supervise(request, hazard_id: int, payload: SuperviseIn):
    return services.do_supervise_hazard(
        actor=request.user,
        hazard=_hazard(request, hazard_id),
        supervisor=selectors.organisation_by_code(payload.supervisor),
        until=payload.until,
        expected_version=payload.version,
    )


@router.post("/hazards/{hazard_id}/void", response=HazardOut, summary="作废(须写明原因)")
def void(request, hazard_id: int, payload: HazardReasonIn):
    return services.do_void_hazard(
        actor=request.user,
        hazard=_hazard(request, hazard_id),
        reason=payload.reason,
        expected_version=payload.version,
    )
