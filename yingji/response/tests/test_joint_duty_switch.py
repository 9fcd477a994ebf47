"""联合值守 switched by the response level (T34): a level's data (YINGJI_JOINT_DUTY_ROSTERS) says
whose rosters run as 联合值守; starting or raising a response opens a period for those units,
lowering or ending it closes the ones the level no longer names; each step is audited, shown on
the roster (with the other departments' people of the event's joint roster), on the shift and
in the event's timeline; only the level decision switches, and only as the roster is seen."""

from __future__ import annotations

import pytest

from yingji.core.models import AuditEvent
from yingji.core.permissions import restrict
from yingji.response import joint_duty
from yingji.response.models import Event, JointDutyPeriod, LevelChange

from .helpers import client_for, event_body, post

pytestmark = pytest.mark.django_db

API = "/api/v1/response"
XIGU_BUREAU = "XGQ-YJJ"


def _new_event():
    r = post(client_for("duty"), f"{API}/events", event_body(deaths=3))
    assert r.status_code == 201, r.content
    return r.json()["id"]


def _level(pk, who="leader", **body):
    return post(client_for(who), f"{API}/events/{pk}/level", {"reason": "响应决定理由"} | body)


def _open(pk):
    return set(
        JointDutyPeriod.objects.filter(event_id=pk, ended_at__isnull=True).values_list(
            "organisation__code", flat=True
        )
    )


def test_the_level_data_is_parsed_and_bad_data_refused():
    parsed = joint_duty.parse_rosters("1=city,county; 4=county")
    assert parsed == {1: {"city", "county"}, 4: {"county"}}
    for bad in ("5=city", "3=province", "three=city", "3"):
        with pytest.raises(ValueError, match="联合值守配置"):
            joint_duty.parse_rosters(bad)


def test_starting_a_level_iii_response_switches_the_bureau_and_the_county_roster():
    pk = _new_event()
    assert _open(pk) == set()  # intake alone switches nothing
    duty = client_for("duty")
    assert _level(pk, action="start", level=3).status_code == 201
    assert _open(pk) == {"LZYJJ", XIGU_BUREAU}
    start = LevelChange.objects.get(event_id=pk, action="start")
    periods = JointDutyPeriod.objects.filter(event_id=pk)
    assert all(p.started_at == start.decided_at and p.started_by == start for p in periods)
    assert all(p.level == 3 for p in periods)
    started = AuditEvent.objects.filter(verb="response.joint_duty.started")
    assert any("兰州市应急管理局值班转为联合值守" in e.message for e in started)
    # another department's liaison on the event's joint roster joins the switched roster
    r = post(
        duty,
        f"{API}/events/{pk}/joint",
        {
            "post": "front",
            "group": "traffic",
            "role": "liaison",
            "name": "交警联络员甲",
            "department": "市公安局交通警察支队",
            "phone": "0931-1234567",
        },
    )
    assert r.status_code == 201, r.content
    number = Event.objects.get(pk=pk).number
    page = duty.get("/response/roster/?org=LZYJJ").content.decode()
    assert "联合值守中" in page and number in page
    assert "交警联络员甲" in page and "市公安局交通警察支队" in page
    assert "yj-joint-day" in page  # today's row is marked
    timeline = duty.get(f"/response/events/{pk}/").content.decode()
    assert "转为联合值守" in timeline and 'id="joint-duty"' in timeline


def test_downgrading_switches_back_the_rosters_the_lower_level_does_not_name():
    pk = _new_event()
    assert _level(pk, action="start", level=3).status_code == 201
    assert _level(pk, action="adjust", level=4).status_code == 201
    assert _open(pk) == {XIGU_BUREAU}  # Ⅳ级: the county bureau only (the default data)
    lowered = LevelChange.objects.get(event_id=pk, action="adjust")
    closed = JointDutyPeriod.objects.get(event_id=pk, organisation__code="LZYJJ")
    assert closed.ended_at == lowered.decided_at and closed.ended_by == lowered
    county = JointDutyPeriod.objects.get(event_id=pk, organisation__code=XIGU_BUREAU)
    assert county.ended_at is None and county.started_by.action == "start"  # kept, not reopened
    ended = AuditEvent.objects.filter(verb="response.joint_duty.ended").order_by("pk").last()
    assert "恢复常规值守" in ended.message and "响应调整为Ⅳ级" in ended.message
    # raising it again opens a new period for the bureau, the county's goes on
    assert _level(pk, action="adjust", level=2).status_code == 201
    assert _open(pk) == {"LZYJJ", XIGU_BUREAU}
    assert JointDutyPeriod.objects.filter(event_id=pk, organisation__code="LZYJJ").count() == 2


def test_ending_the_response_switches_every_roster_back():
    pk = _new_event()
    assert _level(pk, action="start", level=3).status_code == 201
    assert _level(pk, action="end").status_code == 201
    assert _open(pk) == set()
    end = LevelChange.objects.get(event_id=pk, action="end")
    assert set(JointDutyPeriod.objects.filter(event_id=pk).values_list("ended_by", flat=True)) == {
        end.pk
    }
    duty = client_for("duty")
    page = duty.get(f"/response/events/{pk}/").content.decode()
    assert "恢复常规值守" in page and "已恢复常规值守" in page
    assert (
        "应急响应终止"
        in AuditEvent.objects.filter(verb="response.joint_duty.ended").order_by("pk").last().message
    )


def test_a_level_that_names_no_roster_switches_none(settings):
    settings.YINGJI_JOINT_DUTY_ROSTERS = "1=city,county;2=city"
    pk = _new_event()
    assert _level(pk, action="start", level=3).status_code == 201
    assert _open(pk) == set()
    assert _level(pk, action="adjust", level=2).status_code == 201
    assert _open(pk) == {"LZYJJ"}


def test_only_the_level_decision_switches_and_periods_are_seen_as_the_roster():
    pk = _new_event()
    for who in ("duty", "xigu_staff", "whk_staff"):
        assert _level(pk, who=who, action="start", level=3).status_code == 403
    assert not JointDutyPeriod.objects.filter(event_id=pk).exists()
    assert _level(pk, action="start", level=3).status_code == 201
    periods = JointDutyPeriod.objects.filter(event_id=pk)
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    assert not restrict(periods, users.get(username="ent_user")).exists()
    assert not restrict(periods, users.get(username="chengguan_staff")).exists()  # a 西固 event
    assert restrict(periods, users.get(username="xigu_staff")).count() == 2
    for who in ("duty", "leader", "xigu_staff"):  # nobody edits a period by hand
        assert not restrict(periods, users.get(username=who), "change").exists()
    page = client_for("chengguan_staff").get("/response/roster/?org=LZYJJ").content.decode()
    assert "联合值守中" not in page
