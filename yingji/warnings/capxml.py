"""A warning as a CAP 1.2 message (dict for yingji.standards.cap), its sender code, and the
mapping back from an imported message. The rules are in yingji.standards.cap; this module only
maps the model's fields."""

from __future__ import annotations

from django.conf import settings

from yingji.standards import cap

from .models import Warning

LANGUAGE = "zh-CN"
SENDER_NAME = "兰州市应急管理局"


def sender_for(warning: Warning) -> str:
    """ZZZZZZDDDUUUXX: the issuing area's GB/T 2260 code, the agency code (GB/T 4657; setting
    ``WARNINGS_AGENCY_CODE``, default 000 — the bureau's real code is not known to us: LOW),
    sub-unit 000, extension 00."""
    region = warning.jurisdiction.code[:6]
    agency = getattr(settings, "WARNINGS_AGENCY_CODE", "000")
    return cap.sender_code(region, agency)


def _area(warning: Warning) -> dict:
    regions = list(warning.regions.order_by("code"))
    polygons = []
    geometry = warning.polygon or None
    if geometry and geometry.get("type") == "Polygon":
        polygons.append(cap.polygon_text([tuple(p) for p in geometry["coordinates"][0]]))
    return {
        "areaDesc": "、".join(r.name for r in regions) or warning.jurisdiction.name,
        "polygons": polygons,
        "geocodes": [("GB/T 2260", r.code) for r in regions],
    }


def alert_dict(warning: Warning) -> dict:
    profile = cap.levels()[warning.level]
    references = ""
    if warning.previous_id and warning.previous.identifier:
        prev = warning.previous
        references = cap.references([(sender_for(prev), prev.identifier, prev.sent)])
    category = warning.event_type.category
    info = {
        "language": LANGUAGE,
        "category": [category if category in cap.CATEGORIES else "Other"],
        "event": warning.event_type.name,
        "responseType": ["AllClear"] if warning.msg_type == "Cancel" else [],
        "urgency": profile["urgency"],
        "severity": profile["severity"],
        "certainty": profile["certainty"],
        "eventCodes": [("yingji:eventType", warning.event_type.code)],
        "effective": cap.cap_time(warning.effective),
        "onset": cap.cap_time(warning.onset) if warning.onset else "",
        "expires": cap.cap_time(warning.expires),
        "senderName": SENDER_NAME,
        "headline": warning.headline,
        "description": warning.description,
        "instruction": warning.instruction,
        "parameters": [("预警级别", cap.level_label(warning.level))],
        "areas": [_area(warning)],
    }
    return {
        "identifier": warning.identifier,
        "sender": sender_for(warning),
        "sent": cap.cap_time(warning.sent),
        "status": "Actual",
        "msgType": warning.msg_type,
        "scope": "Public" if warning.scope == "public" else "Restricted",
        "restriction": "" if warning.scope == "public" else "仅限应急管理系统内部",
        "references": references,
        "info": [info],
    }


def cap_xml(warning: Warning) -> bytes:
    return cap.build_alert(alert_dict(warning))
