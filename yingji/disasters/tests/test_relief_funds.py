"""救助: 救灾资金 by level (allocated ≤ received), 救灾物资 from the resources ledger's 出库 lines
or by hand, the persons helped against 需紧急生活救助 (a warning needing a note), the Excel
import of the household lists, the pages, the API and the denials."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from yingji.core.context import actor_context
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.schemas import validate
from yingji.disasters import relief, selectors, services
from yingji.disasters.models import DisasterProcess, ReliefFund, ReliefRecord, ReliefSupply
from yingji.disasters.schemas import ReliefFundIn, ReliefIn, ReliefSupplyIn

pytestmark = pytest.mark.django_db


def _process():
    return DisasterProcess.objects.get(name__endswith="暴雨山洪灾害(演示)")


def _fund(**kw):
    base = {
        "process": _process().pk,
        "year": timezone.localdate().year,
        "purpose": "emergency",
        "source": "region",
        "amount": "10",
        "on": timezone.localdate(),
    }
    return ReliefFundIn(**(base | kw))


def _lines(summary) -> dict:
    return {r["region"].code: r for r in summary["rows"]}


def test_demo_funds_add_up_by_level(persona):
    rows = _lines(relief.fund_summary(persona("section"), process=_process()))
    assert rows["620100"]["received"] == 200 and rows["620100"]["allocated"] == 130
    assert rows["620100"]["balance"] == 70 and rows["620100"]["findings"] == []
    assert rows["620104"]["received"] == 80 and rows["620104"]["allocated"] == 60
    assert rows["620104103"]["received"] == 40
    assert rows["620100"]["sources"] == {"省级": Decimal(200)}


def test_a_county_reads_its_own_levels_only(persona):
    rows = _lines(relief.fund_summary(persona("county_a"), process=_process()))
    assert set(rows) == {"620104", "620104103", "620104104"}
    assert all(not r["findings"] for r in rows.values())
    assert not relief.visible_funds(persona("county_a")).filter(to_region__code="620102").exists()


def test_allocating_more_than_received_is_refused_and_writes_nothing(persona):
    xigu = persona("county_a")
    before = ReliefFund.objects.count()
    with actor_context(xigu, source="test"), pytest.raises(ValidationFailed) as err:
        relief.do_record_relief_fund(
            actor=xigu, data=_fund(from_region="620104", to_region="620104103", amount="20.01")
        )
    assert "西固区下拨合计80.01万元,超过本级已接收的80万元" in err.value.message
    assert err.value.details["field"] == "amount"
    assert ReliefFund.objects.count() == before
    with actor_context(xigu, source="test"):  # exactly the balance goes through
        fund = relief.do_record_relief_fund(
            actor=xigu, data=_fund(from_region="620104", to_region="620104103", amount="20")
        )
    assert fund.recorded_by == xigu and relief.region_balance(
        fund.from_region, fund.process, fund.year
    )["balance"] == Decimal(0)


def test_allocation_goes_one_level_down_only(persona):
    city = persona("section")
    with actor_context(city, source="test"), pytest.raises(ValidationFailed) as err:
        relief.do_record_relief_fund(
            actor=city, data=_fund(from_region="620100", to_region="620104103")
        )
    assert "只能下拨到其下一级区划" in err.value.message


def test_a_county_cannot_record_the_citys_allocation(persona):
    xigu = persona("county_a")
    before = ReliefFund.objects.count()
    with actor_context(xigu, source="test"), pytest.raises(NotPermitted):
        relief.do_record_relief_fund(
            actor=xigu, data=_fund(from_region="620100", to_region="620104", amount="1")
        )
    assert ReliefFund.objects.count() == before


def test_fund_input_says_what_is_wrong():
    parsed = validate(
        ReliefFundIn,
        {
            "year": 2026,
            "purpose": "emergency",
            "source": "region",
            "to_region": "620104",
            "amount": "5",
            "on": "2026-07-01",
        },
    )
    assert not parsed.ok and "须填写拨出区划" in json.dumps(parsed.errors, ensure_ascii=False)
    parsed = validate(
        ReliefFundIn,
        {
            "year": 2026,
            "purpose": "emergency",
            "source": "central",
            "to_region": "620100",
            "amount": "-5",
            "on": "2026-07-01",
        },
    )
    assert not parsed.ok and any(e["field"] == "amount" for e in parsed.errors)


def _out_line(quantity=30, kind="out"):
    from yingji.resources.models import Movement, Stock

    stock = Stock.objects.filter(site__code__contains="XG").first() or Stock.objects.first()
    return Movement.objects.create(
        stock=stock,
        kind=kind,
        quantity=-quantity if kind == "out" else quantity,
        document_no="CK-TEST-01",
        reason="救灾发放",
        occurred_at=timezone.now(),
    )


def test_supplies_from_a_ledger_outbound_line(persona):
    city = persona("section")
    line = _out_line(30)
    process = _process()
    assert line.pk in [m.pk for m in relief.unlinked_movements(city, process)]
    with actor_context(city, source="test"):
        supply = relief.do_record_relief_supply(
            actor=city,
            data=ReliefSupplyIn(process=process.pk, region="620104103", movement=line.pk),
        )
    assert supply.movement_ref == line.pk and supply.from_ledger
    assert supply.item_name == line.stock.item.name and supply.quantity == 30
    assert supply.document_no == "CK-TEST-01" and supply.source_site == line.stock.site.name
    assert line.pk not in [m.pk for m in relief.unlinked_movements(city, process)]
    totals = {t["item_name"]: t["quantity"] for t in relief.supply_totals(city, process)}
    assert totals[line.stock.item.name] >= 30
    with (
        actor_context(city, source="test"),
        pytest.raises(ValidationFailed) as err,
    ):  # given out once
        relief.do_record_relief_supply(
            actor=city,
            data=ReliefSupplyIn(process=process.pk, region="620104103", movement=line.pk),
        )
    assert "已登记为救灾物资发放" in err.value.message


def test_an_inbound_line_is_not_a_distribution(persona):
    city = persona("section")
    line = _out_line(5, kind="in")
    before = ReliefSupply.objects.count()
    with actor_context(city, source="test"), pytest.raises(ValidationFailed) as err:
        relief.do_record_relief_supply(
            actor=city,
            data=ReliefSupplyIn(process=_process().pk, region="620104103", movement=line.pk),
        )
    assert err.value.details["field"] == "movement" and ReliefSupply.objects.count() == before


def test_supplies_by_hand_need_item_and_quantity():
    parsed = validate(ReliefSupplyIn, {"process": 1, "region": "620104103", "item_name": "棉被"})
    assert not parsed.ok and "须填写物资名称和数量" in json.dumps(parsed.errors, ensure_ascii=False)


def _chengguan_village():
    from yingji.geo.models import Region

    return Region.objects.filter(level="village", code__startswith="620102").order_by("code")[0]


def test_persons_over_need_aid_warn_and_need_a_note(persona):
    cg = persona("county_b")
    process = _process()
    need = selectors.county_need_aid(process, cg, _chengguan_village().parent.parent)
    helped = sum(
        ReliefRecord.objects.filter(
            process=process, kind="transition", region__path__startswith="/620100/620102/"
        ).values_list("persons", flat=True)
    )
    extra = int(need) - helped + 1  # one person over
    assert 1 <= extra <= 50
    data = {
        "kind": "transition",
        "process": process.pk,
        "region": _chengguan_village().code,
        "head_name": "张测试",
        "persons": extra,
        "amount": "900",
    }
    before = ReliefRecord.objects.count()
    with actor_context(cg, source="test"), pytest.raises(ValidationFailed) as err:
        services.do_record_relief(actor=cg, data=ReliefIn(**data))
    assert err.value.details["field"] == "warning_reason"
    assert f"超过已审核报告的需紧急生活救助人口({need}人次)" in err.value.message
    assert ReliefRecord.objects.count() == before
    with actor_context(cg, source="test"):
        record = services.do_record_relief(
            actor=cg, data=ReliefIn(**data, warning_reason="续报尚未审核,名单先行发放")
        )
    assert record.warning_reason == "续报尚未审核,名单先行发放"
    checks = {c["region"].code: c for c in relief.relief_checks(process, cg)}
    assert checks["620102"]["helped"] == need + 1 and checks["620102"]["findings"]


def _xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = relief.SHEET
    ws.append([label for _, label in relief.COLUMNS])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "名单.xlsx"
    return buf


def test_import_refuses_all_when_a_row_is_wrong_then_keeps_the_good_ones(as_user):
    client = as_user("county_a")
    process = _process()
    good = [
        ["过渡期生活救助", "620104103201", "李导入", 2, 1800, "2026-07-03", "导入"],
        ["过渡期生活救助", "620104103203", "赵导入", 1, 900, None, ""],
    ]
    bad = ["不存在的类型", "620104103201", "钱导入", 60, 100, None, ""]
    before = ReliefRecord.objects.count()
    page = client.post(
        "/disasters/relief/import/", {"process": process.pk, "file": _xlsx([*good, bad])}
    )
    html = page.content.decode()
    assert page.status_code == 200 and ReliefRecord.objects.count() == before
    assert "不是可选值" in html and "救助人数" in html  # row 4: the kind and the persons
    page = client.post(
        "/disasters/relief/import/",
        {"process": process.pk, "file": _xlsx([*good, bad]), "only_valid": "true"},
    )
    assert ReliefRecord.objects.count() == before + 2
    assert ReliefRecord.objects.filter(head_name="李导入", region__code="620104103201").exists()


def test_import_of_another_countys_household_is_a_row_error(as_user):
    before = ReliefRecord.objects.count()
    row = ["冬春生活救助", _chengguan_village().code, "孙导入", 2, 500, None, ""]
    page = as_user("county_a").post("/disasters/relief/import/", {"file": _xlsx([row])})
    assert ReliefRecord.objects.count() == before
    assert "未导入任何行" in page.content.decode()


def test_template_download_has_the_columns(as_user):
    r = as_user("county_a").get("/disasters/relief/template.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]] == [label for _, label in relief.COLUMNS]


def test_relief_page_shows_funds_supplies_and_checks(as_user):
    process = _process()
    html = as_user("section").get(f"/disasters/processes/{process.pk}/relief/").content.decode()
    assert 'id="fund-summary"' in html and "下拨未超过接收" in html
    assert "棉被" in html and "手工登记" in html and 'id="fund-form"' in html
    county = as_user("county_a").get(f"/disasters/processes/{process.pk}/relief/").content.decode()
    table = county[
        county.index('id="supplies"') : county.index("</table>", county.index('id="supplies"'))
    ]
    assert "棉被" in table and "帐篷" not in table  # 城关区's supplies are not listed
    leader = as_user("leader").get(f"/disasters/processes/{process.pk}/relief/").content.decode()
    assert 'id="fund-form"' not in leader and 'id="supply-form"' not in leader
    assert as_user("enterprise").get(f"/disasters/processes/{process.pk}/relief/").status_code in (
        403,
        404,
    )


def test_fund_form_refusal_is_shown_and_nothing_written(as_user):
    process = _process()
    before = ReliefFund.objects.count()
    r = as_user("county_a").post(
        f"/disasters/processes/{process.pk}/relief/fund/",
        {
            "year": timezone.localdate().year,
            "purpose": "emergency",
            "source": "region",
            "from_region": "620104",
            "to_region": "620104104",
            "amount": "999",
            "on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert "超过本级已接收" in r.content.decode() and ReliefFund.objects.count() == before


def test_lists_export(as_user):
    r = as_user("section").get("/disasters/relief/funds/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.values)
    assert rows[0][0] == "接收区划" and len(rows) >= 7
    r = as_user("county_a").get("/disasters/relief/supplies/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.values)
    assert {row[3] for row in rows[1:]} == {"达川镇"}


def test_api_funds_and_supplies(as_user):
    client = as_user("section")
    process = _process()
    r = client.post(
        "/api/v1/disasters/relief-funds",
        json.dumps(
            {
                "process": process.pk,
                "year": timezone.localdate().year,
                "purpose": "emergency",
                "source": "central",
                "to_region": "620100",
                "amount": "12.5",
                "on": timezone.localdate().isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["amount"] == 12.5
    listed = client.get(f"/api/v1/disasters/relief-funds?process={process.pk}").json()
    assert any(f["id"] == r.json()["id"] for f in listed)
    r = client.post(
        "/api/v1/disasters/relief-supplies",
        json.dumps(
            {
                "process": process.pk,
                "region": "620104104",
                "item_name": "矿泉水",
                "unit": "箱",
                "quantity": "100",
                "distributed_on": "2026-07-02",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["movement_ref"] is None
    r = as_user("county_a").post(
        "/api/v1/disasters/relief-supplies",
        json.dumps(
            {
                "process": process.pk,
                "region": _chengguan_village().code,
                "item_name": "矿泉水",
                "quantity": "1",
                "distributed_on": "2026-07-02",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 403
