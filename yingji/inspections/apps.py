from django.apps import AppConfig

from yingji.core.hooks import MapLayer, Nav, SearchProvider


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
    demo_loader = "yingji.inspections.demo.load_demo"
    search_providers = [
        SearchProvider("inspections", "执法检查与案件", "yingji.inspections.selectors.search", 40)
    ]

    def ready(self):
        from . import permissions  # noqa: F401
