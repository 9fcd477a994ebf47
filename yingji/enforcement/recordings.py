"""Checking an 执法全过程记录 upload: the size limit of core/uploads.py (YINGJI_UPLOAD_MAX_BYTES)
first, then the type by extension AND leading bytes. Photos go through core's own allow-list;
audio and video (not on core's list of document types) are checked here."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from yingji.core.errors import ValidationFailed
from yingji.core.uploads import check_size, validate_upload

MEDIA = {
    ".mp4": ("video", "video/mp4"),
    ".mov": ("video", "video/quicktime"),
    ".webm": ("video", "video/webm"),
    ".mp3": ("audio", "audio/mpeg"),
    ".m4a": ("audio", "audio/mp4"),
    ".wav": ("audio", "audio/wav"),
}
PHOTO = (".jpg", ".jpeg", ".png")


def _magic_ok(ext: str, head: bytes) -> bool:
    if ext in (".mp4", ".mov", ".m4a"):
        return head[4:8] == b"ftyp"
    if ext == ".webm":
        return head.startswith(b"\x1a\x45\xdf\xa3")
    if ext == ".mp3":
        return head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
    if ext == ".wav":
        return head.startswith(b"RIFF") and head[8:12] == b"WAVE"
    return False


def check_recording(upload, kind: str) -> tuple[str, str]:
    """(mime type, sha256) of a recording of ``kind`` (audio/video/photo), or ValidationFailed."""
    name = upload.name or ""
    check_size(upload.size, name)
    ext = PurePath(name).suffix.lower()
    if kind == "photo":
        if ext not in PHOTO:
            raise ValidationFailed(f"照片应为 {'、'.join(PHOTO)} 文件。", code="upload_type")
        return validate_upload(upload)
    if ext not in MEDIA or MEDIA[ext][0] != kind:
        allowed = "、".join(e for e, (k, _) in MEDIA.items() if k == kind)
        raise ValidationFailed(
            f"{'录音' if kind == 'audio' else '录像'}应为 {allowed} 文件。", code="upload_type"
        )
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if len(head) < 16:
            head += chunk[:16]
        digest.update(chunk)
    upload.seek(0)
    if not _magic_ok(ext, head):
        raise ValidationFailed(
            f"文件“{name}”的内容与扩展名“{ext}”不符。", code="upload_content_mismatch"
        )
    return MEDIA[ext][1], digest.hexdigest()
