from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "yingji.inspections"
    label = "inspections"
    verbose_name = "执法检查"
    demo_loader = "yingji.inspections.demo.load_demo"
    # A layer of the 安全生产风险图 (drawn by yingji.risk from any app's map_layers).
    map_layers = [
        {
            "key": "inspections",
            "label": "近90天执法检查(蓝色方块)",
            "url": "/api/v1/inspections/geojson",
        }
    ]

    def ready(self):
        from . import permissions  # noqa: F401
