from django.apps import AppConfig

from yingji.core.hooks import Card, Nav, SearchProvider, SettingsPage


class EnterprisesConfig(AppConfig):
    name = "yingji.enterprises"
    label = "enterprises"
    verbose_name = "企业档案"
    url_prefix = "enterprises/"
    api_router = "yingji.enterprises.api.router"
    navigation = [
        Nav("企业档案", "enterprises:index", icon="building", tasks="T3, T8–T10, T62", order=20)
    ]
    dashboard_cards = [
        Card(
            "enterprises.todo",
            "yingji.enterprises.cards.todo",
            30,
            allowed=lambda s: not s.read_only,
        ),
        Card("enterprises.figures", "yingji.enterprises.cards.figures", 30),
    ]
    demo_loader = "yingji.enterprises.demo.load_demo"
    search_index = {"Enterprise": ("organisation__name", "uscc", "principal", "address")}
    search_providers = [
        SearchProvider("enterprises", "企业", "yingji.enterprises.selectors.search", 20)
    ]
    settings_pages = [
        SettingsPage("企业分级监管规则", "enterprises:tier_rule", "T3 属地分级监管的划分规则")
    ]

    def ready(self):
        from . import permissions  # noqa: F401
