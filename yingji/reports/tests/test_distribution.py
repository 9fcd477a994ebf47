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
    return Brief.objects.get(is_demo=True, kind="week")


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
