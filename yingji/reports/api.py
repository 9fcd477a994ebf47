"""研判简报 in the API: list, record (with the frozen figures), generate, 研判意见, 送审,
审核/退回, 印发, and the .docx."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from yingji.core.api import page
from yingji.core.permissions import get_restricted_or_404
from yingji.core.schemas import file_response

from . import selectors, services
from .schemas import (
    BriefApproveIn,
    BriefDistributeIn,
    BriefGenerateIn,
    BriefIssueIn,
    BriefOpinionsIn,
    BriefReturnIn,
    BriefSubmitIn,
    BriefTemplateIn,
)

router = Router(tags=["研判简报"])


class BriefSummaryOut(Schema):
    id: int
    title: str
    kind: str
    region: str
    region_name: str
    period_start: dt.date
    period_end: dt.date
    state: str
    number: str
    generated_at: dt.datetime
    issued_at: dt.datetime | None
    is_demo: bool
    version: int

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


class BriefOut(BriefSummaryOut):
    figures: dict
    opinions: dict[str, str]
    risk_outlook: str
    advice: str
    review_comment: str


def _brief(request, brief_id: int, action: str = "view"):
    return get_restricted_or_404(
        selectors.visible_briefs(request.user, action), request.user, action, pk=brief_id
    )


@router.get("/briefs", response=list[BriefSummaryOut], summary="研判简报")
def list_briefs(
    request,
    response: HttpResponse,
    kind: str | None = None,
    state: str | None = None,
    region: str | None = None,
    q: str | None = None,
    day: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    rows = selectors.visible_briefs(request.user).order_by("-period_start", "pk")
    if q:  # the archive search: number, title, opinions and the frozen snapshot
        rows = rows.filter(search_text__icontains=q[:100])
    if day:
        rows = rows.filter(period_start__lte=day, period_end__gte=day)
    if kind:
        rows = rows.filter(kind=kind)
    if state:
        rows = rows.filter(state=state)
    if region:
        rows = rows.filter(region__code=region)
    return page(rows, response, limit, offset)


@router.post("/briefs", response={201: BriefOut}, summary="生成研判简报(草稿,数据固定为快照)")
def generate_brief(request, payload: BriefGenerateIn):
    return Status(201, services.do_generate_brief(actor=request.user, data=payload))


@router.get("/briefs/{brief_id}", response=BriefOut, summary="研判简报(含数据快照)")
def get_brief(request, brief_id: int):
    return _brief(request, brief_id)


@router.post("/briefs/{brief_id}/opinions", response=BriefOut, summary="编辑研判意见")
def edit_brief(request, brief_id: int, payload: BriefOpinionsIn):
    brief = _brief(request, brief_id, "change")
    return services.do_edit_brief(actor=request.user, brief=brief, data=payload)


@router.post("/briefs/{brief_id}/submit", response=BriefOut, summary="送审")
def submit_brief(request, brief_id: int, payload: BriefSubmitIn):
    brief = _brief(request, brief_id, "change")
    return services.do_submit_brief(actor=request.user, brief=brief, data=payload)


@router.post("/briefs/{brief_id}/approve", response=BriefOut, summary="审核通过(非起草人)")
def approve_brief(request, brief_id: int, payload: BriefApproveIn):
    brief = _brief(request, brief_id, "change")
    return services.do_approve_brief(actor=request.user, brief=brief, data=payload)


@router.post("/briefs/{brief_id}/return", response=BriefOut, summary="退回修改(非起草人)")
def return_brief(request, brief_id: int, payload: BriefReturnIn):
    brief = _brief(request, brief_id, "change")
    return services.do_return_brief(actor=request.user, brief=brief, data=payload)


@router.post("/briefs/{brief_id}/issue", response=BriefOut, summary="印发(编号,此后只读)")
def issue_brief(request, brief_id: int, payload: BriefIssueIn):
    brief = _brief(request, brief_id, "change")
    return services.do_issue_brief(actor=request.user, brief=brief, data=payload)


@router.get(
    "/briefs/{brief_id}/brief.docx",
    summary="研判简报(Word)",
    openapi_extra=file_response("docx", "研判简报"),
)
def brief_word(request, brief_id: int):
    from yingji.core.webforms import download

    from .templating import brief_docx

    brief = _brief(request, brief_id, "export")
    return download(brief_docx(brief), f"{brief.title}.docx")


class BriefDeliveryOut(Schema):
    id: int
    brief: int
    recipient: str
    recipient_name: str
    organisation: str | None
    delivered_at: dt.datetime
    read_at: dt.datetime | None
    emailed_at: dt.datetime | None
    email_note: str
    sms_at: dt.datetime | None
    sms_note: str

    @staticmethod
    def resolve_brief(obj):
        return obj.brief_id

    @staticmethod
    def resolve_recipient(obj):
        return obj.recipient.username

    @staticmethod
    def resolve_recipient_name(obj):
        return obj.recipient.get_full_name() or obj.recipient.username

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.name if obj.organisation else None


@router.get(
    "/briefs/{brief_id}/deliveries",
    response=list[BriefDeliveryOut],
    summary="分发与阅读回执(按权限)",
)
def list_deliveries(request, brief_id: int):
    brief = _brief(request, brief_id)
    return selectors.visible_deliveries(request.user).filter(brief=brief)


@router.post(
    "/briefs/{brief_id}/distribute",
    response={201: list[BriefDeliveryOut]},
    summary="分发已印发的简报(按角色、区域)",
)
def distribute_brief(request, brief_id: int, payload: BriefDistributeIn):
    brief = _brief(request, brief_id)
    return Status(201, services.do_distribute_brief(actor=request.user, brief=brief, data=payload))


@router.post("/briefs/{brief_id}/read", response=BriefDeliveryOut, summary="已阅(阅读回执)")
def read_brief(request, brief_id: int):
    brief = _brief(request, brief_id)
    return services.do_read_brief(actor=request.user, brief=brief)


class BriefTemplateOut(Schema):
    id: int
    kind: str
    name: str
    file_name: str
    placeholders: list[str]
    active: bool
    created_at: dt.datetime


@router.get("/brief-templates", response=list[BriefTemplateOut], summary="简报模板")
def list_templates(request):
    from yingji.core.permissions import check_rule

    check_rule(request.user, "reports.open")
    return list(selectors.visible_templates(request.user))


@router.post(
    "/brief-templates",
    response={201: BriefTemplateOut},
    summary="上传简报模板(multipart .docx;检查占位符)",
)
def upload_template(request, payload: Form[BriefTemplateIn], file: File[UploadedFile]):
    return Status(
        201, services.do_upload_brief_template(actor=request.user, data=payload, upload=file)
    )


@router.get(
    "/brief-templates/default.docx",
    summary="默认简报模板(Word)",
    openapi_extra=file_response("docx", "研判简报默认模板"),
)
def default_template_file(request, kind: str = "week"):
    """``kind``: week, month, quarter (the same layout) or dispatch (安全生产周调度's own)."""
    from yingji.core.permissions import check_rule
    from yingji.core.webforms import download

    from .periods import KIND_LABELS
    from .templating import default_template

    check_rule(request.user, "reports.open")
    kind = kind if kind in KIND_LABELS else "week"
    name = "安全生产周调度默认模板.docx" if kind == "dispatch" else "研判简报默认模板.docx"
    return download(default_template(kind), name)
