from django.utils.translation import gettext_lazy as _

from yingji.standards.emergency_plans import KINDS as PLAN_KINDS  # noqa: F401

FILING_STATES = [
    ("none", _("未报备")),
    ("submitted", _("已报送待审")),
    ("returned", _("已退回")),
    ("accepted", _("已备案")),
]
FILING_STATE_LABELS = dict(FILING_STATES)

DRILL_KINDS = [
    ("comprehensive", _("综合演练")),
    ("special", _("专项演练")),
    ("tabletop", _("桌面推演")),
    ("unscripted", _("无脚本拉动演练")),
    ("comms", _("通讯保障拉练")),
]

# Default yearly drill targets per county when no DrillTarget row says otherwise. LOW confidence:
# a working figure of this platform, not a national rule (《生产安全事故应急条例》(国务院令第708号)
# 第八条 asks county governments for at least one production-safety plan drill every 2 years —
# MEDIUM, recalled); the bureau sets its own on the coverage page.
DEFAULT_DRILL_TARGETS = {
    "comprehensive": 1,
    "special": 2,
    "tabletop": 1,
    "unscripted": 1,
    "comms": 1,
}

FINDING_STATES = [
    ("open", _("待整改")),
    ("rectified", _("已整改待验证")),
    ("verified", _("已验证销号")),
]

EVENT_TYPES = [
    ("natural", "自然灾害"),
    ("flood", "防汛抗旱"),
    ("geological", "地质灾害"),
    ("earthquake", "地震"),
    ("forest_fire", "森林草原火灾"),
    ("production", "生产安全事故"),
    ("hazchem", "危险化学品事故"),
    ("mining", "矿山事故"),
    ("fire", "火灾"),
    ("traffic", "道路交通事故"),
    ("public_health", "公共卫生事件"),
    ("social", "社会安全事件"),
]
EVENT_TYPE_LABELS = dict(EVENT_TYPES)
