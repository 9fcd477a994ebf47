"""Build an N× 兰州 world for load tests, in a database of its own.

    YINGJI_VAR_DIR=var/scale10 python bench/scale.py --scale 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingji_scale python bench/scale.py --scale 10

Never touches the test database: the database is the one YINGJI_VAR_DIR / DATABASE_URL name
(default var/scale<N>/yingji.sqlite3). Steps (each idempotent, re-running tops up to the target):

1. migrate + the demo data (`yingji demo`, through the real services);
2. enterprises: the demo's enterprises cloned (organisation + enterprise, bulk) to N× their count;
3. hazards: N× ~2,000 hazards (≈ 16 % open) spread over all enterprises, bulk;
4. inspections: 30 × N (300 at 10×), the demo's, cloned with fresh numbers/serials;
5. progress reports: extra reporting cycles of the demo plans until N× the demo's reports exist.

Bulk paths skip the per-row audit (as every bulk load of reference data does); one AuditEvent
per step records the load. Rows carry is_demo where the model has it.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup(scale: int):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    if "DATABASE_URL" not in os.environ:
        os.environ.setdefault("YINGJI_VAR_DIR", str(ROOT / "var" / f"scale{scale}"))
    import django

    django.setup()


HAZARDS_PER_SCALE = 2000
OPEN_SHARE = 0.163
INSPECTIONS_PER_SCALE = 30


def _demo(stdout):
    from django.core.management import call_command

    from yingji.enterprises.models import Enterprise

    call_command("migrate", verbosity=0)
    if not Enterprise.objects.exists():
        call_command("yingji_demo", stdout=stdout)


def _enterprises(scale: int, rng: random.Random) -> int:
    from yingji.enterprises.models import Enterprise
    from yingji.orgs.models import Organisation

    base = list(
        Enterprise.objects.exclude(organisation__code__startswith="SCALE-").select_related(
            "organisation", "organisation__parent"
        )
    )
    target = len(base) * scale
    have = Enterprise.objects.count()
    todo = target - have
    if todo <= 0:
        return 0
    start = Organisation.objects.filter(code__startswith="SCALE-").count()
    orgs, ents = [], []
    for i in range(start, start + todo):
        src = base[i % len(base)]
        o = src.organisation
        code = f"SCALE-{i:06d}"
        orgs.append(
            Organisation(
                code=code,
                name=f"{o.name}(第{i // len(base) + 2}分厂{i})",
                kind=o.kind,
                parent=o.parent,
                path=(o.parent.path if o.parent else "/") + f"{code}/",
                region_id=o.region_id,
                is_demo=True,
            )
        )
    Organisation.objects.bulk_create(orgs, batch_size=500)
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[o.code for o in orgs])}
    for i in range(start, start + todo):
        src = base[i % len(base)]
        jitter = rng.uniform(-0.01, 0.01)
        ents.append(
            Enterprise(
                organisation=orgs[f"SCALE-{i:06d}"],
                uscc=f"91SC{i:014d}",
                legal_representative=src.legal_representative,
                principal=src.principal,
                principal_phone=src.principal_phone,
                address=src.address,
                lon=(src.lon + jitter) if src.lon is not None else None,
                lat=(src.lat + jitter) if src.lat is not None else None,
                coord_source=src.coord_source,
                region_id=src.region_id,
                located_region_id=src.located_region_id,
                sector=src.sector,
                scale=src.scale,
                employees=src.employees,
                status=src.status,
                major_hazard_grade=src.major_hazard_grade,
                tier=src.tier,
                tier_computed=src.tier_computed,
                tier_reason=src.tier_reason,
            )
        )
    Enterprise.objects.bulk_create(ents, batch_size=500)
    return todo


def _hazards(scale: int, rng: random.Random) -> int:
    from yingji.enterprises.models import Enterprise
    from yingji.hazards.choices import OPEN_STATES
    from yingji.hazards.models import Hazard

    target = HAZARDS_PER_SCALE * scale
    have = Hazard.objects.count()
    todo = target - have
    if todo <= 0:
        return 0
    ents = list(Enterprise.objects.values("pk", "region_id", "sector", "lon", "lat"))
    start = Hazard.objects.filter(code__startswith="SC").count()
    today = date.today()
    cats = ["equipment", "fire", "management", "electrical", "other"]
    cats = [c for c in cats if c in dict(Hazard._meta.get_field("category").choices)] or [
        Hazard._meta.get_field("category").choices[0][0]
    ]
    rows = []
    for i in range(start, start + todo):
        e = rng.choice(ents)
        is_open = rng.random() < OPEN_SHARE
        found = today - timedelta(days=rng.randint(1, 700))
        rows.append(
            Hazard(
                code=f"SC{i:08d}",
                enterprise_id=e["pk"],
                region_id=e["region_id"],
                lon=e["lon"],
                lat=e["lat"],
                sector=e["sector"],
                source=rng.choice(["self_inspection", "enforcement", "department"]),
                category=rng.choice(cats),
                description=f"规模测试隐患:{rng.choice(['消防通道堵塞', '安全阀未校验', '电气线路老化', '应急预案未演练', '特种作业人员无证上岗'])}",
                location=rng.choice(["生产车间", "仓库", "罐区", "办公楼", "配电室"]),
                found_on=found,
                finder="检查组",
                level="major" if rng.random() < 0.05 else "general",
                state=rng.choice(OPEN_STATES) if is_open else "closed",
                deadline=found + timedelta(days=rng.randint(10, 90)),
                people_exposed=rng.randint(0, 100),
                is_demo=True,
            )
        )
    Hazard.objects.bulk_create(rows, batch_size=1000)
    return todo


def _inspections(scale: int, rng: random.Random) -> int:
    from django.db.models import Max

    from yingji.enterprises.models import Enterprise
    from yingji.inspections.models import Inspection

    base = list(Inspection.objects.exclude(number__startswith="SC-"))
    if not base:
        return 0
    target = INSPECTIONS_PER_SCALE * scale
    todo = target - Inspection.objects.count()
    if todo <= 0:
        return 0
    ent_ids = list(Enterprise.objects.values_list("pk", flat=True))
    serial = (Inspection.objects.aggregate(m=Max("serial"))["m"] or 0) + 1000
    start = Inspection.objects.filter(number__startswith="SC-").count()
    rows = []
    fields = [
        f.name
        for f in Inspection._meta.concrete_fields
        if f.name not in ("id", "number", "serial", "enterprise", "created_at", "updated_at")
    ]
    for i in range(start, start + todo):
        src = base[i % len(base)]
        row = Inspection(**{f: getattr(src, f) for f in fields if not f.endswith("_ptr")})
        row.number = f"SC-{i:06d}"
        row.serial = serial + i
        row.enterprise_id = rng.choice(ent_ids)
        row.is_demo = True
        rows.append(row)
    Inspection.objects.bulk_create(rows, batch_size=500)
    return todo


def _reports(scale: int, rng: random.Random) -> int:
    from yingji.workplan.models import ProgressReport, ReportingCycle

    base = list(
        ProgressReport.objects.exclude(cycle__name__startswith="规模测试").select_related("cycle")
    )
    if not base:
        return 0
    target = len(base) * scale
    made = 0
    k = ReportingCycle.objects.filter(name__startswith="规模测试").count()
    fields = [
        f.name
        for f in ProgressReport._meta.concrete_fields
        if f.name not in ("id", "cycle", "created_at", "updated_at")
    ]
    while ProgressReport.objects.count() < target:
        k += 1
        by_cycle = {}
        for r in base:
            if r.cycle_id not in by_cycle:
                by_cycle[r.cycle_id] = ReportingCycle.objects.create(
                    plan_id=r.cycle.plan_id,
                    name=f"规模测试周期{k}-{r.cycle_id}",
                    kind=r.cycle.kind,
                    due=r.cycle.due + timedelta(days=30 * k),
                )
        room = target - ProgressReport.objects.count()
        rows = []
        for r in base[:room]:
            row = ProgressReport(**{f: getattr(r, f) for f in fields})
            row.cycle = by_cycle[r.cycle_id]
            rows.append(row)
        ProgressReport.objects.bulk_create(rows, batch_size=500)
        made += len(rows)
    return made


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    _setup(args.scale)
    from django.conf import settings

    from yingji.core.audit import record_event
    from yingji.core.context import actor_context

    db = settings.DATABASES["default"]
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}")
    if "test" in str(db["NAME"]).rsplit("/", 1)[-1]:
        sys.exit("refusing to load a test database")
    rng = random.Random(args.seed)
    with actor_context(None, source="cli", label="cli:bench-scale"):
        t0 = time.perf_counter()
        _demo(open(os.devnull, "w"))
        print(f"demo: {time.perf_counter() - t0:.1f} s")
        for name, step in [
            ("enterprises", _enterprises),
            ("hazards", _hazards),
            ("inspections", _inspections),
            ("progress reports", _reports),
        ]:
            t0 = time.perf_counter()
            n = step(args.scale, rng)
            if n:
                record_event("bench.scale", f"规模测试数据:{name} +{n}", scale=args.scale)
            print(f"{name}: +{n} ({time.perf_counter() - t0:.1f} s)")
        from yingji.core.textsearch import rebuild

        t0 = time.perf_counter()
        rebuild()  # bulk_create bypasses the signals that keep the search index current
        print(f"search index: {time.perf_counter() - t0:.1f} s")
    _summary()


def _summary():
    from yingji.enterprises.models import Enterprise
    from yingji.hazards.choices import OPEN_STATES
    from yingji.hazards.models import Hazard
    from yingji.inspections.models import Inspection
    from yingji.workplan.models import ProgressReport

    print(
        f"enterprises {Enterprise.objects.count()}, hazards {Hazard.objects.count()} "
        f"(open {Hazard.objects.filter(state__in=OPEN_STATES).count()}), "
        f"inspections {Inspection.objects.count()}, progress reports {ProgressReport.objects.count()}"
    )


if __name__ == "__main__":
    main()
