"""《危险化学品生产储存企业安全风险评估诊断分级指南（试行）》(应急厅〔2018〕19号), standards-digest.md §2.

Item values MEDIUM, bands and red lines HIGH (digest §2 Sources); §3.1 for the colours.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yingji.standards import risk_colours, risk_grading
from yingji.standards.risk_grading import evaluate_diagnosis

DATA = Path(risk_grading.__file__).resolve().parent / "data" / "diagnosis_2018.json"


# --------------------------------------------------------------------------- data file


def test_data_file_cites_source_and_confidence():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert "§2" in data["_source"]
    assert "应急厅〔2018〕19号" in data["_source"]
    assert data["_confidence"] == "MEDIUM"
    assert all(item["_confidence"] == "MEDIUM" for item in data["items"])  # digest §2 Sources
    assert data["bands"]["_confidence"] == "HIGH"
    assert data["red_lines"]["_confidence"] == "HIGH"


# Digest §2.1: item weights; "The weights sum to 100: 30 + 10 + 10 + 5 + 10 + 15 + 10 + 10".
WEIGHTS = [
    pytest.param("major_hazard", 10, id="1-重大危险源"),
    pytest.param("substance_hazard", 5, id="1-物质危险性"),
    pytest.param("hazardous_processes", 10, id="1-危险化工工艺种类"),
    pytest.param("fire_explosion", 5, id="1-火灾爆炸危险性"),
    pytest.param("surroundings", 10, id="2-周边环境"),
    pytest.param("design_assessment", 10, id="3-设计与评估"),
    pytest.param("equipment", 5, id="4-设备"),
    pytest.param("automation_safety", 10, id="5-自控与安全设施"),
    pytest.param("personnel", 15, id="6-人员资质"),
    pytest.param("management_rules", 10, id="7-管理制度"),
    pytest.param("emergency", 0, id="8-应急配备-bonus-only"),
    pytest.param("performance", 10, id="9-安全管理绩效"),
]


@pytest.mark.parametrize(("key", "weight"), WEIGHTS)
def test_item_weights(key, weight):
    items = {i.key: i for i in evaluate_diagnosis({}).items}
    assert items[key].weight == weight


def test_weights_sum_to_100():
    assert sum(i.weight for i in evaluate_diagnosis({}).items) == 100
    assert len(evaluate_diagnosis({}).items) == len(WEIGHTS)


def test_clean_enterprise_scores_100_blue():
    result = evaluate_diagnosis({})
    assert result.score == 100
    assert result.colour is risk_colours.BLUE
    assert result.red_lines_hit == ()
    assert "判定为蓝色" in result.reason


# --------------------------------------------------------------------------- deductions and caps

# Digest §2.1: deduction per occurrence (or fixed), capped at each item's weight.
DEDUCTIONS = [
    pytest.param({"major_hazard_grades": ["一级"]}, "major_hazard", 10, 10, id="mh-grade-1"),
    pytest.param({"major_hazard_grades": ["二级"]}, "major_hazard", 8, 8, id="mh-grade-2"),
    pytest.param({"major_hazard_grades": ["三级"]}, "major_hazard", 6, 6, id="mh-grade-3"),
    pytest.param({"major_hazard_grades": "四级"}, "major_hazard", 4, 4, id="mh-grade-4-str"),
    pytest.param(
        {"major_hazard_grades": ["四级", "二级", "三级"]},
        "major_hazard",
        8,
        8,
        id="mh-highest-grade-only",
    ),
    pytest.param({"explosives": 2}, "substance_hazard", 4, 4, id="explosives-2x2"),
    pytest.param(
        {"other_key_supervised_chemicals": 3}, "substance_hazard", 0.3, 0.3, id="0.1-each-exact"
    ),
    pytest.param(
        {"explosives": 2, "inhaled_highly_toxic": 1},
        "substance_hazard",
        6,
        5,
        id="substance-capped-at-5",
    ),
    pytest.param({"key_hazardous_processes": 3}, "hazardous_processes", 6, 6, id="processes-3"),
    pytest.param({"key_hazardous_processes": 6}, "hazardous_processes", 12, 10, id="processes-cap"),
    pytest.param(
        {"class_a_buildings": 2, "class_b_buildings": 3},
        "fire_explosion",
        3.5,
        3.5,
        id="class-a-b",
    ),
    pytest.param({"outside_chemical_park": True}, "surroundings", 3, 3, id="outside-park"),
    pytest.param(
        {"outside_chemical_park": True, "external_distance_unacceptable": True},
        "surroundings",
        13,
        10,
        id="surroundings-cap",
    ),
    pytest.param({"no_dual_power_supply": True}, "equipment", 5, 5, id="no-dual-power"),
    # Item 5 (自控与安全设施) is capped at 10 and a missing gas detector costs 1 each:
    pytest.param({"missing_gas_detectors": 6}, "automation_safety", 6, 6, id="6-gas-detectors"),
    pytest.param(
        {"missing_gas_detectors": 12}, "automation_safety", 12, 10, id="12-gas-detectors-cap"
    ),
    pytest.param(
        {
            "missing_gas_detectors": 6,
            "missing_remote_transmission_alarm": 3,
            "non_explosion_proof_electrical": 2,
        },
        "automation_safety",
        11,
        10,
        id="mixed-automation-cap",
    ),
    pytest.param(
        {"uncertified_principal_or_safety_manager": 1, "no_registered_safety_engineer": True},
        "personnel",
        8,
        8,
        id="personnel",
    ),
    pytest.param(
        {"unqualified_safety_officer": 2, "unqualified_key_manager": 2},
        "personnel",
        20,
        15,
        id="personnel-cap-15",
    ),
    pytest.param({"post_without_responsibility": 3}, "management_rules", 6, 6, id="posts-3"),
    pytest.param({"larger_accidents_3y": 1}, "performance", 10, 10, id="one-larger-accident"),
    pytest.param(
        {"fatal_general_accidents_3y": 1, "no_casualty_social_impact_accidents_3y": 1},
        "performance",
        13,
        10,
        id="accidents-cap",
    ),
]


@pytest.mark.parametrize(("answers", "item_key", "raw", "capped"), DEDUCTIONS)
def test_item_deductions_and_caps(answers, item_key, raw, capped):
    result = evaluate_diagnosis(answers)
    item = {i.key: i for i in result.items}[item_key]
    assert item.raw_deduction == pytest.approx(raw)
    assert item.capped_deduction == pytest.approx(capped)
    assert result.total_deduction == pytest.approx(capped)
    assert result.score == pytest.approx(100 - capped)


def test_point_one_deductions_are_exact():
    result = evaluate_diagnosis({"other_key_supervised_chemicals": 3})
    assert result.score == 99.7  # not 99.69999999999999


def test_cap_is_noted():
    result = evaluate_diagnosis({"missing_gas_detectors": 12})
    assert any("超过项目分值" in n for n in result.notes)


# --------------------------------------------------------------------------- bonuses

# Digest §2.1: bonus items.
BONUSES = [
    pytest.param({"all_units_class_a_design": True}, 2, id="class-a-design-+2"),
    pytest.param({"chemistry_trained_leaders": 2}, 4, id="chemistry-leaders-2x+2"),
    pytest.param({"own_fire_team": True}, 3, id="fire-team-+3"),
    pytest.param({"standardization_grade": "一级"}, 15, id="standardisation-1-+15"),
    pytest.param({"standardization_grade": "二级"}, 5, id="standardisation-2-+5"),
    pytest.param({"standardization_grade": "三级"}, 2, id="standardisation-3-+2"),
    pytest.param({"no_accident_5y": True}, 5, id="no-accident-5y-+5"),
]


@pytest.mark.parametrize(("answers", "bonus"), BONUSES)
def test_bonuses(answers, bonus):
    result = evaluate_diagnosis(answers)
    assert result.total_bonus == bonus
    assert result.score == 100 + bonus


def test_bonus_does_not_offset_the_item_cap():
    # personnel: raw 20 → capped 15; +2 bonus is added afterwards, not inside the cap.
    result = evaluate_diagnosis({"unqualified_safety_officer": 4, "chemistry_trained_leaders": 1})
    assert (result.total_deduction, result.total_bonus, result.score) == (15, 2, 87)


def test_bonus_can_lift_the_band():
    # 100 − 10 − 10 − 5 = 75 → yellow; +15 (标准化一级) → 90 → blue.
    base = {
        "major_hazard_grades": ["一级"],
        "key_hazardous_processes": 5,
        "no_dual_power_supply": True,
    }
    assert evaluate_diagnosis(base).colour is risk_colours.YELLOW
    lifted = evaluate_diagnosis({**base, "standardization_grade": "一级"})
    assert lifted.score == 90
    assert lifted.colour is risk_colours.BLUE


# --------------------------------------------------------------------------- bands

# Digest §2.2: ≥90 蓝, 75 ≤ s < 90 黄, 60 ≤ s < 75 橙, < 60 红. Scores built from deductions.
BANDS = [
    pytest.param(
        {
            "outside_chemical_park": True,
            "no_registered_safety_engineer": True,
            "post_without_responsibility": 2,
        },
        90,
        "blue",
        id="90-blue",
    ),
    pytest.param(
        {
            "outside_chemical_park": True,
            "no_registered_safety_engineer": True,
            "post_without_responsibility": 2,
            "class_b_buildings": 1,
        },
        89.5,
        "yellow",
        id="89.5-yellow",
    ),
    pytest.param(
        {
            "external_distance_unacceptable": True,
            "key_hazardous_processes": 5,
            "no_dual_power_supply": True,
        },
        75,
        "yellow",
        id="75-yellow",
    ),
    pytest.param(
        {
            "external_distance_unacceptable": True,
            "key_hazardous_processes": 5,
            "no_dual_power_supply": True,
            "other_key_supervised_chemicals": 1,
        },
        74.9,
        "orange",
        id="74.9-orange",
    ),
    pytest.param(
        {
            "external_distance_unacceptable": True,
            "key_hazardous_processes": 5,
            "no_dual_power_supply": True,
            "unqualified_safety_officer": 3,
        },
        60,
        "orange",
        id="60-orange",
    ),
    pytest.param(
        {
            "external_distance_unacceptable": True,
            "key_hazardous_processes": 5,
            "no_dual_power_supply": True,
            "unqualified_safety_officer": 3,
            "class_b_buildings": 1,
        },
        59.5,
        "red",
        id="59.5-red",
    ),
]


@pytest.mark.parametrize(("answers", "score", "colour"), BANDS)
def test_band_edges(answers, score, colour):
    result = evaluate_diagnosis(answers)
    assert result.score == pytest.approx(score)
    assert result.colour is risk_colours.get(colour)
    assert result.score_colour is result.colour
    assert result.red_lines_hit == ()


# --------------------------------------------------------------------------- red lines

# Digest §2.3: any of the four conditions → 红 regardless of score.
RED_LINES = [
    pytest.param({"new_process_without_trials": True}, 1, id="1-no-pilot-trials"),
    pytest.param({"unit_not_designed_no_diagnosis": True}, 2, id="2-no-formal-design"),
    pytest.param({"special_work_operator_unqualified": True}, 3, id="3-operator-uncertified"),
    pytest.param({"major_accidents_3y": 1}, 4, id="4-major-accident-3y"),
    pytest.param({"larger_accidents_3y": 2}, 4, id="4-two-larger-accidents-3y"),
    pytest.param(
        {"fatal_general_accidents_1y": 2, "fatal_general_accidents_3y": 2},
        4,
        id="4-two-fatal-general-1y",
    ),
]


@pytest.mark.parametrize(("answers", "no"), RED_LINES)
def test_red_lines_force_red(answers, no):
    # Add the best bonuses so that the score alone would be blue.
    result = evaluate_diagnosis({**answers, "standardization_grade": "一级", "own_fire_team": True})
    assert [hit[0] for hit in result.red_lines_hit] == [no]
    assert result.colour is risk_colours.RED
    assert result.score_colour is risk_colours.BLUE
    assert "不论得分" in result.reason


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({"larger_accidents_3y": 1}, id="one-larger-accident"),
        pytest.param(
            {"fatal_general_accidents_1y": 1, "fatal_general_accidents_3y": 1},
            id="one-fatal-general-1y",
        ),
        pytest.param({"fatal_general_accidents_3y": 3}, id="fatal-general-older-than-1y"),
    ],
)
def test_accident_record_below_red_line(answers):
    result = evaluate_diagnosis(answers)
    assert result.red_lines_hit == ()
    assert result.colour is not risk_colours.RED


def test_several_red_lines_are_all_reported():
    result = evaluate_diagnosis(
        {"new_process_without_trials": True, "special_work_operator_unqualified": True}
    )
    assert [hit[0] for hit in result.red_lines_hit] == [1, 3]


# --------------------------------------------------------------------------- errors

ERRORS = [
    pytest.param({"missing_gas_detector": 1}, "未知的评分规则键", id="unknown-key"),
    pytest.param({"missing_gas_detectors": -1}, "不能为负数", id="negative-count"),
    pytest.param({"missing_gas_detectors": 1.5}, "非负整数", id="fractional-count"),
    pytest.param({"no_dual_power_supply": "yes"}, "是/否", id="flag-not-bool"),
    pytest.param({"major_hazard_grades": ["五级"]}, "重大危险源级别", id="bad-grade"),
    pytest.param({"standardization_grade": "特级"}, "无效", id="bad-choice"),
    pytest.param({"key_hazardous_processes": 19}, "最多为18", id="more-than-18-processes"),
    pytest.param({"fatal_general_accidents_1y": 2}, "近一年", id="1y-more-than-3y"),
    pytest.param(
        {"no_accident_5y": True, "larger_accidents_3y": 1}, "近五年", id="no-accident-contradiction"
    ),
]


@pytest.mark.parametrize(("answers", "message"), ERRORS)
def test_invalid_answers(answers, message):
    with pytest.raises(ValueError, match=message):
        evaluate_diagnosis(answers)


# --------------------------------------------------------------------------- working, config


def test_working_is_json_serialisable():
    result = evaluate_diagnosis(
        {"major_hazard_grades": ["二级"], "missing_gas_detectors": 12, "own_fire_team": True}
    )
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert data["score"] == 100 - 8 - 10 + 3
    assert data["colour"]["key"] == "yellow"
    auto = next(i for i in data["items"] if i["key"] == "automation_safety")
    assert (auto["raw_deduction"], auto["capped_deduction"], auto["capped"]) == (12, 10, True)
    assert auto["deductions"][0] == {
        "key": "missing_gas_detectors",
        "label": auto["deductions"][0]["label"],
        "effect": "deduct",
        "answer": 12,
        "points": 1,
        "amount": 12,
    }
    assert data["confidence"] == "MEDIUM"


def test_table_is_configurable():
    table = risk_grading.load_table()
    rule = table["items"][0]["rules"][0]
    assert rule["key"] == "major_hazard_grades"
    rule["aggregation"] = "sum"
    answers = {"major_hazard_grades": ["三级", "四级"]}
    assert evaluate_diagnosis(answers, table=table).score == 90  # 6 + 4, capped at 10
    assert evaluate_diagnosis(answers).score == 94  # shipped: highest grade only


def test_inconsistent_table_is_refused():
    table = risk_grading.load_table()
    table["items"][0]["weight"] = 12
    with pytest.raises(ValueError, match="应等于起始分"):
        evaluate_diagnosis({}, table=table)
