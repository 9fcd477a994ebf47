"""Fuzzing every importer with malformed and hostile files (issue #10).

Each importer gets random bytes, truncated and bit-flipped copies of a real file of its own
kind, valid zips with junk members, members whose declared size is huge, and sheets with
formulas and control characters. The contract: it returns, or refuses with a Chinese message
(ValidationFailed, WorkplanParseError); never another exception, and never slowly."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import hostile_files as hostile
from yingji.core.errors import ValidationFailed
from yingji.workplan.parsing import WorkplanParseError

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=80,
    deadline=3000,  # ms per example: a refusal takes a few
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples each run: the suite stays repeatable
    database=None,
)


def _chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def check(read, data: bytes) -> None:
    try:
        read(data)
    except (ValidationFailed, WorkplanParseError) as refused:
        assert _chinese(refused.message), refused.message


# --- hostile variations of a real file -------------------------------------------------------


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info, replace.get(info.filename, src.read(info.filename)))
    return out.getvalue()


def _lie_about_size(data: bytes, index: int, size: int) -> bytes:
    """Edit the central directory: member `index` declares `size` bytes uncompressed."""
    data = bytearray(data)
    headers = [i for i in range(len(data)) if data.startswith(b"PK\x01\x02", i)]
    if headers:
        at = headers[index % len(headers)]
        data[at + 24 : at + 28] = size.to_bytes(4, "little")
    return bytes(data)


CELL_TEXT = st.one_of(
    st.text(max_size=40),  # any code point, control characters included
    st.sampled_from(["=1+1", "=cmd|' /C calc'!A0", "@SUM(A1)", "+1", "-1", "\t=x", "{{7*7}}"]),
    st.sampled_from(["<script>alert(1)</script>", "\x00", "\u202e", "９１３５"]),
)


def _sheet_with(header: tuple[str, ...], cells: list[str], formula: bool) -> bytes:
    def cell(value: str) -> str:
        text = escape(value)
        if formula:
            return f"<c><f>{text}</f><v>1</v></c>"
        return f'<c t="inlineStr"><is><t>{text}</t></is></c>'

    row = "<row>" + "".join(cell(v) for v in cells) + "</row>"
    return hostile.xlsx(
        f"{hostile.SHEET_HEAD}<sheetData>{hostile.header_row(header)}{row}</sheetData></worksheet>"
    )


@st.composite
def hostile_zip(draw, base: bytes, header: tuple[str, ...]):
    kind = draw(st.sampled_from(["bytes", "truncated", "flipped", "member", "size", "cells"]))
    if kind == "bytes":
        return draw(st.sampled_from([b"", b"PK\x03\x04"])) + draw(st.binary(max_size=600))
    if kind == "truncated":
        return base[: draw(st.integers(0, len(base)))]
    if kind == "flipped":
        data = bytearray(base)
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    names = zipfile.ZipFile(io.BytesIO(base)).namelist()
    if kind == "member":
        name = draw(st.sampled_from(names))
        junk = draw(
            st.one_of(
                st.binary(max_size=300),
                st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
                st.sampled_from(
                    [b"<x/>", b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY b 'c'>]><a>&b;</a>"]
                ),
            )
        )
        return _rezip(base, {name: junk})
    if kind == "size":
        return _lie_about_size(base, draw(st.integers(0, 20)), draw(st.integers(2**20, 2**32 - 1)))
    cells = draw(st.lists(CELL_TEXT, min_size=1, max_size=len(header) or 3))
    return _sheet_with(header, cells, draw(st.booleans()))


# --- the importers ----------------------------------------------------------------------------


def test_fuzz_enterprise_import():
    from yingji.enterprises.importing import build_template, parse_workbook
    from yingji.enterprises.validation import FIELD_LABELS

    @FUZZ
    @given(hostile_zip(build_template(), tuple(FIELD_LABELS.values())))
    def run(data):
        check(parse_workbook, data)

    run()


def test_fuzz_hazard_import():
    from yingji.hazards.importing import COLUMNS, build_template, parse_workbook

    @FUZZ
    @given(hostile_zip(build_template(), tuple(label for _, label in COLUMNS)))
    def run(data):
        check(parse_workbook, data)

    run()


def test_fuzz_workplan_ledger_import():
    from yingji.workplan.documents import LEDGER_HEADERS, build_ledger_xlsx, read_ledger_xlsx
    from yingji.workplan.models import Assignment, Plan

    plan = Plan.objects.order_by("pk").first()
    ledger = build_ledger_xlsx(plan, Assignment.objects.filter(task__plan=plan)[:5])

    @FUZZ
    @given(hostile_zip(ledger, tuple(LEDGER_HEADERS)))
    def run(data):
        check(read_ledger_xlsx, data)

    run()


def _docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    return hostile.docx(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )


WORKPLAN_LINES = [
    "2022年全市应急管理工作要点",
    "一、强化安全生产",
    "1. 开展安全生产专项整治。(牵头单位:市应急管理局;配合单位:各县区政府)",
    "完成时限:2022年12月底",
]


def _workplan_reader():
    from yingji.workplan.importing import directory_from_db, read_document
    from yingji.workplan.parsing import parse_workplan

    directory = directory_from_db()

    def read(name: str, data: bytes):
        return parse_workplan(read_document(name, data), directory)

    return read


def test_fuzz_workplan_docx_import():
    read = _workplan_reader()
    base = _docx(WORKPLAN_LINES)

    @FUZZ
    @given(
        st.one_of(
            hostile_zip(base, ()),
            st.lists(st.one_of(st.sampled_from(WORKPLAN_LINES), st.text(max_size=60)), max_size=12)
            .map(lambda ps: [p for p in ps if "\x00" not in p])
            .map(_docx),
        )
    )
    def run(data):
        check(lambda d: read("要点.docx", d), data)

    run()


def test_fuzz_workplan_text_import():
    read = _workplan_reader()

    @FUZZ
    @given(
        st.one_of(
            st.binary(max_size=2000),
            st.lists(st.one_of(st.sampled_from(WORKPLAN_LINES), st.text(max_size=80)), max_size=20)
            .map("\n".join)
            .flatmap(
                lambda text: st.sampled_from(["utf-8", "gb18030", "utf-16"]).map(
                    lambda enc: text.encode(enc, "replace")
                )
            ),
        )
    )
    def run(data):
        check(lambda d: read("要点.txt", d), data)

    run()
