"""调班 with approval, 联合值守 on an event, 重大活动保障 (日报 and its missing flag), the .docx
reports, and 立为事件 from an alarm or a warning — with the denials of each persona."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from pydantic import ValidationError

from yingji.core.context import actor_context
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.response import selectors, services
from yingji.response.models import (
    Activity,
    ActivityReport,
    DutyShift,
    Event,
    JointDutyMember,
    ShiftSwap,
)
from yingji.response.schemas import (
    ActivityIn,
    ActivityReportIn,
    ActivityTeamIn,
    JointMemberIn,
    JointWithdrawIn,
    SwapAnswerIn,
    SwapCancelIn,
    SwapDecisionIn,
    SwapRequestIn,
)

from .helpers import client_for, post

pytestmark = pytest.mark.django_db

DUTY_NAME = "值班员(演示)"
ZHXT_NAME = "综合协调科科员(演示)"


def user(name):
    return get_user_model().objects.get(username=name)


def _audit(kind, target) -> int:
    return AuditEvent.objects.filter(verb=kind, object_id=str(target.pk)).count()


@pytest.fixture
def two_shifts(db):
    """Two future bureau shifts: the duty officer on one, the 综合协调科 colleague on the other."""
    from yingji.orgs.models import Organisation

    org = Organisation.objects.get(code="LZYJJ")
    today = timezone.localdate()
    rows = []
    with actor_context(None, source="test", label="test"):
        for days, officer in ((40, DUTY_NAME), (42, ZHXT_NAME)):
            shift, _ = DutyShift.objects.update_or_create(
                organisation=org,
                date=today + dt.timedelta(days=days),
                shift="all",
                defaults={"leader": "带班甲(测试)", "officer": officer, "liaison": "联络乙"},
            )
            rows.append(shift)
    return rows


def _request(two_shifts, actor="duty", counterpart="zhxt_staff"):
    mine, other = two_shifts
    with actor_context(user(actor), source="test", label="test"):
        return services.do_request_swap(
            actor=user(actor),
            data=SwapRequestIn(
                role="officer",
                shift=mine.pk,
                other_shift=other.pk,
                counterpart=counterpart,
                reason="家中有事",
            ),
        )


def _as(name, fn):
    with actor_context(user(name), source="test", label="test"):
        return fn(user(name))


def test_a_swap_changes_the_roster_only_on_approval_and_is_audited(two_shifts):
    mine, other = two_shifts
    swap = _request(two_shifts)
    assert swap.state == "requested" and _audit("response.swap.requested", swap) == 1
    _as(
        "zhxt_staff",
        lambda u: services.do_answer_swap(actor=u, swap=swap, data=SwapAnswerIn(accept=True)),
    )
    mine.refresh_from_db()
    assert mine.officer == DUTY_NAME  # accepted is not approved: nothing moved yet
    swap.refresh_from_db()
    _as(
        "leader",
        lambda u: services.do_decide_swap(actor=u, swap=swap, data=SwapDecisionIn(approve=True)),
    )
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.officer, other.officer) == (ZHXT_NAME, DUTY_NAME)
    swap.refresh_from_db()
    assert swap.state == "approved" and swap.decided_by.username == "leader"
    assert _audit("response.swap.accepted", swap) == 1
    assert _audit("response.swap.approved", swap) == 1


@pytest.mark.parametrize("decision", ["decline", "reject"])
def test_refusals_leave_the_roster_as_it_was(two_shifts, decision):
    mine, other = two_shifts
    swap = _request(two_shifts)
    if decision == "decline":
        _as(
            "zhxt_staff",
            lambda u: services.do_answer_swap(actor=u, swap=swap, data=SwapAnswerIn(accept=False)),
        )
    else:
        _as(
            "zhxt_staff",
            lambda u: services.do_answer_swap(actor=u, swap=swap, data=SwapAnswerIn(accept=True)),
        )
        swap.refresh_from_db()
        _as(
            "leader",
            lambda u: services.do_decide_swap(
                actor=u, swap=swap, data=SwapDecisionIn(approve=False)
            ),
        )
    swap.refresh_from_db()
    mine.refresh_from_db()
    other.refresh_from_db()
    assert swap.state == {"decline": "declined", "reject": "rejected"}[decision]
    assert (mine.officer, other.officer) == (DUTY_NAME, ZHXT_NAME)


# (state, action) -> allowed; every other pair is refused as an invalid transition
TRANSITIONS = {
    ("requested", "answer"): True,
    ("requested", "cancel"): True,
    ("accepted", "decide"): True,
    ("accepted", "cancel"): True,
}
STATES = ["requested", "accepted", "approved", "declined", "rejected", "cancelled"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ["answer", "decide", "cancel"])
def test_swap_transitions_by_state(two_shifts, state, action):
    swap = _request(two_shifts)
    ShiftSwap.objects.filter(pk=swap.pk).update(state=state)
    swap.refresh_from_db()
    who, call = {
        "answer": (
            "zhxt_staff",
            lambda u: services.do_answer_swap(actor=u, swap=swap, data=SwapAnswerIn(accept=True)),
        ),
        "decide": (
            "leader",
            lambda u: services.do_decide_swap(
                actor=u, swap=swap, data=SwapDecisionIn(approve=True)
            ),
        ),
        "cancel": (
            "duty",
            lambda u: services.do_cancel_swap(actor=u, swap=swap, data=SwapCancelIn()),
        ),
    }[action]
    if TRANSITIONS.get((state, action)):
        _as(who, call)
        swap.refresh_from_db()
        assert swap.state != state
    else:
        with pytest.raises(InvalidTransition):
            _as(who, call)
        swap.refresh_from_db()
        assert swap.state == state
        two_shifts[0].refresh_from_db()
        assert two_shifts[0].officer == DUTY_NAME


def test_who_may_do_what_with_a_swap(two_shifts):
    # only the person on the shift asks; only a person on the other shift is asked
    with pytest.raises(NotPermitted):
        _request(two_shifts, actor="whk_staff")
    with pytest.raises(ValidationFailed, match="对方不是所选班次的值班员"):
        _request(two_shifts, counterpart="whk_staff")
    assert not ShiftSwap.objects.filter(shift=two_shifts[0], state="requested").exists()
    swap = _request(two_shifts)
    with pytest.raises(InvalidTransition, match="已有待处理"):
        _request(two_shifts)
    # only the other person answers
    for name in ("whk_staff", "duty", "leader"):
        with pytest.raises(NotPermitted):
            _as(
                name,
                lambda u: services.do_answer_swap(
                    actor=u, swap=swap, data=SwapAnswerIn(accept=True)
                ),
            )
    _as(
        "zhxt_staff",
        lambda u: services.do_answer_swap(actor=u, swap=swap, data=SwapAnswerIn(accept=True)),
    )
    swap.refresh_from_db()
    # approval: the 带班领导 or the 应急指挥科 head; not staff, not the parties, not the duty officer
    for name in ("whk_staff", "duty", "zhxt_staff", "xigu_staff"):
        with pytest.raises(NotPermitted):
            _as(
                name,
                lambda u: services.do_decide_swap(
                    actor=u, swap=swap, data=SwapDecisionIn(approve=True)
                ),
            )
    # only the requester withdraws
    with pytest.raises(NotPermitted):
        _as(
            "zhxt_staff", lambda u: services.do_cancel_swap(actor=u, swap=swap, data=SwapCancelIn())
        )
    swap.refresh_from_db()
    assert swap.state == "accepted"


def test_the_duty_section_head_approves(two_shifts, ctx):
    from yingji.orgs.models import Membership, Organisation

    head = get_user_model().objects.create(username="yjzh_head_test", first_name="科长(测试)")
    Membership.objects.create(
        user=head,
        organisation=Organisation.objects.get(code="LZYJJ-YJZH"),
        role="duty_officer",
        title="科长",
    )
    swap = _request(two_shifts)
    _as(
        "zhxt_staff",
        lambda u: services.do_answer_swap(actor=u, swap=swap, data=SwapAnswerIn(accept=True)),
    )
    swap.refresh_from_db()
    with actor_context(head, source="test", label="test"):
        services.do_decide_swap(actor=head, swap=swap, data=SwapDecisionIn(approve=True))
    two_shifts[0].refresh_from_db()
    assert two_shifts[0].officer == ZHXT_NAME


def test_a_roster_changed_meanwhile_stops_the_approval(two_shifts):
    swap = _request(two_shifts)
    _as(
        "zhxt_staff",
        lambda u: services.do_answer_swap(actor=u, swap=swap, data=SwapAnswerIn(accept=True)),
    )
    DutyShift.objects.filter(pk=two_shifts[1].pk).update(officer="别人(测试)")
    swap.refresh_from_db()
    with pytest.raises(InvalidTransition, match="值班表已变更"):
        _as(
            "leader",
            lambda u: services.do_decide_swap(
                actor=u, swap=swap, data=SwapDecisionIn(approve=True)
            ),
        )
    swap.refresh_from_db()
    two_shifts[0].refresh_from_db()
    assert swap.state == "accepted" and two_shifts[0].officer == DUTY_NAME


def test_swap_pages_follow_the_rules(two_shifts):
    swap = _request(two_shifts)
    assert "同意调班" in client_for("zhxt_staff").get(f"/response/swaps/{swap.pk}/").text
    assert "同意调班" not in client_for("duty").get(f"/response/swaps/{swap.pk}/").text
    assert client_for("chengguan_staff").get(f"/response/swaps/{swap.pk}/").status_code == 404
    assert client_for("ent_user").get("/response/swaps/").status_code in (302, 403)
    # the shift page offers 申请调班 to the person on it only
    assert "申请调班" in client_for("duty").get(f"/response/shifts/{two_shifts[0].pk}/").text
    assert (
        "申请调班" not in client_for("whk_staff").get(f"/response/shifts/{two_shifts[0].pk}/").text
    )
    # the demo's swap awaits the leader
    demo = ShiftSwap.objects.get(is_demo=True)
    assert demo.state == "accepted"
    assert "批准" in client_for("leader").get(f"/response/swaps/{demo.pk}/").text


def test_swap_through_the_api(two_shifts):
    mine, other = two_shifts
    body = {
        "role": "officer",
        "shift": mine.pk,
        "other_shift": other.pk,
        "counterpart": "zhxt_staff",
        "reason": "接口测试",
    }
    r = post(client_for("duty"), "/api/v1/response/swaps", body)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = post(client_for("leader"), f"/api/v1/response/swaps/{pk}/decide", {"approve": True})
    assert r.status_code == 409 and "对方尚未同意" in r.json()["message"]
    assert (
        post(
            client_for("zhxt_staff"), f"/api/v1/response/swaps/{pk}/answer", {"accept": True}
        ).status_code
        == 200
    )
    r = post(client_for("leader"), f"/api/v1/response/swaps/{pk}/decide", {"approve": True})
    assert r.status_code == 200 and r.json()["state"] == "approved"


# --- 联合值守 ---------------------------------------------------------------------------------


def _leak():
    return Event.objects.get(is_demo=True, title__contains="氯气泄漏")


def test_joint_roster_on_an_active_response():
    event = _leak()
    roster = selectors.joint_roster(event, user("duty"))
    posts = [p["label"] for p in roster]
    assert posts == ["前方指挥部", "后方指挥部"]
    departments = {m.department for p in roster for g in p["groups"] for m in g["members"]}
    assert "市公安局交通警察支队" in departments and "兰州市应急管理局" in departments
    member = _as(
        "xigu_staff",
        lambda u: services.do_add_joint_member(
            actor=u,
            event=event,
            data=JointMemberIn(
                post="front", group="security", name="派出所民警(测试)", department="西固公安分局"
            ),
        ),
    )
    assert _audit("response.joint.added", member) == 1
    page = client_for("duty").get(f"/response/events/{event.pk}/")
    assert "治安警戒组" in page.text and "派出所民警(测试)" in page.text and "外部门" in page.text
    _as(
        "duty",
        lambda u: services.do_withdraw_joint_member(
            actor=u, member=member, data=JointWithdrawIn(reason="任务完成")
        ),
    )
    member.refresh_from_db()
    assert member.withdrawn_at is not None
    with pytest.raises(InvalidTransition):
        _as(
            "duty",
            lambda u: services.do_withdraw_joint_member(
                actor=u, member=member, data=JointWithdrawIn(reason="再次")
            ),
        )


def test_joint_roster_denials():
    event = _leak()
    data = JointMemberIn(post="rear", group="news", name="某某(测试)", department="市委宣传部")
    before = JointDutyMember.objects.count()
    for name, error in (
        ("chengguan_staff", NotPermitted),
        ("leader", NotPermitted),
        ("ent_user", NotPermitted),
    ):
        with pytest.raises(error):
            _as(name, lambda u: services.do_add_joint_member(actor=u, event=event, data=data))
    road = Event.objects.get(is_demo=True, title__contains="货车侧翻")
    with pytest.raises(InvalidTransition, match="未在响应中"):
        _as("duty", lambda u: services.do_add_joint_member(actor=u, event=road, data=data))
    assert JointDutyMember.objects.count() == before
    with pytest.raises(ValidationError):
        JointMemberIn(post="rear", group="news", name="某某")
    assert "加入联合值守人员" not in client_for("leader").get(f"/response/events/{event.pk}/").text
    r = client_for("chengguan_staff").get(f"/api/v1/response/events/{event.pk}/joint")
    assert r.status_code == 404


# --- 重大活动保障 ----------------------------------------------------------------------------


def _activity(actor="duty", organiser="LZYJJ", start=-3, end=1):
    today = timezone.localdate()
    return _as(
        actor,
        lambda u: services.do_save_activity(
            actor=u,
            data=ActivityIn(
                name="省运会测试保障",
                kind="sports",
                starts_on=today + dt.timedelta(days=start),
                ends_on=today + dt.timedelta(days=end),
                organiser=organiser,
            ),
        ),
    )


def _report(activity, day, actor="duty"):
    return _as(
        actor,
        lambda u: services.do_submit_activity_report(
            actor=u,
            activity=activity,
            data=ActivityReportIn(date=day, summary="保障正常,无突发情况。"),
        ),
    )


def test_daily_reports_and_the_missing_flag():
    activity = _activity()
    today = timezone.localdate()
    _report(activity, today - dt.timedelta(days=3))
    statuses = [d["status"] for d in selectors.report_days(activity)]
    assert statuses == ["submitted", "missing", "missing", "due", "future"]
    assert selectors.missing_reports(activity) == [
        today - dt.timedelta(days=2),
        today - dt.timedelta(days=1),
    ]
    assert Activity.objects.filter(selectors.missing_q()).filter(pk=activity.pk).exists()
    page = client_for("duty").get(f"/response/activities/{activity.pk}/")
    assert "日报缺报 2 天" in page.text
    listed = client_for("duty").get("/response/activities/?missing=1")
    assert "省运会测试保障" in listed.text
    # 补报 of a missed day clears it; twice for one day, a future day, a day outside: refused
    report = _report(activity, today - dt.timedelta(days=2))
    assert _audit("response.activity.report", report) == 1
    assert len(selectors.missing_reports(activity)) == 1
    with pytest.raises(InvalidTransition, match="已填报"):
        _report(activity, today - dt.timedelta(days=2))
    with pytest.raises(ValidationFailed, match="未来"):
        _report(activity, today + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed, match="保障期内"):
        _report(activity, today - dt.timedelta(days=9))
    assert ActivityReport.objects.filter(activity=activity).count() == 2
    r = client_for("leader").get(f"/api/v1/response/activities/{activity.pk}")
    assert r.status_code == 200
    assert [d["status"] for d in r.json()["days"]][:3] == ["submitted", "submitted", "missing"]


def test_activity_permissions_per_persona():
    with pytest.raises(NotPermitted):
        _activity(actor="leader")
    with pytest.raises(NotPermitted):
        _activity(actor="ent_user")
    city = _activity()
    with pytest.raises(NotPermitted):  # a county bureau does not add to the city's activity
        _report(city, timezone.localdate(), actor="xigu_staff")
    own = _activity(actor="xigu_staff", organiser="XGQ-YJJ")
    _report(own, timezone.localdate(), actor="xigu_staff")
    with pytest.raises(NotPermitted):
        _activity(actor="xigu_staff", organiser="CGQ-YJJ")
    assert client_for("ent_user").get(f"/response/activities/{city.pk}/").status_code in (
        302,
        403,
        404,
    )
    assert client_for("chengguan_staff").get(f"/response/activities/{city.pk}/").status_code == 200
    assert "填报日报" not in client_for("leader").get(f"/response/activities/{city.pk}/").text
    assert "填报日报" in client_for("duty").get(f"/response/activities/{city.pk}/").text
    with pytest.raises(ValidationError, match="结束日期"):
        ActivityIn(name="x" * 3, starts_on="2026-01-05", ends_on="2026-01-01")


def test_teams_on_standby_come_from_the_resources_selector():
    from django.apps import apps

    from yingji.resources.selectors import visible_records

    activity = _activity()
    team = visible_records(apps.get_model("resources", "Team"), user("duty")).first()
    row = _as(
        "duty",
        lambda u: services.do_add_standby_team(
            actor=u, activity=activity, data=ActivityTeamIn(team=team.pk, place="体育场", people=12)
        ),
    )
    assert row.team_name == team.name
    with pytest.raises(InvalidTransition):
        _as(
            "duty",
            lambda u: services.do_add_standby_team(
                actor=u, activity=activity, data=ActivityTeamIn(team=team.pk, place="体育场")
            ),
        )
    with pytest.raises(ValidationFailed, match="队伍不存在"):
        _as(
            "duty",
            lambda u: services.do_add_standby_team(
                actor=u, activity=activity, data=ActivityTeamIn(team=999999, place="体育场")
            ),
        )


def test_the_demo_marathon_is_under_way_with_a_missing_report():
    marathon = Activity.objects.get(is_demo=True, name__contains="马拉松")
    assert selectors.activity_phase(marathon) == "保障中"
    assert selectors.missing_reports(marathon) == [timezone.localdate() - dt.timedelta(days=1)]
    assert marathon.teams.count() >= 1 and marathon.risks.count() == 3


# --- .docx -----------------------------------------------------------------------------------


def _docx_text(content: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(c.text for c in row.cells)
    return "\n".join(lines)


def test_the_information_report_docx_follows_493_article_12():
    from yingji.standards.accidents import REPORT_CONTENTS

    event = _leak()
    first = event.reports.get(kind="first")
    r = client_for("duty").get(f"/response/events/{event.pk}/report.docx?report={first.pk}")
    assert r.status_code == 200
    text = _docx_text(r.content)
    positions = [text.index(label) for _key, label in REPORT_CONTENTS]
    assert positions == sorted(positions)  # the six items, in the statute's order
    assert "首报(第2报)" in text and "签发人:王建国(演示)" in text
    assert "死亡3人" in text and "国务院令第493号" in text and "原安监总局令第21号" in text
    draft = _docx_text(client_for("duty").get(f"/response/events/{event.pk}/report.docx").content)
    assert "信息报告(草稿)" in draft
    assert client_for("ent_user").get(f"/response/events/{event.pk}/report.docx").status_code == 404
    assert (
        client_for("duty").get(f"/response/events/{event.pk}/report.docx?report=0").status_code
        == 404
    )


def test_the_shift_sheet_docx():
    yesterday = DutyShift.objects.get(
        organisation__code="LZYJJ", date=timezone.localdate() - dt.timedelta(days=1)
    )
    r = client_for("duty").get(f"/response/shifts/{yesterday.pk}/sheet.docx")
    assert r.status_code == 200
    text = _docx_text(r.content)
    assert "兰州市应急管理局值班日志" in text and yesterday.leader in text
    assert "大风蓝色预警" in text and "交班,移交待办1项" in text
    assert (
        client_for("ent_user").get(f"/response/shifts/{yesterday.pk}/sheet.docx").status_code == 404
    )


# --- 立为事件 and sources --------------------------------------------------------------------


def test_an_alarm_becomes_an_event():
    from yingji.monitoring.selectors import visible_alarms

    alarm = visible_alarms(user("duty")).first()
    page = client_for("duty").get(alarm.get_absolute_url())
    assert f"/response/new/?alarm={alarm.pk}" in page.text
    assert (
        f"/response/new/?alarm={alarm.pk}"
        not in client_for("leader").get(alarm.get_absolute_url()).text
    )
    form = client_for("duty").get(f"/response/new/?alarm={alarm.pk}")
    assert "立为事件:由监测告警" in form.text and alarm.station.name in form.text
    body = {
        "title": "监测告警立为事件(测试)",
        "event_type": "NAT-GEO",
        "occurred_at": "2026-01-01T00:00:00+08:00",
        "received_at": "2026-01-01T00:10:00+08:00",
        "place": alarm.station.name,
        "county": "620104",
        "description": "由告警立为事件。",
        "source_alarm": alarm.pk,
        "channel": "alarm",
    }
    r = post(client_for("duty"), "/api/v1/response/events", body)
    assert r.status_code == 201, r.content
    event = Event.objects.get(pk=r.json()["id"])
    assert event.source_alarm_id == alarm.pk
    page = client_for("duty").get(f"/response/events/{event.pk}/")
    assert "监测告警" in page.text and alarm.get_absolute_url() in page.text
    r = post(client_for("duty"), "/api/v1/response/events", body | {"source_alarm": 99999999})
    assert r.status_code == 422 and "来源告警" in r.json()["message"]


def test_a_warning_becomes_an_event_and_typical_cases_show():
    from yingji.warnings.selectors import visible_warnings

    warning = visible_warnings(user("duty")).first()
    assert (
        f"/response/new/?warning={warning.pk}"
        in client_for("duty").get(warning.get_absolute_url()).text
    )
    form = client_for("duty").get(f"/response/new/?warning={warning.pk}")
    assert "立为事件:由预警信息" in form.text
    cases = selectors.typical_cases(_leak(), user("duty"))
    assert cases and all(c["score"] > 0 for c in cases)
    assert "相似典型案例" in client_for("duty").get(f"/response/events/{_leak().pk}/").text
