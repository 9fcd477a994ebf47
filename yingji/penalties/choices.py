"""Choices of 行政处罚案件 (the procedure's own lists are in yingji.standards.penalty_procedure)."""

from yingji.standards import penalty_procedure as pp

STATES = list(pp.STATES)
STATE_LABELS = pp.STATE_LABELS
STATE_COLOURS = {
    "filed": "secondary",
    "investigating": "info",
    "reviewing": "info",
    "notified": "primary",
    "hearing": "warning",
    "legal_review": "warning",
    "approval": "warning",
    "decided": "danger",
    "served": "danger",
    "enforcing": "dark",
    "executed": "success",
    "closed": "success",
    "no_penalty": "secondary",
    "withdrawn": "dark",
}
PARTY_KINDS = list(pp.PARTY_KINDS)
PENALTY_KINDS = list(pp.PENALTY_KINDS)
SERVICE_METHODS = list(pp.SERVICE_METHODS)
SOURCES = [
    ("inspection", "执法检查发现"),
    ("complaint", "投诉举报"),
    ("referral", "上级交办/部门移送"),
    ("hazard", "隐患逾期未整改"),
    ("other", "其他"),
]
EVIDENCE_KINDS = [
    ("inquiry", "询问笔录"),
    ("site", "现场检查笔录"),
    ("photo", "照片"),
    ("audio_video", "录音录像(执法记录仪)"),
    ("document", "书证"),
    ("physical", "物证"),
    ("expert", "鉴定意见"),
    ("other", "其他"),
]
APPROVAL_MODES = [("leader", "负责人审批"), ("collective", "集体讨论")]
EXECUTION_KINDS = [
    ("paid", "缴纳罚款"),
    ("performed", "自觉履行(非罚款)"),
    ("enforced", "强制执行完毕"),
]
