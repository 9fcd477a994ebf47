"""The hazard closed loop (issue #5): every allowed transition and a rejection for each forbidden
one, separation of duties, evidence, the 重大 remediation plan, overdue in working days across a
holiday, repeat detection, the 一责三排 ranking, and the personas' grants and denials."""

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import Attachment, AuditEvent
from yingji.enterprises.models import Enterprise
from yingji.hazards import selectors, services
from yingji.hazards.models import Hazard
from yingji.standards import hazards as rules

pytestmark = pytest.mark.django_db
User = get_user_model()
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
    b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
    b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)
PLAN = {
    "goal": "消除隐患",
    "measures": "停用检修",
    "funding": "20 万元",
    "responsible": "设备部",
    "deadline": "60 个工作日",
    "safety": "警戒监护,专项预案",
}


def user(name):
    return User.objects.get(username=name)


def photo():
    return SimpleUploadedFile("整改.png", io.BytesIO(PNG).getvalue(), content_type="image/png")


def own_enterprise():
    return Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")


def county_tier(region_prefix="/620100/620104/", hazchem=None):
    qs = Enterprise.objects.filter(tier="county", region__path__startswith=region_prefix)
    if hazchem is not None:
        from yingji.enterprises.choices import HAZCHEM_SECTORS

        qs = (
            qs.filter(sector__in=HAZCHEM_SECTORS)
            if hazchem
            else qs.exclude(sector__in=HAZCHEM_SECTORS)
        )
    return qs.order_by("pk").first()


def register(actor_name="xigu_staff", enterprise=None, **kw):
    actor = user(actor_name)
    values = {
        "source": "enforcement",
        "category": "equipment",
        "description": "储罐区液位计失灵未维修",
        "found_on": timezone.localdate() - timedelta(days=2),
    }
    values.update(kw)
    with actor_context(actor, source="test"):
        return services.do_register_hazard(
            actor=actor, enterprise=enterprise or county_tier(), **values
        )


def act(fn, actor_name, **kw):
    actor = user(actor_name)
    with actor_context(actor, source="test"):
        return fn(actor=actor, **kw)


def graded(level="general", **kw):
    hazard = register(level=level, **kw)
    return act(services.do_grade_hazard, "xigu_staff", hazard=hazard, level=level)


def awaiting(rectifier="city_admin"):
    hazard = act(services.do_start_rectification, rectifier, hazard=graded())
    return act(
        services.do_submit_rectification,
        rectifier,
        hazard=hazard,
        rectification="已更换液位计并校验",
        evidence=[photo()],
    )


# --- the loop -------------------------------------------------------------------------------------


def test_full_loop_with_return_and_timeline():
    hazard = graded()
    assert hazard.state == "graded" and hazard.deadline is not None
    hazard = act(services.do_start_rectification, "city_admin", hazard=hazard)
    assert hazard.state == "rectifying"
    hazard = act(
        services.do_submit_rectification,
        "city_admin",
        hazard=hazard,
        rectification="已更换液位计",
        evidence=[photo()],
    )
    assert hazard.state == "awaiting_verification"
    hazard = act(
        services.do_verify_hazard, "xigu_staff", hazard=hazard, passed=False, opinion="未校验"
    )
    assert (hazard.state, hazard.returns) == ("rectifying", 1)
    hazard = act(
        services.do_submit_rectification,
        "city_admin",
        hazard=hazard,
        rectification="已更换并由第三方校验合格",
        evidence=[photo()],
    )
    hazard = act(
        services.do_verify_hazard, "xigu_staff", hazard=hazard, passed=True, opinion="整改到位"
    )
    assert hazard.state == "closed" and hazard.closed_at is not None
    verbs = list(
        AuditEvent.objects.filter(object_id=str(hazard.pk), verb__startswith="hazards.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "hazards.register",
        "hazards.grade",
        "hazards.start",
        "hazards.submit",
        "hazards.verify_fail",
        "hazards.submit",
        "hazards.verify_pass",
    ]


ACTIONS = {
    "grade": lambda h: act(services.do_grade_hazard, "xigu_staff", hazard=h, level="general"),
    "rectify_on_the_spot": lambda h: act(
        services.do_rectify_on_the_spot,
        "city_admin",
        hazard=h,
        rectification="当场整改完毕",
        evidence=[photo()],
    ),
    "start": lambda h: act(services.do_start_rectification, "city_admin", hazard=h),
    "submit": lambda h: act(
        services.do_submit_rectification,
        "city_admin",
        hazard=h,
        rectification="整改完毕的说明",
        evidence=[photo()],
    ),
    "verify_pass": lambda h: act(
        services.do_verify_hazard, "xigu_staff", hazard=h, passed=True, opinion="同意"
    ),
    "verify_fail": lambda h: act(
        services.do_verify_hazard, "xigu_staff", hazard=h, passed=False, opinion="不同意"
    ),
    "void": lambda h: act(services.do_void_hazard, "xigu_staff", hazard=h, reason="重复登记"),
}


def in_state(state):
    if state == "registered":
        return register()
    if state == "graded":
        return graded()
    if state == "rectifying":
        return act(services.do_start_rectification, "city_admin", hazard=graded())
    if state == "awaiting_verification":
        return awaiting()
    if state == "closed":
        return ACTIONS["verify_pass"](awaiting())
    if state == "void":
        return ACTIONS["void"](register())
    raise AssertionError(state)


STATES = ["registered", "graded", "rectifying", "awaiting_verification", "closed", "void"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_transition_table(state, action):
    hazard = in_state(state)
    allowed, to_state, _who = services.TRANSITIONS[action]
    before = Hazard.objects.get(pk=hazard.pk)
    if state in allowed:
        after = ACTIONS[action](hazard)
        assert after.state == to_state
    else:
        with pytest.raises(InvalidTransition) as info:
            ACTIONS[action](hazard)
        assert "不能" in info.value.message
        now = Hazard.objects.get(pk=hazard.pk)
        assert (now.state, now.version) == (before.state, before.version)


def test_rectifier_cannot_verify():
    hazard = awaiting(rectifier="xigu_staff")
    with pytest.raises(NotPermitted, match="整改人不能验收"):
        act(services.do_verify_hazard, "xigu_staff", hazard=hazard, passed=True, opinion="自验")
    hazard.refresh_from_db()
    assert hazard.state == "awaiting_verification"


def test_closing_without_evidence_is_refused():
    hazard = awaiting()
    Attachment.objects.filter(object_id=str(hazard.pk)).update(voided_at=timezone.now())
    with pytest.raises(ValidationFailed, match="没有整改开始后上传的整改佐证"):
        act(services.do_verify_hazard, "xigu_staff", hazard=hazard, passed=True, opinion="同意")
    with pytest.raises(ValidationFailed, match="上传"):
        act(
            services.do_submit_rectification,
            "city_admin",
            hazard=act(services.do_start_rectification, "city_admin", hazard=graded()),
            rectification="没有附件的整改",
            evidence=[],
        )


def report_major(hazard, actor_name="city_admin", **overrides):
    """报送重大隐患报告 with every element (16号令 Art. 14, 15)."""
    values = {
        "situation": "罐区紧急切断阀失效,原因是长期未维护",
        "harm": "可能引发泄漏火灾,需停用罐区,整改难度大",
        "plan": PLAN,
        "approver": "张国强",
        "approved_on": timezone.localdate(),
    }
    values.update(overrides)
    return act(services.do_report_major_hazard, actor_name, hazard=hazard, **values)


def assess(hazard, actor_name="city_admin"):
    return act(
        services.do_record_assessment,
        actor_name,
        hazard=hazard,
        assessor_kind="agency",
        assessor="某安全评价公司",
        conclusion="治理到位,具备恢复生产条件",
        assessed_on=timezone.localdate(),
    )


def test_major_needs_the_report_with_the_full_plan_before_rectifying():
    hazard = graded(level="major")
    assert hazard.level == "major" and hazard.reported_to_regulator_at is not None
    with pytest.raises(InvalidTransition, match="须先报送重大隐患报告"):
        act(services.do_start_rectification, "city_admin", hazard=hazard, plan=PLAN)
    partial = {**PLAN, "funding": "", "safety": " "}
    with pytest.raises(ValidationFailed) as info:
        report_major(hazard, plan=partial, harm="")
    assert info.value.details["missing"] == [
        "隐患的危害程度和整改难度分析",
        "经费和物资的落实",
        "安全措施和应急预案",
    ]
    hazard.refresh_from_db()
    assert hazard.state == "graded" and hazard.report_submitted_at is None
    hazard = report_major(hazard)
    assert hazard.report_submitted_at is not None and hazard.plan_approver == "张国强"
    hazard = act(services.do_start_rectification, "city_admin", hazard=hazard)
    assert hazard.state == "rectifying" and hazard.plan["goal"] == "消除隐患"
    with pytest.raises(InvalidTransition, match="重大隐患不能立即整改"):
        act(
            services.do_rectify_on_the_spot,
            "city_admin",
            hazard=graded(level="major"),
            rectification="当场处理了",
            evidence=[photo()],
        )


def test_a_2017_criterion_makes_a_chemical_hazard_major_and_is_refused_elsewhere():
    chem = county_tier(hazchem=True)
    hazard = register(enterprise=chem, criteria=[5])
    assert hazard.level == "major" and "第5项" in hazard.level_reason
    other = county_tier(hazchem=False)
    if other is not None:
        with pytest.raises(ValidationFailed, match="只适用于危险化学品企业"):
            register(enterprise=other, criteria=[5])


def test_supervision_only_for_major_and_by_a_regulator():
    from yingji.orgs.models import Organisation

    bureau = Organisation.objects.get(code="XGQ-YJJ")  # a county names itself (issue #12)
    until = timezone.localdate() + timedelta(days=60)
    with pytest.raises(InvalidTransition, match="只有重大隐患"):
        act(
            services.do_supervise_hazard,
            "xigu_staff",
            hazard=graded(),
            supervisor=bureau,
            until=until,
        )
    major = graded(level="major")
    with pytest.raises(NotPermitted):
        act(services.do_supervise_hazard, "ent_user", hazard=major, supervisor=bureau, until=until)
    major = act(
        services.do_supervise_hazard, "xigu_staff", hazard=major, supervisor=bureau, until=until
    )
    assert major.supervised and major.supervisor == bureau


def test_codes_are_sequential_per_year_and_set_at_creation():
    from yingji.core.models import ObjectChange

    first, second = register(), register()
    year = first.found_on.year
    n1, n2 = int(first.code[6:]), int(second.code[6:])
    assert first.code.startswith(f"YH{year}") and n2 == n1 + 1
    changes = ObjectChange.objects.filter(
        content_type__model="hazard", object_id=str(second.pk)
    ).values_list("action", flat=True)
    assert list(changes) == ["create"]  # no second write to fix up the number


def test_bad_registration_says_what_is_wrong_and_saves_nothing():
    before = Hazard.objects.count()
    with pytest.raises(ValidationFailed) as info:
        register(description="坏", category="nonsense", found_on=date(2999, 1, 1))
    assert set(info.value.details) >= {"description", "category", "found_on"}
    with pytest.raises(ValidationFailed, match="公共场所"):
        act(
            services.do_register_hazard,
            "city_admin",
            source="tip_off",
            category="gas",
            description="燃气管道锈蚀严重",
            found_on=timezone.localdate(),
        )
    assert Hazard.objects.count() == before


def test_void_needs_a_reason():
    with pytest.raises(ValidationFailed, match="原因"):
        act(services.do_void_hazard, "xigu_staff", hazard=register(), reason="  ")


# --- deadlines and escalation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "deadline, today, expected",
    [
        # National Day 2022: 1–7 Oct off; Sat 8 and Sun 9 Oct are make-up working days.
        (date(2022, 9, 30), date(2022, 10, 7), 0),
        (date(2022, 9, 30), date(2022, 10, 8), 1),
        (date(2022, 9, 30), date(2022, 10, 10), 3),  # ten calendar days, three working days
        (date(2022, 10, 10), date(2022, 10, 10), 0),
        (date(2022, 11, 11), date(2022, 11, 14), 1),  # Fri → Mon: one working day
    ],
)
def test_overdue_counts_working_days_across_the_holiday(deadline, today, expected):
    hazard = Hazard(deadline=deadline, state="rectifying")
    assert services.workdays_overdue(hazard, today) == expected


def test_grading_deadline_in_working_days():
    hazard = register()
    hazard = act(
        services.do_grade_hazard,
        "xigu_staff",
        hazard=hazard,
        level="general",
        deadline_workdays=3,
        today=date(2022, 9, 29),
    )
    # 29 Sep + 3 working days: 30 Sep, 8 Oct, 9 Oct (the holiday does not count)
    assert hazard.deadline == date(2022, 10, 9)


def test_daily_check_reminds_then_escalates_once():
    hazard = act(
        services.do_grade_hazard,
        "xigu_staff",
        hazard=register(),
        level="general",
        deadline_workdays=5,
        today=date(2026, 11, 2),
    )
    deadline = hazard.deadline
    with actor_context(None, source="job"):
        services.do_run_hazard_check(today=deadline - timedelta(days=1), reminder_days=3)
        services.do_run_hazard_check(today=deadline - timedelta(days=1), reminder_days=3)
        services.do_run_hazard_check(today=deadline + timedelta(days=1))
        services.do_run_hazard_check(today=deadline + timedelta(days=2))
    hazard.refresh_from_db()
    assert hazard.reminded_on == deadline - timedelta(days=1)
    assert hazard.escalated_on == deadline + timedelta(days=1)
    events = AuditEvent.objects.filter(object_id=str(hazard.pk))
    assert events.filter(verb="hazards.remind").count() == 1
    assert events.filter(verb="hazards.escalate").count() == 1
    assert "西固区" in events.get(verb="hazards.escalate").message


def test_repeat_within_twelve_months_is_flagged():
    ent = county_tier()
    first = ACTIONS["verify_pass"](awaiting())
    assert first.enterprise == ent
    again = register(enterprise=ent, category=first.category)
    assert again.repeat_of == first
    other_category = register(enterprise=ent, category="flood")
    assert other_category.repeat_of is None


# --- ranking ---------------------------------------------------------------------------------------


def test_ranking_orders_by_transparent_terms():
    today = timezone.localdate()
    base = Hazard(level="general", people_exposed=0, state="rectifying")
    crafted = {
        "major": Hazard(level="major", people_exposed=0, state="rectifying"),
        "overdue": Hazard(
            level="general",
            people_exposed=0,
            state="rectifying",
            deadline=today - timedelta(days=30),
        ),
        "crowd": Hazard(level="general", people_exposed=40, state="rectifying"),
        "plain": base,
    }
    scores = {name: selectors.score(h, today) for name, h in crafted.items()}
    order = sorted(scores, key=lambda n: -scores[n].total)
    assert order == ["major", "overdue", "crowd", "plain"]
    assert scores["crowd"].total == 8.0  # 40 people × 0.2
    assert scores["major"].total == rules.PriorityWeights().major


def test_queue_is_ranked_and_scoped():
    major = graded(level="major")
    queue = selectors.ranked_queue(user("xigu_staff"))
    totals = [s.total for _, s in queue]
    assert totals == sorted(totals, reverse=True)
    assert major.pk in [h.pk for h, _ in queue]
    assert all(h.region.path.startswith("/620100/620104/") for h, _ in queue)
    assert major.pk not in [h.pk for h, _ in selectors.ranked_queue(user("chengguan_staff"))]


# --- permissions -----------------------------------------------------------------------------------


def test_enterprise_user_handles_its_own_but_never_verifies_its_own_rectification():
    # 16号令 Art. 4, 10, 15 (issue #19): the enterprise grades its own 一般 hazard itself
    hazard = register("ent_user", enterprise=own_enterprise(), source="self_inspection")
    assert hazard.reported_by.username == "ent_user"
    hazard = act(services.do_grade_hazard, "ent_user", hazard=hazard, level="general")
    assert hazard.state == "graded"
    with pytest.raises(NotPermitted):  # re-grading is the regulator's
        act(services.do_grade_hazard, "ent_user", hazard=hazard, level="general")
    hazard = act(
        services.do_rectify_on_the_spot,
        "ent_user",
        hazard=hazard,
        rectification="当场清理通道杂物",
        evidence=[photo()],
    )
    with pytest.raises(NotPermitted):
        act(services.do_verify_hazard, "ent_user", hazard=hazard, passed=True, opinion="自己验收")
    other = (
        Enterprise.objects.filter(tier="county", region__path__startswith="/620100/620104/")
        .exclude(pk=own_enterprise().pk)
        .first()
    )
    with pytest.raises(NotPermitted):
        register("ent_user", enterprise=other)
    seen = selectors.visible_hazards(user("ent_user"))
    assert seen.exists() and set(seen.values_list("enterprise_id", flat=True)) == {
        own_enterprise().pk
    }


def test_county_and_city_visibility():
    a = register()
    assert selectors.visible_hazards(user("xigu_staff")).filter(pk=a.pk).exists()
    assert not selectors.visible_hazards(user("chengguan_staff")).filter(pk=a.pk).exists()
    assert selectors.visible_hazards(user("whk_staff")).filter(pk=a.pk).exists()
    assert selectors.visible_hazards(user("leader")).filter(pk=a.pk).exists()
    with pytest.raises(NotPermitted):
        register("chengguan_staff")
    city_tier = Enterprise.objects.filter(
        tier="city", region__path__startswith="/620100/620104/"
    ).first()
    if city_tier is not None:  # county staff do not handle city-tier enterprises (T3)
        with pytest.raises(NotPermitted):
            register("xigu_staff", enterprise=city_tier)
        assert register("whk_staff", enterprise=city_tier).enterprise == city_tier


def test_public_place_hazard_follows_its_region():
    from yingji.geo.models import Region

    region = Region.objects.get(code="620102")
    hazard = act(
        services.do_register_hazard,
        "chengguan_staff",
        place="城关区某农贸市场",
        region=region,
        source="tip_off",
        category="fire",
        description="消防通道被摊位占用",
        found_on=timezone.localdate(),
    )
    assert selectors.visible_hazards(user("chengguan_staff")).filter(pk=hazard.pk).exists()
    assert not selectors.visible_hazards(user("xigu_staff")).filter(pk=hazard.pk).exists()
    with pytest.raises(NotPermitted):
        act(
            services.do_register_hazard,
            "xigu_staff",
            place="城关区某处",
            region=region,
            source="tip_off",
            category="fire",
            description="不在本辖区的隐患",
            found_on=timezone.localdate(),
        )
