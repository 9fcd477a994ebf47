"""The monthly roster (export and all-or-nothing import), the shift log and the handover."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from yingji.response.models import DutyShift, ShiftLog

from .helpers import client_for

pytestmark = pytest.mark.django_db


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["日期", "班次", "值班单位编码", "值班单位", "带班领导", "值班员", "联络员", "值班电话"]
    )
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("roster.xlsx", out.getvalue())


def test_the_month_exports_and_imports_back():
    duty = client_for("duty")
    month = timezone.localdate().strftime("%Y-%m")
    r = duty.get(f"/response/roster/?org=XGQ-YJJ&month={month}&export=xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][0] == "日期" and len(rows) > 27
    assert all(row[2] == "XGQ-YJJ" for row in rows[1:])
    changed = [list(rows[1])]
    changed[0][4] = "新带班领导"
    r = duty.post("/response/roster/import/", {"file": _xlsx(changed)})
    assert r.status_code == 302
    assert (
        DutyShift.objects.get(organisation__code="XGQ-YJJ", date=rows[1][0]).leader == "新带班领导"
    )


def test_a_bad_row_imports_nothing_and_counties_edit_only_their_own():
    today = timezone.localdate().isoformat()
    before = list(DutyShift.objects.values_list("pk", "leader", "version"))
    bad = _xlsx(
        [
            [today, "全天", "XGQ-YJJ", "", "甲领导", "乙值班员", "", ""],
            [today, "全天", "XGQ-YJJ", "", "", "", "", ""],  # no leader, no officer
        ]
    )
    client_for("xigu_staff").post("/response/roster/import/", {"file": bad})
    other = _xlsx([[today, "全天", "CGQ-YJJ", "", "甲领导", "乙值班员", "", ""]])
    client_for("xigu_staff").post("/response/roster/import/", {"file": other})
    assert list(DutyShift.objects.values_list("pk", "leader", "version")) == before
    assert client_for("ent_user").get("/response/roster/").status_code == 403


def test_open_items_are_acknowledged_by_the_next_shift():
    duty = client_for("duty")
    today = DutyShift.objects.get(organisation__code="LZYJJ", date=timezone.localdate())
    yesterday = (
        DutyShift.objects.filter(organisation__code="LZYJJ", date__lt=today.date)
        .order_by("-date")
        .first()
    )
    assert yesterday.handed_over_at  # the demo's handover of yesterday
    page = duty.get(today.get_absolute_url()).content.decode()
    assert 'id="pending-items"' in page and "接班并确认待办" in page
    r = duty.post(f"/response/shifts/{today.pk}/takeover/", {"version": today.version})
    assert r.status_code == 302
    item = ShiftLog.objects.get(shift=yesterday, open_item=True)
    assert item.acknowledged_at is not None and item.acknowledged_by.username == "duty"
    # today's shift: a log entry, then the handover, after which the log is closed
    duty.post(f"/response/shifts/{today.pk}/log/", {"content": "巡查设备正常", "open_item": "true"})
    today.refresh_from_db()
    duty.post(f"/response/shifts/{today.pk}/handover/", {"version": today.version, "note": "无"})
    duty.post(f"/response/shifts/{today.pk}/log/", {"content": "交班后再记"})
    assert list(today.logs.values_list("content", flat=True)) == ["巡查设备正常"]
    client_for("xigu_staff").post(f"/response/shifts/{today.pk}/log/", {"content": "西固记录"})
    assert not ShiftLog.objects.filter(content="西固记录").exists()  # not their bureau's shift
