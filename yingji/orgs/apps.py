from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "yingji.orgs"
    label = "orgs"
    verbose_name = "组织机构"
    demo_loader = "yingji.orgs.demo.load_demo"

    def ready(self):
        from yingji.core.permissions import set_scope_provider

        from . import permissions  # noqa: F401
        from .scopes import compute_scope

        set_scope_provider(compute_scope)
