"""Closed response events (#12) as cases. The response app already reads the case library
(its event page shows typical cases), so importing it here would make a cycle between the two
apps (import-linter's acyclic contract): the event is read by its model name through the
registry and the platform's ``restrict`` (the response app's own rule for events), by pk only,
with no lookup into its tables."""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from yingji.core.permissions import get_restricted_or_404, restrict

from .choices import SECTOR_INDUSTRY
from .parsing import INDUSTRY_WORDS, TYPE_WORDS, _guess

# the response module's event types → the library's accident type / industry, where they say
EVENT_TYPE_CASE = {
    "ACC-HAZ": ("", "hazchem"),
    "ACC-MINE": ("", "non_coal"),
    "ACC-FIRE": ("fire", ""),
    "ACC-ROAD": ("vehicle", "transport"),
    "ACC-BUILD": ("", "construction"),
}


def event_model():
    return apps.get_model("response", "Event")


def visible_event(user, pk):
    """An event the user may see, or 404 (the caller checks that it is closed)."""
    return get_restricted_or_404(restrict(event_model().objects.all(), user), user, pk=pk)


def proposal(event) -> dict:
    """The case form prefilled from the event (a person checks it before saving)."""
    text = f"{event.title}\n{event.event_type.name}\n{event.description}\n{event.measures}"
    kind, industry = EVENT_TYPE_CASE.get(event.event_type.code, ("", ""))
    if event.enterprise_id:
        industry = SECTOR_INDUSTRY.get(event.enterprise.sector, industry)
    loss_wan = (event.loss_yuan / Decimal(10_000)).quantize(Decimal("0.01"))
    return {
        "code": f"AL-{event.number}"[:40],
        "title": event.title,
        "occurred_on": timezone.localdate(event.occurred_at).isoformat(),
        "region": event.region.code,
        "place": event.place,
        "industry": industry or _guess(INDUSTRY_WORDS, text) or "other",
        "accident_type": kind or _guess(TYPE_WORDS, text) or "other",
        "deaths": event.deaths,
        "serious_injuries": event.serious_injuries,
        "injuries": event.minor_injuries,
        "direct_loss_wan": loss_wan,
        "narrative": event.description,
        "measures": event.measures,
        "source": f"突发事件{event.number}",
    }
