"""API shell: tokens (hashed, revocable, last-used), the error format, regions and me."""

import pytest

from yingji.core.models import APIToken, hash_token

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/me",
        "/api/v1/regions",
        "/api/v1/regions/boundaries",
        "/api/v1/organisations",
        "/api/v1/tokens",
    ):
        assert path in schema["paths"], path


def test_token_lifecycle(as_user):
    from django.test import Client

    client = Client()
    session = as_user("county_a")
    created = session.post("/api/v1/tokens", {"name": "脚本"}, content_type="application/json")
    assert created.status_code == 201
    key = created.json()["key"]
    token = APIToken.objects.get(pk=created.json()["id"])
    assert token.key_hash == hash_token(key) and key not in str(
        APIToken.objects.filter(pk=token.pk).values().first()
    )
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200 and me.json()["username"] == "xigu_staff"
    assert me.json()["jurisdiction"] == ["620104"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    revoke = session.delete(f"/api/v1/tokens/{token.pk}")
    assert revoke.status_code == 200 and revoke.json()["revoked_at"]
    denied = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert denied.status_code == 401 and denied.json()["code"] == "unauthenticated"


def test_bad_token_is_401(client):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer yj_not-a-real-token")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "details"}


def test_other_users_token_cannot_be_revoked(as_user, persona):
    from yingji.core.context import actor_context

    with actor_context(None, source="test"):
        token = APIToken.objects.create(
            user=persona("county_b"), name="b", key_prefix="yj_x", key_hash="0" * 64
        )
    response = as_user("county_a").delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_validation_error_format(as_user):
    response = as_user("county_a").get("/api/v1/regions/locate?lon=abc&lat=36")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and "lon" in body["message"]
    bad_crs = as_user("county_a").get("/api/v1/regions/locate?lon=103.7&lat=36.1&crs=utm")
    assert bad_crs.status_code == 422 and "坐标系" in bad_crs.json()["message"]


def test_version_conflict_is_409(as_user):
    from yingji.orgs.models import Organisation

    org = Organisation.objects.get(name="办公室")
    response = as_user("city_admin").post(
        f"/api/v1/organisations/{org.pk}/rename",
        {"name": "办公厅", "version": org.version - 1 if org.version > 1 else org.version + 1},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"


def test_regions_and_boundaries(as_user):
    client = as_user("enterprise")
    counties = client.get("/api/v1/regions?level=county").json()
    assert len(counties) == 10
    geo = client.get("/api/v1/regions/boundaries").json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 8
    one = client.get("/api/v1/regions/620104").json()
    assert one["name"] == "西固区" and one["parent_code"] == "620100"
    found = client.get(
        "/api/v1/regions/locate", {"lon": one["centroid"][0], "lat": one["centroid"][1]}
    ).json()
    assert found["found"] and found["region"]["code"] == "620104"
    assert client.get("/api/v1/regions/999999").status_code == 404


def test_crash_becomes_json_500(as_user, monkeypatch):
    import yingji.geo.api as geo_api

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(geo_api, "boundaries_geojson", boom)
    response = as_user("county_a").get("/api/v1/regions/boundaries")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error" and "kaboom" not in body["message"]


def test_web_and_api_create_tokens_through_one_service(as_user):
    client = as_user("county_b")
    page = client.post("/account/tokens/", {"name": "报表脚本"}).content.decode()
    token = APIToken.objects.get(user__username="chengguan_staff", name="报表脚本")
    assert token.key_prefix in page and 'id="new-token"' in page
    empty = client.post("/api/v1/tokens", {"name": "  "}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["details"] == {"field": "name"}
    assert (
        "请填写令牌名称"
        in client.post("/account/tokens/", {"name": ""}, follow=True).content.decode()
    )
