from django.utils.translation import gettext_lazy as _

LEVELS = [("general", _("一般隐患")), ("major", _("重大隐患"))]

SOURCES = [
    ("self_inspection", _("企业自查")),
    ("enforcement", _("执法检查")),
    ("department", _("部门检查")),
    ("tip_off", _("群众举报")),
]

CATEGORIES = [
    ("equipment", _("设备设施")),
    ("environment", _("作业环境")),
    ("behaviour", _("人员行为")),
    ("management", _("安全管理")),
    ("fire", _("消防安全")),
    ("gas", _("城镇燃气")),
    ("flood", _("防汛(洪道)")),
    ("electrical", _("电气安全")),
    ("other", _("其他")),
]
CATEGORY_LABELS = {k: str(v) for k, v in CATEGORIES}

# The closed loop (DESIGN §4; standards-digest §4.2).
STATES = [
    ("registered", _("登记")),
    ("graded", _("已定级")),
    ("rectifying", _("整改中")),
    ("awaiting_verification", _("待验收")),
    ("closed", _("已销号")),
    ("void", _("已作废")),
]
STATE_LABELS = {k: str(v) for k, v in STATES}
OPEN_STATES = ("registered", "graded", "rectifying", "awaiting_verification")
STATE_COLOURS = {
    "registered": "secondary",
    "graded": "info",
    "rectifying": "primary",
    "awaiting_verification": "warning",
    "closed": "success",
    "void": "dark",
}

# Working days allowed for rectification by default (project defaults, configurable per hazard).
DEFAULT_DEADLINE_WORKDAYS = {"general": 10, "major": 60}

# Bounds of the numbers a user enters (the schemas and the services check both).
MAX_PEOPLE_EXPOSED = 1_000_000
MAX_DEADLINE_WORKDAYS = 250

# 16号令 Art. 16: while a 重大 hazard cannot be made safe, production stops in whole or in part.
PRODUCTION_STATUSES = [
    ("normal", _("正常生产")),
    ("suspended", _("停产停业整改")),
    ("partial", _("部分停产整改")),
]
PRODUCTION_LABELS = {k: str(v) for k, v in PRODUCTION_STATUSES}

# 16号令 Art. 18: who assesses the remediation of a 重大 hazard.
ASSESSORS = [
    ("own_experts", _("本单位技术人员和专家")),
    ("agency", _("具备相应资质的安全评价机构")),
]

# 16号令 Art. 14: 统计分析表, quarterly and annual.
RETURN_KINDS = [("quarter", _("季度")), ("year", _("年度"))]
RETURN_STATES = [("draft", _("草稿")), ("submitted", _("已报送"))]
