"""Demo 研判简报 (演示): the city's weekly briefs of the last four weeks, each drafted on the
Monday after its week by the 综合协调科, reviewed by another person, issued (numbered in
sequence) and distributed (read by the leader; the duty officer has not read last week's yet);
last week's 安全生产周调度 (T11), issued under its own numbering; and this month's monthly
brief, a draft with part of its 研判意见 written. Through the real services, each step dated, so
each brief's period figures are the demo data of its own week. Idempotent."""

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


def _dispatch_opinions(brief) -> BriefOpinionsIn:
    """The 周调度's text written from its own figures: the 会商 judgement, the items scheduled
    for the coming week (下周调度事项) and the 工作要求."""
    accidents, deaths = (
        _metric(brief, "response", "accidents"),
        _metric(brief, "response", "deaths"),
    )
    new, overdue = _metric(brief, "hazards", "new"), _metric(brief, "hazards", "overdue")
    due, tasks = _metric(brief, "schedule", "hazards_due"), _metric(brief, "schedule", "tasks_due")
    return BriefOpinionsIn(
        opinions={
            "hazards": f"本周新增隐患{new}项,当前逾期{overdue}项;逾期集中的县区和行业"
            "列入下周调度重点。(演示)",
            "schedule": f"下周到期隐患{due}项、到期工作任务{tasks}项,由各县区应急局和"
            "相关科室逐项盯办,周五前报送进展。(演示)",
        },
        risk_outlook=f"本周接报生产安全事故{accidents}起、死亡{deaths}人。"
        "冬季取暖、燃气使用和危化品运输风险上升,安全生产形势总体平稳但不容乐观。(演示)",
        advice="一是逾期隐患挂牌督办、限期销号;二是红色、橙色风险企业落实包保责任;"
        "三是执法检查聚焦燃气、危化品和矿山。(演示)",
    )


def _issued(drafter, reviewer, kind: str, day: dt.date, times, opinions) -> Brief:
    """A city brief of the period containing ``day``, generated, written, submitted, reviewed
    and issued at ``times`` (its Monday), through the services."""
    brief = _step(
        drafter,
        next(times),
        lambda: services.do_generate_brief(
            actor=drafter, data=BriefGenerateIn(kind=kind, region="620100", day=day)
        ),
    )
    brief = _step(
        drafter,
        next(times),
        lambda: services.do_edit_brief(actor=drafter, brief=brief, data=opinions(brief)),
    )
    brief = _step(
        drafter,
        next(times),
        lambda: services.do_submit_brief(
            actor=drafter, brief=brief, data=BriefSubmitIn(version=brief.version)
        ),
    )
    brief = _step(
        reviewer,
        next(times),
        lambda: services.do_approve_brief(
            actor=reviewer,
            brief=brief,
            data=BriefApproveIn(comment="同意印发。(演示)", version=brief.version),
        ),
    )
    return _step(
        reviewer,
        next(times),
        lambda: services.do_issue_brief(
            actor=reviewer, brief=brief, data=BriefIssueIn(version=brief.version)
        ),
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
    leader, duty = _user("leader"), _user("duty")
    made = []
    # the last four weeks' 周研判, oldest first, each issued on the Monday after its week (so
    # numbered in sequence); a week issued in an earlier year is left out (its number would
    # belong to that year's series)
    for back in (4, 3, 2, 1):
        week = monday - dt.timedelta(days=7 * back)
        issue_day = week + dt.timedelta(days=7)
        if issue_day.year != today.year:
            continue
        times = iter(_times(issue_day, rng, 8))
        weekly = _issued(drafter, reviewer, "week", week, times, _opinions)
        made.append(weekly)
        # distributed that Monday to the leadership and the duty officers (a county's staff
        # may not read the city's brief and is skipped); the leader has read it, the duty
        # officer the older ones only (last week's is still waiting)
        distributed = _step(
            reviewer,
            next(times),
            lambda weekly=weekly: services.do_distribute_brief(
                actor=reviewer,
                brief=weekly,
                data=BriefDistributeIn(roles=["city_leader", "duty_officer", "county_staff"]),
            ),
        )
        readers = [leader] + ([duty] if back > 1 else [])
        for reader in readers:
            if reader is not None and any(d.recipient_id == reader.pk for d in distributed):
                _step(
                    reader,
                    next(times),
                    lambda reader=reader, weekly=weekly: services.do_read_brief(
                        actor=reader, brief=weekly
                    ),
                )
    # last week's 安全生产周调度 (T11), its own kind and numbering, issued this Monday
    last_week = monday - dt.timedelta(days=7)
    made.append(
        _issued(
            drafter,
            reviewer,
            "dispatch",
            last_week,
            iter(_times(monday, rng, 5)),
            _dispatch_opinions,
        )
    )
    month_times = iter(_times(today, rng, 2))
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
    made.append(monthly)
    Brief.objects.filter(pk__in=[b.pk for b in made]).update(is_demo=True)
    return {"briefs": len(made)}
