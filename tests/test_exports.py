"""Issue #10, items 4 and 5: what users wrote leaves the platform as text. A value starting with
=, +, -, @, tab or CR never becomes a formula; a control character already stored (a NUL byte)
does not break any export; numbers stay numbers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from yingji.core.cells import csv_cell, plain, xlsx_cell

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","点此")'


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+86 0931", "'+86 0931"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("正常文字", "正常文字"),
        ("a\x00b", "ab"),
        (-2, -2),
        (3.5, 3.5),
        (True, "是"),
        (None, ""),
    ],
)
def test_csv_cells(value, expected):
    assert csv_cell(value) == expected


def test_xlsx_cells_keep_the_text_but_never_a_formula():
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("t")
    ws.append([xlsx_cell(ws, FORMULA), xlsx_cell(ws, 42), xlsx_cell(ws, "a\x00b")])
    buf = io.BytesIO()
    wb.save(buf)
    cell_a, cell_b, cell_c = next(load_workbook(io.BytesIO(buf.getvalue())).active.iter_rows())
    assert cell_a.value == FORMULA and cell_a.data_type == "s"
    assert cell_b.value == 42 and cell_b.data_type == "n"
    assert cell_c.value == "ab"
    assert plain("\x07响铃") == "响铃"


def _hostile_hazard():
    """A hazard whose stored description holds a formula and a NUL byte, as if it had been
    stored before the input edge refused them (written with a queryset update)."""
    from yingji.hazards.models import Hazard

    hazard = Hazard.objects.filter(enterprise__organisation__code="DEMO-ENT-620104-01").first()
    # ESC, not NUL: PostgreSQL refuses NUL in text at all; openpyxl refuses both
    Hazard.objects.filter(pk=hazard.pk).update(description=FORMULA + "\x1b尾")
    return hazard


def test_list_exports_survive_and_neutralise(as_user):
    _hostile_hazard()
    client = as_user("county_a")
    response = client.get("/hazards/?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows())
    cells = [c for row in rows for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    assert all("\x1b" not in c.value for c in cells)
    text = client.get("/hazards/?export=csv").getvalue().decode("utf-8-sig")
    found = [v for row in csv.reader(io.StringIO(text)) for v in row if "HYPERLINK" in v]
    assert found and all(v.startswith("'=") for v in found)


def test_the_enterprise_ledgers_survive_and_neutralise(as_user):
    from yingji.enterprises.models import Enterprise
    from yingji.risk.models import RiskPoint

    ent = Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")
    point = RiskPoint.objects.filter(enterprise=ent).first()
    RiskPoint.objects.filter(pk=point.pk).update(name=FORMULA + "\x1b")
    client = as_user("county_a")
    xlsx = client.get(f"/risk/enterprises/{ent.pk}/ledger.xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.getvalue()))
    cells = [
        c
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells and all(c.data_type == "s" for c in cells)
    docx = client.get(f"/risk/enterprises/{ent.pk}/ledger.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
