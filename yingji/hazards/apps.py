from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "yingji.hazards"
    label = "hazards"
    verbose_name = "隐患排查治理"
    demo_loader = "yingji.hazards.demo.load_demo"
    # Extra layers of the 安全生产风险图 (yingji.risk draws any app's layers; see risk.views).
    map_layers = [
        {
            "key": "hazards",
            "label": "未销号隐患(红色大三角为重大隐患)",
            "url": "/api/v1/hazards/geojson",
        }
    ]

    def ready(self):
        from . import permissions  # noqa: F401
