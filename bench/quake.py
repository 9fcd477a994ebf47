"""The rapid earthquake estimate (issue #17, T29): the districts' estimate alone (the baseline:
what the page computed before the townships) against the whole assessment with every township
(districts + townships + exposure + suggested level + outlines), in one process on the same
database, as medians in ms and × baseline.

    YINGJI_VAR_DIR=var .venv/bin/python bench/quake.py --repeat 7

Run on a database with the region table loaded (`yingji demo` or `yingji init`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")

CASES = [
    ("Ms 6.0 榆中, strike unknown", {"lon": 104.11, "lat": 35.85, "magnitude": 6.0}),
    ("Ms 6.0 榆中, strike 120°", {"lon": 104.11, "lat": 35.85, "magnitude": 6.0, "strike": 120}),
    (
        "Ms 7.0 永登, 汪素云",
        {"lon": 103.26, "lat": 36.73, "magnitude": 7.0, "model": "wang2000_west"},
    ),
]


def median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.db import connection

    from yingji.disasters import selectors
    from yingji.disasters.schemas import QuakeIn
    from yingji.geo.models import Region

    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, {connection.vendor}")
    print(f"townships {Region.objects.filter(level='township').count()}")
    print("case | districts only ms | whole assessment ms | townships ms | whole ×")
    for label, params in CASES:
        data = QuakeIn(**params)
        selectors.quake_assessment(data)  # warm the caches (tables, boundaries)
        base = median_ms(lambda d=data: selectors.quake_estimate(d), args.repeat)
        whole = median_ms(lambda d=data: selectors.quake_assessment(d), args.repeat)
        towns = median_ms(lambda d=data: selectors.township_estimate(d), args.repeat)
        print(f"{label} | {base:.1f} | {whole:.1f} | {towns:.1f} | {whole / base:.1f}")


if __name__ == "__main__":
    main()
