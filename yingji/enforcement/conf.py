"""The configurable parts of 执法 (issue #19). Each value says how sure we are of it.

- ``YINGJI_ENFORCEMENT_MIN_OFFICERS`` — officers a step that names officers needs. Default 2:
  《中华人民共和国行政处罚法》(2021) 第四十二条 "执法人员不得少于两人,法律另有规定的除外"
  (HIGH: the statute's text). A setting only because 法律另有规定 exists.
- ``YINGJI_ENFORCEMENT_TRAINING_HOURS`` — the yearly training hours an officer is expected to
  reach. Default 40. LOW confidence: provinces set their own figure for 行政执法人员 training
  (we could not confirm Gansu's), so the register flags a shortfall but never refuses on it.
- ``YINGJI_ENFORCEMENT_EXPIRY_DAYS`` — the "certificate expiring soon" window of the register's
  flag. Default 60 (a project choice, not a rule).
- ``YINGJI_ENFORCEMENT_SECTIONS`` — the codes of the city bureau's sections and units that
  manage the city's officer register (T1–T3: 市安全生产监察支队, 政策法规科 and the 监管科室).
  A project default; the bureau may change it.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_SECTIONS = (
    "LZYJJ-ZD",  # 市安全生产监察支队 (T1, T2: 负责)
    "LZYJJ-ZCFG",  # 政策法规科 (T3: 牵头)
    "LZYJJ-ZHXT",  # 安全生产综合协调科
    "LZYJJ-WHP",  # 危险化学品安全监督管理科 (监管科室, T3: 配合)
    "LZYJJ-KS",  # 矿山安全监督管理科
    "LZYJJ-GSM",  # 工商贸行业安全管理科
    "LZYJJ-CSAQ",  # 城市安全监督科
)


def min_officers() -> int:
    return int(getattr(settings, "YINGJI_ENFORCEMENT_MIN_OFFICERS", 2))


def training_hours() -> int:
    return int(getattr(settings, "YINGJI_ENFORCEMENT_TRAINING_HOURS", 40))


def expiry_days() -> int:
    return int(getattr(settings, "YINGJI_ENFORCEMENT_EXPIRY_DAYS", 60))


def enforcement_sections() -> tuple[str, ...]:
    return tuple(getattr(settings, "YINGJI_ENFORCEMENT_SECTIONS", DEFAULT_SECTIONS))


def reinspection_days() -> int:
    """复查 window after the rectification deadline. Default 10 days: 《安全生产违法行为行政处罚
    办法》(原国家安监总局令第15号) — 整改期限届满之日起10日内复查 (MEDIUM: the rule as commonly
    cited; the article number not confirmed here). ``YINGJI_ENFORCEMENT_REINSPECTION_DAYS``."""
    return int(getattr(settings, "YINGJI_ENFORCEMENT_REINSPECTION_DAYS", 10))
