"""Journey (issue #17): a village 灾害信息员 files a 首报 on the phone-sized page (mobile
viewport); the county (西固区) confirms it; the city opens the process, sees the roll-up with
the county that has not reported, and draws an earthquake estimate on the map."""

import pytest

from .conftest import login, wait_until

pytestmark = pytest.mark.e2e

SHOTS = "docs/screenshots"
TMP = "/tmp/shots-disasters"


def _officer_account():
    from django.contrib.auth import get_user_model

    from yingji.core.context import actor_context
    from yingji.disasters.schemas import OfficerIn
    from yingji.disasters.services import do_register_officer

    User = get_user_model()
    user = User(username="xxy_shangche", first_name="上车村信息员(测试)")
    user.set_password("Demo@2022")
    city = User.objects.get(username="whk_staff")
    with actor_context(city, source="test"):
        user.save()
        do_register_officer(
            actor=city,
            data=OfficerIn(
                name="上车村B岗",
                phone="13909319999",
                region="620104103202",
                role="B",
                username=user.username,
            ),
        )


@pytest.mark.django_db(transaction=True)
def test_first_report_to_roll_up_and_quake_map(reference_data, live_server, browser_page):
    from pathlib import Path

    from yingji.disasters.models import LossReport

    root = Path(__file__).resolve().parents[2]
    Path(TMP).mkdir(parents=True, exist_ok=True)
    _officer_account()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "xxy_shangche")
    page.goto(f"{live_server.url}/disasters/quick/")
    assert "上车村" in page.inner_text("#q-region")
    page.fill("#q-summary", "沟道山洪冲毁村道约200米,一户院墙倒塌,已转移12人。")
    page.fill("#q-affected", "60")
    page.fill("#q-relocated", "12")
    # a weak connection: the page is reloaded (or the phone drops it) and the draft comes back
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.input_value("#q-affected") == "60" and "沟道山洪" in page.input_value("#q-summary")
    assert "已恢复本机保存的草稿" in page.inner_text("#quick-draft-note")
    page.screenshot(path=str(root / SHOTS / "disasters-quick-report-phone.png"), full_page=True)
    page.click("#quick-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "首报已报送" in page.inner_text("main")
    report = LossReport.objects.get(region__code="620104103202", kind="initial")
    assert report.source == "officer" and report.figures["relocated"] == 12

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1400, "height": 900})
    login(page, live_server.url, "xigu_staff")
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    page.click("text=审核通过")
    page.wait_for_load_state("networkidle")
    assert "已审核" in page.inner_text("main")

    page.context.clear_cookies()
    login(page, live_server.url, "whk_staff")
    page.goto(f"{live_server.url}{report.process.get_absolute_url()}")
    table = page.inner_text("#rollup")
    assert "七里河区" in table and "未报" in table and "迟报" in table
    page.screenshot(path=str(root / SHOTS / "disasters-rollup.png"), full_page=True)
    # 城关's 续报 with its 死亡失踪人员名单 (the city sees the ID number in full)
    followup = LossReport.objects.get(region__code="620102", kind="followup")
    page.goto(f"{live_server.url}{followup.get_absolute_url()}")
    assert "刘秀英" in page.inner_text("#casualties")
    page.screenshot(path=str(root / SHOTS / "disasters-report-casualties.png"), full_page=True)

    page.goto(f"{live_server.url}/disasters/quake/?lon=104.11&lat=35.85&magnitude=6.0&depth=10")
    assert "榆中县" in page.inner_text("#quake-result")
    wait_until(page, "document.querySelector('#quake-map canvas') !== null")
    page.wait_for_timeout(800)  # let ECharts finish its first frame for the screenshot
    page.screenshot(path=str(root / SHOTS / "disasters-quake.png"), full_page=True)
    # kept as a record: exposure, suggested level, isoseismal outlines; then an event in 应急响应
    assert "建议响应" in page.inner_text("#quake-suggestion")
    page.fill("#f-place", "榆中县附近")
    page.click("#quake-save button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已保存烈度估算" in page.inner_text("main")
    assert "408,187" in page.inner_text("#quake-exposure")
    wait_until(page, "Number(document.querySelector('#quake-map').dataset.outlines || 0) > 0")
    page.wait_for_timeout(800)
    page.screenshot(path=f"{TMP}/quake-record.png", full_page=True)
    page.click("#quake-start button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已在应急响应中接报地震事件" in page.inner_text("main")
    number = page.inner_text("#quake-event").split()[0]
    assert number.startswith("SJ-")
    # the process's confirmed figures go out through the one-window release of that event
    page.goto(f"{live_server.url}{report.process.get_absolute_url()}")
    page.fill("#f-event", number)
    page.click("#link-event button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert number in page.inner_text("#process-event")
    page.click("#draft-release button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已起草灾情信息发布稿" in page.inner_text("main")
    page.screenshot(path=f"{TMP}/release-draft.png", full_page=True)
    external = [u for u in page.external_requests if not u.startswith(live_server.url)]
    assert not external, external
