"""Journey (issue #15): on a night shift the duty officer takes a call about a chemical leak at a
西固 demo enterprise (3 dead: graded 较大), submits the 首报; the 带班领导 starts a Ⅲ级 response; the
duty officer issues a task to the 危化科, whose staff sign and answer it; the leader ends the
response and the duty officer writes the 复盘 with one improvement action.
Screenshot: docs/screenshots/response-event.png.

And 信息发布 through one window (T35): the duty officer drafts a 辟谣 on the demo chlorine leak
(官网 + 短信); 政策法规科 reviews it; the 局领导 approves it; 政策法规科 releases it to both channels
at once; an anonymous visitor reads it on the public page, with no internal field.
Screenshots: docs/screenshots/response-release-*.png."""

from pathlib import Path

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e

SHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "response-event.png"


def _logout(page, base):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")


@pytest.mark.django_db(transaction=True)
def test_night_shift_intake_to_review(reference_data, live_server, browser_page):
    from yingji.response.models import CommandTask, Event

    page, base = browser_page, live_server.url
    login(page, base, "duty")
    page.goto(f"{base}/response/new/")
    page.fill("#f-title", "西固区化工企业氯气泄漏(旅程)")
    page.select_option("#f-type", "ACC-HAZ")
    page.fill("#f-place", "西固区某化工企业罐区")
    page.fill("#f-ent", "DEMO-ENT-620104-01")
    page.fill("#f-desc", "罐区管线泄漏,现场3人死亡。")
    page.fill("#f-deaths", "3")
    page.click("#intake-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "较大事故" in page.inner_text("h1")
    assert "电话快报省级" in page.inner_text("#clocks + table")
    page.click("#report-form-box summary")
    page.select_option("#f-kind", "first")
    page.fill("#f-content", "首报:3人死亡,泄漏已控制。")
    page.fill("#f-sign", "王建国")
    page.click("#report-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "首报" in page.inner_text("#reports + table")
    event_url = page.url
    event = Event.objects.get(title="西固区化工企业氯气泄漏(旅程)")
    assert event.grade == "larger" and event.reports.count() == 1

    _logout(page, base)
    login(page, base, "leader")
    page.goto(event_url)
    page.select_option("#f-action", "start")
    page.select_option("#f-level", "3")
    page.fill("#f-reason", "较大事故,启动Ⅲ级应急响应。")
    page.click("#level-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Ⅲ级应急响应" in page.inner_text("#response-badge")

    _logout(page, base)
    login(page, base, "duty")
    page.goto(event_url)
    page.click("text=下达指令")
    page.select_option("#f-assignee", "LZYJJ-WHP")
    page.fill("#f-deadline", "2099-01-01T08:00")
    page.fill("#f-task", "派员赶赴现场指导堵漏。")
    page.click("#task-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    task = CommandTask.objects.get(event=event)

    _logout(page, base)
    login(page, base, "whk_staff")
    page.goto(f"{base}/response/tasks/{task.pk}/")
    page.click("#sign-button")
    page.wait_for_load_state("networkidle")
    page.fill("#f-feedback", "已派员到场,泄漏点已封堵。")
    page.click("#feedback-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    task.refresh_from_db()
    assert task.state == "done"

    _logout(page, base)
    login(page, base, "leader")
    page.goto(event_url)
    page.select_option("#f-action", "end")
    page.fill("#f-reason", "险情消除,终止响应。")
    page.click("#level-form button[type=submit]")
    page.wait_for_load_state("networkidle")

    _logout(page, base)
    login(page, base, "duty")
    page.goto(event_url)
    page.fill("#f-findings", "接报至首报用时偏长。")
    page.fill("#f-a1", "修订危化品泄漏信息报送流程")
    page.select_option("#f-o1", "LZYJJ-WHP")
    page.fill("#f-d1", "2099-01-31")
    page.click("#review-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "修订危化品泄漏信息报送流程" in page.inner_text("main")
    timeline = page.inner_text("#event-timeline")
    assert "启动响应" in timeline and "反馈指令" in timeline and "终止响应" in timeline
    page.screenshot(path=str(SHOT), full_page=True)
    external = [u for u in page.external_requests if not u.startswith(base)]
    assert not external, external


SHOTS = SHOT.parent


@pytest.mark.django_db(transaction=True)
def test_information_release_through_one_window(reference_data, live_server, browser_page):
    from yingji.response.models import Event, Release

    page, base = browser_page, live_server.url
    event = Event.objects.get(title="西固区化工助剂企业储罐区氯气泄漏(演示)")
    login(page, base, "duty")
    page.goto(f"{base}/response/events/{event.pk}/#releases")
    assert "已发布" in page.inner_text("#release-list")  # the demo 首次发布
    page.click("#release-form-box summary")
    page.select_option("#r-kind", "rumour")
    page.check("#r-ch-sms")
    page.fill("#r-title", "关于网传“氯气泄漏致多人死亡”的辟谣(旅程)")
    page.fill(
        "#r-content", "网传<script>alert(1)</script>信息不实。截至目前,事故伤亡以官方通报为准。"
    )
    page.click("#release-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "待审核" in page.inner_text("#release-state")
    assert "<script>" in page.inner_text("#release-content")  # shown as text, not run
    release = Release.objects.get(title__endswith="(旅程)")
    assert release.channels == ["website", "sms"]
    release_url = page.url
    assert page.locator("#publish-button").count() == 0  # nothing goes out unapproved

    _logout(page, base)
    login(page, base, "zcfg_staff")
    page.goto(release_url)
    page.fill("#d-note", "表述准确,同意。")
    page.click("#review-pass")
    page.wait_for_load_state("networkidle")
    assert "待审批" in page.inner_text("#release-state")
    assert page.locator("#publish-button").count() == 0

    _logout(page, base)
    login(page, base, "leader")
    page.goto(release_url)
    page.screenshot(path=str(SHOTS / "response-release-approve.png"), full_page=True)
    page.click("#approve-pass")
    page.wait_for_load_state("networkidle")
    assert "待发布" in page.inner_text("#release-state")

    _logout(page, base)
    login(page, base, "zcfg_staff")
    page.goto(release_url)
    page.click("#publish-button")
    page.wait_for_load_state("networkidle")
    assert "已发布" in page.inner_text("#release-state")
    release.refresh_from_db()
    assert release.state == "released" and release.approved_by.username == "leader"
    page.screenshot(path=str(SHOTS / "response-release.png"), full_page=True)
    page.goto(f"{base}/response/events/{event.pk}/")
    page.locator("#releases").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "response-release-event.png"), full_page=False)

    _logout(page, base)
    page.goto(f"{base}/response/public/releases/")  # no login
    public = page.inner_text("main")
    assert "关于网传“氯气泄漏致多人死亡”的辟谣(旅程)" in public and "短信" in public
    assert event.number not in public and "值班员(演示)" not in public
    assert "疏散群众已陆续返回" not in public  # the 续发 waiting for approval is not public
    page.screenshot(path=str(SHOTS / "response-release-public.png"), full_page=True)
    external = [u for u in page.external_requests if not u.startswith(base)]
    assert not external, external
