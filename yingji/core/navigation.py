"""The sidebar: every installed app's navigation entries (declared on its AppConfig, see
``yingji.core.hooks``) that the user may open. (The mission's last planned module, 指挥一张图,
is built: the list of modules shown as 未开放 is gone with it.)"""

from django.urls import NoReverseMatch, reverse

from . import hooks


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
    for entries in groups.values():
        entries.sort(key=lambda e: e["order"])
    return groups
