"""Dissemination against real local endpoints (issue #14): the release queues the sending job
after commit; a webhook that fails the first call gets the retry after the back-off; the
DingTalk robot gets a signed request; the SMS gateway gets its template per person with
a personal link; the local SMTP server receives the e-mail; the local Mosquitto the broadcast
payload; a delivery that keeps failing shows on the warning (page and API); a channel without
settings is recorded as 未配置; 重发 reaches only the organisations that have not 签收. No
connection leaves the machine (only_loopback)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.parse

import pytest
from django.utils import timezone

from yingji.core.models import AuditEvent
from yingji.warnings import channels
from yingji.warnings.models import Acknowledgement, Delivery

from .helpers import client_for, post, released, send_now
from .local_servers import http_server, json_bodies, only_loopback, smtp_server

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    with only_loopback(monkeypatch) as attempts:
        yield
    assert attempts == []


@pytest.fixture
def fast_retries(settings):
    settings.WARNINGS_DELIVERY_ATTEMPTS = 3
    settings.WARNINGS_RETRY_DELAYS = [30, 120]
    return settings


def _queued_jobs():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith="send_deliveries")


def test_release_queues_the_sending_job_only_after_commit(
    settings, django_capture_on_commit_callbacks
):
    settings.WARNINGS_WECOM_WEBHOOKS = "http://127.0.0.1:9/robot"
    before = _queued_jobs().count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        body = released(channels=["platform", "wecom"])
    assert _queued_jobs().count() == before  # nothing queued inside the transaction
    assert Delivery.objects.get(warning_id=body["id"], channel="wecom").result == "pending"
    for callback in callbacks:
        callback()
    job = _queued_jobs().order_by("-enqueued_at").first()
    assert _queued_jobs().count() == before + 1 and job.args_kwargs["args"] == [body["id"]]


def test_webhook_failing_first_gets_the_retry_after_the_back_off(
    fast_retries, django_capture_on_commit_callbacks
):
    with http_server(statuses=[500]) as robot:
        fast_retries.WARNINGS_WECOM_WEBHOOKS = f"{robot.url}/cgi-bin/webhook/send?key=SECRET"
        with django_capture_on_commit_callbacks(execute=True):
            body = released(channels=["wecom"])
        wid = body["id"]

        assert send_now(wid) == {"delivered": 0, "retrying": 1, "failed": 0}
        row = Delivery.objects.get(warning_id=wid, channel="wecom")
        assert row.result == "retrying" and row.attempt == 1 and "HTTP 500" in row.detail
        assert "SECRET" not in row.recipient  # the robot's key is not shown
        wait = row.next_attempt_at - row.at
        assert dt.timedelta(seconds=29) < wait <= dt.timedelta(seconds=30)
        retry_job = _queued_jobs().order_by("-enqueued_at").first()
        assert retry_job.run_after == row.next_attempt_at  # the retry is queued for then
        # shown on the warning while it waits
        detail = client_for("duty").get(f"/api/v1/warnings/{wid}").json()
        assert [d["result"] for d in detail["failing_deliveries"]] == ["retrying"]

        # before the back-off has passed, a run sends nothing
        assert send_now(wid) == {"delivered": 0, "retrying": 0, "failed": 0}
        assert len(robot.calls) == 1
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert send_now(wid)["delivered"] == 1

    row.refresh_from_db()
    assert row.result == "delivered" and row.attempt == 2
    assert [c["status"] for c in robot.calls] == [500, 200]
    sent = json_bodies(robot)[1]
    assert sent["msgtype"] == "markdown"
    assert "测试暴雨橙色预警" in sent["markdown"]["content"]
    assert body["identifier"] in sent["markdown"]["content"]
    detail = client_for("duty").get(f"/api/v1/warnings/{wid}").json()
    assert detail["failing_deliveries"] == []
    assert {(d["channel"], d["result"], d["attempt"]) for d in detail["deliveries"]} == {
        ("wecom", "delivered", 2)
    }


def test_a_delivery_that_keeps_failing_shows_on_the_warning(
    settings, django_capture_on_commit_callbacks
):
    settings.WARNINGS_DELIVERY_ATTEMPTS = 2
    settings.WARNINGS_RETRY_DELAYS = [0]
    with http_server(default=503) as robot:
        settings.WARNINGS_DINGTALK_WEBHOOKS = f"{robot.url}/robot/send?access_token=T"
        with django_capture_on_commit_callbacks(execute=True):
            body = released(channels=["platform", "dingtalk"])
        assert send_now(body["id"]) == {"delivered": 0, "retrying": 1, "failed": 1}
    assert len(robot.calls) == 2
    row = Delivery.objects.get(warning_id=body["id"], channel="dingtalk")
    assert row.result == "failed" and row.attempt == 2 and "HTTP 503" in row.detail
    event = AuditEvent.objects.get(verb="warnings.delivery_failed", object_id=str(body["id"]))
    assert event.data["deliveries"] == [row.pk] and event.source == "job"
    page = client_for("duty").get(f"/warnings/{body['id']}/").content.decode()
    assert 'id="failing"' in page and "钉钉群机器人" in page and "HTTP 503" in page
    api = client_for("duty").get(f"/api/v1/warnings/{body['id']}").json()
    assert [(d["channel"], d["result"]) for d in api["failing_deliveries"]] == [
        ("dingtalk", "failed")
    ]


def test_dingtalk_requests_are_signed_with_the_secret(settings, django_capture_on_commit_callbacks):
    settings.WARNINGS_DINGTALK_SECRET = "SEC-test"
    with http_server() as robot:
        settings.WARNINGS_DINGTALK_WEBHOOKS = f"{robot.url}/robot/send?access_token=T"
        with django_capture_on_commit_callbacks(execute=True):
            body = released(channels=["dingtalk"])
        send_now(body["id"])
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(robot.calls[0]["path"]).query)
    stamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(
        hmac.new(b"SEC-test", f"{stamp}\nSEC-test".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected and query["access_token"] == ["T"]
    assert json_bodies(robot)[0]["markdown"]["title"].startswith("【预警】")


def test_sms_goes_to_each_member_with_a_number_with_a_personal_link_else_no_phone(
    settings, django_capture_on_commit_callbacks
):
    from django.apps import apps

    from yingji.warnings.acklinks import read_token
    from yingji.warnings.models import ContactPhone

    InfoOfficer = apps.get_model("disasters", "InfoOfficer")  # noqa: N806 (no import: app cycle)

    settings.WARNINGS_SMS_TEMPLATE = (
        '{"to": "{recipient}", "org": "{org_code}", "msg": "{text}", "id": "{identifier}"}'
    )
    with http_server() as gateway:
        settings.WARNINGS_SMS_URL = f"{gateway.url}/sms/send"
        with django_capture_on_commit_callbacks(execute=True):
            body = released(channels=["sms"], regions=["620104"])
        counts = send_now(body["id"])
    rows = Delivery.objects.filter(warning_id=body["id"], channel="sms")
    xigu = rows.get(user__username="xigu_staff", organisation__code="XGQ-YJJ")
    assert xigu.result == "delivered" and xigu.address == "13800000003"
    # ent_chief (a member of the same enterprise as ent_user) has no number
    chief = rows.get(user__username="ent_chief")
    assert chief.result == "no_phone" and chief.detail.startswith("无手机号") and chief.attempt == 0
    assert rows.get(user__username="ent_user").address == "13800000005"
    # an enterprise without members: one row for the organisation, 无手机号
    empty = rows.filter(organisation__isnull=False, user__isnull=True)
    assert empty.exists() and set(empty.values_list("result", flat=True)) == {"no_phone"}
    # the 灾害信息员 on post in 西固区 get it on their own number, without a 签收 link
    officers = InfoOfficer.objects.filter(active=True, region__path__startswith="/620100/620104/")
    officer_rows = rows.filter(organisation__isnull=True)
    assert officer_rows.count() == officers.count()
    assert all(r.ack_id is None for r in officer_rows)

    sent = json_bodies(gateway)
    sendable = rows.exclude(result="no_phone")
    assert counts["delivered"] == sendable.count() == len(sent)
    assert {s["to"] for s in sent} == set(sendable.values_list("address", flat=True))
    phones = set(ContactPhone.objects.values_list("phone", flat=True))
    assert {s["to"] for s in sent if s["org"]} <= phones
    mine = next(s for s in sent if s["to"] == "13800000003")
    assert mine["org"] == "XGQ-YJJ" and mine["id"] == body["identifier"]
    token = mine["msg"].split("/warnings/ack/")[1].split("/")[0]
    assert read_token(token) == (xigu.ack_id, xigu.user_id)  # the person's own link
    assert "测试暴雨橙色预警" in mine["msg"]


def test_sms_template_values_cannot_break_the_json(settings, django_capture_on_commit_callbacks):
    with http_server() as gateway:
        settings.WARNINGS_SMS_URL = f"{gateway.url}/sms"
        with django_capture_on_commit_callbacks(execute=True):
            body = released(channels=["sms"], headline='引号"}, "x": "注入', regions=["620104"])
        send_now(body["id"])
    sent = json_bodies(gateway)  # every body is valid JSON with the text intact
    assert sent and all(set(s) == {"to", "content"} for s in sent)
    assert '引号"}, "x": "注入' in sent[0]["content"]


def test_the_local_smtp_server_receives_the_email_with_a_personal_link(
    settings, django_capture_on_commit_callbacks
):
    from yingji.orgs.models import Membership

    member = Membership.objects.filter(organisation__code="XGQ-YJJ", is_active=True).first()
    type(member.user).objects.filter(pk=member.user_id).update(email="xigu-duty@example.test")
    with smtp_server() as (port, inbox):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        with django_capture_on_commit_callbacks(execute=True):
            body = released(channels=["email"])
        send_now(body["id"])
    row = Delivery.objects.get(warning_id=body["id"], channel="email", user=member.user)
    assert row.result == "delivered" and row.address == "xigu-duty@example.test"
    got = [m for m in inbox if m["to"] == ["xigu-duty@example.test"]]
    assert len(got) == 1
    message = got[0]["message"]
    assert message["Subject"] == "【预警】测试暴雨橙色预警"
    text = message.get_content()
    assert "防御指南" in text and "/warnings/ack/" in text


def test_an_unreachable_smtp_server_is_retried_not_lost(
    settings, fast_retries, django_capture_on_commit_callbacks
):
    from yingji.orgs.models import Membership

    member = Membership.objects.filter(organisation__code="XGQ-YJJ", is_active=True).first()
    type(member.user).objects.filter(pk=member.user_id).update(email="xigu-duty@example.test")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    with django_capture_on_commit_callbacks(execute=True):
        body = released(channels=["email"])
    send_now(body["id"])
    row = Delivery.objects.get(warning_id=body["id"], channel="email", user=member.user)
    assert row.result == "retrying" and "无法连接邮件服务器" in row.detail


def test_the_local_mosquitto_receives_the_broadcast_payload(django_capture_on_commit_callbacks):
    import paho.mqtt.client as mqtt

    with django_capture_on_commit_callbacks(execute=True):
        body = released(channels=["mqtt"], regions=["620104", "620103"])
    assert send_now(body["id"])["delivered"] == 1
    got = []
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    sub.on_message = lambda c, u, m: got.append(json.loads(m.payload))
    sub.connect("127.0.0.1", 1883)
    sub.subscribe(f"yingji/warnings/{body['identifier']}", qos=1)
    for _ in range(50):
        sub.loop(timeout=0.1)
        if got:
            break
    sub.disconnect()
    assert got, "the retained broadcast payload arrives"
    assert got[0]["identifier"] == body["identifier"] and got[0]["msgType"] == "Alert"
    assert got[0]["areas"] == ["620103", "620104"] and got[0]["level"] == "orange"
    assert got[0]["text"].startswith("测试暴雨橙色预警。")


def test_unconfigured_channels_are_recorded_never_sent(
    settings, django_capture_on_commit_callbacks
):
    settings.WARNINGS_WECOM_WEBHOOKS = settings.WARNINGS_SMS_URL = settings.EMAIL_HOST = ""
    with django_capture_on_commit_callbacks(execute=True):
        body = released(channels=["wecom", "sms", "email"])
    rows = Delivery.objects.filter(warning_id=body["id"])
    assert set(rows.values_list("result", flat=True)) <= {"unconfigured"}
    assert send_now(body["id"]) == {"delivered": 0, "retrying": 0, "failed": 0}
    page = client_for("duty").get(f"/warnings/{body['id']}/").content.decode()
    assert "未配置(未发送)" in page
    states = {c["code"]: c["configured"] for c in channels.choices()}
    assert states == {
        "platform": True,
        "wecom": False,
        "dingtalk": False,
        "email": False,
        "sms": False,
        "mqtt": True,
    }


def test_two_runs_never_send_the_same_row_twice(settings, django_capture_on_commit_callbacks):
    with http_server() as gateway:
        settings.WARNINGS_SMS_URL = f"{gateway.url}/sms"
        with django_capture_on_commit_callbacks(execute=True):
            body = released(channels=["sms"])
        first = send_now(body["id"])
        second = send_now(body["id"])  # a second worker picking up the same job
    assert first["delivered"] == len(gateway.calls) and second["delivered"] == 0


# --- 重发 to the organisations that have not 签收 ------------------------------------------


def test_resend_reaches_only_the_silent_organisations(settings, django_capture_on_commit_callbacks):
    with http_server() as gateway:
        settings.WARNINGS_SMS_URL = f"{gateway.url}/sms"
        with django_capture_on_commit_callbacks(execute=True):
            body = released(channels=["platform", "sms"])
        wid = body["id"]
        send_now(wid)
        first_round = len(gateway.calls)
        ack = Acknowledgement.objects.get(warning_id=wid, organisation__code="XGQ-YJJ")
        r = post(client_for("xigu_staff"), f"/api/v1/warnings/acks/{ack.pk}/acknowledge")
        assert r.status_code == 200, r.content

        with django_capture_on_commit_callbacks(execute=True):
            r = post(client_for("duty"), f"/api/v1/warnings/{wid}/resend", {"channels": ["sms"]})
        assert r.status_code == 200, r.content
        silent = Acknowledgement.objects.filter(warning_id=wid, state="pending")
        resent = Delivery.objects.filter(warning_id=wid, resend=True)
        waiting = resent.filter(result="pending").count()
        assert r.json() == {"organisations": silent.count(), "waiting": waiting}
        send_now(wid)
    again = json_bodies(gateway)[first_round:]
    assert {s["to"] for s in again} == set(
        resent.filter(result="delivered").values_list("address", flat=True)
    )
    assert len(again) == waiting > 0 and "13800000003" not in {s["to"] for s in again}
    assert set(resent.values_list("organisation_id", flat=True)) == set(
        silent.values_list("organisation_id", flat=True)
    )  # no 灾害信息员 and no organisation that has signed
    assert set(resent.values_list("result", flat=True)) == {"delivered", "no_phone"}
    assert AuditEvent.objects.filter(verb="warnings.resent", object_id=str(wid)).count() == 1


def test_resend_is_refused_to_whoever_may_not_release_and_when_all_signed():
    body = released(channels=["platform"])
    wid = body["id"]
    for who in ("ent_user", "leader", "chengguan_staff"):
        r = post(client_for(who), f"/api/v1/warnings/{wid}/resend", {"channels": ["platform"]})
        assert r.status_code in (403, 404), (who, r.status_code)
        page = client_for(who).get(f"/warnings/{wid}/")
        assert b"resend-button" not in page.content
    assert b"resend-button" in client_for("duty").get(f"/warnings/{wid}/").content
    Acknowledgement.objects.filter(warning_id=wid).update(state="received")
    r = post(client_for("duty"), f"/api/v1/warnings/{wid}/resend", {"channels": ["platform"]})
    assert r.status_code == 409 and "无需重发" in r.json()["message"]
    assert not Delivery.objects.filter(warning_id=wid, resend=True).exists()
    assert b"resend-button" not in client_for("duty").get(f"/warnings/{wid}/").content


def test_resend_of_a_cancelled_warning_is_refused():
    body = released(channels=["platform"])
    duty = client_for("duty")
    assert (
        post(duty, f"/api/v1/warnings/{body['id']}/cancel", {"reason": "降雨结束"}).status_code
        == 200
    )
    r = post(duty, f"/api/v1/warnings/{body['id']}/resend", {"channels": ["platform"]})
    assert r.status_code == 409 and "已解除" in r.json()["message"]


def test_resend_from_the_warning_page(django_capture_on_commit_callbacks):
    body = released(channels=["platform"])
    duty = client_for("duty")
    with django_capture_on_commit_callbacks(execute=True):
        r = duty.post(f"/warnings/{body['id']}/resend/", {"channels": ["platform"]}, follow=True)
    pending = Acknowledgement.objects.filter(warning_id=body["id"], state="pending").count()
    assert f"已向未签收的 {pending} 个单位重发" in r.content.decode()
    rows = Delivery.objects.filter(warning_id=body["id"], resend=True)
    assert rows.count() == pending and set(rows.values_list("result", flat=True)) == {"delivered"}
