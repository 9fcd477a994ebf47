"""联合值守 by the response level (T34): which duty rosters switch, and the switch itself.

A response level's data says whose rosters run as 联合值守 while a response is at that level
(setting ``YINGJI_JOINT_DUTY_ROSTERS``: per level ``city`` = the bureau's roster, ``county`` =
the bureau of the event's county; a platform default, LOW). ``switch`` is called by the one
service that changes a response (``services.do_change_response_level``), inside its
transaction: starting or raising a response opens a ``JointDutyPeriod`` for every unit the new
level names; lowering or ending it closes the periods of the units the level no longer names.
During a period the unit's roster shows its own 带班领导/值班员/联络员 together with the other
departments' people on the event's 联合值守 roster (``department_people``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from yingji.core.audit import record_event
from yingji.core.permissions import restrict
from yingji.standards import response_levels

from .models import Event, JointDutyMember, JointDutyPeriod, LevelChange

SCOPES = {"city": "市局值班", "county": "事发县区应急局值班"}


def parse_rosters(text: str) -> dict[int, frozenset[str]]:
    """``"1=city,county;4=county"`` → ``{1: {"city", "county"}, 4: {"county"}}``; a level left
    out switches no roster. ValueError (Chinese) on anything else."""
    out: dict[int, frozenset[str]] = {}
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        level_text, sep, scopes_text = chunk.partition("=")
        try:
            level = int(level_text.strip())
        except ValueError:
            level = 0
        if not sep or level not in response_levels.LEVELS:
            raise ValueError(f"联合值守配置“{chunk}”有误:应为 级别(1-4)=city,county。")
        scopes = frozenset(s.strip() for s in scopes_text.split(",") if s.strip())
        unknown = scopes - set(SCOPES)
        if unknown:
            raise ValueError(f"联合值守配置“{chunk}”有误:未知范围{'、'.join(sorted(unknown))}。")
        out[level] = scopes
    return out


def rosters_for_level(level: int | None) -> frozenset[str]:
    """The roster scopes that switch to 联合值守 at ``level`` (from the setting)."""
    if not level:
        return frozenset()
    return parse_rosters(settings.YINGJI_JOINT_DUTY_ROSTERS).get(level, frozenset())


def units_for(event: Event, level: int | None) -> list:
    """The duty units (organisations with a roster) whose roster switches for ``event`` at
    ``level``: the bureau for ``city``, the county bureau of the event's county for
    ``county``."""
    from yingji.orgs.models import Organisation

    scopes = rosters_for_level(level)
    units = []
    if "city" in scopes:
        units += list(Organisation.objects.filter(kind="bureau", is_active=True).order_by("path"))
    if "county" in scopes:
        codes = [c for c in event.region.path.strip("/").split("/") if c]
        units += list(
            Organisation.objects.filter(
                kind="county_bureau", is_active=True, region__code__in=codes
            ).order_by("path")
        )
    return units


def switch(event: Event, change: LevelChange) -> list[JointDutyPeriod]:
    """Open and close the event's 联合值守 periods after ``change`` (already applied to
    ``event``): every unit the current level names has an open period, no other unit has one.
    Each opening and closing is an audit event. Runs inside the caller's transaction."""
    wanted = {}
    if event.response_state == "active":
        wanted = {u.pk: u for u in units_for(event, event.response_level)}
    current = {
        p.organisation_id: p
        for p in JointDutyPeriod.objects.select_for_update()
        .select_related("organisation")
        .filter(event=event, ended_at__isnull=True)
    }
    label = response_levels.level_label(event.response_level)
    touched = []
    for org_id, period in current.items():
        if org_id in wanted:
            continue
        period.ended_at, period.ended_by = change.decided_at, change
        period.save()
        why = "应急响应终止" if event.response_state != "active" else f"响应调整为{label}"
        record_event(
            "response.joint_duty.ended",
            f"{period.organisation.name}恢复常规值守(“{event.number}”{why})",
            target=period,
        )
        touched.append(period)
    for org_id, unit in wanted.items():
        if org_id in current:
            continue
        period = JointDutyPeriod.objects.create(
            event=event,
            organisation=unit,
            level=event.response_level,
            started_at=change.decided_at,
            started_by=change,
        )
        record_event(
            "response.joint_duty.started",
            f"{unit.name}值班转为联合值守(“{event.number}”{label}应急响应)",
            target=period,
        )
        touched.append(period)
    return touched


# --- reading --------------------------------------------------------------------------------


def visible_periods(user, action: str = "view"):
    return restrict(JointDutyPeriod.objects.select_related("event", "organisation"), user, action)


def periods_of_unit(user, organisation, start: dt.date, end: dt.date) -> list[JointDutyPeriod]:
    """The unit's 联合值守 periods (as the user may see them) overlapping ``start``–``end``
    (dates, inclusive), each with ``people``: the other departments' people on its event's
    joint roster."""
    from django.db.models import Q
    from django.utils import timezone

    periods = list(
        visible_periods(user)
        .filter(organisation=organisation, started_at__date__lte=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__date__gte=start))
        .order_by("started_at", "pk")
    )
    today = timezone.localdate()
    for p in periods:
        p.first_day = timezone.localtime(p.started_at).date()
        p.last_day = timezone.localtime(p.ended_at).date() if p.ended_at else today
        p.people = department_people(p.event, user)
    return periods


def department_people(event: Event, user) -> list[JointDutyMember]:
    """The other departments' people (市直部门 of the tree or typed 外部门) active on the event's
    联合值守 roster, liaisons first: those the bureau's roster is joined by."""
    members = restrict(
        JointDutyMember.objects.filter(event=event, withdrawn_at__isnull=True), user
    ).select_related("organisation")
    people = [m for m in members if m.external]
    return sorted(people, key=lambda m: (m.role != "liaison", m.department, m.pk))
