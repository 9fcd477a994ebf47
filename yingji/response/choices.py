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

EVENT_STATES = [("open", _("处置中")), ("closed", _("已终报")), ("merged", _("已合并"))]

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

# 调班 (shift swap): requested → accepted (by the other person) → approved (by the 带班领导 or the
# 应急指挥科 head); declined / rejected / cancelled end it without touching the roster.
SWAP_STATES = [
    ("requested", _("待对方同意")),
    ("accepted", _("待审批")),
    ("approved", _("已批准")),
    ("declined", _("对方拒绝")),
    ("rejected", _("未批准")),
    ("cancelled", _("已撤回")),
]

# 联合值守 (T34): 前方/后方指挥部 and the working groups (混编成组).
COMMAND_POSTS = [("front", _("前方指挥部")), ("rear", _("后方指挥部"))]
COMMAND_GROUPS = [
    ("coordination", _("综合协调组")),
    ("rescue", _("抢险救援组")),
    ("medical", _("医疗救治组")),
    ("traffic", _("交通管控组")),
    ("security", _("治安警戒组")),
    ("supplies", _("物资保障组")),
    ("monitoring", _("监测预警组")),
    ("news", _("新闻宣传组")),
    ("experts", _("专家组")),
    ("aftermath", _("善后处置组")),
    # a group a plan names that is none of the above (its own name is kept on the member)
    ("other", _("其他工作组")),
]
JOINT_ROLES = [
    ("head", _("组长")),
    ("deputy", _("副组长")),
    ("member", _("成员")),
    ("liaison", _("联络员")),
]

# 重大活动应急保障 (T40)
ACTIVITY_KINDS = [
    ("sports", _("体育赛事")),
    ("expo", _("会展经贸")),
    ("culture", _("文化旅游")),
    ("meeting", _("重要会议")),
    ("other", _("其他")),
]
ACTIVITY_STATES = [("planned", _("有效")), ("cancelled", _("已取消"))]
RISK_LEVELS = [
    ("major", _("重大风险")),
    ("larger", _("较大风险")),
    ("general", _("一般风险")),
    ("low", _("低风险")),
]

# 信息发布 (T35): one window. drafted → reviewed by 政策法规科/办公室 → approved by a leader →
# released (all the chosen channels at once); returned drafts are revised and resubmitted;
# anything not yet released can be voided with a reason. Released texts never change.
RELEASE_KINDS = [
    ("first", _("首次发布")),
    ("follow_up", _("续发")),
    ("rumour", _("辟谣")),
    ("press", _("新闻通稿")),
]
RELEASE_CHANNELS = [
    ("website", _("官网")),
    ("new_media", _("政务新媒体")),
    ("press_conference", _("新闻发布会")),
    ("sms", _("短信")),
]
RELEASE_STATES = [
    ("reviewing", _("待审核")),
    ("approving", _("待审批")),
    ("approved", _("待发布")),
    ("released", _("已发布")),
    ("returned", _("已退回")),
    ("voided", _("已作废")),
]
