"""A bounded mixed workload against a running `yingji serve`, with 1, 8 and 20 clients.

    YINGJI_VAR_DIR=var/scale10 .venv/bin/yingji serve --port 8765 &
    .venv/bin/python bench/load.py --url http://127.0.0.1:8765 --pid $! [--clients 1,8,20]

Each client signs in (half as the city administrator, half as a county bureau's staff), then
makes --requests requests drawn (seeded) from the weighted mix below: list pages, records, the
risk-map layers, exports, API lists and a few writes through the API (hazard registration → the
service). Prints per endpoint p50/p95/max (ms), the ratio of p50 to the baseline request (the
login page, measured in the same run), throughput, errors, and the server's peak RSS (sum over
the process and its children, sampled every 100 ms), plus core count and load average.
Nothing is asserted; the figures are for docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date

USERS = [("city_admin", "Demo@2022"), ("xigu_staff", "Demo@2022")]
PASSWORD = "Demo@2022"

# (name, weight, method, path, user-kind or None for any)
MIX = [
    ("baseline: login page", 0, "GET", "/accounts/login/", "anon"),
    ("hazard list", 10, "GET", "/hazards/", None),
    ("hazard list p5 sorted", 3, "GET", "/hazards/?page=5&sort=deadline", None),
    ("hazard list search", 3, "GET", "/hazards/?q=%E6%B6%88%E9%98%B2", None),
    ("hazard record", 4, "GET", "/hazards/{hazard}/", None),
    ("enterprise list", 6, "GET", "/enterprises/", None),
    ("enterprise list search", 2, "GET", "/enterprises/?q=%E7%9F%B3%E5%8C%96", None),
    ("enterprise record", 4, "GET", "/enterprises/{enterprise}/", None),
    ("inspection list", 3, "GET", "/inspections/", None),
    ("workplan", 2, "GET", "/workplan/", None),
    ("risk map page", 2, "GET", "/risk/map/", None),
    ("layer enterprises", 3, "GET", "/api/v1/risk/map/enterprises", None),
    ("layer open hazards", 3, "GET", "/api/v1/hazards/geojson", None),
    ("layer districts", 3, "GET", "/api/v1/risk/map/districts", None),
    ("layer inspections", 2, "GET", "/api/v1/inspections/geojson", None),
    ("api organisations", 2, "GET", "/api/v1/organisations", None),
    ("api hazards", 3, "GET", "/api/v1/hazards", None),
    ("api enterprises", 2, "GET", "/api/v1/enterprises", None),
    ("export hazards xlsx", 1, "GET", "/hazards/?export=xlsx", "city"),
    ("export hazards csv", 1, "GET", "/hazards/?export=csv", "city"),
    ("write: register hazard", 2, "POST", "/api/v1/hazards", None),
]


class Client:
    def __init__(self, base: str, username: str | None):
        if not base.startswith(("http://", "https://")):
            raise SystemExit("--url must be http(s)://")
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.username = username
        if username:
            self.login(username)

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def login(self, username):
        body = self.opener.open(self.base + "/accounts/login/", timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        req = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.base + "/accounts/login/", data=data, headers={"Referer": self.base + "/"}
        )
        resp = self.opener.open(req, timeout=60)
        resp.read()
        if not any(c.name == "sessionid" for c in self.jar):
            raise SystemExit(f"sign-in failed for {username}")

    def request(self, method, path, body=None) -> tuple[int, int]:
        # Like a browser: gzip accepted (sizes below are bytes on the wire).
        headers = {"Referer": self.base + "/", "Accept-Encoding": "gzip"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.csrf()
        req = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.base + path, data=data, headers=headers, method=method
        )
        try:
            with self.opener.open(req, timeout=120) as resp:
                return resp.status, len(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, len(exc.read())


def _ids(base: str) -> dict:
    """A few record ids the workload visits (from the API, as the city administrator)."""
    c = Client(base, "city_admin")
    ids = {}
    for key, path in [("hazard", "/api/v1/hazards"), ("enterprise", "/api/v1/enterprises")]:
        with c.opener.open(base + path + "?limit=50", timeout=120) as resp:
            rows = json.loads(resp.read())
        rows = rows["items"] if isinstance(rows, dict) else rows
        ids[key] = [r["id"] for r in rows[:50]]
    xigu = Client(base, "xigu_staff")
    with xigu.opener.open(base + "/api/v1/enterprises?limit=50", timeout=120) as resp:
        rows = json.loads(resp.read())
    rows = rows["items"] if isinstance(rows, dict) else rows
    ids["county_enterprise"] = [r["id"] for r in rows[:50]]
    return ids


class RSSSampler(threading.Thread):
    def __init__(self, pid: int | None):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    @staticmethod
    def tree(pid):
        pids, todo = [], [pid]
        while todo:
            p = todo.pop()
            pids.append(p)
            try:
                with open(f"/proc/{p}/task/{p}/children") as f:
                    todo += [int(x) for x in f.read().split()]
            except OSError:
                pass
        return pids

    def rss(self):
        total, per = 0, []
        for p in self.tree(self.pid):
            try:
                with open(f"/proc/{p}/status") as f:
                    kb = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
            except (OSError, AttributeError):
                continue
            total += kb
            per.append(kb)
        return total, max(per, default=0)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server has used: every live process of its tree, plus
        what the master has reaped from workers that ended (cutime/cstime), so a recycled
        worker's time is not lost."""
        if not self.pid:
            return float("nan")
        tick, total = os.sysconf("SC_CLK_TCK"), 0
        for p in self.tree(self.pid):
            try:
                with open(f"/proc/{p}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # after the command: state ppid ... utime(12) stime(13) cutime(14) cstime(15)
            total += int(fields[11]) + int(fields[12])
            if p == self.pid:
                total += int(fields[13]) + int(fields[14])
        return total / tick

    def run(self):
        self.peak_one = 0
        while self.pid and not self.stop.is_set():
            total, one = self.rss()
            self.peak, self.peak_one = max(self.peak, total), max(self.peak_one, one)
            time.sleep(0.1)


def run(base, clients, per_client, ids, seed, pid):
    samples: dict[str, list[float]] = {name: [] for name, *_ in MIX}
    sizes: dict[str, list[int]] = {name: [] for name, *_ in MIX}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    weights = [w for _, w, *_ in MIX]

    def worker(k):
        rng = random.Random(seed * 1000 + k)
        city = k % 2 == 0
        user = Client(base, "city_admin" if city else "xigu_staff")
        anon = Client(base, None)
        for i in range(per_client):
            # Every 8th request is the baseline, so each run has its own.
            pick = MIX[0] if i % 8 == 0 else rng.choices(MIX[1:], weights[1:])[0]
            name, _, method, path, kind = pick
            if kind == "city" and not city:
                continue
            ent_ids = ids["enterprise"] if city else ids["county_enterprise"]
            path = path.format(
                hazard=rng.choice(ids["hazard"]) if city else rng.choice(ids["hazard"]),
                enterprise=rng.choice(ent_ids),
            )
            body = None
            if method == "POST":
                body = {
                    "enterprise_id": rng.choice(ent_ids),
                    "source": "enforcement",
                    "category": "fire",
                    "description": f"负载测试登记隐患 {k}-{i}",
                    "found_on": date.today().isoformat(),
                }
            c = anon if kind == "anon" else user
            t0 = time.perf_counter()
            try:
                status, size = c.request(method, path, body)
            except Exception:  # noqa: BLE001 (a bench counts every failure)
                status, size = 599, 0
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                # County staff may be refused a hazard of another county: that is the rule, not an error.
                if status >= 500 or (status >= 400 and status not in (403, 404)):
                    errors[name] = errors.get(name, 0) + 1
                samples[name].append(ms)
                sizes[name].append(size)

    sampler = RSSSampler(pid)
    sampler.cpu_start, sampler.client_cpu_start = sampler.cpu_seconds(), time.process_time()
    sampler.start()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    sampler.cpu_used = sampler.cpu_seconds() - sampler.cpu_start
    sampler.client_cpu = time.process_time() - sampler.client_cpu_start
    return samples, sizes, errors, wall, sampler


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def report(clients, samples, sizes, errors, wall, sampler):
    total = sum(len(v) for v in samples.values())
    base = statistics.median(samples[MIX[0][0]]) if samples[MIX[0][0]] else float("nan")
    print(f"\n## {clients} client(s): {total} requests in {wall:.1f} s = {total / wall:.1f} req/s")
    print(
        f"cores {os.cpu_count()}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
        f"server peak RSS {sampler.peak / 1024:.0f} MB (largest process {getattr(sampler, 'peak_one', 0) / 1024:.0f} MB), "
        f"errors {sum(errors.values())}"
    )
    if sampler.pid and total:
        per = sampler.cpu_used / total * 1000
        print(
            f"server CPU {sampler.cpu_used:.1f} s = {per:.1f} ms per request → at most "
            f"{(os.cpu_count() or 1) * 1000 / per:.0f} req/s if the {os.cpu_count()} cores did "
            f"nothing else; this client used {sampler.client_cpu:.1f} s of CPU"
        )
    print(
        f"| {'endpoint':<26} | {'n':>4} | {'p50':>7} | {'p95':>7} | {'max':>7} | {'× base':>7} | {'KB':>6} | err |"
    )
    print(f"|{'-' * 28}|-----:|--------:|--------:|--------:|--------:|-------:|----:|")
    for name, *_ in MIX:
        v = samples[name]
        if not v:
            continue
        p50 = statistics.median(v)
        print(
            f"| {name:<26} | {len(v):>4} | {p50:>7.0f} | {pct(v, 0.95):>7.0f} | {max(v):>7.0f} "
            f"| {p50 / base:>7.1f} | {statistics.median(sizes[name]) / 1024:>6.0f} "
            f"| {errors.get(name, 0):>3} |"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--pid", type=int, help="the server's process id (for RSS)")
    parser.add_argument("--clients", default="1,8,20")
    parser.add_argument("--requests", type=int, default=60, help="requests per client")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help="run only the endpoints whose name contains this")
    args = parser.parse_args(argv)
    global MIX
    if args.only:
        MIX = [MIX[0]] + [m for m in MIX[1:] if args.only in m[0]]
    ids = _ids(args.url)
    for n in [int(x) for x in args.clients.split(",")]:
        report(n, *run(args.url, n, args.requests, ids, args.seed, args.pid))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
