"""Reading a work-points file (plain text or .docx) and parsing it against the organisations
in the database. Shared by the CLI, and later the upload page and the API."""

from __future__ import annotations

from pathlib import Path

from yingji.core.uploads import check_zip
from yingji.orgs.selectors import name_directory

from .parsing import OrgDirectory, WorkplanParseError, extract_docx_text, parse_workplan

TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
# What an upload of a work-points file may be (core.uploads.read_upload checks the size, the
# type and, for .docx, the zip container).
WORKPLAN_EXTENSIONS = (".txt", ".docx", ".doc")
# A year's 工作要点 is some 20 000 characters; a text many times longer is not one, and parsing
# it would take minutes and gigabytes.
MAX_TEXT_CHARS = 1_000_000


def directory_from_db() -> OrgDirectory:
    data = name_directory()
    return OrgDirectory(names=set(data["names"]), aliases=data["aliases"], groups=data["groups"])


def read_document(name: str, data: bytes) -> str:
    """The text of an uploaded/given file: .docx through python-docx, anything else as text
    (UTF-8, then GB18030, the usual encodings of Chinese government text files)."""
    if name.lower().endswith(".docx"):
        check_zip(data, name)
        return _bounded(extract_docx_text(data), name)
    if name.lower().endswith(".doc"):
        raise WorkplanParseError(
            "不支持旧版 Word(.doc)文件,请在 Word 中另存为 .docx 或纯文本后再导入。",
            {"file": name},
        )
    if len(data) > MAX_TEXT_CHARS * 4:  # no encoding takes more than 4 bytes a character
        _bounded("x" * (MAX_TEXT_CHARS + 1), name)
    for encoding in TEXT_ENCODINGS:
        try:
            return _bounded(data.decode(encoding), name)
        except UnicodeDecodeError:
            continue
    raise WorkplanParseError(
        "无法识别文件编码:应为 UTF-8 或 GB18030 的纯文本,或 .docx 文件。", {"file": name}
    )


def _bounded(text: str, name: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise WorkplanParseError(
            f"文件“{name}”的文字超过 {MAX_TEXT_CHARS:,} 字,不像是一份工作要点,请检查后再导入。",
            {"file": name, "code": "text_too_long", "limit": MAX_TEXT_CHARS},
        )
    return text


def parse_file(path: Path, mapping: dict[str, list[str]] | None = None) -> dict:
    path = Path(path)
    if not path.is_file():
        raise WorkplanParseError(f"文件不存在:{path}", {"file": str(path)})
    text = read_document(path.name, path.read_bytes())
    return parse_workplan(text, directory_from_db(), mapping=mapping)
