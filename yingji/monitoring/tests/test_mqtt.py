"""MQTT ingest through the real local broker (Mosquitto on 127.0.0.1:1883): publish with paho,
run the subscriber loop for a bounded time in a thread, assert the observation and the alarm."""

from __future__ import annotations

import json
import socket
import threading
import uuid

import pytest

from yingji.monitoring.models import Alarm, Observation, ObservationRevision
from yingji.monitoring.mqtt import Subscriber, records_of

from .helpers import hourly, make_station

pytestmark = pytest.mark.django_db(transaction=True)


def _broker_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=1).close()
        return True
    except OSError:
        return False


def test_records_take_the_station_from_the_topic():
    assert records_of("yingji/obs/S1", b'{"element":"rain","time":"t","value":1}') == [
        {"station": "S1", "element": "rain", "time": "t", "value": 1}
    ]
    assert records_of("yingji/obs/S1", b'{"observations":[{"station":"S2"}]}') == [
        {"station": "S2"}
    ]
    with pytest.raises(ValueError):
        records_of("yingji/obs/S1", b"42")


@pytest.mark.skipif(
    not _broker_up(), reason="no MQTT broker on 127.0.0.1:1883 (.ci/run starts one)"
)
def test_a_message_through_the_broker_is_ingested_and_raises_the_alarm(reference_data, persona):
    import paho.mqtt.client as mqtt

    from yingji.core.context import actor_context

    section = persona("section")
    code = f"MQTT-{uuid.uuid4().hex[:6]}"
    with actor_context(section, source="test"):
        station = make_station(section, code=code)
    subscriber = Subscriber(actor=section, client_id=f"test-{code}", clean_session=True)

    def run():
        from django.db import connection

        try:
            subscriber.run(duration=15, max_messages=1)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert subscriber.ready.wait(10), "the subscriber did not subscribe"
    publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{code}")
    publisher.connect("127.0.0.1", 1883)
    publisher.loop_start()
    payload = json.dumps({"observations": hourly(station, [30, 30])})
    publisher.publish(f"yingji/obs/{code}", payload, qos=1).wait_for_publish(5)
    publisher.loop_stop()
    publisher.disconnect()
    thread.join(20)
    assert not thread.is_alive()
    assert Observation.objects.filter(station=station).count() == 2
    alarm = Alarm.objects.get(station=station)
    assert alarm.level == "orange"  # 60 mm in 3 h (CMA 暴雨 橙)
    assert subscriber.results[0].alarms[0]["change"] == "raised"


def test_waiting_messages_are_ingested_together_but_a_repeated_key_waits(reference_data, persona):
    """Messages already queued go to the service in one call; one repeating a (station,
    element, time) of the batch starts the next, so that another value stays a revision."""
    from types import SimpleNamespace

    from yingji.core.context import actor_context

    section = persona("section")
    code = f"MQTT-{uuid.uuid4().hex[:6]}"
    with actor_context(section, source="test"):
        station = make_station(section, code=code)
    rows = hourly(station, [1, 2, 3])
    subscriber = Subscriber(actor=section, client_id=f"test-{code}", clean_session=True)
    messages = [
        SimpleNamespace(topic=f"yingji/obs/{code}", payload=json.dumps(r).encode(), mid=i, qos=1)
        for i, r in enumerate([rows[0], rows[1], {**rows[1], "value": 5}, rows[2]])
    ]
    for m in messages[1:]:
        subscriber.messages.put(m)
    first = subscriber._batch(messages[0])
    assert [m.mid for m in first] == [0, 1]
    assert subscriber._held.mid == 2
    result = subscriber.handle_many(first)
    assert result.accepted == 2
    second = subscriber._batch(subscriber._held)
    assert [m.mid for m in second] == [2, 3]
    result = subscriber.handle_many(second)
    assert (result.accepted, result.revised) == (1, 1)
    assert ObservationRevision.objects.filter(observation__station=station).count() == 1


def test_a_batch_waits_for_messages_that_come_after_its_first_up_to_its_size(
    reference_data, persona
):
    """A batch collects for up to batch_ms after its first message: one arriving later (from
    paho's thread) joins it; at batch_messages the batch is complete without waiting more."""
    from types import SimpleNamespace

    section = persona("section")
    subscriber = Subscriber(
        actor=section,
        client_id="test-linger",
        clean_session=True,
        batch_messages=2,
        batch_ms=30_000,
    )
    messages = [
        SimpleNamespace(topic="yingji/obs/X", payload=json.dumps(r).encode(), mid=i, qos=1)
        for i, r in enumerate(
            {"element": "rain", "time": f"2024-07-01T0{h}:00:00+08:00", "value": 1} for h in (1, 2)
        )
    ]
    threading.Timer(0.1, subscriber.messages.put, args=(messages[1],)).start()
    batch = subscriber._batch(messages[0])
    assert [m.mid for m in batch] == [0, 1]  # the late one joined; the size ended the wait
    assert subscriber._parsed[id(messages[1])][0]["station"] == "X"


def test_the_batch_limits_come_from_the_settings(settings):
    from yingji.monitoring.mqtt import batch_limits

    settings.MONITORING_MQTT_BATCH_MESSAGES = 50
    settings.MONITORING_MQTT_BATCH_MS = 20
    assert batch_limits() == (50, 20)
    settings.MONITORING_MQTT_BATCH_MESSAGES = "x"
    assert batch_limits() == (1000, 20)


def _mosquitto() -> str | None:
    import shutil
    from pathlib import Path

    found = shutil.which("mosquitto")
    return found or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if Path(p).exists()),
        None,
    )


def _start_broker(binary: str, port: int, folder):
    """A private Mosquitto on ``port``; returns the process once the port answers."""
    import subprocess
    import time

    conf = folder / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    process = subprocess.Popen(  # noqa: S603 (the mosquitto binary, our config)
        [binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(200):  # wait for it to listen (not an assertion on time)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.05)
    process.kill()
    pytest.fail("the private mosquitto did not start")


def _wait_for(predicate, timeout: float = 60) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.mark.skipif(_mosquitto() is None, reason="the mosquitto binary is not installed")
def test_the_subscriber_reconnects_after_the_broker_restarts(reference_data, persona, tmp_path):
    """A private broker on a free port: an observation arrives, the broker is killed and
    started again on the same port, the subscriber reconnects by itself and a new
    observation published then arrives too."""
    import paho.mqtt.client as mqtt

    from yingji.core.context import actor_context

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    binary = _mosquitto()
    broker = _start_broker(binary, port, tmp_path)
    section = persona("section")
    code = f"MQTT-{uuid.uuid4().hex[:6]}"
    with actor_context(section, source="test"):
        station = make_station(section, code=code)
    rows = hourly(station, [1, 2])
    subscriber = Subscriber(
        actor=section,
        url=f"mqtt://127.0.0.1:{port}",
        client_id=f"test-{code}",
        batch_ms=0,
    )
    subscriber.client.reconnect_delay_set(min_delay=1, max_delay=2)

    def run():
        from django.db import connection

        try:
            subscriber.run(duration=120, max_messages=2)
        finally:
            connection.close()

    def publish(row):
        publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{code}")
        publisher.connect("127.0.0.1", port)
        publisher.loop_start()
        publisher.publish(f"yingji/obs/{code}", json.dumps(row), qos=1).wait_for_publish(10)
        publisher.loop_stop()
        publisher.disconnect()

    def stored() -> int:
        return Observation.objects.filter(station=station).count()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert subscriber.ready.wait(30), "the subscriber did not subscribe"
        publish(rows[0])
        assert _wait_for(lambda: stored() == 1), "the first observation did not arrive"
        broker.kill()
        broker.wait(10)
        assert _wait_for(lambda: not subscriber.ready.is_set()), "the loss went unnoticed"
        broker = _start_broker(binary, port, tmp_path)
        assert subscriber.ready.wait(60), "the subscriber did not reconnect"
        publish(rows[1])
        assert _wait_for(lambda: stored() == 2), "the observation after the restart is missing"
        thread.join(60)
        assert not thread.is_alive()
        assert [r.accepted for r in subscriber.results] == [1, 1]
    finally:
        broker.kill()
        broker.wait(10)
        thread.join(5)
