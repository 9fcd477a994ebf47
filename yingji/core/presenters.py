"""How the audit trail reads to a person (issue #12): a record's change rows with the fields'
Chinese names, choice labels, related records by name, local times in one Chinese format,
structured values as text, people by name and organisation, and nothing a user may not see of
the record (the internal fields a model declares next to its restrict function, see
``core.permissions.internal_fields``).

    present_changes(changes, model, user) -> [PresentedChange]
    present_events(events, model, user)   -> the business events the user may see
    person(user, label="")                -> "张三(危险化学品安全监督管理科)"
    local_datetime(value)                 -> "2026年11月30日 14:05"
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .permissions import hidden_fields

EMPTY = "—"
# Bookkeeping every audited row carries; never worth a line of history.
SKIPPED = {"id", "version"}


def skipped_fields(model) -> set[str]:
    """SKIPPED plus the fields a model derives from its others (a search index column, e.g.
    Case.search_text), which it names in ``history_skipped_fields``: recomputed on every save,
    they would repeat each change as noise."""
    if model is None:
        return SKIPPED
    return SKIPPED | set(getattr(model, "history_skipped_fields", ()))


MAX_TEXT = 300


def local_datetime(value) -> str:
    """One format for a moment everywhere: local time, 2026年11月30日 14:05."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, datetime.date):
        return local_date(value)
    return str(value)


def local_date(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        parsed = parse_date(value)
        if parsed is None:
            return value
        value = parsed
    return f"{value.year}年{value.month}月{value.day}日"


_PEOPLE: dict[int, str] = {}


def person(user, label: str = "") -> str:
    """A person as colleagues know them: full name and organisation, never a login name
    (unless that is all there is, e.g. an account with no name)."""
    if user is None:
        return {"system": "系统", "anonymous": "未登录用户"}.get(label, label or "系统")
    name = (user.get_full_name() or "").strip() or user.get_username()
    orgs = []
    memberships = getattr(user, "memberships", None)  # yingji.orgs, when installed
    if memberships is not None:
        rows = memberships.filter(is_active=True).select_related("organisation")
        orgs = sorted({m.organisation.name for m in rows})
    return f"{name}({'、'.join(orgs)})" if orgs else name


@dataclass
class PresentedChange:
    time: str
    actor: str
    source: str
    action: str
    request_id: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)


class _Fields:
    """The model's fields by name and by attname (the trail keys relations by attname)."""

    def __init__(self, model):
        self.model = model
        self.by_key: dict[str, models.Field] = {}
        if model is None:
            return
        for f in model._meta.concrete_fields:
            self.by_key[f.name] = f
            self.by_key[f.attname] = f
        self._related: dict[tuple[type, object], str] = {}

    def label(self, key: str) -> str:
        f = self.by_key.get(key)
        if f is None:
            return key
        if f.is_relation and str(f.verbose_name) == f.name.replace("_", " "):
            # a relation declared without a Chinese name: the related model's ("assignment" →
            # 任务分工), so that a history never shows a Python name
            return str(f.related_model._meta.verbose_name)
        return str(f.verbose_name)

    def value(self, key: str, value) -> str:
        f = self.by_key.get(key)
        if value is None or value == "" or value == [] or value == {}:
            return EMPTY
        if f is None:
            return readable(value)
        hook = getattr(self.model, "present_history_value", None)
        if hook is not None:  # a model that keys a JSON field by codes names them itself
            text = hook(key, value)
            if text is not None:
                return text
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if f.is_relation and f.related_model is not None:
            return self._related_name(f.related_model, value)
        if isinstance(f, models.BooleanField):
            return "是" if value else "否"
        if isinstance(f, models.DateTimeField):
            return local_datetime(value)
        if isinstance(f, models.DateField):
            return local_date(value)
        return readable(value)

    def _related_name(self, model, pk) -> str:
        key = (model, pk)
        if key not in self._related:
            obj = model._base_manager.filter(pk=pk).first()
            if obj is None:
                text = f"(已删除的{model._meta.verbose_name})"
            elif hasattr(obj, "get_full_name"):
                text = person(obj)
            else:
                text = str(obj)
            self._related[key] = text
        return self._related[key]


def readable(value) -> str:
    """Structured values as text a person reads: lists joined with 、, mappings as 键:值."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        parts = [readable(v) for v in value if v not in (None, "")]
        text = "、".join(parts) if parts else EMPTY
    elif isinstance(value, dict):
        parts = [f"{k}:{readable(v)}" for k, v in value.items() if v not in (None, "", [], {})]
        text = ";".join(parts) if parts else EMPTY
    elif isinstance(value, str):
        moment = parse_datetime(value) if "T" in value and len(value) >= 19 else None
        text = local_datetime(moment) if moment else value
    elif isinstance(value, int | float):
        text = f"{value:,}" if isinstance(value, int) and abs(value) >= 10000 else str(value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def present_changes(changes, model, user) -> list[PresentedChange]:
    """The change rows of one model's records, as the user may read them."""
    fields = _Fields(model)
    hidden = hidden_fields(user, model) if model is not None else set()
    skipped = skipped_fields(model)
    out = []
    for change in changes:
        rows = []
        for key, before, after in change.diff():
            if key in skipped or key in hidden or _name(fields, key) in hidden:
                continue
            if change.action == "create" and after in (None, "", [], {}, False):
                continue  # nothing was given: not a line of history
            rows.append((fields.label(key), fields.value(key, before), fields.value(key, after)))
        if change.action == "update" and not rows:
            continue  # only hidden or derived fields changed: nothing this user may read
        out.append(
            PresentedChange(
                time=local_datetime(change.time),
                actor=person(change.actor, change.actor_label),
                source=change.get_source_display(),
                action=change.get_action_display(),
                request_id=change.request_id,
                rows=rows,
            )
        )
    return out


def _name(fields: _Fields, key: str) -> str:
    f = fields.by_key.get(key)
    return f.name if f is not None else key


def present_events(events, model, user) -> list:
    """Business events of a record, less those carrying what the user may not see (an event
    whose data holds a non-empty internal field of the model)."""
    hidden = hidden_fields(user, model) if model is not None else set()
    out = []
    for event in events:
        data = event.data or {}
        if any(data.get(name) not in (None, "", [], {}) for name in hidden):
            continue
        event.actor_display = person(event.actor, event.actor_label)
        event.time_display = local_datetime(event.time)
        out.append(event)
    return out


def field_labels(model, names) -> str:
    """Changed field names as their Chinese names (the audit list's column)."""
    fields = _Fields(model)
    skipped = skipped_fields(model)
    return "、".join(fields.label(n) for n in names or [] if n not in skipped)
