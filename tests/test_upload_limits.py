"""Uploads: decompression bombs and one size limit (issue #10 item 6).

Every importer refuses, quickly and with a Chinese message, files that are small on disk and
costly to open (before the fix a 194 KB sheet took 28 s in the enterprise importer and more
than 60 s in the hazard importer; a 205 KB one 700 MB of memory). And every upload path, web
and API, refuses a file over YINGJI_UPLOAD_MAX_BYTES before reading it."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import hostile_files as hostile
from yingji.core import uploads
from yingji.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

SECONDS = 3  # a refusal is a few milliseconds; the bound leaves room for a loaded machine


def _enterprise_header():
    from yingji.enterprises.validation import FIELD_LABELS

    return tuple(FIELD_LABELS.values())


def _hazard_header():
    from yingji.hazards.importing import COLUMNS

    return tuple(label for _, label in COLUMNS)


def _ledger_header():
    from yingji.workplan.documents import LEDGER_HEADERS

    return tuple(LEDGER_HEADERS)


def _enterprises(data):
    from yingji.enterprises.importing import parse_workbook

    return parse_workbook(data)


def _hazards(data):
    from yingji.hazards.importing import parse_workbook

    return parse_workbook(data)


def _ledger(data):
    from yingji.workplan.documents import read_ledger_xlsx

    return read_ledger_xlsx(data)


XLSX_READERS = {
    "enterprises": (_enterprises, _enterprise_header),
    "hazards": (_hazards, _hazard_header),
    "ledger": (_ledger, _ledger_header),
}

BOMBS = {
    # 20 000 rows of the same 20 cells: 40 KB, 8.8 MB unpacked (ratio 228:1)
    "many_cells": lambda header: hostile.many_cells_xlsx(20_000, 20, header),
    # 60 MB of blanks in the worksheet: 63 KB
    "deflate": lambda header: hostile.deflate_bomb_xlsx(60),
    # a million shared strings: 43 KB
    "shared_strings": lambda header: hostile.shared_strings_xlsx(1_000_000),
    # the central directory says the sheet is 4 GB
    "declared_size": lambda header: hostile.member_lies_xlsx(),
    # 5 000 empty members
    "members": lambda header: hostile.many_members_zip(5000),
}


def _refused_quickly(read, data) -> ValidationFailed:
    started = time.perf_counter()
    with pytest.raises(ValidationFailed) as refused:
        read(data)
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    return refused.value


@pytest.mark.parametrize("bomb", sorted(BOMBS))
@pytest.mark.parametrize("importer", sorted(XLSX_READERS))
def test_every_xlsx_importer_refuses_bombs_before_opening_them(importer, bomb):
    read, header = XLSX_READERS[importer]
    error = _refused_quickly(read, BOMBS[bomb](header()))
    assert error.code in ("upload_too_complex", "xlsx_too_many_cells", "xlsx_too_many_strings")
    assert "无法安全打开" in error.message


@pytest.mark.parametrize("importer", ["enterprises", "ledger"])
def test_a_sheet_that_declares_a_million_rows_is_refused(importer):
    """A 1.7 KB sheet with a cell in row 1 048 576 and dimension A1:XFD1048576: openpyxl pads
    every missing row. The importers read at most XLSX_MAX_ROWS rows."""
    read, header = XLSX_READERS[importer]
    at = 2 if importer == "ledger" else 1
    error = _refused_quickly(read, hostile.dimension_xlsx(header(), at))
    assert error.code == "xlsx_too_many_rows"
    assert f"{uploads.XLSX_MAX_ROWS:,} 行" in error.message


def test_the_hazard_importer_stops_at_its_row_limit_on_such_a_sheet():
    started = time.perf_counter()
    rows, errors = _hazards(hostile.dimension_xlsx(_hazard_header()))
    assert time.perf_counter() - started < SECONDS
    assert rows == [] and "请分批导入" in errors[-1]["message"]


def test_cells_and_shared_strings_are_counted_before_opening(monkeypatch):
    """Files that compress normally (under the ratio) but hold too many cells or strings."""
    monkeypatch.setattr(uploads, "XLSX_MAX_CELLS", 1000)
    monkeypatch.setattr(uploads, "XLSX_MAX_STRINGS", 1000)
    cells = hostile.many_cells_xlsx(60, 20, _enterprise_header())
    error = _refused_quickly(_enterprises, cells)
    assert error.code == "xlsx_too_many_cells" and "1,000 个" in error.message
    strings = hostile.shared_strings_xlsx(1500)
    error = _refused_quickly(_ledger, strings)
    assert error.code == "xlsx_too_many_strings"


def test_compression_other_than_deflate_is_refused():
    data = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(data, "w", zipfile.ZIP_LZMA) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    error = _refused_quickly(_hazards, data.getvalue())
    assert "不支持的压缩方式" in error.message


def test_columns_beyond_the_cap_are_not_read():
    """A row is read at most XLSX_MAX_COLUMNS wide, whatever the sheet declares."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(hostile.dimension_xlsx(("a",))), read_only=True)
    first = next(uploads.sheet_rows(wb.worksheets[0]))
    assert len(first) == uploads.XLSX_MAX_COLUMNS
    wb.close()


def test_workplan_docx_and_text_are_bounded():
    from yingji.workplan.importing import MAX_TEXT_CHARS, read_document
    from yingji.workplan.parsing import WorkplanParseError

    # 28 MB of paragraphs in 84 KB: refused before python-docx parses it
    error = _refused_quickly(
        lambda d: read_document("要点.docx", d), hostile.many_paragraphs_docx(500_000)
    )
    assert "word/document.xml" in error.message
    # a text far longer than any 工作要点
    started = time.perf_counter()
    with pytest.raises(WorkplanParseError) as refused:
        read_document("要点.txt", ("一、加强安全生产。\n" * (MAX_TEXT_CHARS // 5)).encode())
    assert time.perf_counter() - started < SECONDS
    assert "不像是一份工作要点" in refused.value.message


def test_a_normal_export_passes_the_checks():
    """The bounds leave room for the platform's own files (the templates and exports)."""
    from yingji.enterprises.importing import build_template as enterprise_template
    from yingji.hazards.importing import build_template as hazard_template

    for data in (enterprise_template(), hazard_template()):
        uploads.check_xlsx(data, "模板.xlsx")


# --- one size limit, every upload path ---------------------------------------------------------

BIG = b"PK\x03\x04" + b"\0" * 4000


def _file(name, data=BIG):
    return SimpleUploadedFile(name, data)


@pytest.fixture
def small_limit(settings):
    settings.YINGJI_UPLOAD_MAX_BYTES = 1000


def test_every_web_upload_refuses_a_file_over_the_limit(as_user, small_limit):
    from yingji.workplan.models import ReportingCycle

    client = as_user("city_admin")
    cycle = ReportingCycle.objects.select_related("plan").order_by("pk").first()
    posts = [
        (reverse("enterprises:import"), {"file": _file("企业.xlsx")}),
        (reverse("hazards:import"), {"file": _file("隐患.xlsx")}),
        (
            reverse("workplan:import"),
            {
                "file": _file("要点.txt", ("一" * 2000).encode()),
                "owner": "LZYJJ",
                "coordinator": "LZYJJ-ZHXT",
            },
        ),
        (
            reverse("workplan:ledger_import", args=[cycle.plan_id]),
            {"file": _file("台账.xlsx"), "cycle_id": cycle.pk},
        ),
    ]
    for url, data in posts:
        page = client.post(url, data, follow=True).content.decode()
        assert "超过上限 1,000 字节" in page, url


def test_every_api_upload_refuses_a_file_over_the_limit(as_user, small_limit):
    client = as_user("city_admin")
    for url, data in [
        ("/api/v1/enterprises/import", {"file": _file("企业.xlsx")}),
        (
            "/api/v1/workplan/imports",
            {
                "file": _file("要点.txt", ("一" * 2000).encode()),
                "owner": "LZYJJ",
                "coordinator": "LZYJJ-ZHXT",
            },
        ),
    ]:
        response = client.post(url, data)
        assert response.status_code == 422, (url, response.status_code)
        body = response.json()
        assert body["code"] == "upload_too_large" and "超过上限" in body["message"], body


def test_a_file_whose_declared_size_lies_is_still_cut_at_the_limit(small_limit):
    class Lying(io.BytesIO):
        name = "要点.txt"
        size = 10  # what the client said

    with pytest.raises(ValidationFailed) as refused:
        uploads.read_upload(Lying(b"x" * 5000), extensions=(".txt",))
    assert refused.value.code == "upload_too_large"
