"""Monthly partitions of the observations on PostgreSQL (issue #13): a row lands in its
month's partition (months of Asia/Shanghai), old months detach and stay as archive tables
while the other months' data stays, and (station, element, time) stays the idempotency key.
On SQLite the observations are one plain table (checked too)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection

from yingji.core.models import AuditEvent
from yingji.monitoring import partitions
from yingji.monitoring.models import Observation, ObservationRevision

from .helpers import ingest, make_station

pytestmark = pytest.mark.django_db
on_pg = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions exist on PostgreSQL only"
)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def section(persona, ctx):
    return persona("section")


def _rows(station, *times, value=1.0):
    return [
        {"station": station.code, "element": "rain", "time": t.isoformat(), "value": value}
        for t in times
    ]


def _partition_of(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM monitoring_observation WHERE id = %s", [pk]
        )
        return cursor.fetchone()[0].strip('"')


def test_month_bounds_are_local_months():
    start, end = partitions.bounds(2024, 12)
    assert start == dt.datetime(2024, 12, 1, tzinfo=SHANGHAI)
    assert end == dt.datetime(2025, 1, 1, tzinfo=SHANGHAI)
    # 2024-07-31 20:00 UTC is 2024-08-01 04:00 in 兰州: August's partition
    assert partitions.month_of(dt.datetime(2024, 7, 31, 20, tzinfo=dt.UTC)) == (2024, 8)
    assert partitions.partition_name(2024, 8) == "monitoring_observation_y2024m08"


def test_on_sqlite_nothing_is_partitioned(capsys):
    if connection.vendor == "postgresql":
        assert partitions.enabled()
        return
    assert not partitions.enabled()
    call_command("monitoring_partitions", "--ensure-ahead", "2")
    assert "无需分区" in capsys.readouterr().out


@on_pg
def test_a_row_goes_into_its_months_partition_created_on_demand(section):
    station = make_station(section)
    early = dt.datetime(2024, 7, 31, 23, tzinfo=SHANGHAI)  # 15:00 UTC, still July here
    late = dt.datetime(2024, 8, 1, 0, tzinfo=SHANGHAI)  # 16:00 UTC on 31 July: August
    assert (2024, 7) not in partitions.partitions()
    result = ingest(section, _rows(station, early, late))
    assert result.accepted == 2
    assert {(2024, 7), (2024, 8)} <= set(partitions.partitions())
    by_time = dict(Observation.objects.filter(station=station).values_list("time", "pk"))
    assert _partition_of(by_time[early]) == "monitoring_observation_y2024m07"
    assert _partition_of(by_time[late]) == "monitoring_observation_y2024m08"


@on_pg
def test_the_key_still_holds_across_partitions_duplicates_and_revisions(section):
    station = make_station(section)
    t = dt.datetime(2024, 6, 15, 8, tzinfo=SHANGHAI)
    assert ingest(section, _rows(station, t)).accepted == 1
    again = ingest(section, _rows(station, t))
    assert (again.accepted, again.duplicates) == (0, 1)
    revised = ingest(section, _rows(station, t, value=2.5))
    assert revised.revised == 1
    obs = Observation.objects.get(station=station, element="rain", time=t)
    assert obs.value == 2.5 and obs.revisions == 1
    assert ObservationRevision.objects.get(observation=obs).value == 1.0
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():  # the unique key, in the table
        Observation.objects.create(station=station, element="rain", time=t, value=9, received_at=t)


@on_pg
def test_detaching_old_months_keeps_them_as_archive_tables_and_the_rest_stays(section):
    station = make_station(section)
    may = dt.datetime(2024, 5, 10, 8, tzinfo=SHANGHAI)
    june = dt.datetime(2024, 6, 10, 8, tzinfo=SHANGHAI)
    july = dt.datetime(2024, 7, 10, 8, tzinfo=SHANGHAI)
    ingest(section, _rows(station, may, june, july))
    done = partitions.detach_before(2024, 7)
    assert "monitoring_observation_archive_y2024m05" in done
    assert "monitoring_observation_archive_y2024m06" in done
    assert not {(2024, 5), (2024, 6)} & set(partitions.partitions())
    assert list(Observation.objects.filter(station=station).values_list("time", flat=True)) == [
        july
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM monitoring_observation_archive_y2024m06 WHERE station_id = %s",
            [station.pk],
        )
        assert cursor.fetchone()[0] == 1  # the detached month's data is still there, apart
    assert AuditEvent.objects.filter(verb="monitoring.partitions.detached").exists()
    # a very late value of a detached month gets a fresh partition (the archive is apart)
    assert ingest(section, _rows(station, june)).accepted == 1
    assert (2024, 6) in partitions.partitions()
    with pytest.raises(ValueError):
        partitions.detach_before(2999, 1)


@on_pg
def test_the_command_creates_months_ahead_once_and_detaches(section, capsys):
    call_command("monitoring_partitions", "--ensure-ahead", "3")
    now = dt.datetime.now(SHANGHAI)
    months = [(now.year, now.month)]
    for _ in range(3):
        months.append(partitions.next_month(*months[-1]))
    assert set(months) <= set(partitions.partitions())
    assert partitions.ensure_ahead(3) == []  # idempotent
    station = make_station(section)
    ingest(section, _rows(station, dt.datetime(2023, 3, 1, 8, tzinfo=SHANGHAI)))
    call_command("monitoring_partitions", "--detach-before", "2023-04")
    out = capsys.readouterr().out
    assert "monitoring_observation_archive_y2023m03" in out
    with pytest.raises(Exception, match="YYYY-MM"):
        call_command("monitoring_partitions", "--detach-before", "2023-13")
