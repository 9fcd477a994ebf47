"""Choices of the enterprise registry (生产经营单位档案)."""

from django.utils.translation import gettext_lazy as _

# Industry sectors as the bureau's supervision sections split them (issue #4).
SECTORS = [
    ("hazchem_production", _("危险化学品生产")),
    ("hazchem_storage", _("危险化学品储存")),
    ("hazchem_trade", _("危险化学品经营")),
    ("hazchem_use", _("危险化学品使用")),
    ("coal_mine", _("煤矿")),
    ("non_coal_mine", _("非煤矿山")),
    ("metallurgy", _("冶金")),
    ("nonferrous", _("有色")),
    ("building_materials", _("建材")),
    ("machinery", _("机械")),
    ("light_industry", _("轻工")),
    ("textile", _("纺织")),
    ("tobacco", _("烟草")),
    ("commerce", _("商贸")),
    ("fireworks", _("烟花爆竹")),
    ("gas", _("燃气")),
    ("fire_key_unit", _("消防重点单位")),
    ("other", _("其他")),
]
SECTOR_LABELS = {k: str(v) for k, v in SECTORS}
HAZCHEM_SECTORS = ("hazchem_production", "hazchem_storage", "hazchem_trade", "hazchem_use")
MINE_SECTORS = ("coal_mine", "non_coal_mine")
# 高危行业领域 that must carry 安全生产责任保险 (安责险): 《安全生产责任保险实施办法》(安监总办
# 〔2017〕140号) art. 6 names 煤矿、非煤矿山、危险化学品、烟花爆竹、交通运输、建筑施工、民用爆炸
# 物品、金属冶炼、渔业生产. Of this registry's sectors: the hazardous-chemical, mining, metallurgy
# (金属冶炼) and fireworks sectors. Kept as data so that the bureau can extend it (e.g. 燃气).
INSURANCE_REQUIRED_SECTORS = (
    *HAZCHEM_SECTORS,
    *MINE_SECTORS,
    "metallurgy",
    "nonferrous",
    "fireworks",
)

SCALES = [
    ("large", _("大型")),
    ("medium", _("中型")),
    ("small", _("小型")),
    ("micro", _("微型")),
]
SCALE_LABELS = {k: str(v) for k, v in SCALES}

STATUSES = [
    ("operating", _("在业")),
    ("suspended", _("停产")),
    ("closed", _("关闭")),
]
STATUS_BY_LABEL = {str(v): k for k, v in STATUSES}

TIERS = [
    ("city", _("市级监管")),
    ("county", _("县区监管")),
]

COORD_SYSTEMS = [
    ("wgs84", "WGS84"),
    ("gcj02", "GCJ-02"),
    ("bd09", "BD-09"),
]

LICENCE_KINDS = [
    ("safety_production", _("安全生产许可证")),
    ("hazchem_trade", _("危险化学品经营许可证")),
    ("hazchem_use", _("危险化学品安全使用许可证")),
    ("mining", _("采矿许可证")),
    ("fireworks", _("烟花爆竹经营许可证")),
    ("gas", _("燃气经营许可证")),
    ("other", _("其他许可证")),
]

QUESTIONNAIRE_STATES = [
    ("draft", _("草稿")),
    ("submitted", _("已提交待审核")),
    ("approved", _("审核通过")),
    ("returned", _("退回修改")),
]

# 安全三问 (T10): the three questions every principal answers each year.
SAFETY_QUESTIONS = (
    ("q_duties", "主要负责人职责是什么"),
    ("q_risks", "主要风险隐患有哪些"),
    ("q_measures", "如何有效消除"),
)

IMPORT_STATES = [
    ("previewed", _("已校验待确认")),
    ("imported", _("已导入")),
    ("cancelled", _("未导入")),
]
