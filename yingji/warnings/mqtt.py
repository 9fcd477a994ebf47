"""Publishing a released warning to the 应急广播 terminals' MQTT topic
``yingji/warnings/<identifier>`` on the broker at ``MQTT_URL`` (default the local Mosquitto,
``mqtt://127.0.0.1:1883``), QoS 1, retained, with paho-mqtt (the client the monitoring ingest
uses). A broker that does not answer within a few seconds is a failed delivery, not an error."""

from __future__ import annotations

import os
from urllib.parse import urlparse

from django.conf import settings

TIMEOUT = 3.0


def mqtt_url() -> str:
    return getattr(settings, "MQTT_URL", None) or os.environ.get(
        "MQTT_URL", "mqtt://127.0.0.1:1883"
    )


def publish(topic: str, payload: str, url: str | None = None) -> tuple[bool, str]:
    import paho.mqtt.client as mqtt

    parsed = urlparse(url or mqtt_url())
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 1883
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    if parsed.username:
        client.username_pw_set(parsed.username, parsed.password)
    try:
        client.connect(host, port, keepalive=10)
    except OSError as exc:
        return False, f"无法连接 MQTT 代理 {host}:{port}:{exc.__class__.__name__}"
    try:
        client.loop_start()
        info = client.publish(topic, payload.encode("utf-8"), qos=1, retain=True)
        info.wait_for_publish(timeout=TIMEOUT)
        if not info.is_published():
            return False, f"MQTT 代理 {host}:{port} 未在 {TIMEOUT:.0f} 秒内确认"
        return True, f"已发布到 {host}:{port} 主题 {topic}"
    except (OSError, RuntimeError, ValueError) as exc:
        return False, f"MQTT 发布失败:{exc}"
    finally:
        client.disconnect()
        client.loop_stop()
