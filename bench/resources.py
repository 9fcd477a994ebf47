"""Benchmark of 应急资源 at N× the demo's reserves, as ratios against a baseline in the same run.

    python bench/resources.py [--scale 10] [--repeat 5]
    python bench/resources.py --sites 1000 --lines 50000 --points 5000   # the issue's sizes

Uses its own SQLite database under YINGJI_VAR_DIR (default var/bench-resources/), loaded with
the demo data; then, as bench/scale.py does for enterprises and hazards, the demo's reserve sites
are cloned in bulk (site + its stock rows + one opening 入库 line per row, the cached balance equal
to the ledger) until there are N× the demo's sites and stock lines, spread around the originals
(±0.05°). Bulk rows skip the per-row audit, like every bulk load. Measures medians of:

  stock     the stock rows the city administrator may see (restrict + one query) → baseline
  layer     the 一图 layer of the sites (GET /api/v1/resources/geojson through the test client)
  by item   the same layer filtered by the most-held item (?item=…: the sites holding it)
  propose   the nearest-stock proposal for a 10-item request to 榆中 (candidates + allocation)
  forces    the nearest available teams/equipment for a request (3 specialties, 2 categories)
  export    the 一表 as xlsx (the list's export, through the page view, every row)
  print     the 一表 print page (grouped by county and site)
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_VAR_DIR", str(ROOT / "var" / "bench-resources"))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

PREFIX = "BENCH-RES-"


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def scale_sites(scale: int, rng: random.Random, *, target: int = 0) -> int:
    """Clone the demo's sites (with their stock and an opening ledger line) to N× their count
    (or to ``target`` active sites)."""

    from yingji.resources.models import Site, Stock

    base = list(Site.objects.exclude(code__startswith=PREFIX).filter(active=True))
    target = target or len(base) * scale
    todo = target - Site.objects.filter(active=True).count()
    if todo <= 0:
        return 0
    start = Site.objects.filter(code__startswith=PREFIX).count()
    sites = []
    for i in range(start, start + todo):
        src = base[i % len(base)]
        sites.append(
            Site(
                code=f"{PREFIX}{i:06d}",
                name=f"{src.name}(分库{i})",
                level=src.level,
                owner_id=src.owner_id,
                address=src.address,
                lon=round(src.lon + rng.uniform(-0.05, 0.05), 6),
                lat=round(src.lat + rng.uniform(-0.05, 0.05), 6),
                region_id=src.region_id,
                managers=src.managers,
                duty_phone=src.duty_phone,
                is_demo=True,
            )
        )
    Site.objects.bulk_create(sites, batch_size=500)
    by_src = {}
    for st in Stock.objects.filter(site__in=base):
        by_src.setdefault(st.site_id, []).append(st)
    clones = Site.objects.filter(code__startswith=PREFIX).order_by("code")[start:]
    stocks = []
    for n, site in enumerate(clones, start):
        src = base[n % len(base)]
        for st in by_src.get(src.pk, []):
            stocks.append(
                Stock(
                    site=site,
                    item_id=st.item_id,
                    quantity=max(0, st.quantity + rng.randint(-20, 20)),
                    minimum=st.minimum,
                )
            )
    Stock.objects.bulk_create(stocks, batch_size=1000)
    _opening_lines()
    return todo


def fill_lines(target: int, rng: random.Random) -> int:
    """Give the cloned sites more stock lines until there are ``target`` in all: the catalogue's
    items they do not hold yet, then bench items (code 399xxxx: 大类 3, 中类 99 收容类目,
    "基准测试物资"), each line with a random quantity and its opening 入库 line."""
    import math

    from yingji.resources.models import Item, Site, Stock

    need = target - Stock.objects.count()
    if need <= 0:
        return 0
    sites = list(Site.objects.filter(code__startswith=PREFIX).values_list("pk", flat=True))
    per_site = math.ceil(need / len(sites))
    held: dict[int, set[int]] = {}
    for site, item in Stock.objects.filter(site_id__in=sites).values_list("site_id", "item_id"):
        held.setdefault(site, set()).add(item)
    most = max(len(v) for v in held.values()) if held else 0
    wanted = most + per_site - Item.objects.count()
    if wanted > 0:
        Item.objects.bulk_create(
            Item(code=f"399{n:04d}", name=f"基准测试物资{n}", unit="件")
            for n in range(1, wanted + 1)
            if not Item.objects.filter(code=f"399{n:04d}").exists()
        )
    items = list(Item.objects.order_by("code").values_list("pk", flat=True))
    stocks = []
    for site in sites:
        free = [i for i in items if i not in held.get(site, set())]
        for item in free[:per_site]:
            if len(stocks) >= need:
                break
            stocks.append(Stock(site_id=site, item_id=item, quantity=rng.randint(0, 500)))
    Stock.objects.bulk_create(stocks, batch_size=2000)
    _opening_lines()
    return len(stocks)


def _opening_lines() -> None:
    from django.utils import timezone

    from yingji.resources.models import Movement, Stock

    now = timezone.now()
    Movement.objects.bulk_create(
        (
            Movement(
                stock=st,
                kind="in",
                quantity=st.quantity,
                document_no="BENCH-OPEN",
                reason="基准测试:期初库存(批量)",
                occurred_at=now,
            )
            for st in Stock.objects.filter(site__code__startswith=PREFIX, quantity__gt=0).filter(
                movements__isnull=True
            )
        ),
        batch_size=1000,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--sites", type=int, default=0, help="grow to this many active sites (instead of --scale)"
    )
    parser.add_argument(
        "--lines", type=int, default=0, help="then give the clones stock lines to this many in all"
    )
    parser.add_argument(
        "--points",
        type=int,
        default=0,
        help="after the other steps, grow to this many sites and time the 一图 layer",
    )
    parser.add_argument(
        "--steps",
        default="",
        help="only these steps (comma-separated: stock,layer,layer_item,propose,forces,export,"
        "print); the baseline (stock) is always measured",
    )
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import Sum
    from django.test import Client

    from yingji.core.context import actor_context
    from yingji.resources import selectors, services
    from yingji.resources.models import Site, Stock, SupplyRequest
    from yingji.resources.schemas import RequestIn

    call_command("migrate", verbosity=0)
    if not Site.objects.exists():
        call_command("yingji_demo", stdout=open(os.devnull, "w"))
    admin = get_user_model().objects.get(username="city_admin")
    with actor_context(admin, source="cli"):
        added = scale_sites(args.scale, random.Random(16), target=args.sites)
        if args.lines:
            added_lines = fill_lines(args.lines, random.Random(17))
            print(f"stock lines added: {added_lines}")
        held = (
            Stock.objects.values("item__code")
            .annotate(n=Sum("quantity"))
            .order_by("-n", "item__code")
        )
        codes = [row["item__code"] for row in held[:10]]
        request = SupplyRequest.objects.filter(reason="基准测试").first()
        if request is None:
            request = services.do_create_request(
                actor=admin,
                data=RequestIn(
                    destination="榆中县城关镇(基准测试)",
                    lon=104.12,
                    lat=35.86,
                    needed_by="2030-01-01T08:00:00+08:00",
                    reason="基准测试",
                    lines=[{"item": c, "quantity": 300} for c in codes],
                    teams=[{"category": c, "count": 1} for c in ("water", "general", "geohazard")],
                    equipment=[{"category": c, "count": 1} for c in ("drainage", "power")],
                ),
            )
    sites = Site.objects.filter(active=True).count()
    lines = Stock.objects.count()
    print(f"sites {sites} (added {added}), stock lines {lines}, request items {len(codes)}")
    client = Client()
    client.force_login(admin)

    def stock():
        return list(selectors.visible_stock(admin).values_list("pk", "quantity", "reserved"))

    def propose():
        return services.proposal_for(request)

    def forces():
        return services.force_proposal_for(request)

    def export():
        r = client.get("/resources/stock/?export=xlsx")
        assert r.status_code == 200, r.status_code
        return io.BytesIO(b"".join(r.streaming_content))

    def printed():
        r = client.get("/resources/stock/print/")
        assert r.status_code == 200, r.status_code
        return r.content

    def layer():
        r = client.get("/api/v1/resources/geojson")
        assert r.status_code == 200, r.status_code
        return r.content

    def layer_item():
        r = client.get(f"/api/v1/resources/geojson?item={codes[0]}")
        assert r.status_code == 200, r.status_code
        return r.content

    steps = [
        ("stock rows the city admin sees (baseline)", stock),
        ("一图 layer of the sites (GeoJSON, server)", layer),
        ("一图 layer filtered by the most-held item", layer_item),
        ("nearest-stock proposal, 10-item request", propose),
        ("nearest teams/equipment proposal (5 lines)", forces),
        ("一表 export (xlsx, every row)", export),
        ("一表 print page", printed),
    ]
    keys = ["stock", "layer", "layer_item", "propose", "forces", "export", "print"]
    wanted = set(args.steps.split(",")) | {"stock"} if args.steps else set(keys)
    steps = [step for key, step in zip(keys, steps, strict=True) if key in wanted]
    results = [(name, timed(fn, args.repeat)) for name, fn in steps]
    base = results[0][1]
    print(f"| step | ms (median of {args.repeat}) | × baseline |")
    print("|---|---:|---:|")
    for name, ms in results:
        print(f"| {name} | {ms:.1f} | {ms / base:.1f} |")
    legs = propose()
    print(f"proposal: {len(legs.legs)} legs, shortfall {legs.shortfall}")
    if args.points:
        with actor_context(admin, source="cli"):
            scale_sites(1, random.Random(18), target=args.points)
        points = len(client.get("/api/v1/resources/geojson").json()["features"])
        lines = Stock.objects.count()
        base = timed(stock, args.repeat)
        ms = timed(layer, args.repeat)
        by_item = timed(layer_item, args.repeat)
        print(f"sites {points} points, stock lines {lines}")
        print(f"| stock rows the city admin sees (baseline) | {base:.1f} | 1.0 |")
        print(f"| 一图 layer, {points} points | {ms:.1f} | {ms / base:.1f} |")
        print(
            f"| 一图 layer, {points} points, item {codes[0]} | {by_item:.1f} | {by_item / base:.1f} |"
        )


if __name__ == "__main__":
    main()
