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


@pytest.mark.django_db(transaction=True)
def test_request_teams_dispatch_and_return(reference_data, live_server, browser_page):
    """The duty officer asks for tents, a 水域 team and a 排水 pump → the nearest available
    team and pump are proposed → approved (已调派) and dispatched (出发) → receipt (到达) → the
    city section records the return: tents partly damaged (归还 + 报废 in the ledger), the team
    back (归队), the pump back damaged (维修); the 调拨单 and the 一表 print."""
    from yingji.resources.models import Equipment, ForceAssignment, Movement, Team

    Team.objects.filter(specialty="water").update(readiness="ready")
    page = browser_page
    base = live_server.url
    login(page, base, "duty")
    page.goto(f"{base}/resources/requests/new/")
    page.fill("#r-dest", "榆中县青城镇黄河岸边安置点")
    page.fill("#r-lon", "104.12")
    page.fill("#r-lat", "35.86")
    page.fill("#r-reason", "黄河洪水转移群众")
    page.select_option("#r-item-0", "1020199")
    page.fill("#r-quantity-0", "40")
    page.select_option("#r-team-0", "water")
    page.fill("#r-team-count-0", "1")
    page.select_option("#r-equip-0", "drainage")
    page.fill("#r-equip-count-0", "1")
    page.click("#request-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已提出物资需求" in page.inner_text("main")
    forces = page.locator("#forces tbody tr")
    assert forces.count() == 2
    assert "队伍" in forces.nth(0).inner_text() or "队伍" in forces.nth(1).inner_text()
    wait_until(page, "document.querySelector('#request-map').getAttribute('data-loaded')")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "resources-request-forces.png"), full_page=True)
    url = page.url

    page.context.clear_cookies()
    login(page, base, "whk_staff")
    page.goto(url)
    page.click("#btn-approve")
    page.wait_for_load_state("networkidle")
    assert "已调派" in page.inner_text("#forces")
    page.click("#btn-dispatch")
    page.wait_for_load_state("networkidle")
    assert "已出发" in page.inner_text("#forces")

    page.context.clear_cookies()
    login(page, base, "duty")
    page.goto(url)
    page.fill("#request-actions input[name=note]", "队伍和装备已到达")
    page.click("#btn-receive")
    page.wait_for_load_state("networkidle")
    assert "已到达" in page.inner_text("#forces")
    assert page.locator("form.return-supplies").count() == 0  # the duty officer records none

    page.context.clear_cookies()
    login(page, base, "whk_staff")
    page.goto(url)
    form = page.locator("form.return-supplies").first
    form.locator("input[name=returned]").fill("30")
    form.locator("input[name=scrapped]").fill("2")
    form.locator("input[name=reason]").fill("灾后回收,2顶破损")
    form.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert "已登记归还" in page.inner_text("main")
    for label in ("归队", "归还"):
        form = page.locator("form.return-force").filter(has_text=label).first
        if label == "归还":
            form.locator("select[name=condition]").select_option("repair")
            form.locator("input[name=note]").fill("水泵叶轮损坏")
        form.locator("button").click()
        page.wait_for_load_state("networkidle")
    outstanding = page.inner_text("#outstanding-table tbody")
    assert "救灾帐篷" in outstanding and "队伍" not in outstanding
    page.screenshot(path=str(SHOTS / "resources-returns.png"), full_page=True)
    from yingji.resources.models import SupplyRequest

    req = SupplyRequest.objects.get(destination="榆中县青城镇黄河岸边安置点")
    kinds = list(
        Movement.objects.filter(document_no=req.number)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds[-2:] == ["return", "scrap"]
    pump = ForceAssignment.objects.get(request=req, equipment__isnull=False)
    assert Equipment.objects.get(pk=pump.equipment_id).status == "repair"
    timeline = page.inner_text("#timeline")
    assert "归队" in timeline and "损坏待修" in timeline

    page.goto(f"{base}/resources/requests/{req.pk}/print/")
    assert "应急物资调拨单" in page.inner_text("body")
    page.emulate_media(media="print")
    page.screenshot(path=str(SHOTS / "resources-dispatch-order.png"), full_page=True)
    page.goto(f"{base}/resources/stock/print/?region=620123")
    assert "应急救援装备及物资储备一表" in page.inner_text("body")
    page.screenshot(path=str(SHOTS / "resources-stock-print.png"), full_page=True)
    page.emulate_media(media="screen")
    external = [u for u in page.external_requests if not u.startswith(base)]
    assert not external, external


@pytest.mark.django_db(transaction=True)
def test_agreement_call_off_positions_and_arrival_per_line(
    reference_data, live_server, browser_page
):
    """Only 榆中's own reserve is in use (the others closed for the journey): the duty officer
    asks for 500 tents → the reserve's tents and the rest from the tent agreement (协议储备,
    counted apart) are proposed → approved (the call-off recorded) and dispatched → the driver
    reports a position through the API with a personal token, the duty officer enters one →
    the latest position on the request map and in the command map's 在途调度 → arrivals line
    by line: the first, then the rest (已签收) → the 一图 printed."""
    from yingji.core.context import actor_context
    from yingji.core.models import APIToken, hash_token
    from yingji.resources.models import AgreementLine, Site, SupplyRequest

    Site.objects.exclude(code="DEMO-RES-YZ-01").update(active=False)
    line = AgreementLine.objects.select_related("agreement").get(
        item__code="1020199", agreement__is_demo=True
    )
    agreement = line.agreement
    page = browser_page
    base = live_server.url
    login(page, base, "duty")
    page.goto(f"{base}/resources/requests/new/")
    page.fill("#r-dest", "榆中县夏官营镇安置点")
    page.fill("#r-lon", "104.12")
    page.fill("#r-lat", "35.86")
    page.fill("#r-reason", "地震受灾群众安置")
    page.select_option("#r-item-0", "1020199")
    page.fill("#r-quantity-0", "500")
    page.click("#request-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    calls = page.inner_text("#call-table")
    assert agreement.partner in calls
    assert page.locator("#shortfall").count() == 0  # the agreement covers the rest
    wait_until(page, "document.querySelector('#request-map').getAttribute('data-loaded')")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "resources-request-agreement.png"), full_page=True)
    url = page.url
    req = SupplyRequest.objects.get(destination="榆中县夏官营镇安置点")

    page.context.clear_cookies()
    login(page, base, "whk_staff")
    page.goto(url)
    page.click("#btn-approve")
    page.wait_for_load_state("networkidle")
    assert "已调用" in page.inner_text("#call-table")
    page.click("#btn-dispatch")
    page.wait_for_load_state("networkidle")
    assert "在途" in page.inner_text("#call-table")
    line.refresh_from_db()
    assert line.called == 500 - sum(a.quantity for a in req.allocations.all())

    # the driver's phone reports through the API with a personal token
    driver = SupplyRequest._meta.get_field("requested_by").related_model.objects.get(
        username="duty"
    )
    key = APIToken.generate_key()
    with actor_context(driver, source="test"):
        APIToken.objects.create(
            user=driver, name="押运车辆", key_prefix=key[:10], key_hash=hash_token(key)
        )
    r = page.request.post(
        f"{base}/api/v1/resources/requests/{req.pk}/positions",
        data={"lon": 103.98, "lat": 35.93, "carrier": "甘A·D1234(演示)"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert r.status == 201, r.text()

    page.context.clear_cookies()
    login(page, base, "duty")
    page.goto(url)
    page.fill("#position-form input[name=lon]", "104.05")
    page.fill("#position-form input[name=lat]", "35.89")
    page.fill("#position-form input[name=carrier]", "甘A·D1234(演示)")
    page.click("#btn-position")
    page.wait_for_load_state("networkidle")
    assert "104.05000" in page.inner_text("#position-list")
    assert "接口上报" in page.inner_text("#position-list")
    wait_until(page, "document.querySelector('#request-map').getAttribute('data-loaded')")
    page.screenshot(path=str(SHOTS / "resources-transit.png"), full_page=True)

    page.goto(f"{base}/command/")
    wait_until(
        page,
        "(document.querySelector('#panel-dispatch') || {innerText: ''})"
        ".innerText.indexOf('最新位置') >= 0 || null",
    )
    wait_until(page, "document.querySelector('[data-boundaries][data-loaded]') && true")
    page.locator("#panel-dispatch").scroll_into_view_if_needed()
    assert "甘A·D1234" in page.inner_text("#panel-dispatch")
    page.screenshot(path=str(SHOTS / "resources-command-transit.png"))

    page.goto(url)
    boxes = page.locator("#arrival-form input[type=checkbox]")
    total = boxes.count()
    assert total >= 2
    boxes.nth(0).check()
    page.click("#btn-arrival")
    page.wait_for_load_state("networkidle")
    assert "已调运" in page.inner_text("#request-state")
    boxes = page.locator("#arrival-form input[type=checkbox]")
    assert boxes.count() == total - 1
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.fill("#arrival-form input[name=note]", "全部到达,已清点")
    page.click("#btn-arrival")
    page.wait_for_load_state("networkidle")
    assert "已签收" in page.inner_text("#request-state")
    assert "已到达" in page.inner_text("#call-table")
    assert "全部到达" in page.inner_text("#timeline")

    page.goto(f"{base}/resources/map/")
    wait_until(page, "document.querySelector('#resource-map').getAttribute('data-loaded')")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.is_visible("#map-print-head") and not page.is_visible("#map-filters")
    page.screenshot(path=str(SHOTS / "resources-map-print.png"), full_page=True)
    page.emulate_media(media="screen")
    external = [u for u in page.external_requests if not u.startswith(base)]
    assert not external, external
