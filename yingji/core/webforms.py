"""Helpers every app's form-handling views share: parse the POST into the service's schema
(yingji.core.schemas), run one service and turn its domain error into a message, the
"POST → fetch restricted → one service with the version → redirect" action view, and file
downloads."""

from __future__ import annotations

from datetime import date

from django.contrib import messages

from .errors import DomainError


def run_service(request, fn, success):
    """Call ``fn()`` (one service). On success show ``success`` (a message, or
    ``success(result)`` for one that depends on what the service returned) and return the result
    (or True when it returns nothing); on a domain error or a malformed form show the reason and
    return None."""
    try:
        result = fn()
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    except (ValueError, TypeError):
        messages.error(request, "表单已过期或内容格式不正确,请刷新后重试。")
        return None
    messages.success(request, success(result) if callable(success) else success)
    return True if result is None else result


def form_input(request, schema):
    """The POST as the service's typed input, or None after putting every field's Chinese
    message on the page (the same messages the API gives)."""
    from .schemas import parse_form, summary

    parsed = parse_form(schema, request)
    if not parsed.ok:
        messages.error(request, summary(parsed.errors))
        return None
    return parsed.data


def action_view(
    *,
    fetch,
    call,
    success,
    schema=None,
    action: str = "view",
    redirect_to=None,
):
    """The recurring action view: POST only, signed in; fetch the record through restrict()
    (404 outside the user's scope), parse the form with the service's schema, call one service,
    show its message, redirect to the record (or ``redirect_to(obj, result)``).

    ``fetch(user)`` returns the restricted queryset, ``call(user, obj, data)`` runs the service
    (``data`` is the schema instance, or None without a schema) and ``success`` is the message
    (or ``success(obj, data, result)``, called after the service with what it returned).

        verify = action_view(
            fetch=selectors.visible_hazards,
            schema=VerifyIn,
            call=lambda user, hazard, data: services.do_verify_hazard(
                actor=user, hazard=hazard, passed=data.passed, opinion=data.opinion,
                expected_version=data.version),
            success=lambda hazard, data, result: "已验收销号。" if data.passed else "已退回整改。",
        )
    """
    from django.contrib.auth.decorators import login_required
    from django.shortcuts import redirect
    from django.views.decorators.http import require_POST

    from .permissions import get_restricted_or_404

    @login_required
    @require_POST
    def view(request, pk, **kwargs):
        obj = get_restricted_or_404(fetch(request.user), request.user, action, pk=pk)
        data = None
        if schema is not None:
            data = form_input(request, schema)
            if data is None:
                return redirect(obj)
        message = (lambda result: success(obj, data, result)) if callable(success) else success
        result = run_service(request, lambda: call(request.user, obj, data), message)
        if redirect_to is not None and result is not None:
            return redirect(redirect_to(obj, result))
        return redirect(obj)

    view.action_schema = schema
    return view


def safe_next(request, fallback: str = "/") -> str:
    """Where to go back after a POST: the form's ``next`` or the Referer, only when it is a
    path on this site (never another host: no open redirect)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return fallback


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
