"""Benchmark of the observation ingest, as a ratio against a raw executemany in the same run.

    python bench/monitoring.py [--stations 500] [--hours 20] [--batches 3]
    python bench/monitoring.py --chart [--days 30] [--runs 15]

Uses its own SQLite database under YINGJI_VAR_DIR (default var/bench/; or DATABASE_URL), loaded
with the demo data, plus --stations bench rain gauges (bulk, marked demo, code BENCH-*). Each
batch is stations × hours new hourly observations (≤ 10,000), POSTed as JSON to
/api/v1/monitoring/observations through Django's full HTTP stack (middleware, token auth,
ninja parsing, the ingest service with its checks, the insert and the CMA 暴雨 evaluation of
every station). The baseline inserts the same rows with one raw ``executemany`` into a scratch
table with the same columns and the same unique index. Prints observations/s of both and the
ratio.

--chart: the station chart over 30 days of 5-minute data (a station BENCH-CHART with rain and
water level, 8,640 values each, inserted once): server time of the series endpoint through the
HTTP stack — every value vs hourly vs daily aggregates — and of the station page, median and
max of --runs requests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_VAR_DIR", str(ROOT / "var" / "bench"))


def _stations(n: int, admin):
    from shapely.geometry import Point, shape
    from shapely.prepared import prep

    from yingji.core.context import actor_context
    from yingji.geo.models import Region
    from yingji.monitoring.models import Station
    from yingji.orgs.models import Organisation

    have = Station.objects.filter(code__startswith="BENCH-").count()
    if have >= n:
        return list(Station.objects.filter(code__startswith="BENCH-").order_by("code")[:n])
    county = Region.objects.get(code="620102")
    geom = shape(county.geometry)
    inside = prep(geom)
    rng = random.Random(1)
    owner = Organisation.objects.get(code="LZYJJ")
    rows = []
    minx, miny, maxx, maxy = geom.bounds
    while len(rows) < n - have:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if inside.contains(Point(x, y)):
            i = have + len(rows)
            rows.append(
                Station(
                    code=f"BENCH-{i:05d}",
                    name=f"基准测试雨量站{i}",
                    kind="rain",
                    owner=owner,
                    lon=x,
                    lat=y,
                    region=county,
                    is_demo=True,
                    elements=[{"code": "rain", "unit": "mm", "interval": 60, "min": 0, "max": 300}],
                )
            )
    with actor_context(admin, source="cli"):
        Station.objects.bulk_create(rows)
    return list(Station.objects.filter(code__startswith="BENCH-").order_by("code")[:n])


def chart(days: int, runs: int) -> None:
    import statistics

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from yingji.core.context import actor_context
    from yingji.monitoring.models import Observation, Station
    from yingji.monitoring.schemas import StationIn
    from yingji.monitoring.services import do_register_station

    admin = get_user_model().objects.get(username="whk_staff")
    station = Station.objects.filter(code="BENCH-CHART").first()
    if station is None:
        with actor_context(admin, source="cli"):
            station = do_register_station(
                actor=admin,
                data=StationIn(
                    code="BENCH-CHART",
                    name="基准测试水位站",
                    kind="water",
                    lon=103.82,
                    lat=36.06,
                    elements=[
                        {"code": "rain", "interval": 5},
                        {"code": "water_level", "interval": 5},
                    ],
                ),
            )
    n = days * 24 * 12
    if Observation.objects.filter(station=station).count() < 2 * n:
        Observation.objects.filter(station=station).delete()
        end = timezone.now().replace(second=0, microsecond=0)
        rng = random.Random(3)
        rows = []
        for i in range(n):
            t = end - dt.timedelta(minutes=5 * (n - i))
            rows.append(
                Observation(
                    station=station,
                    element="rain",
                    time=t,
                    value=rng.choice([0, 0, 0.1, 0.5]),
                    received_at=end,
                )
            )
            rows.append(
                Observation(
                    station=station,
                    element="water_level",
                    time=t,
                    value=1512 + rng.uniform(-0.2, 0.2),
                    received_at=end,
                )
            )
        Observation.objects.bulk_create(rows, batch_size=2000)
        Station.objects.filter(pk=station.pk).update(last_seen_at=end)
    client = Client()
    client.force_login(admin)
    base = "/api/v1/monitoring/stations/BENCH-CHART/series?element=water_level"
    cases = [
        ("series 30 d, every value", f"{base}&hours={days * 24}&resolution=raw"),
        ("series 30 d, hourly", f"{base}&hours={days * 24}&resolution=hour"),
        ("series 30 d, daily", f"{base}&hours={days * 24}&resolution=day"),
        ("series 72 h, every value", f"{base}&hours=72"),
        ("station page (HTML)", "/monitoring/stations/BENCH-CHART/"),
    ]
    print(f"database: {connection_vendor()}; {n:,} values per element over {days} days")
    print(f"{'request':<28}{'points':>8}{'median ms':>11}{'max ms':>9}")
    for label, url in cases:
        times, points = [], 0
        for _ in range(runs):
            t0 = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.content[:200]
        if "series" in url:
            points = len(r.json()["points"])
        print(f"{label:<28}{points:>8}{statistics.median(times):>11.1f}{max(times):>9.1f}")


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chart", action="store_true")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--stations", type=int, default=500)
    parser.add_argument("--hours", type=int, default=20)
    parser.add_argument("--batches", type=int, default=3)
    args = parser.parse_args()
    if args.stations * args.hours > 10_000:
        parser.error("stations × hours must be ≤ 10,000 (one batch)")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from yingji.core.context import actor_context
    from yingji.core.services import do_create_token
    from yingji.enterprises.models import Enterprise
    from yingji.monitoring.models import Observation

    call_command("migrate", verbosity=0)
    if not Enterprise.objects.exists():
        call_command("yingji_demo", stdout=open(os.devnull, "w"))
    if args.chart:
        chart(args.days, args.runs)
        return
    admin = get_user_model().objects.get(username="whk_staff")
    stations = _stations(args.stations, admin)
    with actor_context(admin, source="cli"):
        _, key = do_create_token(actor=admin, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    rng = random.Random(2)
    latest = (
        Observation.objects.filter(station__code__startswith="BENCH-").order_by("-time").first()
    )
    start = (latest.time if latest else timezone.now() - dt.timedelta(days=300)).replace(
        minute=0, second=0, microsecond=0
    )
    api_s = raw_s = 0.0
    total = 0
    quote = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_raw_obs")
        cur.execute(
            "CREATE TABLE bench_raw_obs (id integer PRIMARY KEY, station_id bigint NOT NULL, "
            "element varchar(20) NOT NULL, time timestamp NOT NULL, value double precision "
            "NOT NULL, received_at timestamp NOT NULL, revisions smallint NOT NULL)"
            if connection.vendor == "sqlite"
            else "CREATE TABLE bench_raw_obs (id bigserial PRIMARY KEY, station_id bigint NOT NULL, "
            "element varchar(20) NOT NULL, time timestamptz NOT NULL, value double precision "
            "NOT NULL, received_at timestamptz NOT NULL, revisions smallint NOT NULL)"
        )
        cur.execute(
            f"CREATE UNIQUE INDEX bench_raw_key ON bench_raw_obs ({quote('station_id')}, element, time)"
        )
    for b in range(args.batches):
        hours = [start + dt.timedelta(hours=b * args.hours + h + 1) for h in range(args.hours)]
        records = [
            {
                "station": s.code,
                "element": "rain",
                "time": t.isoformat(),
                "value": rng.choice([0, 0, 0.2, 0.5, 1.0, 2.5]),
            }
            for t in hours
            for s in stations
        ]
        body = json.dumps({"observations": records})
        t0 = time.perf_counter()
        r = client.post("/api/v1/monitoring/observations", body, content_type="application/json")
        api_s += time.perf_counter() - t0
        assert r.status_code == 200, r.content[:300]
        result = r.json()
        assert result["accepted"] == len(records), result
        total += len(records)
        by_code = {s.code: s.pk for s in stations}
        now = timezone.now()
        rows = [
            (
                by_code[x["station"]],
                "rain",
                dt.datetime.fromisoformat(x["time"]),
                x["value"],
                now,
                0,
            )
            for x in records
        ]
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO bench_raw_obs (station_id, element, time, value, received_at, revisions) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )
        raw_s += time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_raw_obs")
    print(
        f"database: {connection.vendor}; stations: {len(stations)}; batches: {args.batches} × "
        f"{len(stations) * args.hours} observations"
    )
    print(f"{'path':<28}{'seconds':>10}{'obs/s':>12}")
    print(f"{'HTTP batch API (ingest)':<28}{api_s:>10.2f}{total / api_s:>12,.0f}")
    print(f"{'raw executemany (baseline)':<28}{raw_s:>10.2f}{total / raw_s:>12,.0f}")
    print(f"ratio API / raw: {api_s / raw_s:.1f}× the time")


if __name__ == "__main__":
    main()
