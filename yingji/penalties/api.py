"""行政处罚案件 in the API under /api/v1/penalties/: the same services, input schemas and
restrict() as the pages; every endpoint declares its response."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router

from yingji.core.api import page
from yingji.core.errors import ValidationFailed
from yingji.core.models import Attachment
from yingji.core.permissions import get_restricted_or_404

from . import selectors, services
from .actions import STEPS
from .models import PenaltyCase
from .schemas import (
    PenApprovalIn,
    PenCaseDetailOut,
    PenCaseOut,
    PenCloseIn,
    PenDecideIn,
    PenEnforceIn,
    PenEvidenceIn,
    PenEvidenceOut,
    PenExecuteIn,
    PenExtendIn,
    PenFileIn,
    PenFileReviewIn,
    PenHearingIn,
    PenHearingRequestIn,
    PenInvestigateIn,
    PenNoPenaltyIn,
    PenNotifyIn,
    PenOfficersIn,
    PenOpinionIn,
    PenReviewIn,
    PenReviewOut,
    PenServeIn,
    PenStatementIn,
    PenVersionIn,
    PenWithdrawIn,
)
from .views import _file

router = Router(tags=["行政处罚案件"])


def _case(request, case_id: int, action: str = "change") -> PenaltyCase:
    return get_restricted_or_404(PenaltyCase.objects.all(), request.user, action, pk=case_id)


@router.get("/penalties/cases", response=list[PenCaseOut], summary="行政处罚案件列表")
def list_cases(
    request,
    response: HttpResponse,
    state: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_cases(request.user)
    if state:
        qs = qs.filter(state=state)
    return page(qs, response, limit, offset)


@router.get(
    "/penalties/cases/{case_id}", response=PenCaseDetailOut, summary="行政处罚案件(含办理步骤)"
)
def get_case(request, case_id: int):
    return get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=case_id)


@router.post("/penalties/cases", response=PenCaseOut, summary="立案")
def file_case(request, payload: PenFileIn):
    return _file(request.user, payload)


@router.post("/penalties/cases/{case_id}/extend", response=PenCaseOut, summary="延长决定期限")
def extend(request, case_id: int, payload: PenExtendIn):
    return STEPS["extend"](request.user, _case(request, case_id), payload)


@router.post(
    "/penalties/cases/{case_id}/officers",
    response=PenCaseOut,
    summary="调整承办执法人员(当日持证、本单位、无回避,不少于两人)",
)
def change_officers(request, case_id: int, payload: PenOfficersIn):
    return STEPS["officers"](request.user, _case(request, case_id), payload)


@router.post("/penalties/cases/{case_id}/investigate", response=PenCaseOut, summary="开始调查取证")
def investigate(request, case_id: int, payload: PenInvestigateIn):
    return STEPS["investigate"](request.user, _case(request, case_id), payload)


@router.post(
    "/penalties/cases/{case_id}/evidence",
    response=PenEvidenceOut,
    summary="登记证据(文件请在页面上传)",
)
def add_evidence(request, case_id: int, payload: PenEvidenceIn):
    return services.do_add_evidence(
        actor=request.user, case=_case(request, case_id), **payload.model_dump()
    )


@router.post("/penalties/cases/{case_id}/review", response=PenCaseOut, summary="调查终结,提交审理")
def review(request, case_id: int, payload: PenReviewIn):
    return STEPS["review"](request.user, _case(request, case_id), payload)


@router.post("/penalties/cases/{case_id}/notify", response=PenCaseOut, summary="事先告知")
def notify(request, case_id: int, payload: PenNotifyIn):
    return STEPS["notify"](request.user, _case(request, case_id), payload)


@router.post("/penalties/cases/{case_id}/statement", response=PenCaseOut, summary="记录陈述申辩")
def statement(request, case_id: int, payload: PenStatementIn):
    return STEPS["statement"](request.user, _case(request, case_id), payload)


@router.post(
    "/penalties/cases/{case_id}/hearing-request", response=PenCaseOut, summary="当事人要求听证"
)
def request_hearing(request, case_id: int, payload: PenHearingRequestIn):
    return STEPS["request_hearing"](request.user, _case(request, case_id), payload)


@router.post("/penalties/cases/{case_id}/hearing", response=PenCaseOut, summary="记录听证")
def hearing(request, case_id: int, payload: PenHearingIn):
    return STEPS["hearing"](request.user, _case(request, case_id), payload)


@router.post(
    "/penalties/cases/{case_id}/legal-review",
    response=PenCaseOut,
    summary="提交法制审核(仅重大执法决定)",
)
def submit_legal_review(request, case_id: int, payload: PenVersionIn):
    return STEPS["submit_legal_review"](request.user, _case(request, case_id), payload)


@router.post(
    "/penalties/cases/{case_id}/legal-review/pass", response=PenCaseOut, summary="法制审核通过"
)
def pass_legal_review(request, case_id: int, payload: PenOpinionIn):
    return STEPS["pass_legal_review"](request.user, _case(request, case_id, "view"), payload)


@router.post(
    "/penalties/cases/{case_id}/legal-review/return",
    response=PenCaseOut,
    summary="法制审核未通过,退回审理",
)
def return_legal_review(request, case_id: int, payload: PenOpinionIn):
    return STEPS["return_legal_review"](request.user, _case(request, case_id, "view"), payload)


@router.post(
    "/penalties/cases/{case_id}/approval/submit",
    response=PenCaseOut,
    summary="提交负责人审批(非重大)",
)
def submit_approval(request, case_id: int, payload: PenVersionIn):
    return STEPS["submit_approval"](request.user, _case(request, case_id), payload)


@router.post(
    "/penalties/cases/{case_id}/approval", response=PenCaseOut, summary="记录负责人审批/集体讨论"
)
def approval(request, case_id: int, payload: PenApprovalIn):
    return STEPS["approval"](request.user, _case(request, case_id), payload)


@router.post("/penalties/cases/{case_id}/decide", response=PenCaseOut, summary="作出行政处罚决定")
def decide(request, case_id: int, payload: PenDecideIn):
    return STEPS["decide"](request.user, _case(request, case_id), payload)


@router.post(
    "/penalties/cases/{case_id}/no-penalty", response=PenCaseOut, summary="决定不予行政处罚"
)
def no_penalty(request, case_id: int, payload: PenNoPenaltyIn):
    return STEPS["no_penalty"](request.user, _case(request, case_id), payload)


@router.post(
    "/penalties/cases/{case_id}/serve", response=PenCaseOut, summary="登记送达(送达回证为本案附件)"
)
def serve(request, case_id: int, payload: PenServeIn):
    case = _case(request, case_id)
    proof = None
    if payload.proof_attachment_id:
        att = Attachment.objects.for_object(case).filter(pk=payload.proof_attachment_id).first()
        if att is None:
            raise ValidationFailed(
                "送达回证须是本案的附件。", details={"proof_attachment_id": "无效"}
            )
        proof = att.file
    return services.do_serve(
        actor=request.user,
        case=case,
        method=payload.method,
        served_on=payload.served_on,
        proof=proof,
        expected_version=payload.version,
    )


@router.post(
    "/penalties/cases/{case_id}/enforce", response=PenCaseOut, summary="申请人民法院强制执行"
)
def enforce(request, case_id: int, payload: PenEnforceIn):
    return STEPS["enforce"](request.user, _case(request, case_id), payload)


@router.post("/penalties/cases/{case_id}/execute", response=PenCaseOut, summary="登记执行完毕")
def execute(request, case_id: int, payload: PenExecuteIn):
    return STEPS["execute"](request.user, _case(request, case_id), payload)


@router.post("/penalties/cases/{case_id}/close", response=PenCaseOut, summary="结案")
def close(request, case_id: int, payload: PenCloseIn):
    return STEPS["close"](request.user, _case(request, case_id), payload)


@router.post("/penalties/cases/{case_id}/withdraw", response=PenCaseOut, summary="撤案")
def withdraw(request, case_id: int, payload: PenWithdrawIn):
    return STEPS["withdraw"](request.user, _case(request, case_id), payload)


@router.post(
    "/penalties/cases/{case_id}/publish", response=PenCaseOut, summary="行政执法公示(事后)"
)
def publish(request, case_id: int, payload: PenVersionIn):
    return STEPS["publish"](request.user, _case(request, case_id), payload)


@router.post("/penalties/cases/{case_id}/file-review", response=PenReviewOut, summary="案卷评查")
def file_review(request, case_id: int, payload: PenFileReviewIn):
    return services.do_review_case_file(
        actor=request.user,
        case=_case(request, case_id, "view"),
        scores=payload.scores,
        remarks=payload.remarks,
    )
