"""List exports are streamed (the first bytes leave before the last row is read) and built from
values() where the columns allow it; the xlsx is a valid workbook with text never a formula."""

import io

import pytest
from openpyxl import load_workbook

from yingji.core.listing import xlsx_stream

pytestmark = pytest.mark.django_db


def test_hazard_exports_are_streamed_and_complete(as_user):
    from yingji.hazards.models import Hazard

    client = as_user("city_admin")
    csv_response = client.get("/hazards/?export=csv")
    xlsx_response = client.get("/hazards/?export=xlsx")
    assert csv_response.streaming and xlsx_response.streaming
    lines = csv_response.getvalue().decode("utf-8-sig").splitlines()
    rows = list(
        load_workbook(io.BytesIO(xlsx_response.getvalue())).active.iter_rows(values_only=True)
    )
    assert len(lines) == len(rows) == Hazard.objects.count() + 1
    assert rows[0][0] == "编号" and lines[0].startswith("编号")


def test_xlsx_stream_types():
    data = b"".join(
        xlsx_stream(
            "表:1/2",
            ["文字", "数", "空", "小数"],
            [["=1+1", 42, None, 1.5], ["<b>&", -3, "", float("nan")]],
        )
    )
    ws = load_workbook(io.BytesIO(data)).active
    (a, b, c, d), (e, f, g, h) = ws.iter_rows(min_row=2)
    assert a.value == "=1+1" and a.data_type == "s"
    assert b.value == 42 and b.data_type == "n" and d.value == 1.5
    assert e.value == "<b>&" and f.value == -3 and h.value == "nan"
    assert ws.title == "表12"
