from django.apps import AppConfig

from yingji.core.hooks import Nav, SearchProvider


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
    search_index = {"Case": ("title", "narrative", "causes", "lessons")}
    search_providers = [
        SearchProvider("cases", "事故案例", "yingji.cases.selectors.search", order=110)
    ]

    def ready(self):
        from . import permissions  # noqa: F401
