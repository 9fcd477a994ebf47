"""plans.selectors.response_levels_for: what the response module (#12) reads to grade an event:
the governing plan's 响应分级 parts (level, start conditions), the county before the city, a
special plan for the type before the 总体预案, only what the reader may see."""

import pytest

from yingji.geo.models import Region
from yingji.plans import selectors
from yingji.plans.models import PlanPart

pytestmark = pytest.mark.django_db


def test_a_city_event_gets_the_city_general_plan_levels_in_order(persona):
    village = Region.objects.get(code="620104103201")  # 岔路村, 西固区: no county plan with levels
    out = selectors.response_levels_for(persona("section"), event_type="production", region=village)
    plan = out["plan"]
    assert plan is not None and plan.kind == "general"
    expected = list(
        PlanPart.objects.filter(plan=plan, kind="level", voided=False).order_by("level", "pk")
    )
    assert expected, "the demo's 总体预案 carries its 响应分级"
    assert [row["part_id"] for row in out["levels"]] == [p.pk for p in expected]
    assert [row["level"] for row in out["levels"]] == sorted(row["level"] for row in out["levels"])
    assert out["levels"][0]["conditions"] == expected[0].text
    assert out["looked_at"][0] == "620104103201" and out["looked_at"][-1] == "620100"
    # a plan on the way without 响应分级 parts is passed over and named
    assert all(not p.parts.filter(kind="level", voided=False).exists() for p in out["unstructured"])


def test_a_voided_level_is_left_out_and_an_enterprise_plan_never_governs(persona, ctx):
    city = Region.objects.get(code="620100")
    user = persona("section")
    before = selectors.response_levels_for(user, event_type="hazchem", region=city)
    first = PlanPart.objects.get(pk=before["levels"][0]["part_id"])
    PlanPart.objects.filter(pk=first.pk).update(voided=True, void_reason="测试")
    after = selectors.response_levels_for(user, event_type="hazchem", region=city)
    assert first.pk not in [row["part_id"] for row in after["levels"]]
    assert after["plan"].enterprise_id is None


def test_nothing_for_a_reader_without_plans(ctx):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("no_role_reader", password="x")
    out = selectors.response_levels_for(
        nobody, event_type="flood", region=Region.objects.get(code="620100")
    )
    assert out["plan"] is None and out["levels"] == []
