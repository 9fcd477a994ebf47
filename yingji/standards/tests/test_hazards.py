"""yingji.standards.hazards — sources: standards-digest.md §4.1 (16号令 Art. 3, HIGH; plan
contents Art. 15, MEDIUM) and §4.3 (安监总管三〔2017〕121号, 20 items, HIGH). The priority score
is the project's own configurable default, tested for its arithmetic and transparency only."""

import pytest

from yingji.standards import hazards


def test_the_2017_criteria_have_twenty_items_in_order():
    items = hazards.criteria_2017()
    assert [i["no"] for i in items] == list(range(1, 21))
    assert items[1]["text"] == "特种作业人员未持证上岗。"
    assert "紧急切断" in hazards.criterion(5)["text"]
    assert "安全设计诊断" in hazards.criterion(10)["text"]
    with pytest.raises(KeyError, match="1–20"):
        hazards.criterion(21)


@pytest.mark.parametrize(
    "declared, ticked, level, reason_part",
    [
        ("general", [], "general", "可立即整改"),
        ("major", [], "major", "需停产停业"),
        ("general", [2], "major", "第2项"),  # a ticked criterion overrides the declared level
        ("general", [12, 5, 5], "major", "第5项、第12项"),
        ("major", [20], "major", "第20项"),
    ],
)
def test_level_for(declared, ticked, level, reason_part):
    got, reason = hazards.level_for(declared, ticked)
    assert got == level and reason_part in reason


def test_level_for_rejects_unknown_input():
    with pytest.raises(ValueError):
        hazards.level_for("serious")
    with pytest.raises(KeyError):
        hazards.level_for("general", [0])


def test_plan_elements_and_missing_ones():
    keys = [e["key"] for e in hazards.plan_elements()]
    assert keys == ["goal", "measures", "funding", "responsible", "deadline", "safety"]
    full = {k: "已落实" for k in keys}
    assert hazards.missing_plan_elements(full) == []
    partial = {**full, "funding": " ", "safety": ""}
    assert hazards.missing_plan_elements(partial) == ["经费和物资的落实", "安全措施和应急预案"]
    assert len(hazards.missing_plan_elements({})) == 6


@pytest.mark.parametrize(
    "kwargs, total",
    [
        (
            {
                "level": "general",
                "colour": None,
                "days_overdue": 0,
                "people_exposed": 0,
                "repeat": False,
            },
            0,
        ),
        (
            {
                "level": "major",
                "colour": "red",
                "days_overdue": 0,
                "people_exposed": 0,
                "repeat": False,
            },
            80,
        ),
        (
            {
                "level": "general",
                "colour": "yellow",
                "days_overdue": 5,
                "people_exposed": 10,
                "repeat": True,
            },
            10 + 10 + 2 + 15,
        ),
        # caps: overdue at 40, people at 20
        (
            {
                "level": "major",
                "colour": "orange",
                "days_overdue": 100,
                "people_exposed": 1000,
                "repeat": False,
            },
            50 + 20 + 40 + 20,
        ),
        (
            {
                "level": "general",
                "colour": "blue",
                "days_overdue": -3,
                "people_exposed": -1,
                "repeat": False,
            },
            0,
        ),
    ],
)
def test_priority_total_is_the_sum_of_its_terms(kwargs, total):
    score = hazards.priority(**kwargs)
    assert score.total == total
    assert score.total == sum(t["points"] for t in score.terms)
    assert [t["name"] for t in score.terms] == [
        "隐患等级",
        "企业风险等级",
        "逾期天数",
        "影响人数",
        "重复隐患",
    ]


def test_priority_weights_are_configurable():
    weights = hazards.PriorityWeights(major=10, repeat=0)
    score = hazards.priority(
        level="major", colour=None, days_overdue=0, people_exposed=0, repeat=True, weights=weights
    )
    assert score.total == 10
