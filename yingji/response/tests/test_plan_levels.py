"""The level decision shows the response levels of the plan that governs the event (read from
the plans' structured parts through the plans app's selector)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yingji.core.permissions import allows
from yingji.plans.choices import EVENT_TYPE_LABELS
from yingji.plans.selectors import response_levels_for
from yingji.response import selectors
from yingji.response.models import Event

from .helpers import client_for

pytestmark = pytest.mark.django_db

LEAK = "西固区化工助剂企业储罐区氯气泄漏(演示)"


def _user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def test_every_event_type_maps_to_a_plan_event_type():
    data = Path(selectors.__file__).parent / "data" / "event_types.json"
    for row in json.loads(data.read_text(encoding="utf-8"))["types"]:
        code = selectors.PLAN_EVENT_TYPES.get(
            row["code"]
        ) or selectors.PLAN_EVENT_TYPES_BY_CATEGORY.get(row["category"])
        assert code in EVENT_TYPE_LABELS, row["code"]


def test_the_level_decision_shows_the_governing_plan_s_levels():
    leak = Event.objects.get(title=LEAK)
    deciders = [
        u
        for u in ("leader", "duty", "city_admin", "xigu_staff")
        if allows(_user(u), "response.decide_level")
    ]
    assert deciders, "some persona decides response levels"
    name = deciders[0]
    user = _user(name)
    expected = response_levels_for(user, event_type="hazchem", region=leak.region)
    got = selectors.plan_levels(leak, user)
    assert got["plan"] == expected["plan"]
    assert [lv["part_id"] for lv in got["levels"]] == [lv["part_id"] for lv in expected["levels"]]
    html = client_for(name).get(leak.get_absolute_url()).content.decode()
    assert 'id="plan-levels"' in html
    if got["plan"] is not None:
        assert got["plan"].title in html
        for lv in got["levels"]:
            assert str(lv["level_label"]) in html
    else:
        assert "未找到规定响应分级的预案" in html


def test_those_who_do_not_decide_see_no_plan_levels():
    leak = Event.objects.get(title=LEAK)
    for name in ("whk_staff", "xigu_staff", "ent_user"):
        if allows(_user(name), "response.decide_level"):
            continue
        r = client_for(name).get(leak.get_absolute_url())
        assert 'id="plan-levels"' not in r.content.decode()
