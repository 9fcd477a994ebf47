"""Journey (issue #16): the duty officer asks for 500 tents to a point in 榆中县 → the proposal
on the map (榆中's own reserve first, split across sites, distances and arrival) → a city
section approves (reserving) and dispatches → the duty officer confirms receipt; the "一图"
shows every site the "一表" lists."""

import io

import pytest

from .conftest import ARTIFACTS, login, wait_until

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS.parent / "docs" / "screenshots"


@pytest.mark.django_db(transaction=True)
def test_request_500_tents_to_yuzhong(reference_data, live_server, browser_page):
    from openpyxl import load_workbook

    from yingji.resources.models import Site, SupplyRequest

    page = browser_page
    base = live_server.url
    login(page, base, "duty")
    page.goto(f"{base}/resources/requests/new/")
    page.fill("#r-dest", "榆中县城关镇体育场安置点")
    page.fill("#r-lon", "104.12")
    page.fill("#r-lat", "35.86")
    page.fill("#r-reason", "暴雨转移安置群众")
    page.select_option("#r-item-0", "1020199")
    page.fill("#r-quantity-0", "500")
    page.click("#request-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已提出物资需求" in page.inner_text("main")
    rows = page.locator("#proposal tbody tr")
    assert rows.count() >= 2  # split across sites
    assert "榆中县应急物资储备库" in rows.nth(0).inner_text()  # the county's own reserve first
    wait_until(page, "document.querySelector('#request-map').getAttribute('data-loaded')")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "resources-request.png"), full_page=True)
    url = page.url
    assert page.locator("#btn-approve").count() == 0  # the duty officer does not approve

    page.context.clear_cookies()
    login(page, base, "whk_staff")
    page.goto(url)
    page.click("#btn-approve")
    page.wait_for_load_state("networkidle")
    assert "已审批" in page.inner_text("#request-state")
    page.click("#btn-dispatch")
    page.wait_for_load_state("networkidle")
    assert "已调运" in page.inner_text("#request-state")

    page.context.clear_cookies()
    login(page, base, "duty")
    page.goto(url)
    page.fill("#request-actions input[name=note]", "已清点,500顶帐篷全部到位")
    page.click("#btn-receive")
    page.wait_for_load_state("networkidle")
    assert "已签收" in page.inner_text("#request-state")
    timeline = page.inner_text("#timeline")
    for step in ("提出物资需求", "审批物资需求", "已出库调运", "已在榆中县城关镇体育场安置点签收"):
        assert step in timeline
    request = SupplyRequest.objects.get(destination="榆中县城关镇体育场安置点")
    assert request.state == "received"

    # the 一图 shows every active site; the 一表 lists the same sites
    page.goto(f"{base}/resources/map/")
    shown = int(
        wait_until(page, "document.querySelector('#resource-map').getAttribute('data-loaded')")
    )
    assert shown == Site.objects.filter(active=True).count()
    page.goto(f"{base}/resources/stock/")
    link = page.get_attribute("a:has-text('导出 Excel')", "href")
    data = page.request.get(f"{base}/resources/stock/{link}").body()
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    listed = {row[1] for row in list(sheet.iter_rows(values_only=True))[1:]}
    assert listed == set(Site.objects.filter(active=True).values_list("name", flat=True))
    page.screenshot(path=str(SHOTS / "resources-stock.png"), full_page=True)
    external = [u for u in page.external_requests if not u.startswith(base)]
    assert not external, external
