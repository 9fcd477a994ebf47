"""信息发布 (T35, one window): drafted on an event, reviewed by 政策法规科/办公室, approved by a
局领导 who did not draft it, released to every chosen channel at once, then public without
login (no internal field). Invalid steps, denials, stale versions, audit, the clocks (LOW,
configurable) and the .docx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yingji.core.models import AuditEvent
from yingji.response.models import Event, Release

from .helpers import client_for, event_body, post

pytestmark = pytest.mark.django_db

API = "/api/v1/response"


def _event(**extra) -> Event:
    received = timezone.now() - dt.timedelta(hours=1)
    body = event_body(
        title="测试重大危化品爆炸事件",
        received_at=received.isoformat(),
        occurred_at=(received - dt.timedelta(minutes=10)).isoformat(),
        **({"deaths": 10} | extra),
    )
    r = post(client_for("duty"), f"{API}/events", body)
    assert r.status_code == 201, r.content
    return Event.objects.get(pk=r.json()["id"])


def _draft(event, who="duty", **extra) -> dict:
    body = {
        "kind": "first",
        "channels": ["website", "press_conference"],
        "title": "关于西固区某企业爆炸事故的通报",
        "content": "今日凌晨西固区某企业发生爆炸事故,救援正在进行。",
    } | extra
    r = post(client_for(who), f"{API}/events/{event.pk}/releases", body)
    assert r.status_code == 201, r.content
    return r.json()


def _step(who, release_id, action, **body):
    return post(client_for(who), f"{API}/releases/{release_id}/{action}", body)


def _audits(verb, release_id) -> int:
    return AuditEvent.objects.filter(verb=verb, object_id=str(release_id)).count()


def test_it_goes_draft_review_approval_release_and_is_public_without_internal_fields():
    event = _event()
    rel = _draft(event)
    assert rel["state"] == "reviewing" and rel["drafted_by"] == "值班员(演示)"
    r = _step("zcfg_staff", rel["id"], "review", approve=True, version=rel["version"])
    assert r.status_code == 200 and r.json()["state"] == "approving", r.content
    r = _step("leader", rel["id"], "approve", approve=True, version=r.json()["version"])
    assert r.status_code == 200 and r.json()["state"] == "approved", r.content
    assert Client().get("/response/public/releases/").content.decode().count(rel["title"]) == 0
    r = _step("zcfg_staff", rel["id"], "publish", version=r.json()["version"])
    body = r.json()
    assert r.status_code == 200 and body["state"] == "released" and body["released_at"]
    for verb in ("drafted", "reviewed", "approved", "released"):
        assert _audits(f"response.release.{verb}", rel["id"]) == 1, verb
    page = Client().get("/response/public/releases/")  # no login
    html = page.content.decode()
    assert page.status_code == 200 and rel["title"] in html and "新闻发布会" in html
    for internal in (event.number, "值班员(演示)", "政策法规科科员", "局领导(演示)"):
        assert internal not in html, internal
    timeline = client_for("duty").get(f"/response/events/{event.pk}/").content.decode()
    assert "信息发布" in timeline.split('id="event-timeline"')[1]
    # both release clocks of the 重大 event are met by this one release
    clocks = client_for("duty").get(f"{API}/events/{event.pk}/release-clocks").json()
    assert [c["status"] for c in clocks] == ["met", "met"]


def test_nothing_is_released_unapproved():
    rel = _draft(_event())
    r = _step("zcfg_staff", rel["id"], "publish")
    assert r.status_code == 409 and "待审核" in r.json()["message"]
    _step("zcfg_staff", rel["id"], "review", approve=True)
    r = _step("zcfg_staff", rel["id"], "publish")
    assert r.status_code == 409 and "待审批" in r.json()["message"]
    assert Release.objects.get(pk=rel["id"]).released_at is None
    assert _audits("response.release.released", rel["id"]) == 0


@pytest.mark.parametrize(
    ("who", "action", "status", "message"),
    [
        ("duty", "review", 403, "无权"),  # not 政策法规科/办公室
        ("whk_staff", "review", 403, "无权"),
        ("leader", "review", 403, "无权"),  # the leadership approves, it does not review
        ("zcfg_staff", "approve", 403, "无权"),  # only a 局领导 approves
        ("duty", "approve", 403, "无权"),
        ("chengguan_staff", "review", 404, ""),  # 城关 does not see a 西固 event
        ("ent_user", "review", 404, ""),
    ],
)
def test_only_the_window_reviews_and_only_a_leader_approves(who, action, status, message):
    rel = _draft(_event())
    if action == "approve":
        _step("zcfg_staff", rel["id"], "review", approve=True)
    before = Release.objects.get(pk=rel["id"])
    r = _step(who, rel["id"], action, approve=True)
    assert r.status_code == status, r.content
    assert message in r.json().get("message", "")
    after = Release.objects.get(pk=rel["id"])
    assert (after.state, after.version) == (before.state, before.version)


def test_the_drafter_may_neither_review_nor_approve_their_own_text():
    from django.contrib.auth import get_user_model

    from yingji.orgs.models import Membership, Organisation

    event = _event()
    rel = _draft(event, who="zcfg_staff")
    r = _step("zcfg_staff", rel["id"], "review", approve=True)
    assert r.status_code == 403 and "起草人不能审核" in r.json()["message"]
    # an administrator who drafted cannot approve either (drafter ≠ approver)
    admin = get_user_model().objects.get(username="city_admin")
    assert not Membership.objects.filter(user=admin, organisation__code="LZYJJ-BGS").exists()
    own = _draft(event, who="city_admin")
    Organisation.objects.get(code="LZYJJ-BGS")  # the other window exists in the data
    _step("zcfg_staff", own["id"], "review", approve=True)
    r = _step("city_admin", own["id"], "approve", approve=True)
    assert r.status_code == 403 and "起草人不能审批" in r.json()["message"]
    assert Release.objects.get(pk=own["id"]).state == "approving"


def test_a_returned_draft_is_revised_by_its_drafter_and_goes_round_again():
    rel = _draft(_event())
    r = _step("zcfg_staff", rel["id"], "review", approve=False)
    assert r.status_code == 422 and "退回时请填写意见" in r.json()["message"]
    r = _step("zcfg_staff", rel["id"], "review", approve=False, note="伤亡数字请与首报一致")
    assert r.json()["state"] == "returned"
    assert _audits("response.release.returned", rel["id"]) == 1
    body = {
        "kind": "first",
        "channels": ["website"],
        "title": "关于西固区某企业爆炸事故的通报(修改)",
        "content": "今日凌晨西固区某企业发生爆炸事故,已造成10人死亡。",
    }
    r = _step("whk_staff", rel["id"], "revise", **body)
    assert r.status_code == 403 and "只有起草人" in r.json()["message"]
    r = _step("duty", rel["id"], "revise", **body, version=r.json().get("version", 0) or 1)
    assert r.status_code == 409  # a stale version is refused
    current = Release.objects.get(pk=rel["id"]).version
    r = _step("duty", rel["id"], "revise", **body, version=current)
    assert r.status_code == 200 and r.json()["state"] == "reviewing"
    assert r.json()["channels"] == ["website"] and r.json()["reviewed_by"] is None


def test_a_stale_decision_is_refused_and_changes_nothing():
    rel = _draft(_event())
    r = _step("zcfg_staff", rel["id"], "review", approve=True, version=rel["version"] + 5)
    assert r.status_code == 409 and "已被他人修改" in r.json()["message"]
    assert Release.objects.get(pk=rel["id"]).state == "reviewing"


def test_void_before_release_only_and_with_a_reason():
    rel = _draft(_event())
    r = _step("whk_staff", rel["id"], "void", reason="重复起草")
    assert r.status_code == 403
    r = _step("duty", rel["id"], "void", reason="")
    assert r.status_code == 422
    r = _step("duty", rel["id"], "void", reason="与另一稿重复")
    assert r.status_code == 200 and r.json()["state"] == "voided"
    r = _step("zcfg_staff", rel["id"], "review", approve=True)
    assert r.status_code == 409 and "已作废" in r.json()["message"]
    released = _draft(_event())
    _step("zcfg_staff", released["id"], "review", approve=True)
    _step("leader", released["id"], "approve", approve=True)
    _step("zcfg_staff", released["id"], "publish")
    r = _step("zcfg_staff", released["id"], "void", reason="想撤回")
    assert r.status_code == 409 and "已发布" in r.json()["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channels": []}, "发布渠道"),
        ({"channels": ["tv"]}, "发布渠道"),
        ({"kind": "rumor"}, "发布类型"),
        ({"title": "短"}, "标题"),
        ({"content": "太短"}, "发布内容"),
        ({"title": "含控制\x00字符的标题"}, "标题"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(body, field):
    event = _event()
    base = {
        "kind": "first",
        "channels": ["website"],
        "title": "关于某事件的通报",
        "content": "今日发生事件,处置正在进行中。",
    }
    r = post(client_for("duty"), f"{API}/events/{event.pk}/releases", base | body)
    assert r.status_code == 422 and field in r.json()["message"], r.content
    assert not Release.objects.filter(event=event).exists()


def test_who_may_draft():
    event = _event()
    for who, status in (("leader", 403), ("ent_user", 404), ("chengguan_staff", 404)):
        r = post(
            client_for(who),
            f"{API}/events/{event.pk}/releases",
            {
                "kind": "first",
                "channels": ["sms"],
                "title": "某事件通报",
                "content": "事件处置中,请勿信谣传谣。",
            },
        )
        assert r.status_code == status, (who, r.content)
    assert _draft(event, who="xigu_staff")["drafted_org"] == "西固区应急管理局"


def test_release_clocks_run_for_serious_events_only_and_flag_overdue(settings):
    event = _event()
    settings.YINGJI_RELEASE_AUTHORITATIVE_HOURS = 0.5  # LOW: configurable
    rows = client_for("duty").get(f"{API}/events/{event.pk}/release-clocks").json()
    assert rows[0]["status"] == "overdue" and "0.5小时" in rows[0]["label"]
    assert rows[1]["status"] == "due"
    html = client_for("duty").get(f"/response/events/{event.pk}/").content.decode()
    assert 'id="release-clocks"' in html and "国办发〔2016〕61号" in html
    small = _event(deaths=1)
    assert client_for("duty").get(f"{API}/events/{small.pk}/release-clocks").json() == []


def test_the_event_and_release_pages_show_each_button_only_to_who_may_use_it():
    event = _event()
    rel = _draft(event)
    url = f"/response/releases/{rel['id']}/"
    assert 'id="review-pass"' in client_for("zcfg_staff").get(url).content.decode()
    for who in ("duty", "leader", "whk_staff"):
        assert 'id="review-pass"' not in client_for(who).get(url).content.decode(), who
    _step("zcfg_staff", rel["id"], "review", approve=True)
    assert 'id="approve-pass"' in client_for("leader").get(url).content.decode()
    assert 'id="approve-pass"' not in client_for("zcfg_staff").get(url).content.decode()
    event_page = client_for("leader").get(f"/response/events/{event.pk}/").content.decode()
    assert 'id="release-form"' not in event_page  # the leadership does not draft
    assert (
        'id="release-form"'
        in client_for("duty").get(f"/response/events/{event.pk}/").content.decode()
    )
    assert client_for("chengguan_staff").get(url).status_code == 404
    assert Client().get(url).status_code == 302  # the internal page needs a login


def test_the_release_docx_and_the_list_export():
    rel = _draft(_event())
    r = client_for("duty").get(f"/response/releases/{rel['id']}/release.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    import io

    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "未发布稿件" in text and rel["title"] in text
    r = client_for("duty").get("/response/releases/", {"state": "reviewing", "export": "csv"})
    assert r.status_code == 200
    assert rel["title"] in b"".join(r.streaming_content).decode("utf-8-sig")
