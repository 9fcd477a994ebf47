from django.apps import AppConfig

from yingji.core.hooks import Card, Nav, RecordAction, SearchProvider


class CasesConfig(AppConfig):
    """典型事故案例库 (issue #18; work point T50): accident cases with causes and lessons, graded
    by 国务院令第493号 Art. 3 (yingji/standards/accidents.py), searchable, with similar cases,
    importable from Excel. Added as one folder plus one INSTALLED_APPS line (docs/cases.md)."""

    name = "yingji.cases"
    label = "cases"
    verbose_name = "典型事故案例库"
    url_prefix = "cases/"
    api_router = "yingji.cases.api.router"
    navigation = [Nav("典型事故案例库", "cases:index", icon="archive", tasks="T50", order=110)]
    demo_loader = "yingji.cases.demo.load_demo"
    # the library's search through the gram index (core.textsearch), same fields as the list
    search_index = {"Case": ("title", "narrative", "direct_causes", "indirect_causes", "lessons")}
    search_providers = [
        SearchProvider("cases", "事故案例", "yingji.cases.selectors.search", order=110)
    ]

    dashboard_cards = [Card("cases.unread", "yingji.cases.cards.unread", 45)]
    record_actions = [
        RecordAction(
            "response.event", "转为事故案例", "cases:from_event", "event", "archive", "cases.write"
        ),
        RecordAction("hazards.hazard", "相似事故案例", "cases:similar", "hazard", "archive"),
        RecordAction(
            "enterprises.enterprise", "相似事故案例", "cases:similar", "enterprise", "archive"
        ),
    ]

    def ready(self):
        from django.db.models.signals import post_save

        from . import permissions  # noqa: F401
        from .models import Case

        post_save.connect(_case_saved, sender=Case, dispatch_uid="cases.fulltext")


def _case_saved(sender, instance, raw=False, using=None, **kwargs):
    """Keep the SQLite FTS5 table current (PostgreSQL indexes the column itself)."""
    if raw:
        return
    from django.db import connections

    from .fulltext import index_case

    index_case(instance.pk, instance.search_text, connections[using or "default"])
