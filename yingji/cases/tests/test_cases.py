"""典型事故案例库: grade by 493号令 Art. 3, search, similar cases, Excel import (all or nothing),
permissions, pages and API."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingji.cases import selectors, services
from yingji.cases.importing import read_cases
from yingji.cases.models import Case
from yingji.cases.schemas import AccidentCaseIn
from yingji.core.errors import NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


def _case(**kw):
    base = dict(
        code="T-AL-1",
        title="测试储罐区动火火灾事故",
        occurred_on=dt.date(2026, 1, 1),
        industry="hazchem",
        accident_type="fire",
    )
    return AccidentCaseIn(**{**base, **kw})


@pytest.mark.parametrize(
    "deaths, serious, loss_wan, grade",
    [(0, 0, 0, "general"), (3, 0, 0, "larger"), (0, 0, 1000, "larger"), (2, 9, 999, "general")],
)
def test_the_grade_is_computed_by_article_3(persona, ctx, deaths, serious, loss_wan, grade):
    case = services.do_record_case(
        actor=persona("section"),
        data=_case(deaths=deaths, serious_injuries=serious, direct_loss_wan=Decimal(loss_wan)),
    )
    assert case.grade == grade and case.direct_loss == Decimal(loss_wan) * 10_000


def test_only_city_staff_record_cases(persona, ctx):
    before = Case.objects.count()
    for name in ("leader", "county_a", "enterprise"):
        with pytest.raises(NotPermitted):
            services.do_record_case(actor=persona(name), data=_case())
    assert Case.objects.count() == before
    for name in ("leader", "county_a", "enterprise"):  # but every one of them reads the library
        assert selectors.visible_cases(persona(name)).count() == before > 0


def test_search_finds_the_right_cases(persona):
    user = persona("enterprise")
    titles = [c.title for c in selectors.visible_cases(user).filter(selectors.text_q("受限空间"))]
    assert titles and all("中毒" in t for t in titles)
    both = selectors.visible_cases(user).filter(selectors.text_q("燃气 液化气"))
    assert [c.code for c in both] == ["DEMO-AL-010"]
    assert not selectors.visible_cases(user).filter(selectors.text_q("核电站")).exists()


def test_a_crafted_near_duplicate_is_the_most_similar(persona, ctx):
    original = Case.objects.get(code="DEMO-AL-003")  # 受限空间中毒
    twin = services.do_record_case(
        actor=persona("section"),
        data=_case(
            code="T-AL-TWIN",
            title="某化工企业反应釜受限空间中毒事故",
            industry="hazchem",
            accident_type="poisoning",
            narrative=original.narrative,
            direct_causes=original.direct_causes,
            indirect_causes=original.indirect_causes,
        ),
    )
    ranked = selectors.similar(persona("county_b"), original)
    assert ranked[0][0] == twin and "事故类型相同" in ranked[0][2]
    assert original not in [c for c, _, _ in ranked]


def _xlsx(rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["案例编号", "案例标题", "发生日期", "行业", "事故类型", "死亡人数", "标签"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_all_or_nothing(persona, ctx):
    good = [
        "T-X-1",
        "导入测试高处坠落事故",
        dt.date(2025, 5, 1),
        "建筑施工",
        "高处坠落",
        3,
        "脚手架、安全带",
    ]
    bad = ["T-X-2", "导入测试错误行事故", "不是日期", "建筑施工", "飞行", 0, ""]
    with pytest.raises(ValidationFailed) as err:
        read_cases(_xlsx([good, bad]))
    assert "第3行" in err.value.message and "第2行" not in err.value.message
    assert not Case.objects.filter(code__startswith="T-X-").exists()
    rows = read_cases(_xlsx([good]))
    cases = services.do_import_cases(actor=persona("section"), rows=rows, file_name="a.xlsx")
    assert cases[0].grade == "larger" and cases[0].tags == ["脚手架", "安全带"]
    with pytest.raises(ValidationFailed):  # the same code again: nothing
        services.do_import_cases(actor=persona("section"), rows=rows, file_name="a.xlsx")
    assert Case.objects.filter(code="T-X-1").count() == 1


def test_pages_and_api(as_user):
    ent = as_user("enterprise")
    page = ent.get("/cases/?q=瓦斯").content.decode()
    assert "<mark>瓦斯</mark>爆炸事故" in page and "建筑工地高处坠落" not in page
    assert "录入案例" not in page
    case = Case.objects.get(code="DEMO-AL-001")
    detail = ent.get(case.get_absolute_url()).content.decode()
    assert "第三条" in detail and "DEMO-AL-002" not in detail and "化工助剂企业储罐区火灾" in detail
    similar = ent.get(f"/api/v1/cases/{case.pk}/similar").json()
    assert similar[0]["case"]["code"] == "DEMO-AL-002"  # the other 储罐区 fire
    r = ent.get("/api/v1/cases?q=燃气&industry=gas")
    gas = Case.objects.filter(industry="gas", search_text__contains="燃气").count()
    assert r.status_code == 200 and int(r["X-Total-Count"]) == gas >= 2
    r = as_user("leader").post(
        "/api/v1/cases", {"code": "X", "title": "xxxx"}, content_type="application/json"
    )
    assert r.status_code in (403, 422)
    upload = SimpleUploadedFile(
        "cases.xlsx",
        _xlsx([["T-Y-1", "接口导入测试事故", dt.date(2025, 1, 1), "商贸服务", "火灾", 0, ""]]),
    )
    r = as_user("section").post("/api/v1/cases/import", {"file": upload})
    assert r.status_code == 201 and r.json()["codes"] == ["T-Y-1"]
