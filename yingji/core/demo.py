"""Demo data from every app, in INSTALLED_APPS order (foundation first). An app takes part by
setting ``demo_loader = "<dotted path>"`` on its AppConfig (see yingji.core.hooks); the loader
must be idempotent and mark what it creates as demo (演示). The foundation never imports the
domain apps: it only walks the app registry."""

import datetime as dt
from contextlib import contextmanager

from django.apps import apps
from django.utils import timezone

from .hooks import demo_loaders


def run_demo_loaders(stdout=None) -> dict:
    results = {}
    for label, loader in demo_loaders():
        results[label] = loader()
        if stdout is not None:
            stdout.write(f"演示数据[{apps.get_app_config(label).verbose_name}]:{results[label]}")
    from .textsearch import rebuild

    rebuild()  # loaders may bulk-create, which the search index does not see
    return results


@contextmanager
def dated(when: dt.datetime):
    """Demo data happen in the past: every write inside the block (through the normal services,
    which stamp ``now``) is moved to ``when`` afterwards, consistently: its change records and
    events, and each date-time field of the rows written that was stamped during the block
    (created_at, updated_at, submitted_at, closed_at…). Nothing else is touched. Only for the
    demo loaders: real records keep the time they happened."""
    from django.db.models.signals import post_save

    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    touched: dict[type, set] = {}

    def saved(sender, instance, **kwargs):
        touched.setdefault(sender, set()).add(instance.pk)

    started = timezone.now()
    post_save.connect(saved, weak=False)
    try:
        yield when
    finally:
        post_save.disconnect(saved)
    _move(touched, started, when)


def _move(touched: dict[type, set], started: dt.datetime, when: dt.datetime) -> None:
    """One UPDATE per model written: the change records' and events' time, and every
    date-time field set since ``started`` (the others keep their value)."""
    from django.db.models import Case, DateTimeField, F, Value, When

    from .models import AuditEvent, ObjectChange

    for model, pks in touched.items():
        if model in (ObjectChange, AuditEvent):
            model._base_manager.filter(pk__in=pks).update(time=when)
            continue
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, DateTimeField)]
        if fields:
            model._base_manager.filter(pk__in=pks).update(
                **{
                    name: Case(When(**{f"{name}__gte": started}, then=Value(when)), default=F(name))
                    for name in fields
                }
            )


def moment(day: dt.date, rng, start_hour: int = 8, end_hour: int = 18) -> dt.datetime:
    """A plausible working-hours time on ``day`` (local time), from the demo's random source."""
    minutes = rng.randint(start_hour * 60, end_hour * 60 - 1)
    naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, rng.randint(0, 59)))
    return min(timezone.make_aware(naive), timezone.now())  # never in the future
