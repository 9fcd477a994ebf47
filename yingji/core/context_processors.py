from django.conf import settings
from django.core.cache import cache

from .navigation import navigation_for


def demo_loaded() -> bool:
    """True once `yingji demo` has loaded demo data (the UI then says so on every page)."""
    if settings.YINGJI_DEMO:
        return True
    flag = cache.get("yingji:demo-loaded")
    if flag is None:
        from .models import AuditEvent

        flag = AuditEvent.objects.filter(verb="demo.loaded").exists()
        cache.set("yingji:demo-loaded", flag, 60)
    return flag


def platform(request):
    return {
        "YINGJI_DEMO": demo_loaded(),
        "nav_modules": navigation_for(request),
        "request_id": getattr(request, "request_id", ""),
    }
