"""Base models and the audit trail (row-level changes + domain events), API tokens,
attachments and journal notes that every record page offers."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SOURCE_CHOICES = [
    ("web", _("网页")),
    ("api", _("接口")),
    ("cli", _("命令行")),
    ("job", _("后台任务")),
    ("system", _("系统")),
    ("test", _("测试")),
]


class AuditedModel(models.Model):
    """Every concrete subclass gets an automatic change record on create/update/delete and
    carries a version for optimistic concurrency (see yingji.core.services.locked)."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = set(update_fields) | {"version", "updated_at"}
        super().save(*args, **kwargs)


class PathTreeMixin:
    """A tree kept as a materialised path of codes ("/620100/620104/"), so that a subtree is a
    path-prefix filter. The model has `code`, `parent` and `path` fields."""

    def compute_path(self) -> str:
        return (self.parent.path if self.parent else "/") + f"{self.code}/"

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        super().save(*args, **kwargs)


class ActorFields(models.Model):
    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=150)
    source = models.CharField(_("来源"), max_length=10, choices=SOURCE_CHOICES)
    request_id = models.CharField(_("请求/任务编号"), max_length=40, blank=True)
    ip = models.GenericIPAddressField(_("地址"), null=True, blank=True)

    class Meta:
        abstract = True


class ObjectChange(ActorFields):
    """One row per create/update/delete of an audited row (written by yingji.core.audit)."""

    ACTIONS = [("create", _("新建")), ("update", _("修改")), ("delete", _("删除"))]
    action = models.CharField(_("动作"), max_length=10, choices=ACTIONS)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    changed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "time"])]
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def diff(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        names = self.changed_fields or sorted(set(before) | set(after))
        return [(name, before.get(name), after.get(name)) for name in names]


class AuditEvent(ActorFields):
    """A domain event written by a service (do_<verb>_<noun>), e.g. orgs.organisation.renamed."""

    verb = models.CharField(_("事件"), max_length=80, db_index=True)
    message = models.CharField(_("说明"), max_length=500)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("业务事件")
        verbose_name_plural = _("业务事件")

    def __str__(self):
        return f"{self.verb}: {self.message}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class APIToken(AuditedModel):
    """A personal API token. Only its SHA-256 is stored; the raw key is shown once."""

    PREFIX = "yj_"
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100)
    key_prefix = models.CharField(_("前缀"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def generate_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AttachmentQuerySet(models.QuerySet):
    def for_objects(self, model, pks):
        """The live (not voided) attachments of the given records of one model."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in pks],
            voided_at__isnull=True,
        )

    def for_object(self, instance):
        return self.for_objects(type(instance), [instance.pk])


class Attachment(AuditedModel):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    target = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小"))
    mime_type = models.CharField(_("类型"), max_length=100)
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=255, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.original_name


class Note(AuditedModel):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    target = GenericForeignKey("content_type", "object_id")
    body = models.TextField(_("内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("备注")
        verbose_name_plural = _("备注")

    def __str__(self):
        return self.body[:40]


class SearchGram(models.Model):
    """The text-search index (yingji.core.textsearch): one row per (indexed model, record,
    two-character gram of its searchable text). Derived data, rebuilt by ``yingji reindex``."""

    model = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    gram = models.CharField(max_length=2)

    class Meta:
        indexes = [
            models.Index(fields=["model", "gram", "object_id"], name="core_searchgram_lookup"),
            models.Index(fields=["model", "object_id"], name="core_searchgram_record"),
        ]

    def __str__(self):
        return f"{self.model}#{self.object_id}:{self.gram}"
