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
        "document.querySelectorAll('.yj-case-chart[data-loaded]').length === 6",
    )
    page.screenshot(path=str(SHOTS / "cases-analysis.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_staff_imports_a_pdf_report_and_the_case_keeps_it(
    reference_data, live_server, browser_page, tmp_path
):
    """The staff member uploads a .pdf investigation report, checks the proposed fields (the
    direct and the indirect cause from the report's headings), saves, and downloads the report
    from the case page; an enterprise user reads the case and downloads it too."""
    from yingji.cases.models import Case
    from yingji.core.tests.pdfs import cjk_pdf

    page, base = browser_page, live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    report = cjk_pdf(
        [
            [
                "兰州某建材有限公司“9·3”机械伤害事故调查报告",
                "2025年9月3日14时许,该公司破碎车间发生一起机械伤害事故,造成1人死亡。",
                "一、事故发生经过",
                "清理皮带机托辊时未停机,作业人员被卷入。",
                "二、事故原因",
                "(一)直接原因",
                "作业人员未停机清理运转中的皮带机。",
                "(二)间接原因",
                "企业安全操作规程不落实,现场安全员未履行监护职责。",
            ]
        ]
    )
    path = tmp_path / "9·3调查报告.pdf"
    path.write_bytes(report)
    login(page, base, "zhxt_staff")
    page.goto(f"{base}/cases/import-report/")
    page.set_input_files("input[name=file]", str(path))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#proposal").count() == 1
    assert page.input_value("#f-date") == "2025-09-03"
    assert page.input_value("#f-d") == "1"
    assert page.input_value("#f-c") == "作业人员未停机清理运转中的皮带机。"
    assert page.input_value("#f-ci").startswith("企业安全操作规程不落实")
    page.fill("#f-code", "E2E-PDF-1")
    page.select_option("#f-ind", "building_materials")
    page.select_option("#f-type", "machinery")
    page.screenshot(path=str(SHOTS / "cases-pdf-review.png"), full_page=True)
    page.click("form.row button[type=submit]")
    page.wait_for_load_state("networkidle")
    case = Case.objects.get(code="E2E-PDF-1")
    assert page.url.endswith(case.get_absolute_url())
    assert page.locator("#indirect-causes").inner_text().startswith("企业安全操作规程不落实")
    link = page.locator("#source-document a")
    assert link.inner_text().strip() == "9·3调查报告.pdf"
    page.screenshot(path=str(SHOTS / "cases-pdf-case.png"), full_page=True)
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == "9·3调查报告.pdf"
    assert Path(info.value.path()).read_bytes() == report

    page.context.clear_cookies()
    login(page, base, "ent_user")
    page.goto(f"{base}{case.get_absolute_url()}")
    assert page.locator("#source-upload").count() == 0  # enterprises read, never upload
    with page.expect_download() as info:
        page.locator("#source-document a").click()
    assert Path(info.value.path()).read_bytes() == report
