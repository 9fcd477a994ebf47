"""A plan's document: the text extracted from an uploaded .docx (python-docx) or .pdf
(``core.pdftext``: page, character and time limits; encrypted or broken files refused); and the
difference between the texts of two versions (difflib)."""

from __future__ import annotations

import difflib
import io

PLAN_EXTENSIONS = (".docx", ".pdf")
PDF_NO_TEXT = "PDF 中没有可提取的文字(可能是扫描件),正文未提取;可在修订时录入正文。"


def docx_text(data: bytes) -> str:
    """The paragraphs and table cells of a .docx, one per line (read_upload checked it)."""
    from docx import Document

    from yingji.core.errors import ValidationFailed

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a bad file
        raise ValidationFailed("无法读取该 Word 文档,请另存为 .docx 后再上传。") from exc
    lines = [p.text.strip() for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells]
            lines.append(" | ".join(c for c in cells if c))
    return "\n".join(line for line in lines if line)


def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    """The line differences between two texts as (mark, line): "+" added, "-" removed,
    " " context (3 lines around each change), "@" a hunk header."""
    out = []
    for line in difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile="旧版", tofile="新版", lineterm="", n=3
    ):
        if line.startswith(("---", "+++")):
            continue
        mark = line[:1] if line[:1] in "+- @" else " "
        out.append((mark, line[1:] if mark != "@" else line))
    return out
