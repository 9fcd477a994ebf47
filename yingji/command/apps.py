from django.apps import AppConfig

from yingji.core.hooks import MapLayer, Nav


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
    # The open events have no layer of their own in the response module: this one reads them
    # through yingji.response.selectors (after the older modules' layers, as a later module's
    # layers come; the command map draws it on top of the others).
    map_layers = [
        MapLayer(
            "events",
            "处置中的突发事件(按事故等级着色)",
            "/api/v1/command/events/geojson",
            order=60,
            allowed="command.open",
        )
    ]

    def ready(self):
        from . import permissions  # noqa: F401
