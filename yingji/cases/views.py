"""典型事故案例库 pages: the searchable list (export), a case with its similar cases, recording
a case and importing an Excel list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from yingji.core.errors import DomainError
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, get_restricted_or_404
from yingji.core.uploads import read_upload
from yingji.core.views import record_extras
from yingji.core.webforms import form_input, run_service

from . import selectors, services
from .choices import ACCIDENT_TYPES, INDUSTRIES
from .importing import COLUMNS, read_cases
from .models import GRADES
from .schemas import AccidentCaseIn

CASE_SPEC = ListSpec(
    columns=[
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
    ],
    filters={
        "industry": Filter("行业", "industry", choices=INDUSTRIES),
        "type": Filter("事故类型", "accident_type", choices=ACCIDENT_TYPES),
        "grade": Filter("事故等级", "grade", choices=GRADES),
        "year": Filter("年份", "occurred_on__year"),
        "region": Filter("县区(编码)", "region_code"),
    },
    search=("title", "narrative", "causes", "lessons"),
    default_sort="-occurred_on",
)


@login_required
def case_list(request):
    return render_list(
        request,
        selectors.visible_cases(request.user),
        CASE_SPEC,
        "cases/list.html",
        "典型事故案例库",
        extra={"can_write": allows(request.user, "cases.write")},
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
            **record_extras(request, case),
        },
    )


@login_required
def case_new(request):
    if not allows(request.user, "cases.write"):
        return redirect("cases:index")
    if request.method == "POST":
        data = form_input(request, AccidentCaseIn)
        if data is not None:
            case = run_service(
                request,
                lambda: services.do_record_case(actor=request.user, data=data),
                "已录入事故案例。",
            )
            if case:
                return redirect(case)
    return render(
        request,
        "cases/form.html",
        {
            "title": "录入事故案例",
            "industries": INDUSTRIES,
            "types": ACCIDENT_TYPES,
            "form": request.POST,
        },
    )


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
