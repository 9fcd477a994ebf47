"""The preloaded rules of issue #13, each driven by a crafted series through the ingest: the
alarm changes come at the expected levels and data times (table-driven; sources cited per case,
standards-digest.md §5.2 for the CMA signals). Numbers marked project defaults are editable data
(docs/configuration.md), tested here as the defaults they are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yingji.monitoring.models import AlarmLevel, Rule

from .helpers import base_time, ingest, make_station

pytestmark = pytest.mark.django_db

H = 60  # minutes


def _day0() -> dt.datetime:
    """Local midnight five days ago (the 高温 case works on local calendar days)."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return today - dt.timedelta(days=5)


# (case, rule, station kind, element spec, start, [(minute offset, value)], [(level, offset)])
CASES = [
    (
        "暴雨 §5.2: 3 h ≥ 50 mm 橙 then 3 h ≥ 100 mm 红",
        "CMA-RAINSTORM",
        "rain",
        {"code": "rain"},
        None,
        [(1 * H, 0), (2 * H, 50), (3 * H, 50), (4 * H, 0), (5 * H, 0), (6 * H, 0)],
        # h2: 3 h = 50 (橙, also meets 黄/蓝); h3: 100 红; h5: 3 h = 50 橙; h6: 3 h = 0, 6 h = 100 黄
        [("orange", 2 * H), ("red", 3 * H), ("orange", 5 * H), ("yellow", 6 * H)],
    ),
    (
        "高温 §5.2 on daily maxima: 黄 three days ≥ 35 ℃, 橙 ≥ 37, 红 ≥ 40 within the day",
        "CMA-HIGH-TEMP",
        "weather",
        {"code": "temperature"},
        "day0",
        [
            (2 * H, 22),
            (14 * H, 36),  # day 0: max 36
            (26 * H, 24),
            (38 * H, 35.5),  # day 1: max 35.5
            (50 * H, 25),
            (62 * H, 35),  # day 2: max 35 → three days ≥ 35 at 14:00: 黄
            (74 * H, 26),  # day 3 02:00: day 3 so far 26 → cleared
            (86 * H, 38),  # day 3 14:00: 38 ≥ 37 → 橙 (a new alarm)
            (88 * H, 40.2),  # ≥ 40 → 红
        ],
        [("yellow", 62 * H), ("", 74 * H), ("orange", 86 * H), ("red", 88 * H)],
    ),
    (
        "大风 §5.2 (级 → m/s GB/T 28591-2012): 24 h ≥ 6 级 蓝, 12 h ≥ 8 级 黄, 6 h ≥ 10 级 橙, "
        "6 h ≥ 12 级 红",
        "CMA-GALE",
        "weather",
        {"code": "wind_speed"},
        None,
        [(i * H, v) for i, v in enumerate([5, 11, 18, 25, 33] + [5] * 25, start=1)],
        # 11 ≥ 10.8 蓝; 18 ≥ 17.2 黄; 25 ≥ 24.5 橙; 33 ≥ 32.7 红; h11: 33 leaves the 6 h
        # window → 黄 (12 h); h17: leaves 12 h → 蓝 (24 h); h29: leaves 24 h → cleared
        [
            ("blue", 2 * H),
            ("yellow", 3 * H),
            ("orange", 4 * H),
            ("red", 5 * H),
            ("yellow", 11 * H),
            ("blue", 17 * H),
            ("", 29 * H),
        ],
    ),
    (
        "警戒/保证水位 of the station itself (colours: project default 黄/橙)",
        "WATER-LEVEL",
        "water",
        {"code": "water_level", "limits": {"warning": 1512.0, "guarantee": 1514.5}},
        None,
        [
            (1 * H, 1510),
            (2 * H, 1511.9),
            (3 * H, 1512.0),
            (4 * H, 1514.5),
            (5 * H, 1513),
            (6 * H, 1511),
        ],
        [("yellow", 3 * H), ("orange", 4 * H), ("yellow", 5 * H), ("", 6 * H)],
    ),
    (
        "位移速率: 24 h increase ≥ 5 / 10 / 20 mm (project defaults, LOW)",
        "DISPLACEMENT-RATE",
        "geohazard",
        {"code": "displacement"},
        None,
        [(i * H, 100.0) for i in range(1, 25)]
        + [(25 * H, 106.0), (26 * H, 111.0), (27 * H, 121.0)]
        + [(i * H, 121.0) for i in range(28, 51)],
        # h25: 106 − 100 (h2) = 6 黄; h26: 11 橙; h27: 21 红; h48: 121 − 106 (h25) = 15 橙;
        # h50: 121 − 121 (h27) = 0 → cleared
        [("yellow", 25 * H), ("orange", 26 * H), ("red", 27 * H), ("orange", 48 * H), ("", 50 * H)],
    ),
    (
        "可燃气体 %LEL 二级报警 25 黄 / 50 红 (project defaults)",
        "GAS-LEL",
        "gas",
        {"code": "gas_lel"},
        None,
        [(1, 10), (2, 25), (3, 49), (4, 50), (5, 30), (6, 24)],
        [("yellow", 2), ("red", 4), ("yellow", 5), ("", 6)],
    ),
    (
        "储罐高/高高液位 of the tank itself",
        "TANK-LEVEL",
        "tank",
        {"code": "tank_level", "limits": {"high": 12.0, "high_high": 13.5}},
        None,
        [(5, 11), (10, 12), (15, 13.5), (20, 12.5), (25, 11.9)],
        [("orange", 10), ("red", 15), ("orange", 20), ("", 25)],
    ),
    (
        "储罐液位 without the tank's limits: the defaults 16 / 17.5 m (project defaults)",
        "TANK-LEVEL",
        "tank",
        {"code": "tank_level"},
        None,
        [(5, 13.5), (10, 16), (15, 17.5)],
        [("orange", 10), ("red", 15)],
    ),
]


@pytest.mark.parametrize(
    "case,rule,kind,spec,start,series,expected",
    CASES,
    ids=[c[1] + "-" + str(i) for i, c in enumerate(CASES)],
)
def test_a_crafted_series_triggers_the_rule_at_the_right_levels_and_data_times(
    persona, ctx, case, rule, kind, spec, start, series, expected
):
    user = persona("section")
    start = _day0() if start == "day0" else base_time()
    station = make_station(user, code=f"T-RULE-{len(series)}-{rule}", kind=kind, elements=[spec])
    records = [
        {
            "station": station.code,
            "element": spec["code"],
            "time": (start + dt.timedelta(minutes=m)).isoformat(),
            "value": v,
        }
        for m, v in series
    ]
    result = ingest(user, records)
    assert result.accepted == len(series) and not result.rejected, result.rejected
    changes = AlarmLevel.objects.filter(alarm__station=station).order_by("data_time", "pk")
    assert {c.alarm.rule.code for c in changes} <= {rule}, case
    got = [(c.level, int((c.data_time - start) / dt.timedelta(minutes=1))) for c in changes]
    assert got == expected, case


def test_a_water_station_without_its_levels_raises_nothing(persona, ctx):
    user = persona("section")
    station = make_station(
        user, code="T-RULE-WL-NONE", kind="water", elements=[{"code": "water_level"}]
    )
    start = base_time()
    records = [
        {
            "station": station.code,
            "element": "water_level",
            "time": (start + dt.timedelta(hours=i)).isoformat(),
            "value": v,
        }
        for i, v in enumerate([1510, 1520, 2000], start=1)
    ]
    ingest(user, records)
    assert not AlarmLevel.objects.filter(alarm__station=station).exists()


def test_every_rule_the_issue_names_is_preloaded_and_the_uncertain_ones_say_so():
    rules = {r.code: r for r in Rule.objects.all()}
    expected = {
        "CMA-RAINSTORM",
        "CMA-HIGH-TEMP",
        "CMA-GALE",
        "WATER-LEVEL",
        "DISPLACEMENT-RATE",
        "GAS-LEL",
        "TANK-LEVEL",
        "DEVICE-OFFLINE",
    }
    assert expected <= set(rules)
    for code in ("WATER-LEVEL", "DISPLACEMENT-RATE", "GAS-LEL", "TANK-LEVEL"):
        assert rules[code].confidence.startswith("项目默认值"), code
        assert "可修改" in rules[code].source, code
    assert "GB/T 28591" in rules["CMA-GALE"].source and "MEDIUM" in rules["CMA-GALE"].confidence
    assert "16号" in rules["CMA-HIGH-TEMP"].source


def test_a_rule_level_naming_an_unknown_limit_is_refused_in_the_admin():
    from django.core.exceptions import ValidationError

    rule = Rule(
        code="X",
        name="x",
        element="water_level",
        aggregate="max",
        levels=[{"level": "red", "window_minutes": 0, "limit": "flood"}],
    )
    with pytest.raises(ValidationError, match="limit"):
        rule.clean()
    rule.levels = [{"level": "red", "window_minutes": 0, "limit": "guarantee"}]
    rule.clean()  # a per-station limit alone is enough
