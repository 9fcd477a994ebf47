from django.apps import AppConfig


class WorkplanConfig(AppConfig):
    name = "yingji.workplan"
    label = "workplan"
    verbose_name = "工作要点督办"
    demo_loader = "yingji.workplan.demo.load_demo"

    def ready(self):
        from . import permissions  # noqa: F401
