"""The organisations API: scope, filters, rename with its schema and its refusals."""

import pytest

from yingji.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_a_county_lists_its_enterprises_and_the_public_bureaus_only(as_user):
    rows = as_user("county_a").get("/api/v1/organisations", {"kind": "enterprise"}).json()
    assert rows and all(r["region_code"].startswith("620104") for r in rows)
    sections = as_user("county_a").get("/api/v1/organisations", {"kind": "section"}).json()
    assert any(r["name"] == "办公室" for r in sections)


def test_filters_by_region_and_name(as_user):
    client = as_user("city_admin")
    rows = client.get("/api/v1/organisations", {"region": "620102", "kind": "enterprise"}).json()
    assert rows and all(r["region_code"].startswith("620102") for r in rows)
    named = client.get("/api/v1/organisations", {"q": "办公室"}).json()
    assert [r["name"] for r in named] == ["办公室"]
    assert named[0]["kind_label"] == "局机关科室"


def test_rename_through_the_api_keeps_the_old_name_as_an_alias(as_user):
    org = Organisation.objects.get(name="办公室")
    response = as_user("city_admin").post(
        f"/api/v1/organisations/{org.pk}/rename",
        {"name": "局办公室", "version": org.version},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "局办公室" and {"name": "办公室", "confirmed": True} in body["aliases"]


@pytest.mark.parametrize(
    "payload, status, message",
    [
        ({"name": "", "version": 1}, 422, None),
        ({"name": "x" * 201, "version": 1}, 422, "新名称:不能超过 200 个字"),
        ({"name": "局\x00办公室", "version": 1}, 422, "控制字符"),
        ({"name": "局办公室"}, 422, "版本:必填"),
        ({"name": "局办公室", "version": 999}, 409, "已被他人修改"),
    ],
)
def test_rename_refusals_change_nothing(as_user, payload, status, message):
    org = Organisation.objects.get(name="办公室")
    response = as_user("city_admin").post(
        f"/api/v1/organisations/{org.pk}/rename", payload, content_type="application/json"
    )
    assert response.status_code == status
    if message:
        assert message in response.json()["message"]
    org.refresh_from_db()
    assert org.name == "办公室"


def test_a_county_cannot_rename_a_city_section(as_user):
    org = Organisation.objects.get(name="办公室")
    response = as_user("county_a").post(
        f"/api/v1/organisations/{org.pk}/rename",
        {"name": "被改名", "version": org.version},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    org.refresh_from_db()
    assert org.name == "办公室"


def test_the_rename_page_uses_the_same_schema(as_user):
    org = Organisation.objects.get(name="办公室")
    page = as_user("city_admin").post(
        f"/orgs/{org.pk}/rename/", {"name": "x" * 201, "version": org.version}, follow=True
    )
    assert "新名称:不能超过 200 个字" in page.content.decode()
    org.refresh_from_db()
    assert org.name == "办公室"
