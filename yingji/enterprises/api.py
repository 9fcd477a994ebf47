"""Enterprise registry API (same permissions and services as the web pages; the input and
output schemas are in schemas.py)."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from yingji.core.api import page
from yingji.core.permissions import get_restricted_or_404
from yingji.core.textsearch import search as text_search

from . import importing, services
from .models import Enterprise, EnterpriseImport, Licence, ResponsibilityItem, SafetyQuestionnaire
from .schemas import (
    EnterpriseDetailOut,
    EnterpriseIn,
    EnterpriseOut,
    EnterpriseReasonIn,
    EnterpriseUpdateIn,
    ImportApplyIn,
    ImportOut,
    InsuranceGapsOut,
    LicenceIn,
    LicenceOut,
    PolicyIn,
    PolicyOut,
    QuestionnaireIn,
    QuestionnaireOut,
    QuestionnaireReviewIn,
    ResponsibilityIn,
    ResponsibilityOut,
    StatusIn,
    TierIn,
    TierOut,
    TierRuleIn,
    TierRuleOut,
)
from .selectors import insurance_gaps, tier_rule, visible_enterprises

router = Router(tags=["企业档案"])


def _get(request, pk, action="view") -> Enterprise:
    return get_restricted_or_404(
        Enterprise.objects.select_related("organisation", "region"), request.user, action, pk=pk
    )


MAX_OFFSET = 2**31 - 1  # beyond this a database cannot skip rows (a 500 before)


@router.get("/enterprises", response=list[EnterpriseOut], summary="生产经营单位(按权限过滤)")
def list_enterprises(
    request,
    sector: str | None = None,
    tier: str | None = None,
    status: str | None = None,
    region: str | None = None,
    q: str | None = None,
    limit: int | None = None,
    offset: int = Query(0, le=MAX_OFFSET, title="跳过前多少条"),
    *,
    response: HttpResponse,
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
        qs = text_search(qs, ("organisation__name",), q)
    return page(qs.order_by("organisation__name", "pk"), response, limit, offset)


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
    ent = services.do_register_enterprise(actor=request.user, data=payload)
    return Status(201, _get(request, ent.pk, "add"))


@router.get(
    "/enterprises/insurance-gaps",
    response=InsuranceGapsOut,
    summary="安责险:高危行业未投保与60天内到期未续保",
)
def insurance_gaps_api(request, days: int = 60):
    missing, expiring = insurance_gaps(request.user, days=max(1, min(days, 366)))
    return {
        "missing": list(missing),
        "expiring": list(expiring.select_related("enterprise__region")),
    }


@router.get(
    "/enterprises/tier-rule", response=TierRuleOut, summary="监管层级规则(市级/县区监管的划分)"
)
def get_tier_rule(request):
    return tier_rule()


@router.put(
    "/enterprises/tier-rule",
    response=TierRuleOut,
    summary="修改监管层级规则(系统管理员;随即重新计算各企业的监管层级)",
)
def update_tier_rule(request, payload: TierRuleIn):
    services.do_update_tier_rule(actor=request.user, data=payload, expected_version=payload.version)
    return tier_rule()


@router.get("/enterprises/{int:ent_id}", response=EnterpriseDetailOut, summary="单个生产经营单位")
def get_enterprise(request, ent_id: int):
    return _get(request, ent_id)


@router.patch(
    "/enterprises/{int:ent_id}",
    response=EnterpriseDetailOut,
    summary="修改档案(带版本号,冲突返回409)",
)
def update_enterprise(request, ent_id: int, payload: EnterpriseUpdateIn):
    services.do_update_enterprise(
        actor=request.user,
        enterprise=_get(request, ent_id),
        data=payload,
        expected_version=payload.version,
    )
    return _get(request, ent_id)


@router.post(
    "/enterprises/{int:ent_id}/status", response=EnterpriseDetailOut, summary="变更经营状态"
)
def change_status(request, ent_id: int, payload: StatusIn):
    services.do_change_enterprise_status(
        actor=request.user,
        enterprise=_get(request, ent_id),
        status=payload.status,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _get(request, ent_id)


@router.post(
    "/enterprises/{int:ent_id}/tier",
    response=TierOut,
    summary="人工调整监管层级(tier 为空:恢复按规则)",
)
def override_tier(request, ent_id: int, payload: TierIn):
    return services.do_override_tier(
        actor=request.user,
        enterprise=_get(request, ent_id),
        tier=payload.tier,
        reason=payload.reason,
        expected_version=payload.version,
    )


@router.post("/enterprises/{int:ent_id}/licences", response={201: LicenceOut}, summary="登记证照")
def add_licence(request, ent_id: int, payload: LicenceIn):
    lic = services.do_add_licence(
        actor=request.user, enterprise=_get(request, ent_id), data=payload
    )
    return Status(201, lic)


@router.post(
    "/enterprises/licences/{int:licence_id}/void", response=LicenceOut, summary="作废证照(留档)"
)
def void_licence(request, licence_id: int, payload: EnterpriseReasonIn):
    lic = get_restricted_or_404(Licence.objects.all(), request.user, pk=licence_id)
    return services.do_void_licence(actor=request.user, licence=lic, reason=payload.reason)


@router.post(
    "/enterprises/{int:ent_id}/policies", response={201: PolicyOut}, summary="登记安责险保单"
)
def add_policy(request, ent_id: int, payload: PolicyIn):
    policy = services.do_add_policy(
        actor=request.user, enterprise=_get(request, ent_id), data=payload
    )
    return Status(201, policy)


@router.post(
    "/enterprises/{int:ent_id}/responsibilities",
    response={201: ResponsibilityOut},
    summary="责任清单新增岗位",
)
def add_responsibility(request, ent_id: int, payload: ResponsibilityIn):
    item = services.do_add_responsibility(
        actor=request.user, enterprise=_get(request, ent_id), data=payload
    )
    return Status(201, item)


@router.post(
    "/enterprises/responsibilities/{int:item_id}/deactivate",
    response=ResponsibilityOut,
    summary="责任清单停用岗位(留档)",
)
def deactivate_responsibility(request, item_id: int, payload: EnterpriseReasonIn):
    item = get_restricted_or_404(ResponsibilityItem.objects.all(), request.user, pk=item_id)
    return services.do_deactivate_responsibility(
        actor=request.user, item=item, reason=payload.reason
    )


@router.post(
    "/enterprises/{int:ent_id}/questionnaire",
    response=QuestionnaireOut,
    summary="企业用户提交安全三问",
)
def submit_questionnaire(request, ent_id: int, payload: QuestionnaireIn):
    return services.do_submit_questionnaire(
        actor=request.user, enterprise=_get(request, ent_id), year=payload.year, answers=payload
    )


@router.post(
    "/questionnaires/{int:q_id}/review", response=QuestionnaireOut, summary="监管部门审核安全三问"
)
def review_questionnaire(request, q_id: int, payload: QuestionnaireReviewIn):
    q = get_restricted_or_404(SafetyQuestionnaire.objects.all(), request.user, pk=q_id)
    return services.do_review_questionnaire(
        actor=request.user,
        questionnaire=q,
        approve=payload.approve,
        comment=payload.comment,
        expected_version=payload.version,
    )


@router.post(
    "/enterprises/import", response={201: ImportOut}, summary="上传Excel并逐行校验(不写入企业)"
)
def import_preview(request, file: File[UploadedFile]):
    return Status(201, importing.do_preview_enterprise_import(actor=request.user, upload=file))


@router.post(
    "/enterprises/import/{int:batch_id}/apply",
    response=ImportOut,
    summary="导入有效行(mode=valid)或全部不导入(mode=nothing)",
)
def import_apply(request, batch_id: int, payload: ImportApplyIn):
    batch = get_restricted_or_404(EnterpriseImport.objects.all(), request.user, pk=batch_id)
    return importing.do_apply_enterprise_import(
        actor=request.user,
        batch=batch,
        mode=payload.mode,
        merge_duplicates=payload.merge_duplicates,
    )
