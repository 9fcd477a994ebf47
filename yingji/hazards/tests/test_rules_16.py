"""Hazards as 《安全生产事故隐患排查治理暂行规定》(安监总局令第16号) requires (issue #19): the
enterprise's self-management of its 一般 hazards (Art. 4, 8, 10, 15) and the regulators' 抽查 and
reopening; the 重大 report and plan (Art. 14, 15), 停产 (Art. 16), the assessment and the
application to resume with its review deadline (Art. 18, 23); a criterion of each industry's
重大隐患判定标准 making a hazard 重大; closing evidence newer than the rectification; the
statistics returns (Art. 14) equal to the records; and the personas' grants and denials."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import Attachment, AuditEvent
from yingji.enterprises.models import Enterprise
from yingji.hazards import selectors, services
from yingji.hazards.models import Hazard, HazardReturn, HazardSettings
from yingji.standards import major_hazard_criteria as criteria

from .test_hazards import (
    act,
    assess,
    county_tier,
    own_enterprise,
    photo,
    register,
    report_major,
    user,
)

pytestmark = pytest.mark.django_db


def own_general(found_days_ago=2, **kw):
    """A 一般 hazard ent_user found at its own enterprise (自查)."""
    return register(
        "ent_user",
        enterprise=own_enterprise(),
        source="self_inspection",
        found_on=timezone.localdate() - timedelta(days=found_days_ago),
        **kw,
    )


def self_rectified(rectifier="ent_user"):
    hazard = act(services.do_grade_hazard, "ent_user", hazard=own_general(), level="general")
    return act(
        services.do_rectify_on_the_spot,
        rectifier,
        hazard=hazard,
        rectification="当场更换损坏的压力表",
        evidence=[photo()],
    )


def unchanged(hazard):
    now = Hazard.objects.get(pk=hazard.pk)
    return (now.state, now.version) == (hazard.state, hazard.version)


def events(hazard, verb):
    return AuditEvent.objects.filter(object_id=str(hazard.pk), verb=verb)


# --- enterprise self-management (Art. 4, 8, 10, 15) --------------------------------------------


def test_an_enterprise_grades_rectifies_and_closes_its_own_general_hazard():
    hazard = own_general()
    hazard = act(services.do_grade_hazard, "ent_user", hazard=hazard, level="general")
    assert hazard.state == "graded" and hazard.deadline is not None
    hazard = act(
        services.do_rectify_on_the_spot,
        "ent_user",
        hazard=hazard,
        rectification="当场更换损坏的压力表",
        evidence=[photo()],
    )
    assert services.may_verify(user("ent_chief"), hazard)
    assert not services.may_verify(user("ent_user"), hazard)  # the rectifier
    hazard = act(
        services.do_verify_hazard, "ent_chief", hazard=hazard, passed=True, opinion="核查到位"
    )
    assert (
        hazard.state == "closed" and hazard.self_closed and hazard.verified_by == user("ent_chief")
    )
    event = events(hazard, "hazards.verify_pass").get()
    assert event.actor == user("ent_chief") and event.data["self_closed"] is True


def test_the_enterprises_verifier_is_not_its_rectifier():
    hazard = self_rectified("ent_user")
    with pytest.raises(NotPermitted, match="整改人不能验收自己整改的隐患"):
        act(services.do_verify_hazard, "ent_user", hazard=hazard, passed=True, opinion="自验")
    assert unchanged(hazard) and not events(hazard, "hazards.verify_pass").exists()


def test_an_enterprise_cannot_close_its_own_major_hazard():
    hazard = register(
        "xigu_staff", enterprise=own_enterprise(), level="major", source="enforcement"
    )
    hazard = act(services.do_grade_hazard, "xigu_staff", hazard=hazard, level="major")
    hazard = report_major(hazard, "ent_user")
    hazard = act(services.do_start_rectification, "ent_user", hazard=hazard)
    hazard = assess(hazard, "ent_user")
    hazard = act(
        services.do_submit_rectification,
        "ent_user",
        hazard=hazard,
        rectification="已按治理方案完成治理,申请恢复生产",
        evidence=[photo()],
    )
    assert not services.may_verify(user("ent_chief"), hazard)
    with pytest.raises(NotPermitted, match="企业不能自行销号"):
        act(services.do_verify_hazard, "ent_chief", hazard=hazard, passed=True, opinion="已整改")
    assert unchanged(hazard)
    closed = act(
        services.do_verify_hazard, "xigu_staff", hazard=hazard, passed=True, opinion="审查合格"
    )
    assert closed.state == "closed" and not closed.self_closed


def test_an_enterprise_may_not_lower_a_major_hazard_nor_regrade_a_graded_one():
    major = register("xigu_staff", enterprise=own_enterprise(), level="major")
    with pytest.raises(NotPermitted, match="不能把重大隐患降为一般隐患"):
        act(services.do_grade_hazard, "ent_user", hazard=major, level="general")
    assert unchanged(major)
    graded = act(services.do_grade_hazard, "xigu_staff", hazard=own_general(), level="general")
    with pytest.raises(NotPermitted, match="只能由监管部门重新定级"):
        act(services.do_grade_hazard, "ent_user", hazard=graded, level="general")
    assert unchanged(graded)


def test_an_enterprise_cannot_grade_or_close_another_enterprises_hazard():
    other_enterprise = (
        Enterprise.objects.filter(tier="county", region__path__startswith="/620100/620104/")
        .exclude(pk=own_enterprise().pk)
        .order_by("pk")
        .first()
    )
    other = register("xigu_staff", enterprise=other_enterprise)
    with pytest.raises(NotPermitted):
        act(services.do_grade_hazard, "ent_user", hazard=other, level="general")
    assert unchanged(other)


def test_regulators_sample_and_reopen_a_self_closed_hazard_with_a_reason():
    hazard = act(
        services.do_verify_hazard,
        "ent_chief",
        hazard=self_rectified(),
        passed=True,
        opinion="核查到位",
    )
    for name in ("ent_user", "ent_chief", "leader", "chengguan_staff"):
        with pytest.raises(NotPermitted):
            act(services.do_sample_hazard, name, hazard=hazard, passed=False, opinion="不合格")
        with pytest.raises(NotPermitted):
            act(services.do_reopen_hazard, name, hazard=hazard, reason="抽查不合格")
        assert unchanged(hazard)
    hazard = act(
        services.do_sample_hazard,
        "xigu_staff",
        hazard=hazard,
        passed=False,
        opinion="压力表未校验",
    )
    assert hazard.sample_passed is False and hazard.state == "closed"
    with pytest.raises(ValidationFailed, match="写明原因"):
        act(services.do_reopen_hazard, "xigu_staff", hazard=hazard, reason="")
    assert unchanged(hazard)
    hazard = act(
        services.do_reopen_hazard, "xigu_staff", hazard=hazard, reason="抽查发现压力表未校验"
    )
    assert hazard.state == "rectifying" and hazard.closed_at is None and not hazard.self_closed
    assert events(hazard, "hazards.sample").get().actor == user("xigu_staff")
    assert events(hazard, "hazards.reopen").get().message.endswith("抽查发现压力表未校验")
    # the reopened round needs new evidence: the earlier photo no longer counts
    assert services.rectification_evidence_count(hazard) == 0


# --- 重大 hazards (Art. 14, 16, 18, 23) ----------------------------------------------------------


def major_rectifying(handler="ent_user"):
    hazard = register("xigu_staff", enterprise=own_enterprise(), level="major")
    hazard = act(services.do_grade_hazard, "xigu_staff", hazard=hazard, level="major")
    hazard = report_major(hazard, handler)
    return act(services.do_start_rectification, handler, hazard=hazard)


def test_resuming_production_is_refused_before_the_assessment():
    hazard = major_rectifying()
    hazard = act(
        services.do_set_production_status,
        "ent_user",
        hazard=hazard,
        status="suspended",
        reason="罐区停用",
    )
    assert hazard.production_status == "suspended"
    with pytest.raises(InvalidTransition, match="须先对治理情况进行评估"):
        act(
            services.do_submit_rectification,
            "ent_user",
            hazard=hazard,
            rectification="治理完成,申请恢复生产",
            evidence=[photo()],
        )
    assert unchanged(hazard)
    with pytest.raises(InvalidTransition, match="经监管部门审查同意"):
        act(
            services.do_set_production_status,
            "ent_user",
            hazard=hazard,
            status="normal",
            reason="自行恢复",
        )
    assert unchanged(hazard)
    with actor_context(user("city_admin"), source="test"):
        settings = services.settings_row()
        if settings.pk is None:
            settings = HazardSettings.objects.create(weights={})
        HazardSettings.objects.filter(pk=settings.pk).update(resume_review_days=12)
    hazard = assess(hazard, "ent_user")
    hazard = act(
        services.do_submit_rectification,
        "ent_user",
        hazard=hazard,
        rectification="治理完成,申请恢复生产",
        evidence=[photo()],
    )
    assert hazard.state == "awaiting_verification" and hazard.resume_applied_at is not None
    assert hazard.resume_review_due == timezone.localdate() + timedelta(days=12)
    hazard = act(
        services.do_verify_hazard, "xigu_staff", hazard=hazard, passed=True, opinion="现场审查合格"
    )
    assert hazard.state == "closed" and hazard.production_status == "normal"
    assert "审查同意恢复生产" in events(hazard, "hazards.verify_pass").get().message


def test_the_assessment_needs_its_parts_and_a_major_hazard_in_remediation():
    hazard = major_rectifying()
    with pytest.raises(ValidationFailed) as info:
        act(
            services.do_record_assessment,
            "ent_user",
            hazard=hazard,
            assessor_kind="friend",
            assessor="",
            conclusion="好",
            assessed_on=timezone.localdate() + timedelta(days=1),
        )
    assert set(info.value.details) == {"assessor_kind", "assessor", "conclusion", "assessed_on"}
    assert unchanged(hazard)
    general = act(services.do_grade_hazard, "ent_user", hazard=own_general(), level="general")
    with pytest.raises(InvalidTransition, match="只适用于治理中的重大隐患"):
        assess(general, "ent_user")
    with pytest.raises(InvalidTransition, match="只有重大隐患需要报送"):
        report_major(general, "ent_user")
    with pytest.raises(NotPermitted):
        assess(hazard, "leader")
    assert unchanged(hazard)


def test_supervised_major_is_closed_only_by_the_supervising_authority():
    from yingji.orgs.models import Organisation

    hazard = act(
        services.do_supervise_hazard,
        "city_admin",
        hazard=major_rectifying(),
        supervisor=Organisation.objects.get(code="LZYJJ"),
        until=timezone.localdate() + timedelta(days=60),
    )
    hazard = assess(hazard, "ent_user")
    hazard = act(
        services.do_submit_rectification,
        "ent_user",
        hazard=hazard,
        rectification="治理完成,申请恢复生产",
        evidence=[photo()],
    )
    for name in ("xigu_staff", "ent_chief"):  # in scope, but not the supervising authority
        assert not services.may_verify(user(name), hazard)
        with pytest.raises(NotPermitted):
            act(services.do_verify_hazard, name, hazard=hazard, passed=True, opinion="同意")
        assert unchanged(hazard)
    closed = act(
        services.do_verify_hazard, "city_admin", hazard=hazard, passed=True, opinion="审查合格"
    )
    assert closed.state == "closed"


# --- closing evidence is rectification evidence ----------------------------------------------


def test_closing_evidence_must_be_newer_than_the_rectification():
    hazard = register("xigu_staff", photos=[photo()])  # the photo from when it was found
    hazard = act(services.do_grade_hazard, "xigu_staff", hazard=hazard, level="general")
    hazard = act(services.do_start_rectification, "city_admin", hazard=hazard)
    assert services.rectification_evidence_count(hazard) == 0  # the found photo does not count
    hazard = act(
        services.do_submit_rectification,
        "city_admin",
        hazard=hazard,
        rectification="已更换液位计",
        evidence=[photo()],
    )
    # the "rectification" photo turns out to predate the rectification (e.g. re-used)
    Attachment.objects.for_object(hazard).filter(description="整改佐证").update(
        created_at=hazard.rectification_started_at - timedelta(minutes=5)
    )
    with pytest.raises(ValidationFailed, match="发现隐患时的照片不能作为整改佐证"):
        act(services.do_verify_hazard, "xigu_staff", hazard=hazard, passed=True, opinion="同意")
    assert unchanged(hazard)
    from yingji.core.services import do_add_attachment

    act(do_add_attachment, "city_admin", target=hazard, upload=photo(), description="整改后")
    closed = act(
        services.do_verify_hazard, "xigu_staff", hazard=hazard, passed=True, opinion="同意"
    )
    assert closed.state == "closed"


# --- a criterion from each industry makes a hazard 重大 ---------------------------------------

SECTOR_OF = {
    "hazchem": "hazchem_storage",
    "coal": "coal_mine",
    "metal_mine": "non_coal_mine",
    "industry_trade": "metallurgy",
    "fireworks": "fireworks",
    "gas": "gas",
    "fire": "fire_key_unit",
}


@pytest.mark.parametrize("industry", list(criteria.industries()))
def test_a_criterion_from_each_industry_makes_a_hazard_major(industry):
    ent = county_tier()
    Enterprise.objects.filter(pk=ent.pk).update(sector=SECTOR_OF[industry])
    ent.refresh_from_db()
    code = criteria.items(industry)[0]["code"]
    hazard = register(enterprise=ent, level="general", criterion_code=code)
    assert hazard.level == "major" and hazard.criterion_code == code
    assert criteria.industry(industry)["document"] in hazard.level_reason
    # an item of another industry's standard is refused, and nothing is saved
    foreign = next(i for i in criteria.items() if i["industry"] != industry)["code"]
    before = Hazard.objects.count()
    with pytest.raises(ValidationFailed, match="不适用于该隐患所属行业"):
        register(enterprise=ent, criterion_code=foreign)
    assert Hazard.objects.count() == before


def test_low_confidence_criteria_can_be_switched_off(settings):
    """YINGJI_HAZARD_CRITERIA_LOW=off: the items not read in the original (消防, 燃气) are refused
    and nothing is saved; the 烟花爆竹 items (MEDIUM) stay citable."""
    settings.YINGJI_HAZARD_CRITERIA_LOW = "off"
    ent = county_tier()
    Enterprise.objects.filter(pk=ent.pk).update(sector="gas")
    ent.refresh_from_db()
    before = Hazard.objects.count()
    with pytest.raises(ValidationFailed, match="尚未对照标准原文核实"):
        register(enterprise=ent, criterion_code="RQ2023-P05")
    assert Hazard.objects.count() == before
    Enterprise.objects.filter(pk=ent.pk).update(sector="fireworks")
    ent.refresh_from_db()
    hazard = register(enterprise=ent, level="general", criterion_code="YH2017-05")
    assert hazard.level == "major" and "超过核定药量" in hazard.level_reason


def test_grading_with_a_criterion_forces_major_and_a_public_place_uses_its_category():
    from yingji.geo.models import Region

    place = act(
        services.do_register_hazard,
        "xigu_staff",
        place="西固区某餐饮街",
        region=Region.objects.get(code="620104"),
        source="tip_off",
        category="gas",
        description="餐饮店液化气瓶与灶具间距不足",
        found_on=timezone.localdate(),
    )
    assert place.level == "general"
    graded = act(
        services.do_grade_hazard,
        "xigu_staff",
        hazard=place,
        level="general",
        criterion_code=criteria.items("gas")[0]["code"],
    )
    assert graded.level == "major" and "城镇燃气" in graded.level_reason


# --- statistics returns (Art. 14) -------------------------------------------------------------


def last_quarter():
    return selectors.last_period(timezone.localdate())


def expected_figures(enterprise, start, end):
    """The same figures counted straight from the hazard rows (not through the service)."""
    rows = Hazard.objects.filter(enterprise=enterprise).exclude(state="void")
    found = rows.filter(found_on__gte=start, found_on__lte=end)

    def closed_by_end(qs):
        return [h for h in qs if h.closed_at is not None and timezone.localdate(h.closed_at) <= end]

    until_end = list(rows.filter(found_on__lte=end))
    open_end = [h for h in until_end if h not in closed_by_end(until_end)]
    return {
        "found_general": found.filter(level="general").count(),
        "found_major": found.filter(level="major").count(),
        "closed_general": len(closed_by_end(found.filter(level="general"))),
        "closed_major": len(closed_by_end(found.filter(level="major"))),
        "open_general": sum(1 for h in open_end if h.level == "general"),
        "open_major": sum(1 for h in open_end if h.level == "major"),
        "overdue_open": sum(1 for h in open_end if h.deadline and h.deadline < end),
    }


def test_the_returns_figures_equal_the_records_and_it_is_submitted_once():
    from yingji.standards.hazard_returns import period_bounds

    kind, year, quarter = last_quarter()
    start, end = period_bounds(kind, year, quarter)
    ent = own_enterprise()
    # hazards of the period: one closed within it, one still open, one void (not counted)
    register("xigu_staff", enterprise=ent, found_on=start + timedelta(days=3))
    register("xigu_staff", enterprise=ent, found_on=end, level="major")
    void = register("xigu_staff", enterprise=ent, found_on=start)
    act(services.do_void_hazard, "xigu_staff", hazard=void, reason="重复登记")
    with actor_context(user("city_admin"), source="test"):  # the demo's submitted one
        HazardReturn.objects.filter(enterprise=ent, kind=kind, year=year, quarter=quarter).delete()
    row = act(
        services.do_generate_hazard_return,
        "ent_user",
        enterprise=ent,
        kind=kind,
        year=year,
        quarter=quarter,
    )
    want = expected_figures(ent, start, end)
    assert {k: row.figures[k] for k in want} == want
    assert row.figures["found_major"] >= 1 and row.state == "draft"
    assert row.due_on == end + timedelta(days=15)  # 下一季度15日前
    with pytest.raises(ValidationFailed, match="主要负责人签字"):
        act(services.do_submit_hazard_return, "ent_user", hazard_return=row, signed_by=" ")
    for name in ("xigu_staff", "leader", "whk_staff"):
        with pytest.raises(NotPermitted):
            act(services.do_submit_hazard_return, name, hazard_return=row, signed_by="某")
    row.refresh_from_db()
    assert row.state == "draft"
    row = act(services.do_submit_hazard_return, "ent_user", hazard_return=row, signed_by="张国强")
    assert row.state == "submitted" and row.submitted_by == user("ent_user")
    assert {k: row.figures[k] for k in want} == want
    assert AuditEvent.objects.filter(verb="hazards.return.submitted", object_id=str(row.pk))
    with pytest.raises(InvalidTransition, match="已报送"):
        act(
            services.do_generate_hazard_return,
            "ent_user",
            enterprise=ent,
            kind=kind,
            year=year,
            quarter=quarter,
        )
    # the regulators' list says who has submitted
    status = {
        e.pk: e.return_state
        for e in selectors.return_status(user("xigu_staff"), kind, year, quarter)
    }
    assert status[ent.pk] == "submitted"
    assert None in status.values()  # some 西固 enterprises have not


def test_a_return_only_for_an_ended_period_and_only_by_the_enterprise():
    ent = own_enterprise()
    today = timezone.localdate()
    with pytest.raises(ValidationFailed, match="统计期尚未结束"):
        act(
            services.do_generate_hazard_return,
            "ent_user",
            enterprise=ent,
            kind="year",
            year=today.year,
        )
    kind, year, quarter = last_quarter()
    for name in ("xigu_staff", "whk_staff", "leader"):
        with pytest.raises(NotPermitted):
            act(
                services.do_generate_hazard_return,
                name,
                enterprise=ent,
                kind="year",
                year=year - 1,
            )
    assert not HazardReturn.objects.filter(enterprise=ent, kind="year", year=year - 1).exists()


def test_who_sees_which_returns():
    returns = HazardReturn.objects.all()
    assert returns.filter(enterprise__region__path__startswith="/620100/620102/").exists()
    mine = set(selectors.visible_returns(user("ent_user")).values_list("enterprise", flat=True))
    assert mine == {own_enterprise().pk}
    xigu = selectors.visible_returns(user("xigu_staff"))
    assert xigu.exists()
    assert not xigu.filter(enterprise__region__path__startswith="/620100/620102/").exists()
    assert selectors.visible_returns(user("leader")).count() == returns.count()
    assert selectors.visible_returns(user("whk_staff")).count() == returns.count()


# --- pages and API -------------------------------------------------------------------------------


def test_pages_show_each_persona_only_what_it_may_do(client):
    hazard = self_rectified("ent_user")
    client.force_login(user("ent_chief"))
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'id="verify-form"' in page and "本单位验收" in page
    client.force_login(user("ent_user"))
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'id="verify-form"' not in page
    client.force_login(user("leader"))
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    for form in ("verify-form", "sample-form", "reopen-form", "grade-form", "report-form"):
        assert f'id="{form}"' not in page
    major = major_rectifying()
    client.force_login(user("ent_user"))
    page = client.get(reverse("hazards:detail", args=[major.pk])).content.decode()
    assert 'id="assess-form"' in page and 'id="resume-blocked"' in page
    assert 'id="submit-form"' not in page and 'id="major-report"' in page


def test_the_returns_pages_and_exports(client):
    for name in ("ent_user", "xigu_staff", "whk_staff", "leader"):
        client.force_login(user(name))
        assert client.get(reverse("hazards:returns")).status_code == 200
        status = client.get(reverse("hazards:return_status"))
        assert status.status_code == 200
    client.force_login(user("ent_user"))
    page = client.get(reverse("hazards:returns")).content.decode()
    assert 'id="return-generate-form"' in page
    client.force_login(user("xigu_staff"))
    page = client.get(reverse("hazards:returns")).content.decode()
    assert 'id="return-generate-form"' not in page
    csv = client.get(reverse("hazards:return_status") + "?export=csv&submitted=0")
    assert csv.status_code == 200
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "报送情况" in text and "已报送" not in text.split("\n", 1)[1]
    # the enterprise user cannot open another enterprise's return
    other = HazardReturn.objects.exclude(enterprise=own_enterprise()).first()
    client.force_login(user("ent_user"))
    assert client.get(reverse("hazards:return", args=[other.pk])).status_code == 404


def test_the_api_reports_a_major_hazard_and_refuses_closing_it_for_the_enterprise(client):
    hazard = register("xigu_staff", enterprise=own_enterprise(), level="major")
    hazard = act(services.do_grade_hazard, "xigu_staff", hazard=hazard, level="major")
    client.force_login(user("ent_user"))
    url = f"/api/v1/hazards/{hazard.pk}/report"
    incomplete = client.post(url, {"situation": "现状"}, content_type="application/json")
    assert incomplete.status_code in (400, 422)
    assert "缺少" in incomplete.json()["message"]
    body = {
        "situation": "现状及原因",
        "harm": "危害和难度",
        "plan": {
            "goal": "目标",
            "measures": "措施",
            "funding": "经费",
            "responsible": "机构人员",
            "deadline": "时限",
            "safety": "安全措施和预案",
        },
        "approver": "张国强",
        "approved_on": timezone.localdate().isoformat(),
    }
    done = client.post(url, body, content_type="application/json")
    assert done.status_code == 200 and done.json()["report_submitted_at"]
