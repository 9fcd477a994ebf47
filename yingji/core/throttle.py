"""One throttle for every way in: the web login, the admin login, API tokens and the password
change form all count their failures here and all obey the same locks.

Failures are counted three ways, each with its own limit (0 turns a limit off):

- account + address (``YINGJI_LOGIN_MAX_FAILURES``, default 5): one person mistyping;
- account, from any address (``YINGJI_LOGIN_MAX_FAILURES_PER_ACCOUNT``, default 20): guessing one
  account's password from many addresses;
- address, for any account or token (``YINGJI_LOGIN_MAX_FAILURES_PER_ADDRESS``, default 30):
  trying many accounts, or bearer tokens, from one address.

Reaching a limit locks that key for ``YINGJI_LOGIN_LOCK_SECONDS``; while locked, even the right
password is refused. Each failure is an audit event (``auth.login_failed``), each lock-out too
(``auth.lockout``); attempts refused while locked are not recorded one by one. Counters live in
the cache: set REDIS_URL when several processes serve the platform.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .errors import DomainError

WAYS = {
    "web": "网页登录",
    "admin": "管理后台登录",
    "api_token": "接口令牌",
    "password_change": "修改密码",
}

MESSAGES = {
    "pair": "登录失败次数过多,该账号在此地址已被暂时锁定,请 {minutes} 分钟后再试。",
    "account": "该账号登录失败次数过多,已被暂时锁定,请 {minutes} 分钟后再试。",
    "address": "此地址登录失败次数过多,已被暂时锁定,请 {minutes} 分钟后再试。",
}


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    status = 429


@dataclass(frozen=True)
class Lock:
    scope: str  # "pair" | "account" | "address"

    @property
    def message(self) -> str:
        return MESSAGES[self.scope].format(minutes=lock_minutes())


def lock_minutes() -> int:
    return max(1, settings.YINGJI_LOGIN_LOCK_SECONDS // 60)


def _limits() -> dict[str, int]:
    return {
        "pair": settings.YINGJI_LOGIN_MAX_FAILURES,
        "account": getattr(settings, "YINGJI_LOGIN_MAX_FAILURES_PER_ACCOUNT", 0),
        "address": getattr(settings, "YINGJI_LOGIN_MAX_FAILURES_PER_ADDRESS", 0),
    }


def _account(username: str | None) -> str:
    # hashed: any text a user types is a valid cache key
    return hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]


def _keys(username: str | None, ip: str | None) -> dict[str, str]:
    keys = {}
    if username:
        keys["pair"] = f"login-fail:{_account(username)}:{ip or '-'}"
        keys["account"] = f"login-fail-account:{_account(username)}"
    if ip:
        keys["address"] = f"login-fail-address:{ip}"
    return keys


def locked(username: str | None, ip: str | None) -> Lock | None:
    """The lock that refuses this account from this address, if any."""
    keys = _keys(username, ip)
    flags = cache.get_many([key + ":locked" for key in keys.values()])
    for scope, key in keys.items():
        if flags.get(key + ":locked") and _limits()[scope] > 0:
            return Lock(scope)
    return None


def is_locked(username: str | None, ip: str | None) -> bool:
    return locked(username, ip) is not None


def _count(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def register_failure(
    username: str | None, ip: str | None, *, via: str = "web", **data
) -> Lock | None:
    """Count one failure (and audit it); return the lock it triggers, if any."""
    from .audit import record_event

    timeout = settings.YINGJI_LOGIN_LOCK_SECONDS
    way = WAYS.get(via, via)
    who = f"账号“{username}”" if username else "未知账号"
    record_event(
        "auth.login_failed",
        f"{way}失败:{who},来自 {ip or '未知地址'}",
        username=username or "",
        ip=ip,
        via=via,
        **data,
    )
    triggered = None
    limits = _limits()
    for scope, key in _keys(username, ip).items():
        limit = limits[scope]
        if limit <= 0:
            continue
        if _count(key, timeout) >= limit:
            cache.set(key + ":locked", True, timeout)
            cache.delete(key)
            triggered = triggered or Lock(scope)
            record_event(
                "auth.lockout",
                {
                    "pair": f"{who}在 {ip} 连续登录失败,已临时锁定",
                    "account": f"{who}登录失败次数过多,已临时锁定(所有地址)",
                    "address": f"地址 {ip} 登录失败次数过多,已临时锁定(所有账号和接口令牌)",
                }[scope],
                username=username or "",
                ip=ip,
                via=via,
                scope=scope,
                seconds=timeout,
            )
    return triggered


def register_success(username: str | None, ip: str | None) -> None:
    """A correct password clears the account's counters (not the address's: one valid account
    must not let an address go on guessing the others)."""
    keys = _keys(username, ip)
    cache.delete_many([keys[s] for s in ("pair", "account") if s in keys])


def reset(username: str | None, ip: str | None) -> None:
    """Lift every lock and counter of this account and address (tests, administrators)."""
    keys = _keys(username, ip).values()
    cache.delete_many([*keys, *(key + ":locked" for key in keys)])
