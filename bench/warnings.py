"""Benchmark of the one-window release: one warning to --recipients organisations across three
channels (SMS gateway over HTTP, e-mail over SMTP, 应急广播 over MQTT), against local endpoints,
as a ratio against the raw sends of the same messages in the same run.

    python bench/warnings.py [--recipients 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingji_bench python bench/warnings.py

Uses its own database under YINGJI_VAR_DIR (default var/bench-warnings/; or DATABASE_URL),
loaded with the demo data, plus --recipients bench enterprises in 七里河区 (code BENCH-W-*,
marked demo), each with one member who has an e-mail address. Endpoints, all on this machine:
a threading http.server answering 200 (the SMS gateway), aiosmtpd keeping every message in
memory (SMTP), and the local Mosquitto (MQTT_URL, default 127.0.0.1:1883).

Measured: the release service (identifier, deliveries, acknowledgement tasks, one transaction)
and then the real worker (`db_worker --batch`, the job the release queued on commit) until every
delivery is logged (none pending, sending or retrying). Baseline: the same number of raw HTTP
POSTs with urllib and raw e-mails through one smtplib connection, plus one MQTT publish, without
the platform. Prints seconds, deliveries/s and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import smtplib
import sys
import threading
import time
import urllib.request
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_VAR_DIR", str(ROOT / "var" / "bench-warnings"))

REGION = "620103"  # 七里河区


class Counter:
    def __init__(self):
        self.n = 0
        self.lock = threading.Lock()

    def add(self):
        with self.lock:
            self.n += 1


def http_gateway(counter: Counter):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_POST(self):  # noqa: N802 — http.server's name
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            counter.add()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def smtp_sink(counter: Counter):
    import socket

    from aiosmtpd.controller import Controller

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
            counter.add()
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def bench_recipients(n: int):
    """n enterprises in REGION with one member each (e-mail address and mobile number set),
    created once."""
    from django.contrib.auth import get_user_model

    from yingji.core.context import actor_context
    from yingji.geo.models import Region
    from yingji.orgs.models import Membership, Organisation

    have = Organisation.objects.filter(code__startswith="BENCH-W-").count()
    if have >= n:
        _bench_phones()
        return
    region = Region.objects.get(code=REGION)
    user_model = get_user_model()
    orgs, users = [], []
    for i in range(have, n):
        code = f"BENCH-W-{i:05d}"
        orgs.append(
            Organisation(
                code=code,
                name=f"基准测试企业{i:05d}",
                kind="enterprise",
                region=region,
                path=f"/{code}/",
                is_demo=True,
            )
        )
        user = user_model(username=f"bench_w_{i:05d}", email=f"bench-{i:05d}@example.test")
        user.set_unusable_password()
        users.append(user)
    with actor_context(None, source="cli", label="bench"):
        Organisation.objects.bulk_create(orgs, batch_size=1000)
        user_model.objects.bulk_create(users, batch_size=1000)
        by_code = dict(
            Organisation.objects.filter(code__startswith="BENCH-W-").values_list("code", "pk")
        )
        by_name = dict(
            user_model.objects.filter(username__startswith="bench_w_").values_list("username", "pk")
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=by_name[f"bench_w_{i:05d}"],
                    organisation_id=by_code[f"BENCH-W-{i:05d}"],
                    role="enterprise_user",
                )
                for i in range(have, n)
            ],
            batch_size=1000,
        )
    _bench_phones()


def _bench_phones():
    """One mobile number per bench user (the SMS channel sends per person since it knows
    numbers), created once."""
    from django.contrib.auth import get_user_model

    from yingji.core.context import actor_context
    from yingji.warnings.models import ContactPhone

    users = get_user_model().objects.filter(
        username__startswith="bench_w_", warning_phone__isnull=True
    )
    rows = [
        ContactPhone(user_id=pk, phone=f"139{int(name[-5:]):08d}", is_demo=True)
        for pk, name in users.values_list("pk", "username")
    ]
    with actor_context(None, source="cli", label="bench"):
        ContactPhone.objects.bulk_create(rows, batch_size=1000)


def release_one(n: int) -> tuple[int, float, float, dict]:
    """Draft, approve and release one warning; then run the worker until every delivery is
    logged. Returns (warning id, release seconds, sending seconds, results)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone

    from yingji.core.context import actor_context
    from yingji.warnings import services
    from yingji.warnings.models import Delivery
    from yingji.warnings.schemas import ApproveIn, ReleaseIn, SubmitIn, WarningIn

    users = get_user_model().objects
    drafter, approver, duty = (users.get(username=u) for u in ("whk_staff", "zhxt_staff", "duty"))
    now = timezone.now()
    data = WarningIn(
        event_type="rainstorm",
        level="orange",
        regions=[REGION],
        headline="基准测试暴雨橙色预警",
        description="预计3小时内降雨量将达50毫米以上。",
        effective=now,
        expires=now + dt.timedelta(hours=12),
        consult_decision="同意发布。",
    )
    with actor_context(drafter, source="cli"):
        w = services.do_draft_warning(actor=drafter, data=data)
        w = services.do_submit_warning(actor=drafter, warning=w, data=SubmitIn())
    with actor_context(approver, source="cli"):
        w = services.do_approve_warning(actor=approver, warning=w, data=ApproveIn())
    t0 = time.perf_counter()
    with actor_context(duty, source="cli"):
        w = services.do_release_warning(
            actor=duty, warning=w, data=ReleaseIn(channels=["sms", "email", "mqtt"])
        )
    t1 = time.perf_counter()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    open_rows = Delivery.objects.filter(
        warning=w, result__in=("pending", "sending", "retrying")
    ).count()
    t2 = time.perf_counter()
    results = dict(
        Delivery.objects.filter(warning=w)
        .order_by()
        .values("result")
        .annotate(n=Count("pk"))
        .values_list("result", "n")
    )
    results["open"] = open_rows
    return w.pk, t1 - t0, t2 - t1, results


def baseline(n: int, http_url: str, smtp_port: int) -> float:
    """The same sends without the platform: n HTTP POSTs, n e-mails on one connection, one
    MQTT publish."""
    from yingji.warnings.mqtt import publish

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    body = json.dumps({"to": "BENCH", "content": "基准测试暴雨橙色预警" * 10}).encode()
    t0 = time.perf_counter()
    for _ in range(n):
        req = urllib.request.Request(  # noqa: S310 — a local http:// URL
            http_url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        with opener.open(req, timeout=5) as r:
            r.read()
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as smtp:
        for i in range(n):
            msg = EmailMessage()
            msg["Subject"] = "【预警】基准测试暴雨橙色预警"
            msg["From"] = "yingji@localhost"
            msg["To"] = f"bench-{i:05d}@example.test"
            msg.set_content("基准测试暴雨橙色预警" * 10)
            smtp.send_message(msg)
    publish("yingji/warnings/bench-baseline", json.dumps({"text": "基准"}))
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from yingji.enterprises.models import Enterprise

    call_command("migrate", verbosity=0)
    if not Enterprise.objects.exists():
        call_command("yingji_demo", stdout=open(os.devnull, "w"))
    bench_recipients(args.recipients)

    http_count, smtp_count = Counter(), Counter()
    server = http_gateway(http_count)
    controller, smtp_port = smtp_sink(smtp_count)
    url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    settings.WARNINGS_SMS_URL = url
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
    try:
        wid, release_s, send_s, results = release_one(args.recipients)
        sent_http, sent_smtp = http_count.n, smtp_count.n
        base_s = baseline(args.recipients, url, smtp_port)
    finally:
        server.shutdown()
        controller.stop()

    from yingji.warnings.models import Delivery

    total = Delivery.objects.filter(warning_id=wid).count()
    print(
        f"database {connection.vendor}, cores {os.cpu_count()}, "
        f"load {os.getloadavg()[0]:.2f}, recipients ≥ {args.recipients:,}"
    )
    print(f"deliveries logged: {total:,} {results}")
    print(f"gateway received {sent_http:,} POSTs, SMTP server {sent_smtp:,} messages")
    print("| step | seconds | deliveries/s |")
    print("|---|---:|---:|")
    print(f"| release (service, one transaction) | {release_s:.2f} | — |")
    print(f"| worker until all logged | {send_s:.2f} | {total / send_s:,.0f} |")
    print(
        f"| release → all logged | {release_s + send_s:.2f} | {total / (release_s + send_s):,.0f} |"
    )
    print(f"| raw sends (baseline) | {base_s:.2f} | {(2 * args.recipients + 1) / base_s:,.0f} |")
    print(f"ratio platform / raw sends: {(release_s + send_s) / base_s:.2f}")


if __name__ == "__main__":
    main()
