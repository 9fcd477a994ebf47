"""The audit trail: a change record for every write, with who/when/where/before→after,
from the web, the API, the CLI and jobs; and no write without an actor context."""

import pytest
from django.urls import reverse

from yingji.core.context import MissingActorContext, actor_context
from yingji.core.models import AuditEvent, ObjectChange
from yingji.geo.models import Region
from yingji.orgs.models import OrgAlias, Organisation

pytestmark = pytest.mark.django_db


def changes_of(obj):
    return ObjectChange.objects.filter(
        content_type__model=obj._meta.model_name, object_id=str(obj.pk)
    )


def test_write_without_actor_context_fails():
    org = Organisation.objects.get(name="办公室")
    org.note = "无人负责的修改"
    with pytest.raises(MissingActorContext):
        org.save()
    with pytest.raises(MissingActorContext):
        OrgAlias.objects.create(organisation=org, name="办")
    with actor_context(None, source="test", label="setup"):
        spare = Organisation.objects.create(
            code="TMP-DEL", name="待删除的临时机构", kind="department", region=org.region
        )
    with pytest.raises(MissingActorContext):
        spare.delete()


def test_create_update_delete_are_recorded_with_diff(persona):
    admin = persona("city_admin")
    with actor_context(admin, source="cli", request_id="req-1"):
        alias = OrgAlias.objects.create(
            organisation=Organisation.objects.get(name="办公室"), name="局办"
        )
        alias.confirmed = True
        alias.save()
        alias_id = alias.pk
        alias.delete()
    rows = list(
        ObjectChange.objects.filter(
            content_type__model="orgalias", object_id=str(alias_id)
        ).order_by("id")
    )
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert all(r.actor == admin and r.source == "cli" and r.request_id == "req-1" for r in rows)
    assert rows[1].changed_fields == ["confirmed"]
    assert rows[1].before["confirmed"] is False and rows[1].after["confirmed"] is True
    assert rows[2].before["name"] == "局办" and rows[2].after is None


def test_a_save_that_changes_nothing_is_not_history(ctx):
    org = Organisation.objects.get(name="办公室")
    n = changes_of(org).count()
    org.save()
    assert changes_of(org).count() == n


def test_secrets_never_enter_the_trail(ctx, persona):
    user = persona("leader")
    user.set_password("another-Secret-123")
    user.save()
    change = ObjectChange.objects.filter(content_type__model="user", object_id=str(user.pk)).first()
    assert change.changed_fields == ["password"]
    assert change.before["password"] == "******" and change.after["password"] == "******(已更改)"
    assert user.password not in str(change.before) + str(change.after)


def test_web_write_is_recorded_as_web_with_request_id(as_user):
    client = as_user("city_admin")
    org = Organisation.objects.get(name="规划财务科")
    response = client.post(
        reverse("orgs:rename", args=[org.pk]), {"name": "规划财务处", "version": org.version}
    )
    change = changes_of(org).filter(action="update").first()
    assert change.source == "web" and change.actor.username == "city_admin"
    assert change.request_id and change.request_id == response["X-Request-ID"]
    assert change.ip == "127.0.0.1"


def test_api_write_is_recorded_as_api(as_user):
    client = as_user("city_admin")
    org = Organisation.objects.get(name="政策法规科")
    client.post(
        f"/api/v1/organisations/{org.pk}/rename",
        {"name": "政策法规处", "version": org.version},
        content_type="application/json",
    )
    assert changes_of(org).filter(action="update").first().source == "api"
    assert AuditEvent.objects.filter(verb="orgs.organisation.renamed", source="api").exists()


def test_cli_init_is_idempotent_and_cli_writes_are_recorded_as_cli(tmp_path):
    """Runs the real `yingji` entry point in a subprocess on a fresh SQLite database."""
    import json
    import os
    import sqlite3
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(YINGJI_VAR_DIR=str(tmp_path), YINGJI_ADMIN_PASSWORD="Init-Admin-Pass-1")
    cli = [sys.executable, "-m", "yingji.cli"]
    first = subprocess.run(
        [*cli, "init", "--no-collectstatic"], env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    assert "新增 1304" in first.stdout
    second = subprocess.run(
        [*cli, "init", "--no-collectstatic"], env=env, capture_output=True, text=True
    )
    assert second.returncode == 0 and "新增 0" in second.stdout, second.stdout
    made = subprocess.run(
        [*cli, "createsuperuser", "--noinput", "--username", "cli-made", "--email", "a@b.cn"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    db = sqlite3.connect(tmp_path / "yingji.sqlite3")
    rows = db.execute(
        "select c.source, c.actor_label, c.after from core_objectchange c "
        "join django_content_type t on t.id = c.content_type_id "
        "where t.model = 'user' and c.action = 'create'"
    ).fetchall()
    db.close()
    by_name = {json.loads(after)["username"]: (source, label) for source, label, after in rows}
    assert by_name["cli-made"][0] == "cli" and by_name["admin"][0] == "cli"


def test_job_write_is_recorded_as_job(ctx):
    from yingji.core.jobs import run_job_inline
    from yingji.geo.jobs import refresh_region_centroids

    region = Region.objects.get(code="620104")
    Region.objects.filter(pk=region.pk).update(centroid_lon=None, centroid_lat=None)
    run_job_inline(refresh_region_centroids)
    region.refresh_from_db()
    assert region.centroid_lon is not None
    change = changes_of(region).filter(action="update").first()
    assert change.source == "job" and change.request_id.startswith("job-")


def test_history_tab_and_api_show_the_changes(as_user):
    client = as_user("city_admin")
    org = Organisation.objects.get(name="应急指挥科")
    client.post(
        reverse("orgs:rename", args=[org.pk]), {"name": "应急指挥处", "version": org.version}
    )
    html = client.get(
        reverse("core:history", args=["orgs", "organisation", org.pk])
    ).content.decode()
    assert "应急指挥科" in html and "应急指挥处" in html and "网页" in html
    data = client.get(f"/api/v1/history/orgs/organisation/{org.pk}").json()
    assert data["changes"][0]["before"]["name"] == "应急指挥科"
    assert data["changes"][0]["after"]["name"] == "应急指挥处"
    assert data["events"][0]["verb"] == "orgs.organisation.renamed"


def test_history_is_restricted_like_the_record(as_user):
    other = Organisation.objects.get(code="DEMO-ENT-620102-01")
    client = as_user("county_a")
    assert (
        client.get(reverse("core:history", args=["orgs", "organisation", other.pk])).status_code
        == 404
    )
    assert client.get(f"/api/v1/history/orgs/organisation/{other.pk}").status_code == 404


def test_audit_log_page_scope(as_user):
    admin = as_user("city_admin")
    assert admin.get(reverse("core:audit")).status_code == 200
    export = admin.get(reverse("core:audit") + "?export=csv")
    assert export.status_code == 200 and "操作人" in export.getvalue().decode("utf-8-sig")
