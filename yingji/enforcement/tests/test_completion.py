"""An inspection is 完成 only with two officers certified on its day named on it (《行政处罚法》
第四十二条), through the ``inspections.complete`` precondition this app declares
(core.hooks.Precondition): refused without a team, with an officer whose certificate has
expired or who is no longer in post, and the 完成 button is shown only when the rule holds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.errors import ValidationFailed
from yingji.core.hooks import preconditions
from yingji.enforcement import services
from yingji.enforcement.models import LawOfficer
from yingji.enforcement.schemas import EnfInspectionOfficersIn
from yingji.enterprises.models import Enterprise
from yingji.inspections import services as inspections
from yingji.inspections.models import Inspection
from yingji.orgs.models import Organisation

pytestmark = pytest.mark.django_db

MA, HAN = "62010420190001", "62010420200003"  # 马国栋, 韩磊 (西固区, certified)


def _recorded(user, days_ago=2) -> Inspection:
    """A 西固区 inspection of one of its county-tier enterprises, its checklist all 符合."""
    enterprise = (
        Enterprise.objects.filter(region__code="620104", tier="county", status="operating")
        .exclude(organisation__code="DEMO-ENT-620104-01")
        .order_by("organisation__code")
        .first()
    )
    inspection = inspections.do_schedule_inspection(
        actor=user,
        enterprise=enterprise,
        inspected_on=timezone.localdate() - dt.timedelta(days=days_ago),
        agency=Organisation.objects.get(code="XGQ-YJJ"),
        participants="马国栋、韩磊",
    )
    return inspections.do_record_checklist(
        actor=user,
        inspection=inspection,
        results={i["code"]: "ok" for i in inspection.checklist},
    )


def _team(user, inspection, *certs):
    ids = [LawOfficer.objects.get(certificate_no=c).pk for c in certs]
    services.do_name_inspection_officers(
        actor=user, inspection=inspection, data=EnfInspectionOfficersIn(officer_ids=ids)
    )


def _refused(user, inspection, match):
    version = Inspection.objects.get(pk=inspection.pk).version
    with pytest.raises(ValidationFailed, match=match) as exc:
        inspections.do_complete_inspection(actor=user, inspection=inspection)
    assert "officers" in exc.value.details
    after = Inspection.objects.get(pk=inspection.pk)
    assert after.state == "scheduled" and after.version == version  # nothing changed


def test_no_team_no_completion_then_a_certified_team_completes(persona, ctx):
    user = persona("county_a")
    inspection = _recorded(user)
    assert "officers" in preconditions("inspections.complete", inspection)
    _refused(user, inspection, "不得少于2人")
    _team(user, inspection, MA, HAN)
    assert preconditions("inspections.complete", inspection) == {}
    done = inspections.do_complete_inspection(actor=user, inspection=inspection)
    assert done.state == "completed"


def test_an_expired_certificate_or_an_officer_out_of_post_is_refused(persona, ctx):
    user = persona("county_a")
    inspection = _recorded(user, days_ago=3)
    _team(user, inspection, MA, HAN)
    # the register is corrected afterwards: 韩磊's certificate had run out before the inspection
    LawOfficer.objects.filter(certificate_no=HAN).update(
        valid_until=inspection.inspected_on - dt.timedelta(days=1)
    )
    _refused(user, inspection, r"韩磊\(执法证号62010420200003\)的执法证已于.*过期")
    LawOfficer.objects.filter(certificate_no=HAN).update(
        valid_until=inspection.inspected_on + dt.timedelta(days=400)
    )
    LawOfficer.objects.filter(certificate_no=MA).update(status="suspended")
    _refused(user, inspection, "马国栋.*暂停执法")


def test_the_complete_button_only_when_the_team_is_certified(persona, as_user, ctx):
    user = persona("county_a")
    inspection = _recorded(user)
    client = as_user("county_a")
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert 'id="complete-blocked"' in page and "完成检查记录</button>" not in page
    assert "不得少于2人" in page
    posted = client.post(f"/inspections/records/{inspection.pk}/complete/", {"version": 1})
    assert Inspection.objects.get(pk=inspection.pk).state == "scheduled"
    assert posted.status_code in (200, 302, 400)
    _team(user, inspection, MA, HAN)
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert 'id="complete-blocked"' not in page and "完成检查记录</button>" in page


def test_officers_of_another_bureau_cannot_be_named(persona, ctx):
    """城关区's officers do not act in the name of 西固区 (they are not its 执法人员), even when
    certified: naming them is refused and nothing is named; the page offers only its own."""
    user = persona("county_a")
    inspection = _recorded(user)
    with pytest.raises(ValidationFailed, match="孙伟不属于执法主体西固区"):
        _team(user, inspection, MA, "62010220190001")  # 孙伟, 城关区
    assert "officers" in preconditions("inspections.complete", inspection)
    from yingji.enforcement.selectors import team_of

    assert not team_of(inspection.pk).exists()
