"""Monthly partitions of the observations table on PostgreSQL (SQLite keeps one plain table).

The table ``monitoring_observation`` is ``PARTITION BY RANGE (time)`` with one partition per
month of the installation's time zone (``TIME_ZONE``, Asia/Shanghai): ``…_y2026m07`` holds
[2026-07-01 00:00 +08:00, 2026-08-01 00:00 +08:00). Its primary key is (id, time) and its
unique key (station, element, time): PostgreSQL requires every unique constraint of a
partitioned table to include the partition key; the Django model keeps ``id`` as its primary
key (ids come from one sequence, so ``id`` alone stays unique in practice). Migration
``0008_observation_partitions`` converts the table; docs/monitoring.md says why this way.

- :func:`ensure_months` creates the partitions a batch needs (the ingest calls it before its
  insert, so a late or historical value never fails for want of a partition);
- :func:`ensure_ahead` creates the current month and N months ahead (`yingji daily`, and
  ``yingji monitoring-partitions --ensure-ahead N``);
- :func:`detach_before` detaches the partitions of the months before a given one: each stays
  in the database as a plain table ``monitoring_observation_archive_yYYYYmMM`` (to dump and
  drop, or to attach again), its rows no longer part of the observations.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.conf import settings
from django.db import connection, transaction

TABLE = "monitoring_observation"
ARCHIVE = "monitoring_observation_archive_"
_NAME = re.compile(r"^monitoring_observation_y(\d{4})m(\d{2})$")
_LOCK = 7_130_013  # advisory lock key: one partition creator at a time


def enabled() -> bool:
    """Whether the observations table is partitioned here (PostgreSQL, after the migration)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relkind FROM pg_class WHERE relname = %s AND pg_table_is_visible(oid)", [TABLE]
        )
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def month_of(when: dt.datetime) -> tuple[int, int]:
    """The (year, month) of an aware time in the installation's time zone."""
    local = when.astimezone(_zone())
    return local.year, local.month


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a month in the installation's time zone, as aware times."""
    zone = _zone()
    y2, m2 = next_month(year, month)
    return dt.datetime(year, month, 1, tzinfo=zone), dt.datetime(y2, m2, 1, tzinfo=zone)


def partition_name(year: int, month: int) -> str:
    return f"{TABLE}_y{year:04d}m{month:02d}"


def create_sql(year: int, month: int) -> str:
    start, end = bounds(year, month)
    return (
        f'CREATE TABLE IF NOT EXISTS "{partition_name(year, month)}" PARTITION OF "{TABLE}" '
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    )


def partitions() -> list[tuple[int, int]]:
    """The (year, month) of the attached partitions, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname = %s AND pg_table_is_visible(p.oid)",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    return sorted((int(m[1]), int(m[2])) for m in map(_NAME.match, names) if m)


def ensure_months(months) -> list[tuple[int, int]]:
    """Create the partitions of these (year, month)s that do not exist yet; returns those
    created. One catalogue query when all exist (the usual case in the ingest)."""
    wanted = sorted(set(months))
    if not wanted:
        return []
    names = {partition_name(y, m): (y, m) for y, m in wanted}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relkind FROM pg_class WHERE relname = ANY(%s) "
            "AND pg_table_is_visible(oid)",
            [[TABLE, *names]],
        )
        have = dict(cursor.fetchall())
        if have.get(TABLE) != "p":  # not partitioned (SQLite has no pg_class: not called)
            return []
        missing = [ym for name, ym in names.items() if name not in have]
        if not missing:
            return []
        with transaction.atomic():
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
            for year, month in missing:
                cursor.execute(create_sql(year, month))
    return missing


def ensure_for_times(times) -> list[tuple[int, int]]:
    return ensure_months({month_of(t) for t in times})


def ensure_ahead(ahead: int = 2, today: dt.date | None = None) -> list[tuple[int, int]]:
    """The current month's partition and ``ahead`` months after it."""
    now = dt.datetime.now(_zone())
    year, month = (today.year, today.month) if today else (now.year, now.month)
    months = [(year, month)]
    for _ in range(ahead):
        months.append(next_month(*months[-1]))
    return ensure_months(months)


def detach_before(year: int, month: int) -> list[str]:
    """Detach every attached partition of a month before (year, month); each is renamed
    ``monitoring_observation_archive_yYYYYmMM`` and kept as a plain table. Returns the new
    names. The current month cannot be detached. One audit event (in the same transaction)."""
    if (year, month) > month_of(dt.datetime.now(_zone())):
        raise ValueError("只能分离本月之前的月份分区。")
    done = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        for y, m in partitions():
            if (y, m) >= (year, month):
                continue
            name, archived = partition_name(y, m), f"{ARCHIVE}y{y:04d}m{m:02d}"
            cursor.execute(f'ALTER TABLE "{TABLE}" DETACH PARTITION "{name}"')
            cursor.execute(f'ALTER TABLE "{name}" RENAME TO "{archived}"')
            done.append(archived)
        if done:
            from yingji.core.audit import record_event

            record_event(
                "monitoring.partitions.detached",
                f"分离监测数据分区 {len(done)} 个(早于 {year}-{month:02d}),保留为归档表:"
                + "、".join(done),
                tables=done,
            )
    return done


def archives() -> list[str]:
    """The detached (archived) month tables still in the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname LIKE %s AND relkind = 'r' "
            "AND pg_table_is_visible(oid) ORDER BY 1",
            [ARCHIVE.replace("_", r"\_") + "%"],
        )
        return [row[0] for row in cursor.fetchall()]
