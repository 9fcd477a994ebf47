"""Table-driven tests of the plan review cycles and drill intervals (国办发〔2024〕5号;
应急管理部令第2号 Art. 33 and 35) in yingji/standards/emergency_plans.py."""

import datetime as dt

import pytest

from yingji.standards.emergency_plans import (
    DRILL_INTERVALS,
    KIND_LABELS,
    REVIEW_CYCLES,
    add_months,
    drill_due,
    review_due,
    review_status,
)

D = dt.date


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year, the month's last day
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2023, 11, 15), 2, D(2024, 1, 15)),  # across the year
        (D(2021, 6, 30), 36, D(2024, 6, 30)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    "kind, effective, due",
    [
        ("general", D(2023, 3, 1), D(2026, 3, 1)),  # 3 years (国办发〔2024〕5号)
        ("special", D(2022, 12, 10), D(2025, 12, 10)),
        ("enterprise_general", D(2024, 2, 29), D(2027, 2, 28)),  # 部令第2号 Art. 35
        ("onsite", D(2024, 5, 1), D(2027, 5, 1)),
    ],
)
def test_review_due(kind, effective, due):
    assert review_due(kind, effective) == due


@pytest.mark.parametrize(
    "effective, today, status",
    [
        (D(2023, 1, 1), D(2026, 1, 2), "overdue"),  # the day after the due date
        (D(2023, 1, 1), D(2026, 1, 1), "due_soon"),  # on the due date: not yet overdue
        (D(2023, 1, 1), D(2025, 10, 3), "due_soon"),  # 90 days before
        (D(2023, 1, 1), D(2025, 10, 2), "current"),  # 91 days before
    ],
)
def test_review_status(effective, today, status):
    assert review_status("special", effective, today) == status


@pytest.mark.parametrize(
    "kind, last, effective, due",
    [
        ("onsite", D(2026, 1, 10), D(2024, 1, 1), D(2026, 7, 10)),  # every half year (Art. 33)
        ("enterprise_special", None, D(2026, 3, 1), D(2027, 3, 1)),  # yearly, from taking effect
        ("department", D(2023, 9, 1), D(2020, 1, 1), D(2026, 9, 1)),  # 3 years (2013 Art. 22)
        ("general", D(2025, 1, 1), D(2024, 1, 1), None),  # no fixed interval
    ],
)
def test_drill_due(kind, last, effective, due):
    assert drill_due(kind, last, effective) == due


def test_every_kind_has_a_cycle_with_a_source():
    assert set(REVIEW_CYCLES) == set(KIND_LABELS) == set(DRILL_INTERVALS)
    for months, source, confidence in REVIEW_CYCLES.values():
        assert months > 0 and "办法" in source and confidence in ("MEDIUM", "LOW", "HIGH")


# 备案 checklists (部令第2号 第二十六条 for enterprises; 国办发〔2024〕5号 for government plans)
@pytest.mark.parametrize(
    "filer, checked, complete, missing",
    [
        (
            "enterprise",
            ["application", "review_opinion", "document", "risk_assessment", "resource_survey"],
            True,
            [],
        ),
        (
            "enterprise",
            ["application", "document", "risk_assessment"],
            False,
            ["应急预案评审意见(第二十一条所列单位)", "应急资源调查清单"],
        ),
        ("enterprise", [], False, None),  # every item missing
        ("government", ["document", "explanation"], False, None),
    ],
)
def test_check_filing(filer, checked, complete, missing):
    from yingji.standards.emergency_plans import check_filing, filing_checklist

    ok, absent = check_filing(filer, checked)
    assert ok is complete
    if missing is not None:
        assert absent == missing
    else:
        assert len(absent) == len(filing_checklist(filer)) - len(checked)


def test_check_filing_refuses_an_unknown_item():
    from yingji.standards.emergency_plans import check_filing

    with pytest.raises(ValueError):
        check_filing("enterprise", ["application", "bribe"])


@pytest.mark.parametrize(
    "kind, last, effective, today, months, overdue",
    [
        ("onsite", D(2025, 1, 10), D(2020, 1, 1), D(2025, 7, 10), None, False),  # 6 months: due day
        ("onsite", D(2025, 1, 10), D(2020, 1, 1), D(2025, 7, 11), None, True),
        ("enterprise_general", None, D(2025, 3, 1), D(2026, 3, 2), None, True),  # from effect
        ("special", D(2023, 5, 1), D(2020, 1, 1), D(2026, 4, 30), None, False),  # 3 years
        ("special", D(2023, 5, 1), D(2020, 1, 1), D(2025, 5, 2), 24, True),  # setting: 24 months
        ("general", None, D(2000, 1, 1), D(2026, 1, 1), None, False),  # no interval applies
    ],
)
def test_drill_overdue(kind, last, effective, today, months, overdue):
    from yingji.standards.emergency_plans import drill_overdue

    assert drill_overdue(kind, last, effective, today, months) is overdue
