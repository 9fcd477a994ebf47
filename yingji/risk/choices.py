from django.utils.translation import gettext_lazy as _

UNIT_KINDS = [("production", _("生产单元")), ("storage", _("储存单元"))]
RECORD_STATES = [("active", _("有效")), ("voided", _("已作废"))]
DIAGNOSIS_STATES = [
    ("active", _("现行")),
    ("superseded", _("已被新评估取代")),
    ("voided", _("已作废")),
]
METHODS = [("LEC", _("LEC 作业条件危险性评价法")), ("LS", _("LS 风险矩阵"))]
COLOURS = [
    ("red", _("红(重大风险)")),
    ("orange", _("橙(较大风险)")),
    ("yellow", _("黄(一般风险)")),
    ("blue", _("蓝(低风险)")),
]
GRADES = ("一级", "二级", "三级", "四级")
# Risk index of a district: Σ weight × number of enterprises of that colour (configurable in
# RiskSettings; these are the defaults — a project choice, not a national rule).
DEFAULT_INDEX_WEIGHTS = {"red": 8, "orange": 4, "yellow": 2, "blue": 1}
