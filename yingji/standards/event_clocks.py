"""The reporting clocks of one event, as a pure function over plain values.

The grades, the 1-hour unit report, the 2-hour pass-up, the 续报 cadence and the 补报 window are
the data of ``yingji.standards.accidents`` (国务院令第493号 Art. 9/10/11/13, 原安监总局令第21号);
this module only adds what a duty desk needs on top of them:

- 电话快报: for 较大 and worse (and socially sensitive events) the county and city regulators
  phone-report the provincial regulator **within 1 hour** (原安监总局令第21号, read through
  standards-digest.md §9.1, confidence HIGH);
- for an event that is not a production-safety accident (自然灾害, 公共卫生, 社会安全) the
  same 2-hour pass-up and daily 续报 are applied as the desk's default (a house rule, not a
  national one: confidence LOW, shown as such on the page).

Everything is computed from times; nothing here reads a clock: ``now`` is an argument.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .accidents import (
    PASS_UP_WITHIN,
    UNIT_REPORT_WITHIN,
    reporting_clock,
)

PHONE_REPORT_WITHIN = dt.timedelta(hours=1)  # 原安监总局令第21号: 较大及以上 电话快报
PHONE_REPORT_GRADES = ("larger", "major", "especially_major")
DEFAULT_FOLLOW_UP = dt.timedelta(hours=24)  # non-accident events: house rule, LOW
DEFAULT_SUPPLEMENT_DAYS = 30


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    due: dt.datetime
    met_at: dt.datetime | None  # when it was met (None: not yet)
    basis: str

    def status(self, now: dt.datetime) -> str:
        """met / late (met after the deadline) / overdue (not met, past due) / due."""
        if self.met_at is not None:
            return "met" if self.met_at <= self.due else "late"
        return "overdue" if now > self.due else "due"


def clocks(
    *,
    occurred_at: dt.datetime,
    received_at: dt.datetime,
    grade: str | None,
    road_or_fire: bool = False,
    first_report_at: dt.datetime | None = None,
    phone_report_at: dt.datetime | None = None,
    last_report_at: dt.datetime | None = None,
    final_report_at: dt.datetime | None = None,
    default_follow_up: dt.timedelta = DEFAULT_FOLLOW_UP,
) -> list[Deadline]:
    """The event's deadlines in time order. ``grade`` is an accidents.GRADES code for a
    production-safety accident, None for any other event."""
    out = [
        Deadline(
            "unit",
            "事发单位报告(1小时内)",
            occurred_at + UNIT_REPORT_WITHIN,
            received_at,
            "《生产安全事故报告和调查处理条例》第九条" if grade else "参照第九条(本系统默认)",
        ),
        Deadline(
            "first",
            "首报上报(接报后2小时内)",
            received_at + PASS_UP_WITHIN,
            first_report_at,
            "《生产安全事故报告和调查处理条例》第十一条" if grade else "参照第十一条(本系统默认)",
        ),
    ]
    if grade in PHONE_REPORT_GRADES:
        out.append(
            Deadline(
                "phone",
                "电话快报省级(接报后1小时内)",
                received_at + PHONE_REPORT_WITHIN,
                phone_report_at,
                "《生产安全事故信息报告和处置办法》(原安监总局令第21号)",
            )
        )
    if first_report_at is not None and final_report_at is None:
        every = reporting_clock(grade, occurred_at).follow_up_every if grade else default_follow_up
        since = last_report_at or first_report_at
        out.append(
            Deadline(
                "follow_up",
                "续报(每日两次)" if every <= dt.timedelta(hours=12) else "续报(每日至少一次)",
                since + every,
                None,
                "原安监总局令第21号" if grade else "本系统默认(可配置)",
            )
        )
    return sorted(out, key=lambda d: d.due)


def supplement_until(occurred_at: dt.datetime, grade: str | None, road_or_fire: bool = False):
    """The end of the 补报 window for casualty changes (Art. 13: 30 days, 7 for road traffic
    and fires)."""
    if grade:
        return reporting_clock(grade, occurred_at, road_or_fire).supplement_until
    return occurred_at + dt.timedelta(days=DEFAULT_SUPPLEMENT_DAYS)


def is_late_supplement(
    occurred_at: dt.datetime, reported_at: dt.datetime, grade, road_or_fire=False
) -> bool:
    """A casualty change reported after the 补报 window (flagged, still recorded)."""
    return reported_at > supplement_until(occurred_at, grade, road_or_fire)
