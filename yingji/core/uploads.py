"""Upload limits: size (YINGJI_UPLOAD_MAX_BYTES) and an allow-list of types checked by
extension AND by the file's first bytes (a renamed executable is refused)."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

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
    limit = settings.YINGJI_UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationFailed(
            f"文件“{name}”大小为 {uploaded.size:,} 字节,超过上限 {limit:,} 字节。",
            code="upload_too_large",
            details={"size": uploaded.size, "limit": limit},
        )
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
