"""Journey (issue #2, #12): county A staff (西固区) logs in, opens the 工作台, sees the count of
the county A enterprises it supervises and nothing of county B (城关区); the figure opens the
enterprise list with the same total; the dashboard makes no request to another host."""

import pytest

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_county_a_dashboard_shows_only_county_a(reference_data, live_server, browser_page):
    from django.contrib.auth import get_user_model

    from yingji.enterprises.selectors import visible_enterprises
    from yingji.orgs.models import Organisation

    User = get_user_model()
    a_names = list(
        Organisation.objects.filter(
            kind="enterprise", region__path__startswith="/620100/620104/"
        ).values_list("name", flat=True)
    )
    b_names = list(
        Organisation.objects.filter(
            kind="enterprise", region__path__startswith="/620100/620102/"
        ).values_list("name", flat=True)
    )
    # the 工作台 counts the enterprises county A staff supervise, as the enterprise list does
    supervised = visible_enterprises(User.objects.get(username="xigu_staff"))
    supervised_names = list(supervised.values_list("organisation__name", flat=True))
    assert supervised_names and set(supervised_names) <= set(a_names)
    page = browser_page
    login(page, live_server.url, "xigu_staff")
    assert page.title().startswith("首页")
    summary = page.inner_text("#scope-summary")
    assert "西固区应急管理局" in summary and "西固区" in summary
    assert page.inner_text("#count-enterprises") == str(len(supervised_names))
    home = page.inner_text("main")
    assert "城关区" not in home and not any(name in home for name in b_names)
    page.wait_for_selector(".yj-chart canvas")  # the vendored ECharts drew the chart
    page.screenshot(path=str(ARTIFACTS / "e2e-county-a-dashboard.png"), full_page=True)
    # the figure opens the enterprise list: the same total, county A's enterprises only
    page.click("#count-enterprises")
    page.wait_for_load_state("networkidle")
    listed = page.inner_text("main")
    assert f"共 {len(supervised_names)} 条" in listed
    shown = [name for name in supervised_names if name in listed]
    assert len(shown) == min(50, len(supervised_names))  # the list's first page
    assert not any(name in listed for name in b_names)
    # the organisation list also keeps county B out
    page.goto(f"{live_server.url}/orgs/?kind=enterprise")
    body = page.inner_text("main")
    assert a_names[0] in body and not any(name in body for name in b_names)
    external = [u for u in page.external_requests if not u.startswith(live_server.url)]
    assert not external, external
