"""Journey (issue #5): a 西固区 inspector records an inspection with a finding → the finding
becomes a hazard in one step → the enterprise's safety officer rectifies it on the spot with a
photo → a different 西固区 regulator verifies and closes it (销号) → the hazard's timeline and
history show every step, and the enterprise could not have verified it itself."""

import pytest

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
    b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
    b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)
FINDING = "二号储罐区可燃气体检测报警器故障未修复"


def switch_user(page, base_url, username):
    page.context.clear_cookies()
    login(page, base_url, username)


@pytest.mark.django_db(transaction=True)
def test_inspection_finding_hazard_rectify_verify_close(
    reference_data, live_server, browser_page, tmp_path
):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yingji.core.context import actor_context
    from yingji.enterprises.models import Enterprise
    from yingji.hazards.models import Hazard
    from yingji.inspections.models import Inspection
    from yingji.orgs.models import Membership, Organisation

    base, page = live_server.url, browser_page
    enterprise = Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")
    # a second 西固区 regulator, so that the verifier is not the inspector
    with actor_context(None, source="test", label="setup"):
        second = get_user_model().objects.create_user(
            "xigu_chief", password="Demo@2022", first_name="西固区应急局股长"
        )
        Membership.objects.create(
            user=second, organisation=Organisation.objects.get(code="XGQ-YJJ"), role="county_staff"
        )
    photo = tmp_path / "整改后.png"
    photo.write_bytes(PNG)

    # 1. the inspector schedules and records the inspection with a finding
    login(page, base, "xigu_staff")
    page.goto(f"{base}/inspections/new/")
    form = "#inspection-form"
    page.select_option(f"{form} select[name=enterprise]", str(enterprise.pk))
    page.fill(f"{form} input[name=inspected_on]", timezone.localdate().isoformat())
    page.fill(f"{form} input[name=participants]", "王强、李明")
    page.click(f"{form} button")
    page.wait_for_load_state("networkidle")
    if page.locator("#overlap-warning").count():  # another bureau inspected it recently
        page.fill(f"{form} input[name=reason]", "群众举报后的专项复查")
        page.click(f"{form} button")
        page.wait_for_load_state("networkidle")
    inspection = Inspection.objects.filter(enterprise=enterprise).order_by("-pk").first()
    assert page.url.endswith(inspection.get_absolute_url())
    page.click("text=登记发现的问题")
    page.fill("#finding-form textarea[name=description]", FINDING)
    page.select_option("#finding-form select[name=category]", "equipment")
    page.click("#finding-form button")
    page.wait_for_load_state("networkidle")
    assert FINDING in page.inner_text("main")
    page.click("text=登记为隐患")
    page.wait_for_load_state("networkidle")
    hazard = Hazard.objects.get(enterprise=enterprise, description__contains="可燃气体检测报警器")
    assert hazard.source == "enforcement" and hazard.state == "registered"
    page.screenshot(path=str(ARTIFACTS / "e2e-hazard-inspection.png"), full_page=True)

    # 2. the enterprise sees its hazard and rectifies it on the spot with a photo
    switch_user(page, base, "ent_user")
    page.goto(f"{base}{hazard.get_absolute_url()}")
    assert FINDING in page.inner_text("main")
    # 16号令 (issue #19): the enterprise may grade its own newly registered hazard
    assert page.locator("#grade-form").count() == 1
    page.fill("#spot-form textarea[name=rectification]", "已更换报警探头并由第三方检测合格")
    page.set_input_files("#spot-form input[name=evidence]", str(photo))
    page.click("#spot-form button")
    page.wait_for_load_state("networkidle")
    assert "待验收" in page.inner_text("#hazard-state")
    assert page.locator("#verify-form").count() == 0  # nor verifies its own work

    # 3. a different regulator verifies and closes it
    switch_user(page, base, "xigu_chief")
    page.goto(f"{base}{hazard.get_absolute_url()}")
    page.fill("#verify-form textarea[name=opinion]", "现场复核报警器运行正常,同意销号。")
    page.click("#verify-form button[name=passed][value=true]")
    page.wait_for_load_state("networkidle")
    assert "已销号" in page.inner_text("#hazard-state")

    # 4. the timeline and the history show every step, with who did it
    timeline = page.inner_text("#hazard-timeline")
    for step in ("登记", "立即整改", "验收销号"):
        assert step in timeline, (step, timeline)
    assert "ent_user" in timeline or "企业安全员" in timeline
    assert "西固区应急局股长" in timeline or "xigu_chief" in timeline
    page.screenshot(path=str(ARTIFACTS / "e2e-hazard-closed.png"), full_page=True)
    hazard.refresh_from_db()
    assert hazard.state == "closed" and hazard.rectified_by.username == "ent_user"
    assert hazard.verified_by.username == "xigu_chief"
    assert hazard.findings.get().inspection == inspection
    external = [u for u in page.external_requests if not u.startswith(base)]
    assert not external, external
