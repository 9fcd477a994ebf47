"""Benchmark of the observation ingest, as a ratio against a raw executemany in the same run.

    python bench/monitoring.py [--stations 500] [--hours 20] [--batches 3]
    python bench/monitoring.py --chart [--days 30] [--runs 15]
    python bench/monitoring.py --latency 40 [--stations 500] [--hours 20]

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

--latency N: observation → alarm visible through the API while the HTTP batches load the
database (see latency_bench): median, p95 and max of N probes.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import random
import sys
import time
import tracemalloc
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


def _private_broker(inflight: int):
    """A private Mosquitto on a free port with the queue and in-flight limits a deployment
    should have (docs/monitoring.md): no per-client queue cap, ``inflight`` unacknowledged
    QoS 1 messages in flight per client. Returns (process, port, directory)."""
    import shutil
    import socket
    import subprocess
    import tempfile

    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="bench-mosquitto-")
    conf = Path(folder) / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        f"max_queued_messages 0\nmax_inflight_messages {inflight}\n"
    )
    process = subprocess.Popen(  # noqa: S603 (our own binary and config)
        [binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, port, folder


def _publish(messages: list, port: int = 1883) -> None:
    """Publish (topic, payload) pairs at QoS 1 as fast as the broker takes them (a child
    process, so that the publisher does not share the ingest's interpreter)."""
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{os.getpid()}")
    client.max_inflight_messages_set(1000)
    client.connect("127.0.0.1", port)
    client.loop_start()
    infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
    for info in infos:
        info.wait_for_publish(120)
    client.loop_stop()
    client.disconnect()


def mqtt_bench(args, admin, stations, start):
    """N one-record messages (yingji-bench/<pid>/<station>, QoS 1) published by a child
    process: received by a bare paho subscriber (baseline: the broker path alone), then by the
    ingest Subscriber (mqtt-ingest's loop: the same service as the HTTP API, messages waiting
    together in one batch), both in this process."""
    import multiprocessing

    rng = random.Random(4)
    prefix = f"yingji-bench/{os.getpid()}/"
    hours = -(-args.mqtt // len(stations))
    times = [start + dt.timedelta(hours=h + 1) for h in range(hours)]
    messages = [
        (
            prefix + s.code,
            json.dumps(
                {
                    "station": s.code,
                    "element": "rain",
                    "time": t.isoformat(),
                    "value": rng.choice([0, 0.2, 1.0]),
                }
            ),
        )
        for t in times
        for s in stations
    ][: args.mqtt]
    fork = multiprocessing.get_context("fork")
    broker, port = None, 1883
    if not args.local_broker:
        broker, port, folder = _private_broker(args.inflight)
    try:
        _mqtt_runs(args, admin, stations, messages, times, fork, port, broker is not None)
    finally:
        if broker is not None:
            broker.terminate()
            broker.wait(10)
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


def _mqtt_runs(args, admin, stations, messages, times, fork, port, private):
    import threading

    import paho.mqtt.client as mqtt

    from yingji.monitoring.models import Observation
    from yingji.monitoring.mqtt import Subscriber

    prefix = f"yingji-bench/{os.getpid()}/"

    queued = args.queued
    bare_id, ingest_id = f"bench-bare-{os.getpid()}", f"bench-ingest-{os.getpid()}"

    def register(client_id):
        """A persistent session subscribed to the bench topics, then gone: the broker queues."""
        ok = threading.Event()
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False)
        c.on_subscribe = lambda *a: ok.set()
        c.connect("127.0.0.1", port)
        c.loop_start()
        c.subscribe(prefix + "+", qos=1)
        assert ok.wait(10)
        c.disconnect()
        c.loop_stop()

    def publish_all():
        p = fork.Process(target=_publish, args=(messages, port))
        p.start()
        p.join()

    if queued:  # everything waits in the broker; then each subscriber drains it
        register(bare_id)
        register(ingest_id)
        publish_all()

    # baseline: the broker path alone
    got, last, done, subscribed = [0], [0.0], threading.Event(), threading.Event()

    def on_message(client, userdata, message):
        got[0] += 1
        last[0] = time.perf_counter()
        if got[0] >= len(messages):
            done.set()

    bare = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=bare_id, clean_session=not queued
    )
    bare.on_message = on_message
    bare.on_subscribe = lambda *a: subscribed.set()
    t0 = time.perf_counter()
    bare.connect("127.0.0.1", port)
    bare.loop_start()
    if not queued:
        bare.subscribe(prefix + "+", qos=1)
        assert subscribed.wait(10)
        t0 = time.perf_counter()
        publisher = fork.Process(target=_publish, args=(messages, port))
        publisher.start()
    done.wait(60)  # or what the broker did not drop
    raw_s = last[0] - t0
    if not queued:
        publisher.join()
    bare.loop_stop()
    bare.disconnect()

    subscriber = Subscriber(
        actor=admin,
        url=f"mqtt://127.0.0.1:{port}",
        client_id=ingest_id,
        clean_session=not queued,
        topic=prefix + "+",
        batch_messages=args.batch_messages,
        batch_ms=args.batch_ms,
    )
    began = []

    def publish_when_ready():
        assert subscriber.ready.wait(10)
        began.append(time.perf_counter())
        publish_all()

    if queued:
        began.append(time.perf_counter())
    else:
        thread = threading.Thread(target=publish_when_ready)
        thread.start()
    c0 = time.process_time()
    handled = subscriber.run(duration=45, max_messages=len(messages))
    ingest_s, cpu = time.perf_counter() - began[0], time.process_time() - c0
    if handled < len(messages):  # the broker dropped what it could not queue: time to the last
        ingest_s = subscriber.last_handled_at - began[0]
    if not queued:
        thread.join()
    stored = Observation.objects.filter(
        station__in=stations, element="rain", time__gte=times[0], time__lte=times[-1]
    ).count()
    n = len(messages)
    assert stored >= handled, (handled, stored)
    where = (
        f"a private Mosquitto (port {port}, max_inflight_messages {args.inflight}, "
        "no queue cap)" + (", all published before the subscriber connects" if queued else "")
        if private
        else "the local Mosquitto (127.0.0.1:1883, its own limits)"
    )
    print(
        f"MQTT, {n:,} one-record messages (QoS 1) on {len(stations)} stations through {where}; "
        f"batch ≤ {subscriber.batch_messages} messages / {subscriber.batch_ms} ms; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'path':<36}{'seconds':>9}{'messages/s':>12}")
    print(f"{'broker → bare paho subscriber':<36}{raw_s:>9.2f}{got[0] / raw_s:>12,.0f}")
    print(f"{'broker → mqtt-ingest (service)':<36}{ingest_s:>9.2f}{handled / ingest_s:>12,.0f}")
    if handled < n:
        print(
            f"  {n - handled:,} of {n:,} messages never reached mqtt-ingest: the broker's queue "
            "per client (Mosquitto max_queued_messages, 1,000 by default) overflowed"
        )
    print(
        f"bare subscriber got {got[0]:,}; ratio {(handled / ingest_s) / (got[0] / raw_s):.3f}; {len(subscriber.results)} ingest batches "
        f"(≈{handled / len(subscriber.results):.0f} messages each); ingest CPU {cpu:.2f} s; "
        f"peak RSS of the process {_rss_mb('VmHWM'):.0f} MB"
    )


SERIES_ELEMENTS = [
    "rain",
    "water_level",
    "temperature",
    "wind_speed",
    "displacement",
    "crack_width",
    "pressure",
    "gas_lel",
    "toxic_ppm",
    "pga",
]


def series_bench(args, admin) -> None:
    """Memory of the ingest process with --series-stations × 10 elements (default 5,000 ×
    10 = 50,000 series) and rules with 24-hour windows on every element: --series-hours
    hourly values of every series (25: the last windows are full) ingested through the
    service in batches of 10,000 (one hour of 1,000 stations), peak RSS (VmHWM) before and
    after, tracemalloc peak of the last batch (full 24-hour windows)."""
    from shapely.geometry import Point, shape
    from shapely.prepared import prep

    from yingji.core.context import actor_context
    from yingji.geo.models import Region
    from yingji.monitoring.choices import element_catalogue
    from yingji.monitoring.models import Rule, Station
    from yingji.monitoring.services import do_ingest_observations
    from yingji.orgs.models import Organisation

    n = args.series_stations
    catalogue = element_catalogue()
    elements = [{"code": c, "unit": catalogue[c]["unit"], "interval": 60} for c in SERIES_ELEMENTS]
    with actor_context(admin, source="cli", label="bench"):
        have = Station.objects.filter(code__startswith="BMEM-").count()
        if have < n:
            county = Region.objects.get(code="620102")
            geom = shape(county.geometry)
            inside = prep(geom)
            owner = Organisation.objects.get(code="LZYJJ")
            rng = random.Random(5)
            minx, miny, maxx, maxy = geom.bounds
            rows = []
            while len(rows) < n - have:
                x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                if inside.contains(Point(x, y)):
                    i = have + len(rows)
                    rows.append(
                        Station(
                            code=f"BMEM-{i:05d}",
                            name=f"基准测试气象站{i}",
                            kind="weather",
                            owner=owner,
                            lon=x,
                            lat=y,
                            region=county,
                            is_demo=True,
                            elements=elements,
                        )
                    )
            Station.objects.bulk_create(rows, batch_size=1000)
        for code in SERIES_ELEMENTS:  # a 24-hour window on every element (no alarm expected)
            top = catalogue[code]["max"]
            Rule.objects.get_or_create(
                code=f"BENCH-24H-{code}",
                defaults={
                    "name": f"基准测试 24 小时 {code}",
                    "element": code,
                    "aggregate": "sum" if code == "rain" else "mean",
                    "levels": [{"level": "blue", "window_minutes": 1440, "threshold": top * 30}],
                    "scope": "kind",
                    "station_kind": "weather",
                },
            )
    stations = list(
        Station.objects.filter(code__startswith="BMEM-")
        .order_by("code")
        .values_list("code", flat=True)
    )[:n]
    end = timezone_now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    hours = [end - dt.timedelta(hours=args.series_hours - 1 - h) for h in range(args.series_hours)]
    per_batch = max(1, 10_000 // len(SERIES_ELEMENTS))
    rng = random.Random(6)
    rss_before = _rss_mb("VmHWM")
    now_rss = _rss_mb("VmRSS")
    batches, cpu, peak_traced, alarms, count = 0, 0.0, None, 0, 0
    total = len(hours) * -(-len(stations) // per_batch)
    for h, t in enumerate(hours):
        iso = t.isoformat()
        for i in range(0, len(stations), per_batch):
            records = [
                {
                    "station": code,
                    "element": e,
                    "time": iso,
                    "value": round(rng.uniform(0, 0.1) * catalogue[e]["max"], 3)
                    if e != "rain"
                    else rng.choice([0, 0, 0.2, 0.5]),
                }
                for code in stations[i : i + per_batch]
                for e in SERIES_ELEMENTS
            ]
            batches += 1
            count += len(records)
            last = batches == total
            if last:
                tracemalloc.start()
            c0 = time.process_time()
            with actor_context(admin, source="cli", label="bench"):
                result = do_ingest_observations(actor=admin, records=records, source="bench")
            cpu += time.process_time() - c0
            if last:
                peak_traced = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
            alarms += len(result.alarms)
            assert not result.rejected, result.rejected[:3]
        if h % 5 == 0:
            print(f"  hour {h + 1}/{len(hours)}: RSS {_rss_mb('VmRSS'):.0f} MB", flush=True)
    from django.db import connection

    print(
        f"database: {connection.vendor}; {len(stations):,} stations × {len(SERIES_ELEMENTS)} "
        f"elements = {len(stations) * len(SERIES_ELEMENTS):,} series; rules with 24-hour windows "
        f"on every element (and the preloaded CMA/gas rules); {len(hours)} hourly values per "
        f"series = {batches:,} batches of ≤ 10,000; load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"RSS before the ingest {now_rss:.0f} MB (peak so far {rss_before:.0f} MB); "
        f"peak RSS of the process after all batches {_rss_mb('VmHWM'):.0f} MB; RSS now "
        f"{_rss_mb('VmRSS'):.0f} MB"
    )
    print(
        f"tracemalloc peak during the last batch (full 24-hour windows): {peak_traced:.1f} MB; "
        f"ingest CPU {cpu:.1f} s ({count / cpu:,.0f} "
        f"obs/s of CPU); alarm changes {alarms}"
    )


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, in MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


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
    parser.add_argument("--tries", type=int, default=3, help="baseline: best of N")
    parser.add_argument("--memory", action="store_true", help="one more batch under tracemalloc")
    parser.add_argument("--mqtt", type=int, default=0, help="MQTT: N one-record messages")
    parser.add_argument("--no-migrate", action="store_true", help="leave the schema as it is")
    parser.add_argument(
        "--series-stations", type=int, default=0, help="memory: N stations × 10 elements"
    )
    parser.add_argument("--series-hours", type=int, default=25, help="memory: hours of data")
    parser.add_argument(
        "--local-broker", action="store_true", help="MQTT: the broker on 127.0.0.1:1883"
    )
    parser.add_argument(
        "--inflight", type=int, default=2000, help="MQTT: the private broker's in-flight cap"
    )
    parser.add_argument("--batch-messages", type=int, help="MQTT: messages per ingest batch")
    parser.add_argument(
        "--queued",
        action="store_true",
        help="MQTT: publish everything first (persistent sessions), then time the draining",
    )
    parser.add_argument("--batch-ms", type=int, help="MQTT: ms a batch waits for more")
    parser.add_argument(
        "--profile", type=int, default=0, help="print the top N functions (cProfile) of the API"
    )
    parser.add_argument(
        "--latency",
        type=int,
        default=0,
        help="observation → alarm visible through GET /alarms: N probes while batches load",
    )
    args = parser.parse_args()
    if args.stations * args.hours > 10_000:
        parser.error("stations × hours must be ≤ 10,000 (one batch)")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from yingji.enterprises.models import Enterprise
    from yingji.monitoring.models import Observation

    if not args.no_migrate:  # (--no-migrate: measure a database kept at an older migration)
        call_command("migrate", verbosity=0)
    if not Enterprise.objects.exists():
        call_command("yingji_demo", stdout=open(os.devnull, "w"))
    if args.chart:
        chart(args.days, args.runs)
        return
    admin = get_user_model().objects.get(username="whk_staff")
    stations = _stations(args.stations, admin)
    latest = (  # the bench gauges' own latest data (not BENCH-CHART's, which ends now)
        Observation.objects.filter(station__in=stations).order_by("-time").first()
    )
    start = (latest.time if latest else timezone.now() - dt.timedelta(days=300)).replace(
        minute=0, second=0, microsecond=0
    )
    if args.series_stations:
        series_bench(args, admin)
    elif args.mqtt:
        mqtt_bench(args, admin, stations, start)
    elif args.latency:
        latency_bench(args, admin, stations, start)
    else:
        http_bench(args, admin, stations, start)


def _probe_stations(n: int, admin) -> list:
    """PROBE-* rain gauges (bulk, marked demo), one per latency probe: each probe raises a new
    alarm on its own station. Emptied of earlier runs' data and alarms first."""
    from yingji.core.context import actor_context
    from yingji.geo.models import Region
    from yingji.monitoring.models import Alarm, AlarmLevel, AlarmNotice, Observation, Station
    from yingji.orgs.models import Organisation

    county = Region.objects.get(code="620102")
    owner = Organisation.objects.get(code="LZYJJ")
    base = Station.objects.filter(code__startswith="BENCH-").first()
    have = set(Station.objects.filter(code__startswith="PROBE-").values_list("code", flat=True))
    rows = [
        Station(
            code=f"PROBE-{i:04d}",
            name=f"时延探针雨量站{i}",
            kind="rain",
            owner=owner,
            lon=base.lon,
            lat=base.lat,
            region=county,
            is_demo=True,
            elements=[{"code": "rain", "unit": "mm", "interval": 60, "min": 0, "max": 300}],
        )
        for i in range(n)
        if f"PROBE-{i:04d}" not in have
    ]
    with actor_context(admin, source="cli"):
        Station.objects.bulk_create(rows)
        probes = list(Station.objects.filter(code__startswith="PROBE-").order_by("code")[:n])
        alarms = Alarm.objects.filter(station__in=probes)
        AlarmNotice.objects.filter(alarm__in=alarms).delete()
        AlarmLevel.objects.filter(alarm__in=alarms).delete()
        alarms.delete()
        Observation.objects.filter(station__in=probes).delete()
    return probes


def latency_bench(args, admin, stations, start):
    """Observation → alarm visible through the API, under load: a thread POSTs batches of
    stations × hours observations back to back (the load of http_bench); meanwhile each probe
    POSTs one 100 mm hourly value to its own PROBE station (3 h ≥ 100 mm: a red 暴雨 alarm) and
    polls GET /api/v1/monitoring/alarms?station=… every 10 ms until the alarm is listed. The
    latency is from just before the POST to the poll that sees the alarm. Same process, same
    GIL: the load and the probes compete as requests in one server process would."""
    import statistics
    import threading

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from yingji.core.context import actor_context
    from yingji.core.services import do_create_token

    probes = _probe_stations(args.latency, admin)
    with actor_context(admin, source="cli"):
        _, key = do_create_token(actor=admin, name="bench-latency")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    warm = Client(**auth)
    warm.post("/api/v1/monitoring/observations", {"observations": []}, "application/json")
    warm.get("/api/v1/monitoring/alarms?station=PROBE-0000")
    stop = threading.Event()
    loaded: list[tuple[int, float]] = []
    errors: list[str] = []

    def load():
        client = Client(**auth)
        rng = random.Random(3)
        b = 0
        try:
            while not stop.is_set():
                hours = [
                    start + dt.timedelta(hours=b * args.hours + h + 1) for h in range(args.hours)
                ]
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
                r = client.post("/api/v1/monitoring/observations", body, "application/json")
                if r.status_code != 200:
                    errors.append(r.content[:200].decode(errors="replace"))
                loaded.append((len(records), time.perf_counter() - t0))
                b += 1
        finally:
            connection.close()

    loader = threading.Thread(target=load, daemon=True)
    began = time.perf_counter()
    loader.start()
    while not loaded and time.perf_counter() - began < 120:
        time.sleep(0.05)  # the load is running before the first probe
    client = Client(**auth)
    latencies, posted = [], []
    rng = random.Random(4)
    for probe in probes:
        t = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
        body = json.dumps(
            {
                "observations": [
                    {"station": probe.code, "element": "rain", "time": t.isoformat(), "value": 100}
                ]
            }
        )
        t0 = time.perf_counter()
        r = client.post("/api/v1/monitoring/observations", body, "application/json")
        posted.append(time.perf_counter() - t0)
        assert r.status_code == 200 and r.json()["accepted"] == 1, r.content[:300]
        while True:
            seen = client.get(f"/api/v1/monitoring/alarms?station={probe.code}").json()
            if any(a["level"] == "red" for a in seen):
                latencies.append(time.perf_counter() - t0)
                break
            if time.perf_counter() - t0 > 60:
                raise SystemExit(f"no alarm for {probe.code} after 60 s")
            time.sleep(0.01)
        time.sleep(rng.uniform(0.2, 0.6))  # probes spread over the load's batches
    stop.set()
    loader.join()
    elapsed = time.perf_counter() - began
    n_load = sum(n for n, _ in loaded)
    q = statistics.quantiles(latencies, n=20, method="inclusive")
    print(
        f"database: {connection.vendor}; load: {len(stations)} stations × {args.hours} h = "
        f"{len(stations) * args.hours:,} observations per batch, {len(loaded)} batches, "
        f"{n_load / elapsed:,.0f} obs/s over {elapsed:.1f} s (median batch "
        f"{statistics.median(t for _, t in loaded):.2f} s); load average {os.getloadavg()[0]:.2f}"
    )
    if errors:
        print(f"load errors: {len(errors)}, first: {errors[0]}")
    print(
        f"observation → alarm visible through GET /api/v1/monitoring/alarms, {len(latencies)} "
        f"probes: median {statistics.median(latencies) * 1000:.0f} ms, p95 {q[18] * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms (the probe's POST alone: median "
        f"{statistics.median(posted) * 1000:.0f} ms, max {max(posted) * 1000:.0f} ms)"
    )


def http_bench(args, admin, stations, start):
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from yingji.core.context import actor_context
    from yingji.core.services import do_create_token
    from yingji.monitoring.models import Observation

    with actor_context(admin, source="cli"):
        _, key = do_create_token(actor=admin, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    rng = random.Random(2)
    profiler = cProfile.Profile()
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
            "CREATE UNIQUE INDEX bench_raw_key ON bench_raw_obs (station_id, element, time)"
        )
    table = connection.ops.quote_name(Observation._meta.db_table)
    cols = (
        "(station_id, element, time, value, received_at, revisions) VALUES (%s, %s, %s, %s, %s, %s)"
    )
    baselines = {  # label: (INSERT, DELETE afterwards)
        "raw executemany, same table": (
            f"INSERT INTO {table} {cols}",
            f"DELETE FROM {table} WHERE element = 'bench_raw'",  # noqa: S608
        ),
        "raw executemany, scratch": (
            f"INSERT INTO bench_raw_obs {cols}",
            "DELETE FROM bench_raw_obs",
        ),
    }
    # warm-up: the first request imports the URLconf and every API router (seconds)
    r = client.post(
        "/api/v1/monitoring/observations", {"observations": []}, content_type="application/json"
    )
    assert r.status_code == 200, r.content[:300]
    rss_before = _rss_mb("VmRSS")
    api, raw = [], {label: [] for label in baselines}
    api_cpu, raw_cpu = [], {label: [] for label in baselines}
    batches = args.batches + (1 if args.memory else 0)
    peak_traced = None
    for b in range(batches):
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
        traced = args.memory and b == batches - 1
        if traced:  # not timed: tracemalloc slows every allocation
            tracemalloc.start()
        if args.profile:
            profiler.enable()
        t0, c0 = time.perf_counter(), time.process_time()
        r = client.post("/api/v1/monitoring/observations", body, content_type="application/json")
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        if args.profile:
            profiler.disable()
        if traced:
            peak_traced = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        assert r.status_code == 200, r.content[:300]
        result = r.json()
        assert result["accepted"] == len(records), result
        if traced:
            break
        api.append(took)
        api_cpu.append(cpu)
        by_code = {s.code: s.pk for s in stations}
        now = timezone.now()
        rows = [
            (
                by_code[x["station"]],
                "bench_raw",
                dt.datetime.fromisoformat(x["time"]),
                x["value"],
                now,
                0,
            )
            for x in records
        ]
        for label, (insert, delete) in baselines.items():
            best = best_cpu = None
            for _ in range(args.tries):
                t0, c0 = time.perf_counter(), time.process_time()
                with transaction.atomic(), connection.cursor() as cur:
                    cur.executemany(insert, rows)
                took, cpu = time.perf_counter() - t0, time.process_time() - c0
                best = took if best is None else min(best, took)
                best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
                with transaction.atomic(), connection.cursor() as cur:
                    cur.execute(delete)
            raw[label].append(best)
            raw_cpu[label].append(best_cpu)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_raw_obs")
    n = len(stations) * args.hours
    print(
        f"database: {connection.vendor}; stations: {len(stations)}; batches: {args.batches} × "
        f"{n:,} observations; load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'path':<32}{'seconds':>9}{'obs/s':>10}{'best batch s':>14}{'ratio':>8}{'best':>7}")
    rows_out = [("HTTP batch API (ingest+rules)", api)] + list(raw.items())
    for label, times in rows_out:
        total_s = sum(times)
        ratio = sum(raw["raw executemany, same table"]) / total_s
        best_ratio = min(raw["raw executemany, same table"]) / min(times)
        print(
            f"{label:<32}{total_s:>9.2f}{n * len(times) / total_s:>10,.0f}{min(times):>14.3f}"
            f"{ratio:>8.3f}{best_ratio:>7.3f}"
        )
    print("ratio: obs/s of the path ÷ obs/s of the raw executemany into the same table")
    base_cpu = raw_cpu["raw executemany, same table"]
    print("CPU time of this process (all of SQLite's work; PostgreSQL's server not included):")
    for label, times in [("HTTP batch API (ingest+rules)", api_cpu), *raw_cpu.items()]:
        print(
            f"  {label:<30} best batch {min(times):.3f} s CPU, ratio "
            f"{min(base_cpu) / min(times):.3f}"
        )
    print(
        f"RSS before the batches {rss_before:.0f} MB; peak RSS of the process {_rss_mb('VmHWM'):.0f} MB"
    )
    if peak_traced is not None:
        print(f"tracemalloc peak during one {n:,}-observation request: {peak_traced:.1f} MB")
    if args.profile:
        import pstats

        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats("yingji|ninja|django/db", args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
