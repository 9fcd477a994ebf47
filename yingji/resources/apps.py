from django.apps import AppConfig

from yingji.core.hooks import Card, MapLayer, Nav, SearchProvider


class ResourcesConfig(AppConfig):
    """应急资源一图一表 (issue #16; work points T30, T39, T41–T45, T58): storage sites, the item
    catalogue (GB/T 38565 structure), stock as a ledger of movements, alerts, the "一表" export
    and 台账 import, and the "一图" map layer. The design is in docs/resources.md."""

    name = "yingji.resources"
    label = "resources"
    verbose_name = "应急资源"
    url_prefix = "resources/"
    api_router = "yingji.resources.api.router"
    navigation = [
        Nav(
            "应急资源一图一表",
            "resources:sites",
            icon="box-seam",
            tasks="T30, T39, T41–T45, T58",
            order=70,
        )
    ]
    map_layers = [
        MapLayer(
            "resources", "应急物资储备库(点)(大小为库存量)", "/api/v1/resources/geojson", order=50
        ),
        MapLayer(
            "resources-equipment", "应急装备", "/api/v1/resources/equipment/geojson", order=51
        ),
        MapLayer(
            "resources-transit",
            "在途调度(最新位置)",
            "/api/v1/resources/transit/geojson",
            order=52,
        ),
    ]
    dashboard_cards = [
        Card("resources.stock_alerts", "yingji.resources.cards.stock_alerts", 30),
        Card("resources.coverage", "yingji.resources.cards.coverage", 31),
        Card("resources.equipment_due", "yingji.resources.cards.equipment_due", 32),
    ]
    demo_loader = "yingji.resources.demo.load_demo"
    search_providers = [
        SearchProvider("resources", "储备库(点)", "yingji.resources.selectors.search", order=70)
    ]

    def ready(self):
        from . import permissions  # noqa: F401
