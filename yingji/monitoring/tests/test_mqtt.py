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
