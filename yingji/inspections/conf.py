"""The configurable, non-national parts of 执法检查.

Both values are PROJECT DEFAULTS, not national rules: no national standard fixes how often an
enterprise of a given risk colour must be inspected, nor how close two inspections by different
bureaus may be before they count as 多头重复执法. The bureau sets them for its annual plans:

- ``YINGJI_INSPECTION_VISITS_PER_YEAR`` — visits per year by risk colour. A Django setting (a
  dict) or an environment variable like ``red=4,orange=2,yellow=1,blue=1,none=1``. Default: red
  (重大风险) 4, orange (较大风险) 2, yellow (一般风险) 1, blue (低风险) 1, not yet graded 1.
- ``YINGJI_INSPECTION_OVERLAP_DAYS`` — the window of the duplicate-inspection guard in days
  (setting or environment variable). Default 30.
"""

from __future__ import annotations

import os

from django.conf import settings

DEFAULT_VISITS_PER_YEAR = {"red": 4, "orange": 2, "yellow": 1, "blue": 1, "": 1}
DEFAULT_OVERLAP_DAYS = 30


def _parse_visits(text: str) -> dict[str, int]:
    out = {}
    for part in text.split(","):
        if "=" not in part:
            continue
        key, value = (s.strip() for s in part.split("=", 1))
        out["" if key in ("none", "") else key] = int(value)
    return out


def visits_per_year() -> dict[str, int]:
    """Visits per year for each risk colour ("" = not yet graded), at least 1 each."""
    configured = getattr(settings, "YINGJI_INSPECTION_VISITS_PER_YEAR", None)
    if configured is None:
        env = os.environ.get("YINGJI_INSPECTION_VISITS_PER_YEAR", "")
        configured = _parse_visits(env) if env else {}
    merged = {**DEFAULT_VISITS_PER_YEAR, **dict(configured)}
    return {colour: max(1, min(12, int(n))) for colour, n in merged.items()}


def overlap_window_days() -> int:
    configured = getattr(settings, "YINGJI_INSPECTION_OVERLAP_DAYS", None)
    if configured is None:
        configured = os.environ.get("YINGJI_INSPECTION_OVERLAP_DAYS", DEFAULT_OVERLAP_DAYS)
    return max(0, int(configured))
