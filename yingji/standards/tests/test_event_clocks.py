"""Table-driven tests of the event reporting clocks (国务院令第493号 Art. 9/11/13;
原安监总局令第21号: 续报 cadence and 电话快报 within 1 hour for 较大 and worse)."""

import datetime as dt

import pytest

from yingji.standards.event_clocks import clocks, is_late_supplement, supplement_until

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 1, 23, 10, tzinfo=TZ)


def _by_key(items):
    return {d.key: d for d in items}


def test_a_larger_accident_received_at_2310_has_its_three_deadlines():
    d = _by_key(clocks(occurred_at=T0 - dt.timedelta(minutes=20), received_at=T0, grade="larger"))
    assert d["unit"].due == dt.datetime(2026, 3, 1, 23, 50, tzinfo=TZ)  # Art. 9: 1 h
    assert d["phone"].due == dt.datetime(2026, 3, 2, 0, 10, tzinfo=TZ)  # 21号令: 1 h
    assert d["first"].due == dt.datetime(2026, 3, 2, 1, 10, tzinfo=TZ)  # Art. 11: 2 h
    assert "follow_up" not in d  # no 续报 clock before the 首报


def test_a_general_accident_needs_no_phone_report():
    assert "phone" not in _by_key(clocks(occurred_at=T0, received_at=T0, grade="general"))


@pytest.mark.parametrize(
    ("grade", "hours"),
    [("general", 24), ("larger", 24), ("major", 12), ("especially_major", 12), (None, 24)],
)
def test_follow_up_cadence(grade, hours):
    first = T0 + dt.timedelta(hours=1)
    last = T0 + dt.timedelta(hours=5)
    d = _by_key(
        clocks(
            occurred_at=T0, received_at=T0, grade=grade, first_report_at=first, last_report_at=last
        )
    )
    assert d["follow_up"].due == last + dt.timedelta(hours=hours)


def test_no_follow_up_after_the_final_report():
    d = _by_key(
        clocks(
            occurred_at=T0,
            received_at=T0,
            grade="general",
            first_report_at=T0,
            final_report_at=T0 + dt.timedelta(days=1),
        )
    )
    assert "follow_up" not in d


@pytest.mark.parametrize(
    ("met", "now", "status"),
    [
        (T0 + dt.timedelta(hours=1), None, "met"),
        (T0 + dt.timedelta(hours=2), None, "met"),  # exactly on the deadline
        (T0 + dt.timedelta(hours=2, minutes=1), None, "late"),
        (None, T0 + dt.timedelta(hours=1), "due"),
        (None, T0 + dt.timedelta(hours=2, seconds=1), "overdue"),
    ],
)
def test_status(met, now, status):
    first = _by_key(clocks(occurred_at=T0, received_at=T0, grade="general", first_report_at=met))[
        "first"
    ]
    assert first.status(now or T0) == status


@pytest.mark.parametrize(
    ("days", "road_or_fire", "late"),
    [(29, False, False), (30, False, False), (31, False, True), (7, True, False), (8, True, True)],
)
def test_supplement_window_art13(days, road_or_fire, late):
    assert is_late_supplement(T0, T0 + dt.timedelta(days=days), "general", road_or_fire) is late


def test_supplement_for_other_events_defaults_to_30_days():
    assert supplement_until(T0, None) == T0 + dt.timedelta(days=30)
