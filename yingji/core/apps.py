from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yingji.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self):
        from . import audit, permissions

        audit.connect()
        permissions.register_core()
