"""Tests of the pure work-points parser (yingji.workplan.parsing) against the 2022 seed document."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yingji.workplan.parsing import (
    OrgDirectory,
    WorkplanParseError,
    chinese_numeral_to_int,
    diff_plans,
    extract_docx_text,
    parse_workplan,
    split_final_clause,
)

REPO = Path(__file__).resolve().parents[3]
# The project's copy of the user's document (see yingji/workplan/data/PROVENANCE.md).
SEED_PATH = REPO / "yingji" / "workplan" / "data" / "2022-lanzhou-emergency-work-points.txt"
ORGS_PATH = REPO / "yingji" / "orgs" / "data" / "lanzhou-organisations.json"

SEED = SEED_PATH.read_text(encoding="utf-8")
DIRECTORY = OrgDirectory.from_seed_file(ORGS_PATH)

SUPERVISION = [
    "危险化学品安全监督管理科",
    "矿山安全监督管理科",
    "工商贸行业安全管理科",
    "城市安全监督科",
]
ALL_SECTIONS_AND_UNITS = DIRECTORY.groups["各科室单位"]


def all_but(*excluded: str) -> list[str]:
    return [name for name in ALL_SECTIONS_AND_UNITS if name not in excluded]


def tasks_of(plan: dict) -> dict[str, dict]:
    return {t["ref"]: t for p in plan["parts"] for s in p["sections"] for t in s["tasks"]}


def codes(task: dict) -> list[str]:
    return [w["code"] for w in task["warnings"]]


@pytest.fixture(scope="module")
def plan() -> dict:
    return parse_workplan(SEED, DIRECTORY)


@pytest.fixture(scope="module")
def tasks(plan) -> dict[str, dict]:
    return tasks_of(plan)


# --- Structure and header -----------------------------------------------------------------------


def test_seed_structure(plan, tasks):
    assert len(plan["parts"]) == 6
    assert sum(len(p["sections"]) for p in plan["parts"]) == 29
    assert len(tasks) == 69
    assert [t["number"] for t in tasks.values() if t["number"] is not None] == list(range(1, 69))
    assert [p["number"] for p in plan["parts"]] == [1, 2, 3, 4, 5, 6]
    last_section = plan["parts"][-1]["sections"][-1]
    assert (last_section["number"], last_section["label"]) == (29, "(二十九)")
    assert last_section["title"] == "加强作风建设"
    assert [t["ref"] for t in last_section["tasks"]] == ["S29"]
    assert last_section["tasks"][0]["number"] is None
    assert plan["parts"][0]["label"] == "一、"
    assert plan["parts"][0]["title"] == "深化应急管理改革"
    assert plan["warnings"] == []


def test_seed_is_json_serialisable(plan):
    assert json.loads(json.dumps(plan, ensure_ascii=False)) == plan


def test_header(plan):
    assert plan["title"] == "2022年全市应急管理工作要点"
    assert plan["issuer"] == "兰州市应急管理局"
    assert plan["issued_on"] == "2022-04-18"
    assert plan["year"] == 2022
    assert plan["addressees"] == [
        "各县区应急局",
        "高新区安监局",
        "市消防救援支队",
        "市森林消防大队",
        "局机关各科室、各单位",
    ]
    resolved = {a["name"]: a["orgs"] for a in plan["addressee_orgs"]}
    assert resolved["高新区安监局"] == ["高新区安监局"]
    assert len(resolved["各县区应急局"]) == 9
    assert resolved["局机关各科室、各单位"] == ALL_SECTIONS_AND_UNITS


def test_reporting_deadlines(plan):
    half, annual = plan["reporting"]
    assert (half["name"], half["due"]) == ("半年度", "2022-06-20")
    assert (annual["name"], annual["due"]) == ("年度", "2022-12-20")
    assert "中旬指11–20日" in half["interpretation"] and "取6月20日" in half["interpretation"]
    assert "取12月20日" in annual["interpretation"]


# --- Responsibility -----------------------------------------------------------------------------

EXPECTED_UNITS = {
    "T3": (["市安全生产监察支队", "政策法规科"], SUPERVISION, False),
    "T4": (["市消防救援支队", "市森林消防大队"], ["人事科"], False),
    "T7": (
        ["安全生产综合协调科", "风险监测和综合减灾科", "防汛抗旱和火灾管理科", "市消防救援支队"],
        [],
        True,
    ),
    "T10": (["安全生产综合协调科"], SUPERVISION, False),
    "T13": (SUPERVISION, [], True),
    "T38": (
        ["救援协调和预案管理科"],
        [n for n in DIRECTORY.groups["各有关科室"] if n != "救援协调和预案管理科"],
        False,
    ),
    "T41": (["市消防救援支队", "市森林消防大队"], [], True),
    "T45": (["救灾和物资保障科", "救援协调和预案管理科"], [], True),
    "T46": (
        ["安全生产综合协调科", "城市安全监督科"],
        all_but("安全生产综合协调科", "城市安全监督科"),
        False,
    ),
    "T49": (
        ["风险监测和综合减灾科", "安全生产综合协调科"],
        ["防汛抗旱和火灾管理科", *SUPERVISION],
        False,
    ),
    "T51": (
        ["市消防救援支队", "政策法规科", "风险监测和综合减灾科", "防汛抗旱和火灾管理科"],
        [],
        True,
    ),
    "T59": (["市安全生产宣传教育培训中心"], ["政策法规科", "市安全生产监察支队"], False),
    "T66": (["人事科"], all_but("人事科"), False),
    "T67": (["人事科"], all_but("人事科"), False),
    "T68": (["人事科", "机关党委"], all_but("人事科", "机关党委"), False),
    "S29": (["人事科", "办公室"], all_but("人事科", "办公室"), False),
}


@pytest.mark.parametrize("ref", sorted(EXPECTED_UNITS))
def test_lead_and_cooperate(tasks, ref):
    lead, cooperate, shared = EXPECTED_UNITS[ref]
    task = tasks[ref]
    assert task["lead"] == lead
    assert task["cooperate"] == cooperate
    assert task["shared_duty"] is shared
    assert not set(task["lead"]) & set(task["cooperate"])


def test_only_the_flagged_tasks_have_warnings(tasks):
    flagged = {ref: codes(t) for ref, t in tasks.items() if t["warnings"]}
    assert flagged == {"T45": ["alias_unconfirmed"], "T46": ["typo_duplicate_keyword"]}


def test_unconfirmed_alias_resolves_and_warns(tasks):
    (warning,) = tasks["T45"]["warnings"]
    assert warning["name"] == "救灾和物资储备科"
    assert warning["resolved"] == ["救灾和物资保障科"]
    assert "未确认" in warning["message"]


def test_confirmed_alias_is_silent(tasks):
    assert tasks["T41"]["lead"][1] == "市森林消防大队"
    assert tasks["T41"]["warnings"] == []


def test_typo_duplicate_keyword(tasks):
    (warning,) = tasks["T46"]["warnings"]
    assert warning["code"] == "typo_duplicate_keyword" and warning["name"] == "牵头"
    assert (
        tasks["T46"]["responsibility"]
        == "安全生产综合协调科、城市安全监督科牵头牵头,各科室单位配合"
    )


def test_inner_parentheses_are_text_not_clause(tasks):
    assert "(主要负责人职责是什么," in tasks["T10"]["text"]
    assert tasks["T10"]["responsibility"] == "安全生产综合协调科牵头,各监管科室配合"
    assert "督查(6月份)," in tasks["T12"]["text"]
    assert "乡镇(街道)" in tasks["T53"]["text"]
    assert "《兰州市社会应急救援力量年度评估考核方案(办法)》" in tasks["T44"]["text"]
    assert tasks["T44"]["responsibility"] == "救援协调和预案管理科负责"
    assert tasks["T1"]["text"].endswith("培训考核等制度。")


def test_split_final_clause():
    assert split_final_clause("做好工作(6月份)。(A科负责)") == ("做好工作(6月份)。", "A科负责")
    assert split_final_clause("做好工作(A科(含B)负责)。") == ("做好工作", "A科(含B)负责")
    assert split_final_clause("没有责任分工。") == ("没有责任分工。", None)
    assert split_final_clause("不平衡)") == ("不平衡)", None)


# --- Dates and indicators -----------------------------------------------------------------------


def test_due_dates(tasks):
    assert tasks["T12"]["due"] == "2022-06-30"
    assert tasks["T12"]["due_interpretation"] == "文中“(6月份)”,取6月30日"
    assert tasks["T15"]["due"] == "2022-12-31"
    assert tasks["T15"]["due_interpretation"] == "文中“年底前”,取12月31日"
    assert (tasks["T54"]["due_start"], tasks["T54"]["due"]) == ("2022-10-01", "2022-12-31")
    assert tasks["T54"]["due_interpretation"] == "文中“10-12月”,取10月1日至12月31日"
    assert tasks["T58"]["due"] == "2022-07-31"
    assert tasks["T58"]["due_interpretation"] == "文中“7月份”,取7月31日"
    assert tasks["T1"]["due"] == "2022-12-31"
    assert tasks["T1"]["due_interpretation"].startswith("未注明时限,取计划年度年底")
    assert all(t["due_interpretation"] for t in tasks.values())


def indicator_tuples(task: dict) -> list[tuple]:
    return [(i["target"], i["unit"], i["comparison"]) for i in task["indicators"]]


def test_indicators(tasks):
    assert indicator_tuples(tasks["T15"]) == [(80, "%", ">=")]
    assert tasks["T15"]["indicators"][0]["match"] == "80%以上"
    assert "危化生产企业" in tasks["T15"]["indicators"][0]["text"]
    assert indicator_tuples(tasks["T16"]) == [(5, "户", "=")]
    assert "5户煤矿" in tasks["T16"]["indicators"][0]["text"]
    assert indicator_tuples(tasks["T28"]) == [(53, "条", "=")]
    assert "53条洪道" in tasks["T28"]["indicators"][0]["text"]
    assert indicator_tuples(tasks["T42"]) == [(30, "万元", ">=")]
    assert tasks["T42"]["indicators"][0]["match"] == "不少于30万元"


def test_no_false_indicators(tasks):
    assert tasks["T23"]["indicators"] == []  # “7·20”
    for ref in (
        "T8",
        "T12",
        "T46",
        "T54",
        "T58",
        "T5",
        "T11",
    ):  # 2022年度, 6月份, 2019年版, 十四五 …
        assert tasks[ref]["indicators"] == [], ref
    with_indicators = {ref for ref, t in tasks.items() if t["indicators"]}
    assert with_indicators == {"T15", "T16", "T28", "T42"}


def test_chinese_numerals():
    assert [chinese_numeral_to_int(n) for n in ("一", "十", "十二", "二十", "二十九")] == [
        1,
        10,
        12,
        20,
        29,
    ]
    assert chinese_numeral_to_int("一百零五") == 105
    assert chinese_numeral_to_int("十十") is None
    assert chinese_numeral_to_int("") is None


# --- Variants -----------------------------------------------------------------------------------

SMALL_PLAN = """各县区应急局：
兰州市应急管理局
2023年3月1日
2023年全市应急管理工作要点
一、深化改革
（一）推进执法改革
1、完成执法支队组建（9月底前）。（市安全生产监察支队牵头；政策法规科、各监管科室配合）
2．开展培训，参训人员不少于200人次。（人事科负责）
（二）加强作风建设
持续加强纪律建设。（办公室负责）
"""


def test_full_width_punctuation_and_numbering():
    plan = parse_workplan(SMALL_PLAN, DIRECTORY)
    tasks = tasks_of(plan)
    assert list(tasks) == ["T1", "T2", "S2"]
    assert (plan["year"], plan["issued_on"]) == (2023, "2023-03-01")
    assert plan["parts"][0]["sections"][0]["label"] == "（一）"
    assert tasks["T1"]["lead"] == ["市安全生产监察支队"]
    assert tasks["T1"]["cooperate"] == ["政策法规科", *SUPERVISION]
    assert tasks["T1"]["due"] == "2023-09-30"
    assert tasks["T1"]["text"] == "完成执法支队组建（9月底前）。"
    assert tasks["T2"]["lead"] == ["人事科"]
    assert indicator_tuples(tasks["T2"]) == [(200, "人次", ">=")]
    assert tasks["S2"]["lead"] == ["办公室"]
    assert tasks["S2"]["due"] == "2023-12-31"
    assert plan["addressees"] == ["各县区应急局"]


def test_unknown_name_is_warned_not_dropped_and_mapping_resolves_it():
    text = SEED.replace("(城市安全监督科负责)", "(市燃气整治办、城市安全监督科负责)")
    task = tasks_of(parse_workplan(text, DIRECTORY))["T14"]
    assert task["lead"] == ["城市安全监督科"]
    (warning,) = task["warnings"]
    assert (warning["code"], warning["name"]) == ("unknown_org", "市燃气整治办")
    assert "市燃气整治办" in warning["message"]

    mapped = parse_workplan(text, DIRECTORY, mapping={"市燃气整治办": ["城市安全监督科", "办公室"]})
    task = tasks_of(mapped)["T14"]
    assert task["lead"] == ["城市安全监督科", "办公室"]
    assert codes(task) == ["mapped"]
    assert task["warnings"][0]["level"] == "info"


def test_mapping_overrides_unconfirmed_alias():
    mapping = {"救灾和物资储备科": ["救灾和物资保障科"]}
    task = tasks_of(parse_workplan(SEED, DIRECTORY, mapping=mapping))["T45"]
    assert task["lead"] == ["救灾和物资保障科", "救援协调和预案管理科"]
    assert [w["level"] for w in task["warnings"]] == ["info"]


def test_task_without_clause_and_ambiguous_due():
    text = SMALL_PLAN.replace("（人事科负责）", "6月底前完成第一批，11月完成全部。")
    task = tasks_of(parse_workplan(text, DIRECTORY))["T2"]
    assert task["responsibility"] is None
    assert (task["lead"], task["cooperate"]) == ([], [])
    assert set(codes(task)) == {"no_responsibility", "due_ambiguous"}
    assert task["due"] == "2023-11-30"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "你好,这是一封普通的信。\n没有任何结构。",
        "1.第一条\n2.第二条",
        "一、标题\n没有任务",
    ],
)
def test_not_a_workplan(text):
    with pytest.raises(WorkplanParseError) as caught:
        parse_workplan(text, DIRECTORY)
    assert caught.value.message.startswith(
        "未识别到工作要点结构:应包含“一、”形式的部分标题和编号任务"
    )
    assert "实际找到" in caught.value.message
    assert caught.value.details["code"] == "not_a_workplan"


def test_not_a_workplan_says_what_was_found():
    with pytest.raises(WorkplanParseError) as caught:
        parse_workplan("1.第一条\n2.第二条", DIRECTORY)
    assert "0个部分标题、2个编号任务" in caught.value.message


@pytest.mark.parametrize("bad", [None, b"bytes", 42])
def test_non_text_input(bad):
    with pytest.raises(WorkplanParseError):
        parse_workplan(bad, DIRECTORY)


# --- Re-import and diff -------------------------------------------------------------------------


def test_reparse_is_deterministic(plan):
    assert parse_workplan(SEED, DIRECTORY) == plan
    assert diff_plans(plan, parse_workplan(SEED, DIRECTORY)) == {
        "added": [],
        "removed": [],
        "changed": [],
        "renumbered": [],
        "unchanged": 69,
    }


def revise(text: str) -> str:
    """Edit T20's text, remove T22, add a task at the end of section (十一)."""
    lines = text.splitlines()
    edited = [
        line.replace("谋划建设兰州灾害预警监测系统。", "建成兰州灾害预警监测系统一期。")
        for line in lines
        if not line.startswith("22.")
    ]
    index = next(i for i, line in enumerate(edited) if line.startswith("(十二)"))
    edited.insert(index, "22.开展灾害风险隐患信息报送试点。(风险监测和综合减灾科负责)")
    return "\n".join(edited)


def test_revised_document_diff(plan):
    new = parse_workplan(revise(SEED), DIRECTORY)
    diff = diff_plans(plan, new)
    assert [entry["ref"] for entry in diff["added"]] == ["T22"]
    assert diff["added"][0]["task"]["text"] == "开展灾害风险隐患信息报送试点。"
    assert (diff["added"][0]["part"], diff["added"][0]["section"]) == (3, 11)
    assert [entry["ref"] for entry in diff["removed"]] == ["T22"]
    assert diff["removed"][0]["task"]["text"] == "跟进国家西北区域应急救援中心项目建设。"
    (changed,) = diff["changed"]
    assert changed["ref"] == "T20" and list(changed["fields"]) == ["text"]
    assert changed["fields"]["text"] == [
        "谋划建设兰州灾害预警监测系统。",
        "建成兰州灾害预警监测系统一期。",
    ]
    assert diff["renumbered"] == []
    assert diff["unchanged"] == 67


def test_diff_survives_renumbering(plan):
    """Removing T2 and renumbering the rest reports one removal, not 66 changes."""
    lines = [line for line in SEED.splitlines() if not line.startswith("2.指导县区")]
    renumbered = []
    for line in lines:
        head, sep, rest = line.partition(".")
        if sep and head.isdigit() and int(head) > 2:
            line = f"{int(head) - 1}.{rest}"
        renumbered.append(line)
    diff = diff_plans(plan, parse_workplan("\n".join(renumbered), DIRECTORY))
    assert [e["ref"] for e in diff["removed"]] == ["T2"]
    assert diff["added"] == [] and diff["changed"] == []
    assert len(diff["renumbered"]) == 66
    assert diff["renumbered"][0] == {"old_ref": "T3", "ref": "T2"}
    assert diff["unchanged"] == 68


# --- Word documents -----------------------------------------------------------------------------


def docx_bytes(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_round_trip(plan):
    text = extract_docx_text(docx_bytes(SEED.splitlines()))
    assert text.splitlines() == SEED.splitlines()
    assert parse_workplan(text, DIRECTORY) == plan


@pytest.mark.parametrize("garbage", [b"", b"not a zip at all", b"PK\x03\x04" + b"\x00" * 64])
def test_unreadable_docx(garbage):
    with pytest.raises(WorkplanParseError) as caught:
        extract_docx_text(garbage)
    assert caught.value.message.startswith("无法读取该 Word 文件")
    assert caught.value.details["code"] == "docx_unreadable"


def test_docx_that_is_not_a_workplan():
    text = extract_docx_text(docx_bytes(["会议通知", "请各单位准时参加。"]))
    with pytest.raises(WorkplanParseError) as caught:
        parse_workplan(text, DIRECTORY)
    assert caught.value.details["code"] == "not_a_workplan"


# --- Fuzz: a dict or a WorkplanParseError, never anything else ----------------------------------

SEED_LINES = SEED.splitlines()
PUNCTUATION_SWAPS = [
    ("(", "（"),
    (")", "）"),
    (",", "，"),
    ("、", "."),
    ("(", ""),
    (")", ""),
    ("负责", ""),
]


def parse_or_error(text: str, mapping=None) -> None:
    try:
        result = parse_workplan(text, DIRECTORY, mapping=mapping)
    except WorkplanParseError as error:
        assert error.details.get("code") != "internal_error", error.details
        assert isinstance(error.message, str) and error.message
        return
    assert isinstance(result, dict)
    json.dumps(result, ensure_ascii=False)
    for task in tasks_of(result).values():
        assert not set(task["lead"]) & set(task["cooperate"])


@st.composite
def mutated_seed(draw) -> str:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(0, 6))):
        operation = draw(
            st.sampled_from(["delete_line", "dup_line", "insert_line", "chars", "swap"])
        )
        index = draw(st.integers(0, len(lines) - 1))
        if operation == "delete_line" and len(lines) > 1:
            del lines[index]
        elif operation == "dup_line":
            lines.insert(index, lines[index])
        elif operation == "insert_line":
            lines.insert(index, draw(st.text(max_size=30)))
        elif operation == "chars" and lines[index]:
            line = lines[index]
            position = draw(st.integers(0, len(line)))
            cut = draw(st.integers(0, 5))
            lines[index] = line[:position] + draw(st.text(max_size=5)) + line[position + cut :]
        elif operation == "swap":
            old, new = draw(st.sampled_from(PUNCTUATION_SWAPS))
            lines[index] = lines[index].replace(old, new)
    return "\n".join(lines)


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=400))
def test_fuzz_random_text(text):
    parse_or_error(text)


@FUZZ
@given(
    st.text(
        alphabet="一二三十()（）、,，.．:：1234567890科局牵头负责配合月份年底前%条户\n ",
        max_size=300,
    )
)
def test_fuzz_structured_alphabet(text):
    parse_or_error(text, mapping={"科": ["人事科"], "局": ["不存在的单位"]})


@FUZZ
@given(mutated_seed())
def test_fuzz_mutated_seed(text):
    parse_or_error(text)
