"""MQTT ingest: subscribe to ``yingji/obs/<station>`` on ``MQTT_URL`` (default
``mqtt://127.0.0.1:1883``, the local Mosquitto), QoS 1, and feed every message to the SAME
ingest service as the HTTP batch API.

Payload: ``{"observations": [{...}, …]}`` as in the API, a list of records, or one record; a
record without ``station`` takes it from the topic. Messages are acknowledged (PUBACK) only
after the ingest transaction, and the session is persistent (clean_session off, a fixed client
id), so the broker keeps what arrives while the subscriber is away and redelivers what was
not acknowledged. paho reconnects by itself (1 s, backing off to 30 s).
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
from urllib.parse import urlparse

from django.conf import settings

from yingji.core.context import actor_context

from .services import do_ingest_observations

log = logging.getLogger("yingji.monitoring.mqtt")
TOPIC_PREFIX = "yingji/obs/"


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
    ):
        import paho.mqtt.client as mqtt

        self.actor = actor
        self.url = urlparse(url or mqtt_url())
        self.topic = topic
        self.messages: queue.Queue = queue.Queue()
        self.ready = threading.Event()
        self.results: list = []
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
        try:
            records = records_of(message.topic, message.payload)
        except (ValueError, UnicodeDecodeError) as exc:
            log.warning("无法解析的消息(主题 %s):%s", message.topic, exc)
            return None
        with actor_context(self.actor, source="cli", label="mqtt-ingest"):
            result = do_ingest_observations(actor=self.actor, records=records, source="mqtt")
        for r in result.rejected:
            log.warning("主题 %s 第 %d 条被拒收:%s", message.topic, r["index"], r["reason"])
        return result

    def run(self, *, duration: float | None = None, max_messages: int | None = None) -> int:
        """Connect (retrying by itself) and ingest until ``duration`` seconds have passed or
        ``max_messages`` were handled (both None: forever). Returns the messages handled."""
        port = self.url.port or (8883 if self.url.scheme == "mqtts" else 1883)
        self.client.connect_async(self.url.hostname or "127.0.0.1", port, keepalive=30)
        self.client.loop_start()
        handled = 0
        deadline = None if duration is None else time.monotonic() + duration
        try:
            while deadline is None or time.monotonic() < deadline:
                try:
                    message = self.messages.get(timeout=0.2)
                except queue.Empty:
                    continue
                try:
                    result = self.handle(message)
                except Exception:
                    log.exception("处理主题 %s 的消息失败,未确认,将由代理重发", message.topic)
                    continue
                self.client.ack(message.mid, message.qos)
                self.results.append(result)
                handled += 1
                if max_messages is not None and handled >= max_messages:
                    break
        finally:
            self.client.disconnect()
            self.client.loop_stop()
        return handled
