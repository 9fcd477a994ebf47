"""MQTT ingest: subscribe to ``yingji/obs/<station>`` on ``MQTT_URL`` (default
``mqtt://127.0.0.1:1883``, the local Mosquitto), QoS 1, and feed every message to the SAME
ingest service as the HTTP batch API.

Payload: ``{"observations": [{...}, …]}`` as in the API, a list of records, or one record; a
record without ``station`` takes it from the topic. Messages are acknowledged (PUBACK) only
after the ingest transaction, and the session is persistent (clean_session off, a fixed client
id), so the broker keeps what arrives while the subscriber is away and redelivers what was
not acknowledged. paho reconnects by itself (1 s, backing off to 30 s).

Throughput: messages are collected into a batch — from the first one, for up to
``MONITORING_MQTT_BATCH_MS`` milliseconds (default 200) or until ``MONITORING_MQTT_BATCH_MESSAGES``
messages (default 1,000) or MAX_BATCH records have come, whichever is first — and ingested in
ONE call of the service (one transaction, one audit event), then acknowledged (PUBACK) after
the commit; a message repeating a (station, element, time) of the batch starts the next
batch, so that a resent value with another value is still a revision, as it would be message
by message. The broker must let that many unacknowledged messages be in flight to one
subscriber (Mosquitto's ``max_inflight_messages``, and ``max_queued_messages`` for bursts).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import logging
import os
import queue
import threading
import time
from urllib.parse import urlparse

from django.conf import settings

from yingji.core.context import actor_context

from .schemas import MAX_BATCH
from .services import do_ingest_observations

log = logging.getLogger("yingji.monitoring.mqtt")
TOPIC_PREFIX = "yingji/obs/"
BATCH_MESSAGES = 1000  # default: messages ingested together at most
BATCH_MS = 200  # default: how long a batch waits for more messages after its first one


def _setting(name: str, default: int) -> int:
    value = getattr(settings, name, None) or os.environ.get(name)
    try:
        return max(0, int(value)) if value not in (None, "") else default
    except ValueError:
        return default


def batch_limits() -> tuple[int, int]:
    """(messages, milliseconds) of one MQTT ingest batch, from the settings (environment)."""
    return (
        max(1, _setting("MONITORING_MQTT_BATCH_MESSAGES", BATCH_MESSAGES)),
        _setting("MONITORING_MQTT_BATCH_MS", BATCH_MS),
    )


def mqtt_url() -> str:
    return getattr(settings, "MQTT_URL", None) or os.environ.get(
        "MQTT_URL", "mqtt://127.0.0.1:1883"
    )


def records_of(topic: str, payload: bytes) -> list:
    """The records of one message (a station missing in a record is the topic's)."""
    data = json.loads(payload.decode("utf-8"))
    if isinstance(data, dict) and "observations" in data:
        data = data["observations"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ValueError("消息应为 {observations:[…]}、记录列表或单条记录")
    station = topic[len(TOPIC_PREFIX) :] if topic.startswith(TOPIC_PREFIX) else ""
    return [
        {"station": station, **r} if isinstance(r, dict) and "station" not in r else r for r in data
    ]


def _parse(message) -> tuple[list | None, set]:
    """The records of a message (None: unreadable) and their (station, element, instant)
    keys."""
    try:
        records = records_of(message.topic, message.payload)
    except (ValueError, UnicodeDecodeError):
        return None, set()
    keys = set()
    for r in records:
        if not isinstance(r, dict):
            continue
        when = r.get("time")
        try:
            when = dt.datetime.fromisoformat(when).timestamp() if isinstance(when, str) else when
        except (ValueError, TypeError, OverflowError):
            pass
        keys.add((str(r.get("station")), str(r.get("element")), str(when)))
    return records, keys


class Subscriber:
    """Receives on paho's network thread, ingests on the thread that calls :meth:`run` (one
    database connection, one actor context)."""

    def __init__(
        self,
        *,
        actor,
        url: str | None = None,
        client_id: str = "yingji-mqtt-ingest",
        clean_session: bool = False,
        topic: str = TOPIC_PREFIX + "+",
        batch_messages: int | None = None,
        batch_ms: int | None = None,
    ):
        import paho.mqtt.client as mqtt

        default_messages, default_ms = batch_limits()
        self.batch_messages = batch_messages or default_messages
        self.batch_ms = default_ms if batch_ms is None else batch_ms
        self.actor = actor
        self.url = urlparse(url or mqtt_url())
        self.topic = topic
        self.messages: queue.Queue = queue.Queue()
        self.ready = threading.Event()
        self.results: list = []
        self.last_handled_at: float | None = None
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=clean_session,
            protocol=mqtt.MQTTv311,
        )
        self.client.manual_ack_set(True)
        if self.url.username:
            self.client.username_pw_set(self.url.username, self.url.password)
        if self.url.scheme == "mqtts":
            self.client.tls_set()
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("MQTT 连接被拒绝:%s", reason_code)
            return
        log.info("已连接 MQTT %s,订阅 %s", self.url.netloc, self.topic)
        client.subscribe(self.topic, qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        self.ready.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.ready.clear()
        log.warning("MQTT 连接断开(%s),将自动重连", reason_code)

    def _on_message(self, client, userdata, message):
        self.messages.put(message)

    def handle(self, message):
        """Ingest one message through the ingest service; returns its IngestResult (None for
        an unreadable message, which is logged and acknowledged so that it is not resent)."""
        return self.handle_many([message])

    def handle_many(self, messages: list, parsed: dict | None = None):
        """Ingest messages together through the ingest service (one call); returns the
        IngestResult (None when none was readable: unreadable messages are logged, and
        acknowledged so that they are not resent). Refusals are logged per message with the
        record's index in its message. ``parsed``: {id(message): records} already read."""
        records, spans = [], []
        for message in messages:
            got = (parsed or {}).get(id(message))
            try:
                if got is None:
                    got = records_of(message.topic, message.payload)
            except (ValueError, UnicodeDecodeError) as exc:
                log.warning("无法解析的消息(主题 %s):%s", message.topic, exc)
                continue
            spans.append((len(records), message.topic))
            records.extend(got)
        if not spans:
            return None
        with actor_context(self.actor, source="cli", label="mqtt-ingest"):
            result = do_ingest_observations(actor=self.actor, records=records, source="mqtt")
        starts = [start for start, _topic in spans]
        for r in result.rejected:
            start, topic = spans[bisect.bisect_right(starts, r["index"]) - 1]
            log.warning("主题 %s 第 %d 条被拒收:%s", topic, r["index"] - start, r["reason"])
        return result

    def _batch(self, first) -> list:
        """``first`` and the messages that come behind it within ``batch_ms`` milliseconds of
        it, while they fit one batch (``batch_messages`` messages, MAX_BATCH records) and
        repeat no (station, element, time) of it (the one that does waits for the next)."""
        batch, keys, size = [], set(), 0
        self._parsed = {}
        deadline = time.monotonic() + self.batch_ms / 1000
        message = first
        while message is not None:
            records, mine = _parse(message)
            if batch and (size + len(mine) > MAX_BATCH or keys & mine):
                self._held = message
                break
            batch.append(message)
            if records is not None:
                self._parsed[id(message)] = records
            keys |= mine
            size += len(mine)
            if len(batch) >= self.batch_messages:
                break
            try:
                message = self.messages.get_nowait()
            except queue.Empty:
                wait = deadline - time.monotonic()
                try:
                    message = self.messages.get(timeout=wait) if wait > 0 else None
                except queue.Empty:
                    message = None
        return batch

    def run(self, *, duration: float | None = None, max_messages: int | None = None) -> int:
        """Connect (retrying by itself) and ingest until ``duration`` seconds have passed or
        ``max_messages`` were handled (both None: forever). Returns the messages handled."""
        port = self.url.port or (8883 if self.url.scheme == "mqtts" else 1883)
        self.client.connect_async(self.url.hostname or "127.0.0.1", port, keepalive=30)
        self.client.loop_start()
        handled = 0
        deadline = None if duration is None else time.monotonic() + duration
        self._held = None
        try:
            while deadline is None or time.monotonic() < deadline:
                message, self._held = self._held, None
                if message is None:
                    try:
                        message = self.messages.get(timeout=0.2)
                    except queue.Empty:
                        continue
                batch = self._batch(message)
                try:
                    result = self.handle_many(batch, self._parsed)
                except Exception:
                    log.exception(
                        "处理 %d 条消息(主题 %s 起)失败,未确认,将由代理重发",
                        len(batch),
                        message.topic,
                    )
                    continue
                for m in batch:
                    self.client.ack(m.mid, m.qos)
                self.results.append(result)
                self.last_handled_at = time.perf_counter()
                handled += len(batch)
                if max_messages is not None and handled >= max_messages:
                    break
        finally:
            self.client.disconnect()
            self.client.loop_stop()
        return handled
