"""CAP import from polled intranet URLs (WARNINGS_CAP_URLS; yingji warnings-poll-cap and the
daily job), against a local HTTP server: one CAP message or an Atom feed of them, imported once
(a second poll is all duplicates), an Update applied; a link to another host, a redirect, an
oversized answer and an XXE payload refused without harm. No host but the loopback is used."""

from __future__ import annotations

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from yingji.core.context import actor_context
from yingji.core.jobs import run_job_inline
from yingji.standards.cap import MAX_BYTES
from yingji.warnings import cappoll
from yingji.warnings.jobs import poll_cap_urls
from yingji.warnings.models import Warning

from .helpers import user
from .test_cap_and_feed import XXE, _external

pytestmark = pytest.mark.django_db
IDENT = "62000041600000_20260703080000"
REF = f"62000041600000,{IDENT},2026-07-01T08:00:00+08:00"


@contextlib.contextmanager
def file_server(pages: dict[str, tuple[int, bytes]]):
    """GET path → (status, body); a 302 page redirects to its body; records the paths asked."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — http.server's name
            asked.append(self.path)
            status, body = pages.get(self.path, (404, b"not found"))
            self.send_response(status)
            if status == 302:
                self.send_header("Location", body.decode())
                body = b""
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def _poll(urls):
    duty = user("duty")
    with actor_context(duty, source="cli", label="test"):
        return cappoll.poll(duty, urls)


def _atom(base: str, entries: list[tuple[str, str]]) -> bytes:
    items = "".join(
        f'<entry><id>{i}</id><title>t</title><link rel="alternate" type="application/cap+xml" '
        f'href="{href}"/></entry>'
        for i, href in entries
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{base}/feed</id><title>气象预警</title>{items}</feed>"
    ).encode()


def test_a_feed_is_imported_once_and_an_update_applied():
    pages = {
        "/alert.xml": (200, _external(IDENT)),
        "/update.xml": (200, _external(IDENT + "_1", "Update", REF, severity="Severe")),
    }
    with file_server(pages) as (base, asked):
        pages["/feed.atom"] = (
            200,
            _atom(base, [(IDENT, "/alert.xml"), (IDENT + "_1", f"{base}/update.xml")]),
        )
        first = _poll([f"{base}/feed.atom"])
        assert len(first["imported"]) == 2 and first["refused"] == [], first
        assert Warning.objects.get(external_identifier=IDENT).state == "updated"
        update = Warning.objects.get(external_identifier=IDENT + "_1")
        assert update.level == "orange" and update.origin == "cap"
        asked.clear()
        second = _poll([f"{base}/feed.atom"])
    assert second["duplicates"] == 2 and second["imported"] == [] and second["refused"] == []
    assert asked == ["/feed.atom"]  # known entries are not fetched again
    assert Warning.objects.filter(external_identifier__startswith=IDENT).count() == 2


def test_a_single_message_url_and_a_resend_is_a_duplicate():
    with file_server({"/cap/latest.xml": (200, _external(IDENT))}) as (base, _asked):
        url = f"{base}/cap/latest.xml"
        assert len(_poll([url])["imported"]) == 1
        again = _poll([url])
    assert again["duplicates"] == 1 and again["imported"] == []


def test_other_hosts_redirects_large_answers_and_xxe_are_refused_without_harm():
    pages = {
        "/moved.xml": (302, b"http://localhost:9/alert.xml"),
        "/big.xml": (200, b"<alert>" + b" " * (MAX_BYTES + 10) + b"</alert>"),
        "/xxe.xml": (200, XXE),
    }
    with file_server(pages) as (base, asked):
        # the feed links to a host that is not configured (localhost ≠ 127.0.0.1)
        pages["/feed.atom"] = (200, _atom(base, [("x", "http://localhost:9/alert.xml")]))
        out = _poll(
            [f"{base}/feed.atom", f"{base}/moved.xml", f"{base}/big.xml", f"{base}/xxe.xml"],
        )
    reasons = {r["url"].rsplit("/", 1)[-1]: r["reason"] for r in out["refused"]}
    assert "不在配置的主机内" in reasons["alert.xml"]
    assert "不跟随重定向" in reasons["moved.xml"]
    assert "过大" in reasons["big.xml"]
    assert reasons["xxe.xml"].startswith("CAP 消息无效")
    assert out["imported"] == [] and "/alert.xml" not in asked
    assert not Warning.objects.filter(
        origin="cap", external_identifier__startswith="620000"
    ).exists()


def test_the_command_and_the_job_read_the_setting(settings, capsys):
    settings.WARNINGS_CAP_URLS = ""
    assert "未设置" in run_job_inline(poll_cap_urls)["skipped"]
    with file_server({"/a.xml": (200, _external(IDENT))}) as (base, _asked):
        settings.WARNINGS_CAP_URLS = f"{base}/a.xml"
        settings.WARNINGS_CAP_INBOX_USER = "duty"
        assert run_job_inline(poll_cap_urls)["imported"] == 1
        call_command("warnings_poll_cap")
    assert "导入 0 个,重复 1 个" in capsys.readouterr().out
    assert Warning.objects.get(external_identifier=IDENT).drafted_by.username == "duty"
