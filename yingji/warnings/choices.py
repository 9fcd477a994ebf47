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

# the channel plug-ins are in channels.py; "broadcast" only labels rows of earlier releases
CHANNELS = [
    ("platform", _("平台站内")),
    ("wecom", _("企业微信群机器人")),
    ("dingtalk", _("钉钉群机器人")),
    ("email", _("电子邮件")),
    ("sms", _("短信网关")),
    ("mqtt", _("应急广播(MQTT)")),
    ("broadcast", _("应急广播(旧记录)")),
]
RELEASE_CHANNELS = ("platform", "wecom", "dingtalk", "email", "sms", "mqtt")
DELIVERY_RESULTS = [
    ("delivered", _("已送达")),
    ("pending", _("待发送")),
    ("sending", _("发送中")),
    ("retrying", _("待重试")),
    ("failed", _("发送失败")),
    ("unconfigured", _("未配置(未发送)")),
    ("no_phone", _("无手机号(未发送)")),
    ("recorded", _("已记录(未实际发送)")),
]
OPEN_RESULTS = ("pending", "retrying")
ACK_STATES = [("pending", _("待签收")), ("received", _("已签收")), ("done", _("已落实"))]

EVENT_TYPES_FILE = Path(__file__).resolve().parent / "data" / "event_types.json"


def event_type_rows() -> list[dict]:
    return json.loads(EVENT_TYPES_FILE.read_text(encoding="utf-8"))["types"]
