"""Small helpers every app's form-handling views share: run one service and turn its domain
error into a message, and read optional numbers and dates from a POST."""

from __future__ import annotations

from datetime import date

from django.contrib import messages

from .errors import DomainError


def run_service(request, fn, success: str):
    """Call ``fn()`` (one service). On success show ``success`` and return its result (or True
    when it returns nothing); on a domain error or a malformed form show the reason, return None."""
    try:
        result = fn()
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    except (ValueError, TypeError):
        messages.error(request, "表单已过期或内容格式不正确,请刷新后重试。")
        return None
    messages.success(request, success)
    return True if result is None else result


def int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def float_or_none(value):
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def date_or_none(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


DOWNLOAD_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def download(data: bytes, filename: str):
    """A generated file as an attachment, its Chinese name encoded per RFC 6266."""
    from urllib.parse import quote

    from django.http import HttpResponse

    ext = filename.rsplit(".", 1)[-1].lower()
    response = HttpResponse(data, content_type=DOWNLOAD_TYPES.get(ext, "application/octet-stream"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
