"""自然灾害 events graded by the configurable 自然灾害救助 response-level table
(``standards.relief_levels``; the table named or given by ``settings.YINGJI_RELIEF_LEVELS``)."""

from __future__ import annotations

import json
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from yingji.standards import relief_levels

# Event fields → the table's indicators (deaths + missing give 死亡和失踪).
EVENT_INDICATORS = {
    "deaths": "deaths",
    "missing": "missing",
    "relocated": "relocated",
    "houses_rooms": "houses_rooms",
    "houses_households": "houses_households",
}


@lru_cache(maxsize=4)
def _load(raw: str) -> dict:
    raw = (raw or "").strip() or relief_levels.data()["default"]
    try:
        tab = json.loads(raw) if raw.startswith("{") else relief_levels.table(raw)
        return relief_levels.validate_table(tab)
    except (KeyError, ValueError) as exc:
        raise ImproperlyConfigured(f"YINGJI_RELIEF_LEVELS 配置有误:{exc}") from exc


def relief_table() -> dict:
    return _load(getattr(settings, "YINGJI_RELIEF_LEVELS", ""))


def assess(figures: dict) -> dict:
    """The suggested 自然灾害救助 level for indicator figures, by the configured table."""
    tab = relief_table()
    return {**relief_levels.relief_level(figures, tab), "table": tab.get("label", "")}


def relief_of(event_type, figures: dict) -> dict | None:
    """The assessment for an event of this type with these figures; None when it is not a
    natural disaster."""
    if event_type.category != "natural":
        return None
    out = assess({key: figures.get(field, 0) for field, key in EVENT_INDICATORS.items()})
    # an event carries no drought figures (the calculator takes them): not "未填报" here
    known = relief_levels.indicators()
    carried = {known[k]["label"] for k in (*EVENT_INDICATORS, "dead_missing") if k in known}
    return {**out, "unknown": [u for u in out["unknown"] if u in carried]}


def level_of(event_type, figures: dict) -> int | None:
    out = relief_of(event_type, figures)
    return out["level"] if out else None
