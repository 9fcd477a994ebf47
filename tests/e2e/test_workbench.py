"""Journey (issue #12): each persona logs in to its 工作台, which is screenshotted for the docs
(docs/screenshots/workbench-<persona>.png); the first "waiting for me" figure (the first figure
for the leader, who has nothing to do but read, and the first 值班关注 one for the duty officer)
opens its list without a 403, and the list shows the same number of rows."""

import re
from pathlib import Path

import pytest

from .conftest import login, wait_until

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PERSONAS = [
    "city_admin",
    "leader",
    "whk_staff",
    "duty",
    "xigu_staff",
    "chengguan_staff",
    "ent_user",
]
FIRST = {"leader": "#section-figures a.yj-count", "duty": "#section-duty a.yj-count"}


@pytest.mark.django_db(transaction=True)
def test_each_persona_workbench(reference_data, live_server, browser_page):
    page = browser_page
    SCREENSHOTS.mkdir(exist_ok=True)
    for username in PERSONAS:
        page.context.clear_cookies()
        login(page, live_server.url, username)
        assert page.title().startswith("首页"), username
        charts = page.locator(".yj-chart").count()
        if charts:  # the vendored ECharts drew every chart
            wait_until(page, f"document.querySelectorAll('.yj-chart canvas').length === {charts}")
        page.screenshot(path=str(SCREENSHOTS / f"workbench-{username}.png"), full_page=True)
        if username == "leader":
            assert page.locator("#section-todo").count() == 0  # read-only: nothing "to do"
        link = page.locator(FIRST.get(username, "#section-todo a.yj-count")).first
        expected = int(link.get_attribute("data-count"))
        with page.expect_navigation() as navigation:
            link.click()
        response = navigation.value
        assert response.status == 200, (username, page.url, response.status)
        total = re.search(r"共 ([\d,]+) 条", page.inner_text("main"))
        assert total and int(total.group(1).replace(",", "")) == expected, (username, page.url)
    external = [u for u in page.external_requests if not u.startswith(live_server.url)]
    assert not external, external
