"""The warning workflow through the API: draft → submit → approve (never by the drafter, only
with the approval right) → release (identifier, deliveries, acknowledgement tasks) → update /
cancel / expire; every step audited; each refusal changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.models import AuditEvent
from yingji.standards import cap
from yingji.warnings import selectors, services
from yingji.warnings.models import Acknowledgement, Delivery, Warning

from .helpers import client_for, payload, post, released, send_now

pytestmark = pytest.mark.django_db


def test_draft_submit_approve_release_through_the_api():
    section, approver, duty = client_for("whk_staff"), client_for("zhxt_staff"), client_for("duty")
    r = post(section, "/api/v1/warnings", payload(regions=["620104", "620103"]))
    assert r.status_code == 201, r.content
    body = r.json()
    wid = body["id"]
    assert body["state"] == "draft" and body["jurisdiction"] == "620100"
    assert body["instruction"].startswith("1. 政府及相关部门")  # the 暴雨 template
    assert post(section, f"/api/v1/warnings/{wid}/submit").json()["state"] == "submitted"

    own = post(section, f"/api/v1/warnings/{wid}/approve")
    assert own.status_code == 403
    assert "起草人不能审批" in own.json()["message"]
    no_right = post(duty, f"/api/v1/warnings/{wid}/approve")
    assert no_right.status_code == 403
    assert Warning.objects.get(pk=wid).state == "submitted"  # both refusals changed nothing

    assert post(approver, f"/api/v1/warnings/{wid}/approve").json()["state"] == "approved"
    r = post(duty, f"/api/v1/warnings/{wid}/release", {"channels": ["platform", "sms", "wecom"]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "released"
    parts = cap.parse_identifier(body["identifier"])
    assert parts["region"] == "620100" and parts["serial"] is not None
    assert len(body["identifier"]) == 31
    # deliveries: one per recipient organisation on platform, on sms one per member (or one
    # for an organisation without members) and per 灾害信息员 of the area, one per robot; no
    # gateway and no robot configured: recorded as 未配置, not "sent"
    orgs = Acknowledgement.objects.filter(warning_id=wid).count()
    assert orgs >= 2 and body["coverage"]["total"] == orgs
    assert Delivery.objects.filter(warning_id=wid, channel="platform").count() == orgs
    sms = Delivery.objects.filter(warning_id=wid, channel="sms")
    assert set(sms.values_list("result", flat=True)) == {"unconfigured"}
    covered = set(sms.exclude(organisation=None).values_list("organisation_id", flat=True))
    assert covered == set(
        Acknowledgement.objects.filter(warning_id=wid).values_list("organisation_id", flat=True)
    )
    wecom = Delivery.objects.get(warning_id=wid, channel="wecom")
    assert wecom.result == "unconfigured" and "WARNINGS_WECOM_WEBHOOKS" in wecom.detail
    codes = set(
        Acknowledgement.objects.filter(warning_id=wid).values_list("organisation__code", flat=True)
    )
    assert {"XGQ-YJJ", "QLHQ-YJJ", "DEMO-ENT-620104-01"} <= codes
    assert "CGQ-YJJ" not in codes
    verbs = list(
        AuditEvent.objects.filter(object_id=str(wid), verb__startswith="warnings.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "warnings.drafted",
        "warnings.submitted",
        "warnings.approved",
        "warnings.released",
    ]


def test_submitting_needs_the_consultation_decision():
    c = client_for("whk_staff")
    wid = post(c, "/api/v1/warnings", payload(consult_decision="")).json()["id"]
    r = post(c, f"/api/v1/warnings/{wid}/submit")
    assert r.status_code == 422 and "会商结论" in r.json()["message"]
    assert Warning.objects.get(pk=wid).state == "draft"


@pytest.mark.parametrize(
    "over, message",
    [
        ({"event_type": "nothing"}, "事件类型"),
        ({"regions": ["999999"]}, "影响区域代码不存在"),
        ({"regions": ["620102"], "jurisdiction": "620104"}, "不在发布区域"),
    ],
)
def test_draft_refusals(over, message):
    before = Warning.objects.count()
    r = post(client_for("whk_staff"), "/api/v1/warnings", payload(**over))
    assert r.status_code == 422 and message in r.json()["message"]
    assert Warning.objects.count() == before


def test_expires_must_follow_effective():
    now = timezone.now()
    r = post(
        client_for("whk_staff"),
        "/api/v1/warnings",
        payload(effective=now.isoformat(), expires=(now - dt.timedelta(hours=1)).isoformat()),
    )
    assert r.status_code == 422


def test_the_leader_and_an_enterprise_cannot_draft():
    for name in ("leader", "ent_user"):
        assert post(client_for(name), "/api/v1/warnings", payload()).status_code == 403


def test_a_county_drafts_for_its_own_area_only_and_cannot_release_a_city_warning():
    xigu = client_for("xigu_staff")
    before = Warning.objects.count()
    r = post(xigu, "/api/v1/warnings", payload(regions=["620102"]))
    assert r.status_code == 403 and Warning.objects.count() == before
    r = post(xigu, "/api/v1/warnings", payload(regions=["620104"]))
    assert r.status_code == 201 and r.json()["jurisdiction"] == "620104"
    # a city-wide warning (西固 + 七里河) approved by the city: 西固 may not release it
    c = client_for("whk_staff")
    wid = post(c, "/api/v1/warnings", payload(regions=["620104", "620103"])).json()["id"]
    post(c, f"/api/v1/warnings/{wid}/submit")
    post(client_for("zhxt_staff"), f"/api/v1/warnings/{wid}/approve")
    r = post(xigu, f"/api/v1/warnings/{wid}/release")
    assert r.status_code in (403, 404)
    assert Warning.objects.get(pk=wid).state == "approved"


def test_returned_to_the_drafter_with_an_opinion():
    c = client_for("whk_staff")
    wid = post(c, "/api/v1/warnings", payload()).json()["id"]
    post(c, f"/api/v1/warnings/{wid}/submit")
    r = post(client_for("zhxt_staff"), f"/api/v1/warnings/{wid}/return", {"opinion": "请补充雨量"})
    assert r.json()["state"] == "draft"
    r = post(client_for("duty"), f"/api/v1/warnings/{wid}/release")
    assert r.status_code == 409 and "草稿" in r.json()["message"]


def test_update_references_the_original_and_supersedes_it():
    first = released()
    duty, section = client_for("duty"), client_for("whk_staff")
    r = post(section, f"/api/v1/warnings/{first['id']}/update")
    assert r.status_code == 201, r.content
    new = r.json()
    assert new["msg_type"] == "Update" and new["previous"] == first["id"]
    again = post(section, f"/api/v1/warnings/{first['id']}/update")
    assert again.status_code == 409
    body = payload(level="red", headline="测试暴雨红色预警(更新)")
    r = section.put(f"/api/v1/warnings/{new['id']}", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["level"] == "red"
    post(section, f"/api/v1/warnings/{new['id']}/submit")
    post(client_for("zhxt_staff"), f"/api/v1/warnings/{new['id']}/approve")
    r = post(duty, f"/api/v1/warnings/{new['id']}/release")
    assert r.json()["state"] == "released"
    assert Warning.objects.get(pk=first["id"]).state == "updated"
    messages = [m["id"] for m in r.json()["messages"]]
    assert messages == [first["id"], new["id"]]


def test_cancel_sends_a_cancel_message_and_the_feed_shows_it_cancelled(client):
    first = released()
    r = post(client_for("duty"), f"/api/v1/warnings/{first['id']}/cancel", {"reason": "降雨结束"})
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    cancel = Warning.objects.get(previous_id=first["id"], msg_type="Cancel")
    assert cancel.identifier and cancel.state == "cancelled"
    feed = client.get("/warnings/public/warnings.atom").content.decode()
    assert f"【已解除】解除{first['headline']}" in feed
    assert f"urn:yingji:warning:{first['identifier']}" not in feed  # no longer current


def test_an_expired_warning_stops_showing_as_active(client):
    first = released()
    Warning.objects.filter(pk=first["id"]).update(
        expires=timezone.now() - dt.timedelta(minutes=1)
    )  # time passes
    w = Warning.objects.get(pk=first["id"])
    assert w.state == "released" and w.shown_state == "expired"  # computed on read
    assert not selectors.in_force(Warning.objects.filter(pk=w.pk)).exists()
    assert client_for("whk_staff").get(f"/api/v1/warnings/{w.pk}").json()["state"] == "expired"
    assert first["identifier"] not in client.get("/warnings/public/warnings.atom").content.decode()
    r = post(client_for("duty"), f"/api/v1/warnings/{w.pk}/cancel", {"reason": "已过期"})
    assert r.status_code == 409
    from yingji.core.context import actor_context

    with actor_context(None, source="job", label="test"):
        assert services.do_expire_warnings()["expired"] >= 1
    assert Warning.objects.get(pk=w.pk).state == "expired"


def test_acknowledgement_received_then_acted_and_the_coverage():
    first = released()
    ent = client_for("ent_user")
    acks = ent.get("/api/v1/warnings/acks").json()
    mine = next(a for a in acks if a["warning"] == first["id"])
    assert mine["organisation"] == "DEMO-ENT-620104-01" and mine["state"] == "pending"
    r = post(ent, f"/api/v1/warnings/acks/{mine['id']}/done", {"note": "已落实"})
    assert r.status_code == 409  # 先签收
    r = post(ent, f"/api/v1/warnings/acks/{mine['id']}/acknowledge")
    assert r.status_code == 200 and r.json()["state"] == "received"
    r = post(ent, f"/api/v1/warnings/acks/{mine['id']}/done", {"note": "已停止露天作业"})
    assert r.json()["state"] == "done"
    cov = client_for("duty").get(f"/api/v1/warnings/{first['id']}").json()["coverage"]
    assert cov["received"] == 1 and cov["done"] == 1
    assert cov["received_rate"] == round(100 / cov["total"])
    # another organisation's task: the enterprise cannot acknowledge it
    other = Acknowledgement.objects.filter(warning_id=first["id"], organisation__code="XGQ-YJJ")
    r = post(ent, f"/api/v1/warnings/acks/{other.get().pk}/acknowledge")
    assert r.status_code in (403, 404)
    assert other.get().state == "pending"


def test_release_publishes_to_the_local_mqtt_broker(django_capture_on_commit_callbacks):
    import json

    import paho.mqtt.client as mqtt

    with django_capture_on_commit_callbacks(execute=True):
        body = released(channels=["mqtt"])
    delivery = Delivery.objects.get(warning_id=body["id"], channel="mqtt")
    assert delivery.result == "pending"  # the job sends it
    send_now(body["id"])
    delivery.refresh_from_db()
    assert delivery.result == "delivered", delivery.detail
    got = []
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    sub.on_message = lambda c, u, m: got.append(json.loads(m.payload))
    sub.connect("127.0.0.1", 1883)
    sub.subscribe(f"yingji/warnings/{body['identifier']}", qos=1)
    for _ in range(50):  # the retained message arrives on subscription
        sub.loop(timeout=0.1)
        if got:
            break
    sub.disconnect()
    assert got and got[0]["identifier"] == body["identifier"]
    assert got[0]["level"] == "orange" and got[0]["areas"] == ["620104"]


def test_an_unreachable_broker_is_a_failed_delivery(settings, django_capture_on_commit_callbacks):
    settings.MQTT_URL = "mqtt://127.0.0.1:9"  # nothing listens on the discard port
    settings.WARNINGS_DELIVERY_ATTEMPTS = 2
    settings.WARNINGS_RETRY_DELAYS = [0]
    with django_capture_on_commit_callbacks(execute=True):
        body = released(channels=["mqtt"])
    send_now(body["id"])
    delivery = Delivery.objects.get(warning_id=body["id"], channel="mqtt")
    assert delivery.result == "failed" and "无法连接" in delivery.detail
    assert delivery.attempt == 2
    assert Warning.objects.get(pk=body["id"]).state == "released"


def test_an_identifier_taken_meanwhile_gives_the_next_serial(monkeypatch):
    taken = released()["identifier"]
    real, calls = services._identifier, []

    def racing(warning, now):  # another process released in the same second first
        calls.append(1)
        return taken if len(calls) == 1 else real(warning, now)

    monkeypatch.setattr(services, "_identifier", racing)
    body = released()
    assert len(calls) == 2 and body["identifier"] != taken
    assert Warning.objects.filter(identifier=taken).count() == 1
