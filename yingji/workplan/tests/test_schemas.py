"""Typed input at the edges of 工作要点督办 (issue #9): each form and its API endpoint share one
schema, so bad input (a NUL byte, an over-long text, a value outside the choices, a malformed
date) is refused with the same Chinese field message on the page and in the API, and nothing
is written. And the API's response schemas keep the JSON field names clients rely on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingji.core.context import actor_context
from yingji.core.models import AuditEvent, ObjectChange
from yingji.workplan import services
from yingji.workplan.models import Assignment, ImportSession, Plan, ProgressReport

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[1] / "data" / "2022-lanzhou-emergency-work-points.txt"
NUL = "\x00"


@pytest.fixture
def demo_plan():
    return Plan.objects.get(is_demo=True, owner__code="LZYJJ", parent__isnull=True)


@pytest.fixture
def month(demo_plan):
    actor = get_user_model().objects.get(username="zhxt_staff")
    with actor_context(actor, source="test"):
        return services.do_add_cycle(
            actor=actor, plan=demo_plan, name="测试月度", kind="monthly", due=date(2022, 5, 31)
        )


@pytest.fixture
def pending_import():
    actor = get_user_model().objects.get(username="zhxt_staff")
    from yingji.orgs.models import Organisation

    text = SEED.read_text(encoding="utf-8").replace("2022", "2039")
    with actor_context(actor, source="test"):
        return services.do_start_import(
            actor=actor,
            file_name="2039.txt",
            data=text.encode("utf-8"),
            owner=Organisation.objects.get(code="LZYJJ"),
            coordinator=Organisation.objects.get(code="LZYJJ-ZHXT"),
        )


@dataclass
class Case:
    persona: str
    web: str  # url name
    api: str  # path after /api/v1/workplan/, with {pk}
    target: str  # which record the pk is: plan, task, assignment, report, import
    data: dict
    label: str
    message: str
    with_cycle: bool = False  # the input names a reporting cycle (the test's own month)


def report(**values):
    base = {"reported_status": "in_progress", "percent": 50, "narrative": "正在组织专项检查。"}
    return {**base, **values}


CASES = {
    "report narrative with NUL": Case(
        "section",
        "workplan:submit_report",
        "assignments/{pk}/reports",
        "assignment",
        report(narrative=f"正在推进{NUL}整改。"),
        "进展情况",
        "不能包含控制字符",
        with_cycle=True,
    ),
    "report narrative too long": Case(
        "section",
        "workplan:submit_report",
        "assignments/{pk}/reports",
        "assignment",
        report(narrative="推" * 10_001),
        "进展情况",
        "不能超过 10000 个字。",
        with_cycle=True,
    ),
    "report status outside the choices": Case(
        "section",
        "workplan:submit_report",
        "assignments/{pk}/reports",
        "assignment",
        report(reported_status="cancelled"),
        "完成状态",
        "不是可选的值之一。",
        with_cycle=True,
    ),
    "report percent not a number": Case(
        "section",
        "workplan:submit_report",
        "assignments/{pk}/reports",
        "assignment",
        report(percent="六十"),
        "完成进度(%)",
        "应为整数。",
        with_cycle=True,
    ),
    "review comment with NUL": Case(
        "city_admin",
        "workplan:review_report",
        "reports/{pk}/review",
        "report",
        {"decision": "return", "comment": f"请补充{NUL}"},
        "审核意见",
        "不能包含控制字符",
    ),
    "review decision outside the choices": Case(
        "city_admin",
        "workplan:review_report",
        "reports/{pk}/review",
        "report",
        {"decision": "maybe"},
        "审核结论",
        "不是可选的值之一。",
    ),
    "due date missing": Case(
        "city_admin",
        "workplan:task_edit",
        "tasks/{pk}/due",
        "task",
        {"due_interpretation": "年底前"},
        "完成时限",
        "必填。",
    ),
    "due explanation too long": Case(
        "city_admin",
        "workplan:task_edit",
        "tasks/{pk}/due",
        "task",
        {"due": "2022-12-31", "due_interpretation": "时" * 301},
        "时限说明",
        "不能超过 300 个字。",
    ),
    "contribution narrative with NUL": Case(
        "city_admin",
        "workplan:contribution",
        "tasks/{pk}/contributions",
        "task",
        {"organisation": "LZYJJ-WHP", "narrative": f"配合{NUL}检查"},
        "配合工作情况",
        "不能包含控制字符",
        with_cycle=True,
    ),
    "cycle name with NUL": Case(
        "city_admin",
        "workplan:add_cycle",
        "plans/{pk}/cycles",
        "plan",
        {"name": f"五月{NUL}", "kind": "monthly", "due": "2022-05-31"},
        "周期名称",
        "不能包含控制字符",
    ),
    "cycle kind outside the choices": Case(
        "city_admin",
        "workplan:add_cycle",
        "plans/{pk}/cycles",
        "plan",
        {"name": "五月", "kind": "weekly", "due": "2022-05-31"},
        "周期类型",
        "不是可选的值之一。",
    ),
    "cycle due not a date": Case(
        "city_admin",
        "workplan:add_cycle",
        "plans/{pk}/cycles",
        "plan",
        {"name": "五月", "kind": "monthly", "due": "2022-05-32"},
        "报送截止日期",
        "日期格式应为",
    ),
    "county code with NUL": Case(
        "city_admin",
        "workplan:county_plan",
        "plans/{pk}/county-plans",
        "plan",
        {"county": f"GLX{NUL}-YJJ"},
        "县区应急管理部门",
        "不能包含控制字符",
    ),
    "cancel reason too long": Case(
        "city_admin",
        "workplan:cancel",
        "assignments/{pk}/cancel",
        "assignment",
        {"reason": "因" * 301},
        "取消原因",
        "不能超过 300 个字。",
    ),
    "notice reason with NUL": Case(
        "city_admin",
        "workplan:issue_notice",
        "assignments/{pk}/notices",
        "assignment",
        {"deadline": "2099-01-31", "reason": f"请加快{NUL}推进"},
        "督办事项",
        "不能包含控制字符",
    ),
    "notice deadline not a date": Case(
        "city_admin",
        "workplan:issue_notice",
        "assignments/{pk}/notices",
        "assignment",
        {"deadline": "明年", "reason": "请加快推进"},
        "办结时限",
        "日期格式应为",
    ),
}


def target_of(case: Case, demo_plan) -> object:
    whp = Assignment.objects.get(
        task__plan=demo_plan, task__ref="T15", organisation__code="LZYJJ-WHP"
    )
    return {
        "plan": demo_plan,
        "task": whp.task,
        "assignment": whp,
        "report": ProgressReport.objects.filter(
            state="submitted", assignment__task__plan=demo_plan
        ).first(),
    }[case.target]


def writes() -> tuple[int, int]:
    # sign-ins and refusals are audited (auth.*); the refused input itself writes nothing
    return ObjectChange.objects.count(), AuditEvent.objects.exclude(
        verb__startswith="auth."
    ).count()


def web_message(response) -> str:
    from django.contrib.messages import get_messages

    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize("name", list(CASES))
def test_web_and_api_refuse_bad_input_with_the_same_field_message(name, as_user, demo_plan, month):
    case = CASES[name]
    obj = target_of(case, demo_plan)
    data = {**case.data, "cycle_id": month.pk} if case.with_cycle else case.data
    client = as_user(case.persona)
    before = writes()

    web = client.post(reverse(case.web, args=[obj.pk]), data)
    assert web.status_code == 302
    shown = web_message(web)
    assert shown.startswith(f"{case.label}:") and case.message in shown, shown

    api = client.post(
        f"/api/v1/workplan/{case.api.format(pk=obj.pk)}",
        json.dumps(data),
        content_type="application/json",
    )
    assert api.status_code == 422, api.content
    body = api.json()
    assert body["code"] == "validation_error"
    assert body["details"]["errors"][0]["label"] == case.label
    assert body["message"] == f"输入有误:{shown}"
    assert writes() == before  # nothing written, no history


def test_the_rendered_page_shows_the_field_message(as_user, demo_plan, month):
    assignment = target_of(CASES["report narrative with NUL"], demo_plan)
    page = as_user("section").post(
        reverse("workplan:submit_report", args=[assignment.pk]),
        {**report(narrative="x" * 10_001), "cycle_id": month.pk},
        follow=True,
    )
    assert "进展情况:不能超过 10000 个字。" in page.content.decode()
    assert not ProgressReport.objects.filter(assignment=assignment, cycle=month).exists()


def test_an_indicator_value_is_checked_like_any_text(as_user, demo_plan, month):
    assignment = target_of(CASES["report narrative with NUL"], demo_plan)
    client = as_user("section")
    web = client.post(
        reverse("workplan:submit_report", args=[assignment.pk]),
        {**report(), "cycle_id": month.pk, "indicator_培训人次": f"320{NUL}"},
    )
    shown = web_message(web)
    assert shown.startswith("指标完成值.培训人次:") and "控制字符" in shown
    api = client.post(
        f"/api/v1/workplan/assignments/{assignment.pk}/reports",
        json.dumps(
            {**report(), "cycle_id": month.pk, "indicator_actuals": {"培训人次": "x" * 501}}
        ),
        content_type="application/json",
    )
    assert api.status_code == 422 and "不能超过 500 个字" in api.json()["message"]
    assert not ProgressReport.objects.filter(assignment=assignment, cycle=month).exists()


def test_a_mapping_target_is_checked_on_the_page_and_in_the_api(as_user, pending_import):
    client = as_user("city_admin")
    too_long = "机" * 201
    web = client.post(
        reverse("workplan:import_map", args=[pending_import.pk]),
        {"map:救灾和物资储备科": too_long, "version": pending_import.version},
    )
    shown = web_message(web)
    assert shown == "名称对应.救灾和物资储备科(第 1 项):不能超过 200 个字。"
    api = client.post(
        f"/api/v1/workplan/imports/{pending_import.pk}/mapping",
        json.dumps({"mapping": {"救灾和物资储备科": [too_long]}}),
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["message"] == f"输入有误:{shown}"
    pending_import.refresh_from_db()
    assert pending_import.mapping == {}


def test_the_upload_form_and_the_api_check_the_organisation_codes(as_user):
    client = as_user("city_admin")
    text = SEED.read_text(encoding="utf-8").replace("2022", "2040").encode("utf-8")
    sessions = ImportSession.objects.count()
    web = client.post(
        reverse("workplan:import"),
        {"file": SimpleUploadedFile("2040.txt", text), "owner": f"LZ{NUL}YJJ"},
    )
    assert web.status_code == 200
    shown = web_message(web)
    assert shown.startswith("制定单位:") and "控制字符" in shown
    api = client.post(
        "/api/v1/workplan/imports",
        {"file": SimpleUploadedFile("2040.txt", text), "owner": "L" * 61},
    )
    assert api.status_code == 422
    assert api.json()["details"]["errors"][0]["label"] == "制定单位"
    assert "不能超过 60 个字" in api.json()["message"]
    assert ImportSession.objects.count() == sessions


def test_an_unticked_box_means_no_on_the_page_and_the_api_default_stays_yes(as_user, demo_plan):
    client = as_user("city_admin")
    client.post(
        reverse("workplan:add_cycle", args=[demo_plan.pk]),
        {"name": "网页月度", "kind": "monthly", "due": "2022-06-30"},
    )
    made = client.post(
        f"/api/v1/workplan/plans/{demo_plan.pk}/cycles",
        json.dumps({"name": "接口月度", "due": "2022-06-30"}),
        content_type="application/json",
    )
    assert made.status_code == 200 and made.json()["kind"] == "monthly"
    cycles = {c.name: c.sections_only for c in demo_plan.cycles.all()}
    assert cycles["网页月度"] is False and cycles["接口月度"] is True


def test_the_assignment_filters_are_typed_too(as_user, demo_plan):
    client = as_user("city_admin")
    found = client.get(f"/api/v1/workplan/assignments?plan={demo_plan.pk}&q=危险化学品").json()
    assert found and all(
        "危险化学品" in Assignment.objects.get(pk=a["id"]).task.text for a in found
    )
    bad = client.get("/api/v1/workplan/assignments", {"q": f"危险{NUL}"})
    assert bad.status_code == 422
    assert bad.json()["details"]["errors"][0]["label"] == "任务内容包含"
    assert client.get("/api/v1/workplan/assignments?plan=x").status_code == 422


# --- response schemas -------------------------------------------------------------------------

PLAN_FIELDS = {
    "id",
    "title",
    "year",
    "issuer",
    "issued_on",
    "owner",
    "coordinator",
    "parent_id",
    "is_demo",
    "cycles",
    "version",
}
TASK_FIELDS = {
    "id",
    "ref",
    "number",
    "part",
    "section",
    "text",
    "responsibility",
    "shared_duty",
    "due",
    "due_start",
    "due_interpretation",
    "indicators",
    "cooperate",
    "status",
    "percent",
    "withdrawn",
    "city_task_id",
    "version",
}
ASSIGNMENT_FIELDS = {
    "id",
    "task_id",
    "task_ref",
    "plan_id",
    "organisation",
    "status",
    "status_label",
    "percent",
    "due",
    "latest_progress",
    "cancel_reason",
    "version",
}
REPORT_FIELDS = {
    "id",
    "assignment_id",
    "cycle",
    "cycle_id",
    "state",
    "state_label",
    "reported_status",
    "percent",
    "narrative",
    "indicator_actuals",
    "submissions",
    "submitted_at",
    "review_comment",
    "version",
}


def test_plans_and_tasks_keep_their_json_shape(as_user, demo_plan):
    client = as_user("city_admin")
    plans = client.get("/api/v1/workplan/plans").json()
    assert plans and all(set(p) == PLAN_FIELDS for p in plans)
    city = next(p for p in plans if p["id"] == demo_plan.pk)
    assert city["owner"] == "兰州市应急管理局" and city["parent_id"] is None
    assert {c["kind"] for c in city["cycles"]} == {"half_year", "annual"}
    assert set(city["cycles"][0]) == {"id", "name", "kind", "due"}
    detail = client.get(f"/api/v1/workplan/plans/{demo_plan.pk}").json()
    assert set(detail) == PLAN_FIELDS | {"tasks"}
    t15 = next(t for t in detail["tasks"] if t["ref"] == "T15")
    assert set(t15) == TASK_FIELDS
    task = demo_plan.tasks.get(ref="T15")
    assert (t15["part"], t15["section"]) == (task.section.part.number, task.section.number)
    assert t15["cooperate"] == [o.name for o in task.cooperating.all()]
    assert [t["ref"] for t in detail["tasks"]] == list(
        demo_plan.tasks.order_by("position").values_list("ref", flat=True)
    )


def test_assignments_and_reports_keep_their_json_shape(as_user, demo_plan):
    client = as_user("section")
    rows = client.get(f"/api/v1/workplan/assignments?plan={demo_plan.pk}").json()
    assert rows and all(set(a) == ASSIGNMENT_FIELDS for a in rows)
    first = Assignment.objects.get(pk=rows[0]["id"])
    assert rows[0]["task_ref"] == first.task.ref and rows[0]["plan_id"] == demo_plan.pk
    assert rows[0]["status_label"] == first.get_status_display()
    reports = client.get(f"/api/v1/workplan/tasks/{first.task_id}/reports").json()
    assert reports and all(set(r) == REPORT_FIELDS for r in reports)
    report = ProgressReport.objects.get(pk=reports[0]["id"])
    assert reports[0]["cycle"] == report.cycle.name
    assert reports[0]["state_label"] == report.get_state_display()


def test_writes_answer_with_the_record(as_user, demo_plan, month):
    admin = as_user("city_admin")
    assignment = Assignment.objects.get(
        task__plan=demo_plan, task__ref="T15", organisation__code="LZYJJ-WHP"
    )
    notice = admin.post(
        f"/api/v1/workplan/assignments/{assignment.pk}/notices",
        json.dumps({"deadline": "2099-01-31", "reason": "请加快推进"}),
        content_type="application/json",
    ).json()
    assert set(notice) == {"id", "number", "issued_on", "deadline", "docx"}
    assert notice["docx"] == f"/workplan/notices/{notice['id']}.docx"
    assert notice["deadline"] == "2099-01-31"
    task = demo_plan.tasks.filter(cooperating__isnull=False).order_by("position").first()
    coop = task.cooperating.first()
    made = admin.post(
        f"/api/v1/workplan/tasks/{task.pk}/contributions",
        json.dumps(
            {"cycle_id": month.pk, "organisation": coop.code, "narrative": "配合开展检查。"}
        ),
        content_type="application/json",
    ).json()
    assert made == {
        "id": made["id"],
        "task_id": task.pk,
        "organisation": coop.name,
        "cycle": month.name,
    }
    due = admin.post(
        f"/api/v1/workplan/tasks/{task.pk}/due",
        json.dumps({"due": f"{demo_plan.year}-11-30", "version": task.version}),
        content_type="application/json",
    ).json()
    assert set(due) == TASK_FIELDS and due["due"] == f"{demo_plan.year}-11-30"
    cancelled = admin.post(
        f"/api/v1/workplan/assignments/{assignment.pk}/cancel",
        json.dumps({"reason": "市政府调整分工"}),
        content_type="application/json",
    ).json()
    assert set(cancelled) == ASSIGNMENT_FIELDS and cancelled["status"] == "cancelled"
    assert cancelled["status_label"] == "已取消"


def test_an_import_answers_with_its_parse_and_blocking_warnings(as_user, pending_import):
    body = as_user("city_admin").get(f"/api/v1/workplan/imports/{pending_import.pk}").json()
    assert set(body) == {
        "id",
        "file_name",
        "state",
        "plan_id",
        "parsed",
        "mapping",
        "diff",
        "blocking",
        "version",
    }
    assert body["parsed"]["year"] == 2039 and body["state"] == "pending"
    assert body["blocking"] == services.blocking_warnings(pending_import.parsed)
