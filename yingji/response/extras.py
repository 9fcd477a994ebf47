"""What the event page shows beside the core record: the 自然灾害救助 suggestion, the
escalations of breached reporting deadlines, the linked 隐患 (one function, so the page view
gains one line)."""

from __future__ import annotations

from . import escalations, hazard_links, selectors


def event_page(request, event, handles: bool) -> dict:
    user = request.user
    q = request.GET.get("hazard_q", "")
    can_link = handles and event.state == "open"
    return {
        "relief": selectors.relief_assessment(event),
        "escalations": escalations.for_event(event, user),
        "hazard_links": hazard_links.active_links(event, user),
        "can_link_hazards": can_link,
        "hazard_q": q[:50],
        "hazard_candidates": hazard_links.candidates(event, user, q) if can_link else [],
    }
