"""《行政处罚法》(2021修订) general procedure as data: table-driven checks, article beside each."""

import datetime as dt
from decimal import Decimal

import pytest

from yingji.standards import penalty_procedure as pp

D = dt.date
T = pp.Thresholds(
    fine_person=Decimal("20000"),
    fine_unit=Decimal("50000"),
    confiscation_person=Decimal("20000"),
    confiscation_unit=Decimal("50000"),
)


@pytest.mark.parametrize(
    ("state", "action", "target"),
    [
        ("filed", "investigate", "investigating"),  # 第五十五条
        ("investigating", "review", "reviewing"),  # 第五十七条
        ("reviewing", "notify", "notified"),  # 第四十四条
        ("notified", "request_hearing", "hearing"),  # 第六十四条
        ("notified", "submit_legal_review", "legal_review"),  # 第五十八条
        ("hearing", "submit_legal_review", "legal_review"),
        ("legal_review", "submit_approval", "approval"),  # 第五十七条
        ("legal_review", "return_for_review", "reviewing"),
        ("approval", "decide", "decided"),  # 第五十九条
        ("approval", "decide_no_penalty", "no_penalty"),  # 第五十七条第一款
        ("decided", "serve", "served"),  # 第六十一条
        ("served", "execute", "executed"),  # 第六十七条
        ("served", "apply_enforcement", "enforcing"),  # 第七十二条
        ("enforcing", "execute", "executed"),
        ("executed", "close", "closed"),
        ("no_penalty", "close", "closed"),
        ("filed", "withdraw", "withdrawn"),
        # refused: no skipping 事先告知 (第四十四条), no decision before approval, nothing after 结案
        ("reviewing", "decide", None),
        ("investigating", "notify", None),
        ("filed", "decide", None),
        ("closed", "close", None),
        ("withdrawn", "investigate", None),
        ("decided", "withdraw", None),
        ("served", "serve", None),
    ],
)
def test_transition_table(state, action, target):
    assert pp.target_of(state, action) == target


def test_every_state_reachable_and_refusal_names_what_is_allowed():
    targets = {t.target for t in pp.TRANSITIONS} | {"filed"}
    assert targets == set(pp.STATE_LABELS)
    assert "开始调查取证" in pp.refusal("filed", "decide")
    assert "已结案" in pp.refusal("closed", "serve")
    assert pp.allowed_actions("closed") == [] and pp.allowed_actions("withdrawn") == []


@pytest.mark.parametrize(
    ("party", "kinds", "fine", "conf", "right"),
    [
        # 第六十三条第一款第(一)项 较大数额罚款 at the (configurable, LOW) thresholds
        ("unit", ["fine"], Decimal("49999.99"), None, False),
        ("unit", ["fine"], Decimal("50000"), None, True),
        ("unit", ["fine"], Decimal("50000.01"), None, True),
        ("person", ["fine"], Decimal("19999.99"), None, False),
        ("person", ["fine"], Decimal("20000"), None, True),
        ("person", ["fine"], Decimal("20000.01"), None, True),
        # 第(二)项 没收较大数额
        ("unit", ["confiscate_income"], None, Decimal("49999"), False),
        ("unit", ["confiscate_income"], None, Decimal("50000"), True),
        ("person", ["confiscate_property"], None, Decimal("20000"), True),
        # 第(三)(四)项 whatever the amount
        ("unit", ["suspend_business"], None, None, True),
        ("unit", ["revoke_licence"], None, None, True),
        ("unit", ["close_down"], None, None, True),
        ("person", ["limit_practice"], None, None, True),
        ("unit", ["lower_qualification"], None, None, True),
        # no right: 警告, 暂扣许可证件 is not listed in 第六十三条 (HIGH)
        ("unit", ["warning"], None, None, False),
        ("unit", ["suspend_licence"], None, None, False),
        ("unit", ["warning", "fine"], Decimal("10000"), None, False),
    ],
)
def test_hearing_right_exactly_at_thresholds(party, kinds, fine, conf, right):
    got = pp.has_hearing_right(
        party_kind=party, kinds=kinds, fine=fine, confiscation=conf, thresholds=T
    )
    assert got is right


def test_thresholds_are_data():
    low = pp.Thresholds(fine_unit=Decimal("30000"))
    assert pp.has_hearing_right(
        party_kind="unit", kinds=["fine"], fine=Decimal("30000"), thresholds=low
    )
    assert not pp.has_hearing_right(party_kind="unit", kinds=["fine"], fine=Decimal("30000"))


@pytest.mark.parametrize(
    ("asserted", "held", "right", "range_major", "major"),
    [
        ((), False, False, True, []),  # nothing: not major → 法制审核 refused
        (("complex",), False, False, True, ["complex"]),  # 第五十八条第(三)项
        (("public_interest",), False, False, True, ["public_interest"]),  # (一)
        ((), True, True, False, ["hearing_held"]),  # (二) 经过听证程序
        ((), False, True, True, ["hearing_range"]),  # department rule, configurable
        ((), False, True, False, []),
        (("made_up",), False, False, True, []),  # unknown keys are not criteria
    ],
)
def test_major_criteria(asserted, held, right, range_major, major):
    assert (
        pp.major_reasons(
            asserted=asserted,
            hearing_held=held,
            hearing_right=right,
            hearing_range_is_major=range_major,
        )
        == major
    )


@pytest.mark.parametrize(
    ("filed", "ext", "deadline"),
    [
        (D(2026, 7, 3), (), D(2026, 10, 1)),  # 第六十条: 90 calendar days, 国庆 counts
        (D(2026, 9, 1), (), D(2026, 11, 30)),  # across 中秋/国庆 2026: still calendar days
        (D(2026, 9, 1), (30,), D(2026, 12, 30)),  # extended by 30 days with approval
        (D(2024, 12, 1), (), D(2025, 3, 1)),  # across 元旦 and 春节
    ],
)
def test_decision_deadline_calendar_days(filed, ext, deadline):
    assert pp.decision_deadline(filed, ext) == deadline


def test_days_left_and_windows():
    assert pp.days_left(D(2026, 11, 30), D(2026, 11, 30)) == 0
    assert pp.days_left(D(2026, 11, 30), D(2026, 12, 2)) == -2
    assert pp.window_end(D(2026, 10, 1), pp.HEARING_REQUEST_DAYS) == D(2026, 10, 6)  # 第六十四条


@pytest.mark.parametrize(
    ("fine", "due", "paid", "extra"),
    [
        (Decimal("10000"), D(2026, 1, 15), D(2026, 1, 15), Decimal("0")),
        (Decimal("10000"), D(2026, 1, 15), D(2026, 1, 16), Decimal("300.00")),  # 第七十二条 3%/日
        (Decimal("10000"), D(2026, 1, 15), D(2026, 3, 15), Decimal("10000")),  # capped at the fine
    ],
)
def test_surcharge(fine, due, paid, extra):
    assert pp.surcharge(fine, due, paid) == extra


@pytest.mark.parametrize(
    ("name", "shown"), [("张三", "张*"), ("欧阳修", "欧**"), ("李", "*"), ("", "")]
)
def test_redaction(name, shown):
    assert pp.redact_person(name) == shown


def test_case_file_sheet():
    assert pp.sheet_total() == 100
    full = {k: p for k, _, p in pp.CASE_FILE_SHEET}
    assert pp.score_sheet(full) == (100, [])
    total, problems = pp.score_sheet({**full, "evidence": 21, "zzz": 1})
    assert problems and any("0–20" in p for p in problems) and any("zzz" in p for p in problems)
    assert pp.score_sheet({})[1][0].endswith("未评分")
