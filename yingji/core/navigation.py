"""The navigation of all modules of the mission. A module whose app is not built yet is shown
as not available (no link), never as a fake page."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, work-point tasks it serves, icon)
MODULES = [
    (_("工作要点督办"), "workplan:index", "T1–T68", "list-check"),
    (_("企业档案"), "enterprises:index", "T3, T8–T10, T62", "building"),
    (_("风险分级与风险图"), "risk:map", "T13, T15–T17", "exclamation-diamond"),
    (_("隐患排查治理"), "hazards:index", "T10, T14–T18, T28", "tools"),
    (_("执法检查"), "inspections:index", "T1–T3", "clipboard-check"),
    (_("监测预警"), "warnings:index", "T20, T23, T35, T48", "broadcast"),
    (_("应急资源一图一表"), "resources:index", "T30, T39, T45", "box-seam"),
    (_("值班与应急响应"), "response:index", "T33, T34, T36", "telephone"),
    (_("灾情报送"), "disasters:index", "T30", "cloud-lightning-rain"),
    (_("预案与演练"), "plans:index", "T31, T32", "journal-text"),
    (_("典型事故案例库"), "cases:index", "T50", "archive"),
    (_("研判简报"), "reports:briefs", "T49", "graph-up"),
    (_("指挥一张图"), "reports:dashboard", "T63", "map"),
]

FOUNDATION = [
    (_("组织机构"), "orgs:list", "building-gear"),
    (_("行政区划"), "geo:list", "geo-alt"),
    (_("变更记录"), "core:audit", "clock-history"),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation_for(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"modules": [], "foundation": []}
    return {
        "modules": [
            {"label": label, "url": _url(name), "tasks": tasks, "icon": icon}
            for label, name, tasks, icon in MODULES
        ],
        "foundation": [
            {"label": label, "url": _url(name), "icon": icon} for label, name, icon in FOUNDATION
        ],
    }
