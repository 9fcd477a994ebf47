"""restrict() for every model, and the personas' grants AND denials in the web UI and the API."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse

from yingji.core.errors import NotPermitted
from yingji.core.permissions import registered_models, restrict
from yingji.orgs.models import Membership, Organisation
from yingji.orgs.services import do_create_enterprise_org

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_every_project_model_has_a_restrict_function():
    project_models = {m for m in apps.get_models() if m.__module__.startswith("yingji.")}
    missing = {m._meta.label for m in project_models - registered_models()}
    assert not missing, f"models without restrict(): {missing}"
    assert User in registered_models()


def enterprises_seen(user):
    return set(
        restrict(Organisation.objects.filter(kind="enterprise"), user).values_list(
            "region__path", flat=True
        )
    )


def test_county_staff_see_only_their_county_enterprises(persona):
    paths = enterprises_seen(persona("county_a"))
    assert paths and all(p.startswith("/620100/620104/") for p in paths)
    paths_b = enterprises_seen(persona("county_b"))
    assert paths_b and all(p.startswith("/620100/620102/") for p in paths_b)


def test_city_staff_and_leader_see_all_enterprises(persona):
    total = Organisation.objects.filter(kind="enterprise").count()
    for name in ("leader", "section", "city_admin"):
        assert (
            restrict(Organisation.objects.filter(kind="enterprise"), persona(name)).count() == total
        )


def test_enterprise_user_sees_only_its_own_enterprise(persona):
    seen = restrict(Organisation.objects.filter(kind="enterprise"), persona("enterprise"))
    assert list(seen.values_list("code", flat=True)) == ["DEMO-ENT-620104-01"]


def test_public_structure_is_visible_to_every_signed_in_user(persona):
    for name in ("county_b", "enterprise"):
        assert restrict(
            Organisation.objects.filter(name="危险化学品安全监督管理科"), persona(name)
        ).exists()


def test_anonymous_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert not restrict(Organisation.objects.all(), AnonymousUser()).exists()


def test_change_rights(persona):
    a_enterprise = Organisation.objects.get(code="DEMO-ENT-620104-02")
    section = Organisation.objects.get(name="办公室")
    assert restrict(
        Organisation.objects.filter(pk=a_enterprise.pk), persona("county_a"), "change"
    ).exists()
    assert not restrict(
        Organisation.objects.filter(pk=a_enterprise.pk), persona("county_b"), "change"
    ).exists()
    assert not restrict(
        Organisation.objects.filter(pk=section.pk), persona("county_a"), "change"
    ).exists()
    assert not restrict(
        Organisation.objects.filter(pk=a_enterprise.pk), persona("leader"), "change"
    ).exists()


def test_users_visibility(persona):
    county_a = persona("county_a")
    visible = set(restrict(User.objects.all(), county_a).values_list("username", flat=True))
    assert "xigu_staff" in visible and "ent_user" in visible  # ent_user works in 西固区
    assert "chengguan_staff" not in visible and "leader" not in visible
    ent_visible = set(
        restrict(User.objects.all(), persona("enterprise")).values_list("username", flat=True)
    )
    assert ent_visible == {"ent_user", "ent_chief"}  # both work for the demo enterprise
    assert (
        restrict(Membership.objects.all(), persona("county_b"))
        .filter(user__username="ent_user")
        .count()
        == 0
    )


def test_write_outside_scope_is_undone(persona, ctx):
    from yingji.geo.models import Region

    chengguan = Region.objects.get(code="620102")
    with pytest.raises(NotPermitted):
        do_create_enterprise_org(
            actor=persona("county_a"), name="越权登记公司", code="X-1", region=chengguan
        )
    assert not Organisation.objects.filter(code="X-1").exists()
    xigu = Region.objects.get(code="620104")
    org = do_create_enterprise_org(
        actor=persona("county_a"), name="西固新登记公司", code="X-2", region=xigu
    )
    assert org.pk and org.kind == "enterprise"


def test_city_section_staff_register_enterprises_anywhere_but_not_bureau_units(persona, ctx):
    from yingji.geo.models import Region

    org = do_create_enterprise_org(
        actor=persona("section"),
        name="城关新登记的市级监管公司",
        code="X-3",
        region=Region.objects.get(code="620102"),
    )
    assert org.kind == "enterprise"
    bureau_unit = Organisation.objects.get(code="LZYJJ-WHP")
    assert not restrict(
        Organisation.objects.filter(pk=bureau_unit.pk), persona("section"), "change"
    ).exists()
    with pytest.raises(NotPermitted):
        do_create_enterprise_org(
            actor=persona("leader"),
            name="领导不登记企业",
            code="X-4",
            region=Region.objects.get(code="620102"),
        )


# --- web UI -------------------------------------------------------------------------------


def test_web_org_list_county_a_vs_b(as_user):
    client = as_user("county_a")
    html = client.get(reverse("orgs:list") + "?kind=enterprise").content.decode()
    assert "兰州西固" in html and "兰州城关" not in html
    b_org = Organisation.objects.get(code="DEMO-ENT-620102-01")
    assert client.get(reverse("orgs:detail", args=[b_org.pk])).status_code == 404


def test_web_enterprise_user_cannot_open_other_enterprise(as_user):
    client = as_user("enterprise")
    other = Organisation.objects.get(code="DEMO-ENT-620104-02")
    own = Organisation.objects.get(code="DEMO-ENT-620104-01")
    assert client.get(reverse("orgs:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("orgs:detail", args=[own.pk])).status_code == 200


def test_web_anonymous_is_sent_to_login(client):
    response = client.get(reverse("orgs:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_web_rename_denied_for_non_admin(as_user):
    org = Organisation.objects.get(name="办公室")
    client = as_user("section")
    client.post(reverse("orgs:rename", args=[org.pk]), {"name": "改名", "version": org.version})
    org.refresh_from_db()
    assert org.name == "办公室"


def test_web_admin_pages_need_staff(as_user):
    assert as_user("county_a").get("/admin/").status_code == 302
    assert as_user("city_admin").get("/admin/orgs/organisation/").status_code == 200


# --- API ----------------------------------------------------------------------------------


def test_api_org_list_county_a_vs_b(as_user):
    data = as_user("county_a").get("/api/v1/organisations?kind=enterprise").json()
    assert data and all(o["region_code"].startswith("620104") for o in data)


def test_api_denials(as_user, client):
    other = Organisation.objects.get(code="DEMO-ENT-620102-01")
    response = as_user("county_a").get(f"/api/v1/organisations/{other.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    client.logout()
    anon = client.get("/api/v1/organisations")
    assert anon.status_code == 401 and anon.json()["code"] == "unauthenticated"


def test_api_rename_forbidden_for_section_staff(as_user):
    org = Organisation.objects.get(name="办公室")
    response = as_user("section").post(
        f"/api/v1/organisations/{org.pk}/rename",
        {"name": "综合办", "version": org.version},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
