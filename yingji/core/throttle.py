"""Login throttling: N failures for one username from one address lock that pair out for a
while. Lock-outs are written to the audit trail (verb auth.lockout)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _key(username: str, ip: str | None) -> str:
    return f"login-fail:{(username or '').lower()}:{ip or '-'}"


def is_locked(username: str, ip: str | None) -> bool:
    return cache.get(_key(username, ip) + ":locked", False)


def register_failure(username: str, ip: str | None) -> bool:
    """Count a failure; return True if this failure locks the pair out."""
    key = _key(username, ip)
    timeout = settings.YINGJI_LOGIN_LOCK_SECONDS
    cache.add(key, 0, timeout)
    try:
        failures = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout)
        failures = 1
    if failures >= settings.YINGJI_LOGIN_MAX_FAILURES:
        cache.set(key + ":locked", True, timeout)
        cache.delete(key)
        return True
    return False


def reset(username: str, ip: str | None) -> None:
    cache.delete_many([_key(username, ip), _key(username, ip) + ":locked"])
