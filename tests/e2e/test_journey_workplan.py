"""Journey (issue #3): the coordinating section (安全生产综合协调科) imports a work-points
document, maps the unconfirmed alias the parser flagged, confirms; the 危化科 submits a
half-year report on its task; the coordinator returns it with a comment; the section
resubmits; the coordinator accepts; the Word 半年度工作落实情况报告 downloads and holds that
progress."""

import io

import pytest

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e

FIRST = "已完成全市危险化学品重大危险源企业专项检查摸底,正在整改。"
SECOND = "已完成全市 38 家重大危险源企业专项检查,发现问题 112 项,已整改 97 项。"


def switch_user(page, base_url, username):
    page.context.clear_cookies()
    login(page, base_url, username)


@pytest.mark.django_db(transaction=True)
def test_import_report_return_resubmit_accept_and_word_report(
    reference_data, live_server, browser_page, tmp_path
):
    from pathlib import Path

    from yingji.workplan.models import Assignment, Plan, ProgressReport

    seed = Path(__file__).resolve().parents[2] / "yingji/workplan/data"
    text = (seed / "2022-lanzhou-emergency-work-points.txt").read_text(encoding="utf-8")
    document = tmp_path / "2037年全市应急管理工作要点.txt"
    document.write_text(text.replace("2022", "2037"), encoding="utf-8")
    base = live_server.url
    page = browser_page

    # 1. the coordinator uploads, sees the warning, maps the alias, confirms
    login(page, base, "zhxt_staff")
    page.goto(f"{base}/workplan/imports/")
    page.set_input_files("#f-file", str(document))
    page.click("#import-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "审核导入" in page.inner_text("h1")
    warnings = page.inner_text("#warnings")
    assert "救灾和物资储备科" in warnings and "牵头牵头" in warnings
    page.screenshot(path=str(ARTIFACTS / "e2e-workplan-review.png"), full_page=False)
    page.select_option("select[name='map:救灾和物资储备科']", "救灾和物资保障科")
    page.click("#map-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已按对应关系重新解析" in page.inner_text("main")
    page.click("button[name=action][value=confirm]")
    page.wait_for_load_state("networkidle")
    assert "2037年全市应急管理工作要点" in page.inner_text("h1")
    assert "深化应急管理改革" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "e2e-workplan-plan-tree.png"), full_page=False)

    plan = Plan.objects.get(year=2037)
    assignment = Assignment.objects.get(
        task__plan=plan, task__ref="T15", organisation__code="LZYJJ-WHP"
    )
    half = plan.cycles.get(kind="half_year")
    task_url = f"{base}/workplan/tasks/{assignment.task_id}/"

    # 2. the 危化科 finds the task among its own and reports
    switch_user(page, base, "whk_staff")
    page.goto(f"{base}/workplan/mine/?plan={plan.pk}")
    assert assignment.task.text[:20] in page.inner_text("main")
    page.goto(task_url)
    form = f"#report-form-{assignment.pk}"
    page.select_option(f"{form} select[name=cycle_id]", str(half.pk))
    page.select_option(f"{form} select[name=reported_status]", "in_progress")
    page.fill(f"{form} input[name=percent]", "60")
    page.fill(f"{form} textarea[name=narrative]", FIRST)
    page.click(f"{form} button")
    page.wait_for_load_state("networkidle")
    assert "已报送进展" in page.inner_text("main")

    # 3. the coordinator returns it with a comment
    switch_user(page, base, "zhxt_staff")
    page.goto(task_url)
    report = ProgressReport.objects.get(assignment=assignment, cycle=half)
    page.fill(f"#r{report.pk} input[name=comment]", "请补充检查企业数量和问题整改数据。")
    page.click(f"#r{report.pk} button[value=return]")
    page.wait_for_load_state("networkidle")
    assert "已退回" in page.inner_text(f"#r{report.pk}")

    # 4. the section sees the comment and resubmits
    switch_user(page, base, "whk_staff")
    page.goto(task_url)
    assert "请补充检查企业数量和问题整改数据" in page.inner_text(f"#r{report.pk}")
    page.select_option(f"{form} select[name=cycle_id]", str(half.pk))
    page.fill(f"{form} input[name=percent]", "85")
    page.fill(f"{form} textarea[name=narrative]", SECOND)
    page.click(f"{form} button")
    page.wait_for_load_state("networkidle")
    assert "第2次报送" in page.inner_text(f"#r{report.pk}")

    # 5. the coordinator accepts
    switch_user(page, base, "zhxt_staff")
    page.goto(task_url)
    page.click(f"#r{report.pk} button[value=accept]")
    page.wait_for_load_state("networkidle")
    timeline = page.inner_text(f"#r{report.pk}")
    assert "已采纳" in timeline and "请补充检查企业数量和问题整改数据" in timeline
    page.screenshot(path=str(ARTIFACTS / "e2e-workplan-task.png"), full_page=True)
    assignment.refresh_from_db()
    assert (assignment.status, assignment.percent) == ("in_progress", 85)

    # 6. the Word report downloads and holds the accepted progress
    page.goto(f"{base}{plan.get_absolute_url()}")
    with page.expect_download() as info:
        page.click(f"#report-docx-{half.pk}")
    download = info.value
    assert download.suggested_filename.endswith("半年度工作落实情况报告.docx")
    from docx import Document

    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert SECOND in body and FIRST not in body
    assert doc.tables and "完成率" in "\n".join(c.text for c in doc.tables[0].rows[0].cells)
    external = [u for u in page.external_requests if not u.startswith(base)]
    assert not external, external
