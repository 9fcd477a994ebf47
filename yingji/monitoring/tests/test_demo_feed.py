"""The demo feed keeps the demo stations reporting (yingji monitoring-demo-feed, run by
`yingji serve` beside the server): it fills the hours since each series' last value through the
ingest service, leaves the silent stations silent and the faulty detector faulty, and a second
round finds nothing to do."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.hooks import serve_companions
from yingji.core.models import AuditEvent
from yingji.monitoring.demo import FAULTY, PREFIX, SILENT, feed_demo, feed_records
from yingji.monitoring.models import Observation, Station

pytestmark = pytest.mark.django_db


def _cut_last_hours(hours: int):
    now = timezone.now()
    cut = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=hours)
    demo = Station.objects.filter(code__startswith=PREFIX, is_demo=True)
    Observation.objects.filter(station__in=demo, time__gt=cut).delete()
    demo.update(last_seen_at=cut, offline_at=cut + dt.timedelta(hours=2), last_implausible_at=cut)
    return now


def test_feed_fills_each_series_up_to_the_last_full_hour():
    now = _cut_last_hours(4)
    records = feed_records(now)
    by_station = {}
    for r in records:
        by_station.setdefault(r["station"], []).append(r)
    for key in SILENT:
        assert PREFIX + key not in by_station, "a silent station must stay silent"
    for key in FAULTY:
        assert {r["value"] for r in by_station[PREFIX + key]} == {180.0}
    gauge = by_station["DEMO-HH-XG-01"]
    assert [r["element"] for r in gauge] == ["rain"] * 4
    times = [dt.datetime.fromisoformat(r["time"]) for r in gauge]
    assert times[-1] == now.replace(minute=0, second=0, microsecond=0)
    assert all(b - a == dt.timedelta(hours=1) for a, b in zip(times, times[1:], strict=False))
    assert all(0 <= r["value"] <= 0.5 for r in gauge), "the storm is over"


def test_feed_ingests_once_and_brings_stations_back_online():
    now = _cut_last_hours(4)
    gauge = Station.objects.get(code="DEMO-HH-XG-01")
    assert gauge.status(now) == "离线"
    events = AuditEvent.objects.filter(verb="monitoring.observations.ingested").count()
    counts = feed_demo(now)
    faulty = sum(1 for r in feed_records(now) if r["station"] == PREFIX + next(iter(FAULTY)))
    assert counts["observations"] > 0 and faulty == 0
    assert AuditEvent.objects.filter(verb="monitoring.observations.ingested").count() == events + 1
    gauge.refresh_from_db()
    assert gauge.status(now) == "在线"
    assert Station.objects.get(code=PREFIX + next(iter(SILENT))).status(now) == "离线"
    assert Station.objects.get(code=PREFIX + next(iter(FAULTY))).status(now) == "故障"
    assert feed_records(now) == [], "a second round has nothing to add"
    # between rounds (every 10 min) and until the next one, the faulty detector stays 故障
    later = now + dt.timedelta(minutes=50)
    assert Station.objects.get(code=PREFIX + next(iter(FAULTY))).status(later) == "故障"
    assert feed_demo(now) == {"observations": 0, "alarms": 0}


def test_serve_runs_the_feed_only_on_a_database_with_the_demo_stations():
    assert [c.key for c in serve_companions()] == ["monitoring.demo_feed"]
    Station.objects.filter(code__startswith=PREFIX, is_demo=True).update(is_demo=False)
    assert serve_companions() == []


def test_the_faulty_detector_reports_at_its_own_interval_up_to_the_load():
    """Its implausible values are not on the hourly grid of the others, which ends an hour
    before the load: the last one is at the load itself, so it reads 故障 (not 离线) for two
    of its intervals after the load, and the feed carries on from there."""
    faulty = Station.objects.get(code=PREFIX + next(iter(FAULTY)))
    gauge = Station.objects.get(code="DEMO-HH-XG-01")
    assert faulty.last_implausible_at - gauge.last_seen_at >= dt.timedelta(hours=1)
    assert faulty.status(faulty.last_implausible_at + faulty.offline_after) == "故障"
