"""Who may see and do what: one restrict() function per model (DESIGN §5).

    restrict(queryset, user, action) -> queryset

Every view, API endpoint, export, search, map layer and report fetches through restrict().
Apps register one function per model with @restricts(Model). The user's Scope (roles,
organisations, jurisdiction) is computed by the scope provider that yingji.orgs installs.
After a create/update, services call ensure_in_scope() so nobody can write outside their scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet

from .errors import NotPermitted

ACTIONS = ("view", "add", "change", "delete", "export", "approve")


@dataclass(frozen=True)
class Scope:
    """What a user is, in permission terms. Computed once per request by the orgs app."""

    user_id: int | None = None
    is_admin: bool = False
    read_all: bool = False  # city leadership and city bureau staff: read the whole city
    read_only: bool = False  # every role the user has only reads (city leadership)
    roles: frozenset[str] = frozenset()
    org_ids: frozenset[int] = frozenset()  # organisations the user is a member of
    org_paths: tuple[str, ...] = ()  # their tree paths (for "my organisation and below")
    region_paths: tuple[str, ...] = ()  # jurisdiction subtrees (county staff)
    enterprise_org_ids: frozenset[int] = frozenset()
    section_org_ids: frozenset[int] = frozenset()  # city sections/units the user works in
    labels: tuple[str, ...] = field(default=())

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    def has_role(self, *roles: str) -> bool:
        return self.is_admin or bool(self.roles.intersection(roles))


ANONYMOUS = Scope()
_scope_provider: Callable[[object], Scope] | None = None
_registry: dict[type[Model], Callable[[QuerySet, Scope, str], QuerySet]] = {}


def set_scope_provider(fn: Callable[[object], Scope]) -> None:
    global _scope_provider
    _scope_provider = fn


def scope_of(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_yingji_scope", None)
    if cached is not None:
        return cached
    if _scope_provider is None:
        raise ImproperlyConfigured("no scope provider installed (is yingji.orgs installed?)")
    scope = _scope_provider(user)
    user._yingji_scope = scope
    return scope


def restricts(model: type[Model]):
    """Register the restrict function for a model."""

    def decorator(fn):
        _registry[model] = fn
        return fn

    return decorator


def registered_models() -> set[type[Model]]:
    return set(_registry)


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    model = queryset.model
    fn = _registry.get(model)
    if fn is None:
        raise ImproperlyConfigured(f"no restrict() registered for {model._meta.label}")
    scope = scope_of(user)
    if not scope.authenticated:
        return fn(queryset, scope, action) if getattr(fn, "public", False) else queryset.none()
    if scope.is_admin:
        return queryset
    if scope.read_only and action not in ("view", "export"):
        return queryset.none()
    return fn(queryset, scope, action)


def can(user, obj: Model, action: str = "view") -> bool:
    qs = type(obj)._base_manager.filter(pk=obj.pk)
    return restrict(qs, user, action).exists()


def ensure_in_scope(user, obj: Model, action: str = "change") -> None:
    """The NetBox re-check: after a write, the object must still be inside the user's scope."""
    if not can(user, obj, action):
        raise NotPermitted(
            f"该操作会使“{obj}”超出您的权限范围,已取消。",
            details={"object": str(obj), "action": action},
        )


def get_restricted_or_404(queryset: QuerySet, user, action: str = "view", **lookup):
    from django.http import Http404

    obj = restrict(queryset, user, action).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


# --- internal fields ---------------------------------------------------------------------------
# What regulators write about a record that the enterprise it concerns does not read (e.g. the
# reason given for a duplicate inspection). Declared next to the model's restrict function with
# ``internal_fields(Model, "field", …)``; the record's history leaves them out for enterprise
# users (core.presenters), and a business event whose data carries one of them is not shown.

_internal: dict[type[Model], frozenset[str]] = {}


def internal_fields(model: type[Model], *names: str) -> None:
    _internal[model] = _internal.get(model, frozenset()) | frozenset(names)


def hidden_fields(user, model: type[Model]) -> set[str]:
    """The fields of ``model`` this user may not read in its history."""
    names = _internal.get(model, frozenset())
    if not names:
        return set()
    scope = scope_of(user)
    if scope.is_admin or (scope.authenticated and scope.roles - {"enterprise_user"}):
        return set()
    return set(names)


# --- page rules ------------------------------------------------------------------------------
# Whether a user may open a page or use a form at all (not which rows: that is restrict()). The
# same named rule guards the view (@requires), hides the navigation entry, tab or button
# (hooks ``allowed=``, the ``allows`` template filter) and is checked by the service.

_rules: dict[str, Callable[[Scope], bool]] = {}


def rule(name: str):
    """Register a page rule: ``fn(scope) -> bool``; admins pass every rule."""

    def decorator(fn):
        if name in _rules and _rules[name] is not fn:
            raise ImproperlyConfigured(f"page rule {name!r} registered twice")
        _rules[name] = fn
        return fn

    return decorator


def registered_rules() -> dict[str, Callable[[Scope], bool]]:
    return dict(_rules)


def allows(user, name: str) -> bool:
    fn = _rules.get(name)
    if fn is None:
        raise ImproperlyConfigured(f"no page rule named {name!r}")
    scope = scope_of(user)
    if not scope.authenticated:
        return False
    return scope.is_admin or bool(fn(scope))


def check_rule(user, name: str) -> None:
    """For services: raise NotPermitted (HTTP 403) unless the rule allows the user."""
    if not allows(user, name):
        raise NotPermitted("您无权执行此操作。", details={"rule": name})


def requires(name: str):
    """View decorator: sign-in required, then the rule; otherwise 403."""
    import functools

    from django.contrib.auth.decorators import login_required
    from django.core.exceptions import PermissionDenied

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allows(request.user, name):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.page_rule = name
        return login_required(wrapped)

    return decorator


@rule("core.writes")
def _writes(scope: Scope) -> bool:
    """Any page or button that writes: hidden from the read-only city leadership (市局领导),
    whose every write restrict() refuses."""
    return scope.authenticated and not scope.read_only


def public(fn):
    """Mark a restrict function as also applying to anonymous users (e.g. published warnings)."""
    fn.public = True
    return fn


def register_core():
    from .models import APIToken, Attachment, AuditEvent, Note, ObjectChange, SearchGram

    @restricts(ObjectChange)
    @restricts(AuditEvent)
    def _audit(qs, scope: Scope, action):
        # Leadership reads the whole trail; everyone else their own actions. A record's own
        # history is shown on its page once the record itself passed restrict().
        if action == "view" and scope.read_all and scope.has_role("city_leader"):
            return qs
        if action in ("view", "export"):
            return qs.filter(actor_id=scope.user_id)
        return qs.none()

    @restricts(APIToken)
    def _tokens(qs, scope: Scope, action):
        return qs.filter(user_id=scope.user_id)

    @restricts(SearchGram)
    def _index(qs, scope: Scope, action):
        return qs.none()  # derived bookkeeping: read only through textsearch, never listed

    @restricts(Attachment)
    @restricts(Note)
    def _attached(qs, scope: Scope, action):
        # Parent visibility is checked by the record page; directly, one sees one's own.
        field = "uploaded_by_id" if qs.model is Attachment else "author_id"
        return qs.filter(Q(**{field: scope.user_id}))


def jurisdiction_q(scope: Scope, region_path_field: str) -> Q:
    """Q matching rows whose region (given by the path lookup, e.g. "region__path") lies in
    one of the user's jurisdiction subtrees. Matches nothing when the user has none."""
    q = Q(pk__in=[])
    for path in scope.region_paths:
        q |= Q(**{f"{region_path_field}__startswith": path})
    return q
