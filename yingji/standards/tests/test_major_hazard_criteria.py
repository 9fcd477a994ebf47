"""yingji.standards.major_hazard_criteria — sources: 安监总管三〔2017〕121号 (化工, 20 items, HIGH);
应急管理部令第4号 第三条 (煤矿, 15 方面, HIGH); 矿安〔2022〕88号 (金属非金属矿山); 应急管理部令第10号
第三条、第四条 (工贸, 2023); 安监总管三〔2017〕121号 烟花爆竹部分 (20 items, MEDIUM: two public
transcriptions agree); GB 35181 (消防) 直接判定 as in the 2017 edition and 建城规〔2023〕4号 (城镇燃气),
not read in the original (LOW, can be switched off)."""

import pytest

from yingji.standards import major_hazard_criteria as m

INDUSTRIES = ["hazchem", "coal", "metal_mine", "industry_trade", "fireworks", "fire", "gas"]


def test_every_industry_has_items_and_every_item_its_source_and_confidence():
    assert list(m.industries()) == INDUSTRIES
    codes = [i["code"] for i in m.items()]
    assert len(codes) == len(set(codes))
    for key in INDUSTRIES:
        ind = m.industry(key)
        assert ind["document"] and ind["number"] and ind["confidence"] in ("HIGH", "MEDIUM", "LOW")
        rows = m.items(key)
        assert rows, key
        for row in rows:
            assert row["text"] and row["article"] and row["confidence"] in ("HIGH", "MEDIUM", "LOW")


@pytest.mark.parametrize(
    "industry, count, code, article, text_part",
    [
        ("hazchem", 20, "HG2017-02", "第2项", "特种作业人员未持证上岗"),  # 121号 item 2
        ("coal", 15, "MK2020-02", "第三条(二)", "瓦斯超限作业"),  # 部令第4号 第三条(二)
        ("coal", 15, "MK2020-11", "第三条(十一)", "双回路供电"),
        ("industry_trade", None, "GM2023-3-2", "第三条(二)", "特种作业人员"),  # 部令第10号
        ("metal_mine", None, "FM2022-D03", "一、(三)", "井巷相互贯通"),  # 矿安〔2022〕88号
    ],
)
def test_items_as_in_the_source(industry, count, code, article, text_part):
    if count is not None:
        assert len(m.items(industry)) == count
    row = m.item(code)
    assert row["industry"] == industry and row["article"] == article
    assert text_part in row["text"]


@pytest.mark.parametrize(
    "industry, count, confidence, code, article, text_part",
    [
        # 安监总管三〔2017〕121号 烟花爆竹部分, items 4, 5 and 20
        ("fireworks", 20, "MEDIUM", "YH2017-04", "第4项", "实际作业人员数量超过核定人数"),
        ("fireworks", 20, "MEDIUM", "YH2017-05", "第5项", "存储药量超过核定药量"),
        ("fireworks", 20, "MEDIUM", "YH2017-20", "第20项", "零售点与居民居住场所"),
        # GB 35181 直接判定 (2017 edition's situations, LOW), and the 综合判定 heading
        (
            "fire",
            11,
            "LOW",
            "XF-5-05",
            "第5章 直接判定要素 第5种情形(按2017版整理,条号未核)",
            "80%",
        ),
        ("fire", 11, "LOW", "XF-6", "第6章 综合判定", "综合判定"),
        # 建城规〔2023〕4号 (LOW)
        ("gas", 8, "LOW", "RQ2023-B07", "瓶装液化石油气部分(条号未核)", "超期未检验"),
    ],
)
def test_fireworks_fire_and_gas_items(industry, count, confidence, code, article, text_part):
    assert len(m.items(industry)) == count
    row = m.item(code)
    assert row["industry"] == industry and row["article"] == article
    assert row["confidence"] == confidence and text_part in row["text"]
    assert "标题" not in row["text"] or code == "XF-6"  # items, not only headings now
    assert m.industry(industry)["confidence"] == ("MEDIUM" if industry == "fireworks" else "LOW")


def test_numbers_of_the_fireworks_and_gas_standards():
    assert m.industry("fireworks")["number"] == "安监总管三〔2017〕121号"
    assert m.industry("gas")["number"] == "建城规〔2023〕4号"
    assert m.industry("fire")["number"] == "GB 35181-2025"


def test_low_items_can_be_switched_off_and_the_others_stay_citable():
    level, reason = m.level_for_criterion("RQ2023-P05", sector="gas")
    assert level == "major" and "建城规〔2023〕4号" in reason and "占压" in reason
    with pytest.raises(ValueError, match="尚未对照标准原文核实"):
        m.level_for_criterion("RQ2023-P05", sector="gas", allow_low=False)
    with pytest.raises(ValueError, match="尚未对照标准原文核实"):
        m.level_for_criterion("XF-5-06", category="fire", allow_low=False)
    level, reason = m.level_for_criterion("YH2017-07", sector="fireworks", allow_low=False)
    assert level == "major" and "防雷" in reason and "安监总管三〔2017〕121号" in reason


@pytest.mark.parametrize(
    "sector, category, industry",
    [
        ("hazchem_storage", "", "hazchem"),
        ("coal_mine", "", "coal"),
        ("non_coal_mine", "", "metal_mine"),
        ("metallurgy", "", "industry_trade"),
        ("commerce", "", "industry_trade"),  # 部令第10号 第二条 names 商贸
        ("fireworks", "", "fireworks"),
        ("gas", "", "gas"),
        ("fire_key_unit", "", "fire"),
        ("", "gas", "gas"),  # a public place by its category
        ("", "fire", "fire"),
        ("other", "equipment", None),
    ],
)
def test_which_standard_applies(sector, category, industry):
    assert m.industry_for(sector, category) == industry


def test_a_cited_item_makes_it_major_only_in_its_own_industry():
    level, reason = m.level_for_criterion("MK2020-07", sector="coal_mine")
    assert level == "major" and "超层越界开采" in reason and "应急管理部令第4号" in reason
    with pytest.raises(ValueError, match="不适用"):
        m.level_for_criterion("MK2020-07", sector="hazchem_storage")
    with pytest.raises(ValueError, match="无适用"):
        m.level_for_criterion("MK2020-07", sector="other")
    with pytest.raises(KeyError):
        m.item("XX-01")
