"""List search through the gram index vs the icontains scan it replaces (issue #11), in one
process on the same data, as ratios against the unfiltered first page of the same list.

    YINGJI_VAR_DIR=var/scale10 .venv/bin/python bench/search.py --repeat 5

Use the 10× world of bench/scale.py (it builds the index). Prints medians in ms and × baseline.
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

QUERIES = ["燃气", "消防通道", "西固", "YH2026000", "有限公司", "储罐区"]


def median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.db.models import Q

    from yingji.core import textsearch
    from yingji.enterprises.models import Enterprise
    from yingji.hazards.models import Hazard

    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    for model in (Hazard, Enterprise):
        fields = textsearch.registry()[model]
        base = model.objects.order_by("-pk")

        def first_page(qs):
            return lambda: list(qs.values_list("pk", flat=True)[:50])

        baseline = median_ms(first_page(base), args.repeat)
        print(f"\n{model.__name__}: {model.objects.count()} rows; first page {baseline:.1f} ms")
        print("query | hits | scan ms | index ms | scan × | index ×")
        for q in QUERIES:
            cond = Q()
            for f in fields:
                cond |= Q(**{f"{f}__icontains": q})
            scan = base.filter(cond)
            indexed = textsearch.search(base, fields, q)
            hits = indexed.count()
            assert hits == scan.count(), q
            s = median_ms(lambda qs=scan: (qs.count(), first_page(qs)()), args.repeat)
            i = median_ms(lambda qs=indexed: (qs.count(), first_page(qs)()), args.repeat)
            print(f"{q} | {hits} | {s:.1f} | {i:.1f} | {s / baseline:.1f} | {i / baseline:.1f}")


if __name__ == "__main__":
    main()
