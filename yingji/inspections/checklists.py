"""On-site checklists (现场检查表) per sector group: plain data, each item a code and its text.

The items paraphrase the usual headings of the inspection forms the bureau uses for each group
(legal basis: 《安全生产法》 and the sector regulations named in the text). The text of an item is
copied into each inspection when it is created, so a later edit here never rewrites history."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SECTOR_GROUPS = [
    ("hazchem", _("危险化学品")),
    ("mines", _("矿山")),
    ("industry_trade", _("工贸行业")),
    ("gas", _("城镇燃气")),
    ("other", _("其他行业")),
]
SECTOR_GROUP_LABELS = {k: str(v) for k, v in SECTOR_GROUPS}

# enterprise sector (yingji.enterprises.choices.SECTORS) → checklist group
GROUP_OF_SECTOR = {
    "hazchem_production": "hazchem",
    "hazchem_storage": "hazchem",
    "hazchem_trade": "hazchem",
    "hazchem_use": "hazchem",
    "coal_mine": "mines",
    "non_coal_mine": "mines",
    "metallurgy": "industry_trade",
    "nonferrous": "industry_trade",
    "building_materials": "industry_trade",
    "machinery": "industry_trade",
    "light_industry": "industry_trade",
    "textile": "industry_trade",
    "tobacco": "industry_trade",
    "commerce": "industry_trade",
    "gas": "gas",
}

COMMON = [
    ("C1", "安全生产责任制、全员安全生产责任清单建立并落实"),
    ("C2", "主要负责人、安全管理人员考核合格,特种作业人员持证上岗"),
    ("C3", "安全生产教育培训和班前安全活动有记录"),
    ("C4", "风险分级管控和隐患排查治理双重预防机制运行,隐患台账完整"),
    ("C5", "生产安全事故应急预案备案并按期演练"),
]

CHECKLISTS = {
    "hazchem": COMMON
    + [
        ("H1", "重大危险源辨识、评估、备案,监测监控系统完好并在线"),
        ("H2", "涉及重点监管危险化工工艺的装置自动化控制和安全联锁投用"),
        ("H3", "可燃和有毒气体检测报警装置设置并定期检定"),
        ("H4", "动火、受限空间等特殊作业审批和现场监护符合GB 30871"),
        ("H5", "危险化学品储存场所、储罐区防火间距和防火堤符合要求"),
        ("H6", "安全生产许可证或经营许可证在有效期内、经营范围相符"),
    ],
    "mines": COMMON
    + [
        ("M1", "采矿许可证、安全生产许可证有效,在批准范围内开采"),
        ("M2", "矿长、总工程师等矿山负责人和安全管理人员配备到位"),
        ("M3", "通风、排水、提升、供电等系统完好可靠"),
        ("M4", "露天矿山台阶参数、边坡监测符合设计"),
        ("M5", "尾矿库、排土场安全监测和巡查记录完整"),
        ("M6", "井下人员定位、监测监控和通信联络系统正常运行"),
    ],
    "industry_trade": COMMON
    + [
        ("T1", "粉尘涉爆场所除尘系统、防爆电气和清扫制度落实"),
        ("T2", "有限空间作业审批、通风检测和监护落实"),
        ("T3", "涉氨制冷、高温熔融金属等重点部位安全措施落实"),
        ("T4", "特种设备定期检验,安全防护装置齐全有效"),
        ("T5", "外包作业、交叉作业安全协议和现场管理到位"),
    ],
    "gas": COMMON
    + [
        ("G1", "燃气经营许可证有效,气源合法"),
        ("G2", "场站、调压设施、管网巡检和泄漏检测记录完整"),
        ("G3", "液化石油气钢瓶充装、检验和追溯管理落实"),
        ("G4", "用户安全检查和安全用气宣传到位"),
        ("G5", "燃气泄漏报警、紧急切断装置完好有效"),
    ],
    "other": COMMON
    + [
        ("O1", "消防设施器材完好,疏散通道和安全出口畅通"),
        ("O2", "电气线路敷设和用电设备符合安全要求"),
        ("O3", "人员密集场所安全管理和应急疏散演练落实"),
    ],
}


def group_for_sector(sector: str) -> str:
    return GROUP_OF_SECTOR.get(sector, "other")


def checklist_for(group: str) -> list[dict]:
    """A fresh, unanswered checklist for a group: [{code, text, result, remark}]."""
    return [
        {"code": code, "text": text, "result": "", "remark": ""} for code, text in CHECKLISTS[group]
    ]
