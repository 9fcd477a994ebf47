"""Personal signed acknowledgement links (django.core.signing, max_age): opening one lets the
recipient 签收 and then report 已落实 with a note, without logging in; a forged or expired link
is refused with a clear page and changes nothing; the coverage on the warning page follows."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from yingji.core.models import AuditEvent
from yingji.warnings import acklinks, selectors
from yingji.warnings.models import Acknowledgement, Warning

from .helpers import client_for, post, released, user

pytestmark = pytest.mark.django_db


def _xigu_ack(body) -> Acknowledgement:
    return Acknowledgement.objects.get(warning_id=body["id"], organisation__code="XGQ-YJJ")


def _url(token):
    return f"/warnings/ack/{token}/"


def test_an_organisation_link_acknowledges_then_reports_done_without_login():
    body = released()
    ack = _xigu_ack(body)
    url = _url(acklinks.make_token(ack.pk))
    anonymous = Client()
    page = anonymous.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "测试暴雨橙色预警" in text and "西固区应急管理局" in text and "link-acknowledge" in text

    r = anonymous.post(url, {"step": "receive"})
    assert r.status_code == 302
    ack.refresh_from_db()
    assert ack.state == "received" and ack.received_at and ack.received_by is None
    assert "link-done" in anonymous.get(url).content.decode()

    assert anonymous.post(url, {"step": "done", "note": "已转移群众 35 人"}).status_code == 302
    ack.refresh_from_db()
    assert ack.state == "done" and ack.note == "已转移群众 35 人"
    verbs = list(
        AuditEvent.objects.filter(object_id=str(body["id"]), data__via="link").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == ["warnings.acknowledged", "warnings.acted"]


def test_a_personal_link_records_the_person_it_was_sent_to():
    body = released()
    ack = _xigu_ack(body)
    person = user("xigu_staff")
    url = _url(acklinks.make_token(ack.pk, person.pk))
    Client().post(url, {"step": "receive"})
    ack.refresh_from_db()
    assert ack.received_by == person
    # a user id of someone outside the organisation signs nobody by name
    other = _xigu_ack(released())
    Client().post(_url(acklinks.make_token(other.pk, user("ent_user").pk)), {"step": "receive"})
    other.refresh_from_db()
    assert other.state == "received" and other.received_by is None


def test_coverage_on_the_warning_page_follows_the_links():
    body = released()
    acks = list(Acknowledgement.objects.filter(warning_id=body["id"]).order_by("pk"))
    total = len(acks)
    assert total >= 3
    for ack in acks[:2]:
        Client().post(_url(acklinks.make_token(ack.pk)), {"step": "receive"})
    Client().post(_url(acklinks.make_token(acks[0].pk)), {"step": "done", "note": "已落实"})
    cov = selectors.coverage(Warning.objects.get(pk=body["id"]))
    assert (cov["total"], cov["received"], cov["done"], cov["pending"]) == (total, 2, 1, total - 2)
    assert cov["received_rate"] == round(200 / total) and cov["done_rate"] == round(100 / total)
    page = client_for("duty").get(f"/warnings/{body['id']}/").content.decode()
    assert f"接收单位 {total} 个;已签收 2 个({round(200 / total)}%);已落实 1 个" in page
    # per county: every recipient here is in 西固区 (620104)
    by_region = client_for("duty").get(f"/api/v1/warnings/{body['id']}").json()
    assert by_region["coverage_by_region"] == [
        {
            "code": "620104",
            "name": "西固区",
            "total": total,
            "received": 2,
            "done": 1,
            "pending": total - 2,
        }
    ]
    assert 'id="coverage-regions"' in page


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: "eyJhIjo5OTl9" + t[t.index(":") :],  # another task's id, old signature
        lambda t: "nonsense",
        lambda t: t.split(":")[0],  # no signature at all
    ],
)
def test_a_forged_link_is_refused_and_changes_nothing(tamper):
    ack = _xigu_ack(released())
    url = _url(tamper(acklinks.make_token(ack.pk)))
    page = Client().get(url)
    assert page.status_code == 403
    assert "签收链接无效" in page.content.decode()
    assert Client().post(url, {"step": "receive"}).status_code == 403
    ack.refresh_from_db()
    assert ack.state == "pending"


def test_an_expired_link_is_refused_and_changes_nothing(settings, monkeypatch):
    settings.WARNINGS_ACK_LINK_MAX_AGE = 3600
    ack = _xigu_ack(released())
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 3601)  # made an hour and a second ago
    token = acklinks.make_token(ack.pk)
    monkeypatch.setattr(time, "time", real)
    page = Client().get(_url(token))
    assert page.status_code == 410
    assert "签收链接已过期" in page.content.decode() and "有效期" in page.content.decode()
    assert Client().post(_url(token), {"step": "receive"}).status_code == 410
    ack.refresh_from_db()
    assert ack.state == "pending"
    with pytest.raises(acklinks.LinkRefused) as err:
        acklinks.read_token(token)
    assert err.value.reason == "expired"


def test_a_link_of_a_cancelled_warning_no_longer_acknowledges():
    body = released()
    ack = _xigu_ack(body)
    post(client_for("duty"), f"/api/v1/warnings/{body['id']}/cancel", {"reason": "降雨结束"})
    url = _url(acklinks.make_token(ack.pk))
    assert "不再需要签收" in Client().get(url).content.decode()
    r = Client().post(url, {"step": "receive"}, follow=True)
    assert "已解除" in r.content.decode()
    ack.refresh_from_db()
    assert ack.state == "pending"


def test_done_before_receiving_and_an_empty_note_are_refused():
    ack = _xigu_ack(released())
    url = _url(acklinks.make_token(ack.pk))
    r = Client().post(url, {"step": "done", "note": "已落实"}, follow=True)
    assert "请先签收" in r.content.decode()
    Client().post(url, {"step": "receive"})
    r = Client().post(url, {"step": "done", "note": ""}, follow=True)
    ack.refresh_from_db()
    assert ack.state == "received" and ack.note == ""
    assert "落实情况" in r.content.decode()
