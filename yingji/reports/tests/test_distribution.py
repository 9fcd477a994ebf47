"""分发 of an issued brief: recipients chosen by role and region among those who may read it, an
in-app notice (工作台 card), the read receipt and who has not read it; refusals."""

import json

import pytest
from django.test import RequestFactory

from yingji.core.context import actor_context
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.reports import cards, selectors, services
from yingji.reports.models import Brief, BriefDelivery
from yingji.reports.schemas import BriefDistributeIn

pytestmark = pytest.mark.django_db


def _weekly():
    return Brief.objects.filter(is_demo=True, kind="week").latest("period_start")


def test_the_demo_weekly_went_to_those_who_may_read_it(persona):
    brief = _weekly()
    to = {d.recipient.username: d for d in brief.deliveries.select_related("recipient")}
    assert "leader" in to and "duty" in to
    assert "xigu_staff" not in to and "chengguan_staff" not in to  # a city brief: not theirs
    assert to["leader"].read_at is not None and to["duty"].read_at is None
    summary = selectors.delivery_summary(persona("section"), brief)
    assert summary["read"] == 1 and [d.recipient.username for d in summary["unread"]] == ["duty"]


def test_distribute_again_only_new_people_and_refusals(persona):
    brief, section = _weekly(), persona("section")
    with actor_context(section, source="test"):
        with pytest.raises(ValidationFailed, match="没有符合条件的新收件人"):
            services.do_distribute_brief(
                actor=section, brief=brief, data=BriefDistributeIn(roles=["city_leader"])
            )
        with pytest.raises(ValidationFailed, match="找不到区域编码“999999”"):
            services.do_distribute_brief(
                actor=section,
                brief=brief,
                data=BriefDistributeIn(roles=["city_staff"], regions=["999999"]),
            )
        before = AuditEvent.objects.count()
        made = services.do_distribute_brief(
            actor=section, brief=brief, data=BriefDistributeIn(roles=["city_staff"])
        )
    names = {d.recipient.username for d in made}
    assert "zhxt_staff" in names and "whk_staff" not in names  # not to oneself
    assert AuditEvent.objects.count() == before + 1
    draft = Brief.objects.get(is_demo=True, kind="month")
    with actor_context(section, source="test"), pytest.raises(InvalidTransition):
        services.do_distribute_brief(
            actor=section, brief=draft, data=BriefDistributeIn(roles=["city_leader"])
        )
    leader = persona("leader")
    with actor_context(leader, source="test"), pytest.raises(NotPermitted):
        services.do_distribute_brief(
            actor=leader, brief=brief, data=BriefDistributeIn(roles=["duty_officer"])
        )


def test_read_receipt_once_and_only_by_the_recipient(persona):
    brief = _weekly()
    from django.contrib.auth import get_user_model

    section = persona("section")
    duty = get_user_model().objects.get(username="duty")
    with actor_context(section, source="test"), pytest.raises(NotPermitted, match="未分发给您"):
        services.do_read_brief(actor=section, brief=brief)
    with actor_context(duty, source="test"):
        first = services.do_read_brief(actor=duty, brief=brief)
        events = AuditEvent.objects.count()
        again = services.do_read_brief(actor=duty, brief=brief)
    assert first.read_at is not None and again.read_at == first.read_at
    assert AuditEvent.objects.count() == events  # nothing changed the second time
    assert not BriefDelivery.objects.filter(brief=brief, read_at__isnull=True).exists()


def test_notice_card_page_and_api(as_user, persona):
    from django.contrib.auth import get_user_model

    brief = _weekly()
    duty = get_user_model().objects.get(username="duty")
    request = RequestFactory().get("/")
    request.user = duty
    card = cards.unread(request)
    assert card and card["items"][0]["label"] == "待阅研判简报"
    # the figure is the list it links to: the briefs sent to the duty officer, unread
    (item,) = card["items"]
    from django.test import Client

    duty_client = Client()
    duty_client.force_login(duty)
    listed = duty_client.get(item["url"]).content.decode()
    assert brief.title in listed and f"共 {item['count']} 条" in listed
    request.user = persona("leader")  # has read it
    assert cards.unread(request) is None

    client = as_user("section")
    page = client.get(f"/reports/{brief.pk}/").content.decode()
    assert 'id="distribute-form"' in page and "已阅 1 / 分发 2 人" in page and "未阅" in page
    leader_page = as_user("leader").get(f"/reports/{brief.pk}/").content.decode()
    assert 'id="distribute-form"' not in leader_page and 'id="brief-read"' not in leader_page
    rows = client.get(f"/api/v1/briefs/{brief.pk}/deliveries").json()
    assert {r["recipient"] for r in rows} == {"leader", "duty"}
    assert as_user("county_a").get(f"/api/v1/briefs/{brief.pk}/deliveries").status_code == 404
    made = client.post(
        f"/api/v1/briefs/{brief.pk}/distribute",
        json.dumps({"roles": ["city_staff"]}),
        content_type="application/json",
    )
    assert made.status_code == 201 and {r["recipient"] for r in made.json()} >= {"zhxt_staff"}
    zhxt = get_user_model().objects.get(username="zhxt_staff")
    from django.test import Client

    reader = Client()
    reader.force_login(zhxt)
    assert 'id="brief-read"' in reader.get(f"/reports/{brief.pk}/").content.decode()
    response = reader.post(f"/reports/{brief.pk}/read/", follow=True)
    assert "已阅。" in response.content.decode()
    assert BriefDelivery.objects.get(brief=brief, recipient=zhxt).read_at is not None
    bad = client.post(
        f"/api/v1/briefs/{brief.pk}/distribute",
        json.dumps({"roles": ["enterprise_user"]}),
        content_type="application/json",
    )
    assert bad.status_code in (400, 422)


# --- by organisation (tree) or by person, and the e-mail notice ------------------------------


def _member_org(username):
    from yingji.orgs.models import Membership

    return Membership.objects.filter(user__username=username, is_active=True).first().organisation


def test_distribute_by_organisation_subtree_and_by_person(persona):
    brief, section = _weekly(), persona("section")
    org = _member_org("zhxt_staff")
    with actor_context(section, source="test"):
        with pytest.raises(ValidationFailed, match="请选择"):
            services.do_distribute_brief(actor=section, brief=brief, data=BriefDistributeIn())
        with pytest.raises(ValidationFailed, match="找不到用户“nobody”"):
            services.do_distribute_brief(
                actor=section, brief=brief, data=BriefDistributeIn(users=["nobody"])
            )
        with pytest.raises(ValidationFailed, match="没有符合条件的新收件人"):  # may not read it
            services.do_distribute_brief(
                actor=section, brief=brief, data=BriefDistributeIn(users=["xigu_staff"])
            )
        made = services.do_distribute_brief(
            actor=section, brief=brief, data=BriefDistributeIn(organisations=[org.code])
        )
        assert "zhxt_staff" in {d.recipient.username for d in made}
        assert all(d.organisation.path.startswith(org.path) for d in made)
        one = services.do_distribute_brief(
            actor=section, brief=brief, data=BriefDistributeIn(users=["zcfg_staff"])
        )
    assert [d.recipient.username for d in one] == ["zcfg_staff"]


@pytest.fixture
def smtp():
    """aiosmtpd (the test extra) on a free loopback port: (port, received messages)."""
    import socket
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    inbox = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            msg = message_from_bytes(envelope.original_content, policy=policy.default)
            inbox.append({"to": list(envelope.rcpt_tos), "message": msg})
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_the_email_notice_goes_through_the_platforms_smtp(
    persona, settings, smtp, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    port, inbox = smtp
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.YINGJI_BASE_URL = "https://yingji.example"
    get_user_model().objects.filter(username="zhxt_staff").update(email="zhxt@example.org")
    get_user_model().objects.filter(username="zcfg_staff").update(email="")
    brief, section = _weekly(), persona("section")
    with actor_context(section, source="test"):
        with django_capture_on_commit_callbacks(execute=True):
            made = services.do_distribute_brief(
                actor=section,
                brief=brief,
                data=BriefDistributeIn(users=["zhxt_staff", "zcfg_staff"], email=True),
            )
    assert len(made) == 2 and len(inbox) == 1
    mail = inbox[0]
    assert mail["to"] == ["zhxt@example.org"]
    assert brief.title in mail["message"]["Subject"]
    assert f"https://yingji.example/reports/{brief.pk}/" in mail["message"].get_content()
    rows = {d.recipient.username: d for d in BriefDelivery.objects.filter(brief=brief)}
    assert rows["zhxt_staff"].emailed_at is not None and "已发送" in rows["zhxt_staff"].email_note
    assert rows["zcfg_staff"].emailed_at is None and "未登记邮箱" in rows["zcfg_staff"].email_note


def test_without_a_mail_server_nothing_is_sent_and_the_rows_say_so(
    persona, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = ""
    brief, section = _weekly(), persona("section")
    with actor_context(section, source="test"):
        with django_capture_on_commit_callbacks(execute=True):
            made = services.do_distribute_brief(
                actor=section, brief=brief, data=BriefDistributeIn(users=["zhxt_staff"], email=True)
            )
    made[0].refresh_from_db()
    assert made[0].emailed_at is None and made[0].email_note == "未配置邮件服务器,未发送邮件"


# --- the SMS notice (through the 预警 channel's 短信网关) --------------------------------------


def _phone(username, phone):
    from django.contrib.auth import get_user_model

    from yingji.warnings.models import ContactPhone

    user = get_user_model().objects.get(username=username)
    with actor_context(None, source="test", label="号码登记"):
        ContactPhone.objects.update_or_create(user=user, defaults={"phone": phone, "active": True})


def test_the_sms_notice_goes_through_the_sms_gateway_to_those_with_a_number(
    persona, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from yingji.warnings.tests.local_servers import http_server, json_bodies, only_loopback

    settings.YINGJI_BASE_URL = "https://yingji.example"
    settings.WARNINGS_SMS_TEMPLATE = '{"to": "{recipient}", "msg": "{text}", "id": "{identifier}"}'
    _phone("zcfg_staff", "13900000011")  # zhxt_staff has no number
    brief, section = _weekly(), persona("section")
    with only_loopback(monkeypatch) as attempts, http_server() as gateway:
        settings.WARNINGS_SMS_URL = f"{gateway.url}/sms/send"
        with actor_context(section, source="test"):
            with django_capture_on_commit_callbacks(execute=True):
                made = services.do_distribute_brief(
                    actor=section,
                    brief=brief,
                    data=BriefDistributeIn(users=["zhxt_staff", "zcfg_staff"], sms=True),
                )
    assert attempts == [] and len(made) == 2
    sent = json_bodies(gateway)
    assert [s["to"] for s in sent] == ["13900000011"]  # one SMS: the one with a number
    assert brief.title in sent[0]["msg"] and brief.number in sent[0]["msg"]
    assert f"https://yingji.example/reports/{brief.pk}/" in sent[0]["msg"]
    assert sent[0]["id"] == brief.number
    rows = {d.recipient.username: d for d in BriefDelivery.objects.filter(brief=brief)}
    assert rows["zcfg_staff"].sms_at is not None
    assert rows["zcfg_staff"].sms_note == "短信已发送至13900000011"
    assert rows["zhxt_staff"].sms_at is None
    assert rows["zhxt_staff"].sms_note == "未登记手机号,未发送短信"
    assert rows["zhxt_staff"].emailed_at is None and rows["zhxt_staff"].email_note == ""


def test_a_failing_gateway_and_no_gateway_are_recorded_per_recipient(
    persona, settings, django_capture_on_commit_callbacks, monkeypatch, as_user
):
    from yingji.warnings.tests.local_servers import http_server, only_loopback

    _phone("zcfg_staff", "13900000011")
    _phone("zhxt_staff", "13900000012")
    brief, section = _weekly(), persona("section")
    with only_loopback(monkeypatch), http_server(default=500) as gateway:
        settings.WARNINGS_SMS_URL = f"{gateway.url}/sms"
        with actor_context(section, source="test"):
            with django_capture_on_commit_callbacks(execute=True):
                services.do_distribute_brief(
                    actor=section,
                    brief=brief,
                    data=BriefDistributeIn(users=["zcfg_staff"], sms=True),
                )
    assert len(gateway.calls) == 1
    failed = BriefDelivery.objects.get(brief=brief, recipient__username="zcfg_staff")
    assert failed.sms_at is None and failed.sms_note.startswith("短信发送失败:")
    assert "HTTP 500" in failed.sms_note
    settings.WARNINGS_SMS_URL = ""
    with actor_context(section, source="test"):
        with django_capture_on_commit_callbacks(execute=True):
            services.do_distribute_brief(
                actor=section, brief=brief, data=BriefDistributeIn(users=["zhxt_staff"], sms=True)
            )
    skipped = BriefDelivery.objects.get(brief=brief, recipient__username="zhxt_staff")
    assert skipped.sms_at is None and skipped.sms_note == "未配置短信网关,未发送短信"
    # without 短信 asked for, nothing is recorded about SMS
    with actor_context(section, source="test"):
        plain = services.do_distribute_brief(
            actor=section, brief=brief, data=BriefDistributeIn(users=["bgs_staff"])
        )
    plain[0].refresh_from_db()
    assert plain[0].sms_note == "" and plain[0].sms_at is None
    # the producers see each recipient's SMS state on the page and in the API
    client = as_user("section")
    page = client.get(f"/reports/{brief.pk}/").content.decode()
    assert 'id="dist-sms"' in page and "未配置短信网关,未发送短信" in page
    assert "短信发送失败:" in page
    rows = {r["recipient"]: r for r in client.get(f"/api/v1/briefs/{brief.pk}/deliveries").json()}
    assert rows["zhxt_staff"]["sms_note"] == "未配置短信网关,未发送短信"
    assert rows["zcfg_staff"]["sms_at"] is None
