"""The sidebar: every installed app's navigation entries (declared on its AppConfig, see
``yingji.core.hooks``) that the user may open, plus the modules of the mission that are not
built yet, shown as 未开放 (no link), never as a fake page."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import hooks

# The mission's modules still to come: (app label, label, work-point tasks, icon, order). A
# module that is not built has no AppConfig to declare it, so it is listed here; the entry is
# hidden as soon as an app with that label is installed (and should then be deleted).
PLANNED = [
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
