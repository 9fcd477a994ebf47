"""指挥部编组模板: the templates are data (data/command_templates.json) whose every unit is in the
organisation tree; an event in response is staffed from the one its plan type calls for, the
people taken from the units' members; applying twice adds nobody; only the event's handlers
and only during a response."""

from __future__ import annotations

import pytest

from yingji.response import selectors
from yingji.response.choices import COMMAND_GROUPS, COMMAND_POSTS, JOINT_ROLES
from yingji.response.models import Event, JointDutyMember

from .helpers import client_for, post

pytestmark = pytest.mark.django_db

API = "/api/v1/response"
LEAK = "西固区化工助剂企业储罐区氯气泄漏(演示)"


def test_every_template_row_names_a_post_group_role_and_a_unit_of_the_tree():
    from yingji.orgs.models import Organisation

    codes = set(Organisation.objects.values_list("code", flat=True))
    templates = selectors.command_templates()
    assert {"hazchem", "natural", "general"} <= {t["code"] for t in templates}
    for t in templates:
        for row in t["rows"]:
            assert row["org"] in codes, row
            assert row["post"] in dict(COMMAND_POSTS) and row["group"] in dict(COMMAND_GROUPS)
            assert row["role"] in dict(JOINT_ROLES)


def test_the_plan_type_picks_the_template():
    leak = Event.objects.get(title=LEAK)
    assert selectors.templates_for(leak)[0]["code"] == "hazchem"
    landslide = Event.objects.filter(event_type__code="NAT-GEO").first()
    if landslide is not None:
        assert selectors.templates_for(landslide)[0]["code"] == "natural"


def test_a_template_staffs_the_joint_roster_once_with_people_from_the_units():
    leak = Event.objects.get(title=LEAK)
    assert leak.response_state == "active"
    before = JointDutyMember.objects.filter(event=leak).count()
    r = post(client_for("duty"), f"{API}/events/{leak.pk}/joint/template", {"template": "hazchem"})
    assert r.status_code == 200, r.content
    added = JointDutyMember.objects.filter(event=leak).exclude(
        pk__in=JointDutyMember.objects.filter(event=leak).order_by("pk")[:before].values("pk")
    )
    assert added.count() > 0 and all(m.organisation_id for m in added)
    zhxt = added.filter(organisation__code="LZYJJ-YJZH").first()
    if zhxt is not None:  # a unit with accounts gives a person's name, not 待指派
        assert zhxt.name != "待指派"
    r = post(client_for("duty"), f"{API}/events/{leak.pk}/joint/template", {"template": "hazchem"})
    assert r.status_code == 200
    assert JointDutyMember.objects.filter(event=leak).count() == before + added.count()
    html = client_for("duty").get(leak.get_absolute_url()).content.decode()
    assert 'id="joint-template-form"' in html


def test_templates_only_for_handlers_during_a_response():
    leak = Event.objects.get(title=LEAK)
    before = JointDutyMember.objects.count()
    r = post(
        client_for("leader"), f"{API}/events/{leak.pk}/joint/template", {"template": "hazchem"}
    )
    assert r.status_code == 403
    road = Event.objects.get(is_demo=True, title__contains="货车侧翻")
    r = post(client_for("duty"), f"{API}/events/{road.pk}/joint/template", {"template": "general"})
    assert r.status_code == 409 and "未在响应中" in r.json()["message"]
    r = post(client_for("duty"), f"{API}/events/{leak.pk}/joint/template", {"template": "nope"})
    assert r.status_code == 422
    assert JointDutyMember.objects.count() == before
    assert 'id="joint-template-form"' not in client_for("leader").get(leak.get_absolute_url()).text
    assert client_for("ent_user").get(f"{API}/command-templates").status_code == 403
