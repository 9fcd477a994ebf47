"""Enterprise registry API (same permissions and services as the web pages)."""

from __future__ import annotations

import datetime

from ninja import File, Router, Schema
from ninja.files import UploadedFile

from yingji.core.permissions import get_restricted_or_404

from . import importing, services
from .models import Enterprise, EnterpriseImport, SafetyQuestionnaire
from .selectors import enterprise_summary, insurance_gaps, visible_enterprises

router = Router(tags=["企业档案"])


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    sector: str
    sector_label: str
    scale: str
    scale_label: str
    employees: int
    status: str
    status_label: str
    tier: str
    tier_label: str
    region_code: str
    region_name: str
    lon: float | None
    lat: float | None
    major_hazard_grade: str
    is_demo: bool
    url: str


class EnterpriseDetailOut(EnterpriseOut):
    legal_representative: str
    principal: str
    principal_phone: str
    safety_contact: str
    safety_phone: str
    address: str
    coord_source: str
    tier_reason: str
    tier_overridden: bool
    tier_override_reason: str
    status_reason: str
    version: int


def detail_out(ent: Enterprise) -> dict:
    return {
        **enterprise_summary(ent),
        "legal_representative": ent.legal_representative,
        "principal": ent.principal,
        "principal_phone": ent.principal_phone,
        "safety_contact": ent.safety_contact,
        "safety_phone": ent.safety_phone,
        "address": ent.address,
        "coord_source": ent.coord_source,
        "tier_reason": ent.tier_reason,
        "tier_overridden": ent.tier_overridden,
        "tier_override_reason": ent.tier_override_reason,
        "status_reason": ent.status_reason,
        "version": ent.version,
    }


def _get(request, pk, action="view") -> Enterprise:
    return get_restricted_or_404(
        Enterprise.objects.select_related("organisation", "region"), request.user, action, pk=pk
    )


@router.get("/enterprises", response=list[EnterpriseOut], summary="生产经营单位(按权限过滤)")
def list_enterprises(
    request,
    sector: str | None = None,
    tier: str | None = None,
    status: str | None = None,
    region: str | None = None,
    q: str | None = None,
    limit: int = 500,
    offset: int = 0,
):
    qs = visible_enterprises(request.user)
    if sector:
        qs = qs.filter(sector=sector)
    if tier:
        qs = qs.filter(tier=tier)
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(region__code=region)
    if q:
        qs = qs.filter(organisation__name__contains=q)
    qs = qs.order_by("organisation__name")[
        max(0, offset) : max(0, offset) + max(1, min(limit, 2000))
    ]
    return [enterprise_summary(e) for e in qs]


class EnterpriseIn(Schema):
    name: str
    uscc: str
    region: str
    sector: str
    lon: float
    lat: float
    coord_system: str = "wgs84"
    scale: str | None = None
    employees: int | None = None
    status: str | None = None
    legal_representative: str | None = None
    principal: str | None = None
    principal_phone: str | None = None
    safety_contact: str | None = None
    safety_phone: str | None = None
    address: str | None = None


@router.post(
    "/enterprises",
    response={201: EnterpriseDetailOut},
    summary="登记生产经营单位(统一社会信用代码校验;坐标转WGS84并核对所在县区)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "example": {
                        "name": "兰州示例化工有限公司",
                        "uscc": "91350100M000100Y43",
                        "region": "620104",
                        "sector": "hazchem_storage",
                        "lon": 103.63,
                        "lat": 36.09,
                        "coord_system": "gcj02",
                        "scale": "medium",
                        "employees": 120,
                    }
                }
            }
        }
    },
)
def register_enterprise(request, payload: EnterpriseIn):
    ent = services.do_register_enterprise(actor=request.user, data=payload.dict(exclude_none=True))
    return 201, detail_out(_get(request, ent.pk, "add"))


@router.get("/enterprises/insurance-gaps", summary="安责险:高危行业未投保与60天内到期未续保")
def insurance_gaps_api(request, days: int = 60):
    missing, expiring = insurance_gaps(request.user, days=max(1, min(days, 366)))
    return {
        "missing": [enterprise_summary(e) for e in missing],
        "expiring": [
            {
                "enterprise": enterprise_summary(p.enterprise),
                "insurer": p.insurer,
                "policy_number": p.policy_number,
                "ends_on": p.ends_on,
            }
            for p in expiring.select_related("enterprise__region")
        ],
    }


@router.get("/enterprises/{int:ent_id}", response=EnterpriseDetailOut, summary="单个生产经营单位")
def get_enterprise(request, ent_id: int):
    return detail_out(_get(request, ent_id))


class EnterpriseUpdateIn(Schema):
    version: int
    region: str | None = None
    lon: float | None = None
    lat: float | None = None
    coord_system: str | None = None
    sector: str | None = None
    scale: str | None = None
    employees: int | None = None
    legal_representative: str | None = None
    principal: str | None = None
    principal_phone: str | None = None
    safety_contact: str | None = None
    safety_phone: str | None = None
    address: str | None = None


@router.patch(
    "/enterprises/{int:ent_id}",
    response=EnterpriseDetailOut,
    summary="修改档案(带版本号,冲突返回409)",
)
def update_enterprise(request, ent_id: int, payload: EnterpriseUpdateIn):
    ent = _get(request, ent_id)
    data = payload.dict(exclude_none=True)
    version = data.pop("version")
    services.do_update_enterprise(
        actor=request.user, enterprise=ent, data=data, expected_version=version
    )
    return detail_out(_get(request, ent_id))


class StatusIn(Schema):
    status: str
    reason: str
    version: int


@router.post(
    "/enterprises/{int:ent_id}/status", response=EnterpriseDetailOut, summary="变更经营状态"
)
def change_status(request, ent_id: int, payload: StatusIn):
    ent = _get(request, ent_id)
    services.do_change_enterprise_status(
        actor=request.user,
        enterprise=ent,
        status=payload.status,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return detail_out(_get(request, ent_id))


class TierIn(Schema):
    tier: str | None = None
    reason: str = ""
    version: int


@router.post("/enterprises/{int:ent_id}/tier", summary="人工调整监管层级(tier 为空:恢复按规则)")
def override_tier(request, ent_id: int, payload: TierIn):
    ent = _get(request, ent_id)
    ent = services.do_override_tier(
        actor=request.user,
        enterprise=ent,
        tier=payload.tier,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return {"id": ent.pk, "tier": ent.tier, "tier_reason": ent.tier_reason, "version": ent.version}


class LicenceIn(Schema):
    kind: str
    number: str
    issuer: str = ""
    valid_from: datetime.date | None = None
    valid_until: datetime.date


@router.post("/enterprises/{int:ent_id}/licences", response={201: dict}, summary="登记证照")
def add_licence(request, ent_id: int, payload: LicenceIn):
    lic = services.do_add_licence(
        actor=request.user, enterprise=_get(request, ent_id), data=payload.dict()
    )
    return 201, {
        "id": lic.pk,
        "kind": lic.kind,
        "number": lic.number,
        "valid_until": lic.valid_until,
    }


class PolicyIn(Schema):
    policy_number: str
    insurer: str
    starts_on: datetime.date
    ends_on: datetime.date
    insured_amount: float
    insured_persons: int = 0


@router.post("/enterprises/{int:ent_id}/policies", response={201: dict}, summary="登记安责险保单")
def add_policy(request, ent_id: int, payload: PolicyIn):
    policy = services.do_add_policy(
        actor=request.user, enterprise=_get(request, ent_id), data=payload.dict()
    )
    return 201, {"id": policy.pk, "policy_number": policy.policy_number, "ends_on": policy.ends_on}


class ResponsibilityIn(Schema):
    position: str
    holder: str = ""
    duties: str


@router.post(
    "/enterprises/{int:ent_id}/responsibilities", response={201: dict}, summary="责任清单新增岗位"
)
def add_responsibility(request, ent_id: int, payload: ResponsibilityIn):
    item = services.do_add_responsibility(
        actor=request.user, enterprise=_get(request, ent_id), data=payload.dict()
    )
    return 201, {"id": item.pk, "position": item.position}


class QuestionnaireIn(Schema):
    year: int
    q_duties: str
    q_risks: str
    q_measures: str


class QuestionnaireOut(Schema):
    id: int
    year: int
    state: str
    q_duties: str
    q_risks: str
    q_measures: str
    review_comment: str
    version: int


@router.post(
    "/enterprises/{int:ent_id}/questionnaire",
    response=QuestionnaireOut,
    summary="企业用户提交安全三问",
)
def submit_questionnaire(request, ent_id: int, payload: QuestionnaireIn):
    data = payload.dict()
    return services.do_submit_questionnaire(
        actor=request.user, enterprise=_get(request, ent_id), year=data.pop("year"), answers=data
    )


class ReviewIn(Schema):
    approve: bool
    comment: str = ""
    version: int


@router.post(
    "/questionnaires/{int:q_id}/review", response=QuestionnaireOut, summary="监管部门审核安全三问"
)
def review_questionnaire(request, q_id: int, payload: ReviewIn):
    q = get_restricted_or_404(SafetyQuestionnaire.objects.all(), request.user, pk=q_id)
    return services.do_review_questionnaire(
        actor=request.user,
        questionnaire=q,
        approve=payload.approve,
        comment=payload.comment,
        expected_version=payload.version,
    )


class ImportOut(Schema):
    id: int
    state: str
    total_rows: int
    valid_rows: int
    duplicates: int
    errors: list[dict]
    result: dict


def import_out(batch: EnterpriseImport) -> dict:
    return {
        "id": batch.pk,
        "state": batch.state,
        "total_rows": batch.total_rows,
        "valid_rows": len(batch.rows),
        "duplicates": len(batch.duplicate_rows),
        "errors": batch.errors,
        "result": batch.result,
    }


@router.post(
    "/enterprises/import", response={201: ImportOut}, summary="上传Excel并逐行校验(不写入企业)"
)
def import_preview(request, file: File[UploadedFile]):
    batch = importing.do_preview_enterprise_import(actor=request.user, upload=file)
    return 201, import_out(batch)


class ImportApplyIn(Schema):
    mode: str  # "valid" | "nothing"
    merge_duplicates: bool = False


@router.post(
    "/enterprises/import/{int:batch_id}/apply",
    response=ImportOut,
    summary="导入有效行(mode=valid)或全部不导入(mode=nothing)",
)
def import_apply(request, batch_id: int, payload: ImportApplyIn):
    batch = get_restricted_or_404(EnterpriseImport.objects.all(), request.user, pk=batch_id)
    batch = importing.do_apply_enterprise_import(
        actor=request.user,
        batch=batch,
        mode=payload.mode,
        merge_duplicates=payload.merge_duplicates,
    )
    return import_out(batch)
