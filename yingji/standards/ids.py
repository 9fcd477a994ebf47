"""Check and decode 统一社会信用代码 (GB 32100-2015) and 公民身份号码 (GB 11643-1999).

Both validators never raise on bad input: they return a frozen result object whose ``errors`` are
Chinese sentences fit to show to a user as they are (they say what is wrong, where, and what the
right value would be). ``warnings`` hold findings that must not block saving.

Source of every rule below: ../shared/reference/standards-digest.md (the project's shared reference) §8.1 and §8.2.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = [
    "USCC_CHARSET",
    "USCC_WEIGHTS",
    "UsccResult",
    "uscc_check_char",
    "validate_uscc",
    "IdCardResult",
    "id_card_check_char",
    "validate_id_card",
]

# --- Data: 统一社会信用代码, digest §8.1 (confidence HIGH unless noted) ------------------------------

USCC_LENGTH = 18

# 31 symbols, without I, O, S, V, Z; a character's value is its index. Digest §8.1, HIGH.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_FORBIDDEN = "IOSVZ"

# Weights for positions 1–17: 3^(i−1) mod 31. Digest §8.1, HIGH.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Optional inner check of the 主体标识码 (positions 9–17) as a GB 11714 组织机构代码:
# weights on its first 8 characters, values 0-9A-Z → 0..35, c = 11 − (Σ mod 11), 10 → 'X',
# 11 → '0'. Digest §8.1, MEDIUM; some entities do not follow it, so it only yields a warning.
ORG_CODE_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# 登记管理部门代码 (first character) and 机构类别代码 (second character). Digest §8.1, MEDIUM.
USCC_AUTHORITIES = {
    "1": "机构编制",
    "5": "民政",
    "9": "工商/市场监管",
    "Y": "其他",
}
USCC_CATEGORIES = {
    "11": "机关",
    "12": "事业单位",
    "13": "群众团体",
    "19": "其他",
    "51": "社会团体",
    "52": "民办非企业单位",
    "53": "基金会",
    "59": "其他",
    "91": "企业",
    "92": "个体工商户",
    "93": "农民专业合作社",
}
# First-character codes added after GB 32100-2015; their meanings are not verified.
# Digest §8.1, LOW. They are accepted without a warning; unknown codes only warn.
USCC_LATER_AUTHORITIES = frozenset("2345678AN")


# --- Data: 公民身份号码, digest §8.2 (confidence HIGH) ------------------------------------------------

ID_CARD_LENGTH = 18
# ISO 7064 MOD 11-2: weights 2^(18−i) mod 11 for positions 1–17. Digest §8.2, HIGH.
ID_CARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# check = ID_CARD_CHECK_CHARS[Σ mod 11]. Digest §8.2, HIGH.
ID_CARD_CHECK_CHARS = "10X98765432"
# Plausibility only (not from the standard): an older birth year is a warning, not an error.
EARLIEST_PLAUSIBLE_BIRTH_YEAR = 1900


def _normalize(value: str) -> str:
    """Full-width → half-width (NFKC, e.g. text pasted from Word or Excel), strip, upper case."""
    return unicodedata.normalize("NFKC", value).strip().upper()


# --- 统一社会信用代码 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsccResult:
    """Outcome of :func:`validate_uscc`. Decoded parts are None unless the code has 18 characters."""

    valid: bool
    normalized: str
    errors: list[str]
    warnings: list[str]
    expected_check: str | None
    authority_code: str | None = None
    category_code: str | None = None
    region_code: str | None = None
    org_code: str | None = None

    @property
    def authority_name(self) -> str | None:
        """登记管理部门 name for the first character, if known (digest §8.1, MEDIUM)."""
        return USCC_AUTHORITIES.get(self.authority_code or "")

    @property
    def category_name(self) -> str | None:
        """机构类别 name for the first two characters, if known (digest §8.1, MEDIUM)."""
        if self.authority_code is None or self.category_code is None:
            return None
        return USCC_CATEGORIES.get(self.authority_code + self.category_code)


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a 统一社会信用代码.

    Raises ValueError when ``first17`` is not 17 characters from the GB 32100 charset.
    """
    if len(first17) != USCC_LENGTH - 1:
        raise ValueError(f"计算校验码需要前17位,实际为{len(first17)}位")
    total = 0
    for position, (char, weight) in enumerate(zip(first17, USCC_WEIGHTS, strict=True), start=1):
        value = USCC_CHARSET.find(char)
        if value < 0:
            raise ValueError(f"第{position}位字符“{char}”不在统一社会信用代码的字符集内")
        total += value * weight
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str | None:
    """GB 11714 check character for the first 8 characters of a 组织机构代码 (digest §8.1, MEDIUM).

    Returns None when a character is outside 0-9A-Z.
    """
    total = 0
    for char, weight in zip(first8, ORG_CODE_WEIGHTS, strict=True):
        value = ORG_CODE_CHARSET.find(char)
        if value < 0:
            return None
        total += value * weight
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def _charset_error(position: int, char: str) -> str:
    return f"第{position}位字符“{char}”不在允许的字符集内(不含I、O、S、V、Z)"


def validate_uscc(code: str) -> UsccResult:
    """Check a 统一社会信用代码 by format and check character (GB 32100-2015, digest §8.1).

    The input is normalised (full-width → half-width, surrounding blanks removed, upper case)
    before checking; ``normalized`` holds that form, which is the one to store.
    Unknown first-character (登记管理部门) codes and a failed GB 11714 inner check on positions
    9–17 are warnings, never errors, as the digest requires.
    """
    normalized = _normalize(code)
    errors: list[str] = []
    warnings: list[str] = []

    if not normalized:
        errors.append("统一社会信用代码不能为空")
        return UsccResult(False, normalized, errors, warnings, None)

    if len(normalized) != USCC_LENGTH:
        errors.append(f"统一社会信用代码应为{USCC_LENGTH}位,实际为{len(normalized)}位")
    for position, char in enumerate(normalized, start=1):
        if char not in USCC_CHARSET:
            errors.append(_charset_error(position, char))

    if len(normalized) != USCC_LENGTH:
        return UsccResult(False, normalized, errors, warnings, None)

    first17 = normalized[:17]
    expected: str | None = None
    if all(char in USCC_CHARSET for char in first17):
        expected = uscc_check_char(first17)
        actual = normalized[17]
        if actual != expected:
            errors.append(f"校验码错误:第18位应为“{expected}”,实际为“{actual}”")

    authority = normalized[0]
    category = normalized[1]
    region = normalized[2:8]
    org_code = normalized[8:17]

    if authority not in USCC_AUTHORITIES and authority not in USCC_LATER_AUTHORITIES:
        warnings.append(f"第1位登记管理部门代码“{authority}”不在已知代码表中,请核对")
    if not region.isdigit():
        warnings.append(f"第3–8位登记管理机关行政区划码“{region}”应为6位数字,请核对")
    org_expected = org_code_check_char(org_code[:8])
    if org_expected is not None and org_expected != org_code[8]:
        warnings.append(
            f"第9–17位主体标识码“{org_code}”不符合GB 11714组织机构代码校验"
            f"(第17位按该规则应为“{org_expected}”);部分主体的标识码不遵循此规则,仅作提示"
        )

    return UsccResult(
        valid=not errors,
        normalized=normalized,
        errors=errors,
        warnings=warnings,
        expected_check=expected,
        authority_code=authority,
        category_code=category,
        region_code=region,
        org_code=org_code,
    )


# --- 公民身份号码 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdCardResult:
    """Outcome of :func:`validate_id_card`. Decoded parts are None when they cannot be read.

    ``sex`` is "M" (odd sequence number) or "F" (even); ``sex_label`` gives 男 / 女.
    """

    valid: bool
    normalized: str
    errors: list[str]
    warnings: list[str]
    expected_check: str | None
    address_code: str | None = None
    birth_date: date | None = None
    sequence: str | None = None
    sex: str | None = None

    @property
    def sex_label(self) -> str | None:
        return {"M": "男", "F": "女"}.get(self.sex or "")


def id_card_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of a 公民身份号码 (digest §8.2).

    Raises ValueError when ``first17`` is not 17 ASCII digits.
    """
    if len(first17) != ID_CARD_LENGTH - 1 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("计算校验码需要17位数字")
    total = sum(int(char) * weight for char, weight in zip(first17, ID_CARD_WEIGHTS, strict=True))
    return ID_CARD_CHECK_CHARS[total % 11]


def validate_id_card(number: str, today: date | None = None) -> IdCardResult:
    """Check an 18-digit 公民身份号码 (GB 11643-1999, digest §8.2).

    Checks: length, digits (the last may be X; a lower-case x is accepted and normalised), the
    birth date is a real calendar date not after ``today`` (default: the current local date), and
    the check character. The 6-digit address code is deliberately NOT checked against GB/T 2260:
    it is the code in force when the number was issued, so abolished codes are still valid.
    """
    normalized = _normalize(number)
    errors: list[str] = []
    warnings: list[str] = []
    today = today or date.today()

    if not normalized:
        errors.append("公民身份号码不能为空")
        return IdCardResult(False, normalized, errors, warnings, None)

    if len(normalized) != ID_CARD_LENGTH:
        message = f"公民身份号码应为{ID_CARD_LENGTH}位,实际为{len(normalized)}位"
        if len(normalized) == 15 and normalized.isascii() and normalized.isdigit():
            message += "(15位旧号码请换用18位号码)"
        errors.append(message)
        return IdCardResult(False, normalized, errors, warnings, None)

    digits_ok = True
    for position, char in enumerate(normalized[:17], start=1):
        if not (char.isascii() and char.isdigit()):
            errors.append(f"第{position}位字符“{char}”应为数字")
            digits_ok = False
    last = normalized[17]
    if not ((last.isascii() and last.isdigit()) or last == "X"):
        errors.append(f"第18位字符“{last}”应为数字或X")

    address_code = normalized[:6]
    raw_birth = normalized[6:14]
    sequence = normalized[14:17]

    birth_date: date | None = None
    if raw_birth.isascii() and raw_birth.isdigit():
        try:
            birth_date = date(int(raw_birth[:4]), int(raw_birth[4:6]), int(raw_birth[6:8]))
        except ValueError:
            errors.append(f"第7–14位出生日期“{raw_birth}”不是有效的日期")
        else:
            if birth_date > today:
                errors.append(
                    f"第7–14位出生日期{birth_date:%Y年%m月%d日}晚于今天({today:%Y年%m月%d日})"
                )
            elif birth_date.year < EARLIEST_PLAUSIBLE_BIRTH_YEAR:
                warnings.append(
                    f"第7–14位出生日期{birth_date:%Y年%m月%d日}早于"
                    f"{EARLIEST_PLAUSIBLE_BIRTH_YEAR}年,请核对"
                )

    sex: str | None = None
    if sequence.isascii() and sequence.isdigit():
        sex = "M" if int(sequence) % 2 == 1 else "F"

    expected: str | None = None
    if digits_ok:
        expected = id_card_check_char(normalized[:17])
        if last != expected:
            errors.append(f"校验码错误:第18位应为“{expected}”,实际为“{last}”")

    return IdCardResult(
        valid=not errors,
        normalized=normalized,
        errors=errors,
        warnings=warnings,
        expected_check=expected,
        address_code=address_code if address_code.isascii() and address_code.isdigit() else None,
        birth_date=birth_date,
        sequence=sequence if sex else None,
        sex=sex,
    )
