from yingji.core.context import actor_context
from yingji.resources import services
from yingji.resources.models import Movement, Site, Stock
from yingji.resources.schemas import MovementIn

CITY = "DEMO-RES-SJ-01"
XIGU = "DEMO-RES-XG-01"
CHENGGUAN = "DEMO-RES-CG-01"
YUZHONG = "DEMO-RES-YZ-01"
ENTERPRISE_SITE = "DEMO-RES-QY-XG-01"
TENT = "1020199"
WATER = "1030299"
PUMP = "2050199"


def site(code: str) -> Site:
    return Site.objects.get(code=code)


def balance(site_code: str, item: str) -> int:
    stock = Stock.objects.filter(site__code=site_code, item__code=item).first()
    return stock.quantity if stock else 0


def ledger_sum(site_code: str, item: str) -> int:
    return sum(
        Movement.objects.filter(stock__site__code=site_code, stock__item__code=item).values_list(
            "quantity", flat=True
        )
    )


def move(user, site_code: str, **data):
    data.setdefault("document_no", "T-1")
    data.setdefault("reason", "测试登记")
    with actor_context(user, source="test"):
        return services.do_record_movement(
            actor=user, site=site(site_code), data=MovementIn(**data)
        )


def client_for(username: str):
    """A logged-in client for a demo user that is not one of conftest's personas (e.g. duty)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def race(attempts) -> list[tuple[str, str]]:
    """Run ``(user, call)`` pairs at once, one thread and one connection each, released together
    by a barrier; each call runs as its user. Returns ``("ok", username)`` or ``("refused",
    message)`` per attempt, in the order they finished."""
    import threading

    from django.db import connection

    from yingji.core.errors import DomainError

    barrier = threading.Barrier(len(attempts))
    results: list[tuple[str, str]] = []

    def attempt(user, call):
        try:
            barrier.wait()
            with actor_context(user, source="test"):
                call(user)
            results.append(("ok", user.username))
        except DomainError as exc:
            results.append(("refused", exc.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=pair) for pair in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
