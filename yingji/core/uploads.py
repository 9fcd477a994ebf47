"""Uploads, the one place: the size limit (YINGJI_UPLOAD_MAX_BYTES) for every upload, web and API;
an allow-list of types checked by extension AND by the file's first bytes (a renamed executable
is refused); zip containers (xlsx, docx) checked for decompression bombs before any parser opens
them; xlsx read streaming with caps on rows, columns, cells and shared strings."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from pathlib import PurePath
from typing import NoReturn

from django.conf import settings

from .errors import ValidationFailed

# extension -> (mime type, accepted leading bytes; None = text, checked as UTF-8/GB18030)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
}


def validate_upload(uploaded) -> tuple[str, str]:
    """Return (mime type, sha256) or raise ValidationFailed with a clear message."""
    name = uploaded.name or ""
    ext = PurePath(name).suffix.lower()
    check_size(uploaded.size, name)
    if ext not in ALLOWED:
        raise ValidationFailed(
            f"不支持的文件类型“{ext or '无扩展名'}”。允许:{'、'.join(sorted(ALLOWED))}。",
            code="upload_type",
            details={"extension": ext},
        )
    mime, magics = ALLOWED[ext]
    digest = hashlib.sha256()
    head = b""
    for chunk in uploaded.chunks():
        if len(head) < 16:
            head += chunk[:16]
        digest.update(chunk)
    uploaded.seek(0)
    if magics is not None and not any(head.startswith(m) for m in magics):
        raise ValidationFailed(
            f"文件“{name}”的内容与扩展名“{ext}”不符。", code="upload_content_mismatch"
        )
    if magics is None and b"\x00" in head:
        raise ValidationFailed(f"文件“{name}”不是文本文件。", code="upload_content_mismatch")
    return mime, digest.hexdigest()


# --- video (执法记录仪 recordings): their own size limit, never opened or decoded ----------------
# Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file as it
# arrives, so a video is streamed to disk; here only its first bytes are compared and its chunks
# hashed. mp4 (ISO base media): bytes 4–8 are the box type "ftyp" (ISO/IEC 14496-12 §4.3);
# webm (Matroska/EBML): the EBML header 1A 45 DF A3 (RFC 9559 §8.1).
VIDEO = {".mp4": "video/mp4", ".webm": "video/webm"}


def _video_magic_ok(ext: str, head: bytes) -> bool:
    if ext == ".mp4":
        return head[4:8] == b"ftyp"
    return head.startswith(b"\x1a\x45\xdf\xa3")


def validate_video(uploaded) -> tuple[str, str]:
    """(mime type, sha256) of an .mp4/.webm upload, or ValidationFailed: larger than
    YINGJI_UPLOAD_VIDEO_MAX_BYTES, another extension, or leading bytes that do not match."""
    name = uploaded.name or ""
    limit = settings.YINGJI_UPLOAD_VIDEO_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationFailed(
            f"视频“{name}”大小为 {uploaded.size:,} 字节,超过上限 {limit:,} 字节。",
            code="upload_too_large",
            details={"size": uploaded.size, "limit": limit},
        )
    ext = PurePath(name).suffix.lower()
    if ext not in VIDEO:
        raise ValidationFailed(
            f"视频应为 {'、'.join(VIDEO)} 文件。", code="upload_type", details={"extension": ext}
        )
    digest = hashlib.sha256()
    head = b""
    for chunk in uploaded.chunks():
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        digest.update(chunk)
    uploaded.seek(0)
    if not _video_magic_ok(ext, head):
        raise ValidationFailed(
            f"文件“{name}”的内容与扩展名“{ext}”不符。", code="upload_content_mismatch"
        )
    return VIDEO[ext], digest.hexdigest()


# --- one size limit for every upload, web and API ----------------------------------------------


def check_size(size: int | None, name: str = "") -> None:
    """Refuse a file larger than YINGJI_UPLOAD_MAX_BYTES (before anything reads it)."""
    limit = settings.YINGJI_UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise ValidationFailed(
            f"文件“{name}”大小为 {size:,} 字节,超过上限 {limit:,} 字节。",
            code="upload_too_large",
            details={"size": size, "limit": limit},
        )


def read_upload(uploaded, *, extensions: tuple[str, ...]) -> bytes:
    """The bytes of an uploaded file that an importer will open: the size limit first (from the
    declared size, then on the bytes actually read), the extension among `extensions`, the
    leading bytes matching it, and for .xlsx/.docx the zip container checked (check_zip) before
    any parser sees it. Raises ValidationFailed with a Chinese message."""
    name = getattr(uploaded, "name", "") or ""
    check_size(getattr(uploaded, "size", None), name)
    ext = PurePath(name).suffix.lower()
    if ext not in extensions:
        raise ValidationFailed(
            f"不支持的文件类型“{ext or '无扩展名'}”,请上传 {'、'.join(extensions)} 文件。",
            code="upload_type",
            details={"extension": ext},
        )
    data = uploaded.read(settings.YINGJI_UPLOAD_MAX_BYTES + 1)
    check_size(len(data), name)
    magics = ALLOWED.get(ext, (None, None))[1]
    if magics is not None and not any(data.startswith(m) for m in magics):
        raise ValidationFailed(
            f"文件“{name}”的内容与扩展名“{ext}”不符。", code="upload_content_mismatch"
        )
    if ext == ".xlsx":
        check_xlsx(data, name)
    elif ext == ".docx":
        check_zip(data, name)
    return data


# --- zip containers (xlsx, docx): decompression bombs -------------------------------------------
# zipfile never yields more than a member's declared size (it cuts the output there and then
# fails the CRC), so the declared sizes read from the central directory bound what a parser can
# be fed. They are checked before openpyxl or python-docx open the file.

ZIP_MAX_MEMBERS = 1000
ZIP_MAX_MEMBER_BYTES = 50 * 1024 * 1024  # one part, uncompressed
ZIP_MAX_XML_BYTES = 20 * 1024 * 1024  # an XML part that is parsed whole (all but worksheets)
ZIP_MAX_TOTAL_BYTES = 100 * 1024 * 1024  # all parts, uncompressed
ZIP_MAX_RATIO = 100  # uncompressed / compressed, for parts over ZIP_RATIO_FROM bytes
ZIP_RATIO_FROM = 1024 * 1024
XLSX_MAX_CELLS = 300_000  # cells written in all worksheets
XLSX_MAX_STRINGS = 300_000  # entries of the shared strings table
XLSX_MAX_ROWS = 20_000  # rows an importer reads from a sheet (empty ones included)
XLSX_MAX_COLUMNS = 200  # columns an importer reads (the rest are ignored)

_STREAMED = re.compile(r"xl/worksheets/[^/]+\.xml")


def _refuse(name: str, why: str, code: str = "upload_too_complex", **details) -> NoReturn:
    raise ValidationFailed(
        f"{f'文件“{name}”' if name else '该文件'}无法安全打开:{why}。"
        "请检查文件,或另存为普通的 .xlsx/.docx 后再上传。",
        code=code,
        details=details,
    )


def check_zip(data: bytes, name: str = "") -> zipfile.ZipFile | None:
    """Refuse a zip whose declared contents are too many, too large or too compressed, or that
    uses a compression other than stored/deflate. Returns the open ZipFile (None when the data
    is not a readable zip at all: the importer's own message then says what it is)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    if len(members) > ZIP_MAX_MEMBERS:
        _refuse(
            name,
            f"压缩包内有 {len(members):,} 个部件,超过上限 {ZIP_MAX_MEMBERS:,} 个",
            members=len(members),
        )
    total = 0
    for info in members:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            _refuse(
                name,
                f"部件“{info.filename[:80]}”使用了不支持的压缩方式",
                member=info.filename[:200],
            )
        limit = ZIP_MAX_MEMBER_BYTES if _STREAMED.fullmatch(info.filename) else ZIP_MAX_XML_BYTES
        if not info.filename.lower().endswith((".xml", ".rels")):
            limit = ZIP_MAX_MEMBER_BYTES
        if info.file_size > limit:
            _refuse(
                name,
                f"部件“{info.filename[:80]}”解压后为 {info.file_size:,} 字节,超过上限 "
                f"{limit:,} 字节",
                member=info.filename[:200],
                size=info.file_size,
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > ZIP_RATIO_FROM and ratio > ZIP_MAX_RATIO:
            _refuse(
                name,
                f"部件“{info.filename[:80]}”压缩比为 {ratio:,.0f}:1,超过上限 "
                f"{ZIP_MAX_RATIO}:1(疑似压缩炸弹)",
                member=info.filename[:200],
                ratio=round(ratio),
            )
        total += info.file_size
    if total > ZIP_MAX_TOTAL_BYTES:
        _refuse(name, f"解压后共 {total:,} 字节,超过上限 {ZIP_MAX_TOTAL_BYTES:,} 字节", size=total)
    return archive


_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def _count(archive: zipfile.ZipFile, member: str, pattern: re.Pattern, limit: int) -> int:
    """Occurrences of `pattern` in a member, streamed in chunks; stops above `limit`."""
    count, tail = 0, b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1024 * 1024):
                block = tail + chunk
                # a match cannot be longer than 64 bytes: keep the end for the next chunk
                cut = max(len(block) - 64, 0)
                count += len(pattern.findall(block, 0, cut))
                tail = block[cut:]
                if count > limit:
                    return count
        return count + len(pattern.findall(tail))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return count  # a broken member: openpyxl says so in the importer's words


def check_xlsx(data: bytes, name: str = "") -> None:
    """check_zip, then the number of cells in the worksheets and of shared strings."""
    archive = check_zip(data, name)
    if archive is None:
        return
    cells = 0
    for member in archive.namelist():
        if _STREAMED.fullmatch(member):
            cells += _count(archive, member, _CELL, XLSX_MAX_CELLS - cells)
            if cells > XLSX_MAX_CELLS:
                _refuse(
                    name,
                    f"工作表中的单元格超过上限 {XLSX_MAX_CELLS:,} 个,请分批导入",
                    code="xlsx_too_many_cells",
                    limit=XLSX_MAX_CELLS,
                )
    if "xl/sharedStrings.xml" in archive.namelist():
        strings = _count(archive, "xl/sharedStrings.xml", _STRING, XLSX_MAX_STRINGS)
        if strings > XLSX_MAX_STRINGS:
            _refuse(
                name,
                f"共享字符串表的条目超过上限 {XLSX_MAX_STRINGS:,} 条",
                code="xlsx_too_many_strings",
                limit=XLSX_MAX_STRINGS,
            )


def open_xlsx(data: bytes, *, unreadable: str, name: str = ""):
    """openpyxl's workbook (read-only, streaming, values not formulas) of a checked .xlsx;
    ValidationFailed(unreadable) when it is not one."""
    from openpyxl import load_workbook

    check_xlsx(data, name)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
        raise ValidationFailed(
            unreadable, code="xlsx_unreadable", details={"error": type(exc).__name__}
        ) from exc


def sheet_rows(
    ws,
    *,
    max_rows: int = XLSX_MAX_ROWS,
    max_cols: int = XLSX_MAX_COLUMNS,
    values_only: bool = True,
    min_row: int = 1,
):
    """A read-only sheet's rows (at most max_cols wide), refusing a sheet of more than max_rows
    rows. Explicit bounds matter: without them openpyxl pads every row to the sheet's declared
    dimension (a tiny file can declare A1:XFD1048576)."""
    last = max_rows + 1
    rows = ws.iter_rows(min_row=min_row, max_row=last, max_col=max_cols, values_only=values_only)
    for number, row in enumerate(rows, start=min_row):
        if number > max_rows:
            raise ValidationFailed(
                f"工作表超过 {max_rows:,} 行(含空行),请删除多余的行或分批导入。",
                code="xlsx_too_many_rows",
                details={"limit": max_rows},
            )
        yield row


# --- file names a user gave ----------------------------------------------------------------------

_NAME_FORBIDDEN = re.compile(r'[\\/:*?"<>|]')


def safe_file_name(name: str, default: str = "文件", limit: int = 120) -> str:
    """A user's file name made safe to store, show and send back in a download: the last path
    part only, no control or format characters, none of \\ / : * ? " < > |, no leading dots or
    spaces, at most ``limit`` characters (the extension kept)."""
    import unicodedata

    name = re.split(r"[\\/]", str(name or ""))[-1]
    kept = []
    for ch in name:
        if ch.isspace():
            kept.append(" ")
        elif not unicodedata.category(ch).startswith("C"):  # control, format (RLO), unassigned
            kept.append(ch)
    name = "".join(kept)
    name = _NAME_FORBIDDEN.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(". ")
    if not name:
        return default
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        ext = f".{ext}" if dot and stem and len(ext) <= 10 else ""
        name = name[: limit - len(ext)].rstrip() + ext
    return name
