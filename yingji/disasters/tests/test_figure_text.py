"""The figures read as written, not as Python prints a Decimal: the demo's confirmed 直接经济损失
is 388 + 118 (JSON floats summed to Decimal("506.0")) and must read "506万元" in the Word
report, the release text and the roll-up table."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest

from yingji.disasters import documents, selectors
from yingji.disasters.models import DisasterProcess

pytestmark = pytest.mark.django_db


def _process():
    return DisasterProcess.objects.get(name__endswith="暴雨山洪灾害(演示)")


def test_the_demo_total_is_a_decimal_with_a_trailing_zero(persona):
    # The premise of the flaw: the sum really is Decimal("506.0"), which str() prints as "506.0".
    total = selectors.rollup(_process(), persona("section"))["total_figures"]["direct_loss"]
    assert total == Decimal(506) and str(total) == "506.0"


def test_release_text_reads_506_wan_yuan(persona):
    from django.utils import timezone

    process = _process()
    total = selectors.rollup(process, persona("section"))["total_figures"]
    text = documents.release_text(process, "兰州市", total, timezone.now())
    assert "直接经济损失506万元" in text and "506.0" not in text


def test_word_report_reads_506_wan_yuan(as_user):
    from docx import Document

    process = _process()
    r = as_user("section").get(f"/disasters/processes/{process.pk}/report.docx")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "直接经济损失506万元" in text
    assert "506" in cells and not any(re.fullmatch(r"\d+\.0", c) for c in cells)


def test_rollup_page_cells_have_no_trailing_zero(as_user):
    process = _process()
    html = as_user("section").get(f"/disasters/processes/{process.pk}/").content.decode()
    table = html[html.index('id="rollup"') : html.index("</table>", html.index('id="rollup"'))]
    assert ">506<" in table
    assert not re.search(r">\d[\d,]*\.0<", table)
