"""Tests for yingji.standards.ids (统一社会信用代码, 公民身份号码).

Source of the rules and of the published vectors: ../shared/reference/standards-digest.md (the project's shared reference)
§8.1 (GB 32100-2015, confidence HIGH) and §8.2 (GB 11643-1999, confidence HIGH).
"""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.standards.ids import (
    ID_CARD_WEIGHTS,
    USCC_CHARSET,
    USCC_WEIGHTS,
    id_card_check_char,
    org_code_check_char,
    uscc_check_char,
    validate_id_card,
    validate_uscc,
)

DIGEST_81 = "standards-digest §8.1"
DIGEST_82 = "standards-digest §8.2"

# --- Tables -----------------------------------------------------------------------------------------


def test_uscc_tables_match_the_digest_formulas():
    # Digest §8.1: 31 symbols without I, O, S, V, Z; W_i = 3^(i−1) mod 31.
    assert len(USCC_CHARSET) == 31
    assert not set("IOSVZ") & set(USCC_CHARSET)
    assert list(USCC_WEIGHTS) == [pow(3, i - 1, 31) for i in range(1, 18)]


def test_id_card_weights_match_the_digest_formula():
    # Digest §8.2: W_i = 2^(18−i) mod 11.
    assert list(ID_CARD_WEIGHTS) == [pow(2, 18 - i, 11) for i in range(1, 18)]


# --- 统一社会信用代码: table of vectors -----------------------------------------------------------------

USCC_CASES = [
    # (input, valid, normalized, error fragments expected, source)
    ("91350100M000100Y43", True, "91350100M000100Y43", [], f"{DIGEST_81}: the widely cited sample"),
    (
        "91350100M000100Y45",
        False,
        "91350100M000100Y45",
        ["校验码错误", "应为“3”", "实际为“5”"],
        f"{DIGEST_81}: sample with the check character changed; the right one is 3",
    ),
    (
        "91350100M000100Y4X",
        False,
        "91350100M000100Y4X",
        ["应为“3”"],
        f"{DIGEST_81}: sample with another wrong check character",
    ),
    (
        " 91350100m000100y43\t",
        True,
        "91350100M000100Y43",
        [],
        f"{DIGEST_81}: sample in lower case with blanks around it — normalised, still valid",
    ),
    (
        "９１３５０１００Ｍ０００１００Ｙ４３",
        True,
        "91350100M000100Y43",
        [],
        f"{DIGEST_81}: sample typed in full-width characters — normalised, still valid",
    ),
    (
        "91350100M000100Y4",
        False,
        "91350100M000100Y4",
        ["应为18位,实际为17位"],
        f"{DIGEST_81}: the sample without its check character (wrong length)",
    ),
    (
        "91350100M000100Y431",
        False,
        "91350100M000100Y431",
        ["应为18位,实际为19位"],
        f"{DIGEST_81}: one character too many",
    ),
    ("", False, "", ["不能为空"], f"{DIGEST_81}: empty input"),
    (
        "91350100I000100Y43",
        False,
        "91350100I000100Y43",
        ["第9位字符“I”不在允许的字符集内(不含I、O、S、V、Z)"],
        f"{DIGEST_81}: I is outside the charset",
    ),
    (
        "91350100O000100Y43",
        False,
        "91350100O000100Y43",
        ["第9位字符“O”不在允许的字符集内"],
        f"{DIGEST_81}: O is outside the charset",
    ),
    (
        "9135010SM000100Y43",
        False,
        "9135010SM000100Y43",
        ["第8位字符“S”不在允许的字符集内"],
        f"{DIGEST_81}: S is outside the charset",
    ),
    (
        "91350100M000100V43",
        False,
        "91350100M000100V43",
        ["第16位字符“V”不在允许的字符集内"],
        f"{DIGEST_81}: V is outside the charset",
    ),
    (
        "91350100M000100Y4Z",
        False,
        "91350100M000100Y4Z",
        ["第18位字符“Z”不在允许的字符集内", "应为“3”"],
        f"{DIGEST_81}: Z is outside the charset, also as the check character",
    ),
    (
        "91350100M000-00Y43",
        False,
        "91350100M000-00Y43",
        ["第13位字符“-”不在允许的字符集内"],
        f"{DIGEST_81}: punctuation is outside the charset",
    ),
]


@pytest.mark.parametrize(("code", "valid", "normalized", "fragments", "source"), USCC_CASES)
def test_validate_uscc_table(code, valid, normalized, fragments, source):
    result = validate_uscc(code)
    assert result.valid is valid, source
    assert result.normalized == normalized, source
    assert bool(result.errors) is not valid, source
    joined = "\n".join(result.errors)
    for fragment in fragments:
        assert fragment in joined, (source, result.errors)


def test_uscc_sample_decodes_into_parts():
    # Digest §8.1 structure: 1 authority, 2 category, 3–8 region, 9–17 主体标识码, 18 check.
    result = validate_uscc("91350100M000100Y43")
    assert result.authority_code == "9"
    assert result.category_code == "1"
    assert result.region_code == "350100"
    assert result.org_code == "M000100Y4"
    assert result.expected_check == "3"
    assert result.authority_name == "工商/市场监管"
    assert result.category_name == "企业"
    # M000100Y4 satisfies the GB 11714 inner check (digest §8.1, MEDIUM), so no warning.
    assert result.warnings == []


def test_uscc_check_char_of_sample():
    # Digest §8.1: "91350100M000100Y4 + check character 3".
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_uscc_inner_org_code_failure_is_only_a_warning():
    # Digest §8.1: the GB 11714 inner check is optional — warning, not rejection.
    first17 = "91350100M000100Y5"  # inner check of M000100Y5 would need Y4 → …4
    code = first17 + uscc_check_char(first17)
    result = validate_uscc(code)
    assert result.valid, result.errors
    assert any("GB 11714" in w and "应为“4”" in w for w in result.warnings)


def test_uscc_unknown_authority_code_is_not_an_error():
    # Digest §8.1: "Do not reject unknown first-character codes."
    first17 = "Q1350100M000100Y4"
    result = validate_uscc(first17 + uscc_check_char(first17))
    assert result.valid, result.errors
    assert any("登记管理部门代码“Q”" in w for w in result.warnings)


def test_uscc_later_authority_codes_accepted_without_warning():
    # Digest §8.1: 2–8, A, N are codes added later (LOW) — accepted.
    for first in "2345678AN":
        first17 = first + "1350100M000100Y4"
        result = validate_uscc(first17 + uscc_check_char(first17))
        assert result.valid, (first, result.errors)
        assert not any("登记管理部门" in w for w in result.warnings), first


@pytest.mark.parametrize(
    ("first8", "expected", "source"),
    [
        ("M000100Y", "4", f"{DIGEST_81}: 主体标识码 of the sample, M000100Y4"),
        ("00000000", "0", f"{DIGEST_81}: Σ = 0 → 11 − 0 = 11 → '0'"),
        # Hand-computed with the digest's weights 3 7 9 10 5 8 4 2 and c = 11 − (Σ mod 11):
        ("00010000", "1", f"{DIGEST_81}: Σ = 1×10 = 10 → c = 1"),
        ("10000000", "8", f"{DIGEST_81}: Σ = 1×3 = 3 → c = 8"),
        ("40000000", "X", f"{DIGEST_81}: Σ = 4×3 = 12 ≡ 1 → c = 10 → 'X'"),
    ],
)
def test_org_code_check_char(first8, expected, source):
    assert org_code_check_char(first8) == expected, source


# --- 统一社会信用代码: properties ------------------------------------------------------------------------

FIRST17 = st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17)


@given(first17=FIRST17)
def test_any_17_chars_plus_check_char_validate(first17):
    code = first17 + uscc_check_char(first17)
    result = validate_uscc(code)
    assert result.errors == []
    assert result.valid
    assert result.expected_check == code[17]


@given(
    first17=FIRST17,
    position=st.integers(min_value=0, max_value=17),
    replacement=st.characters(codec="utf-8"),
)
def test_changing_one_character_makes_a_valid_code_invalid(first17, position, replacement):
    code = first17 + uscc_check_char(first17)
    mutated = code[:position] + replacement + code[position + 1 :]
    # Only real changes count: a character that normalises back to the original is the same code.
    if validate_uscc(mutated).normalized == code:
        return
    assert not validate_uscc(mutated).valid, (code, mutated)


@given(
    first17=FIRST17,
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from(USCC_CHARSET),
)
def test_changing_one_charset_character_is_caught_by_the_checksum(first17, position, replacement):
    code = first17 + uscc_check_char(first17)
    if code[position] == replacement:
        return
    mutated = code[:position] + replacement + code[position + 1 :]
    result = validate_uscc(mutated)
    assert not result.valid
    assert any("校验码错误" in e for e in result.errors)


def test_uscc_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        uscc_check_char("91350100M000100Y")  # 16 characters
    with pytest.raises(ValueError):
        uscc_check_char("91350100I000100Y4")  # I is not in the charset


# --- 公民身份号码 -----------------------------------------------------------------------------------

TODAY = date(2025, 6, 15)


def _with_check(first17: str) -> str:
    return first17 + id_card_check_char(first17)


ID_CASES = [
    # (input, valid, normalized, error fragments, source)
    ("62012319240507058X", True, "62012319240507058X", [], f"{DIGEST_82}: published vector"),
    ("441323200312060636", True, "441323200312060636", [], f"{DIGEST_82}: published vector"),
    (
        "62012319240507058x",
        True,
        "62012319240507058X",
        [],
        f"{DIGEST_82}: published vector with a lower-case x — accepted as X",
    ),
    (
        "441323200312060637",
        False,
        "441323200312060637",
        ["校验码错误:第18位应为“6”,实际为“7”"],
        f"{DIGEST_82}: published vector with the check digit changed",
    ),
    (
        "441323200312061636",
        False,
        "441323200312061636",
        ["校验码错误", "实际为“6”"],
        f"{DIGEST_82}: published vector with digit 15 changed (0 → 1)",
    ),
    (
        "620123192405070589",
        False,
        "620123192405070589",
        ["应为“X”"],
        f"{DIGEST_82}: published vector with X replaced by 9",
    ),
    (
        _with_check("44132320030230063"),
        False,
        _with_check("44132320030230063"),
        ["出生日期“20030230”不是有效的日期"],
        f"{DIGEST_82}: 30 February does not exist (check digit recomputed so only the date fails)",
    ),
    (
        _with_check("44132320031306063"),
        False,
        _with_check("44132320031306063"),
        ["出生日期“20031306”不是有效的日期"],
        f"{DIGEST_82}: month 13 does not exist",
    ),
    (
        _with_check("44132320300101063"),
        False,
        _with_check("44132320300101063"),
        ["晚于今天"],
        f"{DIGEST_82}: birth date 2030-01-01 is after today (2025-06-15 in this test)",
    ),
    (
        "44132320031206063",
        False,
        "44132320031206063",
        ["应为18位,实际为17位"],
        f"{DIGEST_82}: wrong length",
    ),
    (
        "441323031206063",
        False,
        "441323031206063",
        ["应为18位,实际为15位", "15位旧号码"],
        f"{DIGEST_82}: a 15-digit pre-1999 number is not accepted",
    ),
    (
        "4413232003120606A6",
        False,
        "4413232003120606A6",
        ["第17位字符“A”应为数字"],
        f"{DIGEST_82}: letters are only allowed as the check character X",
    ),
    (
        _with_check("99999919900101001"),
        True,
        _with_check("99999919900101001"),
        [],
        f"{DIGEST_82}: address code not in GB/T 2260 is NOT rejected (code at issue time)",
    ),
]


@pytest.mark.parametrize(("number", "valid", "normalized", "fragments", "source"), ID_CASES)
def test_validate_id_card_table(number, valid, normalized, fragments, source):
    result = validate_id_card(number, today=TODAY)
    assert result.valid is valid, (source, result.errors)
    assert result.normalized == normalized, source
    assert bool(result.errors) is not valid, source
    joined = "\n".join(result.errors)
    for fragment in fragments:
        assert fragment in joined, (source, result.errors)


@pytest.mark.parametrize(
    ("number", "birth", "sex", "source"),
    [
        ("62012319240507058X", date(1924, 5, 7), "F", f"{DIGEST_82}: sequence 058 even → female"),
        ("441323200312060636", date(2003, 12, 6), "M", f"{DIGEST_82}: sequence 063 odd → male"),
    ],
)
def test_id_card_decoding(number, birth, sex, source):
    result = validate_id_card(number, today=TODAY)
    assert result.birth_date == birth, source
    assert result.sex == sex, source
    assert result.sex_label == {"M": "男", "F": "女"}[sex]
    assert result.address_code == number[:6]
    assert result.expected_check == number[17]


def test_birth_date_today_is_allowed_and_tomorrow_is_not():
    number = _with_check("62010220250615001")
    assert validate_id_card(number, today=date(2025, 6, 15)).valid
    assert not validate_id_card(number, today=date(2025, 6, 14)).valid


VALID_ID_FIRST17 = st.builds(
    lambda address, birth, sequence: f"{address:06d}{birth:%Y%m%d}{sequence:03d}",
    st.integers(min_value=110000, max_value=659999),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.integers(min_value=0, max_value=999),
)


@given(
    first17=VALID_ID_FIRST17,
    position=st.integers(min_value=0, max_value=17),
    char=st.sampled_from("0123456789X"),
)
def test_id_card_single_substitution_is_caught(first17, position, char):
    # ISO 7064 MOD 11-2 (digest §8.2) detects every single-character substitution.
    number = first17 + id_card_check_char(first17)
    assert validate_id_card(number, today=TODAY).valid
    if number[position] == char:
        return
    mutated = number[:position] + char + number[position + 1 :]
    assert not validate_id_card(mutated, today=TODAY).valid, (number, mutated)
