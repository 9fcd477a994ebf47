"""Benchmark of 工作要点督办, as ratios against a baseline measured in the same run.

    python bench/workplan.py [--repeat 5]

Uses its own SQLite database under YINGJI_VAR_DIR (default var/bench/) (migrated and loaded with reference and demo
data on first use). Measures, each the median of --repeat runs:

  parse       parsing the 2022 seed (pure function)            → the baseline
  import      upload + confirm of the seed as a new plan (69 tasks, 104 assignments)
  reimport    upload + confirm of the same document again (nothing changes)
  tree        the plan tree page for the coordinator (HTTP, test client)
  ledger      the Excel 任务分解台账 for the coordinator
  report      the Word 半年度工作落实情况报告 for the coordinator
  daily       the daily reminder/overdue job over all plans

and prints milliseconds and the ratio of each to `parse`. Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_VAR_DIR", str(ROOT / "var" / "bench"))


def timed(fn, repeat):
    samples = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from yingji.core.context import actor_context
    from yingji.orgs.models import Organisation
    from yingji.workplan import services
    from yingji.workplan.importing import directory_from_db
    from yingji.workplan.models import Plan
    from yingji.workplan.parsing import parse_workplan

    call_command("migrate", verbosity=0)
    if not Plan.objects.filter(is_demo=True).exists():
        call_command("yingji_demo", stdout=open(os.devnull, "w"))
    seed = (ROOT / "yingji/workplan/data/2022-lanzhou-emergency-work-points.txt").read_text(
        encoding="utf-8"
    )
    directory = directory_from_db()
    user = get_user_model().objects.get(username="zhxt_staff")
    owner, coord = (
        Organisation.objects.get(code="LZYJJ"),
        Organisation.objects.get(code="LZYJJ-ZHXT"),
    )
    mapping = {"救灾和物资储备科": ["救灾和物资保障科"]}
    used = set(Plan.objects.values_list("year", flat=True))
    free = [y for y in range(2030, 2100) if y not in used]  # plan years the parser accepts
    if len(free) < args.repeat:
        sys.exit("no free plan years left in the bench database: delete var/bench/ and rerun")

    def do_import(text):
        with actor_context(user, source="cli"):
            session = services.do_start_import(
                actor=user,
                file_name="bench.txt",
                data=text.encode(),
                owner=owner,
                coordinator=coord,
                mapping=mapping,
            )
            return services.do_confirm_import(actor=user, session=session)[0]

    results = {}
    results["parse"] = timed(lambda i: parse_workplan(seed, directory), args.repeat)
    plans = []
    results["import"] = timed(
        lambda i: plans.append(do_import(seed.replace("2022", str(free[i])))), args.repeat
    )
    same = seed.replace("2022", str(free[0]))
    results["reimport"] = timed(lambda i: do_import(same), args.repeat)
    demo = Plan.objects.get(is_demo=True, parent__isnull=True)
    client = Client()
    client.force_login(user)
    half = demo.cycles.get(kind="half_year")

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    results["tree"] = timed(lambda i: get(f"/workplan/plans/{demo.pk}/"), args.repeat)
    results["ledger"] = timed(lambda i: get(f"/workplan/plans/{demo.pk}/ledger.xlsx"), args.repeat)
    results["report"] = timed(
        lambda i: get(f"/workplan/plans/{demo.pk}/report.docx?cycle={half.pk}"), args.repeat
    )
    from datetime import date

    with actor_context(None, source="job"):
        results["daily"] = timed(
            lambda i: services.do_run_daily_check(today=date(2022, 12, 21)), args.repeat
        )
    baseline = results["parse"]
    print(f"{'step':<10}{'ms (median)':>14}{'× parse':>10}")
    for name, ms in results.items():
        print(f"{name:<10}{ms:>14.1f}{ms / baseline:>10.1f}")


if __name__ == "__main__":
    main()
