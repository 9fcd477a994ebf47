"""Journey (issue #17, T54): 西固区 registers a community's 申报 with its self-assessment; the
county's 初审 scores it and passes it; the city's 评审 names it and records a 10–12月 督查 visit;
the list (filtered by county) shows it named, and its county roll-up of townships opens."""

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e

SHOTS = "docs/screenshots"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def logout(page):
    page.context.clear_cookies()


@pytest.mark.django_db(transaction=True)
def test_apply_review_name_and_inspect(reference_data, live_server, browser_page):
    from pathlib import Path

    from yingji.disasters.models import CommunityInspection, DemoCommunity, DisasterProcess
    from yingji.standards import demo_community as dc

    root = Path(__file__).resolve().parents[2]
    page = browser_page
    base = live_server.url

    # 1. the county registers the application (西固东路社区, 市级)
    login(page, base, "xigu_staff")
    page.goto(f"{base}/disasters/communities/")
    page.click("#apply-community summary")
    page.fill("#f-region", "620104001003")
    page.select_option("#f-level", "city")
    page.fill("#f-contact", "西固东路社区 刘主任 13909311234")
    page.fill("#f-summary", "成立减灾领导小组,绘制社区灾害风险地图,每季度疏散演练。")
    for code in ("satisfaction", "no_major_accident", "plan_and_drill"):
        page.check(f"#a-cond-{code}")
    for element in dc.criteria()["elements"]:
        page.fill(f"#a-score-{element['code']}", str(element["max"] - 1))  # 92
    # each criterion claimed gets its evidence: a note, and for the plan a scanned file
    for code in ("satisfaction", "no_major_accident", "plan_and_drill"):
        page.fill(f"#a-ev-{code}", "满意度问卷汇总、近三年灾情台账、预案与演练记录")
    for element in dc.criteria()["elements"]:
        page.fill(f"#a-ev-{element['code']}", f"{element['label'][:4]}相关文件和照片")
    page.set_input_files(
        "#a-evf-plan_and_drill",
        files=[{"name": "演练记录.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.screenshot(path=str(root / SHOTS / "disasters-communities-apply.png"), full_page=True)
    page.click("#apply-community button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已登记示范社区申报" in page.inner_text("main")
    community = DemoCommunity.objects.get(region__code="620104001003")
    assert community.status == "applied" and community.self_total == 92

    # 2. the county's 初审 (its own scores, beside the community's evidence) passes it
    assert "演练记录.pdf" in page.inner_text("#community-checklist")
    assert "相关文件和照片" in page.inner_text("#county-review-evidence")
    page.fill("#c-opinion", "材料齐全,现场核查风险地图与演练记录相符。")
    page.fill("#c-score-education", "12")
    page.click("#county-review button[value=true]")
    page.wait_for_load_state("networkidle")
    assert "县区初审通过" in page.inner_text("#community-status")
    assert page.locator("#city-review").count() == 0  # the county cannot name

    # 3. the city names it and records a 督查 visit
    logout(page)
    login(page, base, "whk_staff")
    page.goto(f"{base}/disasters/communities/{community.pk}/")
    page.fill("#y-doc", "兰减委发〔2026〕12号")
    page.fill("#y-opinion", "审查验收合格,予以命名。")
    page.click("#city-review button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已命名" in page.inner_text("#community-status")
    page.click("#inspect summary")
    assert "演练记录.pdf" in page.inner_text("#inspect-evidence")  # checked on the visit
    page.fill("#i-who", "风险监测和综合减灾科 张伟")
    page.select_option("#i-result", "rectify")
    page.fill("#i-by", "2026-12-31")
    page.fill("#i-findings", "避难场所指示标识缺失1处。")
    page.fill("#i-date", "2026-11-28")
    page.click("#inspect button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "避难场所指示标识缺失1处" in page.inner_text("#community-inspections")
    page.screenshot(path=str(root / SHOTS / "disasters-community-named.png"), full_page=True)
    assert CommunityInspection.objects.filter(community=community, in_window=True).exists()

    # 4. the list by county, with the progress cards
    page.goto(f"{base}/disasters/communities/?county=620104")
    assert "西固东路社区" in page.inner_text("main")
    assert "张家园" not in page.inner_text("main")  # a 城关 community, filtered out
    page.screenshot(path=str(root / SHOTS / "disasters-communities-list.png"), full_page=True)

    # 5. a county's roll-up of its townships (the county user)
    logout(page)
    login(page, base, "xigu_staff")
    process = DisasterProcess.objects.get(name__endswith="暴雨山洪灾害(演示)")
    page.goto(f"{base}{process.get_absolute_url()}")
    page.click("a.county-rollup-link")
    page.wait_for_load_state("networkidle")
    assert "达川镇" in page.inner_text("#county-rollup")
    page.screenshot(path=str(root / SHOTS / "disasters-county-rollup.png"), full_page=True)
    assert not [u for u in page.external_requests if not u.startswith(base)]
