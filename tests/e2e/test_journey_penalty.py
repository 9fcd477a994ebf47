"""Journey (issue #19): 立案 with two certified officers → 调查取证 with evidence (a 执法记录仪
video recorded by one of the case's officers, played on the page) → 案件审理 (a
重大 case: 案情疑难复杂) → 事先告知 → 陈述申辩 → 法制审核 by 政策法规科 → 集体讨论 → 决定 (决定书
.docx) → 送达 with the proof uploaded → 执行 → 结案 → 公示; the public page (no login) shows
the decision."""

import pytest

from .conftest import ARTIFACTS, login

pytestmark = [
    pytest.mark.e2e,
]
SCREENSHOTS = ARTIFACTS.parent / "docs" / "screenshots"
PDF = {"name": "送达回证.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% proof\n"}
MP4 = {
    "name": "执法记录仪-案件.mp4",
    "mimeType": "video/mp4",
    "buffer": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 256,
}


def _as(page, base, username):
    page.context.clear_cookies()
    login(page, base, username)


def _submit(page, form_id, button=None):
    page.click(f"#{form_id} button" if button is None else button)
    page.wait_for_load_state("networkidle")
    _no_refusal(page, form_id)


def _no_refusal(page, step):
    """A refused step shows its reason in a red alert: fail there, with the reason, rather than
    at the next locator (how the 立案 failure went undiagnosed)."""
    alerts = page.locator(".alert-danger")
    if alerts.count():
        page.screenshot(path=str(ARTIFACTS / f"penalty-{step}.png"), full_page=True)
        raise AssertionError(f"{step}: {alerts.first.inner_text()}")


@pytest.mark.django_db(transaction=True)
def test_penalty_case_to_public_decision(reference_data, live_server, browser_page):
    from django.utils import timezone

    from yingji.enterprises.models import Enterprise
    from yingji.orgs.models import Organisation
    from yingji.penalties import officers
    from yingji.penalties.models import PenaltyCase

    page, base = browser_page, live_server.url
    today = timezone.localdate()
    enterprise = Enterprise.objects.filter(tier="city", status="operating").order_by("pk").first()
    agency = Organisation.objects.get(code="LZYJJ-ZD")
    city = Organisation.objects.get(code="LZYJJ")
    chosen = [str(o.pk) for o in officers.choices(city.path, today, enterprise_id=enterprise.pk)][
        :2
    ]

    _as(page, base, "whk_staff")
    page.goto(f"{base}/penalties/new/")
    page.select_option("#agency", str(agency.pk))
    page.select_option("#enterprise", str(enterprise.pk))
    page.select_option("#source", "complaint")
    page.fill("#source_ref", "举报 2026-旅程-1")
    page.fill("#cause", "浏览器旅程:未按规定落实动火作业审批")
    page.fill("#filing_approver", "副局长(测试)")
    page.select_option("#officers", chosen)
    _submit(page, "file-form")
    case = PenaltyCase.objects.get(cause="浏览器旅程:未按规定落实动火作业审批")
    assert "剩余 90 天" in page.inner_text("#clock")

    _submit(page, "form-investigate")
    page.select_option("#form-evidence [name=kind]", "site")
    page.fill("#form-evidence [name=title]", "现场检查笔录")
    page.fill("#form-evidence [name=recorded_by]", "执法一大队 王建军")
    page.set_input_files("#form-evidence [name=file]", {**PDF, "name": "现场检查笔录.pdf"})
    _submit(page, "form-evidence")
    # 执法全过程记录: the 执法记录仪 video, recorded by one of the case's officers, played on the case
    recorder = sorted(case.officers.values_list("name", flat=True))[0]
    page.select_option("#form-evidence [name=kind]", "audio_video")
    page.fill("#form-evidence [name=title]", "执法记录仪现场录像")
    page.fill("#form-evidence [name=recorded_by]", recorder)
    page.set_input_files("#form-evidence [name=file]", MP4)
    _submit(page, "form-evidence")
    assert page.locator("#evidence ~ table video, video.yj-evidence-media").count() == 1
    page.fill(
        "#form-review [name=facts]", "当事人在罐区动火作业未办理作业票,现场无监护人,事实清楚。"
    )
    page.fill(
        "#form-review [name=violated]",
        "《危险化学品企业特殊作业安全规范》及《安全生产法》第四十三条",
    )
    page.fill("#form-review [name=basis]", "《安全生产法》第一百零一条")
    page.check("#m-complex")
    page.fill("#form-review [name=major_reason]", "涉及多个法律关系")
    _submit(page, "form-review")

    page.check("#n-fine")
    page.fill("#form-notify [name=fine]", "30000")
    page.fill("#form-notify [name=text]", "罚款人民币叁万元")
    _submit(page, "form-notify")
    assert "不在听证范围" in page.inner_text("#hearing-right")
    page.fill("#form-statement [name=text]", "已立即整改,请求从轻处罚")
    page.fill("#form-statement [name=adopted]", "整改属实,不属于法定从轻情形,不予采纳")
    _submit(page, "form-statement")
    assert page.locator("#form-submit-approval").count() == 0  # 重大: no way around 法制审核
    _submit(page, "form-submit-legal-review")
    assert page.locator("#form-legal-review").count() == 0  # the case officer may not review

    _as(page, base, "zcfg_staff")
    page.goto(f"{base}{case.get_absolute_url()}")
    page.fill("#form-legal-review [name=opinion]", "主体合法,事实清楚,证据确凿,程序合法,同意。")
    page.click("#form-legal-review button.btn-success")
    page.wait_for_load_state("networkidle")
    assert "负责人审批" in page.inner_text("#case-state")

    _as(page, base, "whk_staff")
    page.goto(f"{base}{case.get_absolute_url()}")
    page.fill("#form-approval [name=approver]", "局长(测试)")
    page.fill("#form-approval [name=meeting_record]", "局务会集体讨论,参加 7 人,一致同意。")
    _submit(page, "form-approval")
    page.fill("#form-decide [name=decision_number]", "兰应急罚〔旅程〕1号")
    _submit(page, "form-decide")
    assert "兰应急罚〔旅程〕1号" in page.inner_text("#decision")
    with page.expect_download() as download:
        page.click("#decision-docx")
    assert download.value.suggested_filename.endswith(".docx")
    page.set_input_files("#form-serve [name=proof]", PDF)
    _submit(page, "form-serve")
    _submit(page, "form-execute")
    _submit(page, "form-close")
    _submit(page, "form-publish")
    assert page.inner_text("#case-state") == "结案"
    steps = page.inner_text("#timeline")  # every step by its Chinese name
    assert (
        "陈述申辩" in steps and "负责人审批/集体讨论" in steps and "approval_recorded" not in steps
    )
    page.screenshot(path=str(SCREENSHOTS / "penalties-case.png"), full_page=True)

    page.context.clear_cookies()
    page.goto(f"{base}/penalties/public/")
    assert "兰应急罚〔旅程〕1号" in page.inner_text("#public-cases")
    page.screenshot(path=str(SCREENSHOTS / "penalties-public.png"), full_page=True)
    assert not [u for u in page.external_requests if not u.startswith(base)]
