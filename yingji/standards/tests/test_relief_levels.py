"""Table-driven tests of the 自然灾害救助 response levels (standards digest §7: 国办函〔2024〕11号
§5, 一级 HIGH, 二–四级 LOW; the 2016 table §7.3 for historical data). 以上 includes the bound."""

import copy

import pytest

from yingji.standards.relief_levels import relief_level, table, validate_table


@pytest.mark.parametrize(
    ("figures", "level"),
    [
        ({"deaths": 0, "missing": 0}, None),
        ({"deaths": 19}, None),
        ({"deaths": 19, "missing": 1}, 4),  # 死亡和失踪 20 (含本数)
        ({"deaths": 49}, 4),
        ({"deaths": 30, "missing": 20}, 3),
        ({"deaths": 99}, 3),
        ({"dead_missing": 100}, 2),
        ({"dead_missing": 199}, 2),
        ({"dead_missing": 200}, 1),  # §7.1, HIGH
        ({"relocated": 99_999}, None),
        ({"relocated": 100_000}, 4),
        ({"relocated": 499_999}, 4),
        ({"relocated": 500_000}, 3),
        ({"relocated": 1_000_000}, 2),
        ({"relocated": 2_000_000}, 1),
        ({"houses_rooms": 999}, None),
        ({"houses_rooms": 1_000}, 4),
        ({"houses_rooms": 10_000}, 3),
        ({"houses_rooms": 100_000}, 2),
        ({"houses_rooms": 300_000}, 1),
        ({"houses_households": 299}, None),
        ({"houses_households": 300}, 4),
        ({"houses_households": 3_000}, 3),
        ({"houses_households": 30_000}, 2),
        ({"houses_households": 100_000}, 1),
        ({"drought_aid": 1_000_000}, 4),
        ({"drought_aid": 4_000_000}, 1),
        ({"drought_share_pct": 14.9}, None),
        ({"drought_share_pct": 15}, 4),
        ({"drought_share_pct": 30}, 1),
    ],
)
def test_2024_table_at_each_boundary(figures, level):
    assert relief_level(figures)["level"] == level


def test_the_highest_criterion_wins_and_the_criteria_met_are_named():
    out = relief_level({"deaths": 25, "relocated": 600_000, "houses_rooms": 500})
    assert out["level"] == 3 and out["label"] == "三级"
    assert out["criteria"] == ["紧急转移安置和需紧急生活救助人数600000人(≥500000人)"]
    assert out["confidence"] == "LOW"
    one = relief_level({"dead_missing": 250, "relocated": 2_500_000})
    assert one["level"] == 1 and one["confidence"] == "HIGH" and len(one["criteria"]) == 2


def test_figures_not_given_are_named_and_meet_nothing():
    out = relief_level({"deaths": 3, "missing": 0, "relocated": None})
    assert out["level"] is None and out["criteria"] == []
    assert "紧急转移安置和需紧急生活救助人数" in out["unknown"]
    assert "死亡和失踪人数" not in out["unknown"]


@pytest.mark.parametrize(
    ("figures", "level"),
    [
        ({"deaths": 19, "missing": 5}, None),  # 2016 counted 死亡 only
        ({"deaths": 20}, 4),
        ({"houses_rooms": 9_999}, None),
        ({"houses_rooms": 100_000}, 3),
        ({"houses_rooms": 200_000}, 2),
        ({"drought_share_pct": 22}, 4),  # the 2016 Ⅲ级 drought row was cut off: not coded
    ],
)
def test_2016_table_for_historical_data(figures, level):
    assert relief_level(figures, table("national_2016"))["level"] == level


def test_a_local_table_replaces_the_national_one():
    local = {
        "label": "兰州市(示例)",
        "levels": [{"level": 4, "label": "Ⅳ级", "criteria": {"deaths": 3, "relocated": 1000}}],
    }
    out = relief_level({"deaths": 3}, validate_table(local))
    assert out["level"] == 4 and out["criteria"] == ["死亡人数3人(≥3人)"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.update(levels=[]), "levels"),
        (lambda t: t["levels"][0].update(level=5), "1–4"),
        (lambda t: t["levels"][1].update(level=1), "不重复"),
        (lambda t: t["levels"][0]["criteria"].update(houses=3), "未知的指标"),
        (lambda t: t["levels"][3]["criteria"].update(relocated=-1), "正数"),
        (lambda t: t["levels"][0]["criteria"].update(dead_missing=10), "低于"),
    ],
)
def test_a_malformed_table_is_refused_in_chinese(change, message):
    bad = copy.deepcopy(table())
    change(bad)
    with pytest.raises(ValueError, match=message):
        validate_table(bad)


def test_shipped_tables_are_valid():
    assert validate_table(table())["levels"][0]["confidence"] == "HIGH"
    assert validate_table(table("national_2016"))
