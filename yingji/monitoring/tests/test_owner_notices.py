"""Every alarm also appears as a notification for the stations' owners (issue #13): raised and
escalated alarms become AlarmNotices for the members of the owner organisation (and of the
enterprise for its sensors), shown on their 工作台 and on 告警通知; nobody else gets them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.monitoring.models import AlarmNotice
from yingji.monitoring.services import do_raise_offline_alarms

from .helpers import base_time, hourly, ingest, make_station
from .test_ingest_and_alarms import STORM

pytestmark = pytest.mark.django_db

OWN = "DEMO-ENT-620104-01"


def _members(code):
    return set(
        get_user_model()
        .objects.filter(memberships__organisation__code=code, memberships__is_active=True)
        .values_list("username", flat=True)
    )


def test_a_county_stations_storm_notifies_its_bureau_at_each_raise_and_escalation(persona):
    xigu = persona("county_a")
    with actor_context(xigu, source="test"):
        station = make_station(xigu, code="T-NOTE-XG", county="620104")
        assert station.owner.code == "XGQ-YJJ"
        ingest(xigu, hourly(station, STORM))
    mine = AlarmNotice.objects.filter(recipient=xigu, alarm__station=station).order_by("pk")
    # raised blue (h9), then up to yellow (h12), orange (h14), red (h15); steps down and the
    # clearing are not notified
    assert [(n.kind, n.level) for n in mine] == [
        ("raised", "blue"),
        ("escalated", "yellow"),
        ("escalated", "orange"),
        ("escalated", "red"),
    ]
    at = timezone.localtime(base_time() + dt.timedelta(hours=15))
    assert f"升级为红色告警(数据时间 {at:%Y-%m-%d %H:%M})" in mine[3].message
    assert "T-NOTE-XG" in mine[0].message
    notified = set(
        AlarmNotice.objects.filter(alarm__station=station).values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == _members("XGQ-YJJ") and "chengguan_staff" not in notified
    assert AlarmNotice.objects.filter(alarm__station=station).count() == 4 * len(notified)


def test_an_enterprise_sensor_notifies_the_enterprise_and_a_resend_nothing_more(persona):
    ent = persona("enterprise")
    with actor_context(ent, source="test"):
        gas = make_station(
            ent, code="T-NOTE-GAS", county="620104", kind="gas", elements=[{"code": "gas_lel"}]
        )
        t = base_time(2)
        batch = [
            {"station": gas.code, "element": "gas_lel", "time": t.isoformat(), "value": 30},
            {
                "station": gas.code,
                "element": "gas_lel",
                "time": (t + dt.timedelta(minutes=1)).isoformat(),
                "value": 60,
            },
        ]
        ingest(ent, batch)
        ingest(ent, batch)  # resent: duplicates, no new alarm change, no new notice
    notices = AlarmNotice.objects.filter(alarm__station=gas)
    assert gas.enterprise.organisation.code == OWN
    assert set(notices.values_list("recipient__username", flat=True)) == _members(OWN)
    assert "ent_user" in _members(OWN)
    mine = notices.filter(recipient=ent).order_by("pk")
    assert [(n.kind, n.level) for n in mine] == [("raised", "yellow"), ("escalated", "red")]


def test_a_device_offline_alarm_is_notified_too(persona):
    xigu = persona("county_a")
    with actor_context(xigu, source="test"):
        station = make_station(xigu, code="T-NOTE-OFF", county="620104")
    with actor_context(None, source="test", label="test"):
        do_raise_offline_alarms(now=timezone.now() + dt.timedelta(days=1))
    notice = AlarmNotice.objects.get(recipient=xigu, alarm__station=station)
    assert notice.kind == "raised" and "设备离线" in notice.message


def test_the_card_and_the_notices_page_show_ones_own_only(persona, as_user):
    xigu = persona("county_a")
    with actor_context(xigu, source="test"):
        station = make_station(xigu, code="T-NOTE-CARD", county="620104")
        ingest(
            xigu,
            hourly(
                station,
                STORM[:15],
                start=timezone.localtime().replace(minute=0, second=0, microsecond=0)
                - dt.timedelta(hours=16),
            ),
        )
    client = as_user("county_a")
    home = client.get("/").content.decode()
    assert "本单位站点告警通知" in home and "T-NOTE-CARD" in home
    page = client.get("/monitoring/notices/?level=red").content.decode()
    assert "T-NOTE-CARD" in page and "升级为红色告警" in page and "升级为黄色告警" not in page
    other = as_user("county_b")
    assert "T-NOTE-CARD" not in other.get("/monitoring/notices/").content.decode()
    assert "T-NOTE-CARD" not in other.get("/").content.decode()
