from django.apps import AppConfig

from yingji.core.hooks import Card, MapLayer, Nav, SearchProvider


class InspectionsConfig(AppConfig):
    name = "yingji.inspections"
    label = "inspections"
    verbose_name = "执法检查"
    url_prefix = "inspections/"
    api_router = "yingji.inspections.api.router"
    navigation = [
        Nav("执法检查", "inspections:index", icon="clipboard-check", tasks="T1–T3, T12", order=50)
    ]
    map_layers = [
        MapLayer("inspections", "近90天执法检查(蓝色方块)", "/api/v1/inspections/geojson", order=40)
    ]
    dashboard_cards = [
        Card(
            "inspections.todo",
            "yingji.inspections.cards.todo",
            40,
            allowed=lambda s: s.has_role("city_staff", "county_staff"),
        ),
        Card(
            "inspections.duty",
            "yingji.inspections.cards.duty",
            40,
            allowed=lambda s: s.has_role("duty_officer"),
        ),
    ]
    demo_loader = "yingji.inspections.demo.load_demo"
    search_index = {
        "Inspection": ("number", "enterprise__organisation__name", "participants", "summary")
    }
    search_providers = [
        SearchProvider("inspections", "执法检查与案件", "yingji.inspections.selectors.search", 40)
    ]

    def ready(self):
        from . import permissions  # noqa: F401
