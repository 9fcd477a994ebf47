"""A breached reporting deadline escalated to the 带班领导 on duty, by name.

The job (``jobs.escalate_overdue_reports``, also swept when the event list, an event page or
the 工作台 is read) finds every open event with a report deadline past and unmet, and for each
such deadline — once: ``ReportEscalation`` is unique per event, deadline and due time — reads
who leads the shift *now* from the roster of the organisation that handles the event (the
county bureau whose member took the call, else the 市应急管理局), and notifies that person (the
roster names them; the account is the member of that organisation with that full name). When no
shift covers the time, or the named leader has no account there, the organisation's leaders are
notified instead (市局: the 市局领导 role; a county bureau: its members whose 职务 contains 局长,
else the 市局领导) and the escalation says so. The notice is shown on the event and on the
recipient's 工作台."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from yingji.core.audit import record_event

from .event_links import escalations_for as for_event  # noqa: F401 (the page's reader)
from .models import DutyShift, Event, ReportEscalation
from .selectors import clocks_of, overdue_q

CITY_BUREAU = "LZYJJ"


def _hhmm(value: str, default: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value or default)
    except ValueError:
        return dt.time.fromisoformat(default)


def covering(moment: dt.datetime) -> tuple[dt.date, tuple[str, ...]]:
    """The roster date and the shifts (most specific first) that cover a moment: before the day
    start it is the previous day's 夜班/全天, then 白班/全天, from the night start 夜班/全天."""
    local = timezone.localtime(moment)
    day = _hhmm(getattr(settings, "YINGJI_DUTY_DAY_STARTS", ""), "08:30")
    night = _hhmm(getattr(settings, "YINGJI_DUTY_NIGHT_STARTS", ""), "17:30")
    t = local.time()
    if t < day:
        return local.date() - dt.timedelta(days=1), ("night", "all")
    if t < night:
        return local.date(), ("day", "all")
    return local.date(), ("night", "all")


def duty_organisation(event: Event):
    """The bureau whose duty desk handles the event: the county bureau of the person who took
    the call, else the 市应急管理局."""
    from django.apps import apps

    organisation = apps.get_model("orgs", "Organisation")
    membership = apps.get_model("orgs", "Membership")
    county = (
        membership.objects.filter(
            user_id=event.received_by_id, is_active=True, organisation__kind="county_bureau"
        )
        .select_related("organisation")
        .order_by("organisation__code")
        .first()
    )
    if county is not None:
        return county.organisation
    return organisation.objects.get(code=CITY_BUREAU)


def shift_at(org, moment: dt.datetime) -> DutyShift | None:
    date, kinds = covering(moment)
    rows = {s.shift: s for s in DutyShift.objects.filter(organisation=org, date=date)}
    return next((rows[k] for k in kinds if k in rows), None)


def _members(org):
    from django.apps import apps

    membership = apps.get_model("orgs", "Membership")
    return membership.objects.filter(
        organisation=org, is_active=True, user__is_active=True
    ).select_related("user")


def named_leader(shift: DutyShift):
    """The account of the 带班领导 the shift names: the one member of its organisation (or of
    the 市局 for a county roster's city leader) whose full name is that name."""
    from .services import person_name

    name = shift.leader.strip()
    found = {m.user for m in _members(shift.organisation) if person_name(m.user) == name}
    if not found and shift.organisation.code != CITY_BUREAU:
        found = {
            m.user
            for m in _members(shift.organisation.__class__.objects.get(code=CITY_BUREAU))
            if person_name(m.user) == name
        }
    return found.pop() if len(found) == 1 else None


def org_leaders(org) -> tuple:
    """(whose leaders, the users): 市局 — the 市局领导 role; a county bureau — its members whose
    职务 contains 局长, else the 市局领导."""
    if org.code != CITY_BUREAU:
        users = {m.user for m in _members(org) if "局长" in (m.title or "")}
        if users:
            return org, sorted(users, key=lambda u: u.pk)
        org = org.__class__.objects.get(code=CITY_BUREAU)
    users = {m.user for m in _members(org).filter(role="city_leader")}
    return org, sorted(users, key=lambda u: u.pk)


def _names(users) -> str:
    from .services import person_name

    return "、".join(person_name(u) for u in users) or "(无)"


def _escalate(event: Event, deadline, now: dt.datetime) -> ReportEscalation | None:
    org = duty_organisation(event)
    shift = shift_at(org, now)
    leader = named_leader(shift) if shift else None
    if leader is not None:
        recipients = [leader]
        note = f"已提醒 带班领导 {shift.leader}"
    elif shift is not None:
        whose, recipients = org_leaders(org)
        note = (
            f"带班领导 {shift.leader} 未关联平台账号,已提醒 {whose.name}领导 {_names(recipients)}"
        )
    else:
        whose, recipients = org_leaders(org)
        note = f"{org.name}值班表未覆盖当前时间,已提醒 {whose.name}领导 {_names(recipients)}"
    label = deadline.label.split("(")[0]
    try:
        with transaction.atomic():
            row = ReportEscalation.objects.create(
                event=event,
                deadline=label[:60],
                due_at=deadline.due,
                organisation=org,
                shift=shift,
                leader_name=shift.leader if shift else "",
                notified_at=now,
                note=note[:300],
            )
            row.recipients.set(recipients)
            record_event(
                "response.report.escalated",
                f"“{event.number}”{label}已超时(截止{timezone.localtime(deadline.due):%m-%d %H:%M}):{note}",
                target=row,
                recipients=[u.pk for u in recipients],
            )
    except IntegrityError:  # escalated meanwhile by another sweep: once per deadline
        return None
    return row


def do_escalate_breaches(*, now: dt.datetime | None = None) -> dict:
    """Escalate every breached, unmet report deadline of open events not escalated yet."""
    now = now or timezone.now()
    made = 0
    events = Event.objects.filter(overdue_q(now)).select_related("event_type")
    for event in events.order_by("pk"):
        done = set(event.escalations.values_list("deadline", "due_at"))
        for d in clocks_of(event):
            if d.key == "unit" or d.status(now) != "overdue":
                continue
            if (d.label.split("(")[0][:60], d.due) in done:
                continue
            if _escalate(event, d, now) is not None:
                made += 1
    return {"escalated": made}


SWEEP_EVERY = 60  # seconds: reading the pages sweeps at most this often per process


def sweep_if_due(now: dt.datetime | None = None) -> dict | None:
    """On reading the event list, an event or the 工作台: escalate when an indexed query says
    some report is overdue, at most every SWEEP_EVERY seconds (actor: the job)."""
    from django.core.cache import cache

    from yingji.core.context import actor_context

    if not cache.add("response:escalation-sweep", 1, SWEEP_EVERY):
        return None
    now = now or timezone.now()
    if not Event.objects.filter(overdue_q(now)).exists():
        return None
    with actor_context(None, source="job", label="job:response_escalation_sweep"):
        return do_escalate_breaches(now=now)


def to_me(user):
    """Escalations to this user whose event is still open."""
    from yingji.core.permissions import restrict

    return (
        restrict(ReportEscalation.objects.select_related("event"), user)
        .filter(recipients=user, event__state="open")
        .order_by("-notified_at", "-pk")
    )
