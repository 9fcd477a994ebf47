"""Excel import of hazards: template, row errors (row, column, what), all-or-nothing by default,
only the valid rows on request, the permission of each row."""

import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from yingji.core.context import actor_context
from yingji.core.errors import ValidationFailed
from yingji.enterprises.models import Enterprise
from yingji.hazards.importing import COLUMNS, build_template, do_import_hazards
from yingji.hazards.models import Hazard

pytestmark = pytest.mark.django_db


def workbook(rows):
    wb = load_workbook(io.BytesIO(build_template()))
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(username, data, only_valid=False):
    user = get_user_model().objects.get(username=username)
    with actor_context(user, source="test"):
        return do_import_hazards(actor=user, data=data, only_valid=only_valid)


def xigu_uscc():
    return Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01").uscc


def test_template_has_the_columns():
    ws = load_workbook(io.BytesIO(build_template())).active
    assert [c.value for c in ws[1]] == [label for _, label in COLUMNS]


def test_errors_name_row_and_column_and_nothing_is_written():
    good = [
        xigu_uscc(),
        "执法检查",
        "设备设施",
        "压力表损坏未更换",
        "罐区",
        "2026-11-01",
        "张三",
        "一般隐患",
        3,
    ]
    bad_choice = [xigu_uscc(), "路过看到", "设备设施", "阀门泄漏滴漏", "", "2026-11-01", "", "", 0]
    bad_date = [xigu_uscc(), "执法检查", "消防安全", "灭火器过期", "", "11月1日", "", "", "many"]
    before = Hazard.objects.count()
    result = run("xigu_staff", workbook([good, bad_choice, bad_date]))
    assert result["created"] == [] and Hazard.objects.count() == before
    found = {(e["row"], e["column"]) for e in result["errors"]}
    assert found == {(3, "发现途径"), (4, "发现日期"), (4, "可能影响人数")}
    assert "应为:企业自查、执法检查、部门检查、群众举报" in result["errors"][0]["message"]
    result = run("xigu_staff", workbook([good, bad_choice, bad_date]), only_valid=True)
    assert len(result["created"]) == 1 and Hazard.objects.count() == before + 1


def test_each_row_is_checked_against_the_users_scope():
    row = [xigu_uscc(), "执法检查", "设备设施", "压力表损坏未更换", "", "2026-11-01", "", "", 0]
    result = run("chengguan_staff", workbook([row]))
    assert result["created"] == []
    assert result["errors"][0]["column"] == "统一社会信用代码"
    assert "有权管理" in result["errors"][0]["message"]


def test_service_refusals_become_row_errors():
    row = [xigu_uscc(), "执法检查", "设备设施", "漏", "", "2026-11-01", "", "", 0]
    result = run("xigu_staff", workbook([row]))
    assert result["errors"] == [
        {"row": 2, "column": "隐患描述", "message": result["errors"][0]["message"]}
    ]
    assert "至少 5 个字" in result["errors"][0]["message"]


def test_not_a_workbook_or_wrong_header():
    with pytest.raises(ValidationFailed, match="Excel"):
        run("xigu_staff", b"not an excel file")
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["名称", "地址"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ValidationFailed, match="表头与模板不符"):
        run("xigu_staff", out.getvalue())


def test_daily_command_runs_and_reports():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("hazards_daily", "--date", "2026-11-30", stdout=out)
    assert "临期提醒" in out.getvalue() and "逾期上报" in out.getvalue()
    again = io.StringIO()
    call_command("hazards_daily", "--date", "2026-11-30", stdout=again)
    assert "逾期上报 0 条" in again.getvalue()  # each hazard escalated once


def test_daily_command_refuses_a_bad_date():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("hazards_daily", "--date", "11月30日")
