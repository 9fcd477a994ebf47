"""Real local endpoints for the dissemination tests (nothing outside this machine): an HTTP
server that records every POST and answers from a script (e.g. fail the first call), an SMTP
server (aiosmtpd) that keeps every message, and a guard that refuses any connection to a host
other than the loopback."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOOPBACK = ("127.0.0.1", "::1", "localhost")


class Recorder:
    def __init__(self, statuses=None, default=200):
        self.statuses = list(statuses or [])  # answered in order, then ``default``
        self.default = default
        self.calls: list[dict] = []
        self.lock = threading.Lock()

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else self.default


@contextlib.contextmanager
def http_server(statuses=None, default=200, reply=b'{"errcode": 0, "errmsg": "ok"}'):
    recorder = Recorder(statuses, default)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 — http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = recorder.next_status()
            with recorder.lock:
                recorder.calls.append(
                    {
                        "path": self.path,
                        "body": body,
                        "content_type": self.headers.get("Content-Type", ""),
                        "status": status,
                    }
                )
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(reply if status == 200 else b'{"errcode": 500}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
        yield recorder
    finally:
        server.shutdown()
        server.server_close()


def json_bodies(recorder) -> list[dict]:
    return [json.loads(c["body"]) for c in recorder.calls]


@contextlib.contextmanager
def smtp_server():
    """aiosmtpd on a free loopback port; yields (port, messages)."""
    from aiosmtpd.controller import Controller

    messages: list = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
            msg = message_from_bytes(envelope.original_content, policy=policy.default)
            messages.append({"to": list(envelope.rcpt_tos), "message": msg})
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, messages
    finally:
        controller.stop()


@contextlib.contextmanager
def only_loopback(monkeypatch):
    """Any connection to a host other than the loopback fails the test."""
    real = socket.socket.connect
    attempts: list = []

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(address, tuple) and host not in LOOPBACK:
            attempts.append(address)
            raise AssertionError(f"connection to an external host attempted: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield attempts
