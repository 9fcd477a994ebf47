"""Two people renaming the same organisation from the same version: exactly one wins, the
other gets a conflict; no lost update (SQLite IMMEDIATE transactions / PostgreSQL row lock)."""

import threading

import pytest
from django.db import connection

from yingji.core.context import actor_context
from yingji.core.errors import ConflictError
from yingji.orgs.models import OrgAlias, Organisation
from yingji.orgs.services import do_rename_organisation


@pytest.mark.django_db(transaction=True)
def test_concurrent_renames_one_wins(reference_data):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="city_admin")
    org = Organisation.objects.get(name="办公室")
    version = org.version
    barrier = threading.Barrier(2)
    results = []

    def attempt(new_name):
        try:
            barrier.wait()
            with actor_context(admin, source="test"):
                do_rename_organisation(
                    actor=admin, organisation=org, new_name=new_name, expected_version=version
                )
            results.append(("ok", new_name))
        except ConflictError as exc:
            results.append(("conflict", exc.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in ("综合办公室", "局办公室")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[0] for r in results) == ["conflict", "ok"], results
    winner = next(r[1] for r in results if r[0] == "ok")
    org.refresh_from_db()
    assert org.name == winner and org.version == version + 1
    assert OrgAlias.objects.filter(organisation=org, name="办公室").count() == 1
    assert "已被他人修改" in next(r[1] for r in results if r[0] == "conflict")
