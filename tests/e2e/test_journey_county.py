"""Journey (issue #2): county A staff (西固区) logs in, opens the dashboard, sees county A's
enterprises and not county B's (城关区); the dashboard makes no request to another host."""

import pytest

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_county_a_dashboard_shows_only_county_a(reference_data, live_server, browser_page):
    from yingji.orgs.models import Organisation

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
    page = browser_page
    login(page, live_server.url, "xigu_staff")
    assert page.title().startswith("首页")
    summary = page.inner_text("#scope-summary")
    assert "西固区应急管理局" in summary and "西固区" in summary
    assert page.inner_text("#count-enterprises") == str(len(a_names))
    listed = page.inner_text("#enterprise-list")
    shown = [name for name in a_names if name in listed]
    assert len(shown) == min(20, len(a_names))  # the dashboard lists the first 20
    assert not any(name in listed for name in b_names)
    table = page.inner_text("#county-table")
    assert "西固区" in table and "城关区" not in table
    page.wait_for_selector("#county-chart canvas")  # the vendored ECharts drew the chart
    page.screenshot(path=str(ARTIFACTS / "e2e-county-a-dashboard.png"), full_page=True)
    # the organisation list also keeps county B out
    page.goto(f"{live_server.url}/orgs/?kind=enterprise")
    body = page.inner_text("main")
    assert a_names[0] in body and not any(name in body for name in b_names)
    external = [u for u in page.external_requests if not u.startswith(live_server.url)]
    assert not external, external
