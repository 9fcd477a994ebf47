"""The configurable parts of 隐患排查治理.

- ``YINGJI_HAZARD_CRITERIA_LOW`` (Django setting or environment variable, on/off; default on):
  whether items of 重大事故隐患判定标准 entered with LOW confidence — 消防 (GB 35181) and 城镇燃气
  (建城规〔2023〕4号), whose texts were not read in the original (see
  ``yingji/standards/major_hazard_criteria.py``) — may be cited to make a hazard 重大. A bureau
  that has not checked them against the originals turns it off; the others stay citable.
"""

from __future__ import annotations

import os

from django.conf import settings


def allow_low_criteria() -> bool:
    value = getattr(settings, "YINGJI_HAZARD_CRITERIA_LOW", None)
    if value is None:
        value = os.environ.get("YINGJI_HAZARD_CRITERIA_LOW", "on")
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("0", "off", "false", "no")
