"""典型事故案例库 in the API: search and filter, a case, its similar cases, recording and import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.urls import reverse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from yingji.core.api import page
from yingji.core.permissions import check_rule, get_restricted_or_404
from yingji.core.uploads import read_upload

from . import selectors, services
from .choices import GRADE_ARTICLE
from .importing import read_cases
from .schemas import AccidentCaseIn

router = Router(tags=["典型事故案例库"])


class AccidentCaseOut(Schema):
    id: int
    code: str
    title: str
    occurred_on: dt.date
    region_code: str
    region_name: str
    place: str
    industry: str
    industry_label: str
    accident_type: str
    accident_type_label: str
    deaths: int
    serious_injuries: int
    injuries: int
    direct_loss: Decimal
    grade: str
    grade_label: str
    grade_basis: str
    narrative: str
    direct_causes: str
    indirect_causes: str
    lessons: str
    tags: list[str]
    source: str
    source_document_name: str
    source_document_url: str | None
    is_demo: bool

    @staticmethod
    def resolve_source_document_name(obj):
        return obj.source_document.original_name if obj.source_document_id else ""

    @staticmethod
    def resolve_source_document_url(obj):
        if not obj.source_document_id:
            return None
        return reverse("cases:source_document", args=[obj.pk])

    @staticmethod
    def resolve_industry_label(obj):
        return obj.get_industry_display()

    @staticmethod
    def resolve_accident_type_label(obj):
        return obj.get_accident_type_display()

    @staticmethod
    def resolve_grade_label(obj):
        return obj.get_grade_display()

    @staticmethod
    def resolve_grade_basis(obj):
        return GRADE_ARTICLE


class SimilarCaseOut(Schema):
    case: AccidentCaseOut
    score: float
    reasons: list[str]


class CaseImportOut(Schema):
    imported: int
    codes: list[str]


@router.get(
    "/cases", response=list[AccidentCaseOut], summary="事故案例(检索:标题、经过、原因、教训)"
)
def list_cases(
    request,
    response: HttpResponse,
    q: str | None = None,
    industry: str | None = None,
    accident_type: str | None = None,
    grade: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    rows = selectors.visible_cases(request.user).select_related("source_document")
    if q:
        rows = rows.filter(selectors.text_q(q[:200]))
    for field, value in (
        ("industry", industry),
        ("accident_type", accident_type),
        ("grade", grade),
    ):
        if value:
            rows = rows.filter(**{field: value})
    return page(rows, response, limit, offset)


@router.post(
    "/cases",
    response={201: AccidentCaseOut},
    summary="录入事故案例(等级按国务院令第493号第三条计算)",
)
def record_case(request, payload: AccidentCaseIn):
    return Status(201, services.do_record_case(actor=request.user, data=payload))


@router.post(
    "/cases/import", response={201: CaseImportOut}, summary="从 Excel 导入事故案例(全部或不导入)"
)
def import_cases(request, file: File[UploadedFile]):
    check_rule(request.user, "cases.write")
    rows = read_cases(read_upload(file, extensions=(".xlsx",)), file.name or "")
    cases = services.do_import_cases(actor=request.user, rows=rows, file_name=file.name or "")
    return Status(201, {"imported": len(cases), "codes": [c.code for c in cases]})


def _case(request, case_id: int):
    return get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=case_id)


@router.get("/cases/{case_id}", response=AccidentCaseOut, summary="单个事故案例")
def get_case(request, case_id: int):
    return _case(request, case_id)


@router.get(
    "/cases/{case_id}/similar", response=list[SimilarCaseOut], summary="相似案例(类型、行业、文字)"
)
def similar_cases(request, case_id: int):
    case = _case(request, case_id)
    return [
        {"case": c, "score": score, "reasons": list(reasons)}
        for c, score, reasons in selectors.similar(request.user, case)
    ]


@router.post(
    "/cases/{case_id}/source-document",
    response=AccidentCaseOut,
    summary="上传或替换事故案例的调查报告原件(multipart,.docx/.pdf)",
)
def upload_source_document(request, case_id: int, file: File[UploadedFile]):
    case = _case(request, case_id)
    return services.do_attach_source_document(actor=request.user, case=case, upload=file)
