from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "yingji.risk"
    label = "risk"
    verbose_name = "风险分级与风险图"
    demo_loader = "yingji.risk.demo.load_demo"

    def ready(self):
        from . import permissions  # noqa: F401
