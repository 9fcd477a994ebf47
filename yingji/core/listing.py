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
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from xml.sax.saxutils import escape as xml_escape

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext

from .cells import clean_text, csv_cell, plain


@dataclass
class Column:
    key: str  # attribute path with "__" (e.g. "region__name") or a callable's name
    label: str
    sortable: bool = True
    value: Callable | None = None  # custom value getter(obj)
    link: bool = False  # render as a link to obj.get_absolute_url()
    # For exports built from values() instead of model instances: the fields a custom value
    # needs, and the same value computed from a dict of them. A plain column (key = a field
    # path) needs neither. When every column can, exports skip model instances altogether.
    needs: tuple[str, ...] = ()
    from_values: Callable | None = None
    display: Callable | None = None  # the page's cell (HTML-safe) when it differs from the value

    def shown(self, obj):
        value = self.get(obj)
        return self.display(value) if self.display is not None and value is not None else value

    def get(self, obj):
        if self.value is not None:
            return self.value(obj)
        value = obj
        for part in self.key.split("__"):
            if value is None:
                return None
            value = attribute_or_label(value, part)
        return value() if callable(value) else value


@lru_cache(maxsize=1024)
def _choice_field(cls, name: str):
    try:
        field = cls._meta.get_field(name)
    except (AttributeError, FieldDoesNotExist):
        return None
    return field if getattr(field, "choices", None) and hasattr(field, "attname") else None


@lru_cache(maxsize=1024)
def _choice_labels(field, language: str | None) -> dict:
    return {k: str(v) for k, v in field.flatchoices}


def choice_label(field, raw):
    """What ``get_FOO_display()`` gives, from a dict built once per field and language
    (the per-row call rebuilds and translates the choices each time)."""
    try:
        return _choice_labels(field, get_language()).get(raw, raw)
    except TypeError:  # an unhashable value
        return raw


def attribute_or_label(obj, name: str):
    """``obj.<name>``, or its choice label when the field has choices."""
    field = _choice_field(type(obj), name)
    if field is not None:
        return choice_label(field, getattr(obj, field.attname))
    display = getattr(obj, f"get_{name}_display", None)
    return display() if display else getattr(obj, name, None)


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


# A list's query parameters come from anyone's address bar: a filter value the field cannot
# take ("abc" for a number, a 13th month, a NUL), a search too long, a sort of "--name" are
# refused here, with a Chinese message, instead of reaching the database.
MAX_QUERY_CHARS = 200


def _bad_text(value: str) -> bool:
    return len(value) > MAX_QUERY_CHARS or any(
        ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in value
    )


def _filtered(queryset, cond: Q):
    """queryset.filter(cond), or None when a value cannot be a value of its field (checked by
    compiling the query: some lookups, e.g. __year, only fail then)."""
    from django.core.exceptions import EmptyResultSet, FieldError, FullResultSet, ValidationError

    try:
        candidate = queryset.filter(cond)
        _sql, params = candidate.query.get_compiler(using=candidate.db).as_sql()
    except (EmptyResultSet, FullResultSet):
        return candidate  # a value no row (or every row) has: a valid, if empty, filter
    except (ValueError, TypeError, OverflowError, ValidationError, FieldError):
        return None
    # an integer no column holds (SQLite refuses it only when the query runs: a 500)
    if any(isinstance(p, int) and not -(2**63) <= p < 2**63 for p in params):
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
        filtered = None
        if not _bad_text(value):
            try:
                cond = flt.where(value, request.user) if flt.where else Q(**{flt.lookup: value})
            except (ValueError, TypeError, OverflowError):
                cond = None
            filtered = None if cond is None else _filtered(queryset, cond)
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
        from .textsearch import search

        queryset = search(queryset, spec.search, q)
    sortable = {c.key for c in spec.columns if c.sortable and c.value is None}
    sort = params.get("sort", spec.default_sort)
    key = sort[1:] if sort.startswith("-") else sort
    if key not in sortable and sort != spec.default_sort:
        if sort:
            invalid.append(f"无法按“{sort[:40]}”排序,已按默认顺序排列。")
        sort = spec.default_sort
    state = {"q": q, "sort": sort, "filters": active, "invalid": invalid}
    return queryset.order_by(sort, "pk"), state


class _Echo:
    def write(self, value):
        return value


def _csv_stream(header, values):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # Excel opens UTF-8 CSV correctly only with a BOM
    chunk = []
    for row in values:
        chunk.append(writer.writerow([csv_cell(v) for v in row]))
        if len(chunk) >= 500:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


# --- A streamed xlsx: one sheet, strings and numbers only (what cells.plain gives) -------------
# openpyxl's write-only mode still spends ~25 µs a cell and needs the whole file before the
# first byte; this writes the SpreadsheetML parts straight into a zip that is sent as it grows.
# Text is always an inline *string* cell (never a formula), as cells.xlsx_cell requires.

_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>",
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>",
}
_XLSX_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


class _Sink(io.RawIOBase):
    """A write-only, non-seekable stream collecting what zipfile writes, handed out in pieces."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def writable(self):
        return True

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


# Text needing work before it goes into the XML: the three markup characters and what
# cells.ILLEGAL removes. Most cells hold none, and one search is cheaper than a sub and three
# replaces (the 20,000-row hazard export: 220,000 cells).
_XML_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _xlsx_text(text: str) -> str:
    if _XML_SPECIAL.search(text):
        text = xml_escape(clean_text(text))
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _xlsx_cell(value) -> str:
    if type(value) is str:  # the common case first: no plain() dispatch needed
        return _xlsx_text(value)
    value = plain(value)
    if isinstance(value, int | Decimal) or (isinstance(value, float) and math.isfinite(value)):
        return f"<c><v>{value}</v></c>"
    return _xlsx_text(str(value))


def xlsx_stream(title: str, header, rows):
    """The bytes of an xlsx file (one sheet: header + rows), yielded as they are written."""
    sink = _Sink()
    name = xml_escape(re.sub(r"[\\/?*\[\]:]", "", title)[:31] or "Sheet1", {'"': "&quot;"})
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for part, text in _XLSX_PARTS.items():
            zf.writestr(part, text)
        zf.writestr("xl/workbook.xml", _XLSX_WORKBOOK.format(name=name))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            chunk = ["<row>" + "".join(_xlsx_cell(v) for v in header) + "</row>"]
            for row in rows:
                chunk.append("<row>" + "".join(_xlsx_cell(v) for v in row) + "</row>")
                if len(chunk) >= 500:
                    sheet.write("".join(chunk).encode())
                    chunk = []
                    yield sink.take()
            sheet.write("".join(chunk).encode() + b"</sheetData></worksheet>")
    yield sink.take()


def _field_at(model, path: str):
    """The model field a "__" path ends on, or None if a part is not a concrete field."""
    field = None
    for i, part in enumerate(path.split("__")):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not getattr(field, "concrete", False):
            return None
        model = field.related_model if field.is_relation else None
        if field.is_relation and i == len(path.split("__")) - 1:
            return None  # a relation itself renders as its object: needs an instance
    return field


def _values_rows(queryset, columns):
    """The export rows from values(): one dict per row, no model instances; None when a column
    cannot be computed that way."""
    getters, needed = [], []
    language = get_language()
    for c in columns:
        if c.value is not None:
            if c.from_values is None:
                return None
            needed += c.needs
            getters.append(c.from_values)
            continue
        field = _field_at(queryset.model, c.key)
        if field is None:
            return None
        needed.append(c.key)
        if field.choices:
            labels = _choice_labels(field, language)
            getters.append(lambda r, k=c.key, labels=labels: labels.get(r[k], r[k]))
        else:
            getters.append(lambda r, k=c.key: r[k])
    rows = queryset.values(*dict.fromkeys(needed)).iterator(chunk_size=2000)
    return ([g(r) for g in getters] for r in rows)


def export(queryset, spec: ListSpec, fmt: str, title: str) -> HttpResponse:
    """The rows as a download: CSV streamed as it is written; xlsx from a write-only workbook
    spooled to a temporary file (memory stays flat) and sent in blocks. Rows come from values()
    when every column allows it (see Column.needs), from model instances otherwise."""
    header = [c.label for c in spec.columns]
    values = _values_rows(queryset, spec.columns)
    if values is None:
        values = ([c.get(obj) for c in spec.columns] for obj in queryset.iterator(chunk_size=2000))
    return download_rows(title, header, values, fmt)


def download_rows(title: str, header, values, fmt: str = "xlsx") -> HttpResponse:
    """Rows as a streamed CSV or xlsx download named ``<title>-<local time>`` (cells through
    the core writers: no formulas). Used by ``export`` and by pages exporting computed tables."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{title}-{stamp}"
    if fmt == "xlsx":
        response = StreamingHttpResponse(
            xlsx_stream(title, header, values),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        ext = "xlsx"
    else:
        response = StreamingHttpResponse(
            _csv_stream(header, values), content_type="text/csv; charset=utf-8"
        )
        ext = "csv"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.{ext}"
    return response


def _link(obj) -> str | None:
    getter = getattr(obj, "get_absolute_url", None)
    return getter() if getter else None


def _cell_html(cell, url):
    if cell is True:
        return gettext("是")
    if cell is False:
        return gettext("否")
    if cell is None or cell == "":
        return format_html('<span class="text-muted">{}</span>', "—")
    # as the template's {{ cell }} would: local time, localised format, escaped unless safe
    text = localize(template_localtime(cell))
    if url:
        return format_html('<a href="{}">{}</a>', url, text)
    return conditional_escape(text)


def rows_html(rows, columns: int):
    """The table body of a list page, built here rather than in the template: a page of 50 rows
    × 11 columns was ~5,000 template lookups, two thirds of the page's time (issue #11). Every
    value is escaped once by format_html (a value a column already made safe is kept)."""
    if not rows:
        return format_html(
            '<tr><td colspan="{}" class="text-center text-muted py-4">{}</td></tr>',
            columns,
            gettext("没有符合条件的记录"),
        )
    return format_html_join(
        "",
        "<tr>{}</tr>",
        (
            (format_html_join("", "<td>{}</td>", ((_cell_html(c, u),) for c, u in cells)),)
            for _, cells in rows
        ),
    )


def filter_fields(spec: ListSpec, active: dict) -> list[dict]:
    """The filter form's fields with their current values and selected options."""
    out = []
    for name, flt in spec.filters.items():
        value = active.get(name, "")
        choices = [(str(v), label, str(v) == value) for v, label in (flt.choices or [])]
        out.append({"name": name, "label": flt.label, "value": value, "choices": choices})
    return out


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
    rows = [
        (obj, [(c.shown(obj), _link(obj) if c.link else None) for c in spec.columns])
        for obj in page.object_list
    ]
    context = {
        "title": title,
        "spec": spec,
        "page": page,
        "rows": rows,
        "rows_html": rows_html(rows, len(spec.columns)),
        "filter_fields": filter_fields(spec, state["filters"]),
        "state": state,
        "query": query.urlencode(),
        "filter_values": state["filters"],
        **(extra or {}),
    }
    return render(request, template, context, status=400 if state["invalid"] else 200)
