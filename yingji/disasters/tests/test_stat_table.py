"""The 自然灾害损失情况统计表 export (统计调查制度 layout): opened in openpyxl, its figures are the
roll-up's, its head is merged as the 制度's tables are, hostile text stays text."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from yingji.disasters import selectors
from yingji.disasters.models import DisasterProcess
from yingji.geo.models import Region
from yingji.standards import disaster_stats as stats

pytestmark = pytest.mark.django_db


def _process():
    return DisasterProcess.objects.get(name__endswith="暴雨山洪灾害(演示)")


def _sheet(client, process, query=""):
    r = client.get(f"/disasters/processes/{process.pk}/table.xlsx{query}")
    assert r.status_code == 200, r.status_code
    assert "attachment" in r["Content-Disposition"]
    return load_workbook(io.BytesIO(r.content)).active


def _by_code(ws) -> dict[str, list]:
    """Body rows keyed by region code (column B), from the first row after the head."""
    out = {}
    for row in ws.iter_rows(min_row=8, values_only=True):
        if row[1] and str(row[1]).isdigit():
            out[str(row[1])] = list(row)
    return out


def _figures(row: list) -> dict:
    codes = stats.indicator_codes()
    return {c: Decimal(str(v)) for c, v in zip(codes, row[4:], strict=True) if v is not None}


def _number(figures: dict) -> dict:
    return {c: Decimal(str(v)) for c, v in figures.items() if v is not None}


def test_city_table_has_the_header_block_and_the_merged_head(as_user):
    ws = _sheet(as_user("section"), _process())
    assert ws.title == "自然灾害损失情况统计表" and ws["A1"].value == "自然灾害损失情况统计表"
    assert ws["A2"].value == "填报单位:" and ws["B2"].value == "兰州市应急管理局"
    assert ws["J2"].value == _process().name and ws["R2"].value == _process().get_kind_display()
    assert ws["A3"].value == "报告类型:" and "(汇总)" in ws["B3"].value
    merged = {str(m) for m in ws.merged_cells.ranges}
    # 人员受灾 over its five indicators, 倒塌房屋 over 户 and 间, the lead columns over three rows
    assert ws["E5"].value == "人员受灾" and "E5:I5" in merged
    assert ws["J6"].value == "倒塌房屋" and "J6:K6" in merged
    assert "A5:A7" in merged and ws["A5"].value == "区划名称"
    assert [ws["J7"].value, ws["K7"].value] == ["户", "间"]
    assert ws["E7"].value == "人次" and ws["S7"].value == "万元"
    assert ws["S6"].value == "直接经济损失"


def test_city_table_figures_are_the_rollup(as_user, persona):
    process = _process()
    ws = _sheet(as_user("section"), process)
    rows = _by_code(ws)
    rollup = selectors.rollup(process, persona("section"))
    for row in rollup["rows"]:
        assert _figures(rows[row["region"].code]) == _number(row["figures"]), row["region"].name
    # 西固区's townships under it, as the county's roll-up counts them
    xigu = Region.objects.get(code="620104")
    for t in selectors.county_rollup(process, persona("section"), xigu)["rows"]:
        assert rows[t["region"].code][2] == "乡(镇、街道)"
        assert _figures(rows[t["region"].code]) == _number(t["figures"])
    total = next(r for r in ws.iter_rows(values_only=True) if r[0] == "合计(已审核)")
    assert _figures(list(total)) == _number(rollup["total_figures"])
    assert _figures(list(total))["direct_loss"] == 506
    texts = [r[0] for r in ws.iter_rows(values_only=True) if r[0]]
    assert any(t.startswith("待审核未计入:") and "受灾人口 +40" in t for t in texts)
    assert "未报送的县区:七里河区" in texts
    assert any("表号、制定机关和批准文号未经核对" in t for t in texts)


def test_county_table_is_its_townships_and_its_own(as_user, persona):
    process = _process()
    ws = _sheet(as_user("county_a"), process, "?region=620104")
    assert ws["B2"].value == "西固区应急管理局"
    rows = _by_code(ws)
    data = selectors.county_rollup(process, persona("county_a"), Region.objects.get(code="620104"))
    assert {c for c in rows if len(c) > 6} == {t["region"].code for t in data["rows"]}
    assert "620102" not in rows  # nothing of 城关区


def test_county_table_of_another_county_is_refused(as_user):
    process = _process()
    r = as_user("county_a").get(f"/disasters/processes/{process.pk}/table.xlsx?region=620102")
    assert r.status_code == 404
    assert as_user("enterprise").get(
        f"/disasters/processes/{process.pk}/table.xlsx"
    ).status_code in (
        403,
        404,
    )
    r = as_user("section").get(f"/disasters/processes/{process.pk}/table.xlsx?region=999999")
    assert r.status_code == 404


def test_hostile_text_stays_text(as_user):
    process = _process()
    hostile = '=HYPERLINK("http://evil.example","点我")'
    DisasterProcess.objects.filter(pk=process.pk).update(name=hostile + "\x07")
    ws = _sheet(as_user("section"), process)
    cell = ws["J2"]
    assert cell.value == hostile and cell.data_type == "s"  # not a formula, control char gone
