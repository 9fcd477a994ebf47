"""Journey (issue #14): a monitoring alarm → 起草预警 from it (section staff) → submitted → a
second person holding the approval right approves → the duty officer releases → the CAP XML
downloads and reads back as CAP 1.2 (with the polygon drawn on the form's map) → 西固区应急局 signs for it (签收) → the coverage on the
warning page counts it → an enterprise opens its personal signed link without logging in, 签收
and 报告已落实 → the coverage counts both; a forged link gets its refusal page."""

import pytest

from .conftest import ARTIFACTS, login, wait_until

pytestmark = pytest.mark.e2e
SCREENSHOTS = ARTIFACTS.parent / "docs" / "screenshots"


def _as(page, base, username):
    page.context.clear_cookies()
    login(page, base, username)


@pytest.mark.django_db(transaction=True)
def test_alarm_to_released_warning_to_acknowledgement(
    reference_data, live_server, browser_page, settings
):
    from yingji.monitoring.models import Alarm
    from yingji.standards import cap
    from yingji.warnings.models import Acknowledgement, Warning

    alarm = (
        Alarm.objects.exclude(state="cleared")
        .filter(station__region__code="620104")
        .order_by("pk")
        .first()
    ) or Alarm.objects.exclude(state="cleared").order_by("pk").first()
    assert alarm is not None, "the monitoring demo leaves active alarms"
    page, base = browser_page, live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    _as(page, base, "whk_staff")
    page.goto(f"{base}/warnings/from-alarms/")
    page.check(f"input[name=alarm][value='{alarm.pk}']")
    page.click("#draft-from-alarms")
    page.wait_for_load_state("networkidle")
    assert alarm.station.name in page.input_value("#f-description")
    wait_until(page, "document.getElementById('f-instruction').value.length > 0")  # 防御指南模板
    page.fill("#f-headline", "浏览器旅程测试预警")
    page.fill("#f-consult_organisations", "市气象局、市水务局")
    page.fill("#f-consult_decision", "同意发布。")
    # 绘制范围: four clicks around the map's centre (inside 兰州), the ring closes itself
    wait_until(page, "document.getElementById('polygon-map').dataset.loaded === '1'")
    box = page.locator("#polygon-map").bounding_box()
    cx, cy = box["width"] / 2, box["height"] / 2
    for dx, dy in ((-40, -30), (40, -30), (40, 30), (-40, 30)):
        page.click("#polygon-map", position={"x": cx + dx, "y": cy + dy})
    wait_until(page, "document.getElementById('polygon-map').dataset.vertices === '4'")
    ring = page.input_value("#f-polygon").split()
    assert len(ring) == 5 and ring[0] == ring[-1]
    # 接收对象: the group of the four supervision sections besides the area's recipients
    page.select_option("#f-recipient_groups", ["各监管科室"])
    page.locator("#polygon-fieldset").screenshot(path=str(SCREENSHOTS / "warnings-polygon.png"))
    page.click("#save-draft")
    page.wait_for_load_state("networkidle")
    warning = Warning.objects.get(headline="浏览器旅程测试预警")
    assert warning.source_alarms == [alarm.pk]
    assert len(warning.polygon["coordinates"][0]) == 5
    assert "分组:各监管科室" in page.inner_text("#recipient-preview")
    page.click("text=提交审批")
    page.wait_for_load_state("networkidle")
    assert "审批同意" not in page.inner_text("main")  # never one's own

    _as(page, base, "zhxt_staff")
    page.goto(f"{base}/warnings/{warning.pk}/")
    page.click("text=审批同意")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#warning-state") == "已批准"
    assert "发布时将发送给" in page.inner_text("#recipient-preview")  # open once approved
    page.locator("#recipient-preview").screenshot(
        path=str(SCREENSHOTS / "warnings-recipient-preview.png")
    )

    # a 企业微信 robot that does not answer (nothing listens on the discard port): its
    # delivery fails and shows on the warning
    settings.WARNINGS_WECOM_WEBHOOKS = "http://127.0.0.1:9/cgi-bin/webhook/send?key=K"
    settings.WARNINGS_DELIVERY_ATTEMPTS = 1
    _as(page, base, "duty")
    page.goto(f"{base}/warnings/{warning.pk}/")
    assert "钉钉群机器人 (未配置)" in page.inner_text("#actions")
    page.uncheck("input[name=channels][value=mqtt]")
    page.screenshot(path=str(SCREENSHOTS / "warnings-release-channels.png"), full_page=False)
    page.click("#release-button")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#warning-state") == "已发布"
    from yingji.core.jobs import run_job_inline
    from yingji.warnings.jobs import send_deliveries

    run_job_inline(send_deliveries, warning.pk)
    identifier = page.inner_text("#warning-identifier")
    assert cap.parse_identifier(identifier)["region"] in ("620100", "620104")
    with page.expect_download() as download:
        page.click("#cap-download")
    alert = cap.parse_alert(open(download.value.path(), "rb").read())
    assert alert["identifier"] == identifier and alert["msgType"] == "Alert"
    assert len(alert["info"][0]["areas"][0]["polygons"][0].split()) == 5
    assert Acknowledgement.objects.filter(warning=warning, organisation__code="LZYJJ-WHP").exists()

    _as(page, base, "xigu_staff")
    page.goto(f"{base}/warnings/inbox/")
    assert "浏览器旅程测试预警" in page.inner_text("#inbox")
    page.click("text=浏览器旅程测试预警")
    page.wait_for_load_state("networkidle")
    ack = Acknowledgement.objects.get(warning=warning, organisation__code="XGQ-YJJ")
    page.click(f"#ack-{ack.pk} button")
    page.wait_for_load_state("networkidle")
    wait_until(page, "document.getElementById('coverage').textContent.includes('已签收 1 个')")

    # an enterprise of the area, from the personal link its SMS carried (no login)
    from yingji.warnings.acklinks import make_token

    other = (
        Acknowledgement.objects.filter(warning=warning, state="pending")
        .exclude(organisation__code="XGQ-YJJ")
        .order_by("pk")
        .first()
    )
    page.context.clear_cookies()
    page.goto(f"{base}/warnings/ack/{make_token(other.pk)}/")
    assert other.organisation.name in page.inner_text("main")
    page.click("#link-acknowledge")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#ack-state-label") == "已签收"
    page.fill("#note", "已通知厂区人员撤离低洼地带 12 人")
    page.screenshot(path=str(SCREENSHOTS / "warnings-ack-link.png"), full_page=True)
    page.click("#link-done")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#ack-state-label") == "已落实"
    page.goto(f"{base}/warnings/ack/{make_token(other.pk)[:-2]}xx/")
    assert "签收链接无效" in page.inner_text("#link-refused")
    page.screenshot(path=str(SCREENSHOTS / "warnings-ack-link-refused.png"), full_page=True)

    _as(page, base, "duty")
    page.goto(f"{base}/warnings/{warning.pk}/")
    assert "已签收 2 个" in page.inner_text("#coverage")
    assert "已落实 1 个" in page.inner_text("#coverage")
    assert page.is_visible("#resend-button")  # others are still silent
    assert "企业微信群机器人" in page.inner_text("#failing")
    page.screenshot(path=str(SCREENSHOTS / "warnings-released.png"), full_page=False)
    external = [u for u in page.external_requests if not u.startswith(base)]
    assert not external, external
