"""Checking an 执法全过程记录 upload, type by extension AND leading bytes. Photos go through core's
own allow-list and size limit (YINGJI_UPLOAD_MAX_BYTES); videos (.mp4/.webm) through
core.uploads.validate_video and its own limit (YINGJI_UPLOAD_VIDEO_MAX_BYTES); audio (not on
core's lists) is checked here against the general limit."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from yingji.core.errors import ValidationFailed
from yingji.core.uploads import VIDEO, check_size, validate_upload, validate_video

MEDIA = {
    ".mp3": ("audio", "audio/mpeg"),
    ".m4a": ("audio", "audio/mp4"),
    ".wav": ("audio", "audio/wav"),
}
PHOTO = (".jpg", ".jpeg", ".png")


def _magic_ok(ext: str, head: bytes) -> bool:
    if ext == ".m4a":
        return head[4:8] == b"ftyp"
    if ext == ".mp3":
        return head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
    if ext == ".wav":
        return head.startswith(b"RIFF") and head[8:12] == b"WAVE"
    return False


def check_recording(upload, kind: str) -> tuple[str, str]:
    """(mime type, sha256) of a recording of ``kind`` (audio/video/photo), or ValidationFailed."""
    name = upload.name or ""
    ext = PurePath(name).suffix.lower()
    if kind == "video":
        if ext not in VIDEO:
            raise ValidationFailed(f"录像应为 {'、'.join(VIDEO)} 文件。", code="upload_type")
        return validate_video(upload)
    check_size(upload.size, name)
    if kind == "photo":
        if ext not in PHOTO:
            raise ValidationFailed(f"照片应为 {'、'.join(PHOTO)} 文件。", code="upload_type")
        return validate_upload(upload)
    if ext not in MEDIA or MEDIA[ext][0] != kind:
        allowed = "、".join(e for e, (k, _) in MEDIA.items() if k == kind)
        raise ValidationFailed(f"录音应为 {allowed} 文件。", code="upload_type")
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


def check_audio_video(upload) -> tuple[str, str]:
    """A 录音录像 file of either kind, told by its extension: a video (.mp4/.webm) or audio
    (.mp3/.m4a/.wav); ValidationFailed for anything else (a penalty case's evidence uses it)."""
    ext = PurePath(upload.name or "").suffix.lower()
    if ext in VIDEO:
        return check_recording(upload, "video")
    if ext in MEDIA:
        return check_recording(upload, "audio")
    allowed = "、".join([*VIDEO, *MEDIA])
    raise ValidationFailed(f"录音录像应为 {allowed} 文件。", code="upload_type")
