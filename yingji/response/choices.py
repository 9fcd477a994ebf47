"""Choices of 值班与应急响应."""

from django.utils.translation import gettext_lazy as _

# GB/T 35561-2017 《突发事件分类与编码》 top-level categories.
CATEGORIES = [
    ("natural", _("自然灾害")),
    ("accident", _("事故灾难")),
    ("health", _("公共卫生事件")),
    ("social", _("社会安全事件")),
]

CHANNELS = [
    ("phone", _("电话")),
    ("system", _("系统")),
    ("superior", _("上级通报")),
    ("alarm", _("预警/告警")),
    ("other", _("其他")),
]

EVENT_STATES = [("open", _("处置中")), ("closed", _("已终报"))]

GRADES = [
    ("general", _("一般")),
    ("larger", _("较大")),
    ("major", _("重大")),
    ("especially_major", _("特别重大")),
]

REPORT_KINDS = [
    ("first", _("首报")),
    ("phone", _("电话快报")),
    ("follow_up", _("续报")),
    ("verified", _("核报")),
    ("supplement", _("补报")),
    ("final", _("终报")),
]

RESPONSE_STATES = [("none", _("未启动")), ("active", _("响应中")), ("ended", _("已终止"))]
RESPONSE_LEVELS = [(1, _("Ⅰ级")), (2, _("Ⅱ级")), (3, _("Ⅲ级")), (4, _("Ⅳ级"))]
LEVEL_ACTIONS = [("start", _("启动")), ("adjust", _("调整")), ("end", _("终止"))]

TASK_STATES = [
    ("issued", _("已下达")),
    ("signed", _("已签收")),
    ("done", _("已反馈")),
    ("cancelled", _("已撤销")),
]

SHIFTS = [("day", _("白班")), ("night", _("夜班")), ("all", _("全天"))]
DUTY_ROLES = [("leader", _("带班领导")), ("officer", _("值班员")), ("liaison", _("联络员"))]
