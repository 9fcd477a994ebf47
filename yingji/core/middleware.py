"""Opens the actor context for every web/API request (source 'api' under /api/)."""

from .context import actor_context, new_request_id


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
        source = "api" if request.path.startswith("/api/") else "web"
        request.request_id = request.headers.get("X-Request-ID", "")[:40] or new_request_id()
        user = getattr(request, "user", None)
        with actor_context(
            user, source=source, request_id=request.request_id, ip=client_ip(request)
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


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
