"""Choices of 执法检查 (inspection plans, inspections, findings, enforcement case files)."""

from django.utils.translation import gettext_lazy as _

from yingji.hazards.choices import CATEGORIES as HAZARD_CATEGORIES

PLAN_STATES = [("draft", _("编制中")), ("issued", _("已下达"))]

ENTRY_STATES = [
    ("planned", _("待检查")),
    ("scheduled", _("已安排")),
    ("done", _("已检查")),
    ("cancelled", _("已取消")),
]
ENTRY_STATE_COLOURS = {
    "planned": "secondary",
    "scheduled": "primary",
    "done": "success",
    "cancelled": "dark",
}

INSPECTION_KINDS = [
    ("planned", _("计划检查")),
    ("special", _("专项检查")),
    ("unannounced", _("暗查暗访")),
    ("complaint", _("举报核查")),
    ("review", _("复查")),
]
INSPECTION_STATES = [
    ("scheduled", _("已安排")),
    ("completed", _("已完成")),
    ("cancelled", _("已取消")),
]
INSPECTION_STATE_COLOURS = {"scheduled": "primary", "completed": "success", "cancelled": "dark"}
# Inspections that count for the duplicate-inspection guard.
ACTIVE_INSPECTION_STATES = ("scheduled", "completed")

CHECK_RESULTS = [
    ("", _("未检查")),
    ("ok", _("符合")),
    ("fail", _("不符合")),
    ("na", _("不适用")),
]
CHECK_RESULT_LABELS = {k: str(v) for k, v in CHECK_RESULTS}

FINDING_LEVELS = [("general", _("一般隐患")), ("major", _("重大隐患"))]
# A finding becomes a hazard of the hazards app: the same category codes.
FINDING_CATEGORIES = list(HAZARD_CATEGORIES)

# 执法案件 (enforcement case file): 立案 → 调查取证 → 处罚决定 → 执行 → 结案.
CASE_STATES = [
    ("filed", _("立案")),
    ("investigating", _("调查取证")),
    ("decided", _("处罚决定")),
    ("executing", _("执行")),
    ("closed", _("结案")),
]
CASE_STATE_LABELS = {k: str(v) for k, v in CASE_STATES}
CASE_STATE_COLOURS = {
    "filed": "secondary",
    "investigating": "info",
    "decided": "warning",
    "executing": "primary",
    "closed": "success",
}

# 行政执法三项制度 (国办发〔2018〕118号): each must be ticked with evidence before 结案.
CASE_SYSTEMS = [
    ("publicity", _("行政执法公示")),
    ("recording", _("执法全过程记录")),
    ("legal_review", _("重大执法决定法制审核")),
]
CASE_SYSTEM_LABELS = {k: str(v) for k, v in CASE_SYSTEMS}
