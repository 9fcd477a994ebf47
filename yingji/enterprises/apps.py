from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "yingji.enterprises"
    label = "enterprises"
    verbose_name = "企业档案"
    demo_loader = "yingji.enterprises.demo.load_demo"

    def ready(self):
        from . import permissions  # noqa: F401
