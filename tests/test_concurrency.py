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


@pytest.mark.django_db(transaction=True)
def test_two_verifiers_closing_the_same_hazard_one_wins(reference_data):
    """Issue #5: two regulators close (销号) the same hazard at once from the same version:
    exactly one succeeds, the other gets the conflict message; the hazard is closed once."""
    import io
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from yingji.core.models import AuditEvent
    from yingji.enterprises.models import Enterprise
    from yingji.hazards import services

    users = {u.username: u for u in get_user_model().objects.all()}
    ent = Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")  # 西固区, county tier
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
        b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
        b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    with actor_context(users["ent_user"], source="test"):
        hazard = services.do_register_hazard(
            actor=users["xigu_staff"],
            enterprise=ent,
            source="enforcement",
            category="equipment",
            description="安全阀超期未校验",
            found_on=timezone.localdate() - timedelta(days=1),
        )
    with actor_context(users["xigu_staff"], source="test"):
        hazard = services.do_grade_hazard(actor=users["xigu_staff"], hazard=hazard, level="general")
    with actor_context(users["ent_user"], source="test"):
        owner = (
            users["ent_user"]
            if ent.organisation.code == "DEMO-ENT-620104-01"
            else users["city_admin"]
        )
        hazard = services.do_start_rectification(actor=owner, hazard=hazard)
        hazard = services.do_submit_rectification(
            actor=owner,
            hazard=hazard,
            rectification="已送检并更换",
            evidence=[SimpleUploadedFile("a.png", io.BytesIO(png).getvalue())],
        )
    verifiers = ["xigu_staff", "city_admin"]
    version = hazard.version
    barrier = threading.Barrier(2)
    results = []

    def attempt(name):
        try:
            barrier.wait()
            with actor_context(users[name], source="test"):
                services.do_verify_hazard(
                    actor=users[name],
                    hazard=hazard,
                    passed=True,
                    opinion=f"{name} 验收通过",
                    expected_version=version,
                )
            results.append(("ok", name))
        except ConflictError as exc:
            results.append(("conflict", exc.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in verifiers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[0] for r in results) == ["conflict", "ok"], results
    hazard.refresh_from_db()
    assert hazard.state == "closed" and hazard.version == version + 1
    assert (
        AuditEvent.objects.filter(object_id=str(hazard.pk), verb="hazards.verify_pass").count() == 1
    )
    assert "已被他人修改" in next(r[1] for r in results if r[0] == "conflict")
