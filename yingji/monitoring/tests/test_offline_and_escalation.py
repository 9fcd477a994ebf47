"""监测预警 (#13): derived station status (在线/离线/故障/停用), the 设备离线 alarm (raised by the
sweep and on reading the board, cleared when data returns) and the escalation of red alarms
left unacknowledged to the 带班领导."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from yingji.core.errors import NotPermitted
from yingji.core.models import AuditEvent
from yingji.monitoring import services
from yingji.monitoring.models import Alarm, AlarmLevel, AlarmNotice, Station
from yingji.monitoring.schemas import AcknowledgeIn, MonitoringSettingsIn, StationPatch

from .helpers import base_time, hourly, ingest, make_station

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def section(persona, ctx):
    return persona("section")


def _offline(station):
    return Alarm.objects.filter(station=station, rule__code="DEVICE-OFFLINE")


def _user(username):
    return User.objects.get(username=username)


def _client(username):
    client = Client()
    client.force_login(_user(username))
    return client


# --- status ------------------------------------------------------------------------------------


def test_status_is_derived_from_the_data_and_the_reporting_interval(section):
    station = make_station(section, code="ST-1", elements=[{"code": "rain", "interval": 10}])
    now = timezone.now()
    station.refresh_from_db()
    assert station.status(now) == "离线"  # nothing yet
    # a new station gets two intervals to send its first data before it is swept as offline
    assert dt.timedelta(minutes=19) < station.offline_at - now <= dt.timedelta(minutes=20)
    t = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=45)
    ingest(section, [{"station": "ST-1", "element": "rain", "time": t.isoformat(), "value": 1}])
    station.refresh_from_db()
    assert station.last_seen_at == t and station.offline_at == t + dt.timedelta(minutes=20)
    assert station.status(t + dt.timedelta(minutes=20)) == "在线"
    assert station.status(t + dt.timedelta(minutes=21)) == "离线"
    # only implausible values within the limit: 故障
    later = t + dt.timedelta(minutes=30)
    ingest(
        section,
        [{"station": "ST-1", "element": "rain", "time": later.isoformat(), "value": 9999}],
    )
    station.refresh_from_db()
    assert station.last_seen_at == t and station.status(later + dt.timedelta(minutes=1)) == "故障"
    assert station.status(later + dt.timedelta(minutes=25)) == "离线"
    station.disabled = True
    assert station.status(now) == "停用"


def test_the_demo_has_an_offline_and_a_faulty_station(as_user):
    silent = Station.objects.get(code="DEMO-DZ-QLH-04")
    assert silent.status() == "离线"
    assert _offline(silent).filter(state="open").count() == 1
    # its implausible values come at its own interval up to the load (not only up to the last
    # full hour), so it reads 故障 now, as a user opening the demo sees it
    assert Station.objects.get(code="DEMO-XG-E04-GAS1").status() == "故障"
    assert Station.objects.get(code="DEMO-HH-CG-04").status() == "在线"
    page = as_user("county_b").get("/monitoring/stations/?q=DZ-QLH").content.decode()
    assert page.count("离线") >= 1


# --- 设备离线 ----------------------------------------------------------------------------------


def test_the_sweep_raises_one_offline_alarm_and_returning_data_clears_it(section):
    station = make_station(section, code="OFF-1")
    ingest(section, hourly(station, [1, 1, 1]))  # base_time is 60 h ago: silent since
    station.refresh_from_db()
    last = station.last_seen_at
    counts = services.do_raise_offline_alarms()
    assert counts["offline_raised"] >= 1
    alarm = _offline(station).get()
    assert alarm.state == "open" and alarm.element == "" and alarm.level == "yellow"
    assert alarm.raised_at == last + dt.timedelta(hours=2)  # the data time it fell silent
    assert AuditEvent.objects.filter(verb="monitoring.alarm.raised", object_id=str(alarm.pk))
    # idempotent: a second sweep raises nothing more for it
    services.do_raise_offline_alarms()
    assert _offline(station).count() == 1
    # late data of an earlier time does not bring the station back
    late = base_time(70) + dt.timedelta(hours=1)
    result = ingest(section, [{**hourly(station, [2])[0], "time": late.isoformat()}])
    assert result.alarms == [] and _offline(station).get().state == "open"
    # fresh data does: cleared at its data time, in the ingest's alarm changes
    t = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=2)
    result = ingest(
        section, [{"station": "OFF-1", "element": "rain", "time": t.isoformat(), "value": 0}]
    )
    assert [(c["rule"], c["change"]) for c in result.alarms] == [("DEVICE-OFFLINE", "cleared")]
    alarm.refresh_from_db()
    assert alarm.state == "cleared" and alarm.cleared_at == t
    assert [c.level for c in AlarmLevel.objects.filter(alarm=alarm)] == ["yellow", ""]


def test_a_disabled_station_is_not_offline_and_its_offline_alarm_is_cleared(section):
    station = make_station(section, code="OFF-2")
    ingest(section, hourly(station, [1]))
    services.do_raise_offline_alarms()
    assert _offline(station).get().state == "open"
    services.do_update_station(
        actor=section,
        station=station,
        data=StationPatch(disabled=True, disabled_reason="设备拆除检修"),
    )
    counts = services.do_raise_offline_alarms()
    assert counts["offline_cleared"] >= 1 and _offline(station).get().state == "cleared"
    services.do_raise_offline_alarms()
    assert _offline(station).count() == 1  # no new alarm while 停用
    station.refresh_from_db()
    services.do_update_station(
        actor=section, station=station, data=StationPatch(disabled=False, version=station.version)
    )
    services.do_raise_offline_alarms()
    assert _offline(station).count() == 1  # back in service: two intervals' grace


def test_reading_the_board_raises_the_due_offline_alarms():
    user = _user("whk_staff")
    from yingji.core.context import actor_context

    with actor_context(user, source="test"):
        station = make_station(user, code="OFF-3")
        ingest(user, hourly(station, [1]))
    cache.delete("monitoring:sweep")
    page = _client("duty").get("/monitoring/?station=OFF-3").content.decode()
    assert "设备离线" in page
    alarm = _offline(station).get()
    event = AuditEvent.objects.get(verb="monitoring.alarm.raised", object_id=str(alarm.pk))
    assert event.actor_label == "job:monitoring_sweep"


def test_a_county_does_not_see_another_countys_offline_alarm(as_user):
    # DEMO-DZ-QLH-04 is in 七里河区: neither 西固 nor 城关 staff see it
    for name in ("county_a", "county_b"):
        alarms = as_user(name).get("/api/v1/monitoring/alarms?station=DEMO-DZ-QLH-04").json()
        assert alarms == []
    seen = as_user("section").get("/api/v1/monitoring/alarms?station=DEMO-DZ-QLH-04").json()
    assert [a["rule"] for a in seen] == ["DEVICE-OFFLINE"]


# --- escalation of unacknowledged red alarms ----------------------------------------------------


def _red_gas_alarm(user, code):
    station = make_station(user, code=code, kind="gas", elements=[{"code": "gas_lel"}])
    t = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=1)
    result = ingest(
        user, [{"station": code, "element": "gas_lel", "time": t.isoformat(), "value": 60}]
    )
    assert result.accepted == 1, result
    return Alarm.objects.get(station=station, rule__code="GAS-LEL")


def test_an_unacknowledged_red_alarm_is_escalated_to_the_leaders_after_the_time(section):
    alarm = _red_gas_alarm(section, "ESC-1")
    assert alarm.level == "red" and alarm.state == "open"
    now = timezone.now()
    # (other red alarms of the demo may fall due meanwhile: this one must not, after 14 min)
    services.do_escalate_alarms(now=now + dt.timedelta(minutes=14))
    alarm.refresh_from_db()
    assert alarm.escalated_at is None
    later = now + dt.timedelta(minutes=16)
    assert services.do_escalate_alarms(now=later)["escalated"] >= 1
    alarm.refresh_from_db()
    assert alarm.escalated_at == later
    # default (no 带班领导 chosen): the 市局领导
    notices = AlarmNotice.objects.filter(alarm=alarm, kind="to_leader")
    assert [n.recipient.username for n in notices] == ["leader"]
    assert "15 分钟未确认" in notices[0].message
    event = AuditEvent.objects.get(
        verb="monitoring.alarm.escalated_to_leader", object_id=str(alarm.pk)
    )
    assert "局领导" in event.message
    # once only
    services.do_escalate_alarms(now=later + dt.timedelta(minutes=30))
    assert AlarmNotice.objects.filter(alarm=alarm, kind="to_leader").count() == 1
    # shown on the board, in the API and on the leader's 工作台
    board = _client("duty").get("/monitoring/?station=ESC-1").content.decode()
    assert "已升级" in board
    api = _client("duty").get("/api/v1/monitoring/alarms?station=ESC-1").json()
    assert [a["escalated_at"] is not None for a in api if a["rule"] == "GAS-LEL"] == [True]
    home = _client("leader").get("/").content.decode()
    assert "红色告警升级通知" in home and "测试站点ESC-1" in home
    assert "红色告警升级通知" not in _client("duty").get("/").content.decode()


def test_an_acknowledged_or_lower_alarm_is_not_escalated(section):
    red = _red_gas_alarm(section, "ESC-2")
    services.do_acknowledge_alarm(actor=_user("duty"), alarm=red, data=AcknowledgeIn())
    station = make_station(section, code="ESC-3", kind="gas", elements=[{"code": "gas_lel"}])
    t = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=1)
    ingest(
        section, [{"station": "ESC-3", "element": "gas_lel", "time": t.isoformat(), "value": 30}]
    )
    yellow = Alarm.objects.get(station=station, rule__code="GAS-LEL")
    services.do_escalate_alarms(now=timezone.now() + dt.timedelta(hours=2))
    for alarm in (red, yellow):
        alarm.refresh_from_db()
        assert alarm.escalated_at is None and not AlarmNotice.objects.filter(
            alarm=alarm, kind="to_leader"
        )


def test_the_administrator_sets_the_time_and_the_leaders(persona, ctx):
    admin = persona("city_admin")
    zhxt = _user("zhxt_staff")
    with pytest.raises(NotPermitted):
        services.do_update_monitoring_settings(
            actor=persona("section"), data=MonitoringSettingsIn(escalation_minutes=5)
        )
    services.do_update_monitoring_settings(
        actor=admin, data=MonitoringSettingsIn(escalation_minutes=5, leaders=[zhxt.pk])
    )
    assert AuditEvent.objects.filter(verb="monitoring.settings.updated").exists()
    alarm = _red_gas_alarm(persona("section"), "ESC-4")
    services.do_escalate_alarms(now=timezone.now() + dt.timedelta(minutes=6))
    assert [n.recipient for n in AlarmNotice.objects.filter(alarm=alarm, kind="to_leader")] == [
        zhxt
    ]


def test_the_settings_page_is_for_administrators_only():
    assert _client("whk_staff").get("/monitoring/settings/").status_code == 403
    assert _client("duty").get("/monitoring/settings/").status_code == 403
    admin = _client("city_admin")
    page = admin.get("/monitoring/settings/")
    assert page.status_code == 200 and "带班领导" in page.content.decode()
    r = admin.post("/monitoring/settings/", {"escalation_minutes": "20", "leaders": []})
    assert r.status_code == 302
    assert services.settings_row().escalation_minutes == 20
    bad = admin.post("/monitoring/settings/", {"escalation_minutes": "0"}, follow=True)
    assert services.settings_row().escalation_minutes == 20
    assert "升级时限" in bad.content.decode()


def test_the_sweep_command_runs_both(section, capsys):
    from django.core.management import call_command

    station = make_station(section, code="OFF-CMD")
    ingest(section, hourly(station, [1]))
    call_command("monitoring_sweep")
    assert "设备离线告警" in capsys.readouterr().out
    assert _offline(station).filter(state="open").exists()
