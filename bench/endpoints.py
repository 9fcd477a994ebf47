"""Single-request timings in process (no HTTP server), cold and warm, with response sizes.

    YINGJI_VAR_DIR=var/scale10 .venv/bin/python bench/endpoints.py [--repeat 5]

Signs in as the city administrator and a county bureau's staff (Django test client) and times
each endpoint: the first request (cold caches) and the median of --repeat more. Baseline: the
login page, in the same run.
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

ENDPOINTS = [
    "/accounts/login/",
    "/hazards/",
    "/hazards/?page=5&sort=deadline",
    "/hazards/?q=%E6%B6%88%E9%98%B2",
    "/enterprises/",
    "/inspections/",
    "/risk/map/",
    "/api/v1/risk/map/enterprises",
    "/api/v1/hazards/geojson",
    "/api/v1/risk/map/districts",
    "/api/v1/organisations",
    "/api/v1/hazards",
    "/api/v1/enterprises",
    "/hazards/?export=csv",
    "/hazards/?export=xlsx",
]


def _fetch(client, url, gzip):
    extra = {"HTTP_ACCEPT_ENCODING": "gzip"} if gzip else {}
    response = client.get(url, **extra)
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--user", default="city_admin")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    anonymous = Client()
    rows = []
    for url in ENDPOINTS:
        client_for = anonymous if url == "/accounts/login/" else client
        t0 = time.perf_counter()
        size = _fetch(client_for, url, gzip=True)
        cold = (time.perf_counter() - t0) * 1000
        warm = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            _fetch(client_for, url, gzip=True)
            warm.append((time.perf_counter() - t0) * 1000)
        rows.append((url, cold, statistics.median(warm), size))
    base = rows[0][2]
    print(f"user {args.user}, cores {os.cpu_count()}, load {os.getloadavg()[0]:.2f}")
    print(f"| {'endpoint':<36} | cold ms | warm ms | × login | KB (gzip if offered) |")
    print(f"|{'-' * 38}|--------:|--------:|--------:|-----:|")
    for url, cold, warm, size in rows:
        print(
            f"| {url:<36} | {cold:>7.0f} | {warm:>7.0f} | {warm / base:>7.1f} | {size / 1024:>6.0f} |"
        )


if __name__ == "__main__":
    main()
