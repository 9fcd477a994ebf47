"""LEC (standards-digest.md §3.2) and LS matrix (§3.3), mapped to the four colours (§3.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yingji.standards import lec, risk_colours
from yingji.standards.lec import evaluate_lec, evaluate_ls, lec_band

DATA = Path(lec.__file__).resolve().parent / "data" / "lec_ls.json"


def test_data_file_cites_source_and_confidence():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert "§3.2" in data["_source"] and "§3.3" in data["_source"]
    assert data["_confidence"] == "LOW"  # the file holds LOW-confidence LS bands
    assert data["lec"]["_confidence"] == "HIGH"
    assert data["lec"]["d_bands"]["_confidence"] == "MEDIUM"
    assert data["ls"]["_confidence"] == "LOW"
    assert data["ls"]["variants"]["A"]["label"] == "DB37/T 2882-2016 style"


# --------------------------------------------------------------------------- four colours (§3.1)

COLOURS = [
    pytest.param("重大", "red", "红", id="重大-红"),
    pytest.param("较大", "orange", "橙", id="较大-橙"),
    pytest.param("一般", "yellow", "黄", id="一般-黄"),
    pytest.param("低", "blue", "蓝", id="低-蓝"),
]


@pytest.mark.parametrize(("level", "key", "zh"), COLOURS)
def test_four_colours(level, key, zh):
    colour = risk_colours.get(level)
    assert (colour.key, colour.colour_zh) == (key, zh)
    assert risk_colours.get(zh + "色") is colour
    assert risk_colours.get(key) is colour
    assert colour.hex.startswith("#") and len(colour.hex) == 7


WORST = [
    pytest.param(["blue", "yellow", "orange"], "orange", id="orange"),
    pytest.param(["低", "重大", "一般"], "red", id="red-wins"),
    pytest.param(["蓝"], "blue", id="single"),
    pytest.param([risk_colours.YELLOW, "blue"], "yellow", id="objects-and-strings"),
]


@pytest.mark.parametrize(("colours", "expected"), WORST)
def test_worst(colours, expected):
    assert risk_colours.worst(colours).key == expected


def test_ordering_red_worst():
    assert sorted(risk_colours.COLOURS) == [
        risk_colours.BLUE,
        risk_colours.YELLOW,
        risk_colours.ORANGE,
        risk_colours.RED,
    ]
    assert risk_colours.RED > risk_colours.ORANGE > risk_colours.YELLOW > risk_colours.BLUE


def test_worst_of_nothing():
    with pytest.raises(ValueError):
        risk_colours.worst([])
    assert risk_colours.worst([], default=None) is None


def test_unknown_colour():
    with pytest.raises(ValueError, match="未知的风险等级"):
        risk_colours.get("purple")


# --------------------------------------------------------------------------- LEC (§3.2)

# D band edges with the digest's usual choice: D > 320 重大, 160 < D ≤ 320 较大,
# 70 < D ≤ 160 一般, D ≤ 70 低 (MEDIUM). Values reachable from the L/E/C tables:
LEC_CASES = [
    pytest.param(1, 10, 7, 70, "blue", id="D=70-edge-blue"),
    pytest.param(10, 1, 7, 70, "blue", id="D=70-edge-blue-other-route"),
    pytest.param(0.5, 10, 15, 75, "yellow", id="D=75-yellow"),
    pytest.param(10, 1, 15, 150, "yellow", id="D=150-yellow"),
    pytest.param(6, 2, 15, 180, "orange", id="D=180-orange"),
    pytest.param(3, 6, 15, 270, "orange", id="D=270-orange-digest-example"),
    pytest.param(10, 2, 15, 300, "orange", id="D=300-orange"),
    pytest.param(6, 1, 100, 600, "red", id="D=600-red"),
    pytest.param(6, 6, 15, 540, "red", id="D=540-red"),
    pytest.param(3, 6, 1, 18, "blue", id="D=18-blue-digest-example"),
    pytest.param(0.1, 0.5, 1, 0.05, "blue", id="D=0.05-minimum"),
    pytest.param(10, 10, 100, 10000, "red", id="D=10000-maximum"),
]


@pytest.mark.parametrize(("L", "E", "C", "D", "colour"), LEC_CASES)
def test_evaluate_lec(L, E, C, D, colour):
    result = evaluate_lec(L, E, C)
    assert result.D == pytest.approx(D)
    assert result.colour is risk_colours.get(colour)


# Boundary placement straight on the band table (160 and 320 are not reachable products).
D_EDGES = [
    pytest.param(70, "blue", id="70"),
    pytest.param(70.01, "yellow", id="70+"),
    pytest.param(160, "yellow", id="160"),
    pytest.param(160.01, "orange", id="160+"),
    pytest.param(320, "orange", id="320"),
    pytest.param(320.01, "red", id="320+"),
    pytest.param(0, "blue", id="0"),
]


@pytest.mark.parametrize(("D", "colour"), D_EDGES)
def test_d_band_edges(D, colour):
    assert lec_band(D)["colour"] == colour


def test_d_bands_are_configurable():
    inclusive = [
        {"at_least": 320, "colour": "red"},
        {"at_least": 160, "colour": "orange"},
        {"at_least": 70, "colour": "yellow"},
        {"colour": "blue"},
    ]
    assert lec_band(320, inclusive)["colour"] == "red"
    assert lec_band(70, inclusive)["colour"] == "yellow"
    assert evaluate_lec(1, 10, 7, bands=inclusive).colour is risk_colours.YELLOW
    assert evaluate_lec(1, 10, 7).colour is risk_colours.BLUE


def test_160_and_320_are_not_reachable():
    values = lec.lec_possible_values()
    assert 70 in values
    assert 160 not in values and 320 not in values


INVALID_LEC = [
    pytest.param(2, 6, 15, "L", id="L=2"),
    pytest.param(6, 4, 15, "E", id="E=4"),
    pytest.param(6, 6, 16, "C", id="C=16-wrong-copy"),
    pytest.param(True, 6, 15, "L", id="L=bool"),
    pytest.param("x", 6, 15, "L", id="L=text"),
]


@pytest.mark.parametrize(("L", "E", "C", "which"), INVALID_LEC)
def test_invalid_lec_values(L, E, C, which):
    with pytest.raises(ValueError, match=which):
        evaluate_lec(L, E, C)


def test_lec_working_is_json_serialisable():
    result = evaluate_lec("0.5", 6, 40)
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert (data["L"], data["E"], data["C"], data["D"]) == (0.5, 6, 40, 120)
    assert data["L_description"] == "很不可能，可以设想"
    assert data["colour"]["level"] == "一般"
    assert data["meaning"] == "显著危险，需要整改"
    assert data["bands_confidence"] == "MEDIUM"


# --------------------------------------------------------------------------- LS (§3.3)

# All 14 products of L, S ∈ 1..5; variants A and B differ only at R = 9 (LOW confidence).
LS_CASES = [
    pytest.param(1, 1, 1, "blue", "blue", id="R=1"),
    pytest.param(1, 2, 2, "blue", "blue", id="R=2"),
    pytest.param(1, 3, 3, "blue", "blue", id="R=3"),
    pytest.param(2, 2, 4, "blue", "blue", id="R=4"),
    pytest.param(1, 5, 5, "blue", "blue", id="R=5"),
    pytest.param(2, 3, 6, "blue", "blue", id="R=6"),
    pytest.param(2, 4, 8, "blue", "blue", id="R=8"),
    pytest.param(3, 3, 9, "yellow", "blue", id="R=9-differs"),
    pytest.param(2, 5, 10, "yellow", "yellow", id="R=10"),
    pytest.param(3, 4, 12, "yellow", "yellow", id="R=12"),
    pytest.param(3, 5, 15, "orange", "orange", id="R=15"),
    pytest.param(4, 4, 16, "orange", "orange", id="R=16"),
    pytest.param(4, 5, 20, "red", "red", id="R=20"),
    pytest.param(5, 5, 25, "red", "red", id="R=25"),
]


def test_ls_cases_cover_all_14_products():
    products = lec.ls_possible_products()
    assert len(products) == 14
    assert sorted(p.values[2] for p in LS_CASES) == list(products)


@pytest.mark.parametrize(("L", "S", "R", "colour_a", "colour_b"), LS_CASES)
def test_ls_variants(L, S, R, colour_a, colour_b):
    a = evaluate_ls(L, S)
    b = evaluate_ls(L, S, variant="B")
    assert a.R == b.R == R
    assert (a.colour.key, b.colour.key) == (colour_a, colour_b)
    assert a.variant == "A" and a.variant_label == "DB37/T 2882-2016 style"
    assert a.confidence == b.confidence == "LOW"
    assert evaluate_ls(S, L).colour is a.colour  # symmetric


def test_ls_custom_bands():
    bands = [{"at_least": 12, "colour": "red"}, {"colour": "blue"}]
    result = evaluate_ls(3, 4, bands=bands)
    assert (result.colour.key, result.variant) == ("red", "custom")


INVALID_LS = [
    pytest.param(0, 3, "A", "L", id="L=0"),
    pytest.param(6, 3, "A", "L", id="L=6"),
    pytest.param(3, 2.5, "A", "S", id="S=2.5"),
    pytest.param(3, 3, "C", "变体", id="unknown-variant"),
]


@pytest.mark.parametrize(("L", "S", "variant", "message"), INVALID_LS)
def test_invalid_ls(L, S, variant, message):
    with pytest.raises(ValueError, match=message):
        evaluate_ls(L, S, variant=variant)


def test_ls_working_is_json_serialisable():
    data = json.loads(json.dumps(evaluate_ls(3, 3).as_dict(), ensure_ascii=False))
    assert (data["R"], data["colour"]["key"], data["confidence"]) == (9, "yellow", "LOW")
    assert any("LOW" in n for n in data["notes"])
