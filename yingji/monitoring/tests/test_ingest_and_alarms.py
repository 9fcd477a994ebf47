"""监测预警 (issue #13): ingest and the rolling-window alarms, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.models import AuditEvent
from yingji.monitoring.models import (
    Alarm,
    AlarmLevel,
    Observation,
    ObservationRevision,
    QuarantinedObservation,
)
from yingji.monitoring.services import BatchTooLarge

from .helpers import base_time, hourly, ingest, make_station

pytestmark = pytest.mark.django_db

# A crafted storm, hourly mm from hour 1 (CMA 暴雨: 12 h ≥ 50 蓝, 6 h ≥ 50 黄, 3 h ≥ 50 橙,
# 3 h ≥ 100 红). Hand-computed sums at the hours where the level changes:
#  h9:  12 h = 8×5 + 10 = 50                      → 蓝 raised
#  h12: 6 h = 5+5+10+10+12+8 = 50                  → 黄
#  h14: 3 h = 8+25+20 = 53                         → 橙
#  h15: 3 h = 25+20+60 = 105                       → 红
#  h16: 3 h = 20+60+0 = 80                         → 橙 (stepped down)
#  h18: 3 h = 0, 6 h = 25+20+60 = 105              → 黄
#  h21: 6 h = 0 (h16–h21), 12 h (h10–h21) = 135    → 蓝
#  h27: 12 h (h16–h27) = 0                         → cleared
STORM = [5] * 8 + [10, 10, 12, 8, 25, 20, 60] + [0] * 14
EXPECTED = [
    ("blue", 9),
    ("yellow", 12),
    ("orange", 14),
    ("red", 15),
    ("orange", 16),
    ("yellow", 18),
    ("blue", 21),
    ("", 27),
]


def _levels(alarm):
    start = base_time()
    return [
        (c.level, int((c.data_time - start) / dt.timedelta(hours=1)))
        for c in AlarmLevel.objects.filter(alarm=alarm).order_by("data_time", "pk")
    ]


@pytest.fixture
def section(persona, ctx):
    return persona("section")


def test_a_rainstorm_replay_raises_escalates_and_clears_at_the_data_times(section):
    station = make_station(section)
    result = ingest(section, hourly(station, STORM))
    assert result.accepted == len(STORM) and not result.rejected
    alarm = Alarm.objects.get(station=station)
    assert _levels(alarm) == EXPECTED
    assert [c["change"] for c in result.alarms] == [
        "raised",
        "escalated",
        "escalated",
        "escalated",
        "lowered",
        "lowered",
        "lowered",
        "cleared",
    ]
    assert alarm.state == "cleared" and alarm.peak_level == "red"
    assert alarm.raised_at == base_time() + dt.timedelta(hours=9)
    assert alarm.cleared_at == base_time() + dt.timedelta(hours=27)
    escalated = AuditEvent.objects.filter(
        verb="monitoring.alarm.escalated", object_id=str(alarm.pk)
    )
    assert escalated.count() == 3


def test_the_same_storm_sent_hour_by_hour_gives_the_same_sequence(section):
    station = make_station(section)
    changes = []
    for record in hourly(station, STORM):
        changes += ingest(section, [record]).alarms
    assert _levels(Alarm.objects.get(station=station)) == EXPECTED
    assert len(changes) == len(EXPECTED)


def test_a_steady_1_mm_per_hour_raises_nothing(section):
    station = make_station(section)
    result = ingest(section, hourly(station, [1] * 48))
    assert result.accepted == 48 and result.alarms == []
    assert not Alarm.objects.filter(station=station).exists()


def test_resending_the_whole_series_changes_nothing(section):
    station = make_station(section)
    ingest(section, hourly(station, STORM))
    before = (Observation.objects.count(), AlarmLevel.objects.count(), Alarm.objects.count())
    again = ingest(section, hourly(station, STORM))
    assert again.accepted == 0 and again.duplicates == len(STORM) and again.alarms == []
    after = (Observation.objects.count(), AlarmLevel.objects.count(), Alarm.objects.count())
    assert after == before


def test_a_late_observation_that_completes_a_window_is_taken_into_account(section):
    station = make_station(section)
    records = hourly(station, [0, 0, 30, 25])
    first = ingest(section, records[:2] + records[3:])  # hour 3 is missing: 3 h at h4 = 25
    assert first.alarms == []
    late = ingest(section, [records[2]])  # now 3 h at h4 = 0 + 30 + 25 = 55 → 橙
    assert [(c["change"], c["level"]) for c in late.alarms] == [("raised", "orange")]
    alarm = Alarm.objects.get(station=station)
    assert alarm.raised_at == base_time() + dt.timedelta(hours=4)  # the window's end
    assert _levels(alarm) == [("orange", 4)]


def test_each_rejection_has_its_index_and_reason_and_the_rest_is_kept(section):
    station = make_station(
        section, elements=[{"code": "rain"}, {"code": "water_level", "min": 1500, "max": 1530}]
    )
    t = base_time().isoformat()
    good = {"station": station.code, "element": "rain", "time": t, "value": 1.5}
    future = (timezone.now() + dt.timedelta(minutes=30)).isoformat()
    batch = [
        good,
        {**good, "station": "NO-SUCH"},
        {**good, "element": "gas_lel"},
        {**good, "time": "2024-07-01T08:00:00"},
        {**good, "time": future},
        {**good, "time": "昨天"},
        {**good, "value": "2.5"},
        {**good, "value": float("nan")},
        {**good, "value": float("inf")},
        {**good, "element": "water_level", "value": 1600.0},
        "not an object",
        {**good, "time": (base_time() + dt.timedelta(hours=1)).isoformat(), "value": 2.0},
    ]
    result = ingest(section, batch)
    reasons = {r["index"]: r["reason"] for r in result.rejected}
    assert sorted(reasons) == list(range(1, 11))
    assert "不存在" in reasons[1]
    assert "没有监测要素" in reasons[2]
    assert "没有时区" in reasons[3]
    assert "10分钟" in reasons[4]
    assert "格式不正确" in reasons[5]
    assert "不是数字" in reasons[6]
    assert "NaN" in reasons[7] and "NaN" in reasons[8]
    assert "合理范围" in reasons[9] and "隔离" in reasons[9]
    assert "对象" in reasons[10]
    assert result.accepted == 2 and result.quarantined == 1
    assert Observation.objects.filter(station=station).count() == 2
    q = QuarantinedObservation.objects.get(station=station)
    assert q.value == 1600.0 and q.element == "water_level"
    assert not Observation.objects.filter(station=station, element="water_level").exists()


def test_an_out_of_range_value_is_never_alarmed_on(section):
    station = make_station(section)
    result = ingest(section, hourly(station, [500.0]))  # above rain's plausible 300 mm
    assert result.quarantined == 1 and result.alarms == []
    assert not Alarm.objects.filter(station=station).exists()


def test_a_revision_keeps_its_history_and_reevaluates(section):
    station = make_station(section)
    records = hourly(station, [20, 20, 5])
    ingest(section, records)
    assert not Alarm.objects.filter(station=station).exists()
    revised = ingest(section, [{**records[2], "value": 15.0}])  # 3 h = 55 → 橙
    assert revised.revised == 1 and revised.accepted == 0
    assert [(c["change"], c["level"]) for c in revised.alarms] == [("raised", "orange")]
    obs = Observation.objects.get(station=station, time=base_time() + dt.timedelta(hours=3))
    assert obs.value == 15.0 and obs.revisions == 1
    assert list(
        ObservationRevision.objects.filter(observation=obs).values_list("value", flat=True)
    ) == [5.0]
    again = ingest(section, [{**records[2], "value": 15.0}])
    assert again.duplicates == 1 and again.revised == 0


def test_a_batch_over_10000_is_refused_whole(section):
    station = make_station(section)
    records = hourly(station, [0.0] * 10_001)
    with pytest.raises(BatchTooLarge) as exc:
        ingest(section, records)
    assert exc.value.status == 413 and "10,000" in exc.value.message
    assert not Observation.objects.filter(station=station).exists()


def test_gas_two_level_alarm_on_the_value_itself(persona, ctx):
    section = persona("section")
    station = make_station(
        section,
        code="T-GAS-1",
        county="620104",
        kind="gas",
        elements=[{"code": "gas_lel", "interval": 1}],
    )
    start = base_time(2)
    rows = [
        {
            "station": station.code,
            "element": "gas_lel",
            "time": (start + dt.timedelta(minutes=i)).isoformat(),
            "value": v,
        }
        for i, v in enumerate([2, 26, 55, 30, 3])
    ]
    ingest(section, rows)
    alarm = Alarm.objects.get(station=station)
    assert [c.level for c in alarm.changes.order_by("data_time")] == ["yellow", "red", "yellow", ""]
    assert alarm.state == "cleared"


def test_acknowledging_again_after_an_escalation(persona, ctx):
    from django.contrib.auth import get_user_model

    from yingji.monitoring import services
    from yingji.monitoring.schemas import AcknowledgeIn, HandleIn

    section = persona("section")
    duty = get_user_model().objects.get(username="duty")
    station = make_station(section)
    records = hourly(station, [30, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])  # 3 h = 50 → 橙 at h2
    ingest(section, records[:2])
    alarm = Alarm.objects.get(station=station)
    services.do_acknowledge_alarm(actor=duty, alarm=alarm, data=AcknowledgeIn())
    alarm.refresh_from_db()
    assert alarm.state == "acknowledged" and alarm.acknowledged_by == duty
    ingest(section, hourly(station, [60], start=base_time() + dt.timedelta(hours=2)))  # 110 → 红
    alarm.refresh_from_db()
    assert alarm.level == "red" and alarm.state == "open"  # needs attention again
    services.do_handle_alarm(actor=duty, alarm=alarm, data=HandleIn(note="已通知城关区防汛办巡查"))
    alarm.refresh_from_db()
    assert alarm.state == "handled" and "巡查" in alarm.handling_note
    assert AuditEvent.objects.filter(verb="monitoring.alarm.handled").exists()


def test_rules_are_validated_data_and_the_cma_rule_cites_its_source():
    from django.core.exceptions import ValidationError

    from yingji.monitoring.models import Rule

    cma = Rule.objects.get(code="CMA-RAINSTORM")
    assert "中国气象局令第16号" in cma.source and cma.confidence == "HIGH"
    assert [(r["level"], r["window_minutes"], r["threshold"]) for r in cma.levels] == [
        ("blue", 720, 50),
        ("yellow", 360, 50),
        ("orange", 180, 50),
        ("red", 180, 100),
    ]
    assert "项目默认值" in Rule.objects.get(code="GAS-LEL").source
    bad = Rule(code="X", name="坏规则", element="rain", levels=[{"level": "purple"}])
    with pytest.raises(ValidationError) as exc:
        bad.clean()
    assert "levels" in exc.value.message_dict
    with pytest.raises(ValidationError):
        Rule(code="Y", name="未知要素", element="snow", levels=cma.levels).clean()


def test_a_mixed_batch_keeps_the_good_rows_once_and_links_each_level_to_its_observation(section):
    """The set-form ingest (one INSERT for the new rows, pks read back with the window rows):
    refused, quarantined, repeated-in-batch and already-stored rows are counted as before,
    each kept row stored once, and every level change points at the observation at its
    data time."""
    station = make_station(section)
    storm = hourly(station, [60, 60])
    ingest(section, storm[:1])  # stored before: a duplicate when resent
    batch = [
        storm[0],  # already stored, same value
        {**storm[0], "time": "2024-07-01T08:00:00"},  # no time zone: refused
        {**storm[1], "value": 9999},  # implausible: quarantined
        storm[1],
        storm[1],  # repeated in the batch: a duplicate
        {**storm[1], "value": 61},  # repeated with another value: refused
    ]
    result = ingest(section, batch)
    assert (result.accepted, result.duplicates, result.quarantined) == (1, 2, 1)
    assert [r["index"] for r in result.rejected] == [1, 2, 5]
    assert Observation.objects.filter(station=station).count() == 2
    alarm = Alarm.objects.get(station=station)
    assert alarm.level == "red"  # 120 mm in 3 h
    for change in AlarmLevel.objects.filter(alarm=alarm):
        obs = Observation.objects.get(pk=change.observation_id)
        assert (obs.station_id, obs.time) == (station.pk, change.data_time)
