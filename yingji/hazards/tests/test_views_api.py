"""隐患排查治理 pages and API: same permissions as the services, grants and denials."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from yingji.enterprises.models import Enterprise
from yingji.hazards.models import Hazard

pytestmark = pytest.mark.django_db
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
    b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
    b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def own():
    return Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")


def test_demo_hazards_cover_the_loop():
    states = set(Hazard.objects.filter(is_demo=True).values_list("state", flat=True))
    assert {"registered", "graded", "rectifying", "awaiting_verification", "closed"} <= states
    assert Hazard.objects.filter(is_demo=True, enterprise__isnull=True).exists()
    assert Hazard.objects.filter(is_demo=True, repeat_of__isnull=False).exists()


@pytest.mark.parametrize("name", ["hazards:index", "hazards:queue", "hazards:stats", "hazards:new"])
def test_pages_render(as_user, name):
    for persona in ("city_admin", "county_a", "enterprise"):
        response = as_user(persona).get(reverse(name))
        assert response.status_code == 200, (persona, name)


def test_enterprise_registers_with_a_photo_and_sees_only_its_own(as_user):
    client = as_user("enterprise")
    response = client.post(
        reverse("hazards:new"),
        {
            "enterprise_id": own().pk,
            "source": "self_inspection",
            "category": "environment",
            "description": "仓库通道堆放杂物",
            "found_on": timezone.localdate().isoformat(),
            "photos": SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
        },
    )
    hazard = Hazard.objects.filter(enterprise=own(), description="仓库通道堆放杂物").get()
    assert response.status_code == 302 and response.url == hazard.get_absolute_url()
    page = client.get(hazard.get_absolute_url()).content.decode()
    # 16号令 (issue #19): the enterprise grades its own newly registered hazard
    assert "仓库通道堆放杂物" in page and 'id="grade-form"' in page
    csv_text = client.get(reverse("hazards:index") + "?export=csv").getvalue().decode("utf-8-sig")
    rows = [r for r in csv_text.splitlines()[1:] if r.strip()]
    assert rows and all(own().organisation.name in r for r in rows)
    other = Hazard.objects.exclude(enterprise=own()).first()
    assert client.get(other.get_absolute_url()).status_code == 404


def test_grade_form_shown_to_the_enterprise_for_its_own_new_hazard_then_only_to_the_regulator(
    as_user, persona
):
    """16号令 Art. 4, 10 (issue #19): the enterprise grades its own hazard while it is 登记; a
    graded one is re-graded only by the regulator; the leader never grades."""
    from yingji.core.context import actor_context
    from yingji.hazards import services

    with actor_context(persona("enterprise"), source="test"):
        hazard = services.do_register_hazard(
            actor=persona("enterprise"),
            enterprise=own(),
            source="self_inspection",
            category="equipment",
            description="压力表损坏未更换",
            found_on=timezone.localdate(),
        )
    url = hazard.get_absolute_url()
    assert 'id="grade-form"' in as_user("enterprise").get(url).content.decode()
    assert 'id="grade-form"' in as_user("county_a").get(url).content.decode()
    assert 'id="grade-form"' not in as_user("leader").get(url).content.decode()
    response = as_user("leader").post(
        reverse("hazards:action", args=[hazard.pk, "grade"]), {"level": "general"}, follow=True
    )
    assert "监管人员办理" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.state == "registered"
    as_user("enterprise").post(
        reverse("hazards:action", args=[hazard.pk, "grade"]),
        {"level": "general", "deadline_workdays": "5", "version": hazard.version},
    )
    hazard.refresh_from_db()
    assert hazard.state == "graded" and hazard.deadline_workdays == 5
    assert 'id="grade-form"' not in as_user("enterprise").get(url).content.decode()
    assert 'id="grade-form"' in as_user("county_a").get(url).content.decode()
    response = as_user("enterprise").post(
        reverse("hazards:action", args=[hazard.pk, "grade"]),
        {"level": "general", "version": hazard.version},
        follow=True,
    )
    assert "只能由监管部门重新定级" in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).version == hazard.version


def test_api_register_queue_and_denials(as_user):
    county_b = as_user("county_b")
    body = {
        "enterprise_id": own().pk,
        "source": "enforcement",
        "category": "fire",
        "description": "灭火器过期未更换",
        "found_on": timezone.localdate().isoformat(),
    }
    assert (
        county_b.post(
            "/api/v1/hazards", json.dumps(body), content_type="application/json"
        ).status_code
        == 404
    )
    made = as_user("county_a").post(
        "/api/v1/hazards", json.dumps(body), content_type="application/json"
    )
    assert made.status_code == 200, made.content
    hazard_id = made.json()["id"]
    queue = as_user("county_a").get("/api/v1/hazards/queue").json()
    assert hazard_id in [h["id"] for h in queue]
    assert all("terms" in h and len(h["terms"]) == 5 for h in queue)
    assert county_b.get(f"/api/v1/hazards/{hazard_id}").status_code == 404
    bad = as_user("county_a").post(
        "/api/v1/hazards", json.dumps({**body, "description": "x"}), content_type="application/json"
    )
    assert bad.status_code == 422 and "description" in bad.json()["details"]
    leader = as_user("leader").post(
        f"/api/v1/hazards/{hazard_id}/grade",
        json.dumps({"level": "general"}),
        content_type="application/json",
    )
    assert leader.status_code == 403
    graded = as_user("county_a").post(
        f"/api/v1/hazards/{hazard_id}/grade",
        json.dumps({"level": "general"}),
        content_type="application/json",
    )
    assert graded.status_code == 200 and graded.json()["state"] == "graded"
    # 16号令 (issue #19): the enterprise grades its own hazards while 登记, never re-grades
    grade = as_user("enterprise").post(
        f"/api/v1/hazards/{hazard_id}/grade",
        json.dumps({"level": "general"}),
        content_type="application/json",
    )
    assert grade.status_code == 403 and "监管部门重新定级" in grade.json()["message"]
    spot = as_user("enterprise").post(
        f"/api/v1/hazards/{hazard_id}/rectification",
        {
            "rectification": "已更换灭火器",
            "on_the_spot": "true",
            "evidence": SimpleUploadedFile("换后.png", PNG, content_type="image/png"),
        },
    )
    assert spot.status_code == 200 and spot.json()["state"] == "awaiting_verification"
    wrong = as_user("enterprise").post(
        f"/api/v1/hazards/{hazard_id}/verify",
        json.dumps({"passed": True, "opinion": "自己验收"}),
        content_type="application/json",
    )
    assert wrong.status_code == 403
    stats = as_user("city_admin").get("/api/v1/hazards/stats").json()
    assert stats["total"] >= Hazard.objects.filter(is_demo=True).count()
