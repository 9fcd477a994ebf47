from django.utils.translation import gettext_lazy as _

ASSIGNMENT_STATUSES = [
    ("not_started", _("未启动")),
    ("in_progress", _("推进中")),
    ("done", _("已完成")),
    ("late", _("滞后")),
    ("cancelled", _("已取消")),
]
STATUS_LABELS = dict(ASSIGNMENT_STATUSES)
# What a unit may report; 已取消 is set by the coordinator with a reason, never reported.
REPORTABLE_STATUSES = [s for s in ASSIGNMENT_STATUSES if s[0] != "cancelled"]
OPEN_STATUSES = ("not_started", "in_progress", "late")
# Bootstrap colour per status (plan tree, matrix, badges).
STATUS_COLOURS = {
    "not_started": "secondary",
    "in_progress": "primary",
    "done": "success",
    "late": "danger",
    "cancelled": "dark",
}

REPORT_STATES = [
    ("submitted", _("待审核")),
    ("returned", _("已退回")),
    ("accepted", _("已采纳")),
]
REPORT_STATE_COLOURS = {"submitted": "warning", "returned": "danger", "accepted": "success"}

CYCLE_KINDS = [
    ("half_year", _("半年度")),
    ("annual", _("年度")),
    ("monthly", _("月度(内部)")),
    ("other", _("其他")),
]

IMPORT_STATES = [
    ("pending", _("待确认")),
    ("confirmed", _("已确认")),
    ("discarded", _("已放弃")),
]

REMINDER_KINDS = [("due_soon", _("临期提醒")), ("overdue", _("逾期"))]

# Warnings that must be resolved (by mapping a name) before an import can be confirmed.
BLOCKING_WARNINGS = ("unknown_org", "no_lead", "mapping_invalid")

# --- 督查督办 escalation ladder (issue #19) ---------------------------------------------------------
# The rungs in order. Their triggers are data (LadderStep rows, admin-editable): the numbers are
# the bureau's own choice, not a national rule (LOW confidence, configurable).
LADDER_RUNGS = [
    ("remind", _("提醒")),
    ("urge", _("催办")),
    ("notice", _("督办单")),
    ("bulletin", _("通报")),
    ("interview", _("约谈")),
]
RUNG_LABELS = dict(LADDER_RUNGS)
RUNG_ORDER = [key for key, _label in LADDER_RUNGS]
RUNG_COLOURS = {
    "remind": "info",
    "urge": "warning",
    "notice": "danger",
    "bulletin": "danger",
    "interview": "dark",
}
ESCALATION_STATES = [("open", _("督办中")), ("resolved", _("已解除"))]
NOTICE_STATES = [
    ("issued", _("待反馈")),
    ("replied", _("待办结")),
    ("closed", _("已办结")),
    ("reissued", _("已重新督办")),
]
NOTICE_STATE_COLOURS = {
    "issued": "warning",
    "replied": "primary",
    "closed": "success",
    "reissued": "secondary",
}
# 考核 score-sheet items (ScoreWeight rows; the points are the bureau's choice, configurable)
SCORE_ITEMS = [
    ("on_time_report", _("按时报送进展(每份)")),
    ("late_report", _("逾期或未报送进展(每份)")),
    ("done", _("完成任务(每项)")),
    ("notice", _("收到督办单(每份)")),
    ("bulletin", _("被通报(每次)")),
    ("interview", _("被约谈(每次)")),
]
