"""Journeys (issue #12): each persona starts at its 工作台, opens its first "waiting for me" item
and takes it to done through the pages, never meeting a 403 or a button it may not use; the
figure it started from then counts one fewer. Screenshots: docs/screenshots/done-<persona>.png.

- whk_staff (危化科) reports its open task as 已完成; zhxt_staff (安全生产综合协调科), whose
  待审核 figure holds it, accepts it; whk_staff's 未完成 figure drops by one;
- city_admin accepts the first report waiting for review;
- ent_user submits the rectification of the hazard it is rectifying, with a photo; xigu_staff
  then verifies it from its own 待验收 figure and closes it;
- leader (read-only) opens a figure and a record and is offered no action at all.
The duty officer's alarm journey is yingji/monitoring/tests/test_e2e_duty_board.py (issue #13).
"""

import re
from pathlib import Path

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def figure(page, base, label):
    """The count of the 工作台 figure with this label, and its link."""
    page.goto(f"{base}/")
    item = page.locator("li.list-group-item").filter(has=page.get_by_text(label, exact=True))
    link = item.locator("a.yj-count").first
    return int(link.get_attribute("data-count")), link


def open_figure(page, base, label):
    count, link = figure(page, base, label)
    assert count > 0, label
    with page.expect_navigation() as nav:
        link.click()
    assert nav.value.status == 200, page.url
    return count


def open_first_row(page):
    with page.expect_navigation() as nav:
        page.locator("main table tbody tr a").first.click()
    assert nav.value.status == 200, page.url


def switch(page, base, username):
    page.context.clear_cookies()
    login(page, base, username)


def screenshot(page, username):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"done-{username}.png"), full_page=False)


def accept_first_pending(page):
    form = page.locator("form:has(button[name=decision][value=accept])").first
    form.locator("button[name=decision][value=accept]").click()
    page.wait_for_load_state("networkidle")
    assert "已采纳该报告" in page.inner_text("main")


@pytest.mark.django_db(transaction=True)
def test_each_persona_takes_its_first_waiting_item_to_done(
    reference_data, live_server, browser_page, tmp_path
):
    page, base = browser_page, live_server.url
    statuses = []
    page.on("response", lambda r: statuses.append((r.status, r.url)))

    # whk_staff reports its open task done
    login(page, base, "whk_staff")
    open_tasks = open_figure(page, base, "本单位未完成的任务")
    open_first_row(page)
    form = page.locator("form[id^=report-form-]").first
    form.locator("select[name=cycle_id] option").last.wait_for(state="attached")
    last_cycle = form.locator("select[name=cycle_id] option").last.get_attribute("value")
    form.locator("select[name=cycle_id]").select_option(last_cycle)
    form.locator("select[name=reported_status]").select_option("done")
    form.locator("input[name=percent]").fill("100")
    form.locator("textarea[name=narrative]").fill("专项检查全部完成,问题已整改闭环。")
    form.locator("button").last.click()
    page.wait_for_load_state("networkidle")
    assert "已报送进展" in page.inner_text("main")
    task_url = page.url
    screenshot(page, "whk_staff")

    # zhxt_staff finds it among the reports to review and accepts it
    switch(page, base, "zhxt_staff")
    waiting, _ = figure(page, base, "有进展报告待我审核的任务")
    page.goto(task_url)
    accept_first_pending(page)
    screenshot(page, "zhxt_staff")
    assert figure(page, base, "有进展报告待我审核的任务")[0] == waiting - 1

    switch(page, base, "whk_staff")
    assert figure(page, base, "本单位未完成的任务")[0] == open_tasks - 1

    # city_admin accepts the first report waiting for review
    switch(page, base, "city_admin")
    waiting = open_figure(page, base, "有进展报告待我审核的任务")
    open_first_row(page)
    accept_first_pending(page)
    screenshot(page, "city_admin")
    assert figure(page, base, "有进展报告待我审核的任务")[0] == waiting - 1

    # ent_user submits its rectification; xigu_staff verifies and closes it
    switch(page, base, "ent_user")
    rectifying = open_figure(page, base, "待整改的隐患")
    open_first_row(page)
    assert page.locator("#grade-form, #verify-form").count() == 0
    photo = tmp_path / "整改后.png"
    photo.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
            "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
        )
    )
    page.fill("#submit-form textarea[name=rectification]", "已更换应急照明灯和疏散指示标志")
    page.set_input_files("#submit-form input[name=evidence]", str(photo))
    page.click("#submit-form button")
    page.wait_for_load_state("networkidle")
    assert "待验收" in page.inner_text("#hazard-state")
    hazard_url = page.url
    screenshot(page, "ent_user")
    assert figure(page, base, "待整改的隐患")[0] == rectifying - 1

    switch(page, base, "xigu_staff")
    to_verify = open_figure(page, base, "待验收销号的隐患")
    assert page.locator(f"main table a[href$='{hazard_url[len(base) :]}']").count() == 1
    page.goto(hazard_url)
    page.fill("#verify-form textarea[name=opinion]", "现场核查整改到位,同意销号。")
    page.click("#verify-form button[name=passed][value=true]")
    page.wait_for_load_state("networkidle")
    assert "已销号" in page.inner_text("#hazard-state")
    screenshot(page, "xigu_staff")
    assert figure(page, base, "待验收销号的隐患")[0] == to_verify - 1

    # the read-only leader opens a figure and a record, and is offered nothing to do
    switch(page, base, "leader")
    open_figure(page, base, "逾期(含滞后)")
    open_first_row(page)
    posts = page.locator("main form[method=post]")
    assert posts.count() == 0, [posts.nth(i).get_attribute("action") for i in range(posts.count())]
    screenshot(page, "leader")

    refused = [(s, u) for s, u in statuses if s in (403, 404, 500) and u.startswith(base)]
    assert not refused, refused
    assert not re.search(r"您无权", page.inner_text("body"))
