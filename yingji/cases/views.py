"""典型事故案例库 pages: the searchable list (jieba full text, highlighted hits, export), a case
with its similar cases, similar cases for a hazard or an enterprise, recording a case (also from
a closed event or an investigation report), importing an Excel list, and the analysis."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yingji.core.errors import DomainError, ValidationFailed
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, get_restricted_or_404
from yingji.core.uploads import read_upload, safe_file_name
from yingji.core.views import record_extras
from yingji.core.webforms import form_input, run_service
from yingji.standards.accidents import GRADE_LABELS

from . import analysis, events, parsing, selectors, services, sources
from .choices import ACCIDENT_TYPES, INDUSTRIES
from .importing import COLUMNS, read_cases
from .models import GRADES
from .schemas import AccidentCaseIn, CasePushIn

COLUMNS_BASE = [
    Column("code", "案例编号"),
    Column("title", "案例标题", link=True),
    Column("occurred_on", "发生日期"),
    Column("region_name", "县区"),
    Column("industry", "行业"),
    Column("accident_type", "事故类型"),
    Column("grade", "事故等级"),
    Column("deaths", "死亡"),
    Column("serious_injuries", "重伤"),
    Column("direct_loss", "直接经济损失(元)"),
    Column("tags", "标签", sortable=False, value=lambda c: c.tag_text),
]
FILTERS = {
    "industry": Filter("行业", "industry", choices=INDUSTRIES),
    "type": Filter("事故类型", "accident_type", choices=ACCIDENT_TYPES),
    "grade": Filter("事故等级", "grade", choices=GRADES),
    "year": Filter("年份", "occurred_on__year"),
    "region": Filter("县区(编码)", "region_code"),
}
# the search is the full-text one (selectors.text_q), applied before the list: no icontains
CASE_SPEC = ListSpec(columns=COLUMNS_BASE, filters=FILTERS, default_sort="-occurred_on")


def _spec(words: list[str]) -> ListSpec:
    """With a search: the title's hits marked, and a column with the text around the first hit."""
    if not words:
        return CASE_SPEC

    def mark(value):
        return selectors.highlight(value, words)

    columns = list(COLUMNS_BASE)
    columns[1] = Column("title", "案例标题", link=True, display=mark)
    columns.insert(
        2,
        Column(
            "hit",
            "命中内容",
            sortable=False,
            value=lambda c: selectors.snippet(c, words),
            display=mark,
        ),
    )
    return ListSpec(columns=columns, filters=FILTERS, default_sort="-occurred_on")


@login_required
def case_list(request):
    rows = selectors.visible_cases(request.user)
    q = request.GET.get("q", "").strip()[:200]
    words = []
    if q:
        rows = rows.filter(selectors.text_q(q))
        words = selectors.hit_words(q)
    return render_list(
        request,
        rows,
        _spec(words),
        "cases/list.html",
        "典型事故案例库",
        extra={"can_write": allows(request.user, "cases.write"), "words": words},
    )


@login_required
def case_detail(request, pk):
    case = get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=pk)
    return render(
        request,
        "cases/case.html",
        {
            "title": str(case),
            "object": case,
            "similar": selectors.similar(request.user, case),
            "can_push": allows(request.user, "cases.push"),
            "can_upload_source": allows(request.user, "cases.write")
            and selectors.visible_cases(request.user, "change").filter(pk=case.pk).exists(),
            "pushes": selectors.visible_pushes(request.user).filter(case=case),
            "counties": analysis.counties(),
            "industries": INDUSTRIES,
            **record_extras(request, case),
        },
    )


def _form_page(request, title, form, **extra):
    return render(
        request,
        "cases/form.html",
        {
            "title": title,
            "industries": INDUSTRIES,
            "types": ACCIDENT_TYPES,
            "form": form,
            **extra,
        },
    )


@login_required
def case_new(request):
    if not allows(request.user, "cases.write"):
        return redirect("cases:index")
    if request.method == "POST":
        data = form_input(request, AccidentCaseIn)
        token = request.POST.get("source_token", "")
        if data is not None:
            case = run_service(
                request, lambda: _record_with_report(request.user, data, token), "已录入事故案例。"
            )
            if case:
                return redirect(case)
        if token:  # the review of an imported report, shown again with its message
            return _form_page(
                request,
                "核对调查报告提取的案例",
                request.POST,
                from_report=request.POST.get("source_name", ""),
                proposal=True,
            )
    return _form_page(request, "录入事故案例", request.POST)


def _record_with_report(user, data, token: str):
    """Record the case; with the token of an imported report, keep the report on it (and
    remove the staged copy once the case holds it)."""
    document = sources.staged(token, user) if token else None
    case = services.do_record_case(actor=user, data=data, source_document=document)
    if document is not None:
        sources.discard(document)
    return case


@login_required
def case_from_event(request):
    """转为案例: a closed event's figures and text prefill the form; saving keeps the link."""
    if not allows(request.user, "cases.write"):
        return redirect("cases:index")
    raw = request.POST.get("event") or request.GET.get("event") or ""
    if not raw.isdigit():
        raise Http404
    event = events.visible_event(request.user, int(raw))
    if event.state != "closed":
        messages.error(request, "只有已终报(已结束)的事件可以转为案例。")
        return redirect(event)
    existing = selectors.visible_cases(request.user).filter(source_event=event).first()
    if existing:
        messages.info(request, "该事件已转为案例。")
        return redirect(existing)
    form = events.proposal(event)
    if request.method == "POST":
        form = request.POST
        data = form_input(request, AccidentCaseIn)
        if data is not None:
            case = run_service(
                request,
                lambda: services.do_record_case(actor=request.user, data=data, source_event=event),
                "已由事件生成事故案例。",
            )
            if case:
                return redirect(case)
    return _form_page(request, "由事件生成事故案例", form, event=event)


@login_required
def case_import_report(request):
    """调查报告导入: a .docx or .pdf report's text gives proposed fields; the person confirms
    them on the case form (nothing is recorded until they save); the file waits in the staging
    area (sources.stage) and is kept on the case when it is saved."""
    if not allows(request.user, "cases.write"):
        return redirect("cases:index")
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        name = safe_file_name(upload.name)
        try:
            data = read_upload(upload, extensions=sources.REPORT_EXTENSIONS)
            lines = _report_lines(data, name)
            token = sources.stage(data, name, request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            form = parsing.propose(lines)
            form["source"] = f"事故调查报告:{name}"[:200]
            form["source_token"], form["source_name"] = token, name
            form["region"] = analysis.region_code_in("\n".join(lines))
            form["grade"] = GRADE_LABELS.get(form["grade"], form["grade"])
            if form["occurred_on"]:
                form["occurred_on"] = form["occurred_on"].isoformat()
            return _form_page(
                request, "核对调查报告提取的案例", form, from_report=name, proposal=True
            )
    return render(request, "cases/import_report.html", {"title": "导入事故调查报告"})


def _report_lines(data: bytes, name: str) -> list[str]:
    """The report's lines: a .pdf through core.pdftext (its limits and messages), a .docx
    through python-docx (read_upload checked the zip first)."""
    if name.lower().endswith(".pdf"):
        from yingji.core.pdftext import pdf_lines

        lines = pdf_lines(data, name)
    else:
        try:
            lines = parsing.docx_text(data)
        except Exception:  # noqa: BLE001 (a damaged document: say so, record nothing)
            raise ValidationFailed("无法读取该 Word 文件,请确认是 .docx 格式的调查报告。") from None
    if not lines:
        raise ValidationFailed(f"文件“{name}”中没有可提取的文字(可能是扫描件),请上传含文字的报告。")
    return lines


@login_required
def source_document(request, pk):
    """The case's investigation report, for whoever may read the case (its restrict())."""
    case = get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=pk)
    doc = case.source_document
    if doc is None or doc.voided_at is not None:
        raise Http404
    return FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=safe_file_name(doc.original_name),
        content_type=doc.mime_type or "application/octet-stream",
    )


@login_required
@require_POST
def upload_source_document(request, pk):
    """上传调查报告原件 on a case page (city staff who may change the case)."""
    case = get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择调查报告文件(.docx 或 .pdf)。")
    else:
        run_service(
            request,
            lambda: services.do_attach_source_document(
                actor=request.user, case=case, upload=upload
            ),
            "已上传调查报告原件。",
        )
    return redirect(case)


@login_required
def case_import(request):
    if not allows(request.user, "cases.write"):
        return redirect("cases:index")
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        try:
            rows = read_cases(read_upload(upload, extensions=(".xlsx",)), upload.name or "")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            cases = run_service(
                request,
                lambda: services.do_import_cases(
                    actor=request.user, rows=rows, file_name=upload.name or ""
                ),
                f"已导入事故案例 {len(rows)} 条。",
            )
            if cases:
                return redirect("cases:index")
    return render(request, "cases/import.html", {"title": "导入事故案例", "columns": list(COLUMNS)})


@login_required
def similar_to(request):
    """相似事故案例 for a hazard (?hazard=) or an enterprise (?enterprise=) the user may see."""
    from yingji.enterprises.selectors import visible_enterprises
    from yingji.hazards.selectors import visible_hazards

    hazard_pk, ent_pk = request.GET.get("hazard", ""), request.GET.get("enterprise", "")
    if hazard_pk.isdigit():
        obj = get_restricted_or_404(visible_hazards(request.user), request.user, pk=hazard_pk)
        rows, what = selectors.similar_to_hazard(request.user, obj), f"隐患 {obj.code}"
    elif ent_pk.isdigit():
        obj = get_restricted_or_404(visible_enterprises(request.user), request.user, pk=ent_pk)
        rows, what = selectors.similar_to_enterprise(request.user, obj), f"企业“{obj}”"
    else:
        raise Http404
    return render(
        request,
        "cases/similar.html",
        {"title": f"与{what}相似的事故案例", "object": obj, "what": what, "similar": rows},
    )


@login_required
def case_analysis(request):
    """问题规律 (T50): counts and trends by type, industry, month, county and cause."""
    rows = selectors.visible_cases(request.user)
    year = request.GET.get("year", "")
    if year.isascii() and year.isdigit() and 1 <= int(year) <= 9999:
        rows = rows.filter(occurred_on__year=int(year))
    data = analysis.summary(rows)
    if request.GET.get("export") == "xlsx":
        return analysis.export(data)
    return render(
        request,
        "cases/analysis.html",
        {
            "title": "事故案例分析(问题规律)",
            "data": data,
            "year": year,
            "sections": [(k, label, data[k]) for k, label in analysis.SECTIONS],
        },
    )


# --- 警示教育 -------------------------------------------------------------------------------

PUSH_SPEC = ListSpec(
    columns=[
        Column("case__title", "案例", value=lambda p: p.case.title, link=True),
        Column("industry", "行业"),
        Column("region__name", "县区"),
        Column("pushed_at", "推送时间"),
        Column("n_sent", "推送企业数"),
        Column("n_read", "已阅企业数"),
        Column("rate", "阅读率", sortable=False, value=selectors.read_rate),
    ],
    filters={
        "industry": Filter("行业", "industry", choices=INDUSTRIES),
        "region": Filter("县区(编码)", "region__code"),
    },
    search=("case__title",),
    default_sort="-pushed_at",
)


def _unread(value, user):
    return Q(read_at__isnull=value == "1")


RECEIPT_SPEC = ListSpec(
    columns=[
        Column("push__case__title", "案例", value=lambda r: r.push.case.title, link=True),
        Column("enterprise__organisation__name", "企业"),
        Column("push__pushed_at", "推送时间"),
        Column("read_at", "阅读时间"),
    ],
    filters={
        "unread": Filter("状态", "read_at", choices=[("1", "未阅"), ("0", "已阅")], where=_unread)
    },
    search=("push__case__title", "enterprise__organisation__name"),
    default_sort="-push__pushed_at",
)


@login_required
def case_push(request, pk):
    """推送警示教育 from a case page (POST): to an industry's enterprises in a county."""
    case = get_restricted_or_404(selectors.visible_cases(request.user), request.user, pk=pk)
    if request.method == "POST" and allows(request.user, "cases.push"):
        data = form_input(request, CasePushIn)
        if data is not None:
            push = run_service(
                request,
                lambda: services.do_push_case(actor=request.user, case=case, data=data),
                "已推送警示教育案例。",
            )
            if push:
                return redirect(push)
    return redirect(case)


@login_required
def push_list(request):
    return render_list(
        request,
        selectors.visible_pushes(request.user),
        PUSH_SPEC,
        "cases/pushes.html",
        "警示教育推送",
    )


@login_required
def push_detail(request, pk):
    push = get_restricted_or_404(selectors.visible_pushes(request.user), request.user, pk=pk)
    receipts = selectors.visible_receipts(request.user).filter(push=push).order_by("read_at", "pk")
    return render(
        request,
        "cases/push.html",
        {
            "title": str(push),
            "object": push,
            "receipts": receipts,
            "rate": selectors.read_rate(push),
            **record_extras(request, push),
        },
    )


@login_required
def receipt_list(request):
    return render_list(
        request,
        selectors.visible_receipts(request.user),
        RECEIPT_SPEC,
        "cases/receipts.html",
        "警示教育案例(签收)",
    )


@login_required
def receipt_detail(request, pk):
    receipt = get_restricted_or_404(selectors.visible_receipts(request.user), request.user, pk=pk)
    if request.method == "POST":
        done = run_service(
            request,
            lambda: services.do_read_receipt(actor=request.user, receipt=receipt),
            "已签收(已阅)。",
        )
        if done:
            return redirect(receipt)
    may_read = receipt.read_at is None and (
        selectors.visible_receipts(request.user, "change").filter(pk=receipt.pk).exists()
    )
    return render(
        request,
        "cases/receipt.html",
        {
            "title": str(receipt),
            "object": receipt,
            "case": receipt.push.case,
            "may_read": may_read,
            **record_extras(request, receipt),
        },
    )
