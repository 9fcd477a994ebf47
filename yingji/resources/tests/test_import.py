"""Importing a 储备台账 from Excel: bad rows (unknown item, negative quantity, unknown site)
give row errors in Chinese and nothing is written; on request the good rows are kept."""

import io

import pytest
from openpyxl import Workbook

from yingji.core.context import actor_context
from yingji.core.errors import ValidationFailed
from yingji.resources.importing import COLUMNS, do_import_ledger
from yingji.resources.models import Movement

from .helpers import CITY, TENT, WATER, XIGU, balance

pytestmark = pytest.mark.django_db


def _book(rows, header=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "储备台账"
    ws.append(header or [label for _, label in COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [XIGU, TENT, "救灾帐篷(12平方米)", 20, "B-IMP", None, "RK-IMP-1", "期初"]
BAD = [
    [XIGU, "1999999", "", 5, "", None, "RK-IMP-2", ""],  # unknown item
    [XIGU, WATER, "瓶装饮用水", -5, "", None, "RK-IMP-3", ""],  # negative quantity
    ["NO-SUCH-SITE", TENT, "", 5, "", None, "RK-IMP-4", ""],  # unknown site
    [CITY, TENT, "", 5, "", None, "RK-IMP-5", ""],  # a site the county does not keep
    [XIGU, TENT, "棉被", 5, "", None, "RK-IMP-6", ""],  # name disagrees with the code
]


def _run(user, data, only_valid=False):
    with actor_context(user, source="test"):
        return do_import_ledger(actor=user, data=data, only_valid=only_valid)


def test_bad_rows_are_reported_in_chinese_and_nothing_is_written(persona):
    user = persona("county_a")
    before, lines = balance(XIGU, TENT), Movement.objects.count()
    result = _run(user, _book([GOOD, *BAD]))
    assert not result["kept"] and result["imported"] == 0
    by_row = {e["row"]: e for e in result["errors"]}
    assert set(by_row) == {3, 4, 5, 6, 7}
    assert by_row[3]["column"] == "物资编码" and "物资目录中没有" in by_row[3]["message"]
    assert by_row[4]["column"] == "数量" and "正整数" in by_row[4]["message"]
    assert by_row[5]["column"] == "储备库编码" and "NO-SUCH-SITE" in by_row[5]["message"]
    assert by_row[6]["column"] == "储备库编码" and "有权管理" in by_row[6]["message"]
    assert by_row[7]["column"] == "物资名称" and "不一致" in by_row[7]["message"]
    assert balance(XIGU, TENT) == before and Movement.objects.count() == lines


def test_only_the_good_rows_when_asked(persona):
    user = persona("county_a")
    before = balance(XIGU, TENT)
    result = _run(user, _book([GOOD, *BAD]), only_valid=True)
    assert result["kept"] and result["imported"] == 1 and len(result["errors"]) == 5
    assert balance(XIGU, TENT) == before + 20
    assert Movement.objects.filter(document_no="RK-IMP-1", batch="B-IMP").count() == 1


def test_a_wrong_header_or_a_non_workbook_is_refused(persona):
    user = persona("county_a")
    with pytest.raises(ValidationFailed, match="表头与模板不符"):
        _run(user, _book([GOOD], header=["编码", "数量"]))
    with pytest.raises(ValidationFailed, match="无法读取"):
        _run(user, b"not a workbook")


def test_the_import_page(as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user("county_a")
    assert client.get("/resources/import/template/").status_code == 200
    upload = SimpleUploadedFile("台账.xlsx", _book([GOOD, BAD[0]]))
    r = client.post("/resources/import/run/", {"file": upload})
    assert r.status_code == 200
    text = r.content.decode()
    assert "未导入任何一行" in text and "物资目录中没有编码为“1999999”的物资" in text
    assert as_user("leader").get("/resources/import/").status_code == 403
