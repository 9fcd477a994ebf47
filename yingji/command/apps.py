from django.apps import AppConfig

from yingji.core.hooks import Nav


class CommandConfig(AppConfig):
    """指挥一张图 (work point T63): one full-screen map of 兰州 with every module's map layers and
    the duty desk's panels (当前事件, 未确认告警, 生效预警, 今日值班, 在途调度), refreshed every
    30 s, each figure read through the owning module's selectors under the user's permissions.
    Adds no model and no write: it reads. See docs/command.md."""

    name = "yingji.command"
    label = "command"
    verbose_name = "指挥一张图"
    url_prefix = "command/"
    api_router = "yingji.command.api.router"
    navigation = [
        Nav("指挥一张图", "command:map", icon="map", tasks="T63", order=125, allowed="command.open")
    ]

    def ready(self):
        from . import permissions  # noqa: F401
