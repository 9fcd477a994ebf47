"""The pages: list with filters and export, the detail with the buttons each persona may use,
the draft form (by hand and prefilled from monitoring alarms), the workflow through the forms,
the inbox and 签收 from the page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yingji.warnings.models import Acknowledgement, Warning

from .helpers import client_for, released

pytestmark = pytest.mark.django_db


def _demo(headline_part):
    return Warning.objects.get(is_demo=True, headline__contains=headline_part, msg_type="Alert")


def test_list_filters_and_export():
    c = client_for("whk_staff")
    page = c.get("/warnings/?in_force=1").content.decode()
    assert "暴雨黄色预警(演示)" in page and "大风蓝色预警" not in page
    page = c.get("/warnings/?state=submitted").content.decode()
    assert "大风蓝色预警" in page and "暴雨黄色预警(演示)" not in page
    r = c.get("/warnings/?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")


def test_county_and_enterprise_see_only_what_concerns_them():
    xigu = client_for("xigu_staff").get("/warnings/").content.decode()
    assert "暴雨黄色预警(演示)" in xigu  # affects 西固
    assert "皋兰山北麓" not in xigu  # 城关's draft
    ent = client_for("ent_user").get("/warnings/").content.decode()
    assert "暴雨黄色预警(演示)" in ent and "大风蓝色预警" not in ent
    assert client_for("xigu_staff").get(_demo("皋兰山").get_absolute_url()).status_code == 404


def test_buttons_follow_the_rules():
    wind = _demo("大风")
    url = wind.get_absolute_url()
    assert "审批同意" not in client_for("whk_staff").get(url).content.decode()  # own draft
    assert "审批同意" in client_for("zhxt_staff").get(url).content.decode()
    assert "审批同意" not in client_for("duty").get(url).content.decode()  # no approval right
    assert "审批同意" not in client_for("leader").get(url).content.decode()
    rain = _demo("暴雨").get_absolute_url()
    assert "解除预警" in client_for("duty").get(rain).content.decode()
    assert "解除预警" not in client_for("xigu_staff").get(rain).content.decode()  # city warning


def test_workflow_through_the_forms():
    section = client_for("whk_staff")
    now = timezone.localtime()
    form = {
        "event_type": "gale",
        "level": "blue",
        "regions": ["620121"],
        "headline": "表单测试大风预警",
        "description": "大风天气。",
        "effective": now.strftime("%Y-%m-%dT%H:%M"),
        "expires": (now + timezone.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
        "consult_decision": "同意",
    }
    r = section.post("/warnings/new/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    w = Warning.objects.get(headline="表单测试大风预警")
    assert w.jurisdiction.code == "620121" and w.instruction.startswith("1. 关好门窗")
    assert timezone.localtime(w.effective).strftime("%H:%M") == now.strftime("%H:%M")
    section.post(f"/warnings/{w.pk}/submit/", {"version": w.version + 0})
    w.refresh_from_db()
    assert w.state == "submitted"
    r = section.post(f"/warnings/{w.pk}/approve/", {"version": w.version}, follow=True)
    assert "起草人不能审批" in r.content.decode()
    client_for("zhxt_staff").post(f"/warnings/{w.pk}/approve/", {"version": w.version})
    w.refresh_from_db()
    client_for("duty").post(
        f"/warnings/{w.pk}/release/", {"version": w.version, "channels": ["platform"]}
    )
    w.refresh_from_db()
    assert w.state == "released" and w.identifier
    r = client_for("duty").get(f"/warnings/{w.pk}/cap.xml")
    assert r.status_code == 200 and b"<msgType>Alert</msgType>" in r.content


def test_an_invalid_form_keeps_what_was_typed():
    r = client_for("whk_staff").post("/warnings/new/", {"headline": "只写了标题的预警"})
    assert r.status_code == 400 and "只写了标题的预警" in r.content.decode()


def test_the_enterprise_acknowledges_from_the_page():
    body = released()
    ent = client_for("ent_user")
    inbox = ent.get("/warnings/inbox/").content.decode()
    assert body["headline"] in inbox
    ack = Acknowledgement.objects.get(
        warning_id=body["id"], organisation__code="DEMO-ENT-620104-01"
    )
    page = ent.get(f"/warnings/{body['id']}/").content.decode()
    assert f"/warnings/acks/{ack.pk}/acknowledge/" in page
    ent.post(f"/warnings/acks/{ack.pk}/acknowledge/", {"version": ack.version})
    ack.refresh_from_db()
    assert ack.state == "received"
    page = client_for("duty").get(f"/warnings/{body['id']}/").content.decode()
    assert "已签收 1 个" in page


def test_draft_prefilled_from_monitoring_alarms():
    from yingji.monitoring.models import Alarm

    alarm = Alarm.objects.exclude(state="cleared").filter(element="rain").first()
    assert alarm is not None, "the monitoring demo leaves rain alarms"
    c = client_for("whk_staff")
    listing = c.get("/warnings/from-alarms/").content.decode()
    assert alarm.station.name in listing
    page = c.get(f"/warnings/new/?alarms={alarm.pk}").content.decode()
    assert alarm.station.name in page and f'value="{alarm.pk}"' in page
    assert f'value="{alarm.station.region.code}" selected' in page


def test_source_alarms_outside_the_scope_are_refused():
    from yingji.monitoring.models import Alarm

    from .helpers import payload, post

    alarm = Alarm.objects.filter(station__region__code="620102").first()
    if alarm is None:
        pytest.skip("no 城关 alarm in the demo")
    r = post(client_for("xigu_staff"), "/api/v1/warnings", payload(source_alarms=[alarm.pk]))
    assert r.status_code == 422 and "来源告警" in r.json()["message"]


def test_dashboard_card_and_map_layer():
    home = client_for("duty").get("/").content.decode()
    assert "生效中的预警" in home
    ent_home = client_for("ent_user").get("/").content.decode()
    assert "预警待签收" in ent_home
    layer = client_for("duty").get("/api/v1/warnings/geojson").json()
    labels = [f["properties"]["label"] for f in layer["features"]]
    assert any("西固区" in label and "暴雨" in label for label in labels)


def test_an_alarm_page_offers_a_prefilled_draft_to_those_who_may_draft():
    from yingji.monitoring.selectors import visible_alarms

    from .helpers import user

    drafter = client_for("whk_staff")
    alarm = visible_alarms(user("whk_staff")).order_by("-pk").first()
    link = f"/warnings/new/?alarms={alarm.pk}"
    assert link in drafter.get(alarm.get_absolute_url()).content.decode()
    form = drafter.get(link).content.decode()
    assert alarm.station.region.name in form and alarm.rule.name in form
    for reader in ("leader", "ent_user"):
        page = client_for(reader).get(alarm.get_absolute_url())
        assert link not in page.content.decode(), reader


def test_an_alarms_page_offers_draft_from_it_only_to_who_may_draft():
    from yingji.monitoring.models import Alarm

    alarm = Alarm.objects.order_by("pk").first()
    assert alarm is not None
    link = f"/warnings/new/?alarms={alarm.pk}"
    page = client_for("whk_staff").get(alarm.get_absolute_url()).content.decode()
    assert "起草预警" in page and link in page
    assert link not in client_for("leader").get(alarm.get_absolute_url()).content.decode()
    form = client_for("whk_staff").get(link).content.decode()
    assert f'name="source_alarms" value="{alarm.pk}"' in form
