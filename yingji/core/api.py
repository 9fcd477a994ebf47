"""API plumbing shared by every router: authentication (session or personal token), the error
format {"code","message","details"}, and the core endpoints (me, tokens, history, audit)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from .audit import history_for
from .context import set_context_user
from .errors import DomainError
from .models import APIToken, ObjectChange, hash_token
from .permissions import get_restricted_or_404, hidden_fields, restrict, scope_of
from .schemas import TokenIn

LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    openapi_description = "个人接口令牌:Authorization: Bearer yj_…"

    def authenticate(self, request, token):
        # Failed tokens count against the caller's address in the login throttle: an address
        # that keeps presenting bad tokens (or bad passwords) is locked out of every way in.
        from . import throttle
        from .middleware import client_ip

        ip = client_ip(request)
        lock = throttle.locked(None, ip)
        if lock:
            raise throttle.TooManyAttempts(lock.message)
        found = None
        if token and token.startswith(APIToken.PREFIX):
            found = (
                APIToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
            )
        if found is None or not found.is_active or not found.user.is_active:
            reason = "unknown" if found is None else "inactive"
            prefix = token[:10] if token and token.startswith(APIToken.PREFIX) else ""
            lock = throttle.register_failure(
                None, ip, via="api_token", reason=reason, key_prefix=prefix
            )
            if lock:
                raise throttle.TooManyAttempts(lock.message)
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            # Usage time is bookkeeping, not history: a conditional UPDATE, no change record.
            APIToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        set_context_user(found.user)
        return found.user


def session_auth(request):
    user = django_auth(request)
    if user:
        set_context_user(request.user)
    return user


AUTH = [TokenAuth(), session_auth]


def _body_schema(request):
    """The input schema of the endpoint that refused the request (for its field titles)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    cells = getattr(match.func, "__closure__", None) or ()
    path_view = next(
        (c.cell_contents for c in cells if hasattr(c.cell_contents, "operations")), None
    )
    for operation in getattr(path_view, "operations", []):
        if request.method not in operation.methods:
            continue
        for model in getattr(operation, "models", []):
            for info in model.model_fields.values():
                annotation = info.annotation
                if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                    return annotation
    return None


def error(code: str, message: str, details: dict | None = None) -> dict:
    return {"code": code, "message": message, "details": details or {}}


def install_error_handlers(api) -> None:
    @api.exception_handler(DomainError)
    def _domain(request, exc: DomainError):
        return api.create_response(
            request, error(exc.code, exc.message, exc.details), status=exc.status
        )

    @api.exception_handler(AuthenticationError)
    def _unauth(request, exc):
        return api.create_response(
            request, error("unauthenticated", "请先登录或提供有效的接口令牌。"), status=401
        )

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return api.create_response(request, error("forbidden", "您无权执行此操作。"), status=403)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return api.create_response(
            request, error("not_found", "未找到该记录,或您无权查看。"), status=404
        )

    @api.exception_handler(NinjaValidationError)
    def _invalid(request, exc: NinjaValidationError):
        from .schemas import error_list, summary

        fields = error_list(exc.errors, _body_schema(request))
        return api.create_response(
            request,
            error("validation_error", f"输入有误:{summary(fields)}", {"errors": fields}),
            status=422,
        )

    @api.exception_handler(HttpError)
    def _http(request, exc: HttpError):
        return api.create_response(
            request, error("http_error", str(exc.message)), status=exc.status_code
        )

    @api.exception_handler(OverflowError)
    def _overflow(request, exc):
        # a number in the request beyond what the database can take (the endpoints bound their
        # parameters; this is the net under the ones that do not yet)
        return api.create_response(
            request, error("out_of_range", "请求中的数值超出允许范围。"), status=400
        )

    @api.exception_handler(DataError)
    def _data(request, exc):
        # the database refused a value of the request (a NUL in text, a number out of range)
        return api.create_response(
            request,
            error("invalid_value", "请求中的值无法处理:超出范围或含有不允许的字符。"),
            status=400,
        )

    @api.exception_handler(ValueError)
    def _value(request, exc):
        # PostgreSQL takes no NUL in text: a query parameter holding one is the caller's error
        if "NUL (0x00)" in str(exc):
            return api.create_response(
                request, error("invalid_text", "请求中含有不允许的空字符(NUL)。"), status=400
            )
        return _crash(request, exc)

    @api.exception_handler(Exception)
    def _crash(request, exc):
        import logging

        logging.getLogger("yingji.api").exception("unhandled API error")
        rid = getattr(request, "request_id", "")
        return api.create_response(
            request,
            error(
                "server_error",
                f"服务器内部错误,请联系管理员(请求编号 {rid})。",
                {"request_id": rid},
            ),
            status=500,
        )


router = Router(tags=["账号与审计"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    is_admin: bool
    read_all: bool
    roles: list[str]
    memberships: list[str]
    jurisdiction: list[str]


@router.get("/me", response=MeOut, summary="当前用户及其权限范围")
def me(request):
    scope = scope_of(request.user)
    return {
        "id": request.user.pk,
        "username": request.user.get_username(),
        "full_name": request.user.get_full_name(),
        "is_admin": scope.is_admin,
        "read_all": scope.read_all,
        "roles": sorted(scope.roles),
        "memberships": list(scope.labels),
        "jurisdiction": [p.strip("/").split("/")[-1] for p in scope.region_paths],
    }


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    key: str


@router.get("/tokens", response=list[TokenOut], summary="我的接口令牌")
def list_tokens(request):
    return list(restrict(APIToken.objects.all(), request.user))


@router.post("/tokens", response={201: TokenCreated}, summary="创建接口令牌(密钥只显示这一次)")
def create_token(request, payload: TokenIn):
    from .services import do_create_token

    token, key = do_create_token(
        actor=request.user, name=payload.name, expires_at=payload.expires_at
    )
    data = TokenOut.from_orm(token).dict()
    return Status(201, {**data, "key": key})


@router.delete("/tokens/{token_id}", response=TokenOut, summary="撤销接口令牌")
def revoke_token(request, token_id: int):
    from .services import do_revoke_token

    token = get_restricted_or_404(APIToken.objects.all(), request.user, "change", pk=token_id)
    return do_revoke_token(actor=request.user, token=token)


class ChangeOut(Schema):
    id: int
    time: datetime
    actor: str
    source: str
    request_id: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changed_fields: list[str]
    before: dict | None
    after: dict | None


class EventOut(Schema):
    id: int
    time: datetime
    actor: str
    source: str
    request_id: str
    verb: str
    message: str
    data: dict


class HistoryOut(Schema):
    object: str
    changes: list[ChangeOut]
    events: list[EventOut]


def change_out(c: ObjectChange) -> dict:
    return {
        "id": c.pk,
        "time": c.time,
        "actor": c.actor_label,
        "source": c.source,
        "request_id": c.request_id,
        "action": c.action,
        "object_type": f"{c.content_type.app_label}.{c.content_type.model}",
        "object_id": c.object_id,
        "object_repr": c.object_repr,
        "changed_fields": c.changed_fields or [],
        "before": c.before,
        "after": c.after,
    }


@router.get(
    "/history/{app_label}/{model_name}/{pk}",
    response=HistoryOut,
    summary="任一记录的历史(谁、何时、从何处、改前→改后)",
)
def record_history(request, app_label: str, model_name: str, pk: str):
    from .views import record_model

    model = record_model(app_label, model_name, audited=True)
    try:
        obj = get_restricted_or_404(model._base_manager.all(), request.user, pk=pk)
    except (ValueError, TypeError, ValidationError, OverflowError):
        raise Http404 from None  # "abc" for a number
    changes, events = history_for(obj)
    hidden = hidden_fields(request.user, model)  # what the user may not read (issue #12)
    return {
        "object": str(obj),
        "changes": [
            _without(change_out(c), hidden) for c in changes.select_related("content_type")[:500]
        ],
        "events": [
            {
                "id": e.pk,
                "time": e.time,
                "actor": e.actor_label,
                "source": e.source,
                "request_id": e.request_id,
                "verb": e.verb,
                "message": e.message,
                "data": e.data,
            }
            for e in events[:500]
            if not any(e.data.get(name) not in (None, "", [], {}) for name in hidden)
        ],
    }


def _without(change: dict, hidden: set[str]) -> dict:
    if not hidden:
        return change
    for key in ("before", "after"):
        if change[key]:
            change[key] = {k: v for k, v in change[key].items() if k not in hidden}
    change["changed_fields"] = [f for f in change["changed_fields"] if f not in hidden]
    return change


@router.get("/audit/changes", response=list[ChangeOut], summary="变更记录(按权限过滤)")
def audit_changes(request, source: str | None = None, limit: int = 100):
    qs = restrict(ObjectChange.objects.select_related("content_type"), request.user)
    if source:
        qs = qs.filter(source=source)
    return [change_out(c) for c in qs[: max(1, min(limit, 1000))]]


# --- Paged lists -------------------------------------------------------------------------------

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


MAX_OFFSET = 2**31 - 1


def page(
    rows, response, limit: int | None = None, offset: int = 0, *, default: int = DEFAULT_LIMIT
):
    """One page of a list endpoint's rows: ``offset``/``limit`` (default ``default``, at most
    MAX_LIMIT, out-of-range values clamped), the total in the ``X-Total-Count`` header. The body
    stays a plain JSON list, so existing clients keep working and read further pages with
    ``offset``."""
    limit = max(1, min(default if limit is None else limit, max(MAX_LIMIT, default)))
    offset = max(0, min(offset, MAX_OFFSET))  # a database cannot skip more rows than this
    total = len(rows) if isinstance(rows, list) else rows.count()
    response["X-Total-Count"] = str(total)
    response["X-Limit"] = str(limit)
    response["X-Offset"] = str(offset)
    return rows[offset : offset + limit]
