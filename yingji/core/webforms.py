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
