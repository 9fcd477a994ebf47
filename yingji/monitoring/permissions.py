"""Who sees and does what in 监测预警 (DESIGN §5).

- city leadership, city staff and the duty officer see every station and alarm;
- county staff see their county's stations (by the station's located region) and the alarms,
  data and rules of those stations;
- an enterprise user sees only its enterprise's own sensors (stations it owns);
- stations are registered and edited (and their data pushed, "change") by city staff, county
  staff in their county, and an enterprise for its own sensors;
- alarms are acknowledged and handled ("approve") by the duty officer, city staff and county
  staff in scope — never by an enterprise or the read-only leadership;
- rules are read by everyone signed in (except station-scoped rules out of scope) and changed by
  city staff (and administrators).
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, restricts, rule

from .models import (
    Alarm,
    AlarmLevel,
    AlarmNotice,
    IngestToken,
    MonitoringSettings,
    Observation,
    ObservationHour,
    ObservationImport,
    ObservationRevision,
    QuarantinedObservation,
    Rule,
    Station,
)

NOTHING = Q(pk__in=[])


def station_q(scope: Scope, action: str, prefix: str = "") -> Q:
    """Q over Station (or, with a prefix such as "station__", over a related model)."""
    own = Q(**{f"{prefix}owner_id__in": scope.enterprise_org_ids})
    county = jurisdiction_q(scope, f"{prefix}region__path")
    if action in ("view", "export"):
        if scope.read_all:
            return Q()
        return county | own
    if action in ("add", "change"):
        if "city_staff" in scope.roles:
            return Q()
        return county | own if "county_staff" in scope.roles else own
    if action == "approve":  # acknowledging and handling alarms
        if scope.has_role("city_staff", "duty_officer"):
            return Q()
        return county if "county_staff" in scope.roles else NOTHING
    return NOTHING


@restricts(Station)
def restrict_stations(qs, scope, action):
    return qs.filter(station_q(scope, action))


@restricts(Observation)
@restricts(ObservationHour)
@restricts(QuarantinedObservation)
@restricts(Alarm)
def restrict_station_rows(qs, scope, action):
    return qs.filter(station_q(scope, action, "station__"))


@restricts(ObservationRevision)
def restrict_revisions(qs, scope, action):
    if action not in ("view", "export"):
        return qs.none()
    return qs.filter(station_q(scope, action, "observation__station__"))


@restricts(AlarmLevel)
def restrict_alarm_levels(qs, scope, action):
    if action not in ("view", "export"):
        return qs.none()  # written only by the evaluation
    return qs.filter(station_q(scope, action, "alarm__station__"))


@restricts(Rule)
def restrict_rules(qs, scope, action):
    if action in ("view", "export"):
        return qs.filter(Q(station__isnull=True) | station_q(scope, action, "station__"))
    if "city_staff" in scope.roles:
        return qs
    return qs.none()


@rule("monitoring.handle_alarms")
def can_handle_alarms(scope: Scope) -> bool:
    return scope.has_role("duty_officer", "city_staff", "county_staff") and not scope.read_only


@rule("monitoring.register_stations")
def can_register_stations(scope: Scope) -> bool:
    return scope.has_role("city_staff", "county_staff", "enterprise_user") and not scope.read_only


@restricts(AlarmNotice)
def restrict_notices(qs, scope, action):
    """A notification is its recipient's (and, for reading, an administrator's)."""
    if action == "view" and scope.is_admin:
        return qs
    if action in ("view", "export"):
        return qs.filter(recipient_id=scope.user_id)
    return qs.none()  # written only by the escalation


@restricts(MonitoringSettings)
def restrict_settings(qs, scope, action):
    if scope.is_admin:
        return qs
    if action in ("view", "export") and scope.authenticated:
        return qs
    return qs.none()


@rule("monitoring.admin")
def can_change_settings(scope: Scope) -> bool:
    return scope.is_admin


@restricts(IngestToken)
def restrict_ingest_tokens(qs, scope, action):
    """A 数据接入令牌 is seen and revoked by the person who created it."""
    if action in ("view", "export", "change"):
        return qs.filter(user_id=scope.user_id)
    return qs.none()


@restricts(ObservationImport)
def restrict_imports(qs, scope, action):
    """A file import is its uploader's (who alone moves it on)."""
    if action in ("view", "export", "change"):
        return qs.filter(user_id=scope.user_id)
    return qs.none()
