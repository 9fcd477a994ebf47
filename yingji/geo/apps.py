from django.apps import AppConfig

from yingji.core.hooks import Nav, SearchProvider


class GeoConfig(AppConfig):
    name = "yingji.geo"
    label = "geo"
    verbose_name = "行政区划"
    url_prefix = "regions/"
    api_router = "yingji.geo.api.router"
    navigation = [Nav("行政区划", "geo:list", icon="geo-alt", group="foundation", order=20)]
    search_providers = [SearchProvider("regions", "行政区划", "yingji.geo.selectors.search", 90)]

    def ready(self):
        from . import permissions  # noqa: F401
