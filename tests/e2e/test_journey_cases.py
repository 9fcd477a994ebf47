"""Journey (issue #18, case library): a staff member of the 安全生产综合协调科 opens the case
library, searches 「受限空间 中毒」 (jieba full text: both words must occur), sees the hits
marked, narrows to 危险化学品, opens a case, reads its similar cases with why they are similar
and follows the first; then the analysis page draws its charts."""

import os
from pathlib import Path

import pytest

from .conftest import login, wait_until

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("YINGJI_SHOTS", "/tmp/shots-cases"))


@pytest.mark.django_db(transaction=True)
def test_staff_search_open_case_and_similar(reference_data, live_server, browser_page):
    from yingji.cases.models import Case

    page, base = browser_page, live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 900})
    login(page, base, "zhxt_staff")
    page.click("a.nav-link[href='/cases/']")
    page.fill("#f-q", "受限空间 中毒")
    page.click("#list-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.yj-list tbody tr")
    titles = [
        t.strip() for t in page.locator("table.yj-list tbody tr td:nth-child(2)").all_inner_texts()
    ]
    expected = {
        c.title
        for c in Case.objects.filter(search_text__contains="受限")
        if {"受限", "空间", "中毒"} <= set(c.search_text.split())
    }
    assert rows.count() == len(expected) >= 1 and set(titles) == expected
    assert page.locator("table.yj-list mark").count() >= len(expected)
    page.screenshot(path=str(SHOTS / "cases-search.png"), full_page=True)

    page.select_option("#f-industry", "hazchem")
    page.click("#list-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "industry=hazchem" in page.url and "q=" in page.url
    first = page.locator("table.yj-list tbody tr td:nth-child(2) a").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith(title)
    similar = page.locator("#similar tbody tr")
    assert similar.count() >= 1
    reasons = page.locator("#similar tbody tr td:nth-child(5)").first.inner_text()
    assert "文字相似度" in reasons
    page.screenshot(path=str(SHOTS / "cases-case.png"), full_page=True)
    target = page.locator("#similar tbody tr td:nth-child(1) a").first
    target_title = target.inner_text()
    target.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith(target_title)

    page.goto(f"{base}/cases/analysis/")
    wait_until(
        page,
        "document.querySelectorAll('.yj-case-chart[data-loaded]').length === 5",
    )
    page.screenshot(path=str(SHOTS / "cases-analysis.png"), full_page=True)
