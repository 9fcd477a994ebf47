"""The sidebar: every installed app's navigation entries (declared on its AppConfig, see
``yingji.core.hooks``) that the user may open, plus the modules of the mission that are not
built yet, shown as 未开放 (no link), never as a fake page."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import hooks

# The mission's modules still to come: (app label, label, work-point tasks, icon, order).
# An entry disappears as soon as an app with that label is installed and declares its own.
PLANNED = [
    ("monitoring", _("监测预警"), "T19–T25, T48, T65", "broadcast", 60),
    ("warnings", _("预警信息发布"), "T23, T35, T48, T55", "megaphone", 61),
    ("resources", _("应急资源一图一表"), "T30, T39, T41–T45, T58", "box-seam", 70),
    ("response", _("值班与应急响应"), "T33–T36, T40, T63", "telephone", 80),
    ("disasters", _("灾情报送"), "T26, T29, T30, T54", "cloud-lightning-rain", 90),
    ("plans", _("预案与演练"), "T31, T32", "journal-text", 100),
    ("cases", _("典型事故案例库"), "T50", "archive", 110),
    ("reports", _("研判简报"), "T11, T48, T49", "graph-up", 120),
    ("command", _("指挥一张图"), "T63", "map", 125),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation_for(request) -> dict:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"modules": [], "foundation": []}
    groups: dict[str, list[dict]] = {"modules": [], "foundation": []}
    for entry in hooks.navigation(user):
        url = _url(entry.url)
        if url is None:
            continue
        groups.setdefault(entry.group, []).append(
            {
                "label": entry.label,
                "url": url,
                "tasks": entry.tasks,
                "icon": entry.icon,
                "order": entry.order,
            }
        )
    for label, name, tasks, icon, order in PLANNED:
        if not apps.is_installed(f"yingji.{label}"):
            groups["modules"].append(
                {"label": name, "url": None, "tasks": tasks, "icon": icon, "order": order}
            )
    for entries in groups.values():
        entries.sort(key=lambda e: e["order"])
    return groups
