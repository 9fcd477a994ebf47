"""Helpers every service uses: one transaction, optimistic locking, the re-check."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .audit import record_event
from .errors import ConflictError, ValidationFailed
from .models import APIToken, hash_token


def locked(model, pk, *, expected_version: int | None = None):
    """Fetch a row for update inside the caller's transaction.

    PostgreSQL takes a row lock (SELECT … FOR UPDATE); SQLite runs every transaction in
    IMMEDIATE mode (settings), so writers are serialised. If the caller read version N and the
    row is now at another version, someone else changed it: raise ConflictError (HTTP 409).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked() must be called inside transaction.atomic()")
    obj = model._base_manager.select_for_update().get(pk=pk)
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(
            f"“{obj}”已被他人修改(当前版本 {obj.version},您编辑的是版本 {expected_version}),"
            "请刷新后重试。",
            details={"current_version": obj.version, "your_version": expected_version},
        )
    return obj


def do_revoke_token(*, actor, token: APIToken) -> APIToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_event("core.token.revoked", f"撤销接口令牌“{token.name}”", target=token)
    return token


def do_create_token(*, actor, name: str, expires_at=None) -> tuple[APIToken, str]:
    """Create a personal API token; returns (token, raw key). Only the hash is stored."""
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationFailed("令牌名称不能为空。", details={"field": "name"})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed("有效期应晚于当前时间。", details={"field": "expires_at"})
    key = APIToken.generate_key()
    with transaction.atomic():
        token = APIToken.objects.create(
            user=actor,
            name=name,
            key_prefix=key[:10],
            key_hash=hash_token(key),
            expires_at=expires_at,
        )
        record_event("core.token.created", f"创建接口令牌“{name}”", target=token)
    return token, key


def add_attachment(*, actor, target, upload, description: str = "", check=None):
    """Attach an uploaded file to a record, inside the caller's transaction (services that
    take evidence call this; the generic attachment view uses do_add_attachment). The file is
    checked first (type, content, size): a bad file raises ValidationFailed. ``check`` is the
    core.uploads check to use instead of the documents' one (``validate_video`` for an 执法记录仪
    video, with its own size limit): ``fn(upload) -> (mime type, sha256)``."""
    from django.contrib.contenttypes.models import ContentType

    from .models import Attachment
    from .uploads import safe_file_name, validate_upload

    mime, digest = (check or validate_upload)(upload)
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=str(target.pk),
        file=upload,
        original_name=safe_file_name(upload.name, default="file")[:255],
        size=upload.size,
        mime_type=mime,
        sha256=digest,
        description=description[:255],
        uploaded_by=actor,
    )


def do_add_attachment(*, actor, target, upload, description: str = ""):
    with transaction.atomic():
        att = add_attachment(actor=actor, target=target, upload=upload, description=description)
        record_event("core.attachment.added", f"为“{target}”上传附件“{att}”", target=target)
    return att


def do_add_note(*, actor, target, body: str):
    """A note (备注) on any record the actor may change; audited like every write."""
    from django.contrib.contenttypes.models import ContentType

    from .models import Note
    from .permissions import ensure_in_scope

    body = (body or "").strip()
    if not body:
        raise ValidationFailed("备注不能为空。", details={"field": "body"})
    ensure_in_scope(actor, target, "change")
    with transaction.atomic():
        note = Note.objects.create(
            content_type=ContentType.objects.get_for_model(type(target)),
            object_id=str(target.pk),
            body=body,
            author=actor,
        )
        record_event("core.note.added", f"为“{target}”添加备注", target=target)
    return note
