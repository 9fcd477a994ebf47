"""Hand-written denials for 监测预警 (tests/test_permission_rules.py): the models the generated
rules do not reach, and the actions they do not test (approving alarms, changing stations)."""

from yingji.core.testing import Denial

OWN = "DEMO-ENT-620104-01"  # ent_user's enterprise
CHENGGUAN = "/620100/620102/"


def _section():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="whk_staff")


def _chengguan_station():
    from yingji.monitoring.models import Station

    return Station.objects.filter(region__path__startswith=CHENGGUAN, kind="rain").order_by("pk")[0]


def _ingest(records):
    from yingji.core.context import actor_context
    from yingji.monitoring.services import do_ingest_observations

    user = _section()
    with actor_context(user, source="test"):
        do_ingest_observations(actor=user, records=records, source="test")


def _quarantine():
    station = _chengguan_station()
    _ingest(
        [
            {
                "station": station.code,
                "element": "rain",
                "time": "2026-07-01T08:00:00+08:00",
                "value": 999,
            }
        ]
    )


def _revision():
    station = _chengguan_station()
    row = {"station": station.code, "element": "rain", "time": "2026-07-01T09:00:00+08:00"}
    _ingest([{**row, "value": 1.0}])
    _ingest([{**row, "value": 2.0}])


def _quarantined():
    from yingji.monitoring.models import QuarantinedObservation

    return QuarantinedObservation.objects.filter(station__region__path__startswith=CHENGGUAN)


def _revisions():
    from yingji.monitoring.models import ObservationRevision

    return ObservationRevision.objects.filter(
        observation__station__region__path__startswith=CHENGGUAN
    )


def _rules():
    from yingji.monitoring.models import Rule

    return Rule.objects.all()


def _own_alarms():
    from yingji.monitoring.models import Alarm

    return Alarm.objects.filter(station__owner__code=OWN)


def _chengguan_alarms():
    from yingji.monitoring.models import Alarm

    return Alarm.objects.filter(station__region__path__startswith=CHENGGUAN)


def _chengguan_stations():
    from yingji.monitoring.models import Station

    return Station.objects.filter(region__path__startswith=CHENGGUAN)


DENIALS = [
    Denial(
        "monitoring.QuarantinedObservation",
        "county_a",
        "view",
        _quarantined,
        "城关区站点的隔离数据(西固区用户)",
        _quarantine,
    ),
    Denial(
        "monitoring.QuarantinedObservation",
        "enterprise",
        "view",
        _quarantined,
        "区县站点的隔离数据(企业用户)",
        _quarantine,
    ),
    Denial(
        "monitoring.ObservationRevision",
        "county_a",
        "view",
        _revisions,
        "城关区站点的数据修订记录(西固区用户)",
        _revision,
    ),
    Denial("monitoring.Rule", "county_a", "change", _rules, "告警规则只有市局科室和管理员可改"),
    Denial("monitoring.Rule", "enterprise", "change", _rules, "告警规则只有市局科室和管理员可改"),
    Denial("monitoring.Alarm", "enterprise", "approve", _own_alarms, "企业不能确认、处置告警"),
    Denial(
        "monitoring.Alarm", "county_a", "approve", _chengguan_alarms, "城关区的告警(西固区用户)"
    ),
    Denial("monitoring.Station", "county_a", "change", _chengguan_stations, "城关区的站点"),
    Denial("monitoring.Station", "enterprise", "change", _chengguan_stations, "区县的站点"),
]


def _escalate():
    import datetime as dt

    from django.utils import timezone

    from yingji.core.context import actor_context
    from yingji.monitoring.services import do_escalate_alarms

    with actor_context(None, source="test", label="test"):
        do_escalate_alarms(now=timezone.now() + dt.timedelta(days=1))


def _leader_notices():
    from yingji.monitoring.models import AlarmNotice

    return AlarmNotice.objects.filter(recipient__username="leader", kind="to_leader")


def _ent_tokens():
    from yingji.monitoring.models import IngestToken

    return IngestToken.objects.filter(owner__code=OWN)


def _settings():
    from yingji.monitoring.models import MonitoringSettings

    return MonitoringSettings.objects.all()


def _settings_row():
    from yingji.core.context import actor_context
    from yingji.monitoring.models import MonitoringSettings

    with actor_context(None, source="test", label="test"):
        MonitoringSettings.objects.get_or_create(pk=1)


DENIALS += [
    Denial("monitoring.AlarmNotice", "county_a", "view", _leader_notices, "领导的通知", _escalate),
    Denial(
        "monitoring.AlarmNotice",
        "section",
        "change",
        _leader_notices,
        "通知只由升级写入",
        _escalate,
    ),
    Denial("monitoring.IngestToken", "county_a", "view", _ent_tokens, "他人创建的数据接入令牌"),
    Denial("monitoring.IngestToken", "section", "change", _ent_tokens, "令牌只由创建人撤销"),
    Denial(
        "monitoring.MonitoringSettings",
        "section",
        "change",
        _settings,
        "设置只由管理员修改",
        _settings_row,
    ),
]


def _an_import():
    from yingji.core.context import actor_context
    from yingji.monitoring.models import ObservationImport

    with actor_context(None, source="test", label="test"):
        ObservationImport.objects.create(file_name="雨量.csv", user=_section(), total=0)


def _section_imports():
    from yingji.monitoring.models import ObservationImport

    return ObservationImport.objects.filter(user__username="whk_staff")


DENIALS += [
    Denial(
        "monitoring.ObservationImport",
        "county_a",
        "view",
        _section_imports,
        "他人的导入",
        _an_import,
    ),
    Denial(
        "monitoring.ObservationImport",
        "leader",
        "change",
        _section_imports,
        "他人的导入",
        _an_import,
    ),
]


def _kept_hours():
    """Read a 城关区 gauge's chart over 30 days: its completed hours are kept."""
    from yingji.monitoring.selectors import series

    series(_chengguan_station(), "rain", hours=720, resolution="hour")


def _chengguan_hours():
    from yingji.monitoring.models import ObservationHour

    return ObservationHour.objects.filter(station__region__path__startswith=CHENGGUAN)


DENIALS += [
    Denial(
        "monitoring.ObservationHour",
        "county_a",
        "view",
        _chengguan_hours,
        "西固区看不到城关区站点的小时汇总",
        _kept_hours,
    ),
    Denial(
        "monitoring.ObservationHour",
        "enterprise",
        "view",
        _chengguan_hours,
        "企业只看到自己的传感器",
        _kept_hours,
    ),
]
