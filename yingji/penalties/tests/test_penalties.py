"""行政处罚案件: every transition × state (refusals change nothing), the hearing right at the
data thresholds, the 90-day clock across 国庆, 法制审核 required for major / refused for the
others, the reviewer rule, permissions per persona, audit, pages, the public page and the API."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent, ObjectChange
from yingji.core.permissions import can, restrict
from yingji.enterprises.models import Enterprise
from yingji.orgs.models import Organisation
from yingji.penalties import officers, services
from yingji.penalties.models import CaseStep, PenaltyCase
from yingji.standards import penalty_procedure as pp

pytestmark = pytest.mark.django_db
User = get_user_model()
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n% proof\n"


def user(name):
    return User.objects.get(username=name)


def proof():
    return SimpleUploadedFile("回证.pdf", PDF, "application/pdf")


def city_enterprise():
    return Enterprise.objects.filter(tier="city", status="operating").order_by("pk").first()


def ids(code="LZYJJ", enterprise=None):
    path = Organisation.objects.get(code=code).path
    eid = enterprise.pk if enterprise is not None else None
    return [o.pk for o in officers.choices(path, TODAY, enterprise_id=eid)][:2]


def run(actor, fn, **kw):
    with actor_context(actor, source="test", label="test"):
        return fn(actor=actor, **kw)


def fresh(case):
    return PenaltyCase.objects.get(pk=case.pk)


def file_case(actor="whk_staff", *, agency="LZYJJ-ZD", enterprise=None, days_ago=30, **kw):
    actor = user(actor)
    code = "LZYJJ" if agency.startswith("LZYJJ") else agency
    enterprise = enterprise or city_enterprise()
    params = dict(
        agency=Organisation.objects.get(code=agency),
        party_kind="unit",
        enterprise=enterprise,
        source="complaint",
        cause="测试案由:未按规定进行安全评估",
        filed_on=TODAY - dt.timedelta(days=days_ago),
        filing_approver="副局长",
        officer_ids=ids(code, enterprise),
    )
    params.update(kw)
    return run(actor, services.do_file_case, **params)


def to_reviewing(case, actor="whk_staff", major=()):
    actor = user(actor)
    run(
        actor,
        services.do_start_investigation,
        case=fresh(case),
        officer_ids=ids(case.authority.code, case.enterprise),
    )
    run(
        actor,
        services.do_add_evidence,
        case=fresh(case),
        kind="site",
        title="现场检查笔录",
        recorded_by="执法一大队",
        recorded_on=TODAY,
    )
    run(
        actor,
        services.do_submit_review,
        case=fresh(case),
        facts="违法事实清楚,证据确凿,测试。",
        violated="安全生产法第三十条",
        basis="安全生产法第九十七条",
        major_asserted=list(major),
        major_reason="测试理由" if major else "",
    )
    return fresh(case)


def to_notified(
    case, fine="10000", notice_days_ago=10, actor="whk_staff", major=(), kinds=("fine",)
):
    case = to_reviewing(case, actor, major)
    run(
        user(actor),
        services.do_notify,
        case=case,
        kinds=list(kinds),
        fine=Decimal(fine) if fine else None,
        confiscation=None,
        text="拟罚款",
        notice_served_on=TODAY - dt.timedelta(days=notice_days_ago),
    )
    return fresh(case)


def to_approval(case, actor="whk_staff", **kw):
    case = to_notified(case, actor=actor, **kw)
    if services.is_major(case):
        run(user(actor), services.do_submit_legal_review, case=case)
        run(
            user("zcfg_staff"),
            services.do_pass_legal_review,
            case=fresh(case),
            opinion="同意,程序合法。",
        )
        run(
            user(actor),
            services.do_record_approval,
            case=fresh(case),
            mode="collective",
            approver="局长",
            approved_on=TODAY,
            meeting_record="局务会集体讨论,一致同意。",
        )
    else:
        run(user(actor), services.do_submit_approval, case=case)
        run(
            user(actor),
            services.do_record_approval,
            case=fresh(case),
            mode="leader",
            approver="副局长",
            approved_on=TODAY,
        )
    return fresh(case)


def decide(case, actor="whk_staff", number=None):
    run(
        user(actor),
        services.do_decide,
        case=fresh(case),
        kinds=case.proposed_kinds,
        fine=case.proposed_fine,
        confiscation=None,
        text="罚款",
        decision_number=number or f"测罚{case.pk}",
        decided_on=TODAY,
    )
    return fresh(case)


# --- every transition × state ----------------------------------------------------------------

CALLS = {
    "investigate": lambda c: dict(fn=services.do_start_investigation, case=c, officer_ids=ids()),
    "review": lambda c: dict(
        fn=services.do_submit_review,
        case=c,
        facts="事实清楚证据确凿测试。",
        violated="某条",
        basis="某条",
    ),
    "notify": lambda c: dict(
        fn=services.do_notify,
        case=c,
        kinds=["warning"],
        fine=None,
        confiscation=None,
        text="警告",
        notice_served_on=TODAY,
    ),
    "request_hearing": lambda c: dict(fn=services.do_request_hearing, case=c, requested_on=TODAY),
    "submit_legal_review": lambda c: dict(fn=services.do_submit_legal_review, case=c),
    "return_for_review": lambda c: dict(
        fn=services.do_return_legal_review, case=c, opinion="退回意见"
    ),
    "submit_approval": lambda c: dict(fn=services.do_submit_approval, case=c),
    "decide": lambda c: dict(
        fn=services.do_decide,
        case=c,
        kinds=["warning"],
        fine=None,
        confiscation=None,
        text="警告",
        decision_number="X-1",
        decided_on=TODAY,
    ),
    "decide_no_penalty": lambda c: dict(
        fn=services.do_decide_no_penalty, case=c, reason="违法行为轻微并及时改正", decided_on=TODAY
    ),
    "serve": lambda c: dict(
        fn=services.do_serve, case=c, method="direct", served_on=TODAY, proof=proof()
    ),
    "apply_enforcement": lambda c: dict(
        fn=services.do_apply_enforcement, case=c, applied_on=TODAY, court="西固区人民法院"
    ),
    "execute": lambda c: dict(
        fn=services.do_record_execution,
        case=c,
        executed_on=TODAY,
        paid_amount=Decimal("1"),
        note="已履行",
    ),
    "close": lambda c: dict(fn=services.do_close_case, case=c, closed_on=TODAY),
    "withdraw": lambda c: dict(
        fn=services.do_withdraw_case, case=c, reason="违法事实不能成立", approver="副局长"
    ),
}


def test_every_action_has_a_service_call():
    assert set(CALLS) == set(pp.BY_ACTION)


def test_every_forbidden_transition_is_refused_and_changes_nothing():
    case = file_case()
    refused = 0
    for state, _label in pp.STATES:
        PenaltyCase.objects.filter(pk=case.pk).update(state=state)
        for action, call in CALLS.items():
            if pp.target_of(state, action) is not None:
                continue
            before = fresh(case)
            steps = CaseStep.objects.filter(case=case).count()
            events = AuditEvent.objects.count()
            kwargs = call(before)
            fn = kwargs.pop("fn")
            actor = user("zcfg_staff") if action == "return_for_review" else user("whk_staff")
            with pytest.raises(InvalidTransition) as exc:
                run(actor, fn, **kwargs)
            assert exc.value.message, (state, action)
            after = fresh(case)
            assert (after.state, after.version) == (before.state, before.version), (state, action)
            assert CaseStep.objects.filter(case=case).count() == steps
            assert AuditEvent.objects.count() == events
            refused += 1
    allowed = sum(len(t.sources) for t in pp.TRANSITIONS)
    assert refused == len(pp.STATES) * len(CALLS) - allowed


def test_refusal_message_names_the_allowed_steps():
    case = file_case()
    with pytest.raises(InvalidTransition) as exc:
        run(
            user("whk_staff"),
            services.do_decide_no_penalty,
            case=case,
            reason="理由充分",
            decided_on=TODAY,
        )
    assert "立案" in exc.value.message and "开始调查取证" in exc.value.message


def test_full_non_major_journey_with_audit_and_timeline():
    case = to_approval(file_case())
    assert not services.is_major(case)
    case = decide(case)
    run(
        user("whk_staff"),
        services.do_serve,
        case=case,
        method="post",
        served_on=TODAY,
        proof=proof(),
    )
    run(
        user("whk_staff"),
        services.do_record_execution,
        case=fresh(case),
        executed_on=TODAY,
        paid_amount=Decimal("10000"),
    )
    run(user("whk_staff"), services.do_close_case, case=fresh(case), closed_on=TODAY)
    case = fresh(case)
    assert case.state == "closed"
    actions = list(case.steps.values_list("action", flat=True))
    assert actions[:4] == ["file", "investigate", "review", "notify"]
    assert actions[-3:] == ["serve", "execute", "close"]
    assert case.steps.get(action="investigate").officers.count() == 2
    verbs = set(AuditEvent.objects.filter(object_id=str(case.pk)).values_list("verb", flat=True))
    assert {"penalties.case.filed", "penalties.case.decide", "penalties.case.close"} <= verbs
    assert ObjectChange.objects.filter(object_id=str(case.pk), action="update").exists()


def test_no_penalty_and_withdraw_side_exits():
    case = to_approval(file_case())
    run(
        user("whk_staff"),
        services.do_decide_no_penalty,
        case=case,
        reason="违法行为轻微并及时改正",
        decided_on=TODAY,
    )
    run(user("whk_staff"), services.do_close_case, case=fresh(case), closed_on=TODAY)
    assert fresh(case).state == "closed"
    other = file_case()
    with pytest.raises(ValidationFailed):
        run(user("whk_staff"), services.do_withdraw_case, case=other, reason="", approver="")
    run(
        user("whk_staff"),
        services.do_withdraw_case,
        case=other,
        reason="违法事实不能成立",
        approver="副局长",
    )
    assert fresh(other).state == "withdrawn"


def test_at_least_two_certified_officers():
    with pytest.raises(ValidationFailed) as exc:
        file_case(officer_ids=ids()[:1])
    assert "不得少于" in exc.value.message
    assert not PenaltyCase.objects.filter(cause="只有一人").exists()


# --- hearing right at the thresholds -----------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "fine", "right"),
    [
        ("unit", "49999.99", False),
        ("unit", "50000", True),
        ("unit", "50000.01", True),
        ("person", "19999.99", False),
        ("person", "20000", True),
        ("person", "20000.01", True),
    ],
)
def test_hearing_right_at_the_thresholds(party, fine, right):
    extra = (
        {"party_kind": "person", "enterprise": None, "party_name": "张三"}
        if party == "person"
        else {}
    )
    case = to_notified(file_case(**extra), fine=fine, notice_days_ago=1)
    assert case.hearing_right is right
    if right:
        run(user("whk_staff"), services.do_request_hearing, case=case, requested_on=TODAY)
        assert fresh(case).state == "hearing"
    else:
        with pytest.raises(InvalidTransition):
            run(user("whk_staff"), services.do_request_hearing, case=case, requested_on=TODAY)
        assert fresh(case).state == "notified"


def test_thresholds_follow_the_setting(settings):
    settings.YINGJI_PENALTY_HEARING_THRESHOLDS = {"fine_unit": "30000"}
    case = to_notified(file_case(), fine="30000", notice_days_ago=1)
    assert case.hearing_right


def test_hearing_request_after_five_days_refused_and_hearing_rules():
    late = to_notified(file_case(), fine="60000", notice_days_ago=8)
    with pytest.raises(ValidationFailed) as exc:
        run(user("whk_staff"), services.do_request_hearing, case=late, requested_on=TODAY)
    assert "五日内" in exc.value.message and fresh(late).state == "notified"
    case = to_notified(file_case(days_ago=40), fine="60000", notice_days_ago=20)
    run(
        user("whk_staff"),
        services.do_request_hearing,
        case=case,
        requested_on=TODAY - dt.timedelta(days=17),
    )
    officer = fresh(case).officers.first()
    with pytest.raises(ValidationFailed):  # hosted by an investigator (第六十四条第(四)项)
        run(
            user("whk_staff"),
            services.do_record_hearing,
            case=fresh(case),
            hearing_on=TODAY,
            host=officer.name,
            record="听证笔录摘要,当事人申辩。",
        )
    with pytest.raises(ValidationFailed):  # less than 7 days' notice
        run(
            user("whk_staff"),
            services.do_record_hearing,
            case=fresh(case),
            hearing_on=TODAY - dt.timedelta(days=15),
            host="法规科长",
            record="听证笔录摘要,当事人申辩。",
        )
    run(
        user("whk_staff"),
        services.do_record_hearing,
        case=fresh(case),
        hearing_on=TODAY,
        host="法规科长",
        record="听证笔录摘要,当事人申辩。",
    )
    assert "hearing_held" in services.major_reasons(fresh(case))


def test_window_must_close_before_leaving_notice():
    case = to_notified(file_case(), fine="1000", notice_days_ago=0)
    with pytest.raises(InvalidTransition) as exc:
        run(user("whk_staff"), services.do_submit_approval, case=case)
    assert "期限未满" in exc.value.message and fresh(case).state == "notified"
    run(
        user("whk_staff"),
        services.do_record_statement,
        case=fresh(case),
        text="请求从轻",
        stated_on=TODAY,
        adopted="不予采纳",
    )
    run(user("whk_staff"), services.do_submit_approval, case=fresh(case))
    assert fresh(case).state == "approval"


def test_statement_after_window_refused():
    case = to_notified(file_case(), fine="1000", notice_days_ago=6)
    with pytest.raises(ValidationFailed) as exc:
        run(
            user("whk_staff"),
            services.do_record_statement,
            case=case,
            text="迟到的申辩",
            stated_on=TODAY,
            adopted="不予采纳",
        )
    assert "届满" in exc.value.message
    assert fresh(case).statement_on is None


# --- 90-day clock --------------------------------------------------------------------------------


def test_ninety_calendar_days_across_national_day(monkeypatch):
    case = file_case(days_ago=5)
    assert case.deadline == case.filed_on + dt.timedelta(days=90)
    # across 国庆 2026 (10月1–7日 holidays): still calendar days, holidays count
    PenaltyCase.objects.filter(pk=case.pk).update(
        filed_on=dt.date(2026, 9, 1), deadline=pp.decision_deadline(dt.date(2026, 9, 1))
    )
    monkeypatch.setattr("yingji.penalties.models.timezone.localdate", lambda: dt.date(2026, 10, 8))
    case = fresh(case)
    assert case.deadline == dt.date(2026, 11, 30)
    assert case.days_left == 53 and not case.overdue
    monkeypatch.setattr("yingji.penalties.models.timezone.localdate", lambda: dt.date(2026, 12, 1))
    assert fresh(case).days_left == -1 and fresh(case).overdue


def test_extension_moves_the_deadline_and_decision_after_deadline_refused():
    case = to_approval(file_case(days_ago=95))  # filed 95 days ago: overdue
    assert case.overdue
    with pytest.raises(InvalidTransition) as exc:
        decide(case)
    assert "第六十条" in exc.value.message and fresh(case).state == "approval"
    with pytest.raises(InvalidTransition):  # an extension is approved before the deadline
        run(
            user("whk_staff"),
            services.do_extend_deadline,
            case=fresh(case),
            days=30,
            reason="案情复杂",
            approver="局长",
            approved_on=TODAY,
        )
    run(
        user("whk_staff"),
        services.do_extend_deadline,
        case=fresh(case),
        days=30,
        reason="案情复杂",
        approver="局长",
        approved_on=fresh(case).deadline,
    )
    case = fresh(case)
    assert case.deadline == case.filed_on + dt.timedelta(days=120) and not case.overdue
    assert decide(case).state == "decided"


# --- 法制审核 ------------------------------------------------------------------------------------


def test_legal_review_refused_for_non_major():
    case = to_notified(file_case(), fine="10000")
    assert services.major_reasons(case) == []
    with pytest.raises(InvalidTransition) as exc:
        run(user("whk_staff"), services.do_submit_legal_review, case=case)
    assert "不属于重大执法决定" in exc.value.message and fresh(case).state == "notified"


@pytest.mark.parametrize(("fine", "major"), [("60000", ()), ("10000", ("complex",))])
def test_legal_review_required_for_major(fine, major):
    case = to_notified(file_case(), fine=fine, major=major)
    assert services.is_major(case)
    with pytest.raises(InvalidTransition) as exc:
        run(user("whk_staff"), services.do_submit_approval, case=case)
    assert "须先经法制审核" in exc.value.message and fresh(case).state == "notified"
    run(user("whk_staff"), services.do_submit_legal_review, case=fresh(case))
    # the case's own officer, and a city staff member outside 政策法规科, may not review
    for name in ("whk_staff", "zhxt_staff", "xigu_staff", "leader"):
        with pytest.raises(NotPermitted):
            run(user(name), services.do_pass_legal_review, case=fresh(case), opinion="同意意见")
        assert fresh(case).state == "legal_review"
    run(user("zcfg_staff"), services.do_pass_legal_review, case=fresh(case), opinion="审核通过意见")
    case = fresh(case)
    assert case.state == "approval" and case.legal_reviewer.username == "zcfg_staff"
    with pytest.raises(ValidationFailed):  # 重大: 集体讨论 required
        run(
            user("whk_staff"),
            services.do_record_approval,
            case=case,
            mode="leader",
            approver="副局长",
            approved_on=TODAY,
        )
    run(
        user("whk_staff"),
        services.do_record_approval,
        case=case,
        mode="collective",
        approver="局长",
        approved_on=TODAY,
        meeting_record="局务会集体讨论,一致同意。",
    )
    assert decide(fresh(case)).state == "decided"


def test_legal_review_return_sends_back_to_review():
    case = to_notified(file_case(), fine="60000")
    run(user("whk_staff"), services.do_submit_legal_review, case=case)
    run(
        user("zcfg_staff"),
        services.do_return_legal_review,
        case=fresh(case),
        opinion="证据不足,退回",
    )
    assert fresh(case).state == "reviewing" and fresh(case).legal_review_passed is False


def test_decision_not_heavier_than_notified():
    case = to_approval(file_case(), fine="10000")
    with pytest.raises(ValidationFailed) as exc:
        run(
            user("whk_staff"),
            services.do_decide,
            case=case,
            kinds=["fine"],
            fine=Decimal("20000"),
            confiscation=None,
            text="罚款",
            decision_number="重X",
            decided_on=TODAY,
        )
    assert "第四十五条" in exc.value.message and fresh(case).state == "approval"


def test_enforcement_only_after_payment_deadline_and_surcharge_message():
    case = decide(to_approval(file_case(days_ago=60)))
    PenaltyCase.objects.filter(pk=case.pk).update(decided_on=TODAY - dt.timedelta(days=25))
    run(
        user("whk_staff"),
        services.do_serve,
        case=fresh(case),
        method="direct",
        served_on=TODAY - dt.timedelta(days=20),
        proof=proof(),
    )
    with pytest.raises(ValidationFailed) as exc:
        run(
            user("whk_staff"),
            services.do_record_execution,
            case=fresh(case),
            executed_on=TODAY,
            paid_amount=Decimal("100"),
        )
    assert "加处罚款" in exc.value.message
    run(
        user("whk_staff"),
        services.do_apply_enforcement,
        case=fresh(case),
        applied_on=TODAY,
        court="法院",
    )
    assert fresh(case).state == "enforcing"


# --- permissions ---------------------------------------------------------------------------------


def a1():
    return Enterprise.objects.get(organisation__code="DEMO-ENT-620104-01")


def test_permissions_per_persona():
    city = file_case()
    county = file_case("xigu_staff", agency="XGQ-YJJ", enterprise=a1())
    decided = PenaltyCase.objects.get(decision_number="西应急罚〔演示〕1号")
    qs = PenaltyCase.objects.all()
    # city staff: read everything, change city cases only
    whk = user("whk_staff")
    assert {city, county, decided} <= set(restrict(qs, whk))
    assert can(whk, city, "change") and not can(whk, county, "change")
    # county staff: their bureau's cases only
    xigu, chengguan = user("xigu_staff"), user("chengguan_staff")
    assert can(xigu, county, "change") and not can(xigu, city, "view")
    assert not can(chengguan, county, "view")
    with pytest.raises(NotPermitted):
        run(
            chengguan,
            services.do_start_investigation,
            case=county,
            officer_ids=ids("XGQ-YJJ", a1()),
        )
    # enterprise: its own decided cases only, never to change
    ent = user("ent_user")
    assert can(ent, decided, "view") and not can(ent, county, "view") and not can(ent, city, "view")
    assert not can(ent, decided, "change")
    # leader reads everything, writes nothing
    leader = user("leader")
    assert can(leader, county, "view") and not can(leader, city, "change")
    with pytest.raises(NotPermitted):
        run(leader, services.do_start_investigation, case=city, officer_ids=ids())
    assert fresh(city).state == "filed"
    # anonymous: published decisions only
    from django.contrib.auth.models import AnonymousUser

    public = set(restrict(qs, AnonymousUser()))
    assert decided in public and city not in public


def test_county_cannot_file_for_the_city():
    with pytest.raises(NotPermitted):
        file_case("xigu_staff", agency="LZYJJ-ZD")


# --- pages, public page, document, API -------------------------------------------------------------


def client(name):
    c = Client()
    c.force_login(user(name))
    return c


def test_case_page_shows_only_allowed_forms():
    case = to_notified(file_case(), fine="1000", notice_days_ago=1)
    html = client("whk_staff").get(case.get_absolute_url()).content.decode()
    assert 'id="form-statement"' in html and 'id="form-decide"' not in html
    assert 'id="form-submit-legal-review"' not in html  # not major
    assert 'id="form-request-hearing"' not in html  # no hearing right
    leader_html = client("leader").get(case.get_absolute_url()).content.decode()
    assert 'id="form-statement"' not in leader_html and "剩余" in leader_html
    assert client("chengguan_staff").get(case.get_absolute_url()).status_code == 404


def _file_form(enterprise, **extra):
    data = {
        "agency_id": Organisation.objects.get(code="LZYJJ-ZD").pk,
        "party_kind": "unit",
        "enterprise_id": enterprise.pk,
        "cause": "表单立案:未按规定落实动火作业审批",
        "filed_on": TODAY.isoformat(),
        "filing_approver": "副局长",
        "officer_ids": ids("LZYJJ", enterprise),
    }
    data.update(extra)
    return data


def test_new_case_form_from_an_inspection_and_kept_on_refusal():
    """The 立案 form (the journey's first submit): source 执法检查 needs the inspection, which
    the form now offers; a refused submit says why and keeps what was typed (date, officers)."""
    from yingji.inspections.models import Inspection

    c = client("whk_staff")
    inspection = Inspection.objects.filter(
        state="completed", enterprise__tier="city", enterprise__status="operating"
    ).first()
    enterprise = inspection.enterprise
    form = _file_form(enterprise, source="inspection")
    r = c.post("/penalties/new/", form)
    body = r.content.decode()
    assert r.status_code == 200 and "来源为执法检查时请选择检查记录" in body
    assert f'value="{TODAY.isoformat()}"' in body  # the date is not lost
    assert all(f'value="{pk}" selected' in body for pk in form["officer_ids"])
    assert not PenaltyCase.objects.filter(cause=form["cause"]).exists()

    page = c.get(f"/penalties/new/?inspection={inspection.pk}").content.decode()
    assert f'<option value="{inspection.pk}" selected>' in page
    r = c.post("/penalties/new/", {**form, "inspection_id": inspection.pk})
    case = PenaltyCase.objects.get(cause=form["cause"])
    assert r.status_code == 302 and case.inspection_id == inspection.pk


def test_new_case_form_from_a_complaint():
    r = client("whk_staff").post(
        "/penalties/new/", _file_form(city_enterprise(), source="complaint", source_ref="举报-1")
    )
    case = PenaltyCase.objects.get(cause="表单立案:未按规定落实动火作业审批")
    assert r.status_code == 302 and r["Location"] == case.get_absolute_url()


def test_case_page_with_an_evidence_file_links_the_download():
    """The case page once an evidence item carries a file (it failed with a 500 on a wrong URL
    name, which only the browser journey reached)."""
    case = file_case()
    actor = user("whk_staff")
    run(actor, services.do_start_investigation, case=fresh(case), officer_ids=ids())
    c = client("whk_staff")
    r = c.post(
        f"/penalties/cases/{case.pk}/evidence/",
        {
            "kind": "site",
            "title": "现场检查笔录",
            "recorded_by": "执法一大队",
            "recorded_on": TODAY.isoformat(),
            "file": SimpleUploadedFile("笔录.pdf", PDF, "application/pdf"),
        },
        follow=True,
    )
    item = fresh(case).evidence.get()
    link = reverse("core:attachment", args=[item.attachment.pk])
    assert r.status_code == 200 and f'href="{link}"' in r.content.decode()
    assert c.get(link).status_code == 200


MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
MP3 = b"ID3\x03\x00" + b"\x00" * 64


def test_a_video_as_evidence_recorded_by_a_case_officer_is_shown_on_the_case():
    """执法全过程记录 (《行政处罚法》第四十七条): a 执法记录仪 video or audio is a case's evidence
    file, checked by core.uploads.validate_video / by its leading bytes, recorded by one of the
    case's officers; the case page plays it."""
    case = file_case()
    actor = user("whk_staff")
    run(actor, services.do_start_investigation, case=fresh(case), officer_ids=ids())
    officer = sorted(fresh(case).officers.values_list("name", flat=True))[0]
    c = client("whk_staff")

    def post(name, content, recorded_by=officer):
        return c.post(
            f"/penalties/cases/{case.pk}/evidence/",
            {
                "kind": "audio_video",
                "title": "现场执法记录仪录像",
                "recorded_by": recorded_by,
                "recorded_on": TODAY.isoformat(),
                "file": SimpleUploadedFile(name, content),
            },
            follow=True,
        )

    refused = post("录像.mp4", MP4, recorded_by="某保安")  # not an officer of the case
    assert "记录人应为本案承办执法人员之一" in refused.content.decode()
    fake = post("录像.mp4", b"MZ\x90\x00" + b"\x00" * 64)  # an .exe named .mp4
    assert "不符" in fake.content.decode()
    assert not fresh(case).evidence.exists()
    r = post("录像.mp4", MP4)
    item = fresh(case).evidence.get()
    assert item.recorded_by == officer and item.attachment.mime_type == "video/mp4"
    link = reverse("core:attachment", args=[item.attachment.pk])
    assert (
        f'<video class="d-block mt-1 yj-evidence-media" controls preload="metadata" width="320" src="{link}">'
        in r.content.decode()
    )
    post("询问录音.mp3", MP3)
    audio = fresh(case).evidence.get(number=2)
    assert audio.attachment.mime_type == "audio/mpeg"
    assert "<audio" in c.get(case.get_absolute_url()).content.decode()


def test_refused_post_changes_nothing_and_says_why():
    case = file_case()
    c = client("whk_staff")
    r = c.post(f"/penalties/cases/{case.pk}/close/", {"closed_on": TODAY.isoformat()}, follow=True)
    assert fresh(case).state == "filed" and "不能“结案”" in r.content.decode()


def test_list_filters_export_and_enterprise_view():
    file_case(days_ago=80)
    c = client("whk_staff")
    r = c.get("/penalties/?clock=soon")
    assert r.status_code == 200 and "剩余天数" in r.content.decode()
    r = c.get("/penalties/?export=csv")
    assert r.status_code == 200 and "剩余天数" in b"".join(r.streaming_content).decode("utf-8-sig")
    body = client("ent_user").get("/penalties/").content.decode()
    assert "未如实记录安全生产教育" in body  # its own decided case
    assert "未按规定对重大危险源" not in body  # the city's open demo case


def test_public_page_anonymous_redacted():
    r = Client().get("/penalties/public/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "兰应急罚〔演示〕2号" in body and "王**" in body and "王小军" not in body
    assert "未按规定对重大危险源" not in body  # undecided cases never shown


def test_decision_docx_has_the_required_contents():
    from docx import Document

    case = PenaltyCase.objects.get(decision_number="兰应急罚〔演示〕1号")
    assert client("ent_user").get(f"/penalties/cases/{case.pk}/decision.docx").status_code == 404
    r = client("whk_staff").get(f"/penalties/cases/{case.pk}/decision.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    for needle in ("当事人", "违法事实", "证据", "处罚依据", "履行方式和期限", "六十日", "六个月"):
        assert needle in text


def test_api_list_and_refused_transition():
    case = file_case()
    c = client("whk_staff")
    r = c.get("/api/v1/penalties/cases?state=filed")
    assert r.status_code == 200 and any(row["id"] == case.pk for row in r.json())
    r = c.post(
        f"/api/v1/penalties/cases/{case.pk}/close",
        {"closed_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    assert fresh(case).state == "filed"
    r = client("ent_user").get(f"/api/v1/penalties/cases/{case.pk}")
    assert r.status_code == 404


def test_file_review_by_legal_section_only_and_scores_page():
    case = PenaltyCase.objects.get(decision_number="兰应急罚〔演示〕1号")
    assert case.state == "closed" and case.file_reviews.count() == 1
    scores = {k: p for k, _l, p in pp.CASE_FILE_SHEET}
    with pytest.raises(NotPermitted):
        run(user("whk_staff"), services.do_review_case_file, case=case, scores=scores)
    with pytest.raises(ValidationFailed):
        run(
            user("zcfg_staff"),
            services.do_review_case_file,
            case=case,
            scores={**scores, "evidence": 99},
        )
    body = client("leader").get("/penalties/reviews/").content.decode()
    assert "97" in body and "兰州市应急管理局" in body
    assert client("ent_user").get("/penalties/reviews/").status_code == 403


@pytest.mark.parametrize(
    "action",
    [
        "file",
        "statement",
        "hearing_held",
        "approval_recorded",
        "extend",
        "publish",
        *pp.ACTION_LABELS,
    ],
)
def test_every_step_has_a_chinese_label(action):
    """The 办理过程 showed 'statement', 'approval_recorded', 'publish' raw."""
    label = CaseStep(action=action).label
    assert label != action and not label.isascii()


def test_a_case_from_an_overdue_hazard_prefilled_linked_and_refused_otherwise():
    """立案查处 on a hazard past its 整改期限 (《安全生产法》第一百零二条): the action shows to those
    who may file, the form is prefilled from the hazard, the case links to it and back."""
    from yingji.core.hooks import record_actions
    from yingji.hazards.models import Hazard

    enterprise = city_enterprise()
    hazard = Hazard.objects.filter(enterprise=enterprise).order_by("pk").first() or (
        Hazard.objects.filter(enterprise__tier="city").order_by("pk").first()
    )
    enterprise = hazard.enterprise
    Hazard.objects.filter(pk=hazard.pk).update(
        state="rectifying", deadline=TODAY - dt.timedelta(days=3)
    )
    hazard.refresh_from_db()
    assert any(a["label"] == "立案查处" for a in record_actions(user("whk_staff"), hazard))
    assert not any(a["label"] == "立案查处" for a in record_actions(user("ent_user"), hazard))
    c = client("whk_staff")
    page = c.get(f"/penalties/new/?hazard={hazard.pk}").content.decode()
    assert f'name="hazard_id" value="{hazard.pk}"' in page and "第一百零二条" in page
    case = file_case(
        enterprise=enterprise, source="hazard", hazard=hazard, days_ago=0, source_ref=hazard.code
    )
    assert case.hazard_id == hazard.pk and list(hazard.penalty_cases.all()) == [case]
    assert f'href="{hazard.get_absolute_url()}"' in c.get(case.get_absolute_url()).content.decode()
    # and back: the hazard page lists the cases opened from it (core.hooks.RecordLinks)
    page = c.get(hazard.get_absolute_url()).content.decode()
    assert "立案查处的案件" in page and f'href="{case.get_absolute_url()}"' in page
    assert case.number in page
    assert AuditEvent.objects.filter(verb="penalties.case.filed", object_id=str(case.pk)).exists()
    before = PenaltyCase.objects.count()
    Hazard.objects.filter(pk=hazard.pk).update(deadline=TODAY + dt.timedelta(days=3))
    hazard.refresh_from_db()
    with pytest.raises(ValidationFailed, match="未逾期"):
        file_case(enterprise=enterprise, source="hazard", hazard=hazard, days_ago=0)
    with pytest.raises(ValidationFailed, match="请从隐患页面立案"):
        file_case(enterprise=enterprise, source="hazard", days_ago=0)
    assert PenaltyCase.objects.count() == before


def test_each_field_step_names_the_officers_certified_that_day():
    """事先告知, 送达 and 执行 are taken by the case's officers, checked again on the day and named on
    the step (第四十二条). An officer whose 执法证 has expired since 立案 stops the step, which
    changes nothing, until the officers are changed (调整承办执法人员, with a reason)."""
    from yingji.enforcement.models import LawOfficer

    case = to_reviewing(file_case())
    named = list(fresh(case).officers.all())
    LawOfficer.objects.filter(pk=named[0].pk).update(valid_until=TODAY - dt.timedelta(days=1))
    version = fresh(case).version
    actor = user("whk_staff")
    notify = dict(
        kinds=["fine"],
        fine=Decimal("10000"),
        confiscation=None,
        text="拟罚款",
        notice_served_on=TODAY,
    )
    with pytest.raises(
        ValidationFailed, match=f"{named[0].name}.*已于.*过期.*请先调整本案承办执法人员"
    ):
        run(actor, services.do_notify, case=fresh(case), **notify)
    after = fresh(case)
    assert after.state == "reviewing" and after.version == version
    page = client("whk_staff").get(case.get_absolute_url()).content.decode()
    assert 'id="officers-problem"' in page and 'id="form-officers"' in page
    with pytest.raises(ValidationFailed, match="调整原因"):
        run(actor, services.do_change_case_officers, case=fresh(case), officer_ids=[], reason="")
    replacement = [o for o in officers.choices(case.authority.path, TODAY) if o.pk != named[0].pk]
    new_ids = [named[1].pk, next(o.pk for o in replacement if o.pk != named[1].pk)]
    run(
        actor,
        services.do_change_case_officers,
        case=fresh(case),
        officer_ids=new_ids,
        reason="原承办人员执法证到期",
    )
    assert AuditEvent.objects.filter(verb="penalties.case.officers").exists()
    run(actor, services.do_notify, case=fresh(case), **notify)
    step = CaseStep.objects.filter(case=case, action="notify").get()
    assert sorted(step.officers.values_list("pk", flat=True)) == sorted(new_ids)
    assert (
        'id="officers-problem"'
        not in client("whk_staff").get(case.get_absolute_url()).content.decode()
    )


def test_a_campaign_groups_its_inspections_hazards_and_cases():
    """专项整治: the hazards registered from its inspections' findings are counted in its
    progress, and the cases opened from its inspections are listed on its page (RecordLinks)."""
    from yingji.enforcement.models import Campaign
    from yingji.enforcement.selectors import campaign_progress
    from yingji.inspections import services as inspections
    from yingji.inspections.models import Finding

    campaign = Campaign.objects.get(is_demo=True)
    finding = Finding.objects.filter(
        inspection__in=campaign.inspections.all(), hazard__isnull=True
    ).first()
    if finding is None:  # every demo finding already became a hazard: use one of them
        finding = Finding.objects.filter(inspection__in=campaign.inspections.all()).first()
    else:
        before = campaign_progress(campaign)["hazards"]
        run(user("whk_staff"), inspections.do_create_hazard_from_finding, finding=finding)
        assert campaign_progress(campaign)["hazards"] == before + 1
    inspection = finding.inspection
    case = file_case(
        enterprise=inspection.enterprise, source="inspection", inspection=inspection, days_ago=0
    )
    page = client("whk_staff").get(campaign.get_absolute_url()).content.decode()
    assert "专项整治中立案的案件" in page and f'href="{case.get_absolute_url()}"' in page
    assert 'id="campaign-hazards"' in page
