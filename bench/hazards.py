"""Benchmark of the 一责三排 queue, as ratios against a baseline in the same run.

    python bench/hazards.py [--hazards 2000] [--repeat 5]

Uses its own SQLite database under YINGJI_VAR_DIR (default var/bench/), loaded with the demo data,
then adds --hazards open hazards at demo enterprises (bulk, marked as bench). Measures medians of:

  list      fetching the open hazards the city admin may see (restrict + one query) → baseline
  queue     the ranked queue (the same fetch + the priority score of each, sorted)
  geojson   the open-hazard layer of the risk map
  stats     the statistics page's figures
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_VAR_DIR", str(ROOT / "var" / "bench"))


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from yingji.core.context import actor_context
    from yingji.enterprises.models import Enterprise
    from yingji.hazards import selectors
    from yingji.hazards.choices import OPEN_STATES
    from yingji.hazards.models import Hazard

    call_command("migrate", verbosity=0)
    if not Enterprise.objects.exists():
        call_command("yingji_demo", stdout=open(os.devnull, "w"))
    admin = get_user_model().objects.get(username="city_admin")
    have = Hazard.objects.filter(code__startswith="BENCH").count()
    if have < args.hazards:
        rng = random.Random(1)
        enterprises = list(Enterprise.objects.all())
        today = date.today()
        with actor_context(admin, source="cli"):
            Hazard.objects.bulk_create(
                [
                    Hazard(
                        code=f"BENCH{have + i:07d}",
                        enterprise=(ent := rng.choice(enterprises)),
                        region_id=ent.region_id,
                        source="enforcement",
                        category=rng.choice(["equipment", "fire", "management"]),
                        description="基准测试隐患",
                        found_on=today - timedelta(days=rng.randint(1, 300)),
                        level="major" if rng.random() < 0.05 else "general",
                        state=rng.choice(OPEN_STATES),
                        deadline=today - timedelta(days=rng.randint(-30, 60)),
                        people_exposed=rng.randint(0, 100),
                    )
                    for i in range(args.hazards - have)
                ]
            )
    open_count = Hazard.objects.filter(state__in=OPEN_STATES).count()
    results = {
        "list": timed(
            lambda: list(selectors.visible_hazards(admin).filter(state__in=OPEN_STATES)),
            args.repeat,
        ),
        "queue": timed(lambda: selectors.ranked_queue(admin), args.repeat),
        "geojson": timed(lambda: selectors.open_hazard_features(admin, {}), args.repeat),
        "stats": timed(lambda: selectors.statistics(admin), args.repeat),
    }
    print(f"open hazards: {open_count}")
    print(f"{'step':<10}{'ms (median)':>14}{'× list':>10}")
    for name, ms in results.items():
        print(f"{name:<10}{ms:>14.1f}{ms / results['list']:>10.1f}")


if __name__ == "__main__":
    main()
