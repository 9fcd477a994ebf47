"""Opens the actor context for every web/API request (source 'api' under /api/), gives every
request our own id, and audits every refusal (HTTP 403: denied access and CSRF failures)."""

import logging
import re

from .context import actor_context, new_request_id

CLIENT_REQUEST_ID_MAX = 64
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")


def client_request_id(request) -> str:
    """The caller's X-Request-ID, kept only as a hint for correlating logs: at most 64
    printable ASCII characters, otherwise dropped. Never used as our request id."""
    value = request.headers.get("X-Request-ID", "")[:CLIENT_REQUEST_ID_MAX].strip()
    return value if _PRINTABLE_ASCII.fullmatch(value) else ""


def client_ip(request) -> str | None:
    # Behind a reverse proxy set YINGJI_TRUST_X_FORWARDED_FOR; by default trust the socket.
    from django.conf import settings

    if getattr(settings, "YINGJI_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class ActorContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .audit import client_request_id_context

        source = "api" if request.path.startswith("/api/") else "web"
        request.request_id = new_request_id()
        request.client_request_id = client_request_id(request)
        user = getattr(request, "user", None)
        with (
            actor_context(
                user, source=source, request_id=request.request_id, ip=client_ip(request)
            ),
            client_request_id_context(request.client_request_id),
        ):
            response = self.get_response(request)
            if response.status_code == 403:
                record_refusal(request, response)
        response["X-Request-ID"] = request.request_id
        return response


def record_refusal(request, response) -> None:
    """One audit event per refused request: a CSRF failure (the failure view marks the
    request) or denied access (a 403 from a view, a page rule or the API)."""
    from .audit import record_event

    path = request.get_full_path()[:300]
    reason = getattr(request, "csrf_failure_reason", None)
    if reason is not None:
        record_event(
            "auth.csrf_failed",
            f"CSRF 校验失败,已拒绝:{request.method} {path}",
            method=request.method,
            path=path,
            reason=str(reason)[:200],
            referer=request.headers.get("Referer", "")[:300],
        )
    else:
        record_event(
            "auth.denied",
            f"拒绝访问:{request.method} {path}",
            method=request.method,
            path=path,
            status=403,
        )


class OneLineForbidden(logging.Filter):
    """Django logs a refused request (PermissionDenied) with its whole traceback; a refusal is
    not a crash: keep one line ("Forbidden (Permission denied): /path")."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True


class LanguageMiddleware:
    """zh-hans unless the user chose another language with the switch (a cookie). The browser's
    Accept-Language is ignored: the platform's users work in Chinese whatever their browser says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
