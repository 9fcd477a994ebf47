"""The registry of app hooks: everything a module adds to the platform, declared on its AppConfig.

The foundation (URLs, API, navigation, the CLI, the maps, the 工作台, search, settings, the demo
loader and the daily job) reads these declarations and never imports a module. Adding a module
is adding a folder and one line in ``INSTALLED_APPS``::

    class HazardsConfig(AppConfig):
        name = "yingji.hazards"
        label = "hazards"
        verbose_name = "隐患排查治理"
        url_prefix = "hazards/"                          # includes yingji.hazards.urls
        api_router = "yingji.hazards.api.router"         # added under /api/v1/
        navigation = [Nav("隐患排查治理", "hazards:index", icon="tools", order=40)]
        map_layers = [MapLayer("hazards", "未销号隐患", "/api/v1/hazards/geojson")]
        dashboard_cards = [Card("hazards.to_verify", "yingji.hazards.cards.to_verify")]
        daily_jobs = [DailyJob("hazards", "隐患每日检查", "yingji.hazards.jobs.hazards_daily_check")]
        demo_loader = "yingji.hazards.demo.load_demo"
        search_providers = [SearchProvider("hazards", "隐患", "yingji.hazards.selectors.search")]
        settings_pages = [SettingsPage("一责三排权重", "hazards:settings", allowed="hazards.admin")]
        cli_commands = {"hazards-daily": "hazards_daily"}
        serve_companions = [Companion("feed", "演示数据馈送", ("x-feed", "--every", "600"), "…")]
        record_actions = [RecordAction("monitoring.alarm", "立为事件", "response:intake", "alarm")]
        preconditions = [Precondition("inspections.complete", "yingji.enforcement.checks.team")]
        record_links = [RecordLinks("hazards.hazard", "立案查处", "yingji.penalties.selectors.x")]

``allowed`` on any hook is the name of a page rule registered with
:func:`yingji.core.permissions.rule` (the same rule the view enforces), a callable taking the
user's :class:`~yingji.core.permissions.Scope`, or None for every signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string

Allowed = str | Callable[[Any], bool] | None


@dataclass(frozen=True)
class Nav:
    """A sidebar entry. ``group`` is "modules" (业务模块) or "foundation" (基础数据)."""

    label: str
    url: str  # URL name, e.g. "hazards:index"
    icon: str = "circle"
    tasks: str = ""  # the work-point tasks the module serves, e.g. "T10, T14–T18"
    group: str = "modules"
    order: int = 100
    allowed: Allowed = None


@dataclass(frozen=True)
class MapLayer:
    """A GeoJSON point layer for the maps (风险图, 指挥一张图). The URL answers a
    FeatureCollection whose properties carry ``label``, ``url`` and ``style``
    ({"symbol", "size", "color", "border"}) and accepts the map's filters as query parameters."""

    key: str
    label: str
    url: str  # a path ("/api/v1/hazards/geojson") or a URL name
    order: int = 100
    allowed: Allowed = None


@dataclass(frozen=True)
class Card:
    """A 工作台 card. ``build`` is the dotted path of ``fn(request) -> dict | None``; None (or a
    card with nothing in it) is not shown. Every figure a card shows must be counted through
    the same restrict() as the list its link opens."""

    key: str
    build: str
    order: int = 100
    allowed: Allowed = None


@dataclass(frozen=True)
class DailyJob:
    """A job `yingji daily` runs: ``job`` is the dotted path of an @audited_task taking an
    optional ISO date string and returning a dict of counts."""

    key: str
    label: str
    job: str


@dataclass(frozen=True)
class SearchProvider:
    """Global search: ``search`` is the dotted path of ``fn(user, q, limit) -> list[SearchHit]``
    (already restricted to what the user may see)."""

    key: str
    label: str
    search: str
    order: int = 100


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    subtitle: str = ""


@dataclass(frozen=True)
class SettingsPage:
    label: str
    url: str  # URL name
    description: str = ""
    allowed: Allowed = None


@dataclass(frozen=True)
class Companion:
    """A command `yingji serve` runs beside the web server while it runs (a subprocess, stopped
    with it), when ``when`` (dotted path of ``fn() -> bool``) says so at start: e.g. the demo
    monitoring feed, only on a database holding the demo stations."""

    key: str
    label: str
    command: tuple[str, ...]  # the yingji command and its arguments
    when: str


@dataclass(frozen=True)
class RecordAction:
    """A link a module offers on another module's record page (shown with the record tabs):
    ``model`` is "app_label.modelname" of the record, ``url`` a URL name, and the record's pk
    goes in the query parameter ``param`` — e.g. 立为事件 on a monitoring alarm, which opens the
    event intake pre-filled from it. The page's module needs no import of the offering one."""

    model: str
    label: str
    url: str
    param: str
    icon: str = ""
    allowed: Allowed = None


@dataclass(frozen=True)
class RecordLinks:
    """Records of a module listed on another module's record page (with the record tabs), e.g.
    the penalty cases opened from a hazard: ``model`` is "app_label.modelname" of the page's
    record, ``rows`` the dotted path of ``fn(user, obj) -> list[SearchHit]``, restricted to
    what the user may see. Nothing is shown when there are no rows."""

    model: str
    label: str
    rows: str
    allowed: Allowed = None


@dataclass(frozen=True)
class Precondition:
    """A rule a module adds to another module's state change without that module importing it:
    ``action`` names the change ("inspections.complete"), ``check`` is the dotted path of
    ``fn(obj) -> dict[str, str]``, the problems (key → Chinese sentence), empty when the rule
    holds. The service making the change calls :func:`preconditions` inside its transaction and
    refuses with the problems; its page shows the button only when there are none."""

    action: str
    check: str


@dataclass(frozen=True)
class Hooks:
    """What one app declares, read from its AppConfig (missing attributes are empty)."""

    config: AppConfig
    url_prefix: str | None = None
    api_router: str | None = None
    navigation: tuple[Nav, ...] = ()
    map_layers: tuple[MapLayer, ...] = ()
    dashboard_cards: tuple[Card, ...] = ()
    daily_jobs: tuple[DailyJob, ...] = ()
    demo_loader: str | None = None
    search_providers: tuple[SearchProvider, ...] = ()
    settings_pages: tuple[SettingsPage, ...] = ()
    cli_commands: dict[str, str] = field(default_factory=dict)
    serve_companions: tuple[Companion, ...] = ()
    record_actions: tuple[RecordAction, ...] = ()
    preconditions: tuple[Precondition, ...] = ()
    record_links: tuple[RecordLinks, ...] = ()
    # {model name: field paths} kept in the text-search index (yingji.core.textsearch)
    search_index: dict[str, tuple[str, ...]] = field(default_factory=dict)


HOOK_NAMES = tuple(f for f in Hooks.__dataclass_fields__ if f != "config")


def hooks_of(config: AppConfig) -> Hooks:
    values = {}
    for name in HOOK_NAMES:
        value = getattr(config, name, None)
        if value is None:
            continue
        if isinstance(value, list):
            value = tuple(value)
        values[name] = value
    return Hooks(config=config, **values)


def all_hooks() -> list[Hooks]:
    """Every installed app's hooks, in INSTALLED_APPS order (foundation first)."""
    return [hooks_of(config) for config in apps.get_app_configs()]


def _items(attribute: str) -> Iterable:
    for hooks in all_hooks():
        yield from getattr(hooks, attribute)


# --- permissions ---------------------------------------------------------------------------


def allowed_for(user, allowed: Allowed) -> bool:
    from .permissions import allows, scope_of

    if allowed is None:
        return getattr(user, "is_authenticated", False)
    if isinstance(allowed, str):
        return allows(user, allowed)
    scope = scope_of(user)
    return scope.authenticated and (scope.is_admin or bool(allowed(scope)))


# --- readers (the foundation's side) -------------------------------------------------------


def urlpatterns() -> list:
    """``path(prefix, include("<app>.urls"))`` for every app that declares a url_prefix."""
    from django.urls import include, path

    return [
        path(h.url_prefix, include(f"{h.config.name}.urls"))
        for h in all_hooks()
        if h.url_prefix is not None
    ]


def api_routers() -> list:
    return [import_string(h.api_router) for h in all_hooks() if h.api_router]


def navigation(user) -> list[Nav]:
    return sorted(
        (n for n in _items("navigation") if allowed_for(user, n.allowed)),
        key=lambda n: n.order,
    )


def map_layers(user) -> list[dict]:
    from django.urls import NoReverseMatch, reverse

    out = []
    for layer in sorted(_items("map_layers"), key=lambda x: x.order):
        if not allowed_for(user, layer.allowed):
            continue
        url = layer.url
        if not url.startswith("/"):
            try:
                url = reverse(url)
            except NoReverseMatch:
                continue
        out.append({"key": layer.key, "label": layer.label, "url": url})
    return out


def dashboard_cards(request) -> list[dict]:
    """The 工作台: every card the user may see, built, in order; empty ones left out."""
    cards = []
    for card in sorted(_items("dashboard_cards"), key=lambda c: c.order):
        if not allowed_for(request.user, card.allowed):
            continue
        built = import_string(card.build)(request)
        if built:
            cards.append({"key": card.key, **built})
    return cards


def daily_jobs() -> list[DailyJob]:
    return list(_items("daily_jobs"))


def demo_loaders() -> list[tuple[str, Callable]]:
    return [(h.config.label, import_string(h.demo_loader)) for h in all_hooks() if h.demo_loader]


def search_providers() -> list[SearchProvider]:
    return sorted(_items("search_providers"), key=lambda p: p.order)


def search(user, q: str, limit: int = 10) -> list[tuple[SearchProvider, list[SearchHit]]]:
    results = []
    for provider in search_providers():
        hits = import_string(provider.search)(user, q, limit)
        if hits:
            results.append((provider, hits))
    return results


def settings_pages(user) -> list[SettingsPage]:
    return [p for p in _items("settings_pages") if allowed_for(user, p.allowed)]


def serve_companions() -> list[Companion]:
    """The companions whose condition holds now."""
    return [c for c in _items("serve_companions") if import_string(c.when)()]


def cli_commands() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for hooks in all_hooks():
        aliases.update(hooks.cli_commands)
    return aliases


def record_actions(user, obj) -> list[dict]:
    """The links other modules offer on this record's page, as the user may follow them."""
    from django.urls import NoReverseMatch, reverse

    meta = type(obj)._meta
    model = f"{meta.app_label}.{meta.model_name}"
    out = []
    for action in _items("record_actions"):
        if action.model != model or not allowed_for(user, action.allowed):
            continue
        try:
            url = reverse(action.url)
        except NoReverseMatch:
            continue
        out.append(
            {"label": action.label, "url": f"{url}?{action.param}={obj.pk}", "icon": action.icon}
        )
    return out


def preconditions(action: str, obj) -> dict[str, str]:
    """The problems every installed module's precondition on ``action`` finds with ``obj``
    (empty: the change may go ahead)."""
    problems: dict[str, str] = {}
    for rule in _items("preconditions"):
        if rule.action == action:
            problems.update(import_string(rule.check)(obj))
    return problems


def record_links(user, obj) -> list[dict]:
    """The other modules' records listed on this record's page: [{"label", "rows"}], non-empty."""
    meta = type(obj)._meta
    model = f"{meta.app_label}.{meta.model_name}"
    out = []
    for links in _items("record_links"):
        if links.model != model or not allowed_for(user, links.allowed):
            continue
        rows = import_string(links.rows)(user, obj)
        if rows:
            out.append({"label": links.label, "rows": rows})
    return out
