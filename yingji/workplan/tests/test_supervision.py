"""督查督办 (issue #19): the escalation ladder as data (提醒 → 催办 → 督办单 → 通报 → 约谈), the
daily job (exactly once per rung, across weekends and holidays), the 督办单 state machine with
its refusals, re-issue, 通报 and the score sheet, permissions per persona, audit, documents."""

import io
import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.orgs.models import Organisation
from yingji.workplan import scoring, selectors, services
from yingji.workplan.ladder import DEFAULT_STEPS, rungs_due, validate_triggers
from yingji.workplan.models import (
    Assignment,
    Bulletin,
    Escalation,
    LadderAction,
    LadderStep,
    Part,
    Plan,
    ProgressReport,
    ReportingCycle,
    Section,
    SupervisionNotice,
    Task,
)

pytestmark = pytest.mark.django_db
User = get_user_model()

# 2025 National Day: 1–8 October off, Saturday 11 October a make-up working day
# (国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号; chinese-calendar data).
DUE = date(2025, 9, 30)  # Tuesday


def user(name):
    return User.objects.get(username=name)


def org(code):
    return Organisation.objects.get(code=code)


@pytest.fixture
def office_user():
    return user("bgs_staff")


@pytest.fixture
def small_plan(ctx):
    """A two-task city plan (办公室 supervises, 综合协调科 coordinates) with a report cycle due
    on DUE: task A led by 危化科, task B by 西固区应急局; built directly (fast)."""
    owner = org("LZYJJ")
    plan = Plan.objects.create(
        title="测试督办计划",
        year=2025,
        owner=owner,
        coordinator=org("LZYJJ-ZHXT"),
        supervisor=services.default_supervisor(owner, org("LZYJJ-ZHXT")),
        region=owner.region,
    )
    part = Part.objects.create(plan=plan, number=1, label="一、", title="测试")
    section = Section.objects.create(plan=plan, part=part, number=1, label="(一)", title="测试")
    tasks = [
        Task.objects.create(plan=plan, section=section, ref=f"T{i}", number=i, text=f"测试任务{i}")
        for i in (1, 2)
    ]
    Assignment.objects.create(task=tasks[0], organisation=org("LZYJJ-WHP"), due=date(2025, 12, 31))
    Assignment.objects.create(task=tasks[1], organisation=org("XGQ-YJJ"), due=date(2025, 12, 31))
    ReportingCycle.objects.create(plan=plan, name="2025年9月调度", kind="other", due=DUE)
    return plan


def a_of(plan, code):
    return Assignment.objects.get(task__plan=plan, organisation__code=code)


def run(day):
    with actor_context(None, source="job", label="test"):
        return services.do_run_ladder(today=day)


def rungs(assignment, cycle=True):
    return list(
        LadderAction.objects.filter(
            escalation__assignment=assignment, escalation__cycle__isnull=not cycle
        )
        .order_by("pk")
        .values_list("rung", flat=True)
    )


# --- the ladder as data (pure) ----------------------------------------------------------------

STEPS = [(r, t) for r, _p, t, _d in DEFAULT_STEPS]


@pytest.mark.parametrize(
    "taken, overdue, notice_overdue, expected",
    [
        (set(), 0, None, []),
        (set(), 1, None, ["remind"]),
        ({"remind"}, 2, None, []),
        ({"remind"}, 3, None, ["urge"]),
        (set(), 30, None, ["remind", "urge", "notice"]),  # catch-up stops at the 督办单
        ({"remind", "urge", "notice"}, 30, None, []),  # 督办单 within its deadline
        ({"remind", "urge", "notice"}, 30, 0, []),
        ({"remind", "urge", "notice"}, 30, 1, ["bulletin"]),
        ({"remind", "urge", "notice", "bulletin"}, 30, 9, []),  # 约谈 by hand by default
        ({"notice"}, 30, None, []),  # a 督办单 by hand passes over 提醒 and 催办
    ],
)
def test_rungs_due_follows_the_default_ladder(taken, overdue, notice_overdue, expected):
    assert rungs_due(STEPS, taken, overdue, notice_overdue) == expected


def test_a_rung_by_hand_only_is_passed_over_and_an_interview_trigger_applies():
    steps = [("remind", None), ("urge", 3), ("notice", 5), ("bulletin", 1), ("interview", 4)]
    assert rungs_due(steps, set(), 3, None) == ["urge"]
    assert rungs_due(steps, {"urge", "notice", "bulletin"}, 20, 3) == []
    assert rungs_due(steps, {"urge", "notice", "bulletin"}, 20, 4) == ["interview"]


def test_validate_triggers():
    assert validate_triggers({"remind": 1, "urge": 3, "notice": 5}) == {}
    assert "urge" in validate_triggers({"remind": 4, "urge": 3, "notice": 5})
    assert "notice" in validate_triggers({"notice": 0})
    assert validate_triggers({"remind": None, "urge": 3, "notice": None}) == {}


# --- the daily job ---------------------------------------------------------------------------


def test_missing_report_climbs_exactly_at_the_configured_working_days_across_the_holiday(
    small_plan,
):
    a = a_of(small_plan, "LZYJJ-WHP")
    assert run(date(2025, 10, 8)) is not None and rungs(a) == []  # 0 working days (holiday)
    run(date(2025, 10, 9))  # 1st working day after the due date
    assert rungs(a) == ["remind"]
    run(date(2025, 10, 10))  # 2: not yet 催办
    assert rungs(a) == ["remind"]
    run(date(2025, 10, 11))  # Saturday, a make-up working day: 3
    assert rungs(a) == ["remind", "urge"]
    run(date(2025, 10, 12))  # Sunday: still 3
    run(date(2025, 10, 13))  # 4: not yet 督办单
    assert rungs(a) == ["remind", "urge"]
    run(date(2025, 10, 14))  # 5
    assert rungs(a) == ["remind", "urge", "notice"]
    notice = SupervisionNotice.objects.get(escalation__assignment=a)
    assert notice.organisation.code == "LZYJJ-WHP" and notice.state == "issued"
    assert notice.deadline == date(2025, 10, 21)  # 5 working days
    assert notice.issued_by is None and notice.escalation.cycle.name == "2025年9月调度"
    # the job again the same day (and the day after) takes nothing twice
    before = LadderAction.objects.count(), SupervisionNotice.objects.count()
    assert run(date(2025, 10, 14))["notice"] == 0
    run(date(2025, 10, 15))
    assert (LadderAction.objects.count(), SupervisionNotice.objects.count()) == before
    # the 督办单 unanswered on its deadline: nothing; one working day past it: 通报
    run(date(2025, 10, 21))
    assert "bulletin" not in rungs(a)
    run(date(2025, 10, 22))
    assert rungs(a) == ["remind", "urge", "notice", "bulletin"]
    assert Escalation.objects.get(assignment=a).rung == "bulletin"
    # 约谈 is by hand only by default
    run(date(2025, 11, 20))
    assert "interview" not in rungs(a)


def test_a_changed_threshold_applies_from_the_next_run_and_is_audited(small_plan, ctx):
    a = a_of(small_plan, "LZYJJ-WHP")
    admin = user("city_admin")
    with actor_context(admin, source="test"):
        services.do_update_ladder_settings(
            actor=admin,
            triggers={"remind": 2, "urge": 4, "notice": 6, "bulletin": 1, "interview": 3},
            reply_days=3,
            weights={"done": 8},
        )
    assert LadderStep.objects.get(rung="remind").trigger_days == 2
    event = AuditEvent.objects.filter(verb="workplan.ladder_settings").latest("pk")
    assert event.data["before"]["remind"] == 1 and event.data["triggers"]["remind"] == 2
    run(date(2025, 10, 9))  # 1 working day: no longer enough
    assert rungs(a) == []
    run(date(2025, 10, 10))
    assert rungs(a) == ["remind"]
    run(date(2025, 10, 15))  # 6 working days (the Saturday counts)
    notice = SupervisionNotice.objects.get(escalation__assignment=a)
    assert notice.deadline == date(2025, 10, 20)  # 3 working days


def test_bad_settings_are_refused_and_change_nothing(ctx):
    admin = user("city_admin")
    before = list(LadderStep.objects.values_list("rung", "trigger_days"))
    with pytest.raises(ValidationFailed, match="依次不减少"):
        services.do_update_ladder_settings(
            actor=admin,
            triggers={"remind": 5, "urge": 3, "notice": 6, "bulletin": 1, "interview": None},
            reply_days=5,
            weights={},
        )
    with pytest.raises(NotPermitted):
        services.do_update_ladder_settings(
            actor=user("zhxt_staff"),
            triggers={"remind": 1, "urge": 3, "notice": 5, "bulletin": 1, "interview": None},
            reply_days=5,
            weights={},
        )
    assert list(LadderStep.objects.values_list("rung", "trigger_days")) == before


def test_overdue_assignment_climbs_and_resolves_once_done(small_plan):
    a = a_of(small_plan, "XGQ-YJJ")
    Assignment.objects.filter(pk=a.pk).update(due=date(2025, 10, 10))  # Friday
    ProgressReport.objects.create(
        assignment=a,
        cycle=small_plan.cycles.get(),
        state="accepted",
        reported_status="in_progress",
        percent=50,
        narrative="按计划推进中",
    )
    run(date(2025, 10, 11))  # the make-up Saturday: 1 working day
    assert rungs(a, cycle=False) == ["remind"]
    run(date(2025, 10, 16))  # Thursday: 5 (Sat, Mon, Tue, Wed, Thu)
    assert rungs(a, cycle=False) == ["remind", "urge", "notice"]
    Assignment.objects.filter(pk=a.pk).update(status="done")
    assert run(date(2025, 10, 17))["resolved"] >= 1
    escalation = Escalation.objects.get(assignment=a)
    assert escalation.state == "resolved" and escalation.resolved_reason == "任务已完成"
    assert AuditEvent.objects.filter(
        verb="workplan.ladder_resolved", object_id=str(escalation.pk)
    ).exists()


def test_every_rung_is_one_audit_event(small_plan):
    a = a_of(small_plan, "LZYJJ-WHP")
    run(date(2025, 10, 14))  # catch-up: 提醒, 催办, 督办单 the same day, each once
    escalation = Escalation.objects.get(assignment=a)
    verbs = list(
        AuditEvent.objects.filter(object_id=str(escalation.pk), verb__startswith="workplan.ladder_")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["workplan.ladder_remind", "workplan.ladder_urge"]
    notice = SupervisionNotice.objects.get(escalation=escalation)
    issued = AuditEvent.objects.get(verb="workplan.notice_issued", object_id=str(notice.pk))
    assert issued.data["by_hand"] is False and issued.data["overdue_days"] == 5


# --- 督办单 state machine ---------------------------------------------------------------------


def _notice(plan, office_user, code="LZYJJ-WHP"):
    with actor_context(office_user, source="test"):
        action = services.do_take_ladder_step(
            actor=office_user,
            assignment=a_of(plan, code),
            rung="notice",
            note="请加快推进并报送办理情况",
            deadline=date(2099, 1, 31),
        )
    return action.notice


def _to_state(notice, state, office_user):
    whk = user("whk_staff")
    if state in ("replied", "closed", "reissued"):
        services.do_reply_notice(actor=whk, notice=notice, reply="已完成整改并报送材料")
    if state == "closed":
        services.do_close_notice(actor=office_user, notice=notice)
    if state == "reissued":
        services.do_reissue_notice(
            actor=office_user, notice=notice, reason="材料不全,请补充", deadline=date(2099, 2, 28)
        )
    notice.refresh_from_db()
    assert notice.state == state
    return notice


ALLOWED = {("issued", "reply"), ("replied", "accept"), ("replied", "reissue")}


@pytest.mark.parametrize("state", ["issued", "replied", "closed", "reissued"])
@pytest.mark.parametrize("action", ["reply", "accept", "reissue"])
def test_notice_transitions_and_refusals_that_change_nothing(
    small_plan, office_user, ctx, state, action
):
    notice = _to_state(_notice(small_plan, office_user), state, office_user)
    version, count = notice.version, SupervisionNotice.objects.count()
    calls = {
        "reply": lambda: services.do_reply_notice(
            actor=user("whk_staff"), notice=notice, reply="再次反馈办理情况"
        ),
        "accept": lambda: services.do_close_notice(actor=office_user, notice=notice),
        "reissue": lambda: services.do_reissue_notice(
            actor=office_user, notice=notice, reason="请补充", deadline=date(2099, 3, 1)
        ),
    }
    if (state, action) in ALLOWED:
        calls[action]()
        notice.refresh_from_db()
        assert (
            notice.state == {"reply": "replied", "accept": "closed", "reissue": "reissued"}[action]
        )
    else:
        with pytest.raises(InvalidTransition) as refused:
            calls[action]()
        assert refused.value.args[0]  # a Chinese message
        notice.refresh_from_db()
        assert (notice.state, notice.version) == (state, version)
        assert SupervisionNotice.objects.count() == count


def test_reissue_links_a_new_numbered_notice_that_escalates_when_ignored(
    small_plan, office_user, ctx
):
    first = _notice(small_plan, office_user)
    _to_state(first, "replied", office_user)
    new = services.do_reissue_notice(
        actor=office_user,
        notice=first,
        reason="反馈材料不全,请补充",
        deadline=date(2025, 10, 20),
        today=date(2025, 10, 13),
    )
    first.refresh_from_db()
    assert first.state == "reissued" and new.previous == first and first.reissue == new
    assert new.escalation_id == first.escalation_id and new.serial == first.serial + 1
    assert new.number.startswith("LZYJJ督〔2025〕")
    assert AuditEvent.objects.filter(verb="workplan.notice_reissued", object_id=str(new.pk))
    run(date(2025, 10, 21))  # the new one unanswered one working day past its deadline
    assert LadderAction.objects.filter(escalation=new.escalation, rung="bulletin").exists()


def test_bad_input_is_refused_with_a_clear_message(small_plan, office_user, ctx):
    notice = _notice(small_plan, office_user)
    with pytest.raises(ValidationFailed, match="办理情况"):
        services.do_reply_notice(actor=user("whk_staff"), notice=notice, reply="  ")
    with pytest.raises(ValidationFailed, match="反馈时限"):
        services.do_take_ladder_step(
            actor=office_user,
            assignment=a_of(small_plan, "XGQ-YJJ"),
            rung="notice",
            note="请推进",
            deadline=date(2000, 1, 1),
        )
    with pytest.raises(InvalidTransition, match="每一级只发起一次"):
        services.do_take_ladder_step(
            actor=office_user,
            assignment=a_of(small_plan, "LZYJJ-WHP"),
            rung="notice",
            note="再发一次",
            deadline=date(2099, 1, 1),
        )
    with pytest.raises(InvalidTransition, match="须先签发督办单"):
        services.do_take_ladder_step(
            actor=office_user,
            assignment=a_of(small_plan, "XGQ-YJJ"),
            rung="interview",
            note="约谈主要负责人",
        )


# --- permissions per persona -------------------------------------------------------------------


def test_only_the_supervising_section_issues_and_accepts(small_plan, office_user, ctx):
    assert small_plan.supervisor.name == "办公室"
    a = a_of(small_plan, "LZYJJ-WHP")
    for name in ("zhxt_staff", "whk_staff", "xigu_staff", "leader", "ent_user"):
        with pytest.raises(NotPermitted):
            services.do_take_ladder_step(
                actor=user(name), assignment=a, rung="urge", note="请加快推进"
            )
    assert not LadderAction.objects.filter(escalation__assignment=a).exists()
    notice = _to_state(_notice(small_plan, office_user), "replied", office_user)
    for name in ("whk_staff", "zhxt_staff", "xigu_staff", "leader"):
        with pytest.raises(NotPermitted):
            services.do_close_notice(actor=user(name), notice=notice)
    services.do_close_notice(actor=user("city_admin"), notice=notice)  # administrators may


def test_only_the_target_unit_replies(small_plan, office_user, ctx):
    notice = _notice(small_plan, office_user)
    for name in ("bgs_staff", "zhxt_staff", "xigu_staff", "leader", "ent_user"):
        with pytest.raises(NotPermitted):
            services.do_reply_notice(actor=user(name), notice=notice, reply="代为反馈办理情况")
    county = _notice(small_plan, office_user, code="XGQ-YJJ")
    services.do_reply_notice(actor=user("xigu_staff"), notice=county, reply="县局已完成整改")
    with pytest.raises(NotPermitted):
        services.do_reply_notice(
            actor=user("chengguan_staff"), notice=notice, reply="其他县区代为反馈"
        )


def test_who_sees_which_notice(small_plan, office_user, ctx):
    notice = _notice(small_plan, office_user)
    county = _notice(small_plan, office_user, code="XGQ-YJJ")
    seen = {
        name: set(selectors.visible_notices(user(name)).filter(pk__in=[notice.pk, county.pk]))
        for name in (
            "bgs_staff",
            "whk_staff",
            "xigu_staff",
            "chengguan_staff",
            "leader",
            "ent_user",
        )
    }
    assert seen["bgs_staff"] == seen["leader"] == {notice, county}
    assert seen["whk_staff"] == {notice}
    assert seen["xigu_staff"] == {county}
    assert seen["chengguan_staff"] == seen["ent_user"] == set()


# --- 通报 and the score sheet -------------------------------------------------------------------


def test_score_sheet_and_bulletin(small_plan, office_user, ctx):
    a = a_of(small_plan, "XGQ-YJJ")
    with actor_context(user("xigu_staff"), source="test"):
        services.do_submit_report(
            actor=user("xigu_staff"),
            assignment=a,
            cycle=small_plan.cycles.get(),
            reported_status="in_progress",
            percent=50,
            narrative="按计划推进中",
        )
    ProgressReport.objects.filter(assignment=a).update(created_at="2025-09-29T10:00:00+08:00")
    run(date(2025, 10, 14))  # 危化科 has no report: 督办单
    rows = scoring.score_sheet(small_plan, date(2025, 1, 1), date(2025, 10, 31), date(2025, 11, 1))
    by_name = {r["organisation"]: r for r in rows}
    xg, whp = by_name["西固区应急管理局"], by_name["危险化学品安全监督管理科"]
    assert (xg["on_time_report"], xg["late_report"], xg["notice"]) == (1, 0, 0)
    assert (whp["on_time_report"], whp["late_report"], whp["notice"]) == (0, 1, 1)
    assert xg["points"] == 2 and whp["points"] == -5  # default weights: +2; -2 -3
    assert [r["rank"] for r in rows] == [1, 2] and rows[0] is xg
    with pytest.raises(NotPermitted):
        services.do_issue_bulletin(
            actor=user("zhxt_staff"),
            plan=small_plan,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 10, 31),
            today=date(2025, 11, 1),
        )
    with pytest.raises(ValidationFailed, match="不早于"):
        services.do_issue_bulletin(
            actor=office_user,
            plan=small_plan,
            period_start=date(2025, 10, 31),
            period_end=date(2025, 1, 1),
            today=date(2025, 11, 1),
        )
    bulletin = services.do_issue_bulletin(
        actor=office_user,
        plan=small_plan,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 10, 31),
        remarks="请危化科抓紧报送。",
        today=date(2025, 11, 1),
    )
    assert bulletin.number == f"LZYJJ通〔2025〕{bulletin.serial}号"
    assert [r["organisation"] for r in bulletin.rows] == [
        "西固区应急管理局",
        "危险化学品安全监督管理科",
    ]
    assert AuditEvent.objects.filter(verb="workplan.bulletin_issued", object_id=str(bulletin.pk))
    from yingji.workplan.documents import build_bulletin_docx

    text = _docx_text(build_bulletin_docx(bulletin))
    assert bulletin.number in text and "请危化科抓紧报送。" in text
    assert text.index("西固区应急管理局") < text.index("危险化学品安全监督管理科")
    assert "考核得分" in text and "办公室" in text


# --- documents ----------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    import docx

    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_ladder_documents(small_plan):
    from yingji.workplan.documents import build_ladder_docx, build_notice_docx

    a = a_of(small_plan, "LZYJJ-WHP")
    run(date(2025, 10, 14))
    urge = LadderAction.objects.get(escalation__assignment=a, rung="urge")
    text = _docx_text(build_ladder_docx(urge))
    assert "催 办 函" in text and "危险化学品安全监督管理科" in text
    assert "2025年9月调度进展报告" in text and "逾期 5 个工作日" in text
    assert "此前已提醒" in text and "办公室" in text
    notice = SupervisionNotice.objects.get(escalation__assignment=a)
    text = _docx_text(build_notice_docx(notice))
    assert notice.number in text and "反馈时限" in text and "2025年10月21日" in text
    assert "涉及报告" in text and "请于反馈时限前将办理情况报送办公室" in text


# --- pages and API ------------------------------------------------------------------------------


def test_notice_page_shows_only_the_allowed_buttons(small_plan, office_user, as_user, ctx):
    from django.test import Client

    notice = _notice(small_plan, office_user)
    url = reverse("workplan:notice", args=[notice.pk])
    office = Client()
    office.force_login(office_user)
    pages = {name: as_user(name).get(url) for name in ("section", "leader", "county_a")}
    assert pages["county_a"].status_code == 404
    whk = pages["section"].content.decode()
    assert 'id="reply-form"' in whk and 'id="close-form"' not in whk
    assert 'id="reply-form"' not in pages["leader"].content.decode()
    assert as_user("enterprise").get(url).status_code in (403, 404)
    html = office.get(url).content.decode()
    assert 'id="reply-form"' not in html and 'id="close-form"' not in html  # waits for a reply
    response = as_user("section").post(
        reverse("workplan:notice_reply", args=[notice.pk]),
        {"reply": "已完成整改并报送材料", "version": notice.version},
    )
    assert response.status_code == 302
    html = office.get(url).content.decode()
    assert 'id="close-form"' in html and "已完成整改并报送材料" in html
    listing = office.get(reverse("workplan:notices") + "?close=1").content.decode()
    assert notice.number in listing
    # a leader's POST changes nothing
    as_user("leader").post(reverse("workplan:notice_close", args=[notice.pk]), {})
    notice.refresh_from_db()
    assert notice.state == "replied"


def test_api_reply_close_and_settings(small_plan, office_user, as_user, ctx):
    from django.test import Client

    notice = _notice(small_plan, office_user)
    base = f"/api/v1/workplan/notices/{notice.pk}"
    office = Client()
    office.force_login(office_user)
    body = json.dumps({"reply": "已按要求完成"})
    assert (
        as_user("leader").post(f"{base}/reply", body, content_type="application/json").status_code
        == 403
    )
    assert as_user("county_a").get(base).status_code == 404
    replied = as_user("section").post(f"{base}/reply", body, content_type="application/json")
    assert replied.status_code == 200 and replied.json()["state"] == "replied"
    again = as_user("section").post(f"{base}/reply", body, content_type="application/json")
    assert again.status_code == 409 and "等待督查科室办结" in again.json()["message"]
    closed = office.post(f"{base}/close", "{}", content_type="application/json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    ladder = office.get(f"{base}/ladder").json()
    assert [s["rung"] for s in ladder] == ["notice"]
    settings = as_user("section").get("/api/v1/workplan/ladder")
    assert settings.status_code == 200
    assert [s["rung"] for s in settings.json()["steps"]][:3] == ["remind", "urge", "notice"]
    put = {"remind": 1, "urge": 3, "notice": 5, "bulletin": 1, "reply_days": 5}
    denied = as_user("section").put(
        "/api/v1/workplan/ladder", json.dumps(put), content_type="application/json"
    )
    assert denied.status_code == 403
    assert as_user("enterprise").get("/api/v1/workplan/ladder").status_code == 403
    ok = as_user("city_admin").put(
        "/api/v1/workplan/ladder", json.dumps(put), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["steps"][4]["trigger_days"] is None


def test_settings_and_scores_pages(small_plan, as_user):
    page = as_user("section").get(reverse("workplan:ladder_settings")).content.decode()
    assert "只有系统管理员可以修改" in page and 'name="urge"' not in page
    assert as_user("section").post(reverse("workplan:ladder_settings"), {}).status_code == 403
    assert as_user("enterprise").get(reverse("workplan:ladder_settings")).status_code == 403
    admin_page = as_user("city_admin").get(reverse("workplan:ladder_settings")).content.decode()
    assert 'name="urge"' in admin_page
    url = reverse("workplan:scores") + f"?plan={small_plan.pk}&start=2025-01-01&end=2025-10-31"
    html = as_user("leader").get(url).content.decode()
    assert 'id="score-sheet"' in html and 'id="bulletin-form"' not in html
    csv = as_user("leader").get(url + "&export=csv")
    assert csv.status_code == 200 and "考核得分" in csv.content.decode("utf-8-sig")


def test_demo_shows_each_rung_in_the_present():
    """The demo: a 危化科 督办单 answered and waiting for 办公室, an item at 催办, a 通报."""
    demo = Plan.objects.get(is_demo=True, parent__isnull=True)
    assert demo.supervisor.code == "LZYJJ-BGS"
    replied = SupervisionNotice.objects.filter(assignment__task__plan=demo, state="replied")
    assert replied.filter(organisation__code="LZYJJ-WHP").exists()
    assert Escalation.objects.filter(assignment__task__plan=demo, rung="urge").exists()
    assert Bulletin.objects.filter(plan=demo).exists()
    assert selectors.notices_to_close(user("bgs_staff")).exists()


def test_demo_notice_times_are_in_the_past_and_consistent():
    """The demo 督办单's 创建时间 is its 签发日期 (not when the demo was loaded), its 反馈时间 after
    that and before today, on the day the demo's unit answered (three working days ago)."""
    from yingji.calendars.selectors import work_calendar

    today = timezone.localdate()
    for notice in SupervisionNotice.objects.filter(assignment__task__plan__is_demo=True):
        assert timezone.localtime(notice.created_at).date() == notice.issued_on < today
        if notice.replied_at is not None:
            replied = timezone.localtime(notice.replied_at).date()
            assert notice.issued_on <= replied == work_calendar().subtract_workdays(today, 3)
    for action in LadderAction.objects.filter(escalation__assignment__task__plan__is_demo=True):
        assert timezone.localtime(action.created_at).date() == action.taken_on
