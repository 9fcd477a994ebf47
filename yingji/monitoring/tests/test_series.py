"""The station chart's series (#13): every value up to 72 h, hourly/daily aggregates beyond
(sum of rain per local hour/day, mean of the others, with min and max), thresholds as lines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from .helpers import ingest, make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(persona, ctx):
    user = persona("section")
    s = make_station(
        user,
        code="SER-1",
        kind="water",
        elements=[{"code": "rain", "interval": 5}, {"code": "water_level", "interval": 5}],
    )
    # two whole local hours of 5-minute data, ending 3 hours ago: rain 0.5 mm each five
    # minutes in the first hour and 1 mm in the second; water level 1510 + i/100
    end = timezone.localtime().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=3)
    start = end - dt.timedelta(hours=2)
    records = []
    for i in range(1, 25):
        t = (start + dt.timedelta(minutes=5 * i)).isoformat()
        records.append(
            {"station": "SER-1", "element": "rain", "time": t, "value": 0.5 if i <= 12 else 1.0}
        )
        records.append(
            {"station": "SER-1", "element": "water_level", "time": t, "value": 1510 + i / 100}
        )
    result = ingest(user, records)
    assert result.accepted == 48
    return s, start


def test_hourly_aggregates_sum_rain_and_average_the_others(station, as_user):
    _s, start = station
    client = as_user("section")
    base = "/api/v1/monitoring/stations/SER-1/series"
    raw = client.get(f"{base}?element=rain&hours=72").json()
    assert raw["resolution"] == "raw" and len(raw["points"]) == 24
    hourly = client.get(f"{base}?element=rain&hours=720").json()
    assert hourly["resolution"] == "hour"
    # buckets are local hours, each holding the values of (hh:00, hh:55]: the first hour's
    # 11 values of 0.5 (05–55), then 0.5 at hh+1:00 plus 11 × 1.0, then 1.0 at hh+2:00
    values = [(p["value"], p["min"], p["max"]) for p in hourly["points"]]
    assert values == [(5.5, 0.5, 0.5), (11.5, 0.5, 1.0), (1.0, 1.0, 1.0)]
    first = dt.datetime.fromisoformat(hourly["points"][0]["time"])
    assert first == start
    level = client.get(f"{base}?element=water_level&hours=720&resolution=hour").json()
    assert level["points"][0]["value"] == pytest.approx(
        sum(1510 + i / 100 for i in range(1, 12)) / 11
    )
    assert level["points"][0]["min"] == pytest.approx(1510.01)
    daily = client.get(f"{base}?element=rain&hours=720&resolution=day").json()
    assert sum(p["value"] for p in daily["points"]) == pytest.approx(18.0)
    assert client.get(f"{base}?element=rain&resolution=week").status_code == 422


def test_instantaneous_thresholds_are_drawn_on_the_chart(persona, ctx, as_user):
    make_station(persona("section"), code="SER-GAS", kind="gas", elements=[{"code": "gas_lel"}])
    page = as_user("section").get("/monitoring/stations/SER-GAS/").content.decode()
    assert '"thresholds": [{"level": "yellow", "value": 25' in page
    assert 'data-hours="720"' in page


def _points(client, element="rain", resolution="hour"):
    url = f"/api/v1/monitoring/stations/SER-1/series?element={element}&hours=720&resolution={resolution}"
    return [(p["time"], p["value"], p["min"], p["max"]) for p in client.get(url).json()["points"]]


def test_completed_hours_are_kept_and_read_back_the_same(station, as_user):
    from yingji.monitoring.models import ObservationHour

    s, start = station
    client = as_user("section")
    first = _points(client)
    kept = ObservationHour.objects.filter(station=s, element="rain")
    # every completed whole hour of the 720 h span is kept (empty ones with count 0), and the
    # two hours with data hold their sums
    assert kept.count() == 719
    assert sorted((h.total, h.count) for h in kept if h.count) == [(5.5, 11), (11.5, 12)]
    assert _points(client) == first
    assert _points(client, resolution="day") == _points(client, resolution="day")


def test_late_data_and_revisions_replace_the_kept_hours(station, persona, as_user):
    from yingji.monitoring.models import ObservationHour

    s, start = station
    client = as_user("section")
    before = _points(client)
    late = (start + dt.timedelta(minutes=32)).isoformat()  # inside the first hour, new
    revised = (start + dt.timedelta(minutes=5)).isoformat()  # 0.5 → 2.5
    result = ingest(
        persona("section"),
        [
            {"station": "SER-1", "element": "rain", "time": late, "value": 4.0},
            {"station": "SER-1", "element": "rain", "time": revised, "value": 2.5},
        ],
    )
    assert result.accepted == 1 and result.revised == 1
    assert not ObservationHour.objects.filter(station=s, hour__gte=start).exists()
    after = _points(client)
    assert after[0][1:] == (before[0][1] + 4.0 + 2.0, 0.5, 4.0)
    assert after[1:] == before[1:]
