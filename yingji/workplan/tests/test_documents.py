"""The 任务分解台账 (export, fill in, import back as progress reports), the 工作落实情况报告 and
the 督办单, on the plan imported from the 2022 work points."""

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from docx import Document
from openpyxl import load_workbook

from yingji.core.context import actor_context
from yingji.core.errors import ValidationFailed
from yingji.workplan import services
from yingji.workplan.choices import OPEN_STATUSES
from yingji.workplan.documents import (
    LEDGER_HEADERS,
    build_ledger_xlsx,
    build_notice_docx,
    build_progress_docx,
    do_import_ledger,
    read_ledger_xlsx,
)
from yingji.workplan.models import Assignment, Plan, ProgressReport

SEED = Path(__file__).resolve().parents[1] / "data" / "2022-lanzhou-emergency-work-points.txt"

pytestmark = pytest.mark.django_db


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def plan(persona):
    from yingji.orgs.models import Organisation

    existing = Plan.objects.filter(owner__code="LZYJJ", year=2022, parent__isnull=True).first()
    if existing is not None:
        return existing
    admin = persona("city_admin")
    with actor_context(admin, source="test"):
        session = services.do_start_import(
            actor=admin,
            file_name=SEED.name,
            data=SEED.read_bytes(),
            owner=Organisation.objects.get(code="LZYJJ"),
            coordinator=Organisation.objects.get(code="LZYJJ-ZHXT"),
        )
        session = services.do_update_import_mapping(
            actor=admin, session=session, mapping={"救灾和物资储备科": ["救灾和物资保障科"]}
        )
        created, _ = services.do_confirm_import(actor=admin, session=session)
    return created


@pytest.fixture
def cycle(plan):
    """A cycle of its own, so that no report exists for it whatever the demo data holds."""
    coordinator = user("zhxt_staff")
    with actor_context(coordinator, source="test"):
        return services.do_add_cycle(
            actor=coordinator, plan=plan, name="2022年第三季度", kind="other", due=date(2022, 9, 30)
        )


def fresh(plan, cycle, **filters):
    """Open assignments of the plan without a report for the cycle."""
    return (
        Assignment.objects.filter(
            task__plan=plan, task__withdrawn=False, status__in=OPEN_STATUSES, **filters
        )
        .exclude(reports__cycle=cycle)
        .select_related("task", "organisation")
        .order_by("task__position", "pk")
    )


def all_assignments(plan):
    return Assignment.objects.filter(task__plan=plan)


def sheet_of(data):
    return load_workbook(io.BytesIO(data)).worksheets[0]


def column(name):
    return LEDGER_HEADERS.index(name) + 1


def row_of(ws, assignment_id):
    for row in range(3, ws.max_row + 1):
        if ws.cell(row, column("分工编号")).value == assignment_id:
            return row
    raise AssertionError(f"assignment {assignment_id} not in the ledger")


def fill(ws, assignment, narrative=None, status=None):
    row = row_of(ws, assignment.pk)
    if narrative is not None:
        ws.cell(row, column("进展情况")).value = narrative
    if status is not None:
        ws.cell(row, column("完成状态")).value = status
    return row


def to_bytes(wb_or_ws):
    wb = getattr(wb_or_ws, "parent", wb_or_ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def docx_text(data):
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        lines += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return doc, "\n".join(lines)


# --- ledger export ----------------------------------------------------------------------------------


def test_ledger_has_the_headers_and_one_row_per_assignment_in_task_order(plan):
    assignments = all_assignments(plan)
    ws = sheet_of(build_ledger_xlsx(plan, assignments))

    assert ws["A1"].value == f"《{plan.title}》任务分解台账"
    assert [c.value for c in ws[2]] == LEDGER_HEADERS
    assert all(c.font.bold for c in ws[2])
    assert ws.freeze_panes == "A3"
    ids = [ws.cell(r, column("分工编号")).value for r in range(3, ws.max_row + 1)]
    assert sorted(ids) == sorted(assignments.values_list("pk", flat=True))
    positions = [Assignment.objects.get(pk=i).task.position for i in ids]
    assert positions == sorted(positions)

    t3 = plan.tasks.get(ref="T3")
    lead = t3.assignments.get(organisation__name="政策法规科")
    row = row_of(ws, lead.pk)
    values = {h: ws.cell(row, column(h)).value for h in LEDGER_HEADERS}
    assert values["序号"] == 3  # a number, not text (issue #12)
    assert values["工作任务"] == t3.text
    assert values["牵头单位"] == "政策法规科"
    assert set(values["配合单位"].split("、")) == {o.name for o in t3.cooperating.all()}
    assert values["完成时限"] == (  # a real date cell
        datetime.combine(lead.due, datetime.min.time()) if lead.due else None
    )
    if lead.due:
        assert ws.cell(row, column("完成时限")).is_date
    assert values["完成状态"] == lead.get_status_display()
    assert ws.cell(row, column("工作任务")).alignment.wrap_text


def test_ledger_writes_indicators_and_only_the_given_assignments(plan):
    t15 = plan.tasks.get(ref="T15")
    assert t15.indicators
    given = t15.assignments.all()
    ws = sheet_of(build_ledger_xlsx(plan, given))
    assert ws.max_row == 2 + given.count()
    indicators = ws.cell(3, column("量化指标")).value
    assert indicators == ";".join(i["text"] for i in t15.indicators)
    assert "80%" in indicators


# --- ledger import ----------------------------------------------------------------------------------


def test_round_trip_submits_the_changed_rows_as_reports(plan, cycle):
    coordinator = user("zhxt_staff")
    first, second = fresh(plan, cycle)[:2]
    ws = sheet_of(build_ledger_xlsx(plan, all_assignments(plan)))
    fill(ws, first, narrative="已完成执法程序、案卷评查制度起草,正在征求意见。", status="推进中")
    fill(ws, second, narrative="全部工作已按期完成并通过验收。", status="已完成")
    data = to_bytes(ws)

    with actor_context(coordinator, source="test"):
        result = do_import_ledger(actor=coordinator, plan=plan, cycle=cycle, data=data)

    assert result["applied"] is True and result["errors"] == []
    assert result["submitted"] == 2
    assert result["unchanged"] == all_assignments(plan).count() - 2
    one = ProgressReport.objects.get(assignment=first, cycle=cycle)
    assert (one.state, one.reported_status) == ("submitted", "in_progress")
    assert one.narrative == "已完成执法程序、案卷评查制度起草,正在征求意见。"
    assert one.percent == first.percent
    assert one.submitted_by == coordinator
    two = ProgressReport.objects.get(assignment=second, cycle=cycle)
    assert (two.state, two.reported_status, two.percent) == ("submitted", "done", 100)
    before = first.latest_progress
    first.refresh_from_db()
    assert first.latest_progress == before  # it becomes the progress once accepted

    # The same file again: the rows repeat the pending reports, nothing is resubmitted.
    with actor_context(coordinator, source="test"):
        again = do_import_ledger(actor=coordinator, plan=plan, cycle=cycle, data=data)
    assert (again["submitted"], again["errors"], again["applied"]) == (0, [], True)
    assert ProgressReport.objects.get(pk=one.pk).submissions == 1


def test_optional_percent_column_is_read_in_its_forms(plan, cycle):
    a, b, c = fresh(plan, cycle)[:3]
    ws = sheet_of(build_ledger_xlsx(plan, [a, b, c]))
    ws.cell(2, 10).value = "完成进度"
    for assignment, value in ((a, "60%"), (b, 45), (c, 0.3)):
        row = fill(ws, assignment, narrative="按计划推进,已完成阶段任务。", status="推进中")
        ws.cell(row, 10).value = value
    ws.cell(row_of(ws, c.pk), 10).number_format = "0%"
    rows, errors = read_ledger_xlsx(to_bytes(ws))
    assert errors == []
    assert {r["assignment_id"]: r["percent"] for r in rows} == {a.pk: 60, b.pk: 45, c.pk: 30}

    coordinator = user("zhxt_staff")
    with actor_context(coordinator, source="test"):
        result = do_import_ledger(actor=coordinator, plan=plan, cycle=cycle, data=to_bytes(ws))
    assert result["submitted"] == 3
    assert ProgressReport.objects.get(assignment=a, cycle=cycle).percent == 60


def test_row_errors_name_row_and_column_and_nothing_is_written(plan, cycle):
    good, bad_status, bad_percent, bad_id = fresh(plan, cycle)[:4]
    ws = sheet_of(build_ledger_xlsx(plan, [good, bad_status, bad_percent, bad_id]))
    ws.cell(2, 10).value = "完成进度"
    fill(ws, good, narrative="已召开专题会议部署推进。", status="推进中")
    status_row = fill(ws, bad_status, narrative="已经基本完成了。", status="差不多了")
    percent_row = fill(ws, bad_percent, narrative="进展顺利,超额完成。", status="推进中")
    ws.cell(percent_row, 10).value = "150%"
    id_row = fill(ws, bad_id, narrative="按要求推进中。", status="推进中")
    ws.cell(id_row, column("分工编号")).value = "第七项"
    ws.cell(ws.max_row + 2, column("工作任务")).value = None  # trailing empty rows are skipped
    data = to_bytes(ws)

    coordinator = user("zhxt_staff")
    with actor_context(coordinator, source="test"):
        result = do_import_ledger(actor=coordinator, plan=plan, cycle=cycle, data=data)

    assert result["applied"] is False and result["submitted"] == 0
    by_row = {e["row"]: e for e in result["errors"]}
    assert set(by_row) == {status_row, percent_row, id_row}
    assert by_row[status_row]["column"] == "完成状态"
    assert "差不多了" in by_row[status_row]["message"]
    assert "未启动、推进中、已完成、滞后" in by_row[status_row]["message"]
    assert by_row[percent_row]["column"] == "完成进度"
    assert "0 到 100" in by_row[percent_row]["message"]
    assert by_row[id_row]["column"] == "分工编号"
    assert "第七项" in by_row[id_row]["message"]
    assert not ProgressReport.objects.filter(cycle=cycle, assignment=good).exists()

    with actor_context(coordinator, source="test"):
        partial = do_import_ledger(
            actor=coordinator, plan=plan, cycle=cycle, data=data, only_valid=True
        )
    assert partial["applied"] is True and partial["submitted"] == 1
    assert {e["row"] for e in partial["errors"]} == {status_row, percent_row, id_row}
    assert ProgressReport.objects.get(cycle=cycle, assignment=good).state == "submitted"
    assert not ProgressReport.objects.filter(cycle=cycle, assignment=bad_status).exists()


def test_refusals_of_the_service_become_row_errors(plan, cycle):
    good, short, mismatch = fresh(plan, cycle)[:3]
    ws = sheet_of(build_ledger_xlsx(plan, [good, short, mismatch]))
    ws.cell(2, 10).value = "完成进度"
    fill(ws, good, narrative="已完成年度目标的一半。", status="推进中")
    short_row = fill(ws, short, narrative="好", status="推进中")
    mismatch_row = fill(ws, mismatch, narrative="全部完成,正在总结。", status="已完成")
    ws.cell(mismatch_row, 10).value = 80
    coordinator = user("zhxt_staff")
    with actor_context(coordinator, source="test"):
        result = do_import_ledger(actor=coordinator, plan=plan, cycle=cycle, data=to_bytes(ws))
    by_row = {e["row"]: e for e in result["errors"]}
    assert by_row[short_row]["column"] == "进展情况"
    assert "至少 5 个字" in by_row[short_row]["message"]
    assert by_row[mismatch_row]["column"] == "完成进度"
    assert "100%" in by_row[mismatch_row]["message"]
    assert result["applied"] is False
    assert not ProgressReport.objects.filter(cycle=cycle, assignment=good).exists()


def test_assignment_of_another_plan_is_a_row_error(plan, cycle):
    (one,) = fresh(plan, cycle)[:1]
    ws = sheet_of(build_ledger_xlsx(plan, [one]))
    row = fill(ws, one, narrative="有新的进展情况。", status="推进中")
    foreign = Assignment.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    ws.cell(row, column("分工编号")).value = foreign
    coordinator = user("zhxt_staff")
    with actor_context(coordinator, source="test"):
        result = do_import_ledger(actor=coordinator, plan=plan, cycle=cycle, data=to_bytes(ws))
    assert result["applied"] is False
    assert result["errors"] == [
        {"row": row, "column": "分工编号", "message": result["errors"][0]["message"]}
    ]
    assert "不属于本计划" in result["errors"][0]["message"]


def test_section_user_gets_row_errors_for_other_units_assignments(plan, cycle, persona):
    section = persona("section")  # whk_staff, 危险化学品安全监督管理科
    own = fresh(plan, cycle, organisation__code="LZYJJ-WHP").first()
    other = fresh(plan, cycle).exclude(organisation__code="LZYJJ-WHP").first()
    assert own is not None and other is not None
    ws = sheet_of(build_ledger_xlsx(plan, [own, other]))
    fill(ws, own, narrative="已完成重点企业安全风险集中治理排查。", status="推进中")
    other_row = fill(ws, other, narrative="替其他单位填写的进展。", status="推进中")
    data = to_bytes(ws)

    with actor_context(section, source="test"):
        result = do_import_ledger(actor=section, plan=plan, cycle=cycle, data=data)
    assert result["applied"] is False and result["submitted"] == 0
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(other_row, "分工编号")]
    assert "只能报送本单位牵头的任务" in result["errors"][0]["message"]
    assert not ProgressReport.objects.filter(cycle=cycle, assignment__in=[own, other]).exists()

    with actor_context(section, source="test"):
        partial = do_import_ledger(
            actor=section, plan=plan, cycle=cycle, data=data, only_valid=True
        )
    assert partial["submitted"] == 1
    assert ProgressReport.objects.filter(cycle=cycle, assignment=own).exists()
    assert not ProgressReport.objects.filter(cycle=cycle, assignment=other).exists()


def test_a_file_that_is_not_a_ledger_is_refused_with_a_clear_message(plan):
    with pytest.raises(ValidationFailed) as not_xlsx:
        read_ledger_xlsx("序号,工作任务\n1,测试".encode())
    assert ".xlsx" in not_xlsx.value.message

    doc = Document()
    doc.add_paragraph("不是台账")
    out = io.BytesIO()
    doc.save(out)
    with pytest.raises(ValidationFailed) as word:
        read_ledger_xlsx(out.getvalue())
    assert "Word" in word.value.message

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["名称", "说明"])
    wb.active.append(["某项", "内容"])
    with pytest.raises(ValidationFailed) as no_header:
        read_ledger_xlsx(to_bytes(wb))
    message = no_header.value.message
    assert "分工编号" in message and "进展情况" in message and "名称 | 说明" in message


# --- Word documents ---------------------------------------------------------------------------------


def test_progress_report_docx_has_statistics_and_the_cycle_reports(plan, cycle):
    from docx.oxml.ns import qn

    coordinator = user("zhxt_staff")
    target = fresh(plan, cycle, task__number__isnull=False).first()
    narrative = "完成支队挂牌组建,执法程序等制度已印发施行。"
    with actor_context(coordinator, source="test"):
        services.do_submit_report(
            actor=coordinator,
            assignment=target,
            cycle=cycle,
            reported_status="in_progress",
            percent=70,
            narrative=narrative,
        )
    data = build_progress_docx(plan, cycle, all_assignments(plan), date(2022, 6, 15))
    doc, text = docx_text(data)

    assert doc.paragraphs[0].text.endswith("工作落实情况报告")
    assert doc.paragraphs[0].text.count(f"{plan.year}年") == 1
    assert "2022年6月15日" in text
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "部分",
        "任务数",
        "已完成",
        "推进中",
        "滞后",
        "未启动",
        "已取消",
        "完成率",
    ]
    assert len(table.rows) == 1 + plan.parts.count() + 1
    total = [c.text for c in table.rows[-1].cells]
    assert total[0] == "合计" and total[1] == str(plan.tasks.count())
    assert sum(int(v) for v in total[2:7]) == plan.tasks.count()
    assert total[7].endswith("%")
    assert f"{narrative}" in text
    assert f"{cycle.name}进展(待审核):{narrative}" in text
    assert f"{target.task.number}. {target.task.text}" in text
    normal_fonts = doc.styles["Normal"].element.rPr.rFonts
    assert normal_fonts.get(qn("w:eastAsia")) == "宋体"
    heading_fonts = doc.styles["Heading 1"].element.rPr.rFonts
    assert heading_fonts.get(qn("w:eastAsia")) == "黑体"


def test_progress_report_docx_writes_only_the_given_assignments(plan, cycle):
    own = list(all_assignments(plan).filter(organisation__code="LZYJJ-WHP"))
    other = all_assignments(plan).exclude(organisation__code="LZYJJ-WHP").first()
    _, text = docx_text(build_progress_docx(plan, cycle, own, date(2022, 6, 15)))
    assert "牵头单位:危险化学品安全监督管理科" in text
    assert f"牵头单位:{other.organisation.name} " not in text
    assert text.count("牵头单位:") == len(own)


def test_notice_docx_has_number_reason_and_supervisor(plan):
    coordinator = user("bgs_staff")
    assignment = all_assignments(plan).exclude(status="cancelled").first()
    today = date.today()
    with actor_context(coordinator, source="test"):
        notice = services.do_issue_notice(
            actor=coordinator,
            assignment=assignment,
            deadline=today + timedelta(days=10),
            reason="该项任务已超过完成时限,请加快推进并书面报告原因。",
            today=today,
        )
    doc, text = docx_text(build_notice_docx(notice))
    assert doc.paragraphs[0].text == "督 办 单"
    assert notice.number in text
    assert "该项任务已超过完成时限,请加快推进并书面报告原因。" in text
    assert assignment.organisation.name in text
    assert f"请于反馈时限前将办理情况报送{plan.supervisor.name}。" in text
    assert plan.supervisor.name == "办公室"
    assert plan.owner.name in text


# --- the report of a cycle shows that cycle (issue #12) ---------------------------------------------


def _report(assignment, cycle, status, percent, narrative, decision="accept", comment=""):
    admin, coordinator = user("city_admin"), user("zhxt_staff")
    with actor_context(admin, source="test"):
        report = services.do_submit_report(
            actor=admin,
            assignment=assignment,
            cycle=cycle,
            reported_status=status,
            percent=percent,
            narrative=narrative,
        )
    with actor_context(coordinator, source="test"):
        return services.do_review_report(
            actor=coordinator,
            report=report,
            decision=decision,
            comment=comment,
            today=cycle.due,
        )


def _single_lead_assignments(plan, cycle, later):
    """Open assignments without reports for the two cycles, each the only one of its task, due
    after the later cycle (so that neither cycle sees them late)."""
    from django.db.models import Count

    return (
        fresh(plan, cycle, due__gt=later.due)
        .exclude(reports__cycle=later)
        .annotate(leads=Count("task__assignments"))
        .filter(leads=1)
    )


def _row(doc, label):
    for table in doc.tables:
        for row in table.rows:
            if row.cells[0].text == label:
                return dict(zip([c.text for c in table.rows[0].cells], [c.text for c in row.cells]))
    return None


def test_a_cycles_report_shows_the_state_at_its_deadline_without_returned_narratives(plan, cycle):
    coordinator = user("zhxt_staff")
    with actor_context(coordinator, source="test"):
        later = services.do_add_cycle(
            actor=coordinator, plan=plan, name="2022年10月", kind="other", due=date(2022, 10, 31)
        )
    first, returned = list(_single_lead_assignments(plan, cycle, later)[:2])
    _report(first, cycle, "in_progress", 40, "第三季度:方案已制定,正在推进。")
    _report(first, later, "done", 100, "十月:已全部完成。")
    _report(returned, cycle, "in_progress", 20, "这段进展被退回了。", "return", "请补充材料。")
    first.refresh_from_db()
    assert first.status == "done"  # today's state

    today = date(2022, 12, 25)
    doc_q3, text_q3 = docx_text(build_progress_docx(plan, cycle, [first, returned], today))
    doc_oct, text_oct = docx_text(build_progress_docx(plan, later, [first, returned], today))

    # each shows the state as of its own deadline, not today's
    assert "状态:推进中  进度:40%" in text_q3 and "状态:已完成" not in text_q3
    assert "状态:已完成  进度:100%" in text_oct
    assert "统计截至:2022年9月30日" in text_q3 and "统计截至:2022年10月31日" in text_oct
    assert "十月:已全部完成。" not in text_q3
    # the statistics differ accordingly: one more task done by the end of October
    q3, october = _row(doc_q3, "合计"), _row(doc_oct, "合计")
    assert int(october["已完成"]) == int(q3["已完成"]) + 1
    # a returned narrative is left out; the report says it was returned
    assert "这段进展被退回了。" not in text_q3
    assert f"{cycle.name}进展报告已退回修改" in text_q3
