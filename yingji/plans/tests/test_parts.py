"""Structured plan parts (issue #18): response levels with their conditions, command groups,
resource requirements — added and voided (never deleted) by who may change the plan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.plans import selectors, services
from yingji.plans.models import Plan, PlanPart
from yingji.plans.schemas import PlanPartIn, PlanPartVoidIn

pytestmark = pytest.mark.django_db


def _city_plan():
    """A city plan without structured parts in the demo (the 总体预案 has them)."""
    return Plan.objects.filter(code="DEMO-YA-620100-WHP").first()


def _xigu_plan():
    return Plan.objects.filter(region__path__startswith="/620100/620104/", enterprise=None).first()


def test_levels_groups_and_resources_of_a_plan(persona, ctx):
    user, plan = persona("section"), _city_plan()
    level = services.do_add_plan_part(
        actor=user,
        plan=plan,
        data=PlanPartIn(
            kind="level", level=1, name="一级响应", lead_unit="市长", text="死亡30人以上"
        ),
    )
    services.do_add_plan_part(
        actor=user,
        plan=plan,
        data=PlanPartIn(kind="group", name="抢险救援组", lead_unit="市消防救援支队"),
    )
    res = services.do_add_plan_part(
        actor=user,
        plan=plan,
        data=PlanPartIn(
            kind="resource",
            name="帐篷",
            item_code="ZP",
            quantity=Decimal("200"),
            unit="顶",
            level=2,
        ),
    )
    assert res.level is None and res.quantity == 200  # a level only on a response level
    assert [p.name for p in selectors.plan_parts(persona("leader"), plan, "level")] == ["一级响应"]
    with pytest.raises(ValidationFailed, match="已有此响应级别"):
        services.do_add_plan_part(
            actor=user, plan=plan, data=PlanPartIn(kind="level", level=1, name="一级", text="x")
        )
    services.do_void_plan_part(actor=user, part=level, data=PlanPartVoidIn(reason="修订后调整"))
    level.refresh_from_db()
    assert level.voided and PlanPart.objects.filter(pk=level.pk).exists()
    assert not selectors.plan_parts(user, plan, "level").exists()
    with pytest.raises(InvalidTransition):
        services.do_void_plan_part(actor=user, part=level, data=PlanPartVoidIn(reason="再次作废"))
    assert AuditEvent.objects.filter(verb="plans.part.added", object_id=str(res.pk)).exists()


def test_the_demo_general_plan_has_four_levels_and_its_groups(persona):
    plan = Plan.objects.get(code="DEMO-YA-620100-ZT")
    levels = selectors.plan_parts(persona("leader"), plan, "level")
    assert [p.level for p in levels] == [1, 2, 3, 4]
    assert selectors.plan_parts(persona("leader"), plan, "group").count() == 3


def test_parts_need_their_fields(persona, ctx):
    user, plan = persona("section"), _city_plan()
    with pytest.raises(ValidationFailed, match="响应级别"):
        services.do_add_plan_part(
            actor=user, plan=plan, data=PlanPartIn(kind="level", name="一级", text="x")
        )
    with pytest.raises(ValidationFailed, match="启动条件"):
        services.do_add_plan_part(
            actor=user, plan=plan, data=PlanPartIn(kind="level", level=2, name="二级")
        )
    with pytest.raises(ValidationFailed, match="需求数量"):
        services.do_add_plan_part(
            actor=user, plan=plan, data=PlanPartIn(kind="resource", name="帐篷")
        )
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        PlanPartIn(kind="level", level=5, name="五级")
    assert not PlanPart.objects.filter(plan=plan).exists()


def test_who_may_add_parts(persona, ctx):
    data = PlanPartIn(kind="group", name="医疗救护组", lead_unit="市卫健委")
    for who, plan in (
        ("leader", _city_plan()),
        ("county_a", _city_plan()),
        ("enterprise", _city_plan()),
        ("county_b", _xigu_plan()),
    ):
        with pytest.raises(NotPermitted):
            services.do_add_plan_part(actor=persona(who), plan=plan, data=data)
    assert services.do_add_plan_part(actor=persona("county_a"), plan=_xigu_plan(), data=data).pk


def test_the_page_and_the_api(as_user, persona, ctx):
    plan = _city_plan()
    client = as_user("section")
    response = client.post(
        f"/plans/{plan.pk}/parts/",
        {"kind": "level", "level": "2", "name": "二级响应", "text": "<b>死亡10人以上</b>"},
    )
    assert response.status_code == 302
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "二级响应" in page and "&lt;b&gt;死亡10人以上" in page and "part-form" in page
    assert "part-form" not in as_user("leader").get(plan.get_absolute_url()).content.decode()
    api = as_user("leader").get(f"/api/v1/plans/{plan.pk}/parts?kind=level").json()
    assert [p["name"] for p in api] == ["二级响应"] and api[0]["level"] == 2
    denied = as_user("leader").post(
        f"/api/v1/plans/{plan.pk}/parts",
        {"kind": "group", "name": "通信组"},
        content_type="application/json",
    )
    assert denied.status_code in (403, 404)
