import pytest

pytestmark = pytest.mark.django_db


def test_demo_and_pages(as_user):
    from yingji.resources.models import Site, Stock
    from yingji.resources.services import ledger_totals

    assert Site.objects.count() >= 12
    totals = ledger_totals()
    for s in Stock.objects.all():
        assert s.quantity == totals.get(s.pk, 0)
    c = as_user("city_admin")
    site = Site.objects.get(code="DEMO-RES-SJ-01")
    for url in [
        "/resources/",
        "/resources/stock/",
        "/resources/stock/?alert=low",
        "/resources/stock/?alert=expiring",
        "/resources/movements/",
        "/resources/map/",
        site.get_absolute_url(),
        "/api/v1/resources/geojson",
        "/resources/import/",
        "/resources/sites/new/",
        "/",
    ]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.content[:2000])
