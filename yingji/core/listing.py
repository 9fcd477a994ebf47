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

from django.contrib import messages
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


@dataclass
class ListSpec:
    columns: list[Column]
    filters: dict[str, Filter] = field(default_factory=dict)
    search: tuple[str, ...] = ()
    default_sort: str = "pk"
    per_page: int = 50


# A list's query parameters come from anyone's address bar: a filter value the field cannot
# take ("abc" for a number, a 13th month, a NUL), a search too long, a sort of "--name" are
# refused here, with a Chinese message, instead of reaching the database.
MAX_QUERY_CHARS = 200


def _bad_text(value: str) -> bool:
    return len(value) > MAX_QUERY_CHARS or any(
        ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in value
    )


def _filtered(queryset, lookup: str, value: str):
    """queryset.filter(lookup=value), or None when the value cannot be a value of that field
    (checked by compiling the query: some lookups, e.g. __year, only fail then)."""
    from django.core.exceptions import EmptyResultSet, FieldError, FullResultSet, ValidationError

    try:
        candidate = queryset.filter(**{lookup: value})
        candidate.query.get_compiler(using=candidate.db).as_sql()
    except (EmptyResultSet, FullResultSet):
        return candidate  # a value no row (or every row) has: a valid, if empty, filter
    except (ValueError, TypeError, OverflowError, ValidationError, FieldError):
        return None
    return candidate


def apply(request, queryset, spec: ListSpec):
    """(the filtered and sorted queryset, the list's state). A filter or search value that is
    not valid is left out and named in state["invalid"] (render_list answers 400)."""
    params = request.GET
    active, invalid = {}, []
    for name, flt in spec.filters.items():
        value = params.get(name, "").strip()
        if not value:
            continue
        filtered = None if _bad_text(value) else _filtered(queryset, flt.lookup, value)
        if filtered is None:
            invalid.append(f"筛选条件“{flt.label}”的值“{value[:40]}”无效,已忽略。")
            continue
        queryset = filtered
        active[name] = value
    q = params.get("q", "").strip()
    if q and _bad_text(q):
        invalid.append(f"搜索词无效(不超过 {MAX_QUERY_CHARS} 字,不含控制字符),已忽略。")
        q = ""
    if q and spec.search:
        cond = Q()
        for term in spec.search:
            cond |= Q(**{f"{term}__icontains": q})
        queryset = queryset.filter(cond)
    sortable = {c.key for c in spec.columns if c.sortable and c.value is None}
    sort = params.get("sort", spec.default_sort)
    key = sort[1:] if sort.startswith("-") else sort
    if key not in sortable and sort != spec.default_sort:
        if sort:
            invalid.append(f"无法按“{sort[:40]}”排序,已按默认顺序排列。")
        sort = spec.default_sort
    state = {"q": q, "sort": sort, "filters": active, "invalid": invalid}
    return queryset.order_by(sort, "pk"), state


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
    if fmt in ("csv", "xlsx") and not state["invalid"]:
        return export(queryset, spec, fmt, title)
    for problem in state["invalid"]:
        messages.error(request, problem)
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
    return render(request, template, context, status=400 if state["invalid"] else 200)
