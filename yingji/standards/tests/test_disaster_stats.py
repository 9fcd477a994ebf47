"""Table-driven tests of the logical checks, deadlines and roll-up of 《自然灾害情况统计调查制度》
(应急〔2020〕19号): 自然灾害损失情况统计快报表 indicators and 报送要求 (初报/续报/核报)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from yingji.standards import disaster_stats as stats
from yingji.standards.disaster_stats import (
    add_up,
    check_figures,
    compare_with_children,
    deadline,
    default_deadlines,
    errors,
    indicator_codes,
    is_late,
    warnings,
)

TZ = ZoneInfo("Asia/Shanghai")

# (figures, level, field): each row breaks exactly one rule.
CASES = [
    (
        {"crop_affected": 10, "crop_damaged": 12, "direct_loss": 1},
        "error",
        "crop_damaged",
    ),  # 成灾 ≤ 受灾
    (
        {"crop_affected": 10, "crop_damaged": 5, "crop_lost": 6, "direct_loss": 1},
        "error",
        "crop_lost",
    ),  # 绝收 ≤ 成灾
    ({"affected_people": 3, "deaths": 4}, "error", "deaths"),
    ({"affected_people": 3, "missing": 4}, "error", "missing"),
    ({"affected_people": 30, "relocated": 31}, "error", "relocated"),
    ({"affected_people": 30, "need_aid": 31}, "error", "need_aid"),
    (
        {"collapsed_households": 5, "collapsed_rooms": 4, "direct_loss": 1},
        "error",
        "collapsed_rooms",
    ),
    ({"severe_households": 2, "severe_rooms": 1, "direct_loss": 1}, "error", "severe_rooms"),
    ({"general_households": 0, "general_rooms": 3}, "error", "general_households"),
    ({"direct_loss": 100, "loss_agriculture": 60, "loss_housing": 30}, "error", "direct_loss"),
    (
        {"collapsed_households": 1, "collapsed_rooms": 11, "direct_loss": 5},
        "warning",
        "collapsed_rooms",
    ),
    ({"crop_affected": 5, "direct_loss": 0}, "warning", "direct_loss"),  # damage, loss 0
]


@pytest.mark.parametrize(("figures", "level", "field"), CASES)
def test_each_rule(figures, level, field):
    found = check_figures(figures)
    assert [(f.level, f.field) for f in found] == [(level, field)]
    assert found[0].message  # a Chinese sentence for the user


def test_consistent_figures_pass():
    figures = {
        "affected_people": 1200,
        "deaths": 1,
        "missing": 0,
        "relocated": 300,
        "need_aid": 150,
        "collapsed_households": 3,
        "collapsed_rooms": 9,
        "severe_households": 10,
        "severe_rooms": 24,
        "crop_affected": Decimal("120.5"),
        "crop_damaged": Decimal("80"),
        "crop_lost": Decimal("12.3"),
        "direct_loss": Decimal("560.5"),
        "loss_agriculture": Decimal("300.5"),
        "loss_housing": Decimal("260"),
    }
    assert check_figures(figures) == []


def test_loss_not_yet_reported_is_no_warning():
    assert check_figures({"collapsed_households": 1, "collapsed_rooms": 2}) == []


def test_equal_bounds_are_allowed():
    assert (
        errors(
            check_figures({"crop_affected": 5, "crop_damaged": 5, "crop_lost": 5, "direct_loss": 1})
        )
        == []
    )


# (previous, now, warned field or None): cumulative figures against the previous report
JUMPS = [
    ({"deaths": 2}, {"deaths": 1}, "deaths"),  # decreased
    ({"affected_people": 100}, {"affected_people": 600}, "affected_people"),  # > 5×, +500
    ({"affected_people": 10}, {"affected_people": 60}, None),  # > 5× but only +50
    ({"affected_people": 100}, {"affected_people": 500}, None),  # 5× exactly
]


@pytest.mark.parametrize(("previous", "now", "field"), JUMPS)
def test_against_previous_report(previous, now, field):
    found = warnings(check_figures(now, previous))
    assert [f.field for f in found] == ([field] if field else [])


S = dt.datetime(2026, 7, 20, 14, 30, tzinfo=TZ)
E = dt.datetime(2026, 7, 23, 18, 0, tzinfo=TZ)
# (kind, level, as_of, due): 初报 county 2 h (报送要求(1) 初报); 续报 next day 9/10 o'clock;
# 核报 5/10 days after 灾情稳定
DEADLINES = [
    ("initial", "county", None, dt.datetime(2026, 7, 20, 16, 30, tzinfo=TZ)),
    ("initial", "township", None, dt.datetime(2026, 7, 20, 15, 30, tzinfo=TZ)),
    ("initial", "city", None, dt.datetime(2026, 7, 20, 18, 30, tzinfo=TZ)),
    ("followup", "county", dt.date(2026, 7, 21), dt.datetime(2026, 7, 22, 9, 0, tzinfo=TZ)),
    ("followup", "city", dt.date(2026, 7, 21), dt.datetime(2026, 7, 22, 10, 0, tzinfo=TZ)),
    ("followup", "county", None, None),
    ("verified", "county", None, dt.datetime(2026, 7, 28, 18, 0, tzinfo=TZ)),
    ("verified", "city", None, dt.datetime(2026, 8, 2, 18, 0, tzinfo=TZ)),
]


@pytest.mark.parametrize(("kind", "level", "as_of", "due"), DEADLINES)
def test_deadlines(kind, level, as_of, due):
    assert deadline(kind, level, started_at=S, ended_at=E, as_of=as_of) == due


def test_verified_not_due_before_the_end():
    assert deadline("verified", "county", started_at=S, ended_at=None) is None


def test_edited_clock_is_used():
    rules = default_deadlines() | {"initial": {"hours": {"county": 6}}}
    assert deadline("initial", "county", started_at=S, rules=rules) == S + dt.timedelta(hours=6)


def test_late():
    due = S + dt.timedelta(hours=2)
    assert is_late(due + dt.timedelta(seconds=1), due)
    assert not is_late(due, due)
    assert not is_late(due, None)


def test_roll_up():
    townships = [{"deaths": 1, "crop_affected": Decimal("2.5")}, {"deaths": 2}, {}]
    assert add_up(townships) == {"deaths": 3, "crop_affected": Decimal("2.5")}
    assert compare_with_children({"deaths": 3, "crop_affected": Decimal("2.5")}, townships) == []
    below = compare_with_children({"deaths": 2}, townships)
    assert [(f.level, f.field) for f in below] == [("error", "deaths")]
    above = compare_with_children({"deaths": 4, "crop_affected": 3}, townships)
    assert [(f.level, f.field) for f in above] == [
        ("warning", "deaths"),
        ("warning", "crop_affected"),
    ]


def test_indicators_cover_the_core_of_the_form():
    codes = set(indicator_codes())
    for code in (
        "affected_people",
        "deaths",
        "missing",
        "relocated",
        "need_aid",
        "collapsed_households",
        "collapsed_rooms",
        "severe_rooms",
        "general_rooms",
        "crop_affected",
        "crop_damaged",
        "crop_lost",
        "direct_loss",
    ):
        assert code in codes


# 死亡失踪人员名单 against the report (《自然灾害情况统计调查制度》, LOW: see the module)
LISTS = [
    ({"deaths": 1, "missing": 2}, 1, 2, []),
    ({}, 0, 0, []),
    ({"deaths": 2}, 1, 0, ["deaths"]),
    ({"missing": 1}, 0, 0, ["missing"]),
    ({}, 0, 1, ["missing"]),
    ({"deaths": 1, "missing": 1}, 0, 0, ["deaths", "missing"]),
]


@pytest.mark.parametrize(("figures", "dead", "missing", "fields"), LISTS)
def test_casualty_list_must_match(figures, dead, missing, fields):
    found = stats.check_casualty_list(figures, dead, missing)
    assert [f.field for f in found] == fields
    assert all(f.level == "error" for f in found)


def test_casualty_message_names_both_numbers():
    (finding,) = stats.check_casualty_list({"deaths": 3}, 2, 0)
    assert "填报3人" in finding.message and "名单中因灾死亡2人" in finding.message


# GB 11643-1999: the standard's own example 11010519491231002X; one digit changed fails
IDS = [
    ("11010519491231002X", True),
    ("11010519491231002x", True),
    ("110105194912310021", False),
    ("11010519491231002", False),
    ("1101051949123100AX", False),
]


@pytest.mark.parametrize(("number", "valid"), IDS)
def test_resident_id_check_character(number, valid):
    assert stats.resident_id_valid(number) is valid


# figure_text: how every 灾情 figure is printed (page tables, Word report, release text, check
# messages): no trailing ".0" (a sum of JSON floats is Decimal("506.0")), at most two decimals
# rounded half up, thousands separators only when asked.
FIGURE_TEXT = [
    (506.0, False, "506"),
    (Decimal("506.0"), False, "506"),
    (Decimal("506.00"), False, "506"),
    (12.345, False, "12.35"),
    (Decimal("0.10"), False, "0.1"),
    (2.5, False, "2.5"),
    (0.004, False, "0"),
    (Decimal("-0.001"), False, "0"),
    (1278745, False, "1278745"),
    (1278745, True, "1,278,745"),
    (Decimal("1234.50"), True, "1,234.5"),
    ("1E+3", False, "1000"),
    (None, False, ""),
    ("不是数字", False, ""),
    (True, False, ""),
]


@pytest.mark.parametrize(("value", "grouping", "text"), FIGURE_TEXT)
def test_figure_text(value, grouping, text):
    assert stats.figure_text(value, grouping=grouping) == text


def test_check_messages_print_figures_without_a_trailing_zero():
    found = check_figures({"crop_affected": Decimal("10.0"), "crop_damaged": 12.0}, None)
    message = next(f.message for f in found if f.field == "crop_damaged")
    assert "(12)" in message and "(10)" in message and ".0" not in message


# 救助 against the reports (platform rules, LOW: see check_relief_persons): persons helped vs
# 需紧急生活救助人口 (warning), allocated vs received (error).
RELIEF_PERSONS = [
    (0, None, []),
    (10, 12, []),
    (12, 12, []),
    (13, 12, ["warning"]),
    (5, None, ["warning"]),
    (5, Decimal("4.0"), ["warning"]),
]


@pytest.mark.parametrize(("helped", "need", "levels"), RELIEF_PERSONS)
def test_check_relief_persons(helped, need, levels):
    found = stats.check_relief_persons(helped, need)
    assert [f.level for f in found] == levels
    assert all(f.field == "persons" for f in found)


FUND_ALLOCATION = [
    (100, 0, []),
    (100, 100, []),
    (Decimal("100.00"), Decimal("100.01"), ["error"]),
    (None, 5, ["error"]),
    (0, 0, []),
]


@pytest.mark.parametrize(("received", "allocated", "levels"), FUND_ALLOCATION)
def test_check_fund_allocation(received, allocated, levels):
    found = stats.check_fund_allocation(received, allocated)
    assert [f.level for f in found] == levels


def test_fund_message_names_both_amounts():
    (finding,) = stats.check_fund_allocation(Decimal("80.0"), Decimal("100.5"))
    assert "100.5万元" in finding.message and "80万元" in finding.message
