"""指挥一张图: the page (map + panels) and the panels alone (htmx, polled every 30 s)."""

from __future__ import annotations

from django.shortcuts import render

from yingji.core.hooks import map_layers
from yingji.core.permissions import requires

from . import selectors

REFRESH_SECONDS = 30


def _context(request) -> dict:
    f = selectors.parse_filters(request.user, request.GET)
    return {"filters": f, "panels": selectors.panels(request.user, f)}


@requires("command.open")
def command_map(request):
    context = _context(request)
    return render(
        request,
        "command/map.html",
        {
            **context,
            "title": "指挥一张图",
            "layers": map_layers(request.user),
            "counties": selectors.counties(request.user),
            "windows": selectors.WINDOWS,
            "refresh": REFRESH_SECONDS,
        },
    )


@requires("command.open")
def panels(request):
    return render(request, "command/_panels.html", _context(request))
