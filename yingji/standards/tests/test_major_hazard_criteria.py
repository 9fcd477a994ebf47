"""yingji.standards.major_hazard_criteria — sources: 安监总管三〔2017〕121号 (化工, 20 items, HIGH);
应急管理部令第4号 第三条 (煤矿, 15 方面, HIGH); 矿安〔2022〕88号 (金属非金属矿山); 应急管理部令第10号
第三条、第四条 (工贸, 2023); 烟花爆竹, GB 35181-2025 (消防), 城镇燃气 (2023): headings, LOW."""

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


def test_unconfirmed_standards_are_headings_marked_low():
    for key in ("fireworks", "fire", "gas"):
        assert m.industry(key)["confidence"] == "LOW"
        assert all(i["confidence"] == "LOW" and "标题" in i["text"] for i in m.items(key))


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
