"""Journey in Chromium (issue #18): the enterprise files its plan → 西固区应急局 returns it with
reasons → the enterprise sees them and files again → 西固区 accepts it with a filing number.
Screenshot: test-artifacts/plans-filing-accepted.png (a copy in docs/screenshots/)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# like the other journeys, the run writes to test-artifacts/; docs/screenshots keeps a copy
SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def page(live_server):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1300, "height": 900}, locale="zh-CN")
        violations = []
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        yield page
        browser.close()
        assert not violations, violations


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Demo@2022")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


@pytest.mark.django_db(transaction=True)
def test_enterprise_files_county_returns_then_accepts(reference_data, live_server, page):
    from yingji.plans.models import Plan

    plan = Plan.objects.get(code="DEMO-QY-620104-01-HZ")  # returned in the demo
    url = f"{live_server.url}{plan.get_absolute_url()}"
    _login(page, live_server.url, "ent_user")
    page.goto(url)
    assert "已退回" in page.inner_text("#filing-state")
    page.fill("input[name=note]", "已补充岗位人员职责")
    _submit(page, "button:has-text('报送备案')")
    assert "已报送待审" in page.inner_text("#filing-state")
    assert page.locator("button:has-text('予以备案')").count() == 0  # not the filer's to decide

    _login(page, live_server.url, "xigu_staff")
    page.goto(url)
    # the checklist: every material present but the resource survey; the return names it
    for key in ("application", "review_opinion", "document", "risk_assessment"):
        page.check(f"#ck-{key}")
    page.fill("input[name=comment]", "应急物资清单未更新")
    _submit(page, "button:has-text('退回')")
    assert "已退回" in page.inner_text("#filing-state")

    _login(page, live_server.url, "ent_user")
    page.goto(url)
    filings = page.inner_text("#filings")
    assert "材料不齐:缺应急资源调查清单。应急物资清单未更新" in filings
    _submit(page, "button:has-text('报送备案')")

    _login(page, live_server.url, "xigu_staff")
    page.goto(url)
    _submit(page, "button:has-text('予以备案')")  # nothing ticked: refused, with the reason
    assert "材料不齐,不能予以备案" in page.content()
    assert "已报送待审" in page.inner_text("#filing-state")
    for box in page.locator("#filing-checklist input[type=checkbox]").all():
        box.check()
    _submit(page, "button:has-text('予以备案')")
    state = page.inner_text("#filing-state")
    assert "已备案" in state and "兰应急预备〔" in state
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "plans-filing-accepted.png"), full_page=True)
    plan.refresh_from_db()
    assert plan.filing_state == "accepted"
    assert [f.state for f in plan.filings.order_by("pk")][-3:] == [
        "returned",
        "returned",
        "accepted",
    ]
