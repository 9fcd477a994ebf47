from django.apps import AppConfig

from yingji.core.hooks import Card, MapLayer, Nav, SettingsPage


class RiskConfig(AppConfig):
    name = "yingji.risk"
    label = "risk"
    verbose_name = "风险分级与风险图"
    url_prefix = "risk/"
    api_router = "yingji.risk.api.router"
    navigation = [
        Nav(
            "风险分级与风险图",
            "risk:map",
            icon="exclamation-diamond",
            tasks="T13, T15–T17",
            order=30,
        )
    ]
    map_layers = [
        MapLayer("enterprises", "企业(按风险颜色)", "/api/v1/risk/map/enterprises", order=10),
        MapLayer("units", "重大危险源", "/api/v1/risk/map/hazards", order=20),
    ]
    dashboard_cards = [Card("risk.figures", "yingji.risk.cards.figures", 35)]
    demo_loader = "yingji.risk.demo.load_demo"
    settings_pages = [SettingsPage("风险分级参数", "risk:settings", "风险指数权重与 LEC/LS 分级")]

    def ready(self):
        from . import permissions  # noqa: F401
