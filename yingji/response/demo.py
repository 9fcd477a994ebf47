"""Demo 值班与应急响应 (all 演示), set in the present: this month's rosters of the bureau and
the 西固/城关 bureaus, yesterday's handover with an open item today's shift has to acknowledge,
and four events through the real services — a 较大 chemical leak at a 西固 demo enterprise
under an active Ⅲ级 response with three command tasks (one answered, one signed, one overdue),
a 一般 fire in 城关 whose daily 续报 is overdue, a 七里河 landslide whose Ⅳ级 response ended and
was reviewed, and a road accident in 红古 just received; the leak's 联合值守 roster (前方/后方
指挥部, groups mixing the bureau, the fire brigade and other city departments); a 调班 the two
people agreed and the 带班领导 has still to approve; a 兰州马拉松 under way (yesterday's 日报
missing) and a 兰洽会 in three weeks; the leak's 信息发布: a 首次发布 released on 官网 and 政务新媒体
(drafted by the duty officer, reviewed by 政策法规科, approved by the 局领导) and a 续发 waiting for
the leader's approval. Idempotent; each step dated."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.context import actor_context
from yingji.core.demo import dated

from . import services
from .models import CommandTask, DutyShift, Event, Release
from .schemas import (
    ActionIn,
    ActivityDutyIn,
    ActivityIn,
    ActivityReportIn,
    ActivityRiskIn,
    ActivityTeamIn,
    EventIn,
    FeedbackIn,
    HandoverIn,
    InfoReleaseDecisionIn,
    InfoReleaseIn,
    InfoReleasePublishIn,
    JointMemberIn,
    LevelIn,
    LogIn,
    ReportIn,
    ReviewIn,
    SignIn,
    SwapAnswerIn,
    SwapRequestIn,
    TaskIn,
    VenueIn,
)
from .selectors import next_due

LEADERS = ["王建国(演示)", "李明华(演示)", "赵志强(演示)", "陈卫东(演示)"]
OFFICERS = ["刘洋(演示)", "张敏(演示)", "孙浩(演示)", "周静(演示)", "吴磊(演示)", "郑雪(演示)"]
LIAISONS = ["马超(演示)", "何芳(演示)", "高峰(演示)"]
ROSTERS = {"LZYJJ": "0931-8888001", "XGQ-YJJ": "0931-7555001", "CGQ-YJJ": "0931-8555001"}


def _user(name):
    return get_user_model().objects.get(username=name)


@contextmanager
def _as(username, when):
    user = _user(username)
    with actor_context(user, source="cli", label="demo"), dated(when):
        yield user


def _roster(today: dt.date) -> int:
    """This month's rosters (and yesterday's shift): demo rows in one bulk insert, summarised by
    one event (the import service writes a change record per shift, too slow for the test
    session's set-up; it is tested on its own)."""
    from yingji.orgs.models import Organisation

    last = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    first = min(today.replace(day=1), today - dt.timedelta(days=1))  # yesterday's shift too
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=ROSTERS)}
    rows = []
    for n, code in enumerate(ROSTERS):
        d, i = first, 0
        while d < last:
            rows.append(
                DutyShift(
                    organisation=orgs[code],
                    date=d,
                    shift="all",
                    leader=LEADERS[(i + n) % len(LEADERS)],
                    officer=OFFICERS[(i + 2 * n) % len(OFFICERS)],
                    liaison=LIAISONS[(i + n) % len(LIAISONS)],
                    phone=ROSTERS[code],
                    is_demo=True,
                )
            )
            d += dt.timedelta(days=1)
            i += 1
    with actor_context(_user("duty"), source="cli", label="demo"):
        DutyShift.objects.bulk_create(rows)
        record_event(
            "response.roster.demo",
            f"载入演示值班表 {len(rows)} 班(市局、西固区、城关区应急管理局)",
            count=len(rows),
        )
    return len(rows)


def _handover(now: dt.datetime) -> None:
    today = timezone.localdate(now)
    yesterday = DutyShift.objects.filter(
        organisation__code="LZYJJ", date=today - dt.timedelta(days=1)
    ).first()
    evening = now - dt.timedelta(hours=14)
    with _as("duty", evening) as duty:
        services.do_write_log(
            actor=duty,
            shift=yesterday,
            data=LogIn(content="20:10 市气象台发布大风蓝色预警,已转发各县区应急局。"),
        )
        services.do_write_log(
            actor=duty,
            shift=yesterday,
            data=LogIn(content="西固区危化品泄漏事件续报待省厅回复,接班后跟进。", open_item=True),
        )
    with _as("duty", now - dt.timedelta(hours=2)) as duty:
        services.do_hand_over(actor=duty, shift=yesterday, data=HandoverIn(note="设备正常。"))


def _fix_due(event: Event) -> None:
    """dated() moved every time written in its block, deadlines too: recompute the derived
    next-report deadline from the (dated) facts."""
    event.refresh_from_db()
    due, label = next_due(event)
    Event.objects.filter(pk=event.pk).update(next_report_due=due, next_report_label=label)


def _leak(now: dt.datetime) -> Event:
    received = now - dt.timedelta(days=2, hours=1)
    with _as("duty", received) as duty:
        event = services.do_take_event(
            actor=duty,
            data=EventIn(
                title="西固区化工助剂企业储罐区氯气泄漏(演示)",
                event_type="ACC-HAZ",
                received_at=received,
                occurred_at=received - dt.timedelta(minutes=35),
                reporter="企业值班长 王某",
                reporter_phone="139****0001",
                place="西固区化工助剂有限公司(演示)储罐区",
                enterprise="DEMO-ENT-620104-02",
                description="储罐区输送管线法兰泄漏,现场有人员中毒,企业已启动应急预案。",
                measures="企业关闭上游阀门,疏散厂区人员;西固消防救援站已出动。",
                deaths=1,
                serious_injuries=4,
                evacuated=120,
            ),
        )
    steps = [
        (received + dt.timedelta(minutes=40), "phone", "电话快报省应急管理厅值班室", 3, 6),
        (received + dt.timedelta(minutes=85), "first", "省应急管理厅、市委市政府总值班室", 3, 6),
        (now - dt.timedelta(hours=30), "follow_up", "省应急管理厅、市委市政府总值班室", 3, 8),
        (now - dt.timedelta(hours=6), "follow_up", "省应急管理厅、市委市政府总值班室", 3, 8),
    ]
    for when, kind, to, deaths, serious in steps:
        with _as("duty", when) as duty:
            event.refresh_from_db()
            services.do_submit_report(
                actor=duty,
                event=event,
                data=ReportIn(
                    kind=kind,
                    reported_to=to,
                    signed_off_by="王建国(演示)",
                    content=f"截至目前,死亡{deaths}人,重伤(急性中毒){serious}人,泄漏已控制。",
                    deaths=deaths,
                    serious_injuries=serious,
                    evacuated=300,
                    loss_yuan=Decimal("2600000"),
                ),
            )
    with _as("leader", received + dt.timedelta(hours=1)) as leader:
        event.refresh_from_db()
        services.do_change_response_level(
            actor=leader,
            event=event,
            data=LevelIn(action="start", level=3, reason="死亡3人,达到较大事故,启动Ⅲ级响应。"),
        )
    orders = [
        ("LZYJJ-WHP", "派员赶赴现场,指导企业堵漏和洗消,核实泄漏量。", 3, True),
        ("XGQ-YJJ", "组织周边500米范围群众疏散,设置警戒区,每2小时报送现场情况。", 80, False),
        ("LZYJJ-JZWZ", "调拨防化服、空气呼吸器各20套至现场。", 4, None),
    ]
    tasks = []
    with _as("duty", received + dt.timedelta(hours=1, minutes=10)) as duty:
        for code, text, hours, _ in orders:
            tasks.append(
                services.do_issue_task(
                    actor=duty,
                    event=event,
                    data=TaskIn(
                        content=text, assignee=code, deadline=now + dt.timedelta(hours=hours)
                    ),
                )
            )
    issued = received + dt.timedelta(hours=1, minutes=10)
    for task, (_code, _text, _hours, done) in zip(tasks, orders, strict=True):
        if done is None:
            continue
        who = "whk_staff" if done else "xigu_staff"
        with _as(who, issued + dt.timedelta(minutes=20)) as user:
            task.refresh_from_db()
            services.do_sign_task(actor=user, task=task, data=SignIn())
        if done:
            with _as(who, issued + dt.timedelta(hours=2)) as user:
                task.refresh_from_db()
                services.do_answer_task(
                    actor=user,
                    task=task,
                    data=FeedbackIn(feedback="已派3人到场,泄漏点已封堵,洗消完成。"),
                )
    # dated() moved the (future) deadlines to the time of each step: set them last
    for task, (_code, _text, hours, _done) in zip(tasks, orders, strict=True):
        CommandTask.objects.filter(pk=task.pk).update(deadline=issued + dt.timedelta(hours=hours))
    _fix_due(event)
    return event


def _fire(now: dt.datetime) -> Event:
    received = now - dt.timedelta(days=3, hours=2)
    with _as("chengguan_staff", received) as user:
        event = services.do_take_event(
            actor=user,
            data=EventIn(
                title="城关区某商贸城仓库火灾(演示)",
                event_type="ACC-FIRE",
                received_at=received,
                occurred_at=received - dt.timedelta(minutes=20),
                reporter="商贸城物业",
                place="城关区东岗西路商贸城(演示)后院仓库",
                county="620102",
                description="仓库堆放的纺织品起火,无人员被困。",
                minor_injuries=1,
            ),
        )
    with _as("chengguan_staff", received + dt.timedelta(minutes=70)) as user:
        event.refresh_from_db()
        services.do_submit_report(
            actor=user,
            event=event,
            data=ReportIn(
                kind="first",
                reported_to="市应急管理局值班室",
                content="明火已扑灭,轻伤1人,过火面积约200平方米。",
                minor_injuries=1,
                loss_yuan=Decimal("380000"),
            ),
        )
    _fix_due(event)  # the daily 续报 has been due since two days ago: overdue
    return event


def _landslide(now: dt.datetime) -> Event:
    received = now - dt.timedelta(days=9, hours=5)
    with _as("duty", received) as duty:
        event = services.do_take_event(
            actor=duty,
            data=EventIn(
                title="七里河区华林山边坡局部滑塌(演示)",
                event_type="NAT-GEO",
                received_at=received,
                occurred_at=received - dt.timedelta(minutes=50),
                reporter="七里河区应急管理局",
                place="七里河区华林山(演示)",
                county="620103",
                description="连续降雨后边坡局部滑塌,掩埋道路约30米,转移群众46人。",
                evacuated=46,
                channel="superior",
            ),
        )
    with _as("duty", received + dt.timedelta(minutes=60)) as duty:
        event.refresh_from_db()
        services.do_submit_report(
            actor=duty,
            event=event,
            data=ReportIn(
                kind="first",
                reported_to="省应急管理厅",
                content="无人员伤亡,已转移群众46人。",
                evacuated=46,
            ),
        )
    with _as("leader", received + dt.timedelta(minutes=90)) as leader:
        event.refresh_from_db()
        services.do_change_response_level(
            actor=leader,
            event=event,
            data=LevelIn(action="start", level=4, reason="转移群众较多,启动Ⅳ级响应。"),
        )
    with _as("leader", received + dt.timedelta(days=2)) as leader:
        event.refresh_from_db()
        services.do_change_response_level(
            actor=leader,
            event=event,
            data=LevelIn(action="end", reason="险情排除,群众已返回,终止响应。"),
        )
    with _as("duty", received + dt.timedelta(days=2, hours=1)) as duty:
        event.refresh_from_db()
        services.do_submit_report(
            actor=duty,
            event=event,
            data=ReportIn(
                kind="final",
                reported_to="省应急管理厅",
                content="险情排除,道路恢复通行,无人员伤亡。",
                evacuated=46,
            ),
        )
    with _as("duty", received + dt.timedelta(days=4)) as duty:
        event.refresh_from_db()
        services.do_write_review(
            actor=duty,
            event=event,
            data=ReviewIn(
                findings="监测点雨量告警到接报间隔40分钟,县区转报偏慢。",
                lessons="强降雨期间地质灾害隐患点应提前转移。",
                actions=[
                    ActionIn(
                        content="修订七里河区地质灾害隐患点雨量预警转移阈值",
                        owner="LZYJJ-FXJZ",
                        due_on=timezone.localdate(now) + dt.timedelta(days=20),
                    )
                ],
            ),
        )
    _fix_due(event)
    return event


def _road(now: dt.datetime) -> Event:
    received = now - dt.timedelta(minutes=30)
    with _as("duty", received) as duty:
        event = services.do_take_event(
            actor=duty,
            data=EventIn(
                title="红古区海石湾货车侧翻(演示)",
                event_type="ACC-ROAD",
                received_at=received,
                occurred_at=received - dt.timedelta(minutes=15),
                reporter="红古区交警大队",
                place="红古区海石湾镇G109线(演示)",
                county="620111",
                description="一辆货车侧翻,驾驶员受伤,车辆无危险货物。",
                serious_injuries=1,
            ),
        )
    _fix_due(event)
    return event


# 联合值守 of the leak (T34): (post, group, role, name, organisation code or None, department)
JOINT = [
    ("front", "coordination", "head", "王建国(演示)", "LZYJJ", ""),
    ("front", "coordination", "liaison", "马超(演示)", "XGQ-YJJ", ""),
    ("front", "rescue", "head", "西固消防救援站站长(演示)", "LZXFZD", ""),
    ("front", "rescue", "member", "危化科 李工(演示)", "LZYJJ-WHP", ""),
    ("front", "medical", "liaison", "市卫健委联络员(演示)", None, "市卫生健康委员会"),
    ("front", "traffic", "liaison", "交警支队联络员(演示)", None, "市公安局交通警察支队"),
    ("front", "monitoring", "member", "市生态环境局监测员(演示)", None, "市生态环境局"),
    ("rear", "coordination", "head", "李明华(演示)", "LZYJJ-YJZH", ""),
    ("rear", "supplies", "member", "救灾物资科 赵工(演示)", "LZYJJ-JZWZ", ""),
    ("rear", "news", "liaison", "市委宣传部联络员(演示)", None, "市委宣传部"),
]


def _joint(event: Event, now: dt.datetime) -> int:
    with _as("duty", event.received_at + dt.timedelta(hours=1, minutes=20)) as duty:
        for post, group, role, name, org, dept in JOINT:
            event.refresh_from_db()
            services.do_add_joint_member(
                actor=duty,
                event=event,
                data=JointMemberIn(
                    post=post,
                    group=group,
                    role=role,
                    name=name,
                    organisation=org,
                    department=dept,
                    phone="0931-8888" + str(100 + len(name)),
                ),
            )
    return len(JOINT)


RELEASES = [
    (
        "first",
        ["website", "new_media"],
        "西固区一化工企业发生氯气泄漏 现场已得到控制(演示)",
        "{day}凌晨,西固区一化工企业储罐区输送管线发生氯气泄漏。事发后,市应急管理局立即启动"
        "应急响应,消防救援、医疗救治力量迅速到场处置,周边群众已有序疏散。目前泄漏已得到控制,"
        "伤亡人员正在全力救治,事故原因正在调查中。请广大市民不信谣、不传谣,以权威发布为准。",
        True,
    ),
    (
        "follow_up",
        ["website", "new_media", "sms"],
        "西固区氯气泄漏事故处置情况续报(演示)",
        "经持续监测,事发地周边空气质量已恢复正常,疏散群众已陆续返回。伤员均在医院接受治疗,"
        "事故调查工作正在进行。",
        False,
    ),
]


def _releases(event: Event) -> None:
    """The leak's releases: the first one released through the whole chain, the next one
    reviewed and waiting for the 局领导."""
    day = timezone.localtime(event.received_at).strftime("%m月%d日")
    start = event.received_at + dt.timedelta(hours=2)
    for i, (kind, channels, title, content, release) in enumerate(RELEASES):
        at = start + dt.timedelta(hours=20 * i)
        with _as("duty", at) as duty:
            row = services.do_draft_release(
                actor=duty,
                event=event,
                data=InfoReleaseIn(
                    kind=kind, channels=channels, title=title, content=content.format(day=day)
                ),
            )
        with _as("zcfg_staff", at + dt.timedelta(minutes=30)) as window:
            row = services.do_review_release(
                actor=window, release=row, data=InfoReleaseDecisionIn(approve=True, note="同意。")
            )
        if not release:
            continue
        with _as("leader", at + dt.timedelta(minutes=50)) as leader:
            row = services.do_approve_release(
                actor=leader, release=row, data=InfoReleaseDecisionIn(approve=True)
            )
        with _as("zcfg_staff", at + dt.timedelta(hours=1)) as window:
            services.do_release_release(actor=window, release=row, data=InfoReleasePublishIn())
    Release.objects.filter(event=event).update(is_demo=True)


def _bureau_shift(day: dt.date) -> DutyShift:
    """The bureau's shift on a day (made when the month's demo roster does not reach it)."""
    shift = DutyShift.objects.filter(organisation__code="LZYJJ", date=day).first()
    if shift is None:
        from yingji.orgs.models import Organisation

        n = day.toordinal()
        shift = DutyShift.objects.create(
            organisation=Organisation.objects.get(code="LZYJJ"),
            date=day,
            leader=LEADERS[n % len(LEADERS)],
            officer=OFFICERS[n % len(OFFICERS)],
            liaison=LIAISONS[n % len(LIAISONS)],
            phone=ROSTERS["LZYJJ"],
            is_demo=True,
        )
    return shift


def _swap(now: dt.datetime) -> None:
    """The duty officer (值班员(演示)) is on the bureau's roster in three days and asks the
    综合协调科 colleague, on in five days, to swap; she agreed; the 带班领导 (leader) decides."""
    from .services import person_name

    today = timezone.localdate(now)
    duty, colleague = _user("duty"), _user("zhxt_staff")
    mine = _bureau_shift(today + dt.timedelta(days=3))
    other = _bureau_shift(today + dt.timedelta(days=5))
    DutyShift.objects.filter(pk=mine.pk).update(officer=person_name(duty))
    DutyShift.objects.filter(pk=other.pk).update(officer=person_name(colleague))
    with _as("duty", now - dt.timedelta(hours=5)) as user:
        swap = services.do_request_swap(
            actor=user,
            data=SwapRequestIn(
                role="officer",
                shift=mine.pk,
                other_shift=other.pk,
                counterpart="zhxt_staff",
                reason="当天需参加省厅危化品应急演练观摩(演示)",
            ),
        )
    with _as("zhxt_staff", now - dt.timedelta(hours=3)) as user:
        swap.refresh_from_db()
        services.do_answer_swap(
            actor=user, swap=swap, data=SwapAnswerIn(accept=True, note="同意(演示)")
        )
    type(swap).objects.filter(pk=swap.pk).update(is_demo=True)


def _marathon(now: dt.datetime) -> None:
    """A 兰州马拉松-like race under way: day 1's 日报 filed, yesterday's missing, today's due."""
    from django.apps import apps

    from yingji.resources.selectors import visible_records

    today = timezone.localdate(now)
    start = today - dt.timedelta(days=2)
    with _as("duty", now - dt.timedelta(days=10)) as duty:
        activity = services.do_save_activity(
            actor=duty,
            data=ActivityIn(
                name="兰州马拉松应急保障(演示)",
                kind="sports",
                starts_on=start,
                ends_on=today + dt.timedelta(days=2),
                organiser="LZYJJ",
                command_post="东方红广场赛事指挥中心(演示)",
                description="全程、半程及健康跑,约3万人参赛;保障期含赛前检录、比赛日和撤场。",
            ),
        )
        venues = {}
        for name, county, address, lon, lat in (
            ("东方红广场(起点)", "620102", "城关区庆阳路", 103.8343, 36.0580),
            ("黄河风情线(赛道)", "620102", "南滨河路—北滨河路", 103.8200, 36.0650),
            ("奥体中心(终点)", "620103", "七里河区彭家坪", 103.7550, 36.0330),
        ):
            venues[name] = services.do_add_venue(
                actor=duty,
                activity=activity,
                data=VenueIn(
                    name=name + "(演示)", county=county, address=address, lon=lon, lat=lat
                ),
            )
        for name, level, venue, hazard, measures, owner in (
            (
                "起点区人员聚集",
                "major",
                "东方红广场(起点)",
                "检录及起跑区人员高度密集,存在拥挤踩踏风险。",
                "分区分枪起跑,设置隔离护栏和疏散通道,安排安保人员值守。",
                "CGQ-YJJ",
            ),
            (
                "沿线燃气调压站",
                "larger",
                "黄河风情线(赛道)",
                "赛道沿线3处燃气调压站,存在泄漏、火灾风险。",
                "赛前专项检查,比赛日安排燃气企业抢修人员驻守。",
                "LZYJJ-CSAQ",
            ),
            (
                "终点区临时搭建物",
                "general",
                "奥体中心(终点)",
                "舞台、拱门等临时搭建物大风天气存在倒塌风险。",
                "搭建验收,关注大风预警,风力6级以上停用。",
                "LZYJJ-GSM",
            ),
        ):
            services.do_add_activity_risk(
                actor=duty,
                activity=activity,
                data=ActivityRiskIn(
                    name=name,
                    level=level,
                    venue=venues[venue].pk,
                    hazard=hazard,
                    measures=measures,
                    owner=owner,
                ),
            )
        for offset in range(5):
            day = start + dt.timedelta(days=offset)
            for post, leader, officer in (
                ("赛事指挥中心", LEADERS[offset % 4], OFFICERS[offset % 6]),
                ("赛道沿线巡查", LEADERS[(offset + 1) % 4], OFFICERS[(offset + 3) % 6]),
            ):
                services.do_add_activity_duty(
                    actor=duty,
                    activity=activity,
                    data=ActivityDutyIn(
                        date=day,
                        post=post,
                        leader=leader,
                        officer=officer,
                        liaison=LIAISONS[offset % 3],
                        phone="0931-8888002",
                    ),
                )
        teams = visible_records(apps.get_model("resources", "Team"), duty).order_by("pk")[:3]
        for team, place in zip(teams, ("东方红广场", "南滨河路中山桥段", "奥体中心"), strict=False):
            services.do_add_standby_team(
                actor=duty,
                activity=activity,
                data=ActivityTeamIn(
                    team=team.pk, place=place + "(演示)", people=20, note="比赛日全程待命"
                ),
            )
    with _as("duty", timezone.make_aware(dt.datetime.combine(start, dt.time(20, 30)))) as duty:
        services.do_submit_activity_report(
            actor=duty,
            activity=activity,
            data=ActivityReportIn(
                date=start,
                summary="完成起终点及赛道沿线安全检查,检查燃气调压站3处,发现问题2项已整改。",
                incidents=0,
                issues="次日对临时搭建物复查。",
            ),
        )
    type(activity).objects.filter(pk=activity.pk).update(is_demo=True)


def _expo(now: dt.datetime) -> None:
    today = timezone.localdate(now)
    with _as("duty", now - dt.timedelta(days=1)) as duty:
        activity = services.do_save_activity(
            actor=duty,
            data=ActivityIn(
                name="兰洽会应急保障(演示)",
                kind="expo",
                starts_on=today + dt.timedelta(days=21),
                ends_on=today + dt.timedelta(days=24),
                organiser="LZYJJ",
                command_post="兰州国际会展中心安保指挥部(演示)",
                description="展馆、配套酒店及交通枢纽的安全保障。",
            ),
        )
        services.do_add_venue(
            actor=duty,
            activity=activity,
            data=VenueIn(name="兰州国际会展中心(演示)", county="620104", address="西固区"),
        )
    type(activity).objects.filter(pk=activity.pk).update(is_demo=True)


def load_demo() -> dict:
    if Event.objects.filter(is_demo=True).exists():
        return {"events": 0, "shifts": 0}
    now = timezone.now()
    shifts = _roster(timezone.localdate(now))
    _handover(now)
    leak = _leak(now)
    events = [leak, _fire(now), _landslide(now), _road(now)]
    Event.objects.filter(pk__in=[e.pk for e in events]).update(is_demo=True)
    joint = _joint(leak, now)
    _releases(leak)
    _swap(now)
    _marathon(now)
    _expo(now)
    _links_and_escalations(leak, now)
    return {"events": len(events), "shifts": shifts, "joint": joint, "activities": 2}


def _links_and_escalations(leak: Event, now: dt.datetime) -> None:
    """The chlorine leak linked to its enterprise's open 隐患 (as the duty officer); the bureau's
    带班领导 yesterday and today is the demo leader (so a breached deadline is escalated to
    `leader` by name); then the escalation job runs once, as it would."""
    from django.apps import apps

    from .escalations import do_escalate_breaches
    from .hazard_links import do_link_hazard
    from .schemas import HazardLinkIn
    from .services import person_name

    hazard = (
        apps.get_model("hazards", "Hazard")
        .objects.filter(enterprise_id=leak.enterprise_id)
        .order_by("pk")
        .first()
    )
    if hazard is not None:
        with _as("duty", leak.received_at + dt.timedelta(hours=2)) as duty:
            do_link_hazard(
                actor=duty,
                event=leak,
                data=HazardLinkIn(hazard=hazard.pk, note="泄漏点位于该隐患所在装置区"),
            )
    leader = person_name(_user("leader"))
    today = timezone.localdate(now)
    DutyShift.objects.filter(
        organisation__code="LZYJJ", date__in=[today, today - dt.timedelta(days=1)]
    ).update(leader=leader)
    with actor_context(None, source="job", label="job:escalate_overdue_reports"), dated(now):
        do_escalate_breaches(now=now)
