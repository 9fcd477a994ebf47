"""The configurable numbers of the penalty procedure (see yingji.standards.penalty_procedure for
sources and confidence). Each is a Django setting or an environment variable:

- ``YINGJI_PENALTY_HEARING_THRESHOLDS`` (LOW): 较大数额, e.g.
  ``fine_person=20000,fine_unit=50000,confiscation_person=20000,confiscation_unit=50000``.
- ``YINGJI_PENALTY_PUBLICATION_WORKDAYS`` (MEDIUM, default 7): 事后公示 deadline in working days.
- ``YINGJI_PENALTY_STATEMENT_DAYS`` (LOW, default 3): the 陈述申辩 window.
- ``YINGJI_PENALTY_MAJOR_IF_HEARING_RIGHT`` (LOW, default on): a penalty within the hearing
  range counts as a 重大执法决定 (the department's 法制审核目录).
- ``YINGJI_PENALTY_LEGAL_REVIEW_ORGS`` (default ``LZYJJ-ZCFG``, 政策法规科): the organisations
  whose staff do the city bureau's 法制审核 and 案卷评查; in a county bureau (no such section in
  the organisation data) any staff member of that bureau who handled no step of the case.
- ``YINGJI_PENALTY_CASE_FILE_SHEET`` (LOW): the 案卷评查 sheet as ``key:points,...`` overriding
  the points of the default items.
"""

from __future__ import annotations

import os
from decimal import Decimal

from django.conf import settings

from yingji.standards import penalty_procedure as pp


def _get(name: str, default):
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    return default if value in (None, "") else value


def _pairs(value) -> dict:
    if isinstance(value, dict):
        return dict(value)
    out = {}
    for part in str(value).split(","):
        if ":" in part or "=" in part:
            key, val = part.replace(":", "=", 1).split("=", 1)
            out[key.strip()] = val.strip()
    return out


def hearing_thresholds() -> pp.Thresholds:
    given = _pairs(_get("YINGJI_PENALTY_HEARING_THRESHOLDS", {}))
    base = pp.DEFAULT_THRESHOLDS
    return pp.Thresholds(
        **{
            name: Decimal(str(given.get(name, getattr(base, name))))
            for name in ("fine_person", "fine_unit", "confiscation_person", "confiscation_unit")
        }
    )


def publication_workdays() -> int:
    return max(1, int(_get("YINGJI_PENALTY_PUBLICATION_WORKDAYS", pp.DEFAULT_PUBLICATION_WORKDAYS)))


def statement_days() -> int:
    return max(1, int(_get("YINGJI_PENALTY_STATEMENT_DAYS", pp.DEFAULT_STATEMENT_DAYS)))


def major_if_hearing_right() -> bool:
    value = _get("YINGJI_PENALTY_MAJOR_IF_HEARING_RIGHT", True)
    return value if isinstance(value, bool) else str(value).lower() not in ("0", "false", "no")


def legal_review_orgs() -> tuple[str, ...]:
    value = _get("YINGJI_PENALTY_LEGAL_REVIEW_ORGS", ("LZYJJ-ZCFG",))
    if isinstance(value, str):
        value = value.split(",")
    return tuple(v.strip() for v in value if v.strip())


def case_file_sheet() -> list[tuple[str, str, int]]:
    given = {k: int(v) for k, v in _pairs(_get("YINGJI_PENALTY_CASE_FILE_SHEET", {})).items()}
    return [(k, label, given.get(k, points)) for k, label, points in pp.CASE_FILE_SHEET]
