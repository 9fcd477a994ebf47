from django.apps import AppConfig

from yingji.core.hooks import Nav, SearchProvider


class OrgsConfig(AppConfig):
    name = "yingji.orgs"
    label = "orgs"
    verbose_name = "组织机构"
    url_prefix = "orgs/"
    api_router = "yingji.orgs.api.router"
    navigation = [Nav("组织机构", "orgs:list", icon="building-gear", group="foundation", order=10)]
    demo_loader = "yingji.orgs.demo.load_demo"
    search_providers = [SearchProvider("orgs", "组织机构", "yingji.orgs.selectors.search", 80)]

    def ready(self):
        from yingji.core.permissions import set_scope_provider

        from . import permissions  # noqa: F401
        from .scopes import compute_scope

        set_scope_provider(compute_scope)
