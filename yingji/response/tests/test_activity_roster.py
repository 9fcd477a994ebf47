"""重大活动保障 (T40): the activity's roster exported to .xlsx and imported back with the same
importer as the monthly roster — a day and post already on the roster are updated, not
duplicated; a bad row or a day outside the 保障期 imports nothing and is named in Chinese;
only whoever keeps the activity imports."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from yingji.response.models import Activity, ActivityDuty

from .helpers import client_for, post

pytestmark = pytest.mark.django_db

RACE = "兰州马拉松应急保障(演示)"
HEADER = ["日期", "岗位/地点", "带班领导", "值班员", "联络员", "值班电话"]


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("activity-roster.xlsx", out.getvalue())


def _import(who, activity, rows):
    url = f"/response/activities/{activity.pk}/roster/import/"
    return client_for(who).post(url, {"file": _xlsx(rows)}, follow=True)


def _snapshot(activity):
    return list(activity.duties.values_list("pk", "date", "post", "leader", "version"))


def test_the_roster_exports_and_imports_back_updating_not_duplicating():
    race = Activity.objects.get(name=RACE)
    duty = client_for("duty")
    r = duty.get(f"/response/activities/{race.pk}/roster.xlsx")
    assert r.status_code == 200
    rows = [list(row) for row in load_workbook(io.BytesIO(r.content)).active.values]
    assert rows[0] == HEADER and len(rows) - 1 == race.duties.count() > 0
    before = race.duties.count()
    rows[1][2] = "新带班领导(测试)"
    today = timezone.localdate().isoformat()
    new = [today, "测试新增岗位", "甲领导", "乙值班员", "", "0931-0000000"]
    page = _import("duty", race, [*rows[1:], new])
    assert "已导入活动值班表" in page.content.decode()
    assert race.duties.count() == before + 1
    assert race.duties.get(date=rows[1][0], post=rows[1][1]).leader == "新带班领导(测试)"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "测试岗位", "甲领导", "乙值班员", "", ""], "第3行"),  # no date
        (["{today}", "测试岗位", "", "乙值班员", "", ""], "第3行"),  # no leader
        (["2001-01-01", "测试岗位", "甲领导", "乙值班员", "", ""], "保障期"),
    ],
)
def test_a_bad_row_imports_nothing_and_is_named(row, message):
    race = Activity.objects.get(name=RACE)
    today = timezone.localdate().isoformat()
    row = [c.replace("{today}", today) for c in row]
    good = [today, "测试岗位甲", "甲领导", "乙值班员", "", ""]
    before = _snapshot(race)
    page = _import("duty", race, [good, row]).content.decode()
    assert message in page and "未导入任何一行" in page
    assert _snapshot(race) == before


def test_only_who_keeps_the_activity_imports():
    race = Activity.objects.get(name=RACE)
    today = timezone.localdate().isoformat()
    before = _snapshot(race)
    for who in ("leader", "chengguan_staff"):  # reads only / not its bureau's activity
        _import(who, race, [[today, "测试岗位", "甲领导", "乙值班员", "", ""]])
    assert _snapshot(race) == before
    html = client_for("leader").get(race.get_absolute_url()).content.decode()
    assert 'id="activity-roster-import"' not in html and 'id="activity-roster-export"' in html


def test_the_api_imports_the_rows_all_or_nothing():
    race = Activity.objects.get(name=RACE)
    today = timezone.localdate().isoformat()
    url = f"/api/v1/response/activities/{race.pk}/duties/import"
    rows = [{"date": today, "post": "测试接口岗位", "leader": "甲领导", "officer": "乙值班员"}]
    bad = rows + [
        {"date": "2001-01-01", "post": "测试岗位", "leader": "甲领导", "officer": "乙值班员"}
    ]
    r = post(client_for("duty"), url, {"rows": bad})
    assert r.status_code == 422 and "保障期" in r.json()["message"]
    assert not ActivityDuty.objects.filter(post="测试接口岗位").exists()
    r = post(client_for("duty"), url, {"rows": rows})
    assert r.status_code == 200 and "测试接口岗位" in [d["post"] for d in r.json()]
