"""工作要点督办 through the pages and the API: the same permissions as the services, grants and
denials, and the whole import → review → report → review cycle over HTTP."""

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from yingji.core.context import actor_context
from yingji.workplan import services
from yingji.workplan.models import Assignment, ImportSession, Plan, ProgressReport

SEED = Path(__file__).resolve().parents[1] / "data" / "2022-lanzhou-emergency-work-points.txt"
pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def demo_plan():
    return Plan.objects.get(is_demo=True, owner__code="LZYJJ", parent__isnull=True)


@pytest.fixture
def month(demo_plan):
    actor = User.objects.get(username="zhxt_staff")
    with actor_context(actor, source="test"):
        return services.do_add_cycle(
            actor=actor, plan=demo_plan, name="测试月度", kind="monthly", due=date(2022, 5, 31)
        )


def whp(plan, ref="T15"):
    return Assignment.objects.get(task__plan=plan, task__ref=ref, organisation__code="LZYJJ-WHP")


def test_demo_plan_has_content(demo_plan):
    assert demo_plan.tasks.count() == 69
    assert ProgressReport.objects.filter(assignment__task__plan=demo_plan).count() > 100
    assert set(ProgressReport.objects.values_list("state", flat=True)) == {
        "submitted",
        "returned",
        "accepted",
    }
    assert Plan.objects.filter(parent=demo_plan).count() >= 2


@pytest.mark.parametrize(
    "name, args",
    [
        ("workplan:index", []),
        ("workplan:mine", []),
        ("workplan:overdue", []),
        ("workplan:assignments", []),
        ("workplan:import", []),
        ("workplan:plan", ["plan"]),
        ("workplan:matrix", ["plan"]),
        ("workplan:counties", ["plan"]),
        ("workplan:task", ["task"]),
    ],
)
def test_pages_render_for_the_coordinator(as_user, demo_plan, name, args):
    client = as_user("city_admin")
    values = {"plan": demo_plan.pk, "task": demo_plan.tasks.get(ref="T15").pk}
    response = client.get(reverse(name, args=[values[a] for a in args]))
    assert response.status_code == 200
    assert "工作要点" in response.content.decode() or "任务" in response.content.decode()


def test_plan_tree_shows_statuses_and_the_task_page_its_reports(as_user, demo_plan):
    page = as_user("section").get(reverse("workplan:plan", args=[demo_plan.pk])).content.decode()
    assert "深化应急管理改革" in page and "完成率" in page
    task = demo_plan.tasks.get(ref="T15")
    page = as_user("section").get(reverse("workplan:task", args=[task.pk])).content.decode()
    assert "危险化学品安全监督管理科" in page and "进展报告" in page
    assert 'id="report-form-' in page  # the lead section may report


def test_enterprise_user_sees_no_plans(as_user, demo_plan):
    client = as_user("enterprise")
    assert client.get(reverse("workplan:index")).status_code == 403
    assert client.get(reverse("workplan:plan", args=[demo_plan.pk])).status_code == 404
    assert client.get("/api/v1/workplan/plans").json() == []


def test_section_sees_only_its_assignments_in_lists_exports_and_api(as_user, demo_plan):
    client = as_user("section")
    csv_text = (
        client.get(reverse("workplan:assignments") + "?export=csv").getvalue().decode("utf-8-sig")
    )
    lines = [line for line in csv_text.splitlines()[1:] if line.strip()]
    assert lines and all("危险化学品安全监督管理科" in line for line in lines)
    data = client.get(f"/api/v1/workplan/assignments?plan={demo_plan.pk}").json()
    assert data and {a["organisation"] for a in data} == {"危险化学品安全监督管理科"}
    everyone = as_user("city_admin").get(f"/api/v1/workplan/assignments?plan={demo_plan.pk}").json()
    assert len(everyone) == Assignment.objects.filter(task__plan=demo_plan).count() > len(data)


def test_report_and_review_over_the_web(as_user, demo_plan, month):
    assignment = whp(demo_plan)
    section = as_user("section")
    response = section.post(
        reverse("workplan:submit_report", args=[assignment.pk]),
        {
            "cycle_id": month.pk,
            "reported_status": "in_progress",
            "percent": "70",
            "narrative": "完成重大危险源企业专项检查 12 家。",
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(assignment=assignment, cycle=month)
    assert report.state == "submitted" and report.percent == 70
    # the section cannot review its own report; the page says why and nothing changes
    response = section.post(
        reverse("workplan:review_report", args=[report.pk]), {"decision": "accept"}, follow=True
    )
    assert "只有督办科室可以审核" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted"
    coordinator = as_user("city_admin")
    response = coordinator.post(
        reverse("workplan:review_report", args=[report.pk]),
        {"decision": "return", "comment": "", "version": report.version},
        follow=True,
    )
    assert "退回报告须填写退回意见" in response.content.decode()
    coordinator.post(
        reverse("workplan:review_report", args=[report.pk]),
        {"decision": "return", "comment": "请写明检查发现的问题数", "version": report.version},
    )
    report.refresh_from_db()
    assert report.state == "returned"


def test_other_units_assignment_is_not_found_for_the_section(as_user, demo_plan, month):
    other = Assignment.objects.filter(task__plan=demo_plan).exclude(organisation__code="LZYJJ-WHP")[
        0
    ]
    response = as_user("section").post(
        reverse("workplan:submit_report", args=[other.pk]),
        {
            "cycle_id": month.pk,
            "reported_status": "done",
            "percent": "100",
            "narrative": "冒名报送的进展",
        },
    )
    assert response.status_code == 404
    assert not ProgressReport.objects.filter(assignment=other, cycle=month).exists()


def test_api_report_state_machine_and_errors(as_user, demo_plan, month):
    assignment = whp(demo_plan)
    section = as_user("section")
    url = f"/api/v1/workplan/assignments/{assignment.pk}/reports"
    body = {
        "cycle_id": month.pk,
        "reported_status": "in_progress",
        "percent": 30,
        "narrative": "正在组织专项检查。",
    }
    response = section.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    report_id = response.json()["id"]
    again = section.post(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert "审核前不能重复报送" in again.json()["message"]
    bad = section.post(url, json.dumps({**body, "percent": 101}), content_type="application/json")
    assert bad.status_code == 422 and "percent" in bad.json()["details"]
    review_url = f"/api/v1/workplan/reports/{report_id}/review"
    denied = section.post(
        review_url, json.dumps({"decision": "accept"}), content_type="application/json"
    )
    assert denied.status_code == 403
    ok = as_user("city_admin").post(
        review_url, json.dumps({"decision": "accept"}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["state"] == "accepted"


def test_import_over_the_web_review_map_confirm(as_user):
    client = as_user("city_admin")
    text = SEED.read_text(encoding="utf-8").replace("2022", "2036")
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "2036年工作要点.txt"

    response = client.post(
        reverse("workplan:import"),
        {
            "file": upload,
            "owner": "LZYJJ",
            "coordinator": "LZYJJ-ZHXT",
        },
    )
    session = ImportSession.objects.get(parsed__year=2036)
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    page = client.get(session.get_absolute_url()).content.decode()
    assert "救灾和物资储备科" in page and "确认导入" in page
    client.post(
        reverse("workplan:import_map", args=[session.pk]),
        {"map:救灾和物资储备科": "救灾和物资保障科", "version": session.version},
    )
    session.refresh_from_db()
    assert session.mapping == {"救灾和物资储备科": ["救灾和物资保障科"]}
    response = client.post(
        reverse("workplan:import_confirm", args=[session.pk]),
        {"action": "confirm", "version": session.version},
    )
    plan = Plan.objects.get(year=2036)
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.tasks.count() == 69


def test_bad_upload_gets_a_clear_message(as_user):
    client = as_user("city_admin")
    upload = io.BytesIO("这不是工作要点文件。".encode())
    upload.name = "随便.txt"

    before = ImportSession.objects.count()
    response = client.post(
        reverse("workplan:import"),
        {
            "file": upload,
            "owner": "LZYJJ",
            "coordinator": "LZYJJ-ZHXT",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "工作要点" in response.content.decode()
    assert ImportSession.objects.count() == before


def test_section_cannot_open_the_import_page(as_user):
    assert as_user("county_a").get(reverse("workplan:import")).status_code == 200
    assert as_user("enterprise").get(reverse("workplan:import")).status_code == 403


def test_api_cycle_notice_cancel_and_county_plan_permissions(as_user, demo_plan):
    admin, section, county = as_user("city_admin"), as_user("section"), as_user("county_a")
    body = {"name": "API月度", "kind": "monthly", "due": "2022-07-31"}
    denied = section.post(
        f"/api/v1/workplan/plans/{demo_plan.pk}/cycles",
        json.dumps(body),
        content_type="application/json",
    )
    assert denied.status_code == 403
    ok = admin.post(
        f"/api/v1/workplan/plans/{demo_plan.pk}/cycles",
        json.dumps(body),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["name"] == "API月度"
    assignment = whp(demo_plan, "T15")
    notice = {"deadline": "2099-01-31", "reason": "请加快推进"}
    url = f"/api/v1/workplan/assignments/{assignment.pk}/notices"
    assert section.post(url, json.dumps(notice), content_type="application/json").status_code == 403
    issued = admin.post(url, json.dumps(notice), content_type="application/json")
    assert issued.status_code == 200 and f"督〔{demo_plan.year}〕" in issued.json()["number"]
    assert admin.get(issued.json()["docx"]).status_code == 200
    assert section.get(issued.json()["docx"]).status_code == 200  # its own assignment
    assert as_user("county_b").get(issued.json()["docx"]).status_code == 404
    cancel = f"/api/v1/workplan/assignments/{assignment.pk}/cancel"
    empty = admin.post(cancel, json.dumps({"reason": ""}), content_type="application/json")
    assert empty.status_code == 422
    # 西固区 staff may make their own county's plan, not 皋兰县's
    made = county.post(
        f"/api/v1/workplan/plans/{demo_plan.pk}/county-plans",
        json.dumps({"county": "GLX-YJJ"}),
        content_type="application/json",
    )
    assert made.status_code == 403


def test_report_with_a_supporting_file_is_downloadable_by_who_sees_the_report(
    as_user, demo_plan, month
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingji.core.models import Attachment

    assignment = whp(demo_plan, "T13")
    response = as_user("section").post(
        reverse("workplan:submit_report", args=[assignment.pk]),
        {
            "cycle_id": month.pk,
            "reported_status": "in_progress",
            "percent": "40",
            "narrative": "已印发专项整治方案。",
            "attachments": SimpleUploadedFile(
                "方案.pdf", b"%PDF-1.4 demo", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(assignment=assignment, cycle=month)
    att = Attachment.objects.get(object_id=str(report.pk), original_name="方案.pdf")
    page = (
        as_user("section").get(reverse("workplan:task", args=[assignment.task_id])).content.decode()
    )
    assert "方案.pdf" in page
    assert as_user("city_admin").get(f"/attachments/{att.pk}/").status_code == 200
    assert as_user("county_b").get(f"/attachments/{att.pk}/").status_code == 404
    bad = as_user("section").post(
        reverse("workplan:submit_report", args=[whp(demo_plan, "T11").pk]),
        {
            "cycle_id": month.pk,
            "reported_status": "in_progress",
            "percent": "40",
            "narrative": "附件格式不对的报告",
            "attachments": SimpleUploadedFile(
                "x.exe", b"MZ\x90\x00", content_type="application/octet-stream"
            ),
        },
        follow=True,
    )
    assert "不支持的文件类型" in bad.content.decode()
    assert not ProgressReport.objects.filter(assignment=whp(demo_plan, "T11"), cycle=month).exists()


def test_import_through_the_api_upload_map_confirm(as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = SEED.read_text(encoding="utf-8").replace("2022", "2038")
    client = as_user("city_admin")
    upload = SimpleUploadedFile("2038.txt", text.encode("utf-8"), content_type="text/plain")
    made = client.post(
        "/api/v1/workplan/imports", {"file": upload, "owner": "LZYJJ", "coordinator": "LZYJJ-ZHXT"}
    )
    assert made.status_code == 200, made.content
    body = made.json()
    assert body["state"] == "pending" and body["parsed"]["year"] == 2038
    assert body["blocking"] == []
    session_id = body["id"]
    mapped = client.post(
        f"/api/v1/workplan/imports/{session_id}/mapping",
        json.dumps({"mapping": {"救灾和物资储备科": ["救灾和物资保障科"]}}),
        content_type="application/json",
    )
    assert mapped.status_code == 200 and mapped.json()["mapping"]
    done = client.post(
        f"/api/v1/workplan/imports/{session_id}/confirm",
        json.dumps({}),
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["changes"]["新增任务"] == 69
    plan = client.get(f"/api/v1/workplan/plans/{done.json()['plan_id']}").json()
    assert len(plan["tasks"]) == 69 and {c["kind"] for c in plan["cycles"]} == {
        "half_year",
        "annual",
    }
    again = client.post(
        f"/api/v1/workplan/imports/{session_id}/confirm",
        json.dumps({}),
        content_type="application/json",
    )
    assert again.status_code == 409  # already confirmed
    denied = as_user("section").post(
        "/api/v1/workplan/imports",
        {
            "file": SimpleUploadedFile("x.txt", text.encode()),
            "owner": "LZYJJ",
            "coordinator": "LZYJJ-ZHXT",
        },
    )
    assert denied.status_code == 403


def test_documents_through_the_api_with_a_token(demo_plan):
    import io as _io

    from django.test import Client
    from docx import Document
    from openpyxl import load_workbook

    from yingji.core.services import do_create_token

    section = User.objects.get(username="whk_staff")
    with actor_context(section, source="test"):
        _token, key = do_create_token(actor=section, name="文档下载")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    ledger = client.get(f"/api/v1/workplan/plans/{demo_plan.pk}/ledger.xlsx")
    assert ledger.status_code == 200 and "attachment" in ledger["Content-Disposition"]
    sheet = load_workbook(_io.BytesIO(ledger.content)).active
    units = {row[2] for row in sheet.iter_rows(min_row=3, values_only=True) if row[2]}
    assert units == {"危险化学品安全监督管理科"}  # only the section's own assignments
    half = demo_plan.cycles.get(kind="half_year")
    report = client.get(f"/api/v1/workplan/plans/{demo_plan.pk}/report.docx?cycle={half.pk}")
    assert report.status_code == 200
    assert "半年度" in "\n".join(p.text for p in Document(_io.BytesIO(report.content)).paragraphs)
    assert Client().get(f"/api/v1/workplan/plans/{demo_plan.pk}/ledger.xlsx").status_code == 401
