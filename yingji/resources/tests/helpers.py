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
