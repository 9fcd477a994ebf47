"""值班与应急响应 services: event intake and its reports up, the response level, command tasks,
the after-action review, event types, the duty roster, the shift log and handover.
One service per state change: permission, validation, one transaction, one record_event."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import allows, check_rule, ensure_in_scope, restrict
from yingji.core.services import locked
from yingji.standards import accidents, event_clocks, response_levels

from . import grading
from .models import (
    Activity,
    ActivityDuty,
    ActivityReport,
    ActivityRisk,
    ActivityTeam,
    ActivityVenue,
    CommandTask,
    DutyShift,
    Event,
    EventReport,
    EventType,
    JointDutyMember,
    LevelChange,
    Release,
    Review,
    ReviewAction,
    ShiftLog,
    ShiftSwap,
)
from .schemas import (
    ActionDoneIn,
    ActivityCancelIn,
    ActivityDutyIn,
    ActivityIn,
    ActivityReportIn,
    ActivityRiskIn,
    ActivityTeamIn,
    CommandTemplateIn,
    EventIn,
    EventTypeIn,
    FeedbackIn,
    HandoverIn,
    InfoReleaseDecisionIn,
    InfoReleaseIn,
    InfoReleasePublishIn,
    InfoReleaseReviseIn,
    InfoReleaseVoidIn,
    JointMemberIn,
    JointWithdrawIn,
    LevelIn,
    LogIn,
    MergeIn,
    ReportIn,
    ReviewIn,
    ShiftIn,
    SignIn,
    SplitIn,
    SwapAnswerIn,
    SwapCancelIn,
    SwapDecisionIn,
    SwapRequestIn,
    TaskIn,
    VenueIn,
)
from .selectors import next_due

FIGURES = (
    "deaths",
    "missing",
    "serious_injuries",
    "minor_injuries",
    "trapped",
    "endangered",
    "evacuated",
    "relocated",
    "houses_rooms",
    "houses_households",
)
CASUALTIES = ("deaths", "missing", "serious_injuries", "minor_injuries")


def local(value: dt.datetime | None) -> dt.datetime | None:
    """A time from a form (no zone) is local time."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# --- grading --------------------------------------------------------------------------------


def grade_of(event_type: EventType, figures: dict) -> tuple[str, bool]:
    """(493号令 grade code or "", 较大涉险) for the figures of an event of this type."""
    if not event_type.production_safety:
        return "", False
    grade = accidents.accident_grade(
        figures["deaths"], figures["serious_injuries"], figures["loss_yuan"]
    )
    near = accidents.is_larger_near_miss(
        endangered=figures["endangered"],
        trapped_or_missing=figures["trapped"] + figures["missing"],
        evacuated=figures["evacuated"],
    )
    return grade, near


def _figures(data) -> dict:
    return {**{k: getattr(data, k) for k in FIGURES}, "loss_yuan": data.loss_yuan}


# --- intake ---------------------------------------------------------------------------------


def _region_for(actor, data: EventIn):
    from yingji.geo.models import Region
    from yingji.geo.spatial import locate

    enterprise = None
    if data.enterprise:
        from yingji.enterprises.selectors import visible_enterprises

        enterprise = visible_enterprises(actor).filter(organisation__code=data.enterprise).first()
        if enterprise is None:
            raise ValidationFailed(
                f"企业“{data.enterprise}”不存在或不在您的权限范围内。",
                details={"field": "enterprise"},
            )
    lon = lat = None
    if data.lon is not None:
        from yingji.standards.coords import convert

        lon, lat = data.lon, data.lat
        if data.crs != "wgs84":
            lon, lat = convert(lon, lat, data.crs, "wgs84")
        region = locate(lon, lat)
        if region is None:
            raise ValidationFailed(
                "坐标不在本市任何县区范围内,请检查经纬度和坐标系。", details={"field": "lon"}
            )
        return round(lon, 6), round(lat, 6), region, enterprise
    if enterprise is not None:
        return enterprise.lon, enterprise.lat, enterprise.region, enterprise
    region = Region.objects.filter(code=data.county, level="county").first()
    if region is None:
        raise ValidationFailed(f"县区编码“{data.county}”不存在。", details={"field": "county"})
    return None, None, region, None


def _number(received_at: dt.datetime) -> str:
    day = timezone.localtime(received_at).strftime("%Y%m%d")
    prefix = f"SJ-{day}-"
    last = (
        Event.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:03d}"


def _insert_numbered(event: Event, received_at) -> None:
    """Insert with the day's next number; two desks taking calls at the same moment get the
    same number from _number(): the second takes the one after (a savepoint per try)."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                event.save(force_insert=True)
            return
        except IntegrityError:
            if attempt == 4 or Event.objects.filter(number=event.number).count() == 0:
                raise
            event.number = _number(received_at)


def _sources(actor, data: EventIn):
    """The alarm and warning an event is made from, as the actor may see them (their apps'
    selectors)."""
    alarm = warning = None
    if data.source_alarm:
        from yingji.monitoring.selectors import visible_alarms

        alarm = visible_alarms(actor).filter(pk=data.source_alarm).first()
        if alarm is None:
            raise ValidationFailed(
                "来源告警不存在或不在您的权限范围内。", details={"field": "source_alarm"}
            )
    if data.source_warning:
        from yingji.warnings.selectors import visible_warnings

        warning = visible_warnings(actor).filter(pk=data.source_warning).first()
        if warning is None:
            raise ValidationFailed(
                "来源预警不存在或不在您的权限范围内。", details={"field": "source_warning"}
            )
    return alarm, warning


def _new_event(actor, data: EventIn, received_at: dt.datetime | None = None) -> Event:
    """An unsaved event from the intake data: its type checked, located, graded and numbered
    (shared by 接报 and 拆分)."""
    event_type = EventType.objects.filter(code=data.event_type, active=True).first()
    if event_type is None:
        raise ValidationFailed(
            f"事件类型“{data.event_type}”不存在或已停用。", details={"field": "event_type"}
        )
    now = timezone.now()
    received_at = local(data.received_at) or received_at or now
    occurred_at = local(data.occurred_at)
    if received_at > now + dt.timedelta(minutes=5) or occurred_at > received_at:
        raise ValidationFailed(
            "接报时间不能晚于现在,发生时间不能晚于接报时间。", details={"field": "occurred_at"}
        )
    lon, lat, region, enterprise = _region_for(actor, data)
    alarm, warning = _sources(actor, data)
    figures = _figures(data)
    grade, near = grade_of(event_type, figures)
    event = Event(
        number=_number(received_at),
        title=data.title,
        event_type=event_type,
        received_at=received_at,
        occurred_at=occurred_at,
        channel=data.channel,
        reporter=data.reporter,
        reporter_phone=data.reporter_phone,
        place=data.place,
        lon=lon,
        lat=lat,
        region=region,
        enterprise=enterprise,
        description=data.description,
        measures=data.measures,
        grade=grade,
        near_miss=near,
        relief_level=grading.level_of(event_type, figures),
        received_by=actor,
        source_alarm=alarm,
        source_warning=warning,
        **figures,
    )
    event.next_report_due, event.next_report_label = next_due(event)
    return event


def do_take_event(*, actor, data: EventIn) -> Event:
    """接报: log a call as an event, locate it, grade it (production-safety accidents)."""
    check_rule(actor, "response.intake")
    event = _new_event(actor, data)
    with transaction.atomic():
        _insert_numbered(event, event.received_at)
        record_event(
            "response.event.taken",
            f"接报“{event.title}”({event.event_type.name},{event.region.name},{event.grade_text})",
            target=event,
            grade=event.grade,
        )
        ensure_in_scope(actor, event, "add")
    return event


def _changeable(actor, event: Event, version: int | None) -> Event:
    event = locked(Event, event.pk, expected_version=version)
    if not restrict(Event.objects.filter(pk=event.pk), actor, "change").exists():
        raise NotPermitted("您无权处理该事件。")
    return event


# --- reports up -----------------------------------------------------------------------------


def _check_report_kind(event: Event, kind: str) -> None:
    kinds = set(event.reports.values_list("kind", flat=True))
    if event.state == "closed":
        raise InvalidTransition("该事件已终报,不能再报送。")
    if event.state == "merged":
        raise InvalidTransition("该事件已合并到其他事件,请在主事件上报送。")
    if kind == "first" and "first" in kinds:
        raise InvalidTransition("该事件已有首报;后续请报送续报、核报或补报。")
    if kind == "phone" and "phone" in kinds:
        raise InvalidTransition("该事件已有电话快报记录。")
    if kind not in ("first", "phone") and "first" not in kinds:
        raise InvalidTransition("请先报送首报。")


def do_submit_report(*, actor, event: Event, data: ReportIn) -> EventReport:
    """报送一份报告: the figures it carries become the event's (and regrade it); a casualty
    change after the 补报 window is accepted and flagged. The report is never changed."""
    check_rule(actor, "response.intake")
    now = timezone.now()
    with transaction.atomic():
        event = _changeable(actor, event, data.version)
        _check_report_kind(event, data.kind)
        figures = _figures(data)
        changed = any(getattr(event, k) != figures[k] for k in CASUALTIES)
        grade, near = grade_of(event.event_type, figures)
        late = changed and event_clocks.is_late_supplement(
            event.occurred_at, now, grade or None, event.event_type.road_or_fire
        )
        report = EventReport.objects.create(
            event=event,
            kind=data.kind,
            seq=event.reports.count() + 1,
            submitted_at=now,
            submitted_by=actor,
            reported_to=data.reported_to,
            signed_off_by=data.signed_off_by,
            content=data.content,
            figures={**{k: figures[k] for k in FIGURES}, "loss_yuan": str(figures["loss_yuan"])},
            grade=grade,
            late_supplement=late,
        )
        for k, v in figures.items():
            setattr(event, k, v)
        event.grade, event.near_miss = grade, near
        event.relief_level = grading.level_of(event.event_type, figures)
        if data.kind == "final":
            event.state = "closed"
        event.next_report_due, event.next_report_label = next_due(event)
        event.save()
        note = ";伤亡人数变化已超过补报期限,已标记" if late else ""
        record_event(
            "response.report.submitted",
            f"“{event.number}”报送{report.get_kind_display()}(第{report.seq}报){note}",
            target=report,
            kind=data.kind,
            late_supplement=late,
        )
    return report


# --- response level -------------------------------------------------------------------------


def do_change_response_level(*, actor, event: Event, data: LevelIn) -> LevelChange:
    """启动/调整/终止 应急响应: by the 带班领导 (city leadership) with a reason."""
    check_rule(actor, "response.decide_level")
    with transaction.atomic():
        event = locked(Event, event.pk, expected_version=data.version)
        if not restrict(Event.objects.filter(pk=event.pk), actor, "view").exists():
            raise NotPermitted("您无权处理该事件。")
        previous = event.response_level
        try:
            state = response_levels.next_state(
                event.response_state, data.action, previous, data.level
            )
        except ValueError as exc:
            raise InvalidTransition(str(exc)) from exc
        level = None if data.action == "end" else data.level
        change = LevelChange.objects.create(
            event=event,
            action=data.action,
            level=level,
            previous=previous,
            decided_by=actor,
            decided_at=timezone.now(),
            reason=data.reason,
        )
        event.response_state = state
        event.response_level = level if state == "active" else previous
        event.save()
        what = response_levels.ACTION_LABELS[data.action]
        if data.action == "end":
            text = f"终止“{event.number}”{response_levels.level_label(previous)}应急响应"
        else:
            turn = response_levels.direction(previous, level)
            text = f"{what}“{event.number}”{response_levels.level_label(level)}应急响应{turn}"
        record_event("response.level." + data.action, text, target=change, level=level)
        # the level's data says whose rosters run as 联合值守 (opened/closed with the decision)
        from .joint_duty import switch as switch_joint_duty

        switch_joint_duty(event, change)
    return change


# --- command tasks --------------------------------------------------------------------------


def do_issue_task(*, actor, event: Event, data: TaskIn) -> CommandTask:
    from yingji.orgs.models import Organisation

    check_rule(actor, "response.intake")
    now = timezone.now()
    deadline = local(data.deadline)
    if deadline <= now:
        raise ValidationFailed("完成时限应晚于现在。", details={"field": "deadline"})
    assignee = Organisation.objects.filter(code=data.assignee, is_active=True).first()
    if assignee is None or assignee.kind == "enterprise":
        raise ValidationFailed(
            f"承办单位“{data.assignee}”不存在(指令下达给机关科室、直属单位、县区应急局或部门)。",
            details={"field": "assignee"},
        )
    with transaction.atomic():
        event = _changeable(actor, event, None)
        if event.state != "open":
            raise InvalidTransition(f"该事件{event.get_state_display()},不能再下达指令。")
        task = CommandTask.objects.create(
            event=event,
            content=data.content,
            assignee=assignee,
            deadline=deadline,
            issued_by=actor,
            issued_at=now,
        )
        record_event(
            "response.task.issued",
            f"向{assignee.name}下达指令(“{event.number}”),时限{timezone.localtime(deadline):%m月%d日 %H:%M}",
            target=task,
        )
    return task


def _receivable(actor, task: CommandTask, version) -> CommandTask:
    task = locked(CommandTask, task.pk, expected_version=version)
    if not restrict(CommandTask.objects.filter(pk=task.pk), actor, "approve").exists():
        raise NotPermitted("只有承办单位的人员可以签收和反馈该指令。")
    return task


def do_sign_task(*, actor, task: CommandTask, data: SignIn) -> CommandTask:
    with transaction.atomic():
        task = _receivable(actor, task, data.version)
        if task.state != "issued":
            raise InvalidTransition("该指令已签收或已办结。")
        task.state, task.signed_by, task.signed_at = "signed", actor, timezone.now()
        task.save()
        record_event("response.task.signed", f"{task.assignee.name}签收指令", target=task)
    return task


def do_answer_task(*, actor, task: CommandTask, data: FeedbackIn) -> CommandTask:
    with transaction.atomic():
        task = _receivable(actor, task, data.version)
        if task.state not in ("issued", "signed"):
            raise InvalidTransition("该指令已办结或已撤销。")
        now = timezone.now()
        if task.state == "issued":
            task.signed_by, task.signed_at = actor, now
        task.state, task.feedback, task.feedback_by, task.feedback_at = (
            "done",
            data.feedback,
            actor,
            now,
        )
        task.save()
        late = ",已超过时限" if now > task.deadline else ""
        record_event("response.task.answered", f"{task.assignee.name}反馈指令{late}", target=task)
    return task


# --- 复盘 -----------------------------------------------------------------------------------


def review_facts(event: Event, now: dt.datetime) -> dict:
    """What the event's record says: minutes to the first report and to the response start,
    tasks and those overdue."""
    first = event.reports.filter(kind="first").order_by("submitted_at").first()
    start = event.level_changes.filter(action="start").order_by("decided_at").first()
    tasks = list(event.tasks.exclude(state="cancelled"))

    def minutes(later):
        return round((later - event.received_at).total_seconds() / 60) if later else None

    return {
        "minutes_to_first_report": minutes(first.submitted_at if first else None),
        "minutes_to_response_start": minutes(start.decided_at if start else None),
        "tasks": len(tasks),
        "tasks_overdue": sum(1 for t in tasks if t.overdue(now)),
        "reports": event.reports.count(),
        "highest_level": min((c.level for c in event.level_changes.all() if c.level), default=None),
    }


def do_write_review(*, actor, event: Event, data: ReviewIn) -> Review:
    from yingji.orgs.models import Organisation

    check_rule(actor, "response.intake")
    owners = {}
    for i, action in enumerate(data.actions):
        org = Organisation.objects.filter(code=action.owner).exclude(kind="enterprise").first()
        if org is None:
            raise ValidationFailed(
                f"第{i + 1}条整改措施的责任单位“{action.owner}”不存在。",
                details={"field": f"actions.{i}.owner"},
            )
        owners[i] = org
    with transaction.atomic():
        event = _changeable(actor, event, None)
        if event.response_state == "active":
            raise InvalidTransition("应急响应尚未终止,终止后才能复盘。")
        if Review.objects.filter(event=event).exists():
            raise InvalidTransition("该事件已有复盘记录。")
        review = Review.objects.create(
            event=event,
            facts=review_facts(event, timezone.now()),
            findings=data.findings,
            lessons=data.lessons,
            written_by=actor,
        )
        for i, action in enumerate(data.actions):
            ReviewAction.objects.create(
                review=review, content=action.content, owner=owners[i], due_on=action.due_on
            )
        record_event(
            "response.review.written",
            f"“{event.number}”复盘,整改措施{len(data.actions)}项",
            target=review,
        )
    return review


def do_complete_action(*, actor, action: ReviewAction, data: ActionDoneIn) -> ReviewAction:
    with transaction.atomic():
        action = locked(ReviewAction, action.pk, expected_version=data.version)
        if not restrict(ReviewAction.objects.filter(pk=action.pk), actor, "change").exists():
            raise NotPermitted("您无权办结该整改措施。")
        if action.done_at:
            raise InvalidTransition("该整改措施已完成。")
        action.done_at, action.done_note = timezone.now(), data.note
        action.save()
        record_event("response.action.done", f"整改措施“{action}”已完成", target=action)
    return action


# --- event types (administrators) -----------------------------------------------------------


def do_save_event_type(*, actor, data: EventTypeIn) -> EventType:
    if not restrict(EventType.objects.all(), actor, "change").exists():
        raise NotPermitted("只有系统管理员可以维护事件类型。")
    with transaction.atomic():
        row, created = EventType.objects.update_or_create(
            code=data.code, defaults=data.model_dump(exclude={"code"})
        )
        record_event(
            "response.type.saved", f"{'新增' if created else '修改'}事件类型“{row}”", target=row
        )
    return row


# --- roster, log, handover ------------------------------------------------------------------


def _duty_org(code: str, field: str = "organisation"):
    from yingji.orgs.models import Organisation

    org = Organisation.objects.filter(code=code, kind__in=("bureau", "county_bureau")).first()
    if org is None:
        raise ValidationFailed(
            f"值班单位“{code}”不存在(应为市应急管理局或县区应急管理局)。", details={"field": field}
        )
    return org


def save_shift(actor, data: ShiftIn, org) -> tuple[DutyShift, bool]:
    """Create or replace one shift (inside the caller's transaction; no event)."""
    shift, created = DutyShift.objects.update_or_create(
        organisation=org,
        date=data.date,
        shift=data.shift,
        defaults={
            "leader": data.leader,
            "officer": data.officer,
            "liaison": data.liaison,
            "phone": data.phone,
        },
    )
    ensure_in_scope(actor, shift, "change")
    return shift, created


def do_save_shift(*, actor, data: ShiftIn) -> DutyShift:
    check_rule(actor, "response.roster_edit")
    org = _duty_org(data.organisation)
    with transaction.atomic():
        shift, created = save_shift(actor, data, org)
        record_event(
            "response.shift.saved",
            f"{'排' if created else '调整'}班:{shift}(带班领导{shift.leader},值班员{shift.officer})",
            target=shift,
        )
    return shift


def do_import_roster(*, actor, rows: list[ShiftIn]) -> int:
    """The monthly roster from Excel: every row valid or nothing is written."""
    check_rule(actor, "response.roster_edit")
    orgs = {code: _duty_org(code) for code in {r.organisation for r in rows}}
    with transaction.atomic():
        for row in rows:
            save_shift(actor, row, orgs[row.organisation])
        record_event(
            "response.roster.imported",
            f"导入值班表 {len(rows)} 班({'、'.join(o.name for o in orgs.values())})",
            count=len(rows),
        )
    return len(rows)


def _shift_for_write(actor, shift: DutyShift, version=None) -> DutyShift:
    shift = locked(DutyShift, shift.pk, expected_version=version)
    if not restrict(DutyShift.objects.filter(pk=shift.pk), actor, "change").exists():
        raise NotPermitted("您无权填写该班次的值班日志。")
    return shift


def do_write_log(*, actor, shift: DutyShift, data: LogIn) -> ShiftLog:
    check_rule(actor, "response.roster_edit")
    event = None
    if data.event is not None:
        event = restrict(Event.objects.all(), actor).filter(pk=data.event).first()
        if event is None:
            raise ValidationFailed("相关事件不存在。", details={"field": "event"})
    with transaction.atomic():
        shift = _shift_for_write(actor, shift)
        if shift.handed_over_at:
            raise InvalidTransition("该班次已交班,日志请记在当前班次。")
        log = ShiftLog.objects.create(
            shift=shift,
            time=timezone.now(),
            content=data.content,
            open_item=data.open_item,
            event=event,
            written_by=actor,
        )
        record_event(
            "response.log.written",
            f"值班日志:{shift}{'(待办)' if data.open_item else ''}",
            target=log,
        )
    return log


def previous_shift(shift: DutyShift) -> DutyShift | None:
    order = {"day": 0, "all": 0, "night": 1}
    earlier = DutyShift.objects.filter(organisation_id=shift.organisation_id).filter(
        date__lte=shift.date
    )
    candidates = [
        s
        for s in earlier.exclude(pk=shift.pk).order_by("-date")[:4]
        if (s.date, order[s.shift]) < (shift.date, order[shift.shift])
    ]
    return max(candidates, key=lambda s: (s.date, order[s.shift]), default=None)


def do_hand_over(*, actor, shift: DutyShift, data: HandoverIn) -> DutyShift:
    check_rule(actor, "response.roster_edit")
    with transaction.atomic():
        shift = _shift_for_write(actor, shift, data.version)
        if shift.handed_over_at:
            raise InvalidTransition("该班次已交班。")
        shift.handed_over_at, shift.handed_over_by = timezone.now(), actor
        shift.handover_note = data.note
        shift.save()
        items = shift.logs.filter(open_item=True, acknowledged_at__isnull=True).count()
        record_event("response.shift.handed_over", f"交班:{shift},待办{items}项", target=shift)
    return shift


def do_take_over(*, actor, shift: DutyShift, data: HandoverIn) -> int:
    """接班: the next shift acknowledges the open items handed over by the previous one."""
    check_rule(actor, "response.roster_edit")
    with transaction.atomic():
        shift = _shift_for_write(actor, shift, data.version)
        before = previous_shift(shift)
        if before is None or not before.handed_over_at:
            raise InvalidTransition("上一班次尚未交班。")
        items = list(
            ShiftLog.objects.select_for_update().filter(
                shift=before, open_item=True, acknowledged_at__isnull=True
            )
        )
        now = timezone.now()
        for item in items:
            item.acknowledged_by, item.acknowledged_at = actor, now
            item.save()
        record_event(
            "response.shift.taken_over",
            f"接班:{shift},确认上一班待办{len(items)}项",
            target=shift,
        )
    return len(items)


# --- 调班 (swaps with approval) -------------------------------------------------------------

SWAP_ROLE_LABELS = {"leader": "带班领导", "officer": "值班员", "liaison": "联络员"}


def person_name(user) -> str:
    """The name a roster carries for a user (their full name, else the user name)."""
    return (user.get_full_name() or user.username).strip()


def _swap_open(shift: DutyShift, today: dt.date) -> bool:
    return shift.date >= today and not shift.handed_over_at


def do_request_swap(*, actor, data: SwapRequestIn) -> ShiftSwap:
    """调班申请: the person on one shift asks the person on another (same role) to swap."""
    from django.contrib.auth import get_user_model

    visible = restrict(DutyShift.objects.all(), actor)
    mine = visible.filter(pk=data.shift).first()
    other = visible.filter(pk=data.other_shift).first()
    if mine is None or other is None:
        raise ValidationFailed("班次不存在或不在您的权限范围内。", details={"field": "shift"})
    counterpart = get_user_model().objects.filter(username=data.counterpart, is_active=True).first()
    if counterpart is None:
        raise ValidationFailed(
            f"用户“{data.counterpart}”不存在。", details={"field": "counterpart"}
        )
    role = SWAP_ROLE_LABELS[data.role]
    today = timezone.localdate()
    if mine.pk == other.pk or counterpart.pk == actor.pk:
        raise ValidationFailed("不能与本人或同一班次调班。", details={"field": "other_shift"})
    if mine.organisation_id != other.organisation_id:
        raise ValidationFailed(
            "只能在同一值班单位的班次之间调班。", details={"field": "other_shift"}
        )
    if not (_swap_open(mine, today) and _swap_open(other, today)):
        raise InvalidTransition("已过去或已交班的班次不能调班。")
    if getattr(mine, data.role) != person_name(actor):
        raise NotPermitted(f"您不是该班次的{role},不能申请调班。")
    if getattr(other, data.role) != person_name(counterpart):
        raise ValidationFailed(
            f"对方不是所选班次的{role}(该班次{role}为{getattr(other, data.role) or '空'})。",
            details={"field": "counterpart"},
        )
    with transaction.atomic():
        locked(DutyShift, mine.pk)
        pending = ShiftSwap.objects.filter(
            state__in=("requested", "accepted"), role=data.role
        ).filter(Q(shift__in=(mine.pk, other.pk)) | Q(other_shift__in=(mine.pk, other.pk)))
        if pending.exists():
            raise InvalidTransition("这两个班次已有待处理的调班申请。")
        swap = ShiftSwap.objects.create(
            role=data.role,
            shift=mine,
            other_shift=other,
            requester=actor,
            counterpart=counterpart,
            reason=data.reason,
        )
        record_event(
            "response.swap.requested",
            f"{person_name(actor)}申请与{person_name(counterpart)}调班({role}:"
            f"{mine.date:%m月%d日}⇄{other.date:%m月%d日})",
            target=swap,
        )
    return swap


def do_answer_swap(*, actor, swap: ShiftSwap, data: SwapAnswerIn) -> ShiftSwap:
    """The other person accepts or declines; declining ends the request."""
    with transaction.atomic():
        swap = locked(ShiftSwap, swap.pk, expected_version=data.version)
        if swap.counterpart_id != actor.pk:
            raise NotPermitted("只有被申请调班的本人可以答复。")
        if swap.state != "requested":
            raise InvalidTransition(f"该调班申请{swap.get_state_display()},不能再答复。")
        swap.state = "accepted" if data.accept else "declined"
        swap.answered_at, swap.note = timezone.now(), data.note
        swap.save()
        record_event(
            "response.swap." + ("accepted" if data.accept else "declined"),
            f"{person_name(actor)}{'同意' if data.accept else '拒绝'}调班申请#{swap.pk}",
            target=swap,
        )
    return swap


def do_decide_swap(*, actor, swap: ShiftSwap, data: SwapDecisionIn) -> ShiftSwap:
    """The 带班领导 or the 应急指挥科 head approves (the two shifts exchange the person) or
    refuses (the roster is unchanged)."""
    check_rule(actor, "response.approve_swap")
    with transaction.atomic():
        swap = locked(ShiftSwap, swap.pk, expected_version=data.version)
        if swap.state != "accepted":
            raise InvalidTransition(
                "对方尚未同意,不能审批。"
                if swap.state == "requested"
                else f"该调班申请{swap.get_state_display()},不能再审批。"
            )
        if actor.pk in (swap.requester_id, swap.counterpart_id):
            raise NotPermitted("调班当事人不能审批自己的调班申请。")
        now = timezone.now()
        if data.approve:
            first, second = sorted((swap.shift_id, swap.other_shift_id))
            a = locked(DutyShift, first)
            b = locked(DutyShift, second)
            mine, other = (a, b) if a.pk == swap.shift_id else (b, a)
            today = timezone.localdate()
            if not (_swap_open(mine, today) and _swap_open(other, today)):
                raise InvalidTransition("班次已过去或已交班,不能再调班。")
            if getattr(mine, swap.role) != person_name(swap.requester) or getattr(
                other, swap.role
            ) != person_name(swap.counterpart):
                raise InvalidTransition("值班表已变更,申请人或对方已不在原班次,请重新申请。")
            name_a, name_b = getattr(mine, swap.role), getattr(other, swap.role)
            setattr(mine, swap.role, name_b)
            setattr(other, swap.role, name_a)
            mine.save()
            other.save()
        swap.state = "approved" if data.approve else "rejected"
        swap.decided_by, swap.decided_at = actor, now
        swap.note = data.note or swap.note
        swap.save()
        role = SWAP_ROLE_LABELS[swap.role]
        record_event(
            "response.swap." + swap.state,
            f"{'批准' if data.approve else '不批准'}调班#{swap.pk}({role}"
            f"{person_name(swap.requester)}⇄{person_name(swap.counterpart)},"
            f"{swap.shift.date:%m月%d日}⇄{swap.other_shift.date:%m月%d日})",
            target=swap,
        )
    return swap


def do_cancel_swap(*, actor, swap: ShiftSwap, data: SwapCancelIn) -> ShiftSwap:
    with transaction.atomic():
        swap = locked(ShiftSwap, swap.pk, expected_version=data.version)
        if swap.requester_id != actor.pk:
            raise NotPermitted("只有申请人可以撤回调班申请。")
        if swap.state not in ("requested", "accepted"):
            raise InvalidTransition(f"该调班申请{swap.get_state_display()},不能撤回。")
        swap.state = "cancelled"
        swap.save()
        record_event("response.swap.cancelled", f"撤回调班申请#{swap.pk}", target=swap)
    return swap


# --- 联合值守 (T34) ---------------------------------------------------------------------------


def do_add_joint_member(*, actor, event: Event, data: JointMemberIn) -> JointDutyMember:
    """Put a person on the event's joint roster (前方/后方指挥部, a working group)."""
    from yingji.orgs.models import Organisation

    check_rule(actor, "response.intake")
    org = None
    if data.organisation:
        org = (
            Organisation.objects.filter(code=data.organisation, is_active=True)
            .exclude(kind="enterprise")
            .first()
        )
        if org is None:
            raise ValidationFailed(
                f"单位“{data.organisation}”不存在。", details={"field": "organisation"}
            )
    with transaction.atomic():
        event = _changeable(actor, event, None)
        if event.response_state != "active":
            raise InvalidTransition("联合值守在应急响应期间编组;该事件未在响应中。")
        member = JointDutyMember.objects.create(
            event=event,
            post=data.post,
            group=data.group,
            organisation=org,
            department=data.department or org.name,
            name=data.name,
            role=data.role,
            phone=data.phone,
        )
        record_event(
            "response.joint.added",
            f"“{event.number}”联合值守:{member}({member.department})",
            target=member,
        )
    return member


def do_form_command_structure(*, actor, event: Event, data: CommandTemplateIn) -> int:
    """按模板编组: the joint roster of an event in response formed from a template — ``plan``,
    the 指挥机构工作组 of the plan that governs the event (selectors.plan_command_template), or a
    house 指挥部编组模板 — one member per row, the unit from the organisation tree and the person
    its first active member (by name; 待指派 when the unit has no account); a plan's unit not in
    the tree is kept by name (外部门, 待指派). A row whose post, group and unit already have an
    active member is skipped, so applying twice adds nothing. Returns how many were added."""
    from yingji.orgs.models import Membership, Organisation

    from .selectors import command_templates, plan_command_template

    check_rule(actor, "response.intake")
    if data.template == "plan":
        template = plan_command_template(event, actor)
        if template is None:
            raise ValidationFailed(
                "适用本事件的预案未录入指挥机构工作组,请选择平台编组模板。",
                details={"field": "template"},
            )
    else:
        template = next((t for t in command_templates() if t["code"] == data.template), None)
    if template is None:
        raise ValidationFailed(f"编组模板“{data.template}”不存在。", details={"field": "template"})
    codes = {row["org"] for row in template["rows"] if row.get("org")}
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes, is_active=True)}
    people: dict[int, str] = {}
    for m in (
        Membership.objects.filter(organisation__in=orgs.values(), user__is_active=True)
        .select_related("user")
        .order_by("organisation_id", "pk")
    ):
        people.setdefault(m.organisation_id, person_name(m.user))
    with transaction.atomic():
        event = _changeable(actor, event, None)
        if event.response_state != "active":
            raise InvalidTransition("联合值守在应急响应期间编组;该事件未在响应中。")
        present = {
            (m.post, m.group, m.group_name, m.organisation_id or m.department)
            for m in event.joint_members.filter(withdrawn_at__isnull=True)
        }
        added = 0
        for row in template["rows"]:
            org = orgs.get(row.get("org") or "")
            if org is None and not row.get("department"):
                continue  # a house template's unit no longer in the tree
            group_name = row.get("group_name", "")
            key = (row["post"], row["group"], group_name, org.pk if org else row["department"])
            if key in present:
                continue
            JointDutyMember.objects.create(
                event=event,
                post=row["post"],
                group=row["group"],
                group_name=group_name,
                organisation=org,
                department=org.name if org else row["department"],
                name=(people.get(org.pk) if org else None) or "待指派",
                role=row["role"],
            )
            present.add(key)
            added += 1
        record_event(
            "response.joint.templated",
            f"“{event.number}”按模板“{template['name']}”编组,新增{added}人",
            target=event,
            template=template["code"],
            added=added,
        )
    return added


def do_withdraw_joint_member(
    *, actor, member: JointDutyMember, data: JointWithdrawIn
) -> JointDutyMember:
    check_rule(actor, "response.intake")
    with transaction.atomic():
        member = locked(JointDutyMember, member.pk, expected_version=data.version)
        if not restrict(JointDutyMember.objects.filter(pk=member.pk), actor, "change").exists():
            raise NotPermitted("您无权调整该事件的联合值守。")
        if member.withdrawn_at:
            raise InvalidTransition("该人员已撤离。")
        member.withdrawn_at, member.withdraw_reason = timezone.now(), data.reason
        member.save()
        record_event("response.joint.withdrawn", f"联合值守人员撤离:{member}", target=member)
    return member


# --- 重大活动应急保障 (T40) --------------------------------------------------------------------


def _organiser(code: str):
    from yingji.orgs.models import Organisation

    org = Organisation.objects.filter(code=code, kind__in=("bureau", "county_bureau")).first()
    if org is None:
        raise ValidationFailed(
            f"牵头单位“{code}”不存在(应为市应急管理局或县区应急管理局)。",
            details={"field": "organiser"},
        )
    return org


def do_save_activity(*, actor, data: ActivityIn, activity: Activity | None = None) -> Activity:
    check_rule(actor, "response.activity_edit")
    organiser = _organiser(data.organiser)
    fields = data.model_dump(exclude={"version", "organiser"})
    with transaction.atomic():
        if activity is None:
            activity = Activity.objects.create(organiser=organiser, **fields)
            verb = "登记"
        else:
            activity = _activity_for_write(actor, activity, data.version)
            if activity.state == "cancelled":
                raise InvalidTransition("该活动已取消,不能修改。")
            for key, value in fields.items():
                setattr(activity, key, value)
            activity.organiser = organiser
            activity.save()
            verb = "修改"
        ensure_in_scope(actor, activity, "change")
        record_event(
            "response.activity.saved",
            f"{verb}重大活动保障“{activity.name}”({activity.starts_on:%m月%d日}—"
            f"{activity.ends_on:%m月%d日})",
            target=activity,
        )
    return activity


def _activity_for_write(actor, activity: Activity, version=None) -> Activity:
    activity = locked(Activity, activity.pk, expected_version=version)
    if not restrict(Activity.objects.filter(pk=activity.pk), actor, "change").exists():
        raise NotPermitted("您无权修改该活动的保障安排。")
    if activity.state == "cancelled":
        raise InvalidTransition("该活动已取消。")
    return activity


def do_cancel_activity(*, actor, activity: Activity, data: ActivityCancelIn) -> Activity:
    check_rule(actor, "response.activity_edit")
    with transaction.atomic():
        activity = _activity_for_write(actor, activity, data.version)
        activity.state, activity.cancel_reason = "cancelled", data.reason
        activity.save()
        record_event(
            "response.activity.cancelled", f"取消重大活动保障“{activity.name}”", target=activity
        )
    return activity


def do_add_venue(*, actor, activity: Activity, data: VenueIn) -> ActivityVenue:
    from yingji.geo.models import Region

    check_rule(actor, "response.activity_edit")
    region = Region.objects.filter(code=data.county, level="county").first()
    if region is None:
        raise ValidationFailed(f"县区编码“{data.county}”不存在。", details={"field": "county"})
    with transaction.atomic():
        activity = _activity_for_write(actor, activity)
        venue = ActivityVenue.objects.create(
            activity=activity,
            name=data.name,
            address=data.address,
            region=region,
            lon=data.lon,
            lat=data.lat,
        )
        record_event(
            "response.activity.venue", f"“{activity.name}”增加场所“{venue.name}”", target=venue
        )
    return venue


def do_add_activity_duty(*, actor, activity: Activity, data: ActivityDutyIn) -> ActivityDuty:
    check_rule(actor, "response.activity_edit")
    if not (activity.starts_on <= data.date <= activity.ends_on):
        raise ValidationFailed("值班日期应在活动保障期内。", details={"field": "date"})
    with transaction.atomic():
        activity = _activity_for_write(actor, activity)
        duty = ActivityDuty.objects.create(activity=activity, **data.model_dump())
        record_event(
            "response.activity.duty",
            f"“{activity.name}”排班:{duty.date:%m月%d日} {duty.post}(带班{duty.leader})",
            target=duty,
        )
    return duty


def do_import_activity_duties(*, actor, activity: Activity, rows: list[ActivityDutyIn]) -> int:
    """The activity's roster from Excel (the file its page exports): every row inside the
    保障期 or nothing is written; a row for a day and post already on the roster replaces its
    names and phone (so a file exported, edited and imported back does not duplicate)."""
    check_rule(actor, "response.activity_edit")
    outside = [
        f"{r.date:%Y-%m-%d} {r.post}"
        for r in rows
        if not (activity.starts_on <= r.date <= activity.ends_on)
    ]
    if outside:
        raise ValidationFailed(
            "值班日期应在活动保障期内"
            f"({activity.starts_on:%Y-%m-%d}至{activity.ends_on:%Y-%m-%d}),未导入任何一行:"
            + "、".join(outside[:20]),
            details={"rows": outside},
        )
    keys = [(r.date, r.post) for r in rows]
    if len(set(keys)) != len(keys):
        raise ValidationFailed(
            "同一日期和岗位出现了两次,未导入任何一行。", details={"field": "rows"}
        )
    with transaction.atomic():
        activity = _activity_for_write(actor, activity)
        current = {
            (d.date, d.post): d
            for d in ActivityDuty.objects.select_for_update().filter(activity=activity)
        }
        for row in rows:
            duty = current.get((row.date, row.post))
            if duty is None:
                ActivityDuty.objects.create(activity=activity, **row.model_dump())
                continue
            changed = False
            for field in ("leader", "officer", "liaison", "phone"):
                if getattr(duty, field) != getattr(row, field):
                    setattr(duty, field, getattr(row, field))
                    changed = True
            if changed:
                duty.save()
        record_event(
            "response.activity.roster_imported",
            f"“{activity.name}”导入活动值班表 {len(rows)} 班",
            target=activity,
            count=len(rows),
        )
    return len(rows)


def do_add_activity_risk(*, actor, activity: Activity, data: ActivityRiskIn) -> ActivityRisk:
    from yingji.orgs.models import Organisation

    check_rule(actor, "response.activity_edit")
    owner = Organisation.objects.filter(code=data.owner).exclude(kind="enterprise").first()
    if owner is None:
        raise ValidationFailed(f"责任单位“{data.owner}”不存在。", details={"field": "owner"})
    venue = None
    if data.venue is not None:
        venue = ActivityVenue.objects.filter(pk=data.venue, activity=activity).first()
        if venue is None:
            raise ValidationFailed("场所不属于该活动。", details={"field": "venue"})
    with transaction.atomic():
        activity = _activity_for_write(actor, activity)
        risk = ActivityRisk.objects.create(
            activity=activity,
            venue=venue,
            name=data.name,
            level=data.level,
            hazard=data.hazard,
            measures=data.measures,
            owner=owner,
        )
        record_event(
            "response.activity.risk",
            f"“{activity.name}”风险点“{risk.name}”({risk.get_level_display()})",
            target=risk,
        )
    return risk


def do_add_standby_team(*, actor, activity: Activity, data: ActivityTeamIn) -> ActivityTeam:
    """A team on standby, found through the resources app's selector (as the actor sees it)."""
    from django.apps import apps

    from yingji.resources.selectors import visible_records

    check_rule(actor, "response.activity_edit")
    team = visible_records(apps.get_model("resources", "Team"), actor).filter(pk=data.team).first()
    if team is None:
        raise ValidationFailed("队伍不存在或不在您的权限范围内。", details={"field": "team"})
    with transaction.atomic():
        activity = _activity_for_write(actor, activity)
        if ActivityTeam.objects.filter(activity=activity, team_id_ref=team.pk).exists():
            raise InvalidTransition(f"“{team.name}”已在待命队伍中。")
        row = ActivityTeam.objects.create(
            activity=activity,
            team_id_ref=team.pk,
            team_name=team.name,
            place=data.place,
            people=data.people,
            note=data.note,
        )
        record_event(
            "response.activity.team",
            f"“{activity.name}”待命队伍:{team.name}({data.place},{data.people}人)",
            target=row,
        )
    return row


def do_submit_activity_report(
    *, actor, activity: Activity, data: ActivityReportIn
) -> ActivityReport:
    """日报: one per day of the period, for today or a past day (补报), submitted once."""
    check_rule(actor, "response.activity_edit")
    today = timezone.localdate()
    if not (activity.starts_on <= data.date <= activity.ends_on):
        raise ValidationFailed("日报日期应在活动保障期内。", details={"field": "date"})
    if data.date > today:
        raise ValidationFailed("不能填报未来日期的日报。", details={"field": "date"})
    with transaction.atomic():
        activity = _activity_for_write(actor, activity)
        if ActivityReport.objects.filter(activity=activity, date=data.date).exists():
            raise InvalidTransition(f"{data.date:%m月%d日}的日报已填报。")
        report = ActivityReport.objects.create(
            activity=activity,
            written_by=actor,
            submitted_at=timezone.now(),
            **data.model_dump(),
        )
        late = "(补报)" if data.date < today else ""
        record_event(
            "response.activity.report",
            f"“{activity.name}”{data.date:%m月%d日}日报{late}",
            target=report,
        )
    return report


# --- 信息发布 (T35: one window) ----------------------------------------------------------------

# The state machine: action → (states it may start from, state it leads to, who may do it).
RELEASE_TRANSITIONS = {
    "review": (("reviewing",), "approving", "政策法规科或办公室"),
    "approve": (("approving",), "approved", "局领导"),
    "return": (("reviewing", "approving"), "returned", "审核人或审批人"),
    "revise": (("returned",), "reviewing", "起草人"),
    "release": (("approved",), "released", "政策法规科或办公室"),
    "void": (("reviewing", "approving", "approved", "returned"), "voided", "起草人或审核人"),
}


def _release_step(release: Release, action: str) -> str:
    sources, target, _who = RELEASE_TRANSITIONS[action]
    if release.state not in sources:
        raise InvalidTransition(
            f"该发布稿{release.get_state_display()},不能{RELEASE_ACTION_LABELS[action]}。"
        )
    return target


RELEASE_ACTION_LABELS = {
    "review": "审核",
    "approve": "审批",
    "return": "退回",
    "revise": "修改后重新提交",
    "release": "发布",
    "void": "作废",
}


def _drafting_org(actor):
    from yingji.core.permissions import scope_of
    from yingji.orgs.models import Organisation

    ids = scope_of(actor).org_ids
    return (
        Organisation.objects.filter(pk__in=ids).exclude(kind="enterprise").order_by("path").first()
    )


def do_draft_release(*, actor, event: Event, data: InfoReleaseIn) -> Release:
    """起草信息发布稿 on an event the actor sees; it goes to 政策法规科/办公室 for review."""
    check_rule(actor, "response.release_draft")
    with transaction.atomic():
        event = locked(Event, event.pk)
        if not restrict(Event.objects.filter(pk=event.pk), actor, "view").exists():
            raise NotPermitted("您无权为该事件起草发布稿。")
        release = Release.objects.create(
            event=event,
            kind=data.kind,
            channels=list(dict.fromkeys(data.channels)),
            title=data.title,
            content=data.content,
            drafted_by=actor,
            drafted_org=_drafting_org(actor),
        )
        record_event(
            "response.release.drafted",
            f"“{event.number}”起草{release.get_kind_display()}“{release.title}”,送审核",
            target=release,
        )
    return release


def _release_for_write(release: Release, version, actor) -> Release:
    release = locked(Release, release.pk, expected_version=version)
    if not restrict(Event.objects.filter(pk=release.event_id), actor, "view").exists():
        raise NotPermitted("您无权处理该事件的发布稿。")
    return release


def do_review_release(*, actor, release: Release, data: InfoReleaseDecisionIn) -> Release:
    """审核 by 政策法规科/办公室: pass to the leader, or return to the drafter with an opinion."""
    check_rule(actor, "response.release_review")
    with transaction.atomic():
        release = _release_for_write(release, data.version, actor)
        if release.state != "reviewing":
            _release_step(release, "review")
        if release.drafted_by_id == actor.pk:
            raise NotPermitted("起草人不能审核自己起草的发布稿。")
        release.state = _release_step(release, "review" if data.approve else "return")
        release.reviewed_by, release.reviewed_at, release.note = actor, timezone.now(), data.note
        release.save()
        record_event(
            "response.release." + ("reviewed" if data.approve else "returned"),
            f"{'审核通过' if data.approve else '退回'}发布稿“{release.title}”",
            target=release,
        )
    return release


def do_approve_release(*, actor, release: Release, data: InfoReleaseDecisionIn) -> Release:
    """审批 by the 局领导 (never the drafter): approve for release, or return."""
    check_rule(actor, "response.release_approve")
    with transaction.atomic():
        release = _release_for_write(release, data.version, actor)
        if release.state != "approving":
            _release_step(release, "approve")
        if release.drafted_by_id == actor.pk:
            raise NotPermitted("起草人不能审批自己起草的发布稿。")
        release.state = _release_step(release, "approve" if data.approve else "return")
        release.note = data.note or release.note
        if data.approve:
            release.approved_by, release.approved_at = actor, timezone.now()
        release.save()
        record_event(
            "response.release." + ("approved" if data.approve else "returned"),
            f"{'批准' if data.approve else '退回'}发布稿“{release.title}”",
            target=release,
        )
    return release


def do_revise_release(*, actor, release: Release, data: InfoReleaseReviseIn) -> Release:
    """The drafter revises a returned draft and submits it for review again."""
    check_rule(actor, "response.release_draft")
    with transaction.atomic():
        release = _release_for_write(release, data.version, actor)
        if release.drafted_by_id != actor.pk:
            raise NotPermitted("只有起草人可以修改被退回的发布稿。")
        release.state = _release_step(release, "revise")
        release.kind, release.title, release.content = data.kind, data.title, data.content
        release.channels = list(dict.fromkeys(data.channels))
        release.reviewed_by = release.reviewed_at = None
        release.save()
        record_event(
            "response.release.revised", f"修改并重新提交发布稿“{release.title}”", target=release
        )
    return release


def do_release_release(*, actor, release: Release, data: InfoReleasePublishIn) -> Release:
    """发布: the one window releases the approved text to every chosen channel at once; it is
    public from now on and never changes."""
    check_rule(actor, "response.release_review")
    with transaction.atomic():
        release = _release_for_write(release, data.version, actor)
        release.state = _release_step(release, "release")
        if not release.approved_at:  # the check constraint says the same
            raise InvalidTransition("未经审批的发布稿不能发布。")
        release.released_by, release.released_at = actor, timezone.now()
        release.save()
        record_event(
            "response.release.released",
            f"发布“{release.title}”({'、'.join(release.channel_labels)})",
            target=release,
        )
    return release


def do_void_release(*, actor, release: Release, data: InfoReleaseVoidIn) -> Release:
    """作废 a text not yet released (the drafter or the window); a released one stays."""
    with transaction.atomic():
        release = _release_for_write(release, data.version, actor)
        if release.drafted_by_id != actor.pk and not allows(actor, "response.release_review"):
            raise NotPermitted("只有起草人或政策法规科、办公室可以作废发布稿。")
        release.state = _release_step(release, "void")
        release.void_reason = data.reason
        release.save()
        record_event(
            "response.release.voided", f"作废发布稿“{release.title}”:{data.reason}", target=release
        )
    return release


# --- 合并事件 ---------------------------------------------------------------------------------


def do_merge_event(*, actor, duplicate: Event, data: MergeIn) -> Event:
    """合并: a duplicate intake (two calls about one fire) is merged into the primary event.
    Its command tasks, joint roster, releases and shift-log entries move to the primary; its
    reports and level changes stay (they are immutable) and the primary lists it. The duplicate
    is marked 已合并 with a link, never deleted. Both events must be ones the actor handles."""
    check_rule(actor, "response.intake")
    handled = restrict(Event.objects.all(), actor, "change")
    primary = handled.filter(number=data.primary).first()
    if primary is None:
        raise ValidationFailed(
            f"主事件“{data.primary}”不存在或不在您的处理范围内。", details={"field": "primary"}
        )
    if duplicate.pk == primary.pk:
        raise ValidationFailed("不能把事件合并到它自己。", details={"field": "primary"})
    with transaction.atomic():
        rows = {
            pk: locked(Event, pk, expected_version=data.version if pk == duplicate.pk else None)
            for pk in sorted((duplicate.pk, primary.pk))  # one lock order: no deadlock
        }
        duplicate, primary = rows[duplicate.pk], rows[primary.pk]
        if not handled.filter(pk=duplicate.pk).exists():
            raise NotPermitted("您无权处理该事件。")
        if duplicate.state != "open" or primary.state != "open":
            raise InvalidTransition("只能合并两个处置中的事件(已终报或已合并的事件不能合并)。")
        if duplicate.response_state == "active":
            raise InvalidTransition("该事件的应急响应尚未终止,请先由带班领导终止后再合并。")
        moved = 0
        for model in (CommandTask, JointDutyMember, Release, ShiftLog):
            for row in model.objects.select_for_update().filter(event=duplicate):
                row.event = primary
                row.save()  # one change record per moved row
                moved += 1
        duplicate.state, duplicate.merged_into = "merged", primary
        duplicate.merged_at, duplicate.merge_reason = timezone.now(), data.reason
        duplicate.next_report_due, duplicate.next_report_label = None, ""
        duplicate.save()
        record_event(
            "response.event.merged",
            f"“{duplicate.number}”合并到“{primary.number}”(转移指令、编组、发布稿、日志{moved}条):"
            f"{data.reason}",
            target=duplicate,
            primary=primary.pk,
            moved=moved,
        )
    return duplicate


# --- 拆分事件 ---------------------------------------------------------------------------------


def do_split_event(*, actor, source: Event, data: SplitIn) -> Event:
    """拆分: part of an event becomes a new one (a second fire reported in the same call). The
    new event is taken like an intake (received at the original's time unless given, so its
    clocks run from the call) and points back at the original (``split_from``); the chosen
    command tasks, joint-roster members and shift-log entries of the original move to it (each
    row saved, so each has its change record), and with ``move_links`` the original's source
    alarm/warning links. Reports stay on the original: they are documents already sent, and a
    casualty correction of the original goes through its next 续报/核报."""
    check_rule(actor, "response.intake")
    handled = restrict(Event.objects.all(), actor, "change")
    if not handled.filter(pk=source.pk).exists():
        raise NotPermitted("您无权处理该事件。")
    chosen = {
        CommandTask: set(data.tasks),
        JointDutyMember: set(data.joint),
        ShiftLog: set(data.logs),
    }
    names = {CommandTask: "指令", JointDutyMember: "联合值守人员", ShiftLog: "值班日志"}
    for model, pks in chosen.items():
        found = set(model.objects.filter(event=source, pk__in=pks).values_list("pk", flat=True))
        if pks - found:
            raise ValidationFailed(
                f"所选{names[model]}不属于原事件:{sorted(pks - found)}。",
                details={
                    "field": {CommandTask: "tasks", JointDutyMember: "joint"}.get(model, "logs")
                },
            )
    event = _new_event(actor, data, received_at=source.received_at)
    with transaction.atomic():
        source = locked(Event, source.pk, expected_version=data.version)
        if source.state != "open":
            raise InvalidTransition("只能拆分处置中的事件(已终报或已合并的事件不能拆分)。")
        event.split_from, event.split_reason = source, data.reason
        if data.move_links and (source.source_alarm_id or source.source_warning_id):
            event.source_alarm_id = event.source_alarm_id or source.source_alarm_id
            event.source_warning_id = event.source_warning_id or source.source_warning_id
            source.source_alarm = source.source_warning = None
            source.save()
        _insert_numbered(event, event.received_at)
        moved = 0
        for model, pks in chosen.items():
            for row in model.objects.select_for_update().filter(event=source, pk__in=pks):
                row.event = event
                row.save()  # one change record per moved row
                moved += 1
        record_event(
            "response.event.split",
            f"从“{source.number}”拆分出“{event.number} {event.title}”"
            f"(转移指令、编组、日志{moved}条):{data.reason}",
            target=source,
            split=event.pk,
            moved=moved,
        )
        ensure_in_scope(actor, event, "add")
    return event
