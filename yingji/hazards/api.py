"""隐患排查治理 in the API: the same services and restrict() as the pages. Evidence files go as
multipart form data; everything else as JSON."""

from __future__ import annotations

from datetime import date

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from yingji.core.permissions import get_restricted_or_404
from yingji.enterprises.selectors import visible_enterprises
from yingji.geo.models import Region
from yingji.orgs.models import Organisation

from . import selectors, services

router = Router(tags=["隐患排查治理"])


def hazard_out(h) -> dict:
    return {
        "id": h.pk,
        "code": h.code,
        "enterprise_id": h.enterprise_id,
        "subject": h.subject,
        "region": h.region.code,
        "lon": h.lon,
        "lat": h.lat,
        "source": h.source,
        "category": h.category,
        "description": h.description,
        "found_on": h.found_on,
        "level": h.level,
        "level_reason": h.level_reason,
        "criteria": h.criteria,
        "state": h.state,
        "state_label": h.get_state_display(),
        "deadline": h.deadline,
        "supervised": h.supervised,
        "repeat_of": h.repeat_of.code if h.repeat_of_id else None,
        "version": h.version,
    }


@router.get("/hazards", summary="隐患(按权限)")
def list_hazards(
    request,
    state: str | None = None,
    level: str | None = None,
    region: str | None = None,
    overdue: bool = False,
):
    qs = selectors.visible_hazards(request.user)
    if state:
        qs = qs.filter(state=state)
    if level:
        qs = qs.filter(level=level)
    if region:
        qs = qs.filter(region__path__contains=f"/{region}/")
    if overdue:
        qs = qs.filter(selectors.overdue_q())
    return [hazard_out(h) for h in qs[:2000]]


@router.get("/hazards/queue", summary="一责三排工作队列(优先度及得分构成)")
def ranked(request, region: str | None = None):
    return [
        {**hazard_out(h), "priority": s.total, "terms": s.terms}
        for h, s in selectors.ranked_queue(request.user, region_code=region)
    ]


@router.get("/hazards/stats", summary="隐患统计")
def stats(request):
    data = selectors.statistics(request.user)
    return data


@router.get("/hazards/geojson", summary="未销号隐患图层(GeoJSON,风险图叠加)")
def geojson(
    request,
    sector: str | None = None,
    tier: str | None = None,
    district: str | None = None,
    colour: str | None = None,
):
    """Open hazards as points (the enterprise's coordinates, or the hazard's own for a public
    place); 重大 ones carry ``major`` and are drawn distinctly. Same filters as the risk map."""
    return selectors.open_hazard_features(
        request.user, {"sector": sector, "tier": tier, "district": district, "colour": colour}
    )


@router.get("/hazards/{hazard_id}", summary="单个隐患")
def get_hazard(request, hazard_id: int):
    return hazard_out(
        get_restricted_or_404(selectors.visible_hazards(request.user), request.user, pk=hazard_id)
    )


class HazardIn(Schema):
    enterprise_id: int | None = None
    place: str = ""
    region: str | None = None
    lon: float | None = None
    lat: float | None = None
    source: str
    category: str
    description: str
    found_on: date
    location: str = ""
    finder: str = ""
    level: str = "general"
    criteria: list[int] = []
    people_exposed: int = 0


@router.post("/hazards", summary="登记隐患")
def register(request, payload: HazardIn):
    enterprise = None
    if payload.enterprise_id:
        enterprise = get_restricted_or_404(
            visible_enterprises(request.user), request.user, pk=payload.enterprise_id
        )
    region = Region.objects.filter(code=payload.region).first() if payload.region else None
    hazard = services.do_register_hazard(
        actor=request.user,
        enterprise=enterprise,
        place=payload.place,
        region=region,
        lon=payload.lon,
        lat=payload.lat,
        source=payload.source,
        category=payload.category,
        description=payload.description,
        found_on=payload.found_on,
        location=payload.location,
        finder=payload.finder,
        level=payload.level,
        criteria=payload.criteria,
        people_exposed=payload.people_exposed,
    )
    return hazard_out(hazard)


def _hazard(request, hazard_id):
    return get_restricted_or_404(
        selectors.visible_hazards(request.user), request.user, pk=hazard_id
    )


class GradeIn(Schema):
    level: str
    criteria: list[int] = []
    deadline_workdays: int | None = None
    version: int | None = None


@router.post("/hazards/{hazard_id}/grade", summary="定级")
def grade(request, hazard_id: int, payload: GradeIn):
    return hazard_out(
        services.do_grade_hazard(
            actor=request.user,
            hazard=_hazard(request, hazard_id),
            level=payload.level,
            criteria=payload.criteria,
            deadline_workdays=payload.deadline_workdays,
            expected_version=payload.version,
        )
    )


class PlanIn(Schema):
    plan: dict[str, str] = {}
    version: int | None = None


@router.post("/hazards/{hazard_id}/start", summary="开始整改(重大隐患须附治理方案)")
def start(request, hazard_id: int, payload: PlanIn):
    return hazard_out(
        services.do_start_rectification(
            actor=request.user,
            hazard=_hazard(request, hazard_id),
            plan=payload.plan,
            expected_version=payload.version,
        )
    )


@router.post("/hazards/{hazard_id}/rectification", summary="提交整改(multipart,附佐证)")
def submit(
    request,
    hazard_id: int,
    rectification: str = Form(...),
    on_the_spot: bool = Form(False),
    evidence: list[UploadedFile] = File(...),  # noqa: B008
):
    hazard = _hazard(request, hazard_id)
    fn = services.do_rectify_on_the_spot if on_the_spot else services.do_submit_rectification
    return hazard_out(
        fn(actor=request.user, hazard=hazard, rectification=rectification, evidence=evidence)
    )


class VerifyIn(Schema):
    passed: bool
    opinion: str
    version: int | None = None


@router.post("/hazards/{hazard_id}/verify", summary="验收:通过则销号,不通过退回整改")
def verify(request, hazard_id: int, payload: VerifyIn):
    return hazard_out(
        services.do_verify_hazard(
            actor=request.user,
            hazard=_hazard(request, hazard_id),
            passed=payload.passed,
            opinion=payload.opinion,
            expected_version=payload.version,
        )
    )


class SuperviseIn(Schema):
    supervisor: str  # organisation code
    until: date


@router.post("/hazards/{hazard_id}/supervise", summary="挂牌督办(重大隐患)")
def supervise(request, hazard_id: int, payload: SuperviseIn):
    return hazard_out(
        services.do_supervise_hazard(
            actor=request.user,
            hazard=_hazard(request, hazard_id),
            supervisor=Organisation.objects.filter(code=payload.supervisor).first(),
            until=payload.until,
        )
    )


class ReasonIn(Schema):
    reason: str


@router.post("/hazards/{hazard_id}/void", summary="作废(须写明原因)")
def void(request, hazard_id: int, payload: ReasonIn):
    return hazard_out(
        services.do_void_hazard(
            actor=request.user, hazard=_hazard(request, hazard_id), reason=payload.reason
        )
    )
