"""The text of an uploaded .pdf (pypdf), read as a possible bomb: the file has passed
``core.uploads.read_upload`` (size limit, %PDF magic) before it gets here; then at most
YINGJI_PDF_MAX_PAGES pages, YINGJI_PDF_MAX_CHARS characters of text and YINGJI_PDF_MAX_SECONDS
seconds (checked at every drawing operator of a page's content, so one huge page cannot run on),
with pypdf's own decompression and page-tree limits lowered. A broken, encrypted or oversized
file raises ValidationFailed with a Chinese sentence; nothing else escapes.

    pdf_text(data, name="") -> str        the pages' text, pages separated by a blank line
    pdf_lines(data, name="") -> [str]     the non-empty lines, stripped
"""

from __future__ import annotations

import io
import logging
import time

from django.conf import settings

from .errors import ValidationFailed

log = logging.getLogger(__name__)

# pypdf's limits for one file, tighter than its defaults (75 MB per stream): a plan or a report
# is text; an uploaded file is at most YINGJI_UPLOAD_MAX_BYTES anyway
_LIMITS = {
    "maximum_declared_stream_length": 30_000_000,
    "zlib_maximum_output_length": 30_000_000,
    "lzw_maximum_output_length": 30_000_000,
    "run_length_maximum_output_length": 30_000_000,
    "array_based_stream_maximum_output_length": 30_000_000,
    "jbig2_maximum_output_length": 30_000_000,
    "image_maximum_buffer_size": 30_000_000,
    "page_tree_maximum_entries": 20_000,
    "page_tree_maximum_depth": 50,
    "outline_maximum_entries": 20_000,
    "xform_maximum_invocations_per_extraction": 1_000,
    "jbig2dec_binary": None,  # never start an external program for an uploaded file
}


class _OutOfTime(Exception):
    pass


def _label(name: str) -> str:
    return f"文件“{name}”" if name else "该 PDF 文件"


def _open(data: bytes, name: str):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # an owner password only: the text is readable
            except Exception:  # noqa: BLE001 - an unsupported cipher is refused like a password
                opened = 0
            if not opened:
                raise ValidationFailed(
                    f"{_label(name)}已加密(设有打开密码),无法提取文字。"
                    "请上传未加密的 PDF,或上传 .docx 文件。",
                    code="pdf_encrypted",
                )
        count = len(reader.pages)
    except ValidationFailed:
        raise
    except (PdfReadError, Exception) as exc:  # noqa: BLE001 - a damaged file fails in many ways
        log.info("unreadable pdf %r: %s", name, type(exc).__name__)
        raise ValidationFailed(
            f"{_label(name)}已损坏或不是有效的 PDF,无法读取。请重新导出 PDF 或上传 .docx 文件。",
            code="pdf_unreadable",
        ) from None
    limit = settings.YINGJI_PDF_MAX_PAGES
    if count > limit:
        raise ValidationFailed(
            f"{_label(name)}共 {count:,} 页,超过可提取文字的上限 {limit:,} 页。",
            code="pdf_too_many_pages",
            details={"pages": count, "limit": limit},
        )
    return reader


def pdf_text(data: bytes, name: str = "") -> str:
    """The text of every page, pages separated by a blank line ("" for a scanned PDF)."""
    from pypdf import apply_configuration

    max_chars = settings.YINGJI_PDF_MAX_CHARS
    max_seconds = settings.YINGJI_PDF_MAX_SECONDS
    deadline = time.monotonic() + max_seconds

    def guard(*_args):
        if time.monotonic() > deadline:
            raise _OutOfTime

    pages: list[str] = []
    total = 0
    with apply_configuration(**_LIMITS):
        reader = _open(data, name)
        try:
            for page in reader.pages:
                guard()
                text = page.extract_text(visitor_operand_before=guard) or ""
                total += len(text)
                if total > max_chars:
                    raise ValidationFailed(
                        f"{_label(name)}的文字超过 {max_chars:,} 个字符的上限,未提取。",
                        code="pdf_too_much_text",
                        details={"limit": max_chars},
                    )
                pages.append(text.strip())
        except ValidationFailed:
            raise
        except _OutOfTime:
            raise ValidationFailed(
                f"{_label(name)}的文字在 {max_seconds:g} 秒内未能提取完,文件过于复杂。",
                code="pdf_too_slow",
            ) from None
        except Exception as exc:  # noqa: BLE001 - a damaged page: the same message as a bad file
            log.info("pdf text failed %r: %s", name, type(exc).__name__)
            raise ValidationFailed(
                f"{_label(name)}已损坏,无法提取文字。请重新导出 PDF 或上传 .docx 文件。",
                code="pdf_unreadable",
            ) from None
    return "\n\n".join(p for p in pages if p)


def pdf_lines(data: bytes, name: str = "") -> list[str]:
    """The non-empty lines of the text, stripped (what a report parser reads)."""
    return [line.strip() for line in pdf_text(data, name).splitlines() if line.strip()]
