"""指挥部 from the plan's own structure: the 指挥机构工作组 of the plan that governs an event (the
plans app's structured parts, read through plans.selectors) are offered first as the template;
applying it staffs the joint roster with those groups and their units (from the organisation
tree by name or alias, else 外部门); a plan without groups leaves the house templates."""

from __future__ import annotations

import pytest

from yingji.response import selectors
from yingji.response.models import Event, JointDutyMember

from .helpers import client_for, event_body, post

pytestmark = pytest.mark.django_db

API = "/api/v1/response"


def _event_in_response():
    r = post(client_for("duty"), f"{API}/events", event_body(deaths=3))
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = post(
        client_for("leader"),
        f"{API}/events/{pk}/level",
        {"action": "start", "level": 3, "reason": "较大事故,启动Ⅲ级响应"},
    )
    assert r.status_code == 201, r.content
    return Event.objects.get(pk=pk)


def _city_plan_groups():
    from yingji.plans.models import PlanPart

    return PlanPart.objects.filter(
        plan__kind="general", plan__region__code="620100", kind="group", voided=False
    )


def test_a_plan_with_three_groups_staffs_the_command_post_with_those_groups():
    from django.contrib.auth import get_user_model

    groups = _city_plan_groups()
    assert groups.count() == 3  # the demo 总体预案: 综合协调组, 抢险救援组, 医疗救治组
    event = _event_in_response()
    duty = get_user_model().objects.get(username="duty")
    offered = selectors.templates_for(event, duty)
    assert offered[0]["code"] == "plan" and offered[1]["code"] == "hazchem"
    assert groups.first().plan.title in offered[0]["name"]

    r = post(client_for("duty"), f"{API}/events/{event.pk}/joint/template", {"template": "plan"})
    assert r.status_code == 200, r.content
    members = {m.group: m for m in JointDutyMember.objects.filter(event=event)}
    assert set(members) == {"coordination", "rescue", "medical"}
    assert members["coordination"].organisation.code == "LZYJJ"  # 市应急管理局, by its alias
    assert members["rescue"].organisation.code == "LZXFZD"  # 市消防救援支队, by name
    medical = members["medical"]  # 市卫生健康委 is not in the tree: kept by name
    assert medical.organisation is None and medical.department == "市卫生健康委"
    assert medical.name == "待指派" and medical.external
    assert {m.role for m in members.values()} == {"head"} and {
        m.post for m in members.values()
    } == {"front"}
    # applying twice adds nobody
    r = post(client_for("duty"), f"{API}/events/{event.pk}/joint/template", {"template": "plan"})
    assert r.status_code == 200 and JointDutyMember.objects.filter(event=event).count() == 3
    page = client_for("duty").get(event.get_absolute_url()).content.decode()
    assert 'id="plan-groups"' in page and "本事件适用预案的指挥机构" in page


def test_a_plan_group_of_its_own_name_and_several_units():
    plan = _city_plan_groups().first().plan
    whk = client_for("whk_staff")
    r = post(
        whk,
        f"/api/v1/plans/{plan.pk}/parts",
        {
            "kind": "group",
            "name": "环境应急监测组",
            "lead_unit": "风险监测和综合减灾科、市生态环境局",
            "text": "在后方指挥部负责环境监测数据汇总。",
        },
    )
    assert r.status_code in (200, 201), r.content
    event = _event_in_response()
    r = post(client_for("duty"), f"{API}/events/{event.pk}/joint/template", {"template": "plan"})
    assert r.status_code == 200, r.content
    own = list(JointDutyMember.objects.filter(event=event, group="other").order_by("pk"))
    assert [(m.group_name, m.post, m.role) for m in own] == [
        ("环境应急监测组", "rear", "head"),
        ("环境应急监测组", "rear", "member"),
    ]
    assert own[0].organisation.code == "LZYJJ-FXJZ" and own[1].department == "市生态环境局"
    roster = selectors.joint_roster(event, event.received_by)
    rear = next(p for p in roster if p["label"] == "后方指挥部")
    assert [g["label"] for g in rear["groups"]] == ["环境应急监测组"]
    api = client_for("duty").get(f"{API}/events/{event.pk}/joint").json()
    assert {m["group_label"] for m in api} >= {"环境应急监测组", "综合协调组"}


def test_a_plan_without_groups_leaves_the_house_templates():
    whk = client_for("whk_staff")
    for part in _city_plan_groups():
        r = post(whk, f"/api/v1/plan-parts/{part.pk}/void", {"reason": "测试作废工作组"})
        assert r.status_code == 200, r.content
    event = _event_in_response()
    templates = client_for("duty").get(f"{API}/events/{event.pk}/command-templates").json()
    assert templates[0]["code"] == "hazchem" and "plan" not in {t["code"] for t in templates}
    r = post(client_for("duty"), f"{API}/events/{event.pk}/joint/template", {"template": "plan"})
    assert r.status_code == 422 and "未录入指挥机构工作组" in r.json()["message"]
    assert not JointDutyMember.objects.filter(event=event).exists()
    r = post(client_for("duty"), f"{API}/events/{event.pk}/joint/template", {"template": "hazchem"})
    assert r.status_code == 200 and JointDutyMember.objects.filter(event=event).count() > 0
    page = client_for("duty").get(event.get_absolute_url()).content.decode()
    assert 'id="plan-groups-none"' in page


def test_the_plan_template_only_for_handlers_during_a_response():
    event = _event_in_response()
    for who in ("leader", "chengguan_staff", "ent_user"):
        r = post(client_for(who), f"{API}/events/{event.pk}/joint/template", {"template": "plan"})
        assert r.status_code in (403, 404), (who, r.status_code)
    assert client_for("ent_user").get(f"{API}/events/{event.pk}/command-templates").status_code in (
        403,
        404,
    )
    assert not JointDutyMember.objects.filter(event=event).exists()
