"""Content-Security-Policy on every response: scripts only from this site, no inline script, no
plugins, no framing, forms and connections to this site only. One missed escape in a template
or a chart is then not enough to run an attacker's script (issue #10, item 1).

Styles allow 'unsafe-inline' because ECharts and Bootstrap position elements with style
attributes; no script runs from a style. Images allow data: and blob: (ECharts' saved images)."""

from django.conf import settings

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "YINGJI_CSP", POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
