"""Importing monitoring stations from Excel (issue #13: 站点 Excel 导入/导出): each row goes
through the register service; bad rows (unknown kind, bad coordinates, duplicate code, unknown
element, another county's owner) give row errors in Chinese and nothing is written; on request
the good rows are kept; the list's own export can be imported again."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from yingji.core.context import actor_context
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.monitoring.models import Station
from yingji.monitoring.station_import import COLUMNS, do_import_stations

from .helpers import point_in

pytestmark = pytest.mark.django_db

HEADER = [label for _, label in COLUMNS]


def _book(rows, header=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "监测站点"
    ws.append(header or HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(code, *, kind="雨量站", owner="", lon=None, lat=None, elements="降雨量", county="620104"):
    x, y = point_in(county)
    return [
        code,
        f"导入测试{code}",
        kind,
        owner,
        "",
        x if lon is None else lon,
        y if lat is None else lat,
        "",
        elements,
        "2024-05-01",
    ]


def _run(user, data, only_valid=False):
    with actor_context(user, source="test"):
        return do_import_stations(actor=user, data=data, only_valid=only_valid)


def test_good_rows_are_registered_with_their_elements_and_county(persona):
    user = persona("county_a")  # 西固区
    rows = [
        _row("IMP-XG-1"),
        _row("IMP-XG-2", kind="gas", elements="gas_lel、toxic_ppm", owner="XGQ-YJJ"),
        _row("IMP-XG-3", kind="水位站", elements="水位,降雨量", owner="西固区应急管理局"),
    ]
    result = _run(user, _book(rows))
    assert result["kept"] and result["imported"] == 3 and result["errors"] == []
    one, two, three = (Station.objects.get(code=f"IMP-XG-{i}") for i in (1, 2, 3))
    assert (
        one.kind == "rain" and one.region.code == "620104" and str(one.installed_on) == "2024-05-01"
    )
    assert [e["code"] for e in two.elements] == ["gas_lel", "toxic_ppm"]
    assert two.elements[0]["unit"] == "%LEL"  # defaults from the element catalogue
    assert [e["code"] for e in three.elements] == ["water_level", "rain"]
    assert three.owner.code == "XGQ-YJJ" and three.kind == "water"
    assert three.offline_at is not None  # registered as by the API: two intervals of grace


def _bad() -> dict:
    """Sheet row → (the row, the column of its error, a part of the message)."""
    return {
        3: (_row("IMP-BAD-KIND", kind="风速站"), "类型", "应为"),
        4: (_row("IMP-BAD-LON", lon="东经103"), "经度", ""),
        5: (_row("IMP-BAD-OUT", lon=100.0, lat=30.0), "经度", "不在本市任何县区范围内"),
        6: (_row("IMP-XG-OK"), "站点编码", "与第 2 行重复"),
        7: (
            _row("IMP-BAD-EL", elements="降雨量、风向玫瑰"),
            "监测要素",
            "未知的监测要素“风向玫瑰”",
        ),
        8: (_row("IMP-BAD-OWN", owner="CGQ-YJJ"), "权属单位", "不在您的权限范围内"),
        9: (_row("DEMO-HH-CG-04"), "站点编码", "已被使用"),
    }


def test_bad_rows_are_reported_in_chinese_and_nothing_is_written(persona):
    user = persona("county_a")
    BAD = _bad()
    before = Station.objects.count()
    rows = [_row("IMP-XG-OK")] + [BAD[n][0] for n in sorted(BAD)]
    result = _run(user, _book(rows))
    assert not result["kept"] and result["imported"] == 0
    by_row = {e["row"]: e for e in result["errors"]}
    assert set(by_row) == set(BAD)
    for number, (_, column, text) in BAD.items():
        assert by_row[number]["column"] == column, by_row[number]
        assert text in by_row[number]["message"], by_row[number]
    assert Station.objects.count() == before
    assert not Station.objects.filter(code="IMP-XG-OK").exists()  # the good row is undone too


def test_only_the_good_rows_when_asked(persona):
    user = persona("county_a")
    BAD = _bad()
    rows = [_row("IMP-XG-OK"), BAD[3][0], BAD[8][0]]
    result = _run(user, _book(rows), only_valid=True)
    assert result["kept"] and result["imported"] == 1 and len(result["errors"]) == 2
    assert Station.objects.filter(code="IMP-XG-OK").exists()
    assert not Station.objects.filter(code__in=["IMP-BAD-KIND", "IMP-BAD-OWN"]).exists()


def test_a_county_cannot_import_a_station_in_another_county(persona):
    """Its own owner, but coordinates in 城关区: the station would leave its scope."""
    user = persona("county_a")
    result = _run(user, _book([_row("IMP-CG-1", county="620102", owner="XGQ-YJJ")]))
    assert not result["kept"] and len(result["errors"]) == 1
    assert "超出您的权限范围" in result["errors"][0]["message"]
    assert not Station.objects.filter(code="IMP-CG-1").exists()


def test_the_city_may_import_for_any_owner_and_leadership_may_not(persona):
    result = _run(persona("section"), _book([_row("IMP-CG-2", county="620102", owner="CGQ-YJJ")]))
    assert result["kept"] and Station.objects.get(code="IMP-CG-2").owner.code == "CGQ-YJJ"
    with pytest.raises(NotPermitted):
        _run(persona("leader"), _book([_row("IMP-CG-3", county="620102")]))


def test_a_wrong_header_or_a_non_workbook_is_refused(persona):
    user = persona("county_a")
    with pytest.raises(ValidationFailed, match="表头缺少“类型、经度"):
        _run(user, _book([["X"]], header=["站点编码", "站点名称", "监测要素", "纬度"]))
    with pytest.raises(ValidationFailed, match="无法读取"):
        _run(user, b"not a workbook")


def test_the_list_export_imports_again_after_editing(as_user):
    """The export's columns (with 县区, 状态… that the import ignores) are read by their header."""
    client = as_user("county_a")
    response = client.get("/monitoring/stations/?export=xlsx&q=DEMO-XG")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert {"站点编码", "类型", "权属单位", "经度", "纬度", "监测要素"} <= set(header)
    first = [c.value for c in ws[2]]
    ws.delete_rows(3, ws.max_row)
    ws.cell(row=2, column=header.index("站点编码") + 1, value="IMP-FROM-EXPORT")
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("站点.xlsx", out.getvalue())
    r = client.post("/monitoring/station-import/", {"file": upload})
    assert r.status_code == 200, r.content.decode()[:2000]
    assert "已导入 1 个站点" in r.content.decode()
    copy = Station.objects.get(code="IMP-FROM-EXPORT")
    original = Station.objects.get(code=first[header.index("站点编码")])
    assert (copy.kind, copy.owner_id, copy.region_id) == (
        original.kind,
        original.owner_id,
        original.region_id,
    )
    assert [e["code"] for e in copy.elements] == [e["code"] for e in original.elements]


def test_the_import_page_and_its_button(as_user):
    client = as_user("county_a")
    assert "导入站点(Excel)" in client.get("/monitoring/stations/").content.decode()
    template = client.get("/monitoring/station-import/template/")
    assert template.status_code == 200
    assert [c.value for c in load_workbook(io.BytesIO(template.content)).worksheets[0][1]] == HEADER
    upload = SimpleUploadedFile("站点.xlsx", _book([_row("IMP-PAGE-1"), _bad()[7][0]]))
    r = client.post("/monitoring/station-import/", {"file": upload})
    text = r.content.decode()
    assert "未导入任何一行" in text and "未知的监测要素“风向玫瑰”" in text
    assert not Station.objects.filter(code="IMP-PAGE-1").exists()
    leader = as_user("leader")
    assert "导入站点(Excel)" not in leader.get("/monitoring/stations/").content.decode()
    assert leader.get("/monitoring/station-import/").status_code == 403
    upload = SimpleUploadedFile("站点.xlsx", _book([_row("IMP-PAGE-2")]))
    assert leader.post("/monitoring/station-import/", {"file": upload}).status_code == 403
    assert not Station.objects.filter(code="IMP-PAGE-2").exists()


def test_water_and_tank_limits_come_from_their_columns(persona):
    user = persona("county_a")
    x, y = point_in("620104")
    assert HEADER[10:] == ["警戒水位", "保证水位", "高液位", "高高液位"]
    rows = [
        ["IMP-WL-1", "西固水位站", "水位站", "", "", x, y, "", "水位", "", 1512, 1514.5, "", ""],
        ["IMP-TK-1", "西固储罐", "危化储罐", "", "", x, y, "", "储罐液位", "", "", "", 12, "十三"],
        ["IMP-TK-2", "西固储罐2", "危化储罐", "", "", x, y, "", "储罐液位", "", 1512, "", "", ""],
    ]
    result = _run(user, _book(rows), only_valid=True)
    assert result["imported"] == 1
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(3, "高高液位"), (4, "警戒水位")]
    assert "应为数字" in result["errors"][0]["message"]
    assert "没有水位" in result["errors"][1]["message"]
    station = Station.objects.get(code="IMP-WL-1")
    assert station.elements[0]["limits"] == {"warning": 1512.0, "guarantee": 1514.5}
