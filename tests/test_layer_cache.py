"""The map layers are cached per scope and filters; a write shows on the very next load (the
cache key carries a change stamp of the tables a layer reads)."""

import json

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _names(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {f["properties"]["name"] for f in response.json()["features"]}


def test_a_registered_hazard_shows_on_the_next_layer_load(as_user):
    from yingji.enterprises.models import Enterprise

    client = as_user("city_admin")
    before = _names(client, "/api/v1/hazards/geojson")
    assert before == _names(client, "/api/v1/hazards/geojson")  # served from the cache
    ent = Enterprise.objects.filter(lon__isnull=False).order_by("pk").first()
    body = {
        "enterprise_id": ent.pk,
        "source": "enforcement",
        "category": "fire",
        "description": "缓存失效测试",
        "found_on": timezone.localdate().isoformat(),
    }
    made = client.post("/api/v1/hazards", json.dumps(body), content_type="application/json")
    assert made.status_code == 200, made.content
    after = _names(client, "/api/v1/hazards/geojson")
    assert after - before == {made.json()["code"]}


def test_a_renamed_enterprise_shows_on_the_next_layer_load(as_user):
    from yingji.enterprises.models import Enterprise

    client = as_user("city_admin")
    ent = Enterprise.objects.filter(lon__isnull=False).select_related("organisation").first()
    assert ent.organisation.name in _names(client, "/api/v1/risk/map/enterprises")
    org = ent.organisation
    renamed = client.post(
        f"/api/v1/organisations/{org.pk}/rename",
        json.dumps({"name": org.name + "(更名)", "version": org.version}),
        content_type="application/json",
    )
    assert renamed.status_code == 200, renamed.content
    names = _names(client, "/api/v1/risk/map/enterprises")
    assert org.name + "(更名)" in names and org.name not in names


def test_layers_are_slim_and_rounded(as_user):
    data = as_user("city_admin").get("/api/v1/risk/map/enterprises").json()
    props = data["features"][0]["properties"]
    assert "uscc" not in props and "address" not in props
    for feature in data["features"]:
        for value in feature["geometry"]["coordinates"]:
            assert round(value, 5) == value


def test_the_cache_follows_the_scope(as_user):
    xigu = _names(as_user("county_a"), "/api/v1/risk/map/enterprises")
    chengguan = _names(as_user("county_b"), "/api/v1/risk/map/enterprises")
    assert xigu and chengguan and not xigu & chengguan


def test_layers_are_gzipped_for_clients_that_accept_it(as_user):
    import gzip

    client = as_user("city_admin")
    plain = client.get("/api/v1/risk/map/enterprises")
    zipped = client.get("/api/v1/risk/map/enterprises", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert "Content-Encoding" not in plain and zipped["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()
    assert len(zipped.content) < len(plain.content)


def _twin(persona, name):
    """A second user with exactly the memberships of the persona (the same scope but who)."""
    from django.contrib.auth import get_user_model

    from yingji.core.context import actor_context
    from yingji.orgs.models import Membership

    original = persona(name)
    with actor_context(None, source="test", label="test"):
        twin = get_user_model().objects.create_user(f"{name}-twin", password="x")
        for m in Membership.objects.filter(user=original):
            Membership.objects.create(user=twin, organisation=m.organisation, role=m.role)
    return twin


@pytest.mark.parametrize("name", ["county_a", "enterprise", "section"])
def test_users_with_the_same_scope_share_each_layer_and_see_the_same(persona, client, name):
    """Every map layer is shared by users whose scopes differ only in who they are; so each must
    be the same for them when built for either (no layer may depend on the user himself)."""
    from django.core.cache import cache

    from yingji.core.hooks import map_layers

    twin = _twin(persona, name)
    urls = [layer["url"] for layer in map_layers(persona(name))]
    assert len(urls) >= 4
    for url in urls:
        bodies = []
        for user in (persona(name), twin):
            cache.clear()
            client.force_login(user)
            response = client.get(url, HTTP_ACCEPT_ENCODING="identity")
            assert response.status_code == 200, url
            bodies.append(response.content)
        assert bodies[0] == bodies[1], url
        client.force_login(persona(name))
        keys_before = len(cache._cache) if hasattr(cache, "_cache") else None
        client.get(url)
        if keys_before is not None:  # the local-memory cache: the twin's entry was reused
            assert len(cache._cache) == keys_before, url
