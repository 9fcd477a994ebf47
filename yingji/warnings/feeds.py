"""The public Atom feed of released public warnings (RFC 4287), each entry linking to its CAP
1.2 XML (the usual CAP-index-in-Atom arrangement). Built with ElementTree: text is escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.urls import reverse
from django.utils import timezone

from yingji.standards.cap import cap_time

ATOM = "http://www.w3.org/2005/Atom"


def _sub(parent, tag, text=None, **attrs):
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def atom_feed(request, warnings) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    base = request.build_absolute_uri("/")[:-1]
    _sub(feed, "id", base + reverse("warnings:public_atom"))
    _sub(feed, "title", "兰州市应急管理局 公开预警信息")
    updated = max((w.sent for w in warnings), default=timezone.now())
    _sub(feed, "updated", cap_time(updated))
    _sub(feed, "link", href=base + reverse("warnings:public_atom"), rel="self")
    author = _sub(feed, "author")
    _sub(author, "name", "兰州市应急管理局")
    for w in warnings:
        entry = _sub(feed, "entry")
        xml_url = base + reverse("warnings:public_xml", args=[w.identifier])
        _sub(entry, "id", f"urn:yingji:warning:{w.identifier}")
        state = (
            "已解除" if w.msg_type == "Cancel" or w.state == "cancelled" else w.shown_state_label
        )
        _sub(entry, "title", f"【{state}】{w.headline}")
        _sub(entry, "updated", cap_time(w.sent))
        _sub(entry, "summary", f"{w.get_level_display()} {w.description}"[:1000])
        _sub(entry, "link", href=xml_url, rel="alternate", type="application/cap+xml")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
