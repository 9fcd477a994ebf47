"""Computing a 研判简报's snapshot (reports.sections.compute) per kind for the city and one
county, on whatever data the var directory holds (the demo, or bench/scale.py's world): the
median of a warm process (the first run loads the URL configuration and is left out) and the
SQL queries of one run.

    YINGJI_VAR_DIR=var .venv/bin/python bench/reports.py --repeat 5
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--county", default="620104")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from yingji.geo.models import Region
    from yingji.reports.periods import KINDS, last_completed
    from yingji.reports.sections import compute

    today = timezone.localdate()
    for code in ("620100", args.county):
        region = Region.objects.get(code=code)
        for kind in KINDS:
            period = last_completed(kind, today)
            compute(region, period)  # warm-up
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                compute(region, period)
                times.append((time.perf_counter() - t0) * 1000)
            with CaptureQueriesContext(connection) as queries:
                compute(region, period)
            print(
                f"{region.name:6} {kind:9} median {statistics.median(times):7.0f} ms  "
                f"{len(queries):3} queries"
            )


if __name__ == "__main__":
    main()
