"""事件 ↔ 隐患 (#5): an event linked to one or more hazards, shown on the event (and its
timeline) and on the hazard's page. The hazard model is looked up by name (``apps.get_model``)
and read only through its own restrict(): a link needs the event changeable *and* the hazard
visible to the actor, so a county bureau cannot link another county's hazard. Unlinking keeps
the row (who, when)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope, restrict
from yingji.core.services import locked

from .event_links import hazard_text, visible_hazards
from .models import Event, EventHazard
from .schemas import HazardLinkIn, HazardUnlinkIn


def active_links(event: Event, user):
    """The event's links the user may see, to hazards the user may see."""
    hazards = visible_hazards(user).values("pk")
    return (
        restrict(EventHazard.objects.filter(event=event, removed_at__isnull=True), user)
        .filter(hazard__in=hazards)
        .select_related("hazard__enterprise__organisation", "linked_by")
        .order_by("linked_at", "pk")
    )


def candidates(event: Event, user, q: str = "", limit: int = 20) -> list:
    """Hazards to offer: those matching ``q`` (编号 or 描述), else the event's enterprise's;
    already linked ones left out."""
    qs = visible_hazards(user)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(description__icontains=q))
    elif event.enterprise_id:
        qs = qs.filter(enterprise_id=event.enterprise_id)
    else:
        return []
    linked = EventHazard.objects.filter(event=event, removed_at__isnull=True).values("hazard_id")
    return list(qs.exclude(pk__in=linked).order_by("-found_on", "-pk")[:limit])


def _event_for_write(actor, event: Event) -> Event:
    check_rule(actor, "response.intake")
    if not restrict(Event.objects.filter(pk=event.pk), actor, "change").exists():
        raise NotPermitted("您无权处置该事件。")
    return event


def do_link_hazard(*, actor, event: Event, data: HazardLinkIn) -> EventHazard:
    _event_for_write(actor, event)
    hazard = visible_hazards(actor).filter(pk=data.hazard).first()
    if hazard is None:
        raise ValidationFailed("隐患不存在或您无权查看。", details={"field": "hazard"})
    with transaction.atomic():
        event = locked(Event, event.pk)
        if event.state == "merged":
            raise InvalidTransition("事件已合并,请在主事件上关联隐患。")
        if EventHazard.objects.filter(event=event, hazard=hazard, removed_at__isnull=True).exists():
            raise InvalidTransition("该隐患已关联到本事件。")
        link = EventHazard.objects.create(
            event=event,
            hazard=hazard,
            note=data.note,
            linked_by=actor,
            linked_at=timezone.now(),
        )
        record_event(
            "response.hazard.linked",
            f"“{event.number}”关联隐患 {hazard_text(hazard)}",
            target=link,
            hazard=hazard.pk,
        )
        ensure_in_scope(actor, link)
    return link


def do_unlink_hazard(*, actor, link: EventHazard, data: HazardUnlinkIn) -> EventHazard:
    check_rule(actor, "response.intake")
    with transaction.atomic():
        link = locked(EventHazard, link.pk)
        if not restrict(EventHazard.objects.filter(pk=link.pk), actor, "change").exists():
            raise NotPermitted("您无权处置该事件。")
        if link.removed_at is not None:
            raise InvalidTransition("该关联已解除。")
        link.removed_at, link.removed_by = timezone.now(), actor
        link.save()
        record_event(
            "response.hazard.unlinked",
            f"“{link.event.number}”解除关联隐患 #{link.hazard_id}"
            + (f":{data.reason}" if data.reason else ""),
            target=link,
            hazard=link.hazard_id,
        )
    return link


def hazard_events(user, hazard) -> list:
    """For the hazard's page (record_links hook): the events linked to it the user may see."""
    from yingji.core.hooks import SearchHit

    from .selectors import visible_events

    ids = EventHazard.objects.filter(hazard_id=hazard.pk, removed_at__isnull=True).values(
        "event_id"
    )
    rows = visible_events(user).filter(pk__in=ids).order_by("-received_at", "-pk")
    return [
        SearchHit(
            title=str(e),
            url=e.get_absolute_url(),
            subtitle=f"{e.received_at:%Y-%m-%d} 接报 · {e.get_state_display()}",
        )
        for e in rows
    ]
