"""Journey (issue #19), the draw → inspection half: 双随机抽取 by the city bureau → 公开结果 →
安排检查 from the drawn target in one action (the drawn officers become the inspection's team) →
the inspection's 执法记录 page shows the two certified officers → a 执法记录仪 video (.mp4) is
uploaded with the officer who recorded it."""

import pytest

from .conftest import ARTIFACTS, login

pytestmark = [pytest.mark.e2e]
SCREENSHOTS = ARTIFACTS.parent / "docs" / "screenshots"
MP4 = {
    "name": "执法记录仪-001.mp4",
    "mimeType": "video/mp4",
    "buffer": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 256,
}


def _submit(page, selector):
    page.click(selector)
    page.wait_for_load_state("networkidle")
    alerts = page.locator(".alert-danger")
    if alerts.count():
        page.screenshot(path=str(ARTIFACTS / "draw-refused.png"), full_page=True)
        raise AssertionError(f"{selector}: {alerts.first.inner_text()}")


@pytest.mark.django_db(transaction=True)
def test_draw_to_inspection_with_video(reference_data, live_server, browser_page):
    from yingji.enforcement.models import DrawResult, RandomDraw

    page, base = browser_page, live_server.url
    login(page, base, "whk_staff")
    page.goto(f"{base}/enforcement/draws/new/")
    page.fill("#f-name", "浏览器旅程:危化企业双随机抽查")
    page.fill("#f-n", "1")
    page.fill("#f-p", "2")
    page.fill("#f-seed", "20261130")
    _submit(page, "form.row button[type=submit]")
    draw = RandomDraw.objects.get(campaign_name="浏览器旅程:危化企业双随机抽查")
    assert "20261130" in page.inner_text("#seed")
    _submit(page, "text=公开结果")
    result = DrawResult.objects.get(draw=draw)
    drawn = sorted(o.name for o in result.officers.all())
    _submit(page, f"#inspect-r{result.pk} button")
    result.refresh_from_db()
    assert result.inspection_id is not None
    page.goto(f"{base}/enforcement/draws/{draw.pk}/")
    assert result.inspection.number in page.inner_text("#results")
    page.screenshot(path=str(SCREENSHOTS / "enforcement-draw-inspection.png"), full_page=True)

    page.goto(f"{base}/enforcement/inspections/{result.inspection_id}/")
    team = page.inner_text("#team")
    assert all(name in team for name in drawn) and len(drawn) == 2
    page.select_option("#f-kind", "video")
    page.set_input_files("#f-file", MP4)
    page.fill("#f-desc", "储罐区现场检查全过程")
    _submit(page, "#recording-form button")
    assert "执法记录仪-001.mp4" in page.inner_text("#recordings")
    page.screenshot(path=str(SCREENSHOTS / "enforcement-inspection-video.png"), full_page=True)
    assert not [u for u in page.external_requests if not u.startswith(base)]
