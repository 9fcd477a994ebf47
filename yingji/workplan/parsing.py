"""Parse a 工作要点 (annual work-points) document into a plain, JSON-serialisable tree.

Pure Python: no Django import. The Django app (import review, storage, supervision) builds on
``parse_workplan``; the output format is documented field by field in ``docs/workplan-json.md``.

The document shape (see the 2022 seed, ``seeds/2022-lanzhou-emergency-work-points.txt``)::

    <addressees>:                      各县区应急局,高新区安监局,…:
    <covering letter, with the reporting deadlines>
    <issuer>                           兰州市应急管理局
    <date>                             2022年4月18日
    <title>                            2022年全市应急管理工作要点
    <preamble>
    一、<part>
    (一)<section>
    1.<task text>(<responsibility clause>)
    (二十九)<section whose body is one unnumbered task>
    <task text>(<responsibility clause>)

Contract: ``parse_workplan`` returns a dict or raises ``WorkplanParseError`` (a ``ValueError``
with a Chinese ``message`` and a ``details`` dict); it never raises anything else.
"""

from __future__ import annotations

import calendar
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

__all__ = [
    "OrgDirectory",
    "WorkplanParseError",
    "chinese_numeral_to_int",
    "diff_plans",
    "extract_docx_text",
    "parse_workplan",
]


class WorkplanParseError(ValueError):
    """The input is not a readable work-points document. ``message`` is fit to show a user."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})


# --- Organisation directory ---------------------------------------------------------------------


@dataclass
class OrgDirectory:
    """The names a responsibility clause may use, and what they resolve to."""

    names: set[str] = field(default_factory=set)
    aliases: dict[str, tuple[str, bool]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_seed_file(cls, path: str | Path) -> OrgDirectory:
        """Build the directory from ``yingji/orgs/data/lanzhou-organisations.json``."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls.from_seed_data(data)

    @classmethod
    def from_seed_data(cls, data: dict[str, Any]) -> OrgDirectory:
        """Build the directory from the already-loaded seed JSON (organisations and groups)."""
        directory = cls()
        name_by_code: dict[str, str] = {}
        for org in data.get("organisations", []):
            directory.names.add(org["name"])
            name_by_code[org["code"]] = org["name"]
            for alias in org.get("aliases", []):
                directory.aliases[alias["name"]] = (org["name"], bool(alias.get("confirmed")))
        for group in data.get("groups", []):
            directory.groups[group["name"]] = [name_by_code[code] for code in group["members"]]
        return directory

    def all_names(self) -> set[str]:
        """Every string that resolves: canonical names, aliases and group names."""
        return set(self.names) | set(self.aliases) | set(self.groups)


# --- Text conventions ---------------------------------------------------------------------------

OPEN_PARENS = "(（"
CLOSE_PARENS = ")）"
# Between the names of a list: 市消防救援支队、森林消防大队 / 各县区应急局,高新区安监局
NAME_SEPARATORS = "、,，;；/／"
# Between the segments of a responsibility clause: X牵头,Y配合
CLAUSE_SEPARATORS_RE = re.compile(r"[,，;；]")
# Sentence punctuation: a line holding any of these is prose, not a title or issuer line.
SENTENCE_PUNCTUATION = "。,，;；:：!！?？"
# Characters invisible in Word/web copies that would otherwise break the heading patterns.
INVISIBLE_CHARS_RE = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060]")
WHITESPACE_RE = re.compile(r"\s+")

CN_NUMERAL_CHARS = "一二两三四五六七八九十百零〇"

# A Chinese numeral up to 999 in its written form: 一, 十, 十二, 二十九, 一百零五.
CN_NUMERAL_RE = re.compile(
    r"^(?:(?P<hundreds>[一二两三四五六七八九])百)?"
    r"(?:(?P<zero>[零〇])|(?P<tens>[一二两三四五六七八九])?(?P<ten>十))?"
    r"(?P<units>[一二三四五六七八九])?$"
)
CN_DIGIT_VALUES = {**{d: v for v, d in enumerate("一二三四五六七八九", start=1)}, "两": 2}

# Part heading: 一、深化应急管理改革 (the numeral, then 、 or a comma / full stop of either width).
PART_HEADING_RE = re.compile(
    rf"^(?P<numeral>[{CN_NUMERAL_CHARS}]+)\s*(?P<sep>[、,，.．])\s*(?P<title>.*)$"
)
# Section heading: (一)推进… or （二十九）加强… (parentheses of either width).
SECTION_HEADING_RE = re.compile(
    rf"^[(（]\s*(?P<numeral>[{CN_NUMERAL_CHARS}]+)\s*[)）]\s*(?P<title>.*)$"
)
# Numbered task: 1.完成… / 1、… / 1．…; a digit right after the dot (1.5万) is not a heading.
TASK_START_RE = re.compile(r"^(?P<number>\d{1,3})\s*[.．、](?!\d)\s*(?P<body>.*)$")

# Header lines.
DATE_LINE_RE = re.compile(
    r"^(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日$"
)
YEAR_RE = re.compile(r"(?<!\d)(?P<year>\d{4})\s*年")
TITLE_KEYWORDS = ("要点", "计划", "方案", "安排")
MAX_TITLE_LENGTH = 60
MAX_ISSUER_LENGTH = 40
MAX_ADDRESSEE_LINE_LENGTH = 300
MIN_YEAR, MAX_YEAR = 1900, 2100
# Numbering gaps beyond this many per kind (parts, sections, tasks) are summarised in one warning.
MAX_SEQUENCE_WARNINGS = 10

# Reporting sentence: 于2022年6月中旬和12月中旬前分别将半年度和年度工作落实情况报送市应急局
REPORTING_VERB_RE = re.compile(r"报送|上报|报告")
REPORTING_DATE_RE = re.compile(
    r"(?<!\d)(?:(?P<year>\d{4})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*"
    r"(?:(?P<day>\d{1,2})\s*日|(?P<part>上旬|中旬|下旬|初|底|末|份))?"
)
# 将<names>(工作)(落实)情况: the reports' names, e.g. 半年度和年度.
REPORTING_NAMES_RE = re.compile(
    r"将(?P<names>[^,，。;；]{1,40}?)(?:工作)?(?:落实|进展|完成|推进)?情况"
)
REPORTING_NAME_SEPARATORS_RE = re.compile(r"和|及|与|、")
MAX_REPORTING_SENTENCE = 500

# Task deadlines. Month hints: (6月份), 7月份, 6月底前, 6月中旬, 2022年6月30日前, 10-12月 (window).
MONTH_HINT_RE = re.compile(
    r"(?P<open>[(（])?"
    r"(?<![\d.·．])(?:(?P<year>\d{4})\s*年\s*)?"
    r"(?P<start>\d{1,2})\s*(?:[-－—–~～至到]\s*(?P<end>\d{1,2})\s*)?月"
    r"(?:\s*(?P<day>\d{1,2})\s*日|(?P<part>份|上旬|中旬|下旬|初|底|末))?"
    r"(?P<before>之?前)?"
    r"(?P<close>[)）])?"
)
# Year-end hints: 年底前, 年末, 2022年底前.
YEAR_END_HINT_RE = re.compile(r"(?:(?P<year>\d{4})\s*)?年(?:底|末)(?:之?前)?")
# What each part of a month means, as (day or None for the month's last day, explanation).
MONTH_PARTS = {
    None: (None, ""),
    "份": (None, ""),
    "底": (None, ""),
    "末": (None, ""),
    "上旬": (10, "上旬指1–10日,"),
    "中旬": (20, "中旬指11–20日,"),
    "下旬": (None, "下旬指21日至月末,"),
    "初": (10, "月初按上旬(1–10日)计,"),
}

# Quantified targets: 80%以上, 5户煤矿, 53条洪道, 不少于30万元. The unit list is closed on purpose:
# years (年), months (月), days (日) and 7·20 are never targets.
INDICATOR_RE = re.compile(
    r"(?P<before>不少于|不低于|不超过|不高于|不多于|至少|超过|高于|多于|低于|少于|达到)?"
    r"(?<![\d.·．])(?P<number>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>[%％]|万人次|万元|亿元|元|人次|户|条|个|家|座|处|所|支|次|台|套|项|场|公里|千米|"
    r"平方米|米|亩|吨|辆|名|人|部|本|张|件|期|批|万)"
    r"(?P<after>及以上|以上|及以下|以下|以内)?"
    r"(?![月年日天时号])"
)
COMPARISON_WORDS = {
    "不少于": ">=",
    "不低于": ">=",
    "至少": ">=",
    "达到": ">=",
    "及以上": ">=",
    "以上": ">=",
    "超过": ">",
    "高于": ">",
    "多于": ">",
    "不超过": "<=",
    "不高于": "<=",
    "不多于": "<=",
    "及以下": "<=",
    "以下": "<=",
    "以内": "<=",
    "低于": "<",
    "少于": "<",
}
# Document names 《…》 are masked before looking for targets: 《…(2019年版)》 is not a target.
DOCUMENT_NAME_RE = re.compile(r"《[^《》]*》")
# An indicator's text is the clause around it, between these marks.
FRAGMENT_BOUNDARIES = "。,，;；!！?？\n"

# Responsibility keywords, longest first so that 按职责分工负责 is not read as 负责.
SHARED_KEYWORDS = ("按职责分工负责", "分工负责", "共同负责")
LEAD_KEYWORDS = ("牵头负责", "牵头", "负责")
COOPERATE_KEYWORDS = ("配合", "协助", "参与")
ROLE_KEYWORDS = sorted(SHARED_KEYWORDS + LEAD_KEYWORDS + COOPERATE_KEYWORDS, key=len, reverse=True)


# --- Small helpers ------------------------------------------------------------------------------


def chinese_numeral_to_int(numeral: str) -> int | None:
    """一 → 1, 十 → 10, 二十九 → 29, 一百零五 → 105; None if not a well-formed numeral ≥ 1."""
    match = CN_NUMERAL_RE.match(numeral)
    if not numeral or match is None:
        return None
    value = CN_DIGIT_VALUES.get(match["hundreds"] or "", 0) * 100
    if match["ten"]:
        value += CN_DIGIT_VALUES.get(match["tens"] or "", 1) * 10
    value += CN_DIGIT_VALUES.get(match["units"] or "", 0)
    return value or None


def _warning(
    code: str, message: str, *, name: str | None = None, level: str = "warning", **extra: Any
) -> dict[str, Any]:
    """A warning object: {"code", "level", "message", "name"?, …extra}."""
    item: dict[str, Any] = {"code": code, "level": level, "message": message}
    if name is not None:
        item["name"] = name
    item.update(extra)
    return item


def _add_warning(warnings: list[dict[str, Any]], item: dict[str, Any]) -> None:
    """Append unless the same code was already given for the same name."""
    key = (item["code"], item.get("name"), item["message"])
    if all((w["code"], w.get("name"), w["message"]) != key for w in warnings):
        warnings.append(item)


def _dedupe(names: list[str], exclude: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Keep the first occurrence of each name, in order, leaving out ``exclude``."""
    result: list[str] = []
    for name in names:
        if name not in result and name not in exclude:
            result.append(name)
    return result


def _valid_year(year: int | None) -> bool:
    return year is not None and MIN_YEAR <= year <= MAX_YEAR


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _format_day(day: date, plan_year: int | None) -> str:
    """6月30日 in the plan year, 2023年6月30日 otherwise."""
    prefix = "" if day.year == plan_year else f"{day.year}年"
    return f"{prefix}{day.month}月{day.day}日"


def _clean_name(name: str) -> str:
    return WHITESPACE_RE.sub("", name).strip("“”\"'《》:：")


def _is_prose(line: str) -> bool:
    return any(mark in line for mark in SENTENCE_PUNCTUATION)


def _fragment_around(text: str, start: int, end: int) -> str:
    """The clause of ``text`` that holds text[start:end], between punctuation marks."""
    left = max(text.rfind(mark, 0, start) for mark in FRAGMENT_BOUNDARIES) + 1
    right_positions = [p for p in (text.find(mark, end) for mark in FRAGMENT_BOUNDARIES) if p >= 0]
    right = min(right_positions, default=len(text))
    return text[left:right].strip()


def split_names(text: str, compound_names: list[str]) -> list[str]:
    """Split a list of names on 、 , ; / — but keep a known name that contains 、 in one piece
    (局机关各科室、各单位). ``compound_names`` must be sorted longest first."""
    names: list[str] = []
    position = 0
    while position < len(text):
        if text[position] in NAME_SEPARATORS or text[position].isspace():
            position += 1
            continue
        end = _compound_end(text, position, compound_names)
        if end is None:
            end = position
            while end < len(text) and text[end] not in NAME_SEPARATORS:
                end += 1
        name = _clean_name(text[position:end])
        if name:
            names.append(name)
        position = end
    return names


def _compound_end(text: str, position: int, compound_names: list[str]) -> int | None:
    for compound in compound_names:
        end = position + len(compound)
        if text.startswith(compound, position) and (
            end == len(text) or text[end] in NAME_SEPARATORS
        ):
            return end
    return None


# --- Raw structure (lines grouped under headings) -----------------------------------------------


@dataclass
class _RawTask:
    number: int | None
    lines: list[str]


@dataclass
class _RawSection:
    number: int | None
    label: str
    title: str
    body_lines: list[str] = field(default_factory=list)  # text before the first numbered task
    tasks: list[_RawTask] = field(default_factory=list)


@dataclass
class _RawPart:
    number: int
    label: str
    title: str
    sections: list[_RawSection] = field(default_factory=list)


def _part_heading(line: str) -> re.Match[str] | None:
    match = PART_HEADING_RE.match(line)
    return match if match and chinese_numeral_to_int(match["numeral"]) else None


def _section_heading(line: str) -> re.Match[str] | None:
    match = SECTION_HEADING_RE.match(line)
    return match if match and chinese_numeral_to_int(match["numeral"]) else None


# --- Name resolution ----------------------------------------------------------------------------


class _Resolver:
    """Resolves names to canonical organisation names, collecting warnings for the reviewer."""

    def __init__(self, directory: OrgDirectory, mapping: dict[str, list[str]]) -> None:
        self.directory = directory
        self.mapping = mapping
        known = directory.all_names() | set(mapping)
        compound = [name for name in known if any(sep in name for sep in NAME_SEPARATORS)]
        self.compound_names = sorted(compound, key=len, reverse=True)

    def split(self, text: str) -> list[str]:
        return split_names(text, self.compound_names)

    def resolve(self, name: str, warnings: list[dict[str, Any]]) -> list[str]:
        """Canonical names for ``name`` (several for a group); [] and a warning if unknown."""
        if name in self.mapping:
            return self._resolve_mapped(name, warnings)
        directory = self.directory
        if name in directory.names:
            return [name]
        if name in directory.groups:
            return list(directory.groups[name])
        if name in directory.aliases:
            canonical, confirmed = directory.aliases[name]
            if not confirmed:
                message = f"“{name}”是“{canonical}”的未确认别名,已暂按“{canonical}”处理,请审核确认"
                _add_warning(
                    warnings,
                    _warning("alias_unconfirmed", message, name=name, resolved=[canonical]),
                )
            return [canonical]
        message = f"未能识别单位“{name}”,未列入牵头或配合单位,请审核时指定对应的单位"
        _add_warning(warnings, _warning("unknown_org", message, name=name))
        return []

    def _resolve_mapped(self, name: str, warnings: list[dict[str, Any]]) -> list[str]:
        resolved: list[str] = []
        for target in self.mapping[name]:
            if target in self.directory.names:
                resolved.append(target)
            elif target in self.directory.aliases:
                resolved.append(self.directory.aliases[target][0])
            elif target in self.directory.groups:
                resolved.extend(self.directory.groups[target])
            else:
                message = f"审核对应关系中“{name}”→“{target}”不是已登记的单位,已忽略"
                _add_warning(
                    warnings, _warning("mapping_invalid", message, name=name, target=target)
                )
        resolved = _dedupe(resolved)
        shown = "、".join(resolved) or "(无)"
        message = f"“{name}”已按审核人指定的对应关系解析为:{shown}"
        _add_warning(
            warnings, _warning("mapped", message, name=name, level="info", resolved=resolved)
        )
        return resolved


def _normalise_mapping(mapping: Any) -> dict[str, list[str]]:
    """Validate the reviewer's mapping: name → list of canonical names (a single str is allowed)."""
    if mapping is None:
        return {}
    if not isinstance(mapping, dict):
        raise WorkplanParseError(
            "审核对应关系格式不正确:应为“名称 → 单位名称列表”的字典", {"code": "invalid_mapping"}
        )
    result: dict[str, list[str]] = {}
    for key, value in mapping.items():
        targets = [value] if isinstance(value, str) else value
        if not isinstance(key, str) or not isinstance(targets, list | tuple):
            raise WorkplanParseError(
                f"审核对应关系格式不正确:“{key}”的值应为单位名称列表", {"code": "invalid_mapping"}
            )
        if not all(isinstance(target, str) for target in targets):
            raise WorkplanParseError(
                f"审核对应关系格式不正确:“{key}”的单位名称应为文字", {"code": "invalid_mapping"}
            )
        result[_clean_name(key)] = [_clean_name(target) for target in targets]
    return result


# --- Responsibility clause ----------------------------------------------------------------------


def split_final_clause(body: str) -> tuple[str, str | None]:
    """Split ``body`` into (text, clause content) if it ends with a parenthesised clause.

    Only the FINAL balanced parenthesis group counts; inner ones ((6月份), 乡镇(街道)) stay text.
    Returns (body, None) when the body does not end with ")" / "）" or the group is unbalanced.
    """
    stripped = body.rstrip(" \t\n。.;；")
    if not stripped or stripped[-1] not in CLOSE_PARENS:
        return body, None
    depth = 0
    for index in range(len(stripped) - 1, -1, -1):
        char = stripped[index]
        if char in CLOSE_PARENS:
            depth += 1
        elif char in OPEN_PARENS:
            depth -= 1
            if depth == 0:
                return stripped[:index].rstrip(), stripped[index + 1 : -1].strip()
    return body, None


def _strip_role_keywords(segment: str) -> tuple[str, list[str]]:
    """'A、B牵头牵头' → ('A、B', ['牵头', '牵头']): the names and the trailing role keywords."""
    rest = segment.strip()
    keywords: list[str] = []
    while True:
        keyword = next((kw for kw in ROLE_KEYWORDS if rest.endswith(kw)), None)
        if keyword is None or len(keywords) >= 10:
            break
        keywords.insert(0, keyword)
        rest = rest[: -len(keyword)].rstrip()
    if rest.startswith("由"):
        rest = rest[1:]
    return rest, keywords


def _role_of(keywords: list[str]) -> str | None:
    if any(kw in SHARED_KEYWORDS for kw in keywords):
        return "shared"
    if any(kw in LEAD_KEYWORDS for kw in keywords):
        return "lead"
    if any(kw in COOPERATE_KEYWORDS for kw in keywords):
        return "cooperate"
    return None


def is_responsibility_clause(content: str) -> bool:
    """A parenthesised group is the responsibility clause if a segment ends with a role keyword."""
    segments = CLAUSE_SEPARATORS_RE.split(content)
    return any(_strip_role_keywords(segment)[1] for segment in segments)


@dataclass
class _Responsibility:
    lead: list[str]
    cooperate: list[str]
    shared_duty: bool
    warnings: list[dict[str, Any]]


def parse_responsibility(clause: str, resolver: _Resolver) -> _Responsibility:
    """Read 'X、Y牵头,Z配合' and its variants into resolved lead and cooperating units."""
    warnings: list[dict[str, Any]] = []
    lead_names: list[str] = []
    cooperate_names: list[str] = []
    shared = False
    for segment in CLAUSE_SEPARATORS_RE.split(clause):
        if not segment.strip():
            continue
        names_text, keywords = _strip_role_keywords(segment)
        _check_duplicate_keywords(keywords, segment, warnings)
        names = resolver.split(names_text)
        role = _role_of(keywords)
        if role is None or not names:
            message = f"责任分工中“{segment.strip()}”未写明牵头、负责或配合,未列入任何单位,请审核"
            _add_warning(warnings, _warning("role_unclear", message, name=segment.strip()))
        elif role == "shared" and not lead_names:
            lead_names += names  # X、Y按职责分工负责: each leads its own share
            shared = True
        elif role == "shared" or role == "cooperate":
            cooperate_names += names  # X牵头,各科室单位按职责分工负责: the group cooperates
        else:
            lead_names += names
    lead = _dedupe([org for name in lead_names for org in resolver.resolve(name, warnings)])
    cooperate_orgs = [org for name in cooperate_names for org in resolver.resolve(name, warnings)]
    cooperate = _dedupe(cooperate_orgs, exclude=lead)
    if not lead:
        message = "责任分工中没有可识别的牵头或负责单位,请审核"
        _add_warning(warnings, _warning("no_lead", message))
    return _Responsibility(lead, cooperate, shared, warnings)


def _check_duplicate_keywords(keywords: list[str], segment: str, warnings: list) -> None:
    for keyword in dict.fromkeys(keywords):
        if keywords.count(keyword) > 1:
            message = (
                f"责任分工中“{segment.strip()}”重复写了“{keyword}”,已按“{keyword}”一次处理,"
                "请核对原文"
            )
            _add_warning(warnings, _warning("typo_duplicate_keyword", message, name=keyword))


# --- Dates --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _DueHint:
    literal: str
    due: date
    start: date | None
    interpretation: str


def _month_hint(match: re.Match[str], plan_year: int | None) -> _DueHint | None:
    """A month expression (6月份, 10-12月, 6月中旬前, 6月30日前) as a deadline, or None."""
    year = int(match["year"]) if match["year"] else plan_year
    if not _valid_year(year):
        return None
    literal = _hint_literal(match)
    start_month = int(match["start"])
    end_month = int(match["end"]) if match["end"] else None
    try:
        if end_month is not None:
            if end_month < start_month:
                return None
            start, due = date(year, start_month, 1), _month_end(year, end_month)
            spoken = f"取{_format_day(start, plan_year)}至{_format_day(due, plan_year)}"
            return _DueHint(literal, due, start, f"文中“{literal}”,{spoken}")
        if match["day"]:
            due = date(year, start_month, int(match["day"]))
            return _DueHint(literal, due, None, f"文中“{literal}”,取{_format_day(due, plan_year)}")
        day, explanation = MONTH_PARTS[match["part"]]
        due = date(year, start_month, day) if day else _month_end(year, start_month)
    except ValueError:  # month 13, 2月30日 …: not a date
        return None
    return _DueHint(
        literal, due, None, f"文中“{literal}”,{explanation}取{_format_day(due, plan_year)}"
    )


def _hint_literal(match: re.Match[str]) -> str:
    """The hint as written; its parentheses only when both are there: (6月份)."""
    literal = match.group(0)
    if not (match["open"] and match["close"]):
        literal = literal.lstrip(OPEN_PARENS).rstrip(CLOSE_PARENS)
    return literal


def _year_end_hint(match: re.Match[str], plan_year: int | None) -> _DueHint | None:
    year = int(match["year"]) if match["year"] else plan_year
    if not _valid_year(year):
        return None
    due = date(year, 12, 31)
    literal = match.group(0)
    return _DueHint(literal, due, None, f"文中“{literal}”,取{_format_day(due, plan_year)}")


def find_due(text: str, plan_year: int | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The task's deadline: {"due", "due_start", "due_interpretation"} and any warnings."""
    masked = DOCUMENT_NAME_RE.sub(lambda m: "□" * len(m.group(0)), text)
    hints = [_month_hint(m, plan_year) for m in MONTH_HINT_RE.finditer(masked)]
    hints += [_year_end_hint(m, plan_year) for m in YEAR_END_HINT_RE.finditer(masked)]
    distinct = list({(h.start, h.due): h for h in hints if h is not None}.values())
    warnings: list[dict[str, Any]] = []
    if not distinct:
        return _default_due(plan_year), warnings
    chosen = max(distinct, key=lambda hint: hint.due)
    interpretation = chosen.interpretation
    if len(distinct) > 1:
        literals = "".join(f"“{hint.literal}”" for hint in distinct)
        message = f"文中出现多个时间{literals},暂取最晚的“{chosen.literal}”,请核对完成时限"
        _add_warning(warnings, _warning("due_ambiguous", message))
        interpretation += "(文中另有其他时间,见提示)"
    due = {
        "due": chosen.due.isoformat(),
        "due_start": chosen.start.isoformat() if chosen.start else None,
        "due_interpretation": interpretation,
    }
    return due, warnings


def _default_due(plan_year: int | None) -> dict[str, Any]:
    if plan_year is None:
        return {
            "due": None,
            "due_start": None,
            "due_interpretation": "未识别到计划年度,无法推算时限",
        }
    due = date(plan_year, 12, 31)
    return {
        "due": due.isoformat(),
        "due_start": None,
        "due_interpretation": f"未注明时限,取计划年度年底({plan_year}年12月31日)",
    }


# --- Indicators ---------------------------------------------------------------------------------


def find_indicators(text: str) -> list[dict[str, Any]]:
    """Quantified targets: 80%以上 → {target 80, unit %, comparison >=}, 5户煤矿 → 5 户 =, …"""
    masked = DOCUMENT_NAME_RE.sub(lambda m: "□" * len(m.group(0)), text)
    indicators = []
    for match in INDICATOR_RE.finditer(masked):
        number = float(match["number"])
        target: int | float = int(number) if number.is_integer() else number
        unit = "%" if match["unit"] in "%％" else match["unit"]
        comparison = COMPARISON_WORDS.get(match["before"] or match["after"] or "", "=")
        indicators.append(
            {
                "text": _fragment_around(text, match.start(), match.end()),
                "match": text[match.start() : match.end()],
                "target": target,
                "unit": unit,
                "comparison": comparison,
            }
        )
    return indicators


# --- Header -------------------------------------------------------------------------------------


@dataclass
class _Header:
    title: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    year: int | None = None
    addressees: list[str] = field(default_factory=list)
    reporting: list[dict[str, Any]] = field(default_factory=list)


def _find_title(lines: list[str]) -> str | None:
    candidates = [line for line in lines if len(line) <= MAX_TITLE_LENGTH and not _is_prose(line)]
    for keyword in TITLE_KEYWORDS:
        for line in candidates:
            if keyword in line:
                return line
    return None


def _find_issue_date(lines: list[str]) -> tuple[int | None, date | None]:
    """(index of the date line, the date) — the first line that is only a date."""
    for index, line in enumerate(lines):
        match = DATE_LINE_RE.match(line)
        if match:
            try:
                return index, date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                continue
    return None, None


def _find_issuer(lines: list[str], date_index: int | None, title: str | None) -> str | None:
    if not date_index:
        return None
    line = lines[date_index - 1]
    if line != title and len(line) <= MAX_ISSUER_LENGTH and not _is_prose(line):
        return line
    return None


def _find_addressee_line(lines: list[str]) -> str | None:
    for line in lines:
        if (
            line.endswith((":", "："))
            and "。" not in line
            and len(line) <= MAX_ADDRESSEE_LINE_LENGTH
        ):
            return line.rstrip(":：")
    return None


def _plan_year(title: str | None, issued_on: date | None) -> int | None:
    match = YEAR_RE.search(title or "")
    if match and _valid_year(int(match["year"])):
        return int(match["year"])
    if issued_on and _valid_year(issued_on.year):
        return issued_on.year
    return None


def find_reporting(lines: list[str], plan_year: int | None, warnings: list) -> list[dict[str, Any]]:
    """Reporting deadlines of the covering letter, e.g. 6月中旬和12月中旬前…半年度和年度…报送."""
    reporting: list[dict[str, Any]] = []
    for sentence in re.split(r"[。!！?？\n]", "\n".join(lines)):
        if len(sentence) > MAX_REPORTING_SENTENCE or not REPORTING_VERB_RE.search(sentence):
            continue
        names_match = REPORTING_NAMES_RE.search(sentence)
        dates = list(REPORTING_DATE_RE.finditer(sentence))
        if not names_match or not dates:
            continue
        names = [n for n in REPORTING_NAME_SEPARATORS_RE.split(names_match["names"]) if n]
        if len(names) != len(dates):
            message = f"报送要求“{sentence.strip()}”中时间与报送内容数量不一致,未能逐项对应,请核对"
            _add_warning(warnings, _warning("reporting_ambiguous", message))
            continue
        year = plan_year
        for name, match in zip(names, dates, strict=True):
            year = int(match["year"]) if match["year"] else year
            entry = _reporting_entry(name, match, year, plan_year, sentence)
            if entry:
                reporting.append(entry)
    return reporting


def _reporting_entry(
    name: str, match: re.Match[str], year: int | None, plan_year: int | None, sentence: str
) -> dict[str, Any] | None:
    """One reporting deadline; 中旬 is the 11th–20th, so its deadline is the 20th."""
    if not _valid_year(year):
        return None
    month = int(match["month"])
    try:
        if match["day"]:
            due, explanation = date(year, month, int(match["day"])), ""
        else:
            day, explanation = MONTH_PARTS[match["part"]]
            due = date(year, month, day) if day else _month_end(year, month)
    except ValueError:
        return None
    literal = match.group(0).strip()
    rest = sentence[match.end() :]
    if rest.startswith("前"):
        literal += "前"
    elif "前" in rest:
        literal += "…前"  # 6月中旬和12月中旬前: the 前 applies to both
    return {
        "name": name,
        "due": due.isoformat(),
        "interpretation": (
            f"文中“{literal}”报送{name}工作落实情况;{explanation}取{_format_day(due, plan_year)}"
        ),
    }


# --- The parser ---------------------------------------------------------------------------------


class _WorkplanParser:
    def __init__(self, text: str, directory: OrgDirectory, mapping: dict[str, list[str]]) -> None:
        self.lines = self._lines(text)
        self.resolver = _Resolver(directory, mapping)
        self.warnings: list[dict[str, Any]] = []
        self.used_refs: set[str] = set()
        self.next_suffix: dict[str, int] = {}  # ref → next "-n" to try for a repeated ref

    @staticmethod
    def _lines(text: str) -> list[str]:
        text = INVISIBLE_CHARS_RE.sub("", text).replace("\u3000", " ").replace("\xa0", " ")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def parse(self) -> dict[str, Any]:
        body_start = next((i for i, line in enumerate(self.lines) if _part_heading(line)), None)
        self._require_structure(body_start)
        header = self._parse_header(self.lines[:body_start])
        raw_parts = self._group_lines(self.lines[body_start:])
        parts = [self._build_part(raw, header.year) for raw in raw_parts]
        self._check_numbering(raw_parts)
        return {
            "title": header.title,
            "issuer": header.issuer,
            "issued_on": header.issued_on.isoformat() if header.issued_on else None,
            "year": header.year,
            "addressees": header.addressees,
            "addressee_orgs": self._resolve_addressees(header.addressees),
            "reporting": header.reporting,
            "parts": parts,
            "warnings": self.warnings,
        }

    def _require_structure(self, body_start: int | None) -> None:
        part_count = sum(1 for line in self.lines if _part_heading(line))
        body = self.lines[body_start:] if body_start is not None else []
        task_count = sum(1 for line in body if TASK_START_RE.match(line))
        if part_count and task_count:
            return
        found_tasks = task_count or sum(1 for line in self.lines if TASK_START_RE.match(line))
        message = (
            "未识别到工作要点结构:应包含“一、”形式的部分标题和编号任务(如“1.”),"
            f"实际找到{part_count}个部分标题、{found_tasks}个编号任务(共{len(self.lines)}行文字)"
        )
        details = {
            "code": "not_a_workplan",
            "parts_found": part_count,
            "tasks_found": found_tasks,
            "lines": len(self.lines),
        }
        raise WorkplanParseError(message, details)

    # Header

    def _parse_header(self, lines: list[str]) -> _Header:
        header = _Header()
        header.title = _find_title(lines)
        date_index, header.issued_on = _find_issue_date(lines)
        header.issuer = _find_issuer(lines, date_index, header.title)
        header.year = _plan_year(header.title, header.issued_on)
        addressee_line = _find_addressee_line(lines)
        if addressee_line:
            header.addressees = self.resolver.split(addressee_line)
        header.reporting = find_reporting(lines, header.year, self.warnings)
        self._warn_missing_header(header)
        return header

    def _warn_missing_header(self, header: _Header) -> None:
        missing = [
            ("no_title", header.title, "未识别到文件标题(如“2022年全市应急管理工作要点”)"),
            ("no_issuer", header.issuer, "未识别到发文单位(应为日期上一行的单位名称)"),
            ("no_issued_on", header.issued_on, "未识别到发文日期(如“2022年4月18日”单独一行)"),
            ("no_year", header.year, "未识别到计划年度,无法推算任务完成时限"),
        ]
        for code, value, message in missing:
            if value is None:
                _add_warning(self.warnings, _warning(code, message))

    def _resolve_addressees(self, addressees: list[str]) -> list[dict[str, Any]]:
        return [
            {"name": name, "orgs": self.resolver.resolve(name, self.warnings)}
            for name in addressees
        ]

    # Structure

    def _group_lines(self, lines: list[str]) -> list[_RawPart]:
        parts: list[_RawPart] = []
        for line in lines:
            if match := _part_heading(line):
                number = chinese_numeral_to_int(match["numeral"])
                parts.append(_RawPart(number, match["numeral"] + match["sep"], match["title"]))
            elif match := _section_heading(line):
                label = line[: match.start("title")].strip()
                number = chinese_numeral_to_int(match["numeral"])
                parts[-1].sections.append(_RawSection(number, label, match["title"]))
            elif match := TASK_START_RE.match(line):
                section = self._section_for_task(parts[-1], match["number"])
                section.tasks.append(_RawTask(int(match["number"]), [match["body"]]))
            else:
                self._continue_text(parts[-1], line)
        return parts

    def _section_for_task(self, part: _RawPart, number: str) -> _RawSection:
        if not part.sections:
            message = f"部分“{part.label}{part.title}”中任务{number}前没有“(一)”形式的节标题,已归入无标题的节"
            _add_warning(self.warnings, _warning("task_outside_section", message))
            part.sections.append(_RawSection(None, "", ""))
        return part.sections[-1]

    def _continue_text(self, part: _RawPart, line: str) -> None:
        if not part.sections:
            message = f"部分“{part.label}{part.title}”标题后有不属于任何节或任务的文字,已忽略:“{line[:40]}”"
            _add_warning(self.warnings, _warning("stray_text", message))
            return
        section = part.sections[-1]
        if section.tasks:
            section.tasks[-1].lines.append(line)
        else:
            section.body_lines.append(line)

    def _build_part(self, raw: _RawPart, year: int | None) -> dict[str, Any]:
        if not raw.sections:
            message = f"部分“{raw.label}{raw.title}”下没有节和任务"
            _add_warning(self.warnings, _warning("empty_part", message))
        return {
            "number": raw.number,
            "label": raw.label,
            "title": raw.title,
            "sections": [self._build_section(raw, section, year) for section in raw.sections],
        }

    def _build_section(self, part: _RawPart, raw: _RawSection, year: int | None) -> dict[str, Any]:
        tasks = []
        if raw.tasks:
            if raw.body_lines:
                excerpt = "".join(raw.body_lines)[:40]
                message = f"节{raw.label}中编号任务前的文字未作为任务导入:“{excerpt}”"
                _add_warning(self.warnings, _warning("stray_text", message))
            for task in raw.tasks:
                tasks.append(self._build_task(task.number, f"T{task.number}", task.lines, year))
        elif raw.body_lines:
            ref = f"S{raw.number}" if raw.number is not None else f"S{part.number}-0"
            tasks.append(self._build_task(None, ref, raw.body_lines, year))
        else:
            message = f"节{raw.label}“{raw.title}”下没有任务内容"
            _add_warning(self.warnings, _warning("empty_section", message))
        return {"number": raw.number, "label": raw.label, "title": raw.title, "tasks": tasks}

    def _unique_ref(self, ref: str, warnings: list[dict[str, Any]]) -> str:
        if ref not in self.used_refs:
            self.used_refs.add(ref)
            return ref
        suffix = self.next_suffix.get(ref, 2)
        while f"{ref}-{suffix}" in self.used_refs:
            suffix += 1
        self.next_suffix[ref] = suffix + 1
        unique = f"{ref}-{suffix}"
        message = f"编号“{ref}”重复出现,本条暂记为“{unique}”,请核对编号"
        _add_warning(warnings, _warning("duplicate_ref", message, name=ref))
        self.used_refs.add(unique)
        return unique

    def _build_task(
        self, number: int | None, ref: str, lines: list[str], year: int | None
    ) -> dict[str, Any]:
        warnings: list[dict[str, Any]] = []
        ref = self._unique_ref(ref, warnings)
        body = "\n".join(lines).strip()
        text, clause = split_final_clause(body)
        if clause is not None and not is_responsibility_clause(clause):
            text, clause = body, None
        if clause is None:
            lead, cooperate, shared = [], [], False
            message = "未找到末尾括号中的责任分工(如“(某某科牵头,某某科配合)”),请补充牵头单位"
            _add_warning(warnings, _warning("no_responsibility", message))
        else:
            responsibility = parse_responsibility(clause, self.resolver)
            lead, cooperate = responsibility.lead, responsibility.cooperate
            shared = responsibility.shared_duty
            warnings += responsibility.warnings
        due, due_warnings = find_due(text, year)
        warnings += due_warnings
        return {
            "number": number,
            "ref": ref,
            "text": text,
            "responsibility": clause,
            "lead": lead,
            "cooperate": cooperate,
            "shared_duty": shared,
            **due,
            "indicators": find_indicators(text),
            "warnings": warnings,
        }

    def _check_numbering(self, parts: list[_RawPart]) -> None:
        """Warn when parts, sections or tasks skip or repeat a number (一, 二, 四 …)."""
        sequences = {
            "部分": [part.number for part in parts],
            "节": [s.number for part in parts for s in part.sections if s.number is not None],
            "任务": [t.number for p in parts for s in p.sections for t in s.tasks],
        }
        for kind, numbers in sequences.items():
            breaks = [
                (previous, current)
                for previous, current in zip([0, *numbers], numbers, strict=False)
                if current != previous + 1
            ]
            for previous, current in breaks[:MAX_SEQUENCE_WARNINGS]:
                if previous == 0:
                    message = f"{kind}编号未从1开始:第一个是{current},请核对是否有遗漏"
                else:
                    message = f"{kind}编号不连续:{previous}之后是{current},请核对是否有遗漏或重复"
                _add_warning(self.warnings, _warning("number_sequence", message))
            if len(breaks) > MAX_SEQUENCE_WARNINGS:
                message = f"{kind}编号另有{len(breaks) - MAX_SEQUENCE_WARNINGS}处不连续,未逐一列出"
                _add_warning(self.warnings, _warning("number_sequence", message))


# --- Public API ---------------------------------------------------------------------------------


def parse_workplan(
    text: str, directory: OrgDirectory, *, mapping: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """Parse a work-points document; see docs/workplan-json.md for the result's format.

    Raises WorkplanParseError (only) when the text is not a work-points document.
    """
    if not isinstance(text, str):
        raise WorkplanParseError("输入不是文本,无法解析工作要点", {"code": "not_text"})
    if not isinstance(directory, OrgDirectory):
        raise WorkplanParseError("未提供单位名录,无法解析责任单位", {"code": "no_directory"})
    normalised_mapping = _normalise_mapping(mapping)
    try:
        return _WorkplanParser(text, directory, normalised_mapping).parse()
    except WorkplanParseError:
        raise
    except Exception as exc:  # the contract: a parse error, never a crash
        raise WorkplanParseError(
            "解析工作要点时发生内部错误,请将该文件反馈给系统管理员",
            {"code": "internal_error", "reason": repr(exc)},
        ) from exc


def extract_docx_text(data: bytes) -> str:
    """The text of a .docx: its body paragraphs joined by newlines."""
    unreadable = "无法读取该 Word 文件:文件已损坏或不是 .docx 格式(旧版 .doc 请先另存为 .docx)"
    if not isinstance(data, bytes | bytearray | memoryview):
        raise WorkplanParseError(unreadable, {"code": "docx_unreadable", "reason": "not bytes"})
    try:
        import docx  # python-docx; imported here so that text-only use does not need lxml

        document = docx.Document(io.BytesIO(bytes(data)))
        return "\n".join(paragraph.text for paragraph in document.paragraphs)
    except Exception as exc:  # zip, XML and package errors all mean the same to the user
        raise WorkplanParseError(
            unreadable, {"code": "docx_unreadable", "reason": f"{type(exc).__name__}: {exc}"}
        ) from exc


# --- Diff of two parsed plans -------------------------------------------------------------------

DIFF_FIELDS = (
    "part",
    "section",
    "text",
    "responsibility",
    "lead",
    "cooperate",
    "shared_duty",
    "due",
    "due_start",
    "due_interpretation",
    "indicators",
)
# Two tasks with different refs are the same task, reworded, when their texts are this similar.
SIMILAR_TEXT_RATIO = 0.6


def _tasks_by_ref(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """ref → task, with the part and section numbers added; document order."""
    tasks: dict[str, dict[str, Any]] = {}
    for part in plan.get("parts", []):
        for section in part.get("sections", []):
            for task in section.get("tasks", []):
                placed = {**task, "part": part.get("number"), "section": section.get("number")}
                tasks[task.get("ref")] = placed
    return tasks


def _similarity(old: dict[str, Any], new: dict[str, Any]) -> float:
    matcher = difflib.SequenceMatcher(None, old.get("text") or "", new.get("text") or "")
    if (
        matcher.real_quick_ratio() < SIMILAR_TEXT_RATIO
        or matcher.quick_ratio() < SIMILAR_TEXT_RATIO
    ):
        return 0.0
    return matcher.ratio()


def _match_tasks(old: dict[str, dict], new: dict[str, dict]) -> list[tuple[str, str]]:
    """Pairs (old ref, new ref) of the same task: identical text first, then similar text."""
    pairs: list[tuple[str, str]] = []
    unmatched_new = dict(new)
    for old_ref, old_task in old.items():  # 1. identical text, preferring the same ref
        same = [r for r, t in unmatched_new.items() if t.get("text") == old_task.get("text")]
        if same:
            new_ref = old_ref if old_ref in same else same[0]
            pairs.append((old_ref, new_ref))
            del unmatched_new[new_ref]
    matched_old = {old_ref for old_ref, _ in pairs}
    candidates = [
        (_similarity(old[o], unmatched_new[n]) + (0.05 if o == n else 0.0), o, n)
        for o in old
        if o not in matched_old
        for n in unmatched_new
    ]
    for score, old_ref, new_ref in sorted(candidates, key=lambda c: -c[0]):  # 2. reworded
        if score < SIMILAR_TEXT_RATIO:
            break
        if old_ref not in matched_old and new_ref in unmatched_new:
            pairs.append((old_ref, new_ref))
            matched_old.add(old_ref)
            del unmatched_new[new_ref]
    return pairs


def diff_plans(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What importing ``new`` over ``old`` would do, task by task (see docs/workplan-json.md)."""
    old_tasks, new_tasks = _tasks_by_ref(old), _tasks_by_ref(new)
    pairs = _match_tasks(old_tasks, new_tasks)
    matched_old = {o for o, _ in pairs}
    matched_new = {n for _, n in pairs}
    changed, renumbered, unchanged = [], [], 0
    for old_ref, new_ref in sorted(pairs, key=lambda pair: list(new_tasks).index(pair[1])):
        before, after = old_tasks[old_ref], new_tasks[new_ref]
        fields = {
            f: [before.get(f), after.get(f)] for f in DIFF_FIELDS if before.get(f) != after.get(f)
        }
        if old_ref != new_ref:
            renumbered.append({"old_ref": old_ref, "ref": new_ref})
        if fields:
            changed.append({"ref": new_ref, "old_ref": old_ref, "fields": fields})
        else:
            unchanged += 1
    return {
        "added": [_diff_entry(new_tasks[r]) for r in new_tasks if r not in matched_new],
        "removed": [_diff_entry(old_tasks[r]) for r in old_tasks if r not in matched_old],
        "changed": changed,
        "renumbered": renumbered,
        "unchanged": unchanged,
    }


def _diff_entry(task: dict[str, Any]) -> dict[str, Any]:
    placed = {key: value for key, value in task.items() if key not in ("part", "section")}
    return {
        "ref": task.get("ref"),
        "part": task.get("part"),
        "section": task.get("section"),
        "task": placed,
    }
