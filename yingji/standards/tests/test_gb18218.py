"""GB 18218-2018 identification and grading (standards-digest.md §1, confidence HIGH)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from yingji.standards import gb18218
from yingji.standards.gb18218 import (
    AmbiguousSubstanceError,
    BetaUndeterminedError,
    alpha,
    beta_for,
    critical_quantity,
    evaluate_unit,
    find_substance,
    grade,
)

STANDARDS_DIR = Path(gb18218.__file__).resolve().parent


# --------------------------------------------------------------------------- data files

# Digest §1.5: "Table 1 … (all 85 rows)"; every data file names its source and confidence.
DATA_FILES = [
    pytest.param("gb18218_table1.json", "§1.5", "HIGH", id="table1"),
    pytest.param("gb18218_tables.json", "§1.4", "HIGH", id="tables2-6"),
]


@pytest.mark.parametrize(("filename", "section", "confidence"), DATA_FILES)
def test_data_file_cites_source_and_confidence(filename, section, confidence):
    data = json.loads((STANDARDS_DIR / "data" / filename).read_text(encoding="utf-8"))
    assert section in data["_source"]
    assert data["_confidence"] == confidence


def test_table1_has_exactly_85_rows_numbered_in_order():
    rows = gb18218.table1_rows()
    assert len(rows) == 85
    assert [r.no for r in rows] == list(range(1, 86))


# Digest §1.5, spot checks across the table (first, last, bold rows, several CAS, no CAS).
TABLE1_ROWS = [
    pytest.param(1, "氨", ("7664-41-7",), 10, id="1-ammonia"),
    pytest.param(6, "碳酰氯", ("75-44-5",), 0.3, id="6-phosgene"),
    pytest.param(13, "煤气", (), 20, id="13-coal-gas-no-cas"),
    pytest.param(30, "异氰酸甲酯", ("624-83-9",), 0.75, id="30-mic"),
    pytest.param(45, "硝酸铵肥料", (), 200, id="45-an-fertiliser-no-cas"),
    pytest.param(49, "甲烷", ("74-82-8", "8006-14-2"), 50, id="49-methane-two-cas"),
    pytest.param(52, "液化石油气", ("68476-85-7", "74-98-6", "106-97-8"), 50, id="52-lpg"),
    pytest.param(65, "甲醇", ("67-56-1",), 500, id="65-methanol"),
    pytest.param(66, "汽油", ("86290-81-5",), 200, id="66-petrol"),
    pytest.param(74, "烷基铝", (), 1, id="74-alkylaluminium-no-cas"),
    pytest.param(83, "碳化钙", ("75-20-7",), 100, id="83-calcium-carbide"),
    pytest.param(85, "钠", ("7440-23-5",), 10, id="85-sodium"),
]


@pytest.mark.parametrize(("no", "name", "cas", "Q"), TABLE1_ROWS)
def test_table1_rows(no, name, cas, Q):
    row = gb18218.table1_rows()[no - 1]
    assert (row.no, row.name, row.cas, row.Q_t) == (no, name, cas, Q)


def test_table1_every_cas_has_a_valid_check_digit():
    # The digest's second source validated CAS check digits (§1 Source); so does the loader.
    for row in gb18218.table1_rows():
        for cas in row.cas:
            digits = cas.replace("-", "")
            body = digits[:-1]
            total = sum(int(d) * (i + 1) for i, d in enumerate(reversed(body)))
            assert total % 10 == int(digits[-1]), (row.no, cas)


# Digest §1.4 Table 3 (β for named toxic gases), complete.
TABLE3 = [
    pytest.param("一氧化碳", 2, id="CO"),
    pytest.param("二氧化硫", 2, id="SO2"),
    pytest.param("氨", 2, id="NH3"),
    pytest.param("环氧乙烷", 2, id="ethylene-oxide"),
    pytest.param("氯化氢", 3, id="HCl"),
    pytest.param("溴甲烷", 3, id="methyl-bromide"),
    pytest.param("氯", 4, id="Cl2"),
    pytest.param("硫化氢", 5, id="H2S"),
    pytest.param("氟化氢", 5, id="HF"),
    pytest.param("二氧化氮", 10, id="NO2"),
    pytest.param("氰化氢", 10, id="HCN"),
    pytest.param("碳酰氯", 20, id="phosgene"),
    pytest.param("光气", 20, id="phosgene-alias"),
    pytest.param("磷化氢", 20, id="phosphine"),
    pytest.param("异氰酸甲酯", 20, id="MIC"),
    pytest.param("液氯", 4, id="liquid-chlorine-alias"),
    pytest.param("7783-06-4", 5, id="H2S-by-CAS"),
]


@pytest.mark.parametrize(("gas", "beta"), TABLE3)
def test_table3_beta(gas, beta):
    result = beta_for(gas)
    assert result.beta == beta
    assert result.basis == "table3"


def test_table3_has_exactly_the_14_digest_gases():
    names = [r["name"] for r in gb18218.load_tables()["table3"]["rows"]]
    assert len(names) == 14
    # Digest §1.4: "液甲烷 3", "氟 4", "砷化氢 20" are wrong versions seen in public code.
    assert not {"液甲烷", "氟", "砷化氢"} & set(names)


@pytest.mark.parametrize(
    "name",
    [pytest.param("氟", id="fluorine"), pytest.param("砷化氢", id="arsine")],
)
def test_wrong_table3_versions_are_not_used(name):
    # Digest §1.4: these are NOT in Table 3, so β must come from Table 4.
    with pytest.raises(BetaUndeterminedError):
        beta_for(name)
    assert beta_for(name, ["J1"]).beta == 4


# Digest §1.4 Table 4 (β by category).
TABLE4 = [
    pytest.param("J1", 4, id="J1"),
    pytest.param("J2", 1, id="J2"),
    pytest.param("J3", 2, id="J3"),
    pytest.param("J4", 2, id="J4"),
    pytest.param("J5", 1, id="J5"),
    pytest.param("W1.1", 2, id="W1.1"),
    pytest.param("W2", 1.5, id="W2"),
    pytest.param("W3", 1, id="W3"),
    pytest.param("W5.1", 1.5, id="W5.1"),
    pytest.param("W5.4", 1, id="W5.4"),
    pytest.param("W6.1", 1.5, id="W6.1"),
    pytest.param("W7.1", 1.5, id="W7.1"),
    pytest.param("W7.2", 1, id="W7.2"),
    pytest.param("W11", 1, id="W11"),
]


@pytest.mark.parametrize(("code", "beta"), TABLE4)
def test_table4_beta(code, beta):
    result = beta_for("某未列入表3的物质", [code])
    assert (result.beta, result.basis, result.key) == (beta, "table4", code)


# Digest §1.6 Table 2 (Q by category).
TABLE2 = [
    pytest.param("J1", 5, id="J1"),
    pytest.param("J5", 500, id="J5"),
    pytest.param("W1.1", 1, id="W1.1"),
    pytest.param("W2", 10, id="W2"),
    pytest.param("W3", 150, id="W3-net-weight"),
    pytest.param("W5.1", 10, id="W5.1"),
    pytest.param("W5.2", 50, id="W5.2"),
    pytest.param("W5.3", 1000, id="W5.3"),
    pytest.param("W5.4", 5000, id="W5.4"),
    pytest.param("W9.2", 200, id="W9.2"),
    pytest.param("W11", 200, id="W11"),
]


@pytest.mark.parametrize(("code", "Q"), TABLE2)
def test_table2_critical_quantity(code, Q):
    result = critical_quantity("某未列入表1的物质", [code])
    assert result.Q_t == Q
    assert result.basis == "table2"
    assert f"按表2类别{code}取Q={Q}t" in result.explanation


# --------------------------------------------------------------------------- lookup

# Digest §1.5: lookup by name, alias, CAS; full-width/half-width and spaces ignored.
LOOKUPS = [
    pytest.param("氨", 1, id="name"),
    pytest.param("液氨", 1, id="alias-liquid-ammonia"),
    pytest.param("氨气", 1, id="alias-ammonia-gas"),
    pytest.param("7664-41-7", 1, id="cas"),
    pytest.param(" ７６６４－４１－７ ", 1, id="cas-full-width-spaces"),
    pytest.param("光气", 6, id="alias-phosgene"),
    pytest.param("电石", 83, id="alias-carbide"),
    pytest.param("天然气", 49, id="second-name-natural-gas"),
    pytest.param("8006-14-2", 49, id="second-cas-natural-gas"),
    pytest.param("106-97-8", 52, id="lpg-butane-cas"),
    pytest.param("乙醇汽油", 66, id="ethanol-petrol"),
    pytest.param("tnt", 35, id="alias-case-insensitive"),
    pytest.param("1-氯-2，3-环氧丙烷", 21, id="full-width-comma"),
    pytest.param("硝酸铵（含可燃物＞0.2%）", 43, id="full-name-with-condition"),
    pytest.param("硝酸铵(含可燃物≤0.2%)", 44, id="full-name-half-width"),
    pytest.param("硝化纤维素[干的或含水(或乙醇)<25%]", 37, id="square-brackets"),
    pytest.param("甲醛", 8, id="bare-name-with-condition"),
    pytest.param("一氧化碳", 13, id="CO-as-coal-gas"),
]


@pytest.mark.parametrize(("query", "no"), LOOKUPS)
def test_find_substance(query, no):
    row = find_substance(query)
    assert row is not None
    assert row.no == no


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("柴油", id="diesel"),
        pytest.param("7732-18-5", id="water-valid-cas-not-listed"),
    ],
)
def test_find_substance_not_in_table1(query):
    assert find_substance(query) is None


def test_find_substance_refuses_cas_with_wrong_check_digit():
    # 64-17-5 is 乙醇 (row 67); a typo must not silently read as "not in Table 1".
    with pytest.raises(ValueError, match="校验位"):
        find_substance("64-17-6")


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("硝酸铵", id="ammonium-nitrate-two-rows"),
        pytest.param("硝化纤维素", id="nitrocellulose-five-rows"),
        pytest.param("9004-70-0", id="shared-cas"),
    ],
)
def test_ambiguous_lookup_is_refused(query):
    with pytest.raises(AmbiguousSubstanceError, match="含限定条件的全称"):
        find_substance(query)


@pytest.mark.parametrize("query", [pytest.param("", id="empty"), pytest.param(None, id="none")])
def test_find_substance_rejects_empty(query):
    with pytest.raises(ValueError):
        find_substance(query)


# --------------------------------------------------------------------------- Q

# Digest §1.2: Table 1 first, else lowest Table 2 Q among the categories.
CRITICAL_QUANTITIES = [
    pytest.param("液氨", (), 10, "table1", "表1第1项「氨」", id="table1-by-alias"),
    pytest.param(
        "柴油", ("W5.3",), 1000, "table2", "不在表1中，按表2类别W5.3取Q=1000t", id="diesel-W5.3"
    ),
    pytest.param("柴油", ("W5.4",), 5000, "table2", "按表2类别W5.4取Q=5000t", id="diesel-W5.4"),
    pytest.param(
        "某有毒易燃气体",
        ("W2", "J1"),
        5,
        "table2",
        "具有多种危险性",
        id="multi-hazard-lowest-Q",
    ),
    pytest.param("甲醇", ("W5.3",), 500, "table1", "已列入表1", id="table1-wins-over-category"),
    pytest.param(None, ("W5.1", "W2", "J3"), 10, "table2", "取最低临界量", id="categories-only"),
]


@pytest.mark.parametrize(("substance", "cats", "Q", "basis", "text"), CRITICAL_QUANTITIES)
def test_critical_quantity(substance, cats, Q, basis, text):
    result = critical_quantity(substance, cats)
    assert (result.Q_t, result.basis) == (Q, basis)
    assert text in result.explanation
    q, why = result  # unpacks as (Q, explanation)
    assert (q, why) == (result.Q_t, result.explanation)


def test_multi_hazard_lowest_q_names_the_chosen_category():
    result = critical_quantity("某有毒易燃气体", ["W2", "J1"])
    assert result.category.code == "J1"
    assert "最低临界量" in result.explanation


def test_condition_is_spelt_out_for_conditional_rows():
    assert "含量>90%" in critical_quantity("甲醛").explanation


CRITICAL_QUANTITY_ERRORS = [
    pytest.param("柴油", (), "不在GB 18218-2018表1中", id="diesel-needs-category"),
    pytest.param(None, (), "须给出物质名称", id="nothing-given"),
    pytest.param("柴油", ("W5.9",), "未知的GB 18218-2018表2危险性类别代码", id="unknown-category"),
]


@pytest.mark.parametrize(("substance", "cats", "message"), CRITICAL_QUANTITY_ERRORS)
def test_critical_quantity_errors(substance, cats, message):
    with pytest.raises(ValueError, match=message):
        critical_quantity(substance, cats)


def test_category_codes_are_normalised():
    assert critical_quantity("柴油", ["ｗ５．３"]).Q_t == 1000


# --------------------------------------------------------------------------- β choice


def test_multi_category_beta_requires_explicit_choice():
    # Digest §1.4 and open item 9: the standard is silent; no rule may be invented.
    with pytest.raises(BetaUndeterminedError, match="beta_category"):
        beta_for("某有毒易燃液体", ["W5.1", "J2"])
    chosen = beta_for("某有毒易燃液体", ["W5.1", "J2"], beta_category="J2")
    assert (chosen.beta, chosen.key) == (1, "J2")
    assert "使用者选定" in chosen.explanation


def test_beta_category_must_be_one_of_the_categories():
    with pytest.raises(ValueError, match="不在"):
        beta_for("某有毒易燃液体", ["W5.1", "J2"], beta_category="J1")


def test_table3_takes_precedence_over_categories():
    assert beta_for("氯", ["J1"], beta_category="J1").beta == 4


# --------------------------------------------------------------------------- α, grade

# Digest §1.4 Table 5.
ALPHA = [
    pytest.param(0, 0.5, id="0"),
    pytest.param(1, 1.0, id="1"),
    pytest.param(29, 1.0, id="29"),
    pytest.param(30, 1.2, id="30"),
    pytest.param(49, 1.2, id="49"),
    pytest.param(50, 1.5, id="50"),
    pytest.param(99, 1.5, id="99"),
    pytest.param(100, 2.0, id="100"),
    pytest.param(5000, 2.0, id="5000"),
]


@pytest.mark.parametrize(("population", "expected"), ALPHA)
def test_alpha(population, expected):
    assert alpha(population) == expected


@pytest.mark.parametrize(
    "population",
    [
        pytest.param(-1, id="negative"),
        pytest.param(2.5, id="fractional"),
        pytest.param(True, id="bool"),
    ],
)
def test_alpha_rejects_bad_population(population):
    with pytest.raises(ValueError, match="常住人口"):
        alpha(population)


# Digest §1.4 Table 6, each boundary and just below it.
GRADES = [
    pytest.param(100, "一级", id="100"),
    pytest.param(99.999, "二级", id="just-below-100"),
    pytest.param(50, "二级", id="50"),
    pytest.param(49.999, "三级", id="just-below-50"),
    pytest.param(10, "三级", id="10"),
    pytest.param(9.999, "四级", id="just-below-10"),
    pytest.param(0.5, "四级", id="small"),
    pytest.param(1000, "一级", id="large"),
]


@pytest.mark.parametrize(("R", "expected"), GRADES)
def test_grade(R, expected):
    assert grade(R) == expected


def test_grade_rejects_negative():
    with pytest.raises(ValueError, match="R值"):
        grade(-1)


# --------------------------------------------------------------------------- evaluate_unit

# Digest §1.3–§1.4: S = Σq/Q ≥ 1 is a major hazard; R = α·Σβq/Q; grade only if S ≥ 1.
UNITS = [
    pytest.param([("液氯", 4.99)], 0, 0.998, False, None, None, id="chlorine-below"),
    pytest.param([("液氯", 5)], 0, 1, True, 2, "四级", id="chlorine-at-threshold-S-1"),
    # 氯 β=4, Q=5: 100 t → S=20, R = 2.0·4·20 = 160 → 一级
    pytest.param([("氯气", 100)], 100, 20, True, 160, "一级", id="chlorine-above-grade-1"),
    # 光气 Q=0.3, β=20: q=0.3 → S=1, R = 1.0·20 = 20 → 三级
    pytest.param([("光气", 0.3)], 10, 1, True, 20, "三级", id="phosgene-S-1-exact-decimal"),
    # mixed: 氨 5/10 + 氯 1/5 + 柴油 300/1000 = 0.5+0.2+0.3 = 1.0
    #   Σβq/Q = 2·0.5 + 4·0.2 + 1·0.3 = 2.1; α(45)=1.2 → R=2.52 → 四级
    pytest.param(
        [("液氨", 5), ("氯", 1), ("柴油", 300, ["W5.3"])],
        45,
        1,
        True,
        2.52,
        "四级",
        id="mixed-exactly-1",
    ),
    # mixed below: 0.1 + 0.2 + 0.6 = 0.9 (float sum would be 0.9000000000000001)
    pytest.param(
        [("液氨", 1), ("氯", 1), ("甲醇", 300, ["W5.3"])],
        45,
        0.9,
        False,
        None,
        None,
        id="mixed-below",
    ),
    # 硫化氢 Q=5 β=5, 50 t → S=10; 二氧化氮 Q=1 β=10, 1 t → S=1. S=11, Σβ=60; α(60)=1.5 → R=90
    pytest.param([("硫化氢", 50), ("二氧化氮", 1)], 60, 11, True, 90, "二级", id="mixed-grade-2"),
]


@pytest.mark.parametrize(("items", "pop", "S", "major", "R", "expected_grade"), UNITS)
def test_evaluate_unit(items, pop, S, major, R, expected_grade):
    result = evaluate_unit(items, pop)
    assert result.S == pytest.approx(S)
    assert result.is_major is major
    if R is None:
        assert result.R is None
    else:
        assert result.R == pytest.approx(R)
    assert result.grade == expected_grade


def test_s_exactly_one_is_major_without_rounding():
    # 0.1 + 0.2 + 0.7 in binary floating point is 0.9999999999999999; the standard means 1.
    result = evaluate_unit([("硫化氢", 0.5), ("氯", 1), ("氨", 7)], 0)
    assert result.S == 1
    assert result.is_major


def test_unit_working_is_complete_and_json_serialisable():
    result = evaluate_unit([("液氨", 6), ("柴油", 500, ["W5.3"])], 120)
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    first, second = data["terms"]
    assert first["matched"] == "表1第1项「氨」"
    assert (first["q_t"], first["Q_t"], first["q_over_Q"], first["beta"]) == (6, 10, 0.6, 2)
    assert first["beta_q_over_Q"] == pytest.approx(1.2)
    assert second["matched"] == "表2类别W5.3"
    assert "不在表1中，按表2类别W5.3取Q=1000t" in second["explanation"]
    assert (data["S"], data["is_major"], data["alpha"]) == (1.1, True, 2)
    assert data["R"] == pytest.approx(2 * (1.2 + 0.5))
    assert data["grade"] == "四级"
    assert any("设计最大量" in n for n in data["notes"])
    with pytest.raises(AttributeError):
        result.S = 0  # frozen


def test_dict_items_are_accepted():
    result = evaluate_unit([{"substance": "柴油", "q_t": 2000, "categories": ["W5.3"]}], 0)
    assert result.S == 2 and result.grade == "四级"


def test_major_unit_needs_beta_for_every_term():
    # 甲醇 is in Table 1 (Q) but not in Table 3 (β): grading needs its category.
    with pytest.raises(BetaUndeterminedError, match="甲醇"):
        evaluate_unit([("甲醇", 600)], 10)
    assert evaluate_unit([("甲醇", 600, ["W5.3"])], 10).grade == "四级"


def test_non_major_unit_does_not_need_beta():
    result = evaluate_unit([("甲醇", 100)], 10)
    assert not result.is_major
    assert result.terms[0].beta is None
    assert any("β未确定" in n for n in result.notes)


def test_major_multi_category_unit_needs_beta_category():
    with pytest.raises(BetaUndeterminedError, match="beta_category"):
        evaluate_unit([("某有毒易燃液体", 20, ["W5.1", "J2"])], 0)
    result = evaluate_unit([("某有毒易燃液体", 20, ["W5.1", "J2"], "W5.1")], 0)
    # Q = min(10, 50) = 10 → S = 2; β(W5.1) = 1.5; α = 0.5 → R = 1.5
    assert (result.S, result.R) == (2, 1.5)


UNIT_ERRORS = [
    pytest.param([("液氨", -1)], 0, "不能为负数", id="negative-q"),
    pytest.param([("柴油", 10)], 0, "须给出表2危险性类别", id="unknown-substance-no-category"),
    pytest.param([("柴油", 10, ["W99"])], 0, "未知的GB 18218-2018表2危险性类别代码", id="bad-code"),
    pytest.param([], 0, "至少应有一种", id="empty-unit"),
    pytest.param([("液氨", "abc")], 0, "数量q必须是数值", id="non-numeric-q"),
    pytest.param([("液氨", 1)], -3, "常住人口", id="negative-population"),
    pytest.param([("液氨",)], 0, "格式错误", id="malformed-item"),
]


@pytest.mark.parametrize(("items", "pop", "message"), UNIT_ERRORS)
def test_evaluate_unit_errors(items, pop, message):
    with pytest.raises(ValueError, match=message):
        evaluate_unit(items, pop)


def test_tables_are_configurable():
    tables = gb18218.load_tables()
    tables["table5"]["bands"][0]["alpha"] = 3.0  # a hypothetical revision
    assert alpha(100, tables=tables) == 3.0
    assert alpha(100) == 2.0  # the shipped table is untouched
    table1 = gb18218.load_table1()
    table1["rows"][0]["Q_t"] = 20
    assert critical_quantity("氨", table1=table1).Q_t == 20
    assert critical_quantity("氨").Q_t == 10


# --------------------------------------------------------------------------- layering


@pytest.mark.parametrize(
    "module",
    [
        pytest.param("gb18218.py", id="gb18218"),
        pytest.param("risk_grading.py", id="risk_grading"),
        pytest.param("lec.py", id="lec"),
        pytest.param("risk_colours.py", id="risk_colours"),
    ],
)
def test_no_django_or_project_imports(module):
    # DESIGN.md §3.1: standards imports nothing of the project and no Django.
    tree = ast.parse((STANDARDS_DIR / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import inside yingji.standards
                continue
            names = [node.module or ""]
        else:
            continue
        for name in names:
            assert not name.startswith("django"), name
            assert not name.startswith("yingji") or name.startswith("yingji.standards"), name
