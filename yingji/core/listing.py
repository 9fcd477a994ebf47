"""Every list page: filter, sort, paginate, export (csv/xlsx) from one declaration.

spec = ListSpec(
    columns=[Column("name", "名称"), Column("region__name", "区域")],
    filters={"kind": Filter("类型", "kind", choices=ORG_KINDS)},
    search=("name", "code"),
    default_sort="name",
)
return render_list(request, queryset_already_restricted, spec, "orgs/list.html", "机构")
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .cells import csv_cell, xlsx_row


@dataclass
class Column:
    key: str  # attribute path with "__" (e.g. "region__name") or a callable's name
    label: str
    sortable: bool = True
    value: Callable | None = None  # custom value getter(obj)
    link: bool = False  # render as a link to obj.get_absolute_url()

    def get(self, obj):
        if self.value is not None:
            return self.value(obj)
        value = obj
        for part in self.key.split("__"):
            if value is None:
                return None
            display = getattr(value, f"get_{part}_display", None)
            value = display() if display else getattr(value, part, None)
        return value() if callable(value) else value


@dataclass
class Filter:
    label: str
    lookup: str
    choices: list[tuple[str, str]] | None = None
    # for a filter one lookup cannot say (a set of states, "mine"): where(value, user) -> Q
    where: Callable[[str, object], Q] | None = None


@dataclass
class ListSpec:
    columns: list[Column]
    filters: dict[str, Filter] = field(default_factory=dict)
    search: tuple[str, ...] = ()
    default_sort: str = "pk"
    per_page: int = 50


def apply(request, queryset, spec: ListSpec):
    params = request.GET
    active = {}
    for name, flt in spec.filters.items():
        value = params.get(name, "").strip()
        if value:
            cond = flt.where(value, request.user) if flt.where else Q(**{flt.lookup: value})
            queryset = queryset.filter(cond)
            active[name] = value
    q = params.get("q", "").strip()
    if q and spec.search:
        cond = Q()
        for term in spec.search:
            cond |= Q(**{f"{term}__icontains": q})
        queryset = queryset.filter(cond)
    sortable = {c.key for c in spec.columns if c.sortable and c.value is None}
    sort = params.get("sort", spec.default_sort)
    if sort.lstrip("-") not in sortable and sort != spec.default_sort:
        sort = spec.default_sort
    return queryset.order_by(sort, "pk"), {"q": q, "sort": sort, "filters": active}


def export(queryset, spec: ListSpec, fmt: str, title: str) -> HttpResponse:
    header = [c.label for c in spec.columns]
    values = ([c.get(obj) for c in spec.columns] for obj in queryset.iterator(chunk_size=500))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{title}-{stamp}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title[:31])
        ws.append(header)
        for row in values:
            ws.append(xlsx_row(ws, row))
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(
            buf.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        ext = "xlsx"
    else:
        buf = io.StringIO()
        buf.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = csv.writer(buf)
        writer.writerow(header)
        writer.writerows([csv_cell(v) for v in row] for row in values)
        response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
        ext = "csv"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.{ext}"
    return response


def _link(obj) -> str | None:
    getter = getattr(obj, "get_absolute_url", None)
    return getter() if getter else None


def render_list(request, queryset, spec: ListSpec, template: str, title: str, extra=None):
    queryset, state = apply(request, queryset, spec)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export(queryset, spec, fmt, title)
    page = Paginator(queryset, spec.per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": title,
        "spec": spec,
        "page": page,
        "rows": [
            (obj, [(c.get(obj), _link(obj) if c.link else None) for c in spec.columns])
            for obj in page.object_list
        ],
        "state": state,
        "query": query.urlencode(),
        "filter_values": state["filters"],
        **(extra or {}),
    }
    return render(request, template, context)
