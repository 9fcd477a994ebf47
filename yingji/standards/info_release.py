"""The information-release clocks of one event (T35: 信息发布的时机), as a pure function.

For 重大/特别重大 突发事件 the government must publish authoritative information quickly and hold a
press conference soon after: the figures usually quoted are **5 hours** for the first
authoritative release and **24 hours** for the press conference (国务院办公厅《关于在政务公开工作中
进一步做好政务舆情回应的通知》, 国办发〔2016〕61号, 第三条). That notice is *not* in
``standards-digest.md`` and was not read for this module, so both figures are **confidence LOW**:
they are arguments here and settings of the platform (``YINGJI_RELEASE_AUTHORITATIVE_HOURS``,
``YINGJI_RELEASE_PRESS_HOURS``), and the page says so.

Which events the clocks apply to: a production-safety accident graded 重大 or 特别重大 (国务院令
第493号 第三条, the grades of ``standards.accidents``), or any event whose response reached Ⅰ级 or
Ⅱ级 (the levels that correspond to 特别重大/重大, ``standards.response_levels``). Clocks run from
the time the event was received (接报). Nothing here reads a clock: ``now`` is an argument of
``Deadline.status``.
"""

from __future__ import annotations

import datetime as dt

from .event_clocks import Deadline

SERIOUS_GRADES = ("major", "especially_major")  # 493号令第三条: 重大, 特别重大
SERIOUS_LEVELS = (1, 2)  # Ⅰ级, Ⅱ级 应急响应
DEFAULT_AUTHORITATIVE_HOURS = 5  # 国办发〔2016〕61号 (LOW)
DEFAULT_PRESS_HOURS = 24  # 国办发〔2016〕61号 (LOW)
BASIS = "国办发〔2016〕61号(时限可配置,置信度低)"


def applies(grade: str | None, highest_level: int | None) -> bool:
    """Whether the release clocks apply: 重大/特别重大, or a Ⅰ/Ⅱ级 response at any time."""
    return grade in SERIOUS_GRADES or highest_level in SERIOUS_LEVELS


def clocks(
    *,
    received_at: dt.datetime,
    grade: str | None,
    highest_level: int | None,
    first_release_at: dt.datetime | None = None,
    press_release_at: dt.datetime | None = None,
    authoritative_hours: float = DEFAULT_AUTHORITATIVE_HOURS,
    press_hours: float = DEFAULT_PRESS_HOURS,
) -> list[Deadline]:
    """The two release deadlines of an event ([] when they do not apply). ``first_release_at``
    is when the first text was released on any channel, ``press_release_at`` when the first
    text was released at a press conference (新闻发布会)."""
    if not applies(grade, highest_level):
        return []
    return [
        Deadline(
            "authoritative",
            f"发布权威信息(接报后{authoritative_hours:g}小时内)",
            received_at + dt.timedelta(hours=authoritative_hours),
            first_release_at,
            BASIS,
        ),
        Deadline(
            "press",
            f"举行新闻发布会(接报后{press_hours:g}小时内)",
            received_at + dt.timedelta(hours=press_hours),
            press_release_at,
            BASIS,
        ),
    ]
