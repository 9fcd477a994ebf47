"""Two dispatchers take the last 100 tents at once (two threads, two connections): exactly one
succeeds, the other is told how many are left; the balance never goes below zero and equals
the sum of the ledger (SQLite IMMEDIATE transactions / PostgreSQL row lock)."""

import pytest
from django.contrib.auth import get_user_model

from yingji.resources import services
from yingji.resources.models import Movement, Stock
from yingji.resources.schemas import MovementIn

from .helpers import TENT, XIGU, balance, ledger_sum, move, race, site


@pytest.mark.django_db(transaction=True)
def test_two_issues_of_the_last_100_tents_one_wins(reference_data):
    users = {u.username: u for u in get_user_model().objects.all()}
    keeper = users["xigu_staff"]
    have = balance(XIGU, TENT)
    if have > 100:
        move(keeper, XIGU, kind="scrap", item=TENT, quantity=have - 100, reason="留下最后100顶")
    elif have < 100:
        move(keeper, XIGU, kind="in", item=TENT, quantity=100 - have)
    assert balance(XIGU, TENT) == 100
    target = site(XIGU)
    lines = Movement.objects.count()

    def issue(user):
        services.do_record_movement(
            actor=user,
            site=target,
            data=MovementIn(
                kind="out",
                item=TENT,
                quantity=100,
                document_no=f"CK-{user.username}",
                reason="调运灾区",
            ),
        )

    results = race([(users[n], issue) for n in ("xigu_staff", "city_admin")])
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    refusal = next(r[1] for r in results if r[0] == "refused")
    assert "现有 0 顶" in refusal
    assert balance(XIGU, TENT) == 0 == ledger_sum(XIGU, TENT)
    assert Movement.objects.count() == lines + 1
    assert Stock.objects.filter(quantity__lt=0).count() == 0
