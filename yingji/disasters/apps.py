from django.apps import AppConfig

from yingji.core.hooks import Card, MapLayer, Nav, SearchProvider, SettingsPage


class DisastersConfig(AppConfig):
    """灾情报送 (issue #17; work points T26, T29, T30, T54): disaster processes, loss reports
        per region (初报/续报/核报) checked against 《自然灾害情况统计调查制度》 and rolled up
        township → county → city, the 灾害信息员 registry with its coverage, and the officer's
        phone-sized quick report, and the 综合减灾示范社区 (T54) applications, reviews and
    督查 visits with their map layer. Added as one folder plus one INSTALLED_APPS line; the user
        journeys are in docs/disasters.md."""

    name = "yingji.disasters"
    label = "disasters"
    verbose_name = "灾情报送"
    url_prefix = "disasters/"
    api_router = "yingji.disasters.api.router"
    navigation = [
        Nav(
            "灾情报送",
            "disasters:index",
            icon="cloud-lightning-rain",
            tasks="T26, T29, T30, T54",
            order=90,
            allowed="disasters.open",
        )
    ]
    dashboard_cards = [
        Card("disasters.to_confirm", "yingji.disasters.cards.to_confirm", 30, "disasters.open"),
        Card("disasters.communities", "yingji.disasters.cards.communities", 95, "disasters.open"),
    ]
    map_layers = [
        MapLayer(
            "communities",
            "综合减灾示范社区(已命名)",
            "/api/v1/disasters/communities-geojson",
            order=90,
            allowed="disasters.open",
        ),
        MapLayer(
            "officer_coverage",
            "灾害信息员覆盖(按县区)",
            "/api/v1/disasters/officer-coverage-geojson",
            order=91,
            allowed="disasters.view_coverage",
        ),
    ]
    settings_pages = [
        SettingsPage(
            "灾情报送时限",
            "disasters:deadlines",
            "初报、续报、核报的报送时限(按《自然灾害情况统计调查制度》,可修改)",
            allowed="disasters.open",
        )
    ]
    demo_loader = "yingji.disasters.demo.load_demo"
    search_providers = [
        SearchProvider("disasters", "灾害过程", "yingji.disasters.selectors.search", order=90)
    ]

    def ready(self):
        from . import permissions  # noqa: F401
