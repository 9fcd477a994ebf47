"""Table-driven tests of the information-release clocks (T35; 国办发〔2016〕61号 第三条: 5 小时内
发布权威信息, 24 小时内举行新闻发布会 for 重大/特别重大 — confidence LOW, hours configurable)."""

import datetime as dt

import pytest

from yingji.standards.info_release import applies, clocks

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 1, 23, 10, tzinfo=TZ)


@pytest.mark.parametrize(
    ("grade", "level", "expected"),
    [
        (None, None, False),
        ("general", None, False),
        ("larger", 3, False),
        ("larger", 4, False),
        ("major", None, True),
        ("especially_major", None, True),
        (None, 2, True),  # a natural disaster with a Ⅱ级 response
        ("general", 1, True),
    ],
)
def test_which_events_the_release_clocks_apply_to(grade, level, expected):
    assert applies(grade, level) is expected
    assert bool(clocks(received_at=T0, grade=grade, highest_level=level)) is expected


def test_a_major_accident_received_at_2310_must_release_by_0410_and_hold_the_press_by_2310():
    auth, press = clocks(received_at=T0, grade="major", highest_level=None)
    assert auth.due == dt.datetime(2026, 3, 2, 4, 10, tzinfo=TZ)
    assert press.due == dt.datetime(2026, 3, 2, 23, 10, tzinfo=TZ)
    assert auth.status(T0 + dt.timedelta(hours=4)) == "due"
    assert auth.status(T0 + dt.timedelta(hours=5, minutes=1)) == "overdue"


@pytest.mark.parametrize(
    ("released_after", "status"),
    [(dt.timedelta(hours=4, minutes=59), "met"), (dt.timedelta(hours=5, minutes=1), "late")],
)
def test_a_release_meets_the_clock_or_is_late(released_after, status):
    auth, _ = clocks(
        received_at=T0, grade="major", highest_level=None, first_release_at=T0 + released_after
    )
    assert auth.status(T0 + dt.timedelta(days=2)) == status


def test_the_hours_are_arguments_because_the_source_is_low_confidence():
    auth, press = clocks(
        received_at=T0, grade="major", highest_level=None, authoritative_hours=3, press_hours=12
    )
    assert auth.due == T0 + dt.timedelta(hours=3) and "3小时" in auth.label
    assert press.due == T0 + dt.timedelta(hours=12) and "12小时" in press.label
