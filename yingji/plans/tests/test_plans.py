import pytest

pytestmark = pytest.mark.django_db


def test_smoke(as_user):
    from yingji.plans.models import Plan
    print(Plan.objects.count())
    c = as_user("section")
    for url in ["/plans/", "/plans/review/", "/plans/drills/", "/plans/findings/"]:
        r = c.get(url)
        assert r.status_code == 200, url
