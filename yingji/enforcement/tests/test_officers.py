"""执法人员名录库: the ≥2 certified officers rule (行政处罚法第四十二条), expired certificates refused
by name, avoidance, the register's permissions per persona, audit, page and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.enforcement import selectors, services
from yingji.enforcement.models import LawOfficer
from yingji.enforcement.schemas import EnfConflictIn, EnfOfficerIn, EnfTrainingIn

pytestmark = pytest.mark.django_db


def _officer_in(**kw):
    today = timezone.localdate()
    base = dict(
        name="测试执法员",
        organisation="XGQ-YJJ",
        certificate_no="TEST-CERT-0001",
        issuing_authority="甘肃省人民政府",
        valid_from=today - dt.timedelta(days=10),
        valid_until=today + dt.timedelta(days=300),
    )
    return EnfOfficerIn(**{**base, **kw})


def _demo(cert):
    return LawOfficer.objects.get(certificate_no=cert)


def test_is_certified_counts_both_ends_and_the_status():
    o = LawOfficer(
        name="甲",
        certificate_no="X",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
        status="on_duty",
    )
    assert selectors.is_certified(o, dt.date(2026, 1, 1))
    assert selectors.is_certified(o, dt.date(2026, 12, 31))
    assert not selectors.is_certified(o, dt.date(2025, 12, 31))
    assert not selectors.is_certified(o, dt.date(2027, 1, 1))
    o.status = "suspended"
    assert not selectors.is_certified(o, dt.date(2026, 6, 1))


def test_two_distinct_certified_officers_are_needed():
    today = timezone.localdate()
    a, b = _demo("62010420190001"), _demo("62010420200003")
    assert selectors.check_officers([a.pk, b.pk], today) == [a, b]
    with pytest.raises(ValidationFailed, match="不得少于2人"):
        selectors.check_officers([a.pk], today)
    with pytest.raises(ValidationFailed, match="不得少于2人"):
        selectors.check_officers([a.pk, a.pk], today)  # the same officer twice is one


def test_an_expired_certificate_is_refused_naming_the_officer():
    today = timezone.localdate()
    a, expired = _demo("62010420190001"), _demo("62010420160004")
    with pytest.raises(ValidationFailed) as err:
        selectors.check_officers([a.pk, expired.pk], today)
    assert "何平" in err.value.message and "过期" in err.value.message
    # but on a day inside its validity the same officer could be named
    assert selectors.check_officers([a.pk, expired.pk], expired.valid_until)


def test_a_transferred_officer_and_a_declared_conflict_are_refused():
    today = timezone.localdate()
    a, b = _demo("62010020180001"), _demo("62010020180002")
    gone = _demo("62010020190006")
    with pytest.raises(ValidationFailed, match="陈丽.*调离"):
        selectors.check_officers([a.pk, gone.pk], today)
    conflicted = _demo("62010420190002")
    ent_id = conflicted.conflicts.get().enterprise_id
    with pytest.raises(ValidationFailed, match="杨静.*回避"):
        selectors.check_officers([a.pk, conflicted.pk], today, enterprise_id=ent_id)
    assert selectors.check_officers([a.pk, b.pk], today, enterprise_id=ent_id)


def test_county_staff_register_their_bureaus_officers_audited(persona, ctx):
    user = persona("county_a")
    officer = services.do_register_officer(actor=user, data=_officer_in())
    assert officer.organisation.code == "XGQ-YJJ"
    event = AuditEvent.objects.filter(verb="enforcement.officer.registered").latest("pk")
    assert event.object_id == str(officer.pk) and "TEST-CERT-0001" in event.message
    # the duplicate certificate number is refused, nothing written
    before = LawOfficer.objects.count()
    with pytest.raises(ValidationFailed, match="已登记"):
        services.do_register_officer(actor=user, data=_officer_in(name="另一人"))
    assert LawOfficer.objects.count() == before


@pytest.mark.parametrize(
    "name, org",
    [("county_a", "CGQ-YJJ"), ("county_b", "XGQ-YJJ"), ("county_a", "LZYJJ-ZD")],
)
def test_county_staff_cannot_register_another_bureaus_officers(persona, ctx, name, org):
    before = LawOfficer.objects.count()
    with pytest.raises(NotPermitted):
        services.do_register_officer(actor=persona(name), data=_officer_in(organisation=org))
    assert LawOfficer.objects.count() == before


@pytest.mark.parametrize("name", ["leader", "enterprise"])
def test_leader_and_enterprise_cannot_register(persona, ctx, name):
    with pytest.raises(NotPermitted):
        services.do_register_officer(actor=persona(name), data=_officer_in())
    assert not LawOfficer.objects.filter(certificate_no="TEST-CERT-0001").exists()


def test_city_enforcement_section_registers_city_officers(persona, ctx):
    officer = services.do_register_officer(
        actor=persona("section"), data=_officer_in(organisation="LZYJJ-ZD")
    )
    assert officer.pk
    with pytest.raises(NotPermitted):  # a county's officer is the county's to register
        services.do_register_officer(
            actor=persona("section"),
            data=_officer_in(organisation="XGQ-YJJ", certificate_no="TEST-CERT-0002"),
        )


def test_visibility_per_persona(persona):
    total = LawOfficer.objects.count()
    assert selectors.visible_officers(persona("leader")).count() == total
    assert selectors.visible_officers(persona("section")).count() == total
    xigu = selectors.visible_officers(persona("county_a"))
    assert xigu.count() and {o.organisation.code for o in xigu} == {"XGQ-YJJ"}
    assert selectors.visible_officers(persona("enterprise")).count() == 0
    # change: the leadership changes nothing; county staff only their own
    assert selectors.visible_officers(persona("leader"), "change").count() == 0
    assert not selectors.visible_officers(persona("county_b"), "change").filter(
        organisation__code="XGQ-YJJ"
    )


def test_training_and_conflict_are_recorded_and_audited(persona, ctx):
    user = persona("county_a")
    officer = _demo("62010420190001")
    services.do_record_training(
        actor=user, officer=officer, data=EnfTrainingIn(year=2026, course="法规培训", hours=8)
    )
    assert selectors.training_hours(officer, 2026) >= 8
    ent = officer.conflicts.model.objects.filter(withdrawn_on__isnull=True).first().enterprise_id
    services.do_declare_conflict(
        actor=user, officer=officer, data=EnfConflictIn(enterprise_id=ent, reason="曾在该企业任职")
    )
    assert AuditEvent.objects.filter(verb="enforcement.officer.conflict").exists()
    with pytest.raises(ValidationFailed, match="已申报回避"):
        services.do_declare_conflict(
            actor=user, officer=officer, data=EnfConflictIn(enterprise_id=ent, reason="再次申报")
        )
    with pytest.raises(NotPermitted):  # 城关区 cannot touch a 西固区 officer
        services.do_record_training(
            actor=persona("county_b"),
            officer=officer,
            data=EnfTrainingIn(year=2026, course="x培训", hours=1),
        )


def test_pages_per_persona(as_user):
    assert as_user("enterprise").get("/enforcement/").status_code == 403
    page = as_user("leader").get("/enforcement/")
    assert page.status_code == 200 and "赵明" in page.content.decode()
    assert "登记执法人员" not in page.content.decode()
    county = as_user("county_a").get("/enforcement/").content.decode()
    assert "马国栋" in county and "孙伟" not in county and "登记执法人员" in county
    expiring = as_user("section").get("/enforcement/?flag=expiring").content.decode()
    assert "赵明" in expiring and "王建军" not in expiring
    export = as_user("section").get("/enforcement/?flag=expired&export=csv")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "刘志强" in body and "何平" in body and "王建军" not in body
    officer = _demo("62010420190001")
    assert as_user("county_b").get(f"/enforcement/officers/{officer.pk}/").status_code == 404
    assert as_user("county_a").get(f"/enforcement/officers/{officer.pk}/").status_code == 200


def test_form_registers_and_refuses_bad_input(as_user):
    client = as_user("county_b")
    today = timezone.localdate()
    bad = client.post(
        "/enforcement/officers/new/",
        {
            "name": "周某",
            "organisation": "CGQ-YJJ",
            "certificate_no": "CG-NEW-1",
            "issuing_authority": "甘肃省人民政府",
            "valid_from": today.isoformat(),
            "valid_until": (today - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 200 and "有效期至不能早于有效期自" in bad.content.decode()
    ok = client.post(
        "/enforcement/officers/new/",
        {
            "name": "周某",
            "organisation": "CGQ-YJJ",
            "certificate_no": "CG-NEW-1",
            "issuing_authority": "甘肃省人民政府",
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=100)).isoformat(),
        },
    )
    assert ok.status_code == 302 and LawOfficer.objects.filter(certificate_no="CG-NEW-1").exists()


def test_api_lists_and_refuses(as_user):
    rows = as_user("county_a").get("/api/v1/enforcement/officers?flag=expired").json()
    assert [r["name"] for r in rows] == ["何平"] and rows[0]["certified_today"] is False
    assert as_user("enterprise").get("/api/v1/enforcement/officers").status_code == 403
    created = as_user("leader").post(
        "/api/v1/enforcement/officers",
        data=_officer_in().model_dump_json(),
        content_type="application/json",
    )
    assert created.status_code == 403
