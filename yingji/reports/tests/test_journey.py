"""Journey in Chromium (issue #18): the leader opens 研判简报, finds last week's issued weekly
brief (searching the archive by its number), reads it and downloads its Word file,
which opens in python-docx with the brief's number, its hazard figures and its charts.
Screenshot: test-artifacts/reports-leader-brief.png."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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
        context = browser.new_context(
            viewport={"width": 1300, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        page = context.new_page()
        violations = []
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        yield page
        browser.close()
        assert not violations, violations


@pytest.mark.django_db(transaction=True)
def test_the_leader_finds_reads_and_downloads_last_weeks_brief(reference_data, live_server, page):
    from docx import Document

    from yingji.reports.models import Brief

    brief = Brief.objects.filter(is_demo=True, kind="week", state="issued").latest("period_start")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", "Demo@2022")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/reports/?q={brief.number}")
    link = page.locator(f"a:has-text('{brief.title}')")
    assert link.count() == 1
    with page.expect_navigation():
        link.first.click()
    assert brief.number in page.inner_text("body")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "reports-leader-brief.png"), full_page=False)
    with page.expect_download() as info:
        page.click("#brief-word")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    hazards = next(s for s in brief.figures["sections"] if s["key"] == "hazards")
    new = next(m for m in hazards["metrics"] if m["key"] == "new")
    assert brief.number in text and f"本期新增隐患{new['value']}处" in text
    assert len(doc.inline_shapes) >= 1  # the charts are pictures
