"""Excel import: the template, per-row errors (row, column, what), "import the valid rows" or
"import nothing", duplicate USCCs merged only on confirmation, nothing half-written."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.enterprises.importing import (
    COLUMNS,
    build_template,
    do_apply_enterprise_import,
    do_preview_enterprise_import,
)
from yingji.enterprises.models import Enterprise, EnterpriseImport
from yingji.enterprises.validation import FIELD_LABELS
from yingji.orgs.models import Organisation

from .helpers import new_uscc, point_in

pytestmark = pytest.mark.django_db


def row(name, code="620104", **extra):
    lon, lat = point_in(code)
    values = {
        "name": name,
        "uscc": new_uscc(code),
        "region": code,
        "sector": "机械",
        "scale": "小型",
        "employees": 30,
        "status": "在业",
        "lon": lon,
        "lat": lat,
        "coord_system": "WGS84",
    }
    values.update(extra)
    return values


def workbook(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    ws.append([FIELD_LABELS[k] for k in COLUMNS])
    for r in rows:
        ws.append([r.get(k, "") for k in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("企业.xlsx", buf.getvalue())


def test_template_has_every_column_and_an_explanation_sheet(as_user):
    response = as_user("county_a").get(reverse("enterprises:import_template"))
    wb = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in wb["企业名录"][1]]
    assert header == [FIELD_LABELS[k] for k in COLUMNS]
    assert "填写说明" in wb.sheetnames
    assert build_template()[:2] == b"PK"


def test_bad_rows_are_reported_by_row_and_column(persona, ctx):
    lon_cg, lat_cg = point_in("620102")
    good = row("导入好公司一")
    rows = [
        good,
        row("坏代码公司", uscc="91620104000000001X"),  # wrong check char
        row("坏行业公司", sector="造船"),
        row("错区公司", lon=lon_cg, lat=lat_cg),  # point in 城关区, declared 西固区
        row("", employees="很多"),  # empty name + bad number
        row("重复行公司", uscc=good["uscc"]),  # same USCC as row 2
    ]
    batch = do_preview_enterprise_import(actor=persona("county_a"), upload=workbook(rows))
    errors = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "第18位应为" in errors[(3, "统一社会信用代码")]
    assert "造船" in errors[(4, "行业类别")]
    assert "位于城关区" in errors[(5, "所在县区")]
    assert "不能为空" in errors[(6, "企业名称")] and "很多" in errors[(6, "从业人员数")]
    assert "与第2行重复" in errors[(7, "统一社会信用代码")]
    assert [r["row"] for r in batch.rows] == [2]
    assert batch.total_rows == 6
    # nothing is written at preview time
    assert not Organisation.objects.filter(name="导入好公司一").exists()


def test_import_nothing_writes_nothing(persona, ctx):
    batch = do_preview_enterprise_import(
        actor=persona("county_a"), upload=workbook([row("不导入公司"), row("坏", sector="?")])
    )
    batch = do_apply_enterprise_import(actor=persona("county_a"), batch=batch, mode="nothing")
    assert batch.state == "cancelled"
    assert not Organisation.objects.filter(name="不导入公司").exists()
    with pytest.raises(ValidationFailed):  # a batch is decided once
        do_apply_enterprise_import(actor=persona("county_a"), batch=batch, mode="valid")


def test_import_valid_rows_creates_them_with_one_event(persona, ctx):
    batch = do_preview_enterprise_import(
        actor=persona("county_a"),
        upload=workbook(
            [row("有效甲公司"), row("有效乙公司", sector="危险化学品经营"), row("坏", sector="?")]
        ),
    )
    batch = do_apply_enterprise_import(actor=persona("county_a"), batch=batch, mode="valid")
    assert batch.state == "imported" and batch.result["created"] == 2
    ents = Enterprise.objects.filter(organisation__name__in=["有效甲公司", "有效乙公司"])
    assert {e.sector for e in ents} == {"machinery", "hazchem_trade"}
    assert AuditEvent.objects.filter(
        verb="enterprises.import.applied", object_id=str(batch.pk)
    ).exists()


def test_duplicate_uscc_merges_only_when_confirmed(persona, ctx):
    own = Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")
    dup = row(own.name, uscc=own.uscc, principal="合并后负责人", employees=321)
    dup["name"] = own.name
    batch = do_preview_enterprise_import(actor=persona("county_a"), upload=workbook([dup]))
    assert batch.errors == [] and batch.duplicate_rows[0]["existing_id"] == own.pk
    batch = do_apply_enterprise_import(actor=persona("county_a"), batch=batch, mode="valid")
    own.refresh_from_db()
    assert own.principal != "合并后负责人" and batch.result["skipped"][0]["row"] == 2
    batch2 = do_preview_enterprise_import(actor=persona("county_a"), upload=workbook([dup]))
    do_apply_enterprise_import(
        actor=persona("county_a"), batch=batch2, mode="valid", merge_duplicates=True
    )
    own.refresh_from_db()
    assert own.principal == "合并后负责人" and own.employees == 321
    assert Enterprise.objects.filter(uscc=own.uscc).count() == 1


def test_a_failure_during_import_rolls_back_every_row(persona, ctx):
    batch = do_preview_enterprise_import(
        actor=persona("county_a"), upload=workbook([row("回滚甲公司"), row("回滚乙公司")])
    )
    # someone registers the second name between preview and import
    from yingji.enterprises.services import do_register_enterprise

    from .helpers import enterprise_data

    do_register_enterprise(actor=persona("county_a"), data=enterprise_data("回滚乙公司"))
    with pytest.raises(ValidationFailed) as exc:
        do_apply_enterprise_import(actor=persona("county_a"), batch=batch, mode="valid")
    assert "第3行导入失败,全部未导入" in exc.value.message
    assert not Organisation.objects.filter(name="回滚甲公司").exists()
    assert EnterpriseImport.objects.get(pk=batch.pk).state == "previewed"


def test_only_the_uploader_decides_and_bad_files_are_refused(persona, ctx):
    batch = do_preview_enterprise_import(
        actor=persona("county_a"), upload=workbook([row("别人的公司")])
    )
    with pytest.raises(NotPermitted):
        do_apply_enterprise_import(actor=persona("county_b"), batch=batch, mode="valid")
    with pytest.raises(ValidationFailed) as exc:
        do_preview_enterprise_import(
            actor=persona("county_a"), upload=SimpleUploadedFile("a.xlsx", b"PK\x03\x04 not a zip")
        )
    assert "无法读取" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        do_preview_enterprise_import(
            actor=persona("county_a"), upload=SimpleUploadedFile("a.csv", b"a,b\n")
        )
    assert ".xlsx" in exc.value.message
    wb = Workbook()
    wb.active.append(["名称", "地址"])
    wb.active.append(["x", "y"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ValidationFailed) as exc:
        do_preview_enterprise_import(
            actor=persona("county_a"), upload=SimpleUploadedFile("b.xlsx", buf.getvalue())
        )
    assert "表头缺少必填列" in exc.value.message


def test_import_through_the_web(as_user):
    client = as_user("county_a")
    response = client.post(
        reverse("enterprises:import"),
        {"file": workbook([row("网页导入公司"), row("坏", sector="?")])},
    )
    assert response.status_code == 302
    batch = EnterpriseImport.objects.latest("pk")
    page = client.get(response["Location"]).content.decode()
    assert "第 3 行" in page and "行业类别" in page
    assert as_user("county_b").get(response["Location"]).status_code == 404
    client.post(response["Location"], {"mode": "valid"})
    assert Organisation.objects.filter(name="网页导入公司").exists()
    batch.refresh_from_db()
    assert batch.state == "imported"


def test_import_through_the_api(as_user):
    client = as_user("county_a")
    response = client.post(
        "/api/v1/enterprises/import",
        {"file": workbook([row("接口导入公司"), row("坏", sector="?")])},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["valid_rows"] == 1 and body["errors"][0]["row"] == 3
    applied = client.post(
        f"/api/v1/enterprises/import/{body['id']}/apply",
        {"mode": "nothing"},
        content_type="application/json",
    )
    assert applied.json()["state"] == "cancelled"
    assert not Organisation.objects.filter(name="接口导入公司").exists()


def test_rows_are_checked_with_the_registration_schema(persona, ctx):
    """The API's schema checks each row: control characters and over-long text are refused by
    row and column, and a row's problems are listed at once (the place too)."""
    lon_cg, lat_cg = point_in("620102")
    rows = [
        row("控制字符公司", address="兰州市\u202e路固西", principal="张三\n李四"),
        row("名" * 201),
        row("多处错误公司", employees="-5", lon=lon_cg, lat=lat_cg),
        row("坏县区公司", region="火星区"),
    ]
    batch = do_preview_enterprise_import(actor=persona("county_a"), upload=workbook(rows))
    errors = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "不能包含控制字符" in errors[(2, "地址")]
    assert "应为一行文字" in errors[(2, "主要负责人")]
    assert "不能超过 200 个字" in errors[(3, "企业名称")]
    assert errors[(4, "从业人员数")] == "“-5”不能小于 0。"
    assert "位于城关区" in errors[(4, "所在县区")]
    assert "“火星区”不是本市的县区" in errors[(5, "所在县区")]
    assert batch.rows == []


def test_empty_optional_cells_import(persona, ctx):
    bare = row("只填必填列公司")
    for key in ("scale", "employees", "status", "coord_system"):
        bare[key] = ""
    batch = do_preview_enterprise_import(actor=persona("county_a"), upload=workbook([bare]))
    assert batch.errors == [] and len(batch.rows) == 1
    batch = do_apply_enterprise_import(actor=persona("county_a"), batch=batch, mode="valid")
    ent = Enterprise.objects.get(organisation__name="只填必填列公司")
    assert (ent.scale, ent.employees, ent.status, ent.coord_source) == (
        "small",
        0,
        "operating",
        "wgs84",
    )


def test_template_columns_are_the_schema_fields():
    from yingji.enterprises.schemas import EnterpriseIn

    assert COLUMNS == list(EnterpriseIn.model_fields)
    assert FIELD_LABELS["uscc"] == "统一社会信用代码" and FIELD_LABELS["coord_system"] == "坐标系"


@pytest.mark.parametrize("name", ["enterprise", "leader"])
def test_only_regulators_may_import(as_user, persona, name):
    """The 批量导入 tab, the pages and the service follow one rule: enterprises and the
    read-only leadership are refused before they fill anything in, and nothing is kept."""
    client = as_user(name)
    assert "批量导入" not in client.get(reverse("enterprises:index")).content.decode()
    for url in ("enterprises:import", "enterprises:import_template"):
        assert client.get(reverse(url)).status_code == 403
    before = EnterpriseImport.objects.count()
    with pytest.raises(NotPermitted):
        do_preview_enterprise_import(
            actor=persona(name), upload=SimpleUploadedFile("a.xlsx", workbook([row("拒")]).read())
        )
    assert (
        client.post("/api/v1/enterprises/import", {"file": workbook([row("拒")])}).status_code
        == 403
    )
    assert EnterpriseImport.objects.count() == before
