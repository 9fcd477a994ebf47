"""GB/T 38565-2020 §5.2 (code structure) and the great-circle distance."""

import pytest

from yingji.standards.supplies import (
    catalogue,
    category_name,
    great_circle_km,
    parse_code,
)


@pytest.mark.parametrize(
    "code, major, middle, minor, detail, catch_all",
    [
        ("1020199", "1", "02", "01", "99", ("细类",)),
        ("2050101", "2", "05", "01", "01", ()),
        ("3999999", "3", "99", "99", "99", ("中类", "小类", "细类")),
    ],
)
def test_parse_code_splits_the_four_layers(code, major, middle, minor, detail, catch_all):
    parsed = parse_code(code)
    assert (parsed.major, parsed.middle, parsed.minor, parsed.detail) == (
        major,
        middle,
        minor,
        detail,
    )
    assert parsed.catch_all_levels == catch_all


@pytest.mark.parametrize(
    "code",
    ["", "102019", "10201999", "4020199", "0020199", "1000199", "1020099", "10201a9", " 1 02 01"],
)
def test_parse_code_refuses_what_is_not_four_layers_seven_digits(code):
    with pytest.raises(ValueError, match="四层七位"):
        parse_code(code)


@pytest.mark.parametrize(
    "code, name",
    [
        ("1020199", "基本生活保障物资 / 住宿帐篷类(本平台暂定)"),
        ("2990101", "应急装备及配套物资"),
        ("3010199", "工程材料与机械加工设备 / 防汛工程材料类(本平台暂定)"),
    ],
)
def test_category_name_gives_the_three_major_classes(code, name):
    assert category_name(code) == name


def test_every_catalogue_code_is_well_formed_and_unique():
    codes = [item["code"] for item in catalogue()]
    assert len(codes) == len(set(codes)) and len(codes) >= 15
    for code in codes:
        parse_code(code)


@pytest.mark.parametrize(
    "a, b, km",
    [
        ((103.834, 36.061), (103.834, 36.061), 0.0),
        ((0.0, 0.0), (1.0, 0.0), 111.195),  # one degree on the equator
        ((103.834, 36.061), (104.112, 35.846), 34.3),  # 兰州城关 → 榆中县城, about 34 km
    ],
)
def test_great_circle_km(a, b, km):
    assert great_circle_km(*a, *b) == pytest.approx(km, abs=0.5 if km > 1 else 1e-6)
