"""Production-safety accident grades and reporting clocks, as data and pure functions.

Sources (read through standards-digest.md §9 and §9.1, both confidence HIGH):
- 《生产安全事故报告和调查处理条例》(国务院令第493号, effective 2007-06-01):
  Art. 3 grades (any one criterion is enough; "以上" includes the bound, "以下" excludes it;
  重伤 includes 急性工业中毒), Art. 9 (unit head reports within 1 hour), Art. 10 (which level a
  grade is reported up to), Art. 11 (each level passes it on within 2 hours), Art. 12 (what a
  report contains), Art. 13 (补报
  within 30 days, 7 days for road traffic accidents and fires), Art. 19 (who investigates).
- 《生产安全事故信息报告和处置办法》(原安监总局令第21号, effective 2009-07-01): Art. 26
  较大涉险事故, and 续报 at least daily (一般, 较大, 较大涉险) or twice daily (重大, 特别重大).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

# Grades, lowest first. The keys are stable codes for storage; labels are the statute's words.
GRADES = ("general", "larger", "major", "especially_major")
GRADE_LABELS = {
    "general": "一般事故",
    "larger": "较大事故",
    "major": "重大事故",
    "especially_major": "特别重大事故",
}

# Art. 3: (grade, minimum deaths, minimum serious injuries, minimum direct loss in yuan),
# highest grade first; a grade is reached when any one minimum is reached.
GRADE_THRESHOLDS = (
    ("especially_major", 30, 100, Decimal("100000000")),
    ("major", 10, 50, Decimal("50000000")),
    ("larger", 3, 10, Decimal("10000000")),
)

# Art. 10: the level a grade is reported up to.
REPORTED_UP_TO = {
    "especially_major": "国务院安全生产监督管理部门和国务院",
    "major": "国务院安全生产监督管理部门和国务院",
    "larger": "省级人民政府安全生产监督管理部门",
    "general": "设区的市级人民政府安全生产监督管理部门",
}

# Art. 19: who investigates.
INVESTIGATED_BY = {
    "especially_major": "国务院或者国务院授权有关部门",
    "major": "事故发生地省级人民政府",
    "larger": "事故发生地设区的市级人民政府",
    "general": "事故发生地县级人民政府",
}

# Art. 12: what a report of an accident contains (in this order). HIGH (digest §9).
REPORT_CONTENTS = (
    ("unit", "事故发生单位概况"),
    ("time_place", "事故发生的时间、地点以及事故现场情况"),
    ("course", "事故的简要经过"),
    (
        "casualties",
        "事故已经造成或者可能造成的伤亡人数(包括下落不明的人数)和初步估计的直接经济损失",
    ),
    ("measures", "已经采取的措施"),
    ("other", "其他应当报告的情况"),
)

UNIT_REPORT_WITHIN = dt.timedelta(hours=1)  # Art. 9
PASS_UP_WITHIN = dt.timedelta(hours=2)  # Art. 11
SUPPLEMENT_DAYS = 30  # Art. 13
SUPPLEMENT_DAYS_ROAD_OR_FIRE = 7  # Art. 13


def accident_grade(deaths: int = 0, serious_injuries: int = 0, loss_yuan=0) -> str:
    """The Art. 3 grade code for the given casualties and direct economic loss (yuan)."""
    for field, value in (("deaths", deaths), ("serious_injuries", serious_injuries)):
        if value is None or int(value) < 0:
            raise ValueError(f"{field} must be a non-negative number")
    loss = Decimal(str(loss_yuan or 0))
    if loss < 0:
        raise ValueError("loss_yuan must be a non-negative number")
    for grade, min_deaths, min_injuries, min_loss in GRADE_THRESHOLDS:
        if deaths >= min_deaths or serious_injuries >= min_injuries or loss >= min_loss:
            return grade
    return "general"


def grade_label(grade: str) -> str:
    return GRADE_LABELS[grade]


def is_larger_near_miss(
    endangered: int = 0,
    trapped_or_missing: int = 0,
    evacuated: int = 0,
    serious_pollution: bool = False,
    threat_to_important_facilities: bool = False,
) -> bool:
    """原安监总局令第21号 Art. 26: a 较大涉险事故 (any one criterion)."""
    return (
        endangered >= 10
        or trapped_or_missing >= 3
        or evacuated >= 500
        or bool(serious_pollution)
        or bool(threat_to_important_facilities)
    )


@dataclass(frozen=True)
class ReportingClock:
    unit_report_due: dt.datetime  # the unit head to the county regulator (Art. 9)
    pass_up_within: dt.timedelta  # each level to the next (Art. 11)
    follow_up_every: dt.timedelta  # 续报 interval (21号令)
    supplement_until: dt.datetime  # 补报 window for casualty changes (Art. 13)
    reported_up_to: str


def reporting_clock(grade: str, occurred_at: dt.datetime, road_or_fire: bool = False):
    """The deadlines that start when an accident of this grade occurs."""
    if grade not in GRADE_LABELS:
        raise ValueError(f"unknown grade {grade!r}")
    twice_daily = grade in ("major", "especially_major")
    days = SUPPLEMENT_DAYS_ROAD_OR_FIRE if road_or_fire else SUPPLEMENT_DAYS
    return ReportingClock(
        unit_report_due=occurred_at + UNIT_REPORT_WITHIN,
        pass_up_within=PASS_UP_WITHIN,
        follow_up_every=dt.timedelta(hours=12 if twice_daily else 24),
        supplement_until=occurred_at + dt.timedelta(days=days),
        reported_up_to=REPORTED_UP_TO[grade],
    )
