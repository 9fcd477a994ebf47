"""Who is acting, from where: the actor context that every audited write requires.

Middleware (web and API), the job runner and CLI commands open a context; services and the
automatic change log read it. A write to an audited model with no open context raises
MissingActorContext: a write nobody can account for is a bug.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

SOURCES = ("web", "api", "cli", "job", "system", "test")


class MissingActorContext(RuntimeError):
    """An audited model was written outside any actor context."""


@dataclass(frozen=True)
class ActorContext:
    user_id: int | None
    label: str
    source: str
    request_id: str
    ip: str | None = None
    # Values computed once per web/API request (see request_memo); never compared or shown.
    memo: dict = field(default_factory=dict, compare=False, repr=False)


_current: ContextVar[ActorContext | None] = ContextVar("yingji_actor", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextmanager
def actor_context(user=None, *, source: str, label: str | None = None, request_id=None, ip=None):
    """Open an actor context for the duration of a block (nested contexts override)."""
    if source not in SOURCES:
        raise ValueError(f"unknown actor source {source!r}")
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    if label is None:
        label = user.get_username() if user_id else ("system" if source != "web" else "anonymous")
    token = _current.set(ActorContext(user_id, label, source, request_id or new_request_id(), ip))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def get_actor_context() -> ActorContext | None:
    return _current.get()


def require_actor_context() -> ActorContext:
    ctx = _current.get()
    if ctx is None:
        raise MissingActorContext(
            "audited write without an actor context: open one with "
            "yingji.core.context.actor_context(...) (middleware, job runner and commands do)"
        )
    return ctx


def set_context_user(user) -> None:
    """Record the user once authentication has happened later in the same context."""
    ctx = _current.get()
    if ctx is not None and user is not None and getattr(user, "is_authenticated", False):
        _current.set(
            ActorContext(
                user.pk, user.get_username(), ctx.source, ctx.request_id, ctx.ip, memo=ctx.memo
            )
        )


def request_memo() -> dict:
    """A dict that lives as long as the current web or API request, for reference data read
    many times while rendering one page (the working-day calendar of every deadline cell).
    Elsewhere (jobs, commands, tests) a new empty dict each time: nothing is remembered. Code
    that changes such data in a request pops its key."""
    ctx = _current.get()
    if ctx is not None and ctx.source in ("web", "api"):
        return ctx.memo
    return {}
