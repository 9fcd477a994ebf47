"""Choices of the case library. Accident types are the 20 classes of GB 6441-1986
《企业职工伤亡事故分类》 (§5 of the standard, 事故类别); industries are the supervision
categories the bureau uses."""

ACCIDENT_TYPES = [
    ("object_strike", "物体打击"),
    ("vehicle", "车辆伤害"),
    ("machinery", "机械伤害"),
    ("lifting", "起重伤害"),
    ("electric", "触电"),
    ("drowning", "淹溺"),
    ("burn", "灼烫"),
    ("fire", "火灾"),
    ("fall", "高处坠落"),
    ("collapse", "坍塌"),
    ("roof_fall", "冒顶片帮"),
    ("water_inrush", "透水"),
    ("blasting", "放炮"),
    ("explosive", "火药爆炸"),
    ("gas_explosion", "瓦斯爆炸"),
    ("boiler", "锅炉爆炸"),
    ("vessel", "容器爆炸"),
    ("other_explosion", "其它爆炸"),
    ("poisoning", "中毒和窒息"),
    ("other", "其它伤害"),
]
ACCIDENT_TYPE_LABELS = dict(ACCIDENT_TYPES)

INDUSTRIES = [
    ("hazchem", "危险化学品"),
    ("coal", "煤矿"),
    ("non_coal", "非煤矿山"),
    ("metallurgy", "冶金有色"),
    ("building_materials", "建材"),
    ("machinery", "机械制造"),
    ("light", "轻工纺织"),
    ("trade", "商贸服务"),
    ("construction", "建筑施工"),
    ("gas", "城镇燃气"),
    ("transport", "道路运输"),
    ("fireworks", "烟花爆竹"),
    ("other", "其他"),
]
INDUSTRY_LABELS = dict(INDUSTRIES)

GRADE_ARTICLE = "《生产安全事故报告和调查处理条例》(国务院令第493号)第三条"

# an enterprise's 行业类别 (enterprises.choices.SECTORS) → the library's industry, to find the
# cases of an enterprise's (or a hazard's) industry and to push 警示教育 to an industry's
# enterprises. A platform mapping, not a national table.
SECTOR_INDUSTRY = {
    "hazchem_production": "hazchem",
    "hazchem_storage": "hazchem",
    "hazchem_trade": "hazchem",
    "hazchem_use": "hazchem",
    "coal_mine": "coal",
    "non_coal_mine": "non_coal",
    "metallurgy": "metallurgy",
    "nonferrous": "metallurgy",
    "building_materials": "building_materials",
    "machinery": "machinery",
    "light_industry": "light",
    "textile": "light",
    "tobacco": "light",
    "commerce": "trade",
    "fireworks": "fireworks",
    "gas": "gas",
    "fire_key_unit": "trade",
    "other": "other",
}


def sectors_of(industry: str) -> list[str]:
    return [s for s, i in SECTOR_INDUSTRY.items() if i == industry]
