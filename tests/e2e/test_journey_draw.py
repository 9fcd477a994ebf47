"""Journey (issue #19), the draw → inspection half: 双随机抽取 by the city bureau → 公开结果 →
安排检查 from the drawn target in one action (the drawn officers become the inspection's team) →
the inspection's 执法记录 page shows the two certified officers → a 执法记录仪 video (.mp4) is
uploaded with the officer who recorded it → the checklist with one 不符合 item and its finding →
完成 (offered because two certified officers are named) → 责令限期整改指令书 (.docx) → 复查
合格 closes it. The case half is tests/e2e/test_journey_penalty.py."""

import datetime as dt

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

    # the on-site record: one 不符合 item with its finding, then 完成 (the team is certified)
    inspection = result.inspection
    page.goto(f"{base}{inspection.get_absolute_url()}")
    selects = page.locator("#checklist select")
    failed = selects.first.get_attribute("name").removeprefix("result_")
    for i in range(selects.count()):
        selects.nth(i).select_option("fail" if i == 0 else "ok")
    page.fill("#checklist [name=summary]", "双随机抽查:储罐区可燃气体报警器超期未检定。")
    _submit(page, "#checklist button")
    page.click("summary:has-text('登记发现的问题')")
    page.select_option("#finding-form [name=item_code]", failed)
    page.fill("#finding-form [name=description]", "罐区可燃气体检测报警器超期未检定")
    _submit(page, "#finding-form button")
    assert page.locator("#complete-blocked").count() == 0
    _submit(page, "button:has-text('完成检查记录')")
    assert page.inner_text("#inspection-state") == "已完成"

    # 责令限期整改指令书 on the findings, the 复查 scheduled after the deadline, then 合格
    from django.utils import timezone

    from yingji.enforcement.models import RectificationOrder

    deadline = timezone.localdate() + dt.timedelta(days=10)
    page.goto(f"{base}/enforcement/inspections/{inspection.pk}/")
    page.fill("#f-dl", deadline.isoformat())
    _submit(page, "button:has-text('下达指令书')")
    order = RectificationOrder.objects.get(inspection_id=inspection.pk)
    assert order.number in page.inner_text("#orders")
    assert order.reinspection.due_from == deadline + dt.timedelta(days=1)
    with page.expect_download() as download:
        page.click(f"#o{order.pk} a:has-text('下载指令书')")
    assert download.value.suggested_filename.endswith(".docx")
    form = page.locator(f"form[action$='/orders/{order.pk}/reinspect/']")
    form.locator("[name=officer_ids]").select_option([str(o.pk) for o in result.officers.all()])
    form.locator("[name=opinion]").fill("现场复查:报警器已检定合格,整改完成。")
    _submit(page, f"form[action$='/orders/{order.pk}/reinspect/'] button")
    order.refresh_from_db()
    assert order.state == "closed" and "已销案" in page.inner_text("#orders")
    page.screenshot(path=str(SCREENSHOTS / "enforcement-order-reinspected.png"), full_page=True)
    assert not [u for u in page.external_requests if not u.startswith(base)]
