"""Automatic row-level change records and the domain-event writer.

Every concrete AuditedModel subclass, plus the models listed in EXTRA_AUDITED (the user model),
gets an ObjectChange row on create, update and delete, written in the same transaction as the
change. The actor comes from the open actor context (yingji.core.context); none → the write fails.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from .context import require_actor_context

EXTRA_AUDITED = {"auth.user", "auth.group"}
# Never copy secrets into the audit trail: their change is recorded as "******".
SECRET_FIELDS = {"password", "key_hash"}
IGNORED_FIELDS = {"updated_at", "last_login"}


def is_audited(model) -> bool:
    from .models import AuditedModel, AuditEvent, ObjectChange

    if model in (ObjectChange, AuditEvent) or model._meta.abstract or model._meta.proxy:
        return False
    return issubclass(model, AuditedModel) or model._meta.label_lower in EXTRA_AUDITED


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "<binary>"
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    return value


def serialize(instance) -> dict:
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS:
            continue
        value = field.value_from_object(instance)
        if field.name in SECRET_FIELDS:
            value = "******" if value else ""
        data[field.attname if field.is_relation else field.name] = _jsonable(value)
    return data


def _actor_fields():
    ctx = require_actor_context()
    return {
        "actor_id": ctx.user_id,
        "actor_label": ctx.label,
        "source": ctx.source,
        "request_id": ctx.request_id,
        "ip": ctx.ip,
    }


def _bookkeeping_only(update_fields) -> bool:
    """A save of bookkeeping fields only (e.g. Django's last_login bump) is not history."""
    return update_fields is not None and set(update_fields) <= IGNORED_FIELDS | {"version"}


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not is_audited(sender) or _bookkeeping_only(update_fields):
        return
    require_actor_context()
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
        instance._audit_before = serialize(old) if old is not None else None
        instance._audit_secrets = _secrets(old) if old is not None else {}
    else:
        instance._audit_before = None
        instance._audit_secrets = {}


def _secrets(instance) -> dict:
    return {
        f.name: f.value_from_object(instance)
        for f in instance._meta.concrete_fields
        if f.name in SECRET_FIELDS
    }


def _after_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not is_audited(sender) or _bookkeeping_only(update_fields):
        return
    from .models import ObjectChange

    before = getattr(instance, "_audit_before", None)
    after = serialize(instance)
    if before is None:
        changed = sorted(after)
        action = "create" if created else "update"
    else:
        changed = {k for k in after if before.get(k) != after.get(k) and k != "version"}
        # Secrets are masked in the record, so compare their real values to see a change.
        old_secrets = getattr(instance, "_audit_secrets", {})
        for name, value in _secrets(instance).items():
            if name in old_secrets and old_secrets[name] != value:
                changed.add(name)
                after[name] = "******(已更改)"
        changed = sorted(changed)
        action = "update"
        if not changed:
            return  # a save that changed nothing is not history
    ObjectChange.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(sender),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        before=before,
        after=after,
        changed_fields=changed,
        **_actor_fields(),
    )
    instance._audit_before = after
    instance._audit_secrets = _secrets(instance)


def _before_delete(sender, instance, **kwargs):
    if not is_audited(sender):
        return
    require_actor_context()
    instance._audit_before = serialize(instance)


def _after_delete(sender, instance, **kwargs):
    if not is_audited(sender):
        return
    from .models import ObjectChange

    ObjectChange.objects.create(
        action="delete",
        content_type=ContentType.objects.get_for_model(sender),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        before=getattr(instance, "_audit_before", None),
        after=None,
        changed_fields=[],
        **_actor_fields(),
    )


def connect():
    from django.contrib.auth.signals import user_logged_in, user_logged_out

    pre_save.connect(_before_save, dispatch_uid="yingji-audit-pre-save")
    post_save.connect(_after_save, dispatch_uid="yingji-audit-post-save")
    pre_delete.connect(_before_delete, dispatch_uid="yingji-audit-pre-delete")
    post_delete.connect(_after_delete, dispatch_uid="yingji-audit-post-delete")
    user_logged_in.connect(_logged_in, dispatch_uid="yingji-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="yingji-audit-logout")


# The caller's own X-Request-ID (sanitised by the middleware): kept beside our request id in
# the data of every event of the request, never instead of it.
_client_request_id: ContextVar[str] = ContextVar("yingji_client_request_id", default="")


@contextmanager
def client_request_id_context(value: str):
    token = _client_request_id.set(value or "")
    try:
        yield
    finally:
        _client_request_id.reset(token)


def _session_event(verb: str, message: str, request, user, **data) -> None:
    """A login or logout, recorded as the user's own action."""
    from .context import actor_context, get_actor_context

    ctx = get_actor_context()  # the request's (opened by the middleware)
    path = request.path if request is not None else ""
    with actor_context(
        user,
        source=ctx.source if ctx else "web",
        request_id=ctx.request_id if ctx else None,
        ip=ctx.ip if ctx else None,
    ):
        record_event(verb, message, target=user, path=path, **data)


def _logged_in(sender, request, user, **kwargs):
    via = "admin" if request is not None and request.path.startswith("/admin/") else "web"
    where = "管理后台" if via == "admin" else "平台"
    _session_event("auth.login", f"“{user.get_username()}”登录{where}", request, user, via=via)


def _logged_out(sender, request, user, **kwargs):
    if user is None or not getattr(user, "is_authenticated", False):
        return
    _session_event("auth.logout", f"“{user.get_username()}”退出登录", request, user)


def record_event(verb: str, message: str, *, target: models.Model | None = None, **data):
    """Write one domain event (services call this once per state change)."""
    from .models import AuditEvent

    kwargs = {}
    if target is not None:
        kwargs = {
            "content_type": ContentType.objects.get_for_model(target._meta.model),  # lazy users too
            "object_id": str(target.pk),
            "object_repr": str(target)[:300],
        }
    client_id = _client_request_id.get()
    if client_id and "client_request_id" not in data:
        data["client_request_id"] = client_id
    return AuditEvent.objects.create(
        verb=verb, message=message[:500], data=data, **kwargs, **_actor_fields()
    )


def history_for(instance):
    """(changes, events) for one record, newest first."""
    from .models import AuditEvent, ObjectChange

    ct = ContentType.objects.get_for_model(type(instance))
    pk = str(instance.pk)
    changes = ObjectChange.objects.filter(content_type=ct, object_id=pk).select_related("actor")
    events = AuditEvent.objects.filter(content_type=ct, object_id=pk).select_related("actor")
    return changes, events


def audited_models():
    return [m for m in apps.get_models() if is_audited(m)]
