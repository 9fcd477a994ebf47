"""隐患排查治理 in the API: the same services, schemas and restrict() as the pages. Evidence files
go as multipart form data; everything else as JSON."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import File, Form, Router
from ninja.files import UploadedFile

from yingji.core.api import page
from yingji.core.errors import NotPermitted
from yingji.core.permissions import get_restricted_or_404
from yingji.core.schemas import FeatureCollection
from yingji.enterprises.selectors import visible_enterprises
from yingji.geo.spatial import cached_layer

from . import selectors, services
from .schemas import (
    AssessmentIn,
    GradeIn,
    HazardIn,
    HazardOut,
    HazardReasonIn,
    HazardReopenIn,
    HazardReturnGenerateIn,
    HazardReturnOut,
    HazardReturnSubmitIn,
    HazardSampleIn,
    MajorReportIn,
    ProductionStatusIn,
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


@router.get(
    "/hazards/returns", response=list[HazardReturnOut], summary="隐患排查治理统计分析表(按权限)"
)
def list_returns(
    request,
    response: HttpResponse,
    kind: str | None = None,
    year: int | None = None,
    quarter: int | None = None,
    state: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_returns(request.user)
    for field, value in (("kind", kind), ("year", year), ("quarter", quarter), ("state", state)):
        if value is not None and value != "":
            qs = qs.filter(**{field: value})
    return page(qs.order_by("-year", "-quarter", "pk"), response, limit, offset)


@router.post(
    "/hazards/returns", response=HazardReturnOut, summary="生成统计分析表(企业,按本单位台账)"
)
def generate_return(request, payload: HazardReturnGenerateIn):
    own = selectors.own_enterprises(request.user)
    enterprise = (
        get_restricted_or_404(own, request.user, pk=payload.enterprise_id)
        if payload.enterprise_id
        else own.first()
    )
    if enterprise is None:
        raise NotPermitted("统计分析表由企业自行生成和报送。")
    return services.do_generate_hazard_return(
        actor=request.user,
        enterprise=enterprise,
        kind=payload.kind,
        year=payload.year,
        quarter=payload.quarter,
    )


def _return(request, return_id):
    return get_restricted_or_404(
        selectors.visible_returns(request.user), request.user, pk=return_id
    )


@router.get("/hazards/returns/{return_id}", response=HazardReturnOut, summary="单份统计分析表")
def get_return(request, return_id: int):
    return _return(request, return_id)


@router.post(
    "/hazards/returns/{return_id}/submit",
    response=HazardReturnOut,
    summary="报送统计分析表(主要负责人签字)",
)
def submit_return(request, return_id: int, payload: HazardReturnSubmitIn):
    return services.do_submit_hazard_return(
        actor=request.user,
        hazard_return=_return(request, return_id),
        signed_by=payload.signed_by,
        analysis=payload.analysis,
        expected_version=payload.version,
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
        criterion_code=payload.criterion_code,
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


@router.post(
    "/hazards/{hazard_id}/report",
    response=HazardOut,
    summary="报送重大隐患报告(现状及原因、危害和整改难度分析、经主要负责人批准的治理方案)",
)
def report(request, hazard_id: int, payload: MajorReportIn):
    return services.do_report_major_hazard(
        actor=request.user,
        hazard=_hazard(request, hazard_id),
        situation=payload.situation,
        harm=payload.harm,
        plan=payload.plan_dict(),
        approver=payload.approver,
        approved_on=payload.approved_on,
        expected_version=payload.version,
    )


@router.post(
    "/hazards/{hazard_id}/production",
    response=HazardOut,
    summary="登记停产停业/部分停产(重大隐患)",
)
def production(request, hazard_id: int, payload: ProductionStatusIn):
    return services.do_set_production_status(
        actor=request.user,
        hazard=_hazard(request, hazard_id),
        status=payload.status,
        reason=payload.reason,
        expected_version=payload.version,
    )


@router.post(
    "/hazards/{hazard_id}/assessment",
    response=HazardOut,
    summary="登记治理情况评估(multipart,可附评估报告)",
)
def assessment(
    request,
    hazard_id: int,
    payload: Form[AssessmentIn],
    files: list[UploadedFile] = File(default=None),  # noqa: B008
):
    return services.do_record_assessment(
        actor=request.user,
        hazard=_hazard(request, hazard_id),
        assessor_kind=payload.assessor_kind,
        assessor=payload.assessor,
        conclusion=payload.conclusion,
        assessed_on=payload.assessed_on,
        files=files or [],
        expected_version=payload.version,
    )


@router.post("/hazards/{hazard_id}/reopen", response=HazardOut, summary="重新打开(监管部门)")
def reopen(request, hazard_id: int, payload: HazardReopenIn):
    return services.do_reopen_hazard(
        actor=request.user,
        hazard=_hazard(request, hazard_id),
        reason=payload.reason,
        expected_version=payload.version,
    )


@router.post("/hazards/{hazard_id}/sample", response=HazardOut, summary="抽查已销号隐患")
def sample(request, hazard_id: int, payload: HazardSampleIn):
    return services.do_sample_hazard(
        actor=request.user,
        hazard=_hazard(request, hazard_id),
        passed=payload.passed,
        opinion=payload.opinion,
        expected_version=payload.version,
    )
