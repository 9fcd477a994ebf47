"""Choices of the warnings module. The levels come from yingji.standards.cap (第六十三条)."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from yingji.standards.cap import LEVEL_CODES, level_label

LEVEL_CHOICES = [(code, level_label(code)) for code in LEVEL_CODES]
LEVEL_LABELS = dict(LEVEL_CHOICES)

STATES = [
    ("draft", _("草稿")),
    ("submitted", _("待审批")),
    ("approved", _("已批准")),
    ("released", _("已发布")),
    ("updated", _("已更新")),  # superseded by a later message (更新)
    ("cancelled", _("已解除")),
    ("expired", _("已过期")),
]
STATE_LABELS = dict(STATES)
IN_FORCE = ("released",)
FINISHED = ("updated", "cancelled", "expired")
EDITABLE = ("draft",)

MSG_TYPES = [("Alert", _("首发")), ("Update", _("更新")), ("Cancel", _("解除"))]
SCOPES = [("public", _("公开")), ("internal", _("内部"))]
ORIGINS = [("local", _("本平台起草")), ("cap", _("外部预警(CAP 导入)"))]

# The state machine (DESIGN §4): transition → (from states, to state, page rule)
TRANSITIONS = {
    "submit": (("draft",), "submitted", "warnings.draft"),
    "return": (("submitted",), "draft", "warnings.approve"),
    "approve": (("submitted",), "approved", "warnings.approve"),
    "release": (("approved",), "released", "warnings.release"),
    "update": (("released",), "updated", "warnings.draft"),
    "cancel": (("released",), "cancelled", "warnings.release"),
    "expire": (("released",), "expired", None),
}

CHANNELS = [
    ("platform", _("平台站内")),
    ("sms", _("短信")),
    ("broadcast", _("应急广播")),
    ("mqtt", _("MQTT 广播终端")),
]
DELIVERY_RESULTS = [
    ("delivered", _("已送达")),
    ("recorded", _("已记录(未实际发送)")),
    ("pending", _("待发送")),
    ("failed", _("失败")),
]
ACK_STATES = [("pending", _("待签收")), ("received", _("已签收")), ("done", _("已落实"))]

EVENT_TYPES_FILE = Path(__file__).resolve().parent / "data" / "event_types.json"


def event_type_rows() -> list[dict]:
    return json.loads(EVENT_TYPES_FILE.read_text(encoding="utf-8"))["types"]
