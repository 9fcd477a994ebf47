"""An investigation report between its upload and the saved case: the import (调查报告导入)
reads the file once, proposes the fields, and keeps the file in the media storage under
``staging/cases/`` with a signed token (bound to the person, valid a day) that the review form
sends back; saving the case attaches the file to it (services.do_record_case). Nothing of the
case is written before the person saves; a staged file never saved is removed a day later."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from yingji.core.errors import ValidationFailed
from yingji.core.uploads import safe_file_name

STAGING = "staging/cases"
SALT = "yingji.cases.source-document"
MAX_AGE = 24 * 3600
REPORT_EXTENSIONS = (".docx", ".pdf")


def _sweep() -> None:
    """Remove staged files older than a day (reports read but never saved as a case)."""
    try:
        _dirs, files = default_storage.listdir(STAGING)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    cutoff = timezone.now() - dt.timedelta(seconds=MAX_AGE)
    for name in files:
        path = f"{STAGING}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError, OSError):
            continue


def stage(data: bytes, name: str, user) -> str:
    """Keep the report's bytes until the case is saved; the token the review form carries."""
    _sweep()
    ext = PurePath(name or "").suffix.lower()
    if ext not in REPORT_EXTENSIONS:  # read_upload checked it; never store anything else
        raise ValidationFailed("调查报告应为 .docx 或 .pdf 文件。")
    path = default_storage.save(f"{STAGING}/{uuid.uuid4().hex}{ext}", ContentFile(data))
    return signing.dumps({"p": path, "n": safe_file_name(name), "u": user.pk}, salt=SALT)


def staged(token: str, user) -> ContentFile:
    """The staged report of this person as a file to attach (its name sanitised), or a Chinese
    refusal: a token altered, of someone else, older than a day, or its file gone."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationFailed(
            "调查报告原件已过期(超过一天未保存),请重新上传调查报告。", details={"field": "file"}
        ) from None
    except signing.BadSignature:
        raise ValidationFailed("调查报告原件无效,请重新上传调查报告。") from None
    path = str(value.get("p", ""))
    if value.get("u") != user.pk or not path.startswith(f"{STAGING}/") or ".." in path:
        raise ValidationFailed("调查报告原件无效,请重新上传调查报告。")
    try:
        with default_storage.open(path, "rb") as fh:
            data = fh.read()
    except (FileNotFoundError, OSError):
        raise ValidationFailed(
            "调查报告原件已不在暂存区,请重新上传调查报告。", details={"field": "file"}
        ) from None
    document = ContentFile(data, name=safe_file_name(str(value.get("n", ""))))
    document.staged_path = path
    return document


def discard(document) -> None:
    """Remove the staged copy once the case holds the file."""
    path = getattr(document, "staged_path", "")
    if path:
        default_storage.delete(path)
