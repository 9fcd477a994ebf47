"""Demo 研判简报 (演示): the city's weekly brief of last week, drafted on Monday by the 综合协调科
(T11 周调度), reviewed by another person, issued and distributed (read by the leader); and this month's monthly brief, a draft
with part of its 研判意见 written. Through the real services, each step dated. Idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.demo import dated, moment

from . import services
from .models import Brief
from .schemas import (
    BriefApproveIn,
    BriefDistributeIn,
    BriefGenerateIn,
    BriefIssueIn,
    BriefOpinionsIn,
    BriefSubmitIn,
)

SEED = 49


def _user(name):
    return get_user_model().objects.filter(username=name).first()


def _step(user, when, fn):
    with actor_context(user, source="cli", label="demo"), dated(min(when, timezone.now())):
        return fn()


def _times(day, rng, steps: int) -> list[dt.datetime]:
    """Increasing moments on ``day``: generated, edited, submitted, reviewed, issued."""
    first = moment(day, rng, 8, 10)
    return [first + dt.timedelta(minutes=25 * i) for i in range(steps)]


def _metric(brief, section: str, key: str) -> int:
    for s in brief.figures["sections"]:
        if s["key"] == section:
            for m in s["metrics"]:
                if m["key"] == key:
                    return m["value"]
    return 0


def _opinions(brief) -> BriefOpinionsIn:
    """研判意见 written from the brief's own figures (so the demo reads true)."""
    new, major = _metric(brief, "hazards", "new"), _metric(brief, "hazards", "new_major")
    overdue = _metric(brief, "hazards", "overdue")
    red = _metric(brief, "risk", "red")
    alarms = _metric(brief, "monitoring", "alarms")
    return BriefOpinionsIn(
        opinions={
            "hazards": f"本期新增隐患{new}项,其中重大隐患{major}项;当前逾期未整改{overdue}项,"
            "逾期隐患集中的县区要挂牌督办、限期销号。(演示)",
            "risk": f"全市红色(重大风险)企业{red}家,要落实“一企一策”包保责任。(演示)",
            "monitoring": f"本期监测告警{alarms}起,重点关注西固石化园区可燃气体和"
            "红古、永登矿区的告警处置时效。(演示)",
        },
        risk_outlook="进入冬季,燃气使用、取暖用火用电和危化品运输风险上升;"
        "矿山复工复产、岁末年初赶工期现象要警惕。(演示)",
        advice="一是督促逾期隐患限期整改;二是开展燃气和危化品运输专项检查;"
        "三是做好寒潮、降雪天气的监测预警和值班值守。(演示)",
    )


def load_demo(seed: int = SEED) -> dict:
    if Brief.objects.filter(is_demo=True).exists():
        return {"briefs": 0}
    drafter, reviewer = _user("zhxt_staff"), _user("whk_staff")
    if drafter is None or reviewer is None:
        return {"briefs": 0}
    rng = random.Random(seed)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    last_week = monday - dt.timedelta(days=7)
    week_times = iter(_times(monday, rng, 7))
    month_times = iter(_times(today, rng, 2))
    weekly = _step(
        drafter,
        next(week_times),
        lambda: services.do_generate_brief(
            actor=drafter, data=BriefGenerateIn(kind="week", region="620100", day=last_week)
        ),
    )
    weekly = _step(
        drafter,
        next(week_times),
        lambda: services.do_edit_brief(actor=drafter, brief=weekly, data=_opinions(weekly)),
    )
    weekly = _step(
        drafter,
        next(week_times),
        lambda: services.do_submit_brief(
            actor=drafter, brief=weekly, data=BriefSubmitIn(version=weekly.version)
        ),
    )
    weekly = _step(
        reviewer,
        next(week_times),
        lambda: services.do_approve_brief(
            actor=reviewer,
            brief=weekly,
            data=BriefApproveIn(comment="同意印发。(演示)", version=weekly.version),
        ),
    )
    weekly = _step(
        reviewer,
        next(week_times),
        lambda: services.do_issue_brief(
            actor=reviewer, brief=weekly, data=BriefIssueIn(version=weekly.version)
        ),
    )
    # distributed that Monday to the leadership and the duty officers (a county's staff may not
    # read the city's brief and is skipped); the leader has read it, the duty officer not yet
    distributed = _step(
        reviewer,
        next(week_times),
        lambda: services.do_distribute_brief(
            actor=reviewer,
            brief=weekly,
            data=BriefDistributeIn(roles=["city_leader", "duty_officer", "county_staff"]),
        ),
    )
    leader = _user("leader")
    if leader is not None and any(d.recipient_id == leader.pk for d in distributed):
        _step(leader, next(week_times), lambda: services.do_read_brief(actor=leader, brief=weekly))
    monthly = _step(
        drafter,
        next(month_times),
        lambda: services.do_generate_brief(
            # the month of yesterday: this month, or on the 1st the month just ended (the day
            # the daily job drafts it), so that the demo brief always holds the demo's data
            actor=drafter,
            data=BriefGenerateIn(kind="month", region="620100", day=today - dt.timedelta(days=1)),
        ),
    )
    partial = _opinions(monthly)
    partial.opinions = {"hazards": partial.opinions["hazards"]}
    partial.advice = ""
    _step(
        drafter,
        next(month_times),
        lambda: services.do_edit_brief(actor=drafter, brief=monthly, data=partial),
    )
    Brief.objects.filter(pk__in=[weekly.pk, monthly.pk]).update(is_demo=True)
    return {"briefs": 2}
