from django.utils.translation import gettext_lazy as _

SITE_LEVELS = [
    ("city", _("市级")),
    ("county", _("县级")),
    ("township", _("乡镇")),
    ("village", _("村/社区")),
    ("enterprise", _("企业代储")),
    ("merchant", _("协议商户")),
]

# Ledger movement kinds: the sign says whether the quantity adds (+1) or takes (-1); an
# adjustment (盘点调整) may do either.
MOVEMENT_KINDS = [
    ("in", _("入库")),
    ("out", _("出库")),
    ("transfer_out", _("调拨调出")),
    ("transfer_in", _("调拨调入")),
    ("lend", _("借用")),
    ("return", _("归还")),
    ("scrap", _("报废")),
    ("adjust", _("盘点调整")),
]
MOVEMENT_LABELS = {k: str(v) for k, v in MOVEMENT_KINDS}
INBOUND = ("in", "transfer_in", "return")
OUTBOUND = ("out", "transfer_out", "lend", "scrap")
# What a person records directly (the two legs of a transfer are written by the transfer).
RECORDABLE = ("in", "out", "lend", "return", "scrap", "adjust")

EXPIRY_WARNING_DAYS = 30  # a batch expiring within this many days is flagged (platform choice)

# --- forces ---------------------------------------------------------------------------------
RECORD_LEVELS = [("city", _("市级")), ("county", _("县级")), ("township", _("乡镇/村"))]

TEAM_KINDS = [
    ("fire", _("综合性消防救援队伍")),
    ("forest", _("森林消防队伍")),
    ("professional", _("专业救援队伍")),
    ("social", _("社会应急力量")),
    ("grassroots", _("基层应急队伍")),
    ("agreement", _("协议救援队伍")),
]
SPECIALTIES = [
    ("general", _("综合")),
    ("hazchem", _("危险化学品")),
    ("mine", _("矿山")),
    ("geohazard", _("地质灾害")),
    ("earthquake", _("地震")),
    ("water", _("水域")),
    ("forest", _("森林草原")),
    ("aviation", _("航空")),
    ("medical", _("医疗")),
    ("power", _("电力抢修")),
]
READINESS = [("ready", _("随时待命")), ("limited", _("部分可用")), ("unavailable", _("暂不可用"))]

AGREEMENT_KINDS = [
    ("aviation", _("航空救援")),
    ("medical", _("医疗救护")),
    ("power", _("电力抢修")),
    ("supplies", _("物资协议储备")),
    ("equipment", _("装备协议保障")),
]
AGREEMENT_WARNING_DAYS = 60  # an agreement ending within this many days is flagged

SHELTER_KINDS = [
    ("emergency", _("紧急避难场所")),
    ("fixed", _("固定避难场所")),
    ("central", _("中心避难场所")),
]

# --- requests and dispatch ------------------------------------------------------------------
REQUEST_STATES = [
    ("submitted", _("待审批")),
    ("approved", _("已审批(已预留)")),
    ("dispatched", _("已调运")),
    ("received", _("已签收")),
    ("cancelled", _("已取消")),
]
ALLOCATION_STATES = [
    ("reserved", _("已预留")),
    ("dispatched", _("已出库")),
    ("released", _("已释放")),
]
# a call-off of agreement stock (协议储备调用)
CALL_STATES = [
    ("called", _("已调用")),
    ("dispatched", _("在途")),
    ("arrived", _("已到达")),
    ("released", _("已释放")),
]
# state machine: (from, to) → the page rule allowed to make the move
REQUEST_TRANSITIONS = {
    ("submitted", "approved"): "resources.approve",
    ("approved", "dispatched"): "resources.approve",
    ("dispatched", "received"): "resources.request",
    ("submitted", "cancelled"): "resources.request",
    ("approved", "cancelled"): "resources.approve",
}

# --- equipment (装备台账, T45) ----------------------------------------------------------------
EQUIPMENT_CATEGORIES = [
    ("engineering", _("工程机械")),  # 挖掘机、装载机、吊车
    ("drainage", _("排水抢险")),  # 排水泵车、大流量排水泵
    ("power", _("发电照明")),  # 发电车、照明灯塔
    ("communication", _("应急通信")),  # 卫星电话、应急通信车、单兵图传
    ("reconnaissance", _("侦检监测")),  # 无人机、气体检测仪
    ("rescue", _("破拆救生")),  # 生命探测仪、破拆工具组
    ("water", _("水上救援")),  # 冲锋舟、橡皮艇
    ("vehicle", _("车辆")),  # 指挥车、运输车
    ("other", _("其他")),
]
EQUIPMENT_STATUS = [("good", _("完好")), ("repair", _("维修")), ("scrapped", _("报废"))]
EQUIPMENT_SOURCES = [("own", _("自有")), ("agreement", _("协议保障"))]
MAINTENANCE_KINDS = [
    ("maintain", _("保养")),
    ("inspect", _("检测")),
    ("repair", _("维修")),
    ("scrap", _("报废")),
]
# equipment whose next maintenance falls within this many days is flagged (platform choice)
MAINTENANCE_WARNING_DAYS = 30

# --- teams and equipment in a request (调派) --------------------------------------------------
FORCE_KINDS = [("team", _("救援队伍")), ("equipment", _("应急装备"))]
ASSIGNMENT_STATES = [
    ("assigned", _("已调派")),  # approved: not available to other requests
    ("dispatched", _("已出发")),
    ("arrived", _("已到达")),
    ("returned", _("已归队/归还")),
    ("released", _("已撤回")),  # the request was cancelled before departure
]
# a team or item of equipment in one of these is taken: no second request may have it
ASSIGNMENT_ACTIVE = ("assigned", "dispatched", "arrived")
# the condition an item of equipment comes back in; not "good" writes a maintenance record
RETURN_CONDITIONS = [
    ("good", _("完好")),
    ("repair", _("损坏待修")),
    ("scrapped", _("损毁/丢失报废")),
]
