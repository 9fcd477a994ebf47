from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "yingji.geo"
    label = "geo"
    verbose_name = "行政区划"

    def ready(self):
        from . import permissions  # noqa: F401
