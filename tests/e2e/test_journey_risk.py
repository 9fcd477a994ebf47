"""Journey (issue #4): a county user (西固区) opens the risk map, filters the red enterprises of
西固区, opens one, sees its major hazard source and the working of its grade; the pages make no
request to another host. Screenshots: test-artifacts/e2e-risk-*.png."""

import pytest

from .conftest import ARTIFACTS, login, wait_until

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_county_user_finds_a_red_enterprise_and_its_major_hazard(
    reference_data, live_server, browser_page
):
    from yingji.enterprises.models import Enterprise

    target = Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")
    assert target.risk.colour == "red" and target.major_hazard_grade
    page = browser_page
    login(page, live_server.url, "xigu_staff")
    page.goto(f"{live_server.url}/risk/map/")
    page.wait_for_selector("#risk-map[data-loaded] canvas")
    page.select_option("#f-colour", "red")
    page.select_option("#f-district", "620104")
    wait_until(
        page,
        "document.querySelectorAll('#map-list a').length > 0 && "
        "Array.from(document.querySelectorAll('#map-list .badge')).every(b => b.textContent.startsWith('红'))",
    )
    listed = page.inner_text("#map-list")
    assert target.name in listed
    assert "兰州城关" not in listed
    page.screenshot(path=str(ARTIFACTS / "e2e-risk-map-red-xigu.png"), full_page=True)
    page.click(f"#map-list a[data-enterprise='{target.pk}']")
    page.wait_for_selector("#enterprise-card #hazard-units a")
    card = page.inner_text("#enterprise-card")
    assert target.name in card and "红色" in card and "重大危险源" in card
    page.screenshot(path=str(ARTIFACTS / "e2e-risk-card.png"), full_page=True)
    page.click("#enterprise-card #hazard-units a >> nth=0")
    page.wait_for_selector("#unit-working")
    working = page.inner_text("main")
    assert "S = Σq/Q" in working and "R = α·Σβ·q/Q" in working and "级" in working
    assert "表1" in page.inner_text("#unit-working")
    page.screenshot(path=str(ARTIFACTS / "e2e-risk-unit-working.png"), full_page=True)
    external = [u for u in page.external_requests if not u.startswith(live_server.url)]
    assert not external, external


@pytest.mark.django_db(transaction=True)
def test_the_map_opens_on_the_county_and_shows_every_district(
    reference_data, live_server, browser_page
):
    """Issue #12: a county user's map opens on their county; 兰州新区 is drawn with an
    approximate outline, 高新区 is in the table, every visible enterprise is counted; the
    district names do not overlap (hideOverlap). Screenshot: docs/screenshots/risk-map-xigu.png."""
    from pathlib import Path

    from yingji.enterprises.selectors import visible_enterprises
    from yingji.geo.models import Region

    page = browser_page
    login(page, live_server.url, "xigu_staff")
    page.goto(f"{live_server.url}/risk/map/")
    page.wait_for_selector("#risk-map[data-loaded] canvas")
    wait_until(page, "document.querySelectorAll('#district-table tbody tr').length > 0")
    rows = page.eval_on_selector_all(
        "#district-table tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))",
    )
    names = [r[0] for r in rows]
    assert "兰州新区(示意范围)" in names and any(n.startswith("高新区") for n in names)
    assert "西固区" in names
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="xigu_staff")
    assert sum(int(r[6]) for r in rows) == visible_enterprises(user).count()
    option = page.evaluate(
        "() => { const g = window.yjRiskMap.chart.getOption().geo[0];"
        " return {center: g.center, zoom: g.zoom, labels: window.yjRiskMap.chart.getOption()"
        ".series.find(s => s.name === 'labels').labelLayout}; }"
    )
    from shapely.geometry import shape

    xigu = shape(Region.objects.get(code="620104").geometry)
    west, south, east, north = xigu.bounds
    assert west <= option["center"][0] <= east and south <= option["center"][1] <= north
    assert option["zoom"] > 1 and option["labels"]["hideOverlap"] is True
    page.wait_for_timeout(500)  # the animation of the first frame
    shot = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "risk-map-xigu.png"
    page.screenshot(path=str(shot), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-risk-map-xigu.png"), full_page=True)
