"""Hostile files for the importer tests (issue #10): small on disk, costly to open.

Each builder returns bytes. They are written by hand (zipfile + XML strings), not through
openpyxl, so that they can say what a real tool would never write."""

from __future__ import annotations

import functools
import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def xlsx(sheet_xml: bytes | str, extra: dict[str, bytes | str] | None = None) -> bytes:
    """A minimal .xlsx whose first sheet is `sheet_xml` (the whole worksheet part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        types = CONTENT_TYPES
        if extra and "xl/sharedStrings.xml" in extra:
            types = types.replace("</Types>", SHARED_STRINGS_TYPE + "</Types>")
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def header_row(labels: list[str] | tuple[str, ...] = (), number: int = 1) -> str:
    """A row of inline strings: an importer's header, so that it reads on into the rows."""
    cells = "".join(f'<c t="inlineStr"><is><t>{label}</t></is></c>' for label in labels)
    return f'<row r="{number}">{cells}</row>'


@functools.lru_cache(maxsize=8)
def many_cells_xlsx(rows: int, cols: int = 20, header: tuple[str, ...] = ()) -> bytes:
    """A sheet of rows × cols numeric cells (rows of the same text compress very well)."""
    row_xml = "".join(f'<c t="n"><v>{i}</v></c>' for i in range(cols))
    body = "".join(f"<row>{row_xml}</row>" for _ in range(rows))
    head = header_row(header) if header else ""
    return xlsx(f"{SHEET_HEAD}<sheetData>{head}{body}</sheetData></worksheet>")


def dimension_xlsx(header: tuple[str, ...] = ("名称",), header_at: int = 1) -> bytes:
    """A few hundred bytes that declare A1:XFD1048576 and put one cell in the last row: a
    reader that trusts the dimension pads a million rows of 16 384 columns."""
    return xlsx(
        f'{SHEET_HEAD}<dimension ref="A1:XFD1048576"/><sheetData>'
        + header_row(header, header_at)
        + '<row r="1048576"><c r="A1048576" t="n"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )


@functools.lru_cache(maxsize=2)
def deflate_bomb_xlsx(megabytes: int = 60) -> bytes:
    """A worksheet part of `megabytes` MB of blanks inside a valid sheet (ratio ~1000:1)."""
    pad = b" " * (megabytes * 1024 * 1024)
    return xlsx(SHEET_HEAD.encode() + b"<sheetData>" + pad + b"</sheetData></worksheet>")


def shared_strings_xlsx(count: int) -> bytes:
    """A shared strings table of `count` entries (openpyxl loads it whole, even read-only)."""
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "<si><t>x</t></si>" * count
        + "</sst>"
    )
    return xlsx(f"{SHEET_HEAD}<sheetData/></worksheet>", {"xl/sharedStrings.xml": strings})


def member_lies_xlsx() -> bytes:
    """A zip whose worksheet declares 4 GB uncompressed (the central directory is edited)."""
    data = bytearray(many_cells_xlsx(2))
    name = b"xl/worksheets/sheet1.xml"
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(name) + 1)
    # central directory header: uncompressed size at offset 24 (4 bytes, little endian)
    data[at + 24 : at + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    return bytes(data)


def many_members_zip(count: int = 5000, inner: str = "xl/worksheets/sheet1.xml") -> bytes:
    base = io.BytesIO(many_cells_xlsx(1))
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
        for i in range(count):
            z.writestr(f"junk/{i}.bin", b"")
    return out.getvalue()


def docx(document_xml: bytes | str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        z.writestr("word/document.xml", document_xml)
    return out.getvalue()


def many_paragraphs_docx(count: int) -> bytes:
    return docx(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body>"
        + "<w:p><w:r><w:t>一、加强安全生产</w:t></w:r></w:p>" * count
        + "</w:body></w:document>"
    )
