"""Reading a work-points file (plain text or .docx) and parsing it against the organisations
in the database. Shared by the CLI, and later the upload page and the API."""

from __future__ import annotations

from pathlib import Path

from yingji.orgs.selectors import name_directory

from .parsing import OrgDirectory, WorkplanParseError, extract_docx_text, parse_workplan

TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def directory_from_db() -> OrgDirectory:
    data = name_directory()
    return OrgDirectory(names=set(data["names"]), aliases=data["aliases"], groups=data["groups"])


def read_document(name: str, data: bytes) -> str:
    """The text of an uploaded/given file: .docx through python-docx, anything else as text
    (UTF-8, then GB18030, the usual encodings of Chinese government text files)."""
    if name.lower().endswith(".docx"):
        return extract_docx_text(data)
    if name.lower().endswith(".doc"):
        raise WorkplanParseError(
            "不支持旧版 Word(.doc)文件,请在 Word 中另存为 .docx 或纯文本后再导入。",
            {"file": name},
        )
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WorkplanParseError(
        "无法识别文件编码:应为 UTF-8 或 GB18030 的纯文本,或 .docx 文件。", {"file": name}
    )


def parse_file(path: Path, mapping: dict[str, list[str]] | None = None) -> dict:
    path = Path(path)
    if not path.is_file():
        raise WorkplanParseError(f"文件不存在:{path}", {"file": str(path)})
    text = read_document(path.name, path.read_bytes())
    return parse_workplan(text, directory_from_db(), mapping=mapping)
