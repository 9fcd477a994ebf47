"""The stock ledger: balances derived from movements, refusals that change nothing, FEFO
batches, transfers in two linked legs, stock-takes, and who may record where."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yingji.core.context import actor_context
from yingji.core.errors import DomainError, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.resources import services
from yingji.resources.models import Movement, Stock
from yingji.resources.schemas import MinimumIn, TransferIn

from .helpers import (
    CHENGGUAN,
    CITY,
    ENTERPRISE_SITE,
    PUMP,
    TENT,
    WATER,
    XIGU,
    YUZHONG,
    balance,
    ledger_sum,
    move,
    site,
)

pytestmark = pytest.mark.django_db


def test_receipt_and_issue_change_the_derived_balance_and_are_audited(persona):
    user = persona("county_a")
    before = balance(XIGU, TENT)
    events = AuditEvent.objects.count()
    move(user, XIGU, kind="in", item=TENT, quantity=50, batch="B-NEW", document_no="RK-9")
    move(user, XIGU, kind="out", item=TENT, quantity=30, document_no="CK-9")
    assert balance(XIGU, TENT) == before + 20 == ledger_sum(XIGU, TENT)
    assert AuditEvent.objects.count() == events + 2
    last = AuditEvent.objects.order_by("-pk").first()
    assert last.verb == "resources.movement.out" and "CK-9" in last.message
    line = Movement.objects.filter(document_no="CK-9").first()
    assert line.actor == user and line.quantity < 0


def test_an_issue_beyond_the_stock_is_refused_and_changes_nothing(persona):
    user = persona("county_a")
    have = balance(XIGU, TENT)
    lines, events = Movement.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        move(user, XIGU, kind="out", item=TENT, quantity=have + 1)
    assert exc.value.code == "insufficient_stock"
    assert f"现有 {have} 顶" in exc.value.message and "未登记" in exc.value.message
    assert balance(XIGU, TENT) == have
    assert Movement.objects.count() == lines and AuditEvent.objects.count() == events


def test_an_issue_without_a_batch_takes_the_earliest_expiring_batches_first(persona):
    user = persona("county_a")
    today = dt.date.today()
    for stock in Stock.objects.filter(site__code=XIGU, item__code=WATER):
        have = stock.quantity
        if have:
            move(user, XIGU, kind="scrap", item=WATER, quantity=have, reason="清空以便测试")
    move(
        user,
        XIGU,
        kind="in",
        item=WATER,
        quantity=10,
        batch="LATE",
        expires_on=today + dt.timedelta(days=300),
    )
    move(
        user,
        XIGU,
        kind="in",
        item=WATER,
        quantity=10,
        batch="EARLY",
        expires_on=today + dt.timedelta(days=20),
    )
    lines = move(user, XIGU, kind="out", item=WATER, quantity=15, document_no="CK-FEFO")
    assert [(m.batch, m.quantity) for m in lines] == [("EARLY", -10), ("LATE", -5)]
    stock = Stock.objects.get(site__code=XIGU, item__code=WATER)
    assert services.batch_balances(stock) == [
        {"batch": "LATE", "expires_on": today + dt.timedelta(days=300), "quantity": 5}
    ]
    move(user, XIGU, kind="in", item=WATER, quantity=10, batch="OTHER")
    with pytest.raises(ValidationFailed, match="批次“LATE”"):
        move(user, XIGU, kind="out", item=WATER, quantity=6, batch="LATE")


def test_a_transfer_writes_two_linked_legs_or_nothing(persona):
    admin = persona("city_admin")
    city, yz = balance(CITY, TENT), balance(YUZHONG, TENT)
    with actor_context(admin, source="test"):
        out, into = services.do_transfer_stock(
            actor=admin,
            site=site(CITY),
            data=TransferIn(
                to_site=YUZHONG, item=TENT, quantity=100, document_no="DB-9", reason="前置"
            ),
        )
    assert out.peer_id == into.pk and out.quantity == -100 and into.quantity == 100
    assert (out.kind, into.kind) == ("transfer_out", "transfer_in")
    assert balance(CITY, TENT) == city - 100 and balance(YUZHONG, TENT) == yz + 100
    lines = Movement.objects.count()
    with actor_context(admin, source="test"), pytest.raises(ValidationFailed):
        services.do_transfer_stock(
            actor=admin,
            site=site(CITY),
            data=TransferIn(
                to_site=YUZHONG, item=TENT, quantity=city, document_no="DB-10", reason="超量"
            ),
        )
    assert Movement.objects.count() == lines
    assert balance(CITY, TENT) == city - 100 and balance(YUZHONG, TENT) == yz + 100


def test_a_stock_take_records_the_difference(persona):
    user = persona("county_a")
    have = balance(XIGU, TENT)
    (line,) = move(user, XIGU, kind="adjust", item=TENT, counted=have - 3, reason="季度盘点")
    assert line.quantity == -3 and balance(XIGU, TENT) == have - 3
    with pytest.raises(ValidationFailed, match="无需调整"):
        move(user, XIGU, kind="adjust", item=TENT, counted=have - 3, reason="再次盘点")
    (line,) = move(user, XIGU, kind="adjust", item=TENT, counted=have, reason="找回")
    assert line.quantity == 3


def test_a_county_keeps_its_own_sites_only(persona):
    user = persona("county_a")
    for code in (CITY, CHENGGUAN):
        with pytest.raises(NotPermitted):
            move(user, code, kind="in", item=TENT, quantity=1)
    with pytest.raises(NotPermitted):
        move(persona("leader"), CITY, kind="in", item=TENT, quantity=1)
    with pytest.raises(NotPermitted):
        move(persona("enterprise"), ENTERPRISE_SITE, kind="in", item=PUMP, quantity=1)


def test_unknown_item_and_minimum(persona):
    user = persona("county_a")
    with pytest.raises(ValidationFailed, match="物资目录中没有"):
        move(user, XIGU, kind="in", item="1999999", quantity=1)
    with actor_context(user, source="test"):
        stock = services.do_set_minimum(
            actor=user, site=site(XIGU), data=MinimumIn(item=TENT, minimum=10**6)
        )
    assert stock.below_minimum


KINDS = st.sampled_from(["in", "out", "lend", "return", "scrap", "adjust"])


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(KINDS, st.integers(0, 60)), min_size=1, max_size=8))
def test_the_balance_always_equals_the_sum_of_the_ledger(persona, steps):
    user = persona("county_a")
    with transaction.atomic():
        expected = balance(XIGU, PUMP)
        for kind, n in steps:
            data = {"counted": n} if kind == "adjust" else {"quantity": max(n, 1)}
            try:
                move(user, XIGU, kind=kind, item=PUMP, **data)
            except DomainError:
                pass
            else:
                if kind == "adjust":
                    expected = n
                elif kind in ("in", "return"):
                    expected += data["quantity"]
                else:
                    expected -= data["quantity"]
            assert balance(XIGU, PUMP) == expected == ledger_sum(XIGU, PUMP) >= 0
        transaction.set_rollback(True)
