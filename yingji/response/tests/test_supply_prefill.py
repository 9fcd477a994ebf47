"""申请物资 from the event: the event page's link opens the resources app's supply-request form
filled from the event (destination and point, linked event, purpose, needed-by; the requester
is who submits it), the submitted request is listed back on the event, an event without
coordinates is placed at its county's centre and says so, and only whoever may request sees
the link (and the form)."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from yingji.response.models import Event

from .helpers import client_for, event_body, post

pytestmark = pytest.mark.django_db

LEAK = "西固区化工助剂企业储罐区氯气泄漏(演示)"


def _link(page: str) -> str:
    match = re.search(r'href="([^"]+)" id="supply-request-link"', page)
    assert match, "no 申请物资 link"
    return htmllib.unescape(match.group(1))


def _value(page: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}" name="[a-z_]+" value="([^"]*)"', page)
    assert match, field_id
    return htmllib.unescape(match.group(1))


def test_the_link_opens_the_form_filled_from_the_event_and_the_request_comes_back():
    leak = Event.objects.get(title=LEAK)
    duty = client_for("duty")
    url = _link(duty.get(leak.get_absolute_url()).content.decode())
    path, query = urlsplit(url).path, parse_qs(urlsplit(url).query)
    assert path == "/resources/requests/new/"
    assert query["event"] == [f"{leak.number} {leak.title}"]
    assert float(query["lon"][0]) == pytest.approx(leak.lon) and "note" not in query
    form = duty.get(url).content.decode()
    assert _value(form, "r-dest") == leak.place
    assert _value(form, "r-event").startswith(leak.number)
    assert float(_value(form, "r-lat")) == pytest.approx(leak.lat)
    needed = dt.datetime.fromisoformat(_value(form, "r-needed"))
    expected = timezone.localtime().replace(tzinfo=None) + dt.timedelta(hours=6)
    assert abs((needed - expected).total_seconds()) < 300  # YINGJI_EVENT_SUPPLY_HOURS
    assert 'id="request-prefilled"' in form and "需求提出人" in form
    # submitting the prefilled form (plus one item line) makes a request listed on the event
    values = {k: v[0] for k, v in query.items()}
    r = duty.post("/resources/requests/new/", values | {"item_0": "1010199", "quantity_0": "3"})
    assert r.status_code == 302, r.content.decode()[:400]
    from yingji.resources.models import SupplyRequest

    request = SupplyRequest.objects.order_by("-pk").first()
    assert request.event.startswith(leak.number) and request.requested_by.username == "duty"
    assert request.region.code == leak.region.code
    listed = duty.get(leak.get_absolute_url()).content.decode()
    assert request.number in listed.split('id="supply-request-list"')[1].split("</ul>")[0]


def test_an_event_without_coordinates_is_placed_at_its_county_centre_and_says_so():
    r = post(client_for("duty"), "/api/v1/response/events", event_body(place="西固区某路口"))
    assert r.status_code == 201, r.content
    event = Event.objects.get(pk=r.json()["id"])
    assert event.lon is None
    url = _link(client_for("duty").get(event.get_absolute_url()).content.decode())
    query = parse_qs(urlsplit(url).query)
    assert float(query["lon"][0]) == pytest.approx(event.region.centroid_lon, abs=1e-5)
    assert "西固区中心" in query["note"][0]
    form = client_for("duty").get(url).content.decode()
    assert "西固区中心" in form and _value(form, "r-dest") == "西固区某路口"


def test_the_link_and_the_form_only_for_whoever_may_request():
    leak = Event.objects.get(title=LEAK)
    page = client_for("leader").get(leak.get_absolute_url()).content.decode()
    assert 'id="supply-request-link"' not in page
    url = _link(client_for("xigu_staff").get(leak.get_absolute_url()).content.decode())
    assert client_for("leader").get(url).status_code == 403
    assert client_for("ent_user").get(url).status_code == 403


def test_hostile_values_in_the_link_are_shown_as_text():
    bad = "<script>alert(1)</script>"
    form = client_for("duty").get(
        "/resources/requests/new/", {"event": bad, "destination": bad, "note": bad}
    )
    text = form.content.decode()
    assert form.status_code == 200 and bad not in text and "&lt;script&gt;" in text
