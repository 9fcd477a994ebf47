"""Demo monitoring data (all 演示): about 60 stations across 兰州 — rain gauges and water-level
stations along the 黄河 and its tributaries (湟水, 庄浪河, 宛川河, 雷坛河), landslide monitoring
points on the 城关/七里河 hillsides, tank-level and gas sensors at the 西固 petrochemical demo
enterprises (DEMO-ENT-620104-*) — and a summer storm replayed through the SAME ingest service
over the last 24 hours before the load, which leaves alarms of several levels on the board.

Deterministic given the day it runs, idempotent (nothing is added when the demo stations
exist), fast (stations in one bulk_create; ~2,000 observations in one ingest batch)."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.prepared import prep

from yingji.core.audit import record_event
from yingji.core.context import actor_context, get_actor_context
from yingji.enterprises.selectors import visible_enterprises
from yingji.geo.models import Region
from yingji.orgs.models import Organisation

from . import services
from .models import Station

SEED = 2024
PREFIX = "DEMO-"
HOURS = 24

# (code, name, county, lon, lat, kind): places along the rivers (approximate; a point falling
# outside its county is moved to a random point inside it)
RIVER = [
    ("HH-XG-01", "黄河西固河口雨量站", "620104", 103.555, 36.125, "rain"),
    ("HH-XG-02", "黄河西柳沟雨量站", "620104", 103.640, 36.105, "rain"),
    ("HH-XG-03", "西固寺儿沟雨量站", "620104", 103.600, 36.090, "rain"),
    ("HH-QLH-01", "黄河七里河桥雨量站", "620103", 103.770, 36.075, "rain"),
    ("HH-QLH-02", "雷坛河阿干镇雨量站", "620103", 103.860, 35.880, "rain"),
    ("HH-QLH-03", "雷坛河八里镇雨量站", "620103", 103.800, 35.990, "rain"),
    ("HH-AN-01", "黄河安宁桥雨量站", "620105", 103.720, 36.105, "rain"),
    ("HH-AN-02", "安宁沙井驿雨量站", "620105", 103.660, 36.130, "rain"),
    ("HH-CG-01", "黄河中山桥雨量站", "620102", 103.825, 36.065, "rain"),
    ("HH-CG-02", "城关雁滩雨量站", "620102", 103.890, 36.070, "rain"),
    ("HH-CG-03", "城关东岗雨量站", "620102", 103.920, 36.050, "rain"),
    ("HH-CG-04", "城关皋兰山雨量站", "620102", 103.830, 36.030, "rain"),
    ("HS-HG-01", "湟水河海石湾雨量站", "620111", 102.850, 36.330, "rain"),
    ("HS-HG-02", "湟水河窑街雨量站", "620111", 102.900, 36.390, "rain"),
    ("HS-HG-03", "湟水河红古城雨量站", "620111", 103.050, 36.280, "rain"),
    ("ZL-YD-01", "庄浪河永登城关雨量站", "620121", 103.260, 36.740, "rain"),
    ("ZL-YD-02", "庄浪河中堡雨量站", "620121", 103.300, 36.600, "rain"),
    ("ZL-YD-03", "庄浪河河桥雨量站", "620121", 103.330, 36.490, "rain"),
    ("HH-GL-01", "黄河什川雨量站", "620122", 103.980, 36.170, "rain"),
    ("HH-GL-02", "皋兰石洞雨量站", "620122", 103.950, 36.320, "rain"),
    ("WC-YZ-01", "宛川河榆中城关雨量站", "620123", 104.110, 35.850, "rain"),
    ("WC-YZ-02", "宛川河夏官营雨量站", "620123", 104.130, 35.960, "rain"),
    ("WC-YZ-03", "榆中青城雨量站", "620123", 104.250, 36.370, "rain"),
    ("HH-YZ-04", "黄河桑园峡雨量站", "620123", 104.000, 36.080, "rain"),
    ("HH-XG-W1", "黄河西固水位站", "620104", 103.620, 36.110, "water"),
    ("HH-CG-W1", "黄河兰州水文站", "620102", 103.810, 36.070, "water"),
    ("HS-HG-W1", "湟水河民和桥水位站", "620111", 102.880, 36.320, "water"),
    ("ZL-YD-W1", "庄浪河永登水位站", "620121", 103.265, 36.730, "water"),
]
SLOPES = [
    ("DZ-CG-01", "皋兰山北坡滑坡监测点", "620102", 103.835, 36.040),
    ("DZ-CG-02", "五泉山东侧不稳定斜坡", "620102", 103.820, 36.045),
    ("DZ-CG-03", "徐家山滑坡监测点", "620102", 103.860, 36.090),
    ("DZ-CG-04", "东岗罗锅沟滑坡监测点", "620102", 103.930, 36.045),
    ("DZ-QLH-01", "华林山滑坡监测点", "620103", 103.760, 36.050),
    ("DZ-QLH-02", "七里河魏岭不稳定斜坡", "620103", 103.740, 36.030),
    ("DZ-QLH-03", "晏家坪滑坡监测点", "620103", 103.780, 36.040),
    ("DZ-QLH-04", "彭家坪边坡监测点", "620103", 103.720, 36.040),
]
# storm: station code suffix → hourly rain (mm) of the last hours of the replay, ending an hour
# before the load; the other rain gauges get 0–1 mm
STORMS = {
    "HH-CG-04": [5, 10, 25, 40, 45, 30],  # 3 h 115 mm → 红 (raised 蓝 … escalated)
    "HH-CG-01": [2, 6, 12, 20, 18, 15],  # 3 h 53 mm → 橙
    "HH-QLH-02": [4, 6, 9, 10, 10, 9, 8, 5],  # 6 h 51 mm → 黄
    "HH-QLH-01": [1, 3, 5, 7, 8, 8, 7, 6, 5],  # 12 h 50 mm → 蓝
    "HH-CG-02": [2, 3, 5, 6, 6, 5, 5, 4, 4, 3, 3, 4],  # 12 h 50 mm → 蓝
    "HH-AN-01": [2, 3, 4, 5, 5, 5, 4, 4, 4, 3, 2, 1],  # 12 h 42 mm → no alarm
}

# stations that fell silent (no data for the last N hours: 离线, with a 设备离线 alarm) and one
# detector that sends only implausible values for the last hours (故障)
SILENT = {"DZ-QLH-04": 8, "XG-E03-GAS2": 5}
FAULTY = {"XG-E04-GAS1": 3}


def _admin():
    User = get_user_model()
    return (
        User.objects.filter(is_superuser=True).first()
        or User.objects.filter(username="city_admin").first()
    )


def _shapes(codes):
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return regions, {c: prep(shape(r.geometry)) for c, r in regions.items() if r.boundary}


def _inside(rng, region, prepared, lon, lat):
    if prepared.contains(Point(lon, lat)):
        return lon, lat
    minx, miny, maxx, maxy = shape(region.geometry).bounds
    for _ in range(10000):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if prepared.contains(Point(x, y)):
            return round(x, 6), round(y, 6)
    raise RuntimeError("no demo point inside the county")


def _element(code, interval=60, **extra):
    from .choices import element_catalogue

    base = element_catalogue()[code]
    return {
        "code": code,
        "unit": base["unit"],
        "interval": interval,
        "min": base["min"],
        "max": base["max"],
        **extra,
    }


def _stations(rng) -> list[Station]:
    counties = {row[2] for row in RIVER} | {row[2] for row in SLOPES} | {"620104"}
    regions, prepared = _shapes(counties)
    bureau = Organisation.objects.filter(code="LZYJJ").first()
    county_bureaus = {
        o.region.code: o
        for o in Organisation.objects.filter(kind="county_bureau").select_related("region")
    }
    out = []
    for code, name, county, lon, lat, kind in RIVER:
        lon, lat = _inside(rng, regions[county], prepared[county], lon, lat)
        elements = (
            [_element("rain")] if kind == "rain" else [_element("water_level"), _element("rain")]
        )
        out.append(
            Station(
                code=PREFIX + code,
                name=name + "(演示)",
                kind=kind,
                owner=county_bureaus.get(county, bureau),
                lon=lon,
                lat=lat,
                region=regions[county],
                elements=elements,
            )
        )
    for code, name, county, lon, lat in SLOPES:
        lon, lat = _inside(rng, regions[county], prepared[county], lon, lat)
        out.append(
            Station(
                code=PREFIX + code,
                name=name + "(演示)",
                kind="geohazard",
                owner=county_bureaus.get(county, bureau),
                lon=lon,
                lat=lat,
                region=regions[county],
                elements=[_element("displacement"), _element("crack_width"), _element("rain")],
            )
        )
    admin = _admin()
    enterprises = list(
        visible_enterprises(admin)
        .filter(organisation__code__in=[f"DEMO-ENT-620104-{i:02d}" for i in range(1, 7)])
        .order_by("organisation__code")
    )
    from yingji.risk.models import MajorHazardUnit

    units = {}
    for unit in MajorHazardUnit.objects.filter(enterprise__in=enterprises).order_by("pk"):
        units.setdefault(unit.enterprise_id, unit)
    for ent in enterprises:
        n = ent.organisation.code.rsplit("-", 1)[-1]
        base_lon = ent.lon if ent.lon is not None else 103.62
        base_lat = ent.lat if ent.lat is not None else 36.10
        for i, (kind, element, label) in enumerate(
            [
                ("tank", "tank_level", "储罐液位计 T-1"),
                ("tank", "tank_level", "储罐液位计 T-2"),
                ("gas", "gas_lel", "可燃气体探测器 G-1"),
                ("gas", "gas_lel", "可燃气体探测器 G-2"),
            ]
        ):
            lon, lat = _inside(
                rng,
                regions["620104"],
                prepared["620104"],
                round(base_lon + rng.uniform(-0.002, 0.002), 6),
                round(base_lat + rng.uniform(-0.002, 0.002), 6),
            )
            elements = [_element(element)]
            if kind == "tank":
                elements.append(_element("pressure"))
            out.append(
                Station(
                    code=f"{PREFIX}XG-E{n}-{kind.upper()}{i % 2 + 1}",
                    name=f"{ent.organisation.name.replace('(演示)', '')} {label}(演示)",
                    kind=kind,
                    owner=ent.organisation,
                    enterprise=ent,
                    hazard_unit=units.get(ent.pk),
                    lon=lon,
                    lat=lat,
                    region=ent.located_region or ent.region,
                    elements=elements,
                )
            )
    now = timezone.now()
    for s in out:
        s.is_demo = True
        s.installed_on = dt.date(2021, 6, 1)
        s.offline_at = now + s.offline_after  # until the replayed data says otherwise
    return out


def _iso(t):
    return timezone.localtime(t).isoformat()


def _series(rng, stations, end, now=None) -> list[dict]:
    """Hourly observations of the last 24 hours: the storm on the STORMS gauges (its last hour
    is ``end``), drizzle elsewhere, slowly creeping slopes, tanks and gas detectors near normal
    with a gas leak at one unit and a high tank at another. The FAULTY detector's implausible
    values come at its own interval up to ``now`` (not on the hour), so that it reads 故障
    from the load on, not 离线 once the last full hour is two intervals old."""
    hours = [end - dt.timedelta(hours=HOURS - 1 - i) for i in range(HOURS)]
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    obs = []
    for s in stations:
        key = s.code.removeprefix(PREFIX)
        for code in [e["code"] for e in s.elements]:
            storm = STORMS.get(key) if code == "rain" else None
            for i, t in enumerate(hours):
                if i >= HOURS - SILENT.get(key, 0):
                    continue
                if code == "rain":
                    if storm:
                        k = i - (HOURS - len(storm))
                        v = storm[k] if k >= 0 else 0.0
                    else:
                        v = round(rng.choice([0, 0, 0, 0.2, 0.5, 1.0]), 1)
                elif code == "water_level":
                    v = round(1512.0 + 0.02 * i + rng.uniform(-0.05, 0.05), 2)
                elif code == "displacement":
                    v = round(12.0 + 0.15 * i * (3 if key == "DZ-CG-01" else 1), 2)
                elif code == "crack_width":
                    v = round(3.0 + 0.02 * i, 2)
                elif code == "tank_level":
                    v = round(11.0 + rng.uniform(-0.3, 0.3), 2)
                    if key == "XG-E02-TANK1" and i >= HOURS - 3:
                        v = [16.2, 16.9, 17.6][i - (HOURS - 3)]  # 高 → 高高
                elif code == "pressure":
                    v = round(0.25 + rng.uniform(-0.02, 0.02), 3)
                else:  # gas_lel
                    v = round(rng.uniform(0, 3), 1)
                    if key == "XG-E01-GAS1" and i >= HOURS - 2:
                        v = [28.0, 31.5][i - (HOURS - 2)]  # 一级报警
                    if i >= HOURS - FAULTY.get(key, 0):
                        v = 180.0  # a broken detector: outside 0–100 %LEL, quarantined
                        t = now - (HOURS - 1 - i) * dt.timedelta(minutes=s.interval_minutes)
                obs.append({"station": s.code, "element": code, "time": _iso(t), "value": v})
    return obs


def load_demo(seed: int = SEED) -> dict:
    if Station.objects.filter(code__startswith=PREFIX, is_demo=True).exists():
        return {"stations": 0, "observations": 0, "alarms": 0}
    rng = random.Random(seed)
    admin = _admin()
    stations = _stations(rng)
    Station.objects.bulk_create(stations)
    record_event(
        "monitoring.demo.loaded",
        f"载入演示监测站点 {len(stations)} 个(雨量、水位、地质灾害、储罐、可燃气体)",
    )
    end = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    observations = _series(rng, stations, end, timezone.now())
    ctx = get_actor_context()
    if ctx is not None:
        result = services.do_ingest_observations(actor=admin, records=observations, source="demo")
    else:
        with actor_context(admin, source="cli", label="demo"):
            result = services.do_ingest_observations(
                actor=admin, records=observations, source="demo"
            )
    with actor_context(None, source="job", label="job:monitoring_sweep"):
        offline = services.do_raise_offline_alarms()
    _ingest_token()
    return {
        "stations": len(stations),
        "observations": result.accepted,
        "alarms": len(result.alarms) + offline["offline_raised"],
    }


def _ingest_token() -> None:
    """The demo enterprise's 数据接入令牌 for its DCS (the key is thrown away: it is a demo)."""
    from .schemas import IngestTokenIn

    user = get_user_model().objects.filter(username="ent_user").first()
    if user is None:
        return
    with actor_context(user, source="cli", label="demo"):
        services.do_create_ingest_token(
            actor=user,
            data=IngestTokenIn(name="储罐区 DCS 数据接入(演示)", owner="DEMO-ENT-620104-01"),
        )


# --- The demo feed: keeps the demo stations reporting while the platform runs ------------------
# `yingji demo` replays the last 24 hours once; without more data every demo station counts as
# 离线 two reporting intervals later. `yingji serve` runs `yingji monitoring-demo-feed --every
# 600` beside the server (hook serve_companions) when the database holds the demo stations: each
# round ingests, through the same service as any sensor, the hourly values missing since each
# series' last one (at most FEED_CATCH_UP_HOURS back). The storm is over (rain 0–1 mm), the other
# elements stay near their last value (so the high tank and the gas leak persist until someone
# handles them), the SILENT stations stay silent and the FAULTY detector keeps sending
# implausible values at its own interval up to the present (so it reads 故障 at any moment).

FEED_CATCH_UP_HOURS = 72
STEADY = {"water_level": 0.03, "displacement": 0.01, "crack_width": 0.005, "pressure": 0.01}


def has_demo_stations() -> bool:
    return Station.objects.filter(code__startswith=PREFIX, is_demo=True).exists()


def _fed_value(key: str, element: str, last: float, rng: random.Random) -> float:
    if key in FAULTY:
        return 180.0
    if element == "rain":
        return round(rng.choice([0, 0, 0, 0, 0.2, 0.5]), 1)
    if element == "gas_lel" and last < 10:
        return round(rng.uniform(0, 3), 1)
    if element == "tank_level" and last < 15:
        return round(11.0 + rng.uniform(-0.3, 0.3), 2)
    spread = STEADY.get(element, 0.0)
    return round(last + rng.uniform(-spread, spread), 3)


def feed_records(now=None) -> list[dict]:
    """The hourly values missing since each demo series' last value, up to the last full hour."""
    from django.db.models import Max

    from .models import Observation

    now = now or timezone.now()
    end = now.replace(minute=0, second=0, microsecond=0)
    start_floor = end - dt.timedelta(hours=FEED_CATCH_UP_HOURS)
    stations = {
        s.pk: s
        for s in Station.objects.filter(code__startswith=PREFIX, is_demo=True, disabled=False)
        if s.code.removeprefix(PREFIX) not in SILENT
    }
    lasts = list(
        Observation.objects.filter(station_id__in=stations)
        .values("station_id", "element")
        .annotate(last=Max("time"))
    )
    last_values = {
        (o.station_id, o.element, o.time): o.value
        for o in Observation.objects.filter(
            station_id__in=stations, time__in={row["last"] for row in lasts}
        )
    }
    records = []
    for row in lasts:
        station = stations[row["station_id"]]
        key, element = station.code.removeprefix(PREFIX), row["element"]
        last = last_values.get((station.pk, element, row["last"]), 0.0)
        # a faulty detector's values are quarantined, not stored: they go on after the latest
        # of them at its own interval up to now (it stays 故障, never 离线 between rounds)
        step, stop = dt.timedelta(hours=1), end
        if key in FAULTY:
            step, stop = dt.timedelta(minutes=station.interval_minutes), now
        latest = max(row["last"], station.last_implausible_at or row["last"])
        t = max(latest, start_floor) + step
        while t <= stop:
            rng = random.Random(f"{station.code}|{element}|{t.isoformat()}")
            last = _fed_value(key, element, last, rng)
            records.append(
                {"station": station.code, "element": element, "time": _iso(t), "value": last}
            )
            t += step
    return records


def feed_demo(now=None) -> dict:
    """One round of the demo feed, as the demo administrator (source "demo"); audited per batch
    like any ingest. Nothing to do (the series are current): nothing written."""
    records = feed_records(now)
    if not records:
        return {"observations": 0, "alarms": 0}
    admin = _admin()
    with actor_context(admin, source="job", label="job:monitoring_demo_feed"):
        result = services.do_ingest_observations(actor=admin, records=records, source="demo")
    return {"observations": result.accepted, "alarms": len(result.alarms)}
