"""值班与应急响应 in the API: event types, events (intake, reports, clocks, response level,
tasks, review), tasks (sign, answer), the roster and the accident-grade calculator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from yingji.core.api import page
from yingji.core.permissions import get_restricted_or_404
from yingji.core.schemas import FeatureCollection, Input
from yingji.standards import accidents

from . import selectors, services
from .schemas import (
    ActivityDutiesIn,
    ActivityDutyIn,
    ActivityIn,
    ActivityReportIn,
    ActivityRiskIn,
    ActivityTeamIn,
    CommandTemplateIn,
    EventIn,
    EventTypeIn,
    FeedbackIn,
    HazardLinkIn,
    HazardUnlinkIn,
    InfoReleaseDecisionIn,
    InfoReleaseIn,
    InfoReleasePublishIn,
    InfoReleaseReviseIn,
    InfoReleaseVoidIn,
    JointMemberIn,
    LevelIn,
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

router = Router(tags=["值班与应急响应"])


class EventTypeOut(Schema):
    code: str
    name: str
    category: str
    production_safety: bool
    road_or_fire: bool
    active: bool


class ClockOut(Schema):
    label: str
    due: dt.datetime
    met_at: dt.datetime | None
    status: str
    status_label: str
    basis: str


class ReportOut(Schema):
    id: int
    kind: str
    kind_label: str
    seq: int
    submitted_at: dt.datetime
    submitted_by: str
    reported_to: str
    signed_off_by: str
    content: str
    figures: dict
    grade: str
    late_supplement: bool

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_submitted_by(obj):
        return obj.submitted_by.get_full_name() or obj.submitted_by.username


class LevelChangeOut(Schema):
    id: int
    action: str
    level: int | None
    previous: int | None
    decided_by: str
    decided_at: dt.datetime
    reason: str

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by.get_full_name() or obj.decided_by.username


class TaskOut(Schema):
    id: int
    event: int
    event_number: str
    content: str
    assignee: str
    assignee_name: str
    deadline: dt.datetime
    issued_at: dt.datetime
    state: str
    state_label: str
    overdue: bool
    signed_at: dt.datetime | None
    feedback: str
    feedback_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_event(obj):
        return obj.event_id

    @staticmethod
    def resolve_event_number(obj):
        return obj.event.number

    @staticmethod
    def resolve_assignee(obj):
        return obj.assignee.code

    @staticmethod
    def resolve_assignee_name(obj):
        return obj.assignee.name

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_overdue(obj):
        from django.utils import timezone

        return obj.overdue(timezone.now())


class IncidentOut(Schema):
    id: int
    number: str
    title: str
    event_type: str
    event_type_name: str
    category: str
    received_at: dt.datetime
    occurred_at: dt.datetime
    channel: str
    reporter: str
    reporter_phone: str
    place: str
    lon: float | None
    lat: float | None
    region: str
    region_name: str
    enterprise: str | None
    description: str
    measures: str
    deaths: int
    missing: int
    serious_injuries: int
    minor_injuries: int
    trapped: int
    endangered: int
    evacuated: int
    relocated: int
    houses_rooms: int
    houses_households: int
    loss_yuan: Decimal
    grade: str
    grade_label: str
    near_miss: bool
    relief_level: int | None = Field(
        default=None, description="自然灾害:按配置的自然灾害救助响应分级表建议的级别(1=一级)"
    )
    state: str
    response_state: str
    response_level: int | None
    next_report_due: dt.datetime | None
    next_report_label: str
    merged_into: str | None = Field(default=None, description="已合并时:主事件编号")
    split_from: str | None = Field(default=None, description="拆分出的事件:原事件编号")
    version: int

    @staticmethod
    def resolve_merged_into(obj):
        return obj.merged_into.number if obj.merged_into_id else None

    @staticmethod
    def resolve_split_from(obj):
        return obj.split_from.number if obj.split_from_id else None

    @staticmethod
    def resolve_event_type(obj):
        return obj.event_type.code

    @staticmethod
    def resolve_event_type_name(obj):
        return obj.event_type.name

    @staticmethod
    def resolve_category(obj):
        return obj.event_type.category

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.organisation.code if obj.enterprise_id else None

    @staticmethod
    def resolve_grade_label(obj):
        return obj.grade_text


class ReliefLevelOut(Schema):
    level: int | None = Field(description="建议的响应级别,1=一级(最高);未达到为 null")
    label: str
    criteria: list[str] = Field(description="达到的启动条件")
    confidence: str = Field(description="该级门槛的可信度(HIGH/MEDIUM/LOW)")
    unknown: list[str] = Field(description="分级表中未填报的指标")
    table: str = Field(description="所用分级表")


class IncidentDetailOut(IncidentOut):
    relief: ReliefLevelOut | None = Field(default=None, description="自然灾害救助响应建议")
    clocks: list[ClockOut]
    reports: list[ReportOut]
    level_changes: list[LevelChangeOut]

    @staticmethod
    def resolve_relief(obj):
        return selectors.relief_assessment(obj)

    @staticmethod
    def resolve_clocks(obj):
        return selectors.clock_rows(obj)

    @staticmethod
    def resolve_reports(obj):
        return list(obj.reports.select_related("submitted_by"))

    @staticmethod
    def resolve_level_changes(obj):
        return list(obj.level_changes.select_related("decided_by"))


class ReviewOut(Schema):
    id: int
    event: int
    facts: dict
    findings: str
    lessons: str
    actions: list[str]

    @staticmethod
    def resolve_event(obj):
        return obj.event_id

    @staticmethod
    def resolve_actions(obj):
        return [a.content for a in obj.actions.all()]


class ShiftOut(Schema):
    id: int
    organisation: str
    organisation_name: str
    date: dt.date
    shift: str
    leader: str
    officer: str
    liaison: str
    phone: str

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.code

    @staticmethod
    def resolve_organisation_name(obj):
        return obj.organisation.name


class AccidentGradeIn(Input):
    deaths: int = Field(default=0, ge=0, le=1_000_000, title="死亡")
    serious_injuries: int = Field(default=0, ge=0, le=1_000_000, title="重伤(含急性工业中毒)")
    direct_loss_yuan: Decimal = Field(
        default=Decimal(0), ge=0, max_digits=16, decimal_places=2, title="直接经济损失(元)"
    )
    endangered: int = Field(default=0, ge=0, le=1_000_000, title="涉险")
    trapped_or_missing: int = Field(default=0, ge=0, le=1_000_000, title="被困或失踪")
    evacuated: int = Field(default=0, ge=0, le=10_000_000, title="疏散")


class AccidentGradeOut(Schema):
    grade: str
    grade_code: str
    criteria: list[str]
    larger_near_miss: bool
    report_to: str
    investigated_by: str


class EventFilter(Schema):
    state: str | None = None
    region: str | None = None
    category: str | None = None
    grade: str | None = None
    overdue: bool | None = None
    q: str | None = None


def _event(request, event_id: int, action: str = "view"):
    return get_restricted_or_404(
        selectors.visible_events(request.user), request.user, action, pk=event_id
    )


def _task(request, task_id: int):
    return get_restricted_or_404(selectors.visible_tasks(request.user), request.user, pk=task_id)


@router.get("/response/types", response=list[EventTypeOut], summary="突发事件类型")
def list_types(request):
    return list(selectors.event_types(request.user))


@router.post("/response/types", response=EventTypeOut, summary="新增或修改事件类型(系统管理员)")
def save_type(request, payload: EventTypeIn):
    return services.do_save_event_type(actor=request.user, data=payload)


@router.get("/response/events", response=list[IncidentOut], summary="突发事件")
def list_events(
    request,
    response: HttpResponse,
    filters: Query[EventFilter],
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_events(request.user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.region:
        qs = qs.filter(region__path__contains=f"/{filters.region}/")
    if filters.category:
        qs = qs.filter(event_type__category=filters.category)
    if filters.grade:
        qs = qs.filter(grade=filters.grade)
    if filters.overdue:
        qs = qs.filter(selectors.overdue_q())
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    return page(qs.order_by("-received_at", "-pk"), response, limit, offset)


@router.post("/response/events", response={201: IncidentDetailOut}, summary="接报(登记突发事件)")
def take_event(request, payload: EventIn):
    return Status(201, services.do_take_event(actor=request.user, data=payload))


@router.get(
    "/response/events/{event_id}", response=IncidentDetailOut, summary="单个事件(含报告时限)"
)
def get_event(request, event_id: int):
    return _event(request, event_id)


@router.post(
    "/response/events/{event_id}/reports",
    response={201: ReportOut},
    summary="报送首报/电话快报/续报/核报/补报/终报(报送后不可修改)",
)
def submit_report(request, event_id: int, payload: ReportIn):
    event = _event(request, event_id)
    return Status(201, services.do_submit_report(actor=request.user, event=event, data=payload))


@router.post(
    "/response/events/{event_id}/level",
    response={201: LevelChangeOut},
    summary="启动、调整或终止应急响应(带班领导)",
)
def change_level(request, event_id: int, payload: LevelIn):
    event = _event(request, event_id)
    change = services.do_change_response_level(actor=request.user, event=event, data=payload)
    return Status(201, change)


@router.get("/response/events/{event_id}/tasks", response=list[TaskOut], summary="事件的指令")
def event_tasks(request, event_id: int):
    event = _event(request, event_id)
    return list(selectors.visible_tasks(request.user).filter(event=event))


@router.post("/response/events/{event_id}/tasks", response={201: TaskOut}, summary="下达指令")
def issue_task(request, event_id: int, payload: TaskIn):
    event = _event(request, event_id)
    return Status(201, services.do_issue_task(actor=request.user, event=event, data=payload))


@router.post(
    "/response/events/{event_id}/review", response={201: ReviewOut}, summary="复盘(响应终止后)"
)
def write_review(request, event_id: int, payload: ReviewIn):
    event = _event(request, event_id)
    return Status(201, services.do_write_review(actor=request.user, event=event, data=payload))


@router.get("/response/tasks", response=list[TaskOut], summary="指令")
def list_tasks(
    request,
    response: HttpResponse,
    state: str | None = None,
    mine: bool = False,
    overdue: bool = False,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_tasks(request.user)
    if state:
        qs = qs.filter(state=state)
    if mine:
        qs = qs.filter(selectors.mine_q(request.user))
    if overdue:
        qs = qs.filter(selectors.task_overdue_q())
    return page(qs.order_by("deadline", "pk"), response, limit, offset)


@router.post("/response/tasks/{task_id}/sign", response=TaskOut, summary="签收指令(承办单位)")
def sign_task(request, task_id: int, payload: SignIn):
    return services.do_sign_task(actor=request.user, task=_task(request, task_id), data=payload)


@router.post("/response/tasks/{task_id}/feedback", response=TaskOut, summary="反馈指令(承办单位)")
def answer_task(request, task_id: int, payload: FeedbackIn):
    return services.do_answer_task(actor=request.user, task=_task(request, task_id), data=payload)


@router.get("/response/shifts", response=list[ShiftOut], summary="值班表")
def list_shifts(
    request: HttpRequest,
    response: HttpResponse,
    month: str | None = None,
    organisation: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_shifts(request.user)
    if month:
        try:
            first = dt.date.fromisoformat(f"{month}-01")
        except ValueError:
            from ninja.errors import HttpError

            raise HttpError(400, "月份格式应为 年-月(如 2026-11)。") from None
        qs = qs.filter(date__year=first.year, date__month=first.month)
    if organisation:
        qs = qs.filter(organisation__code=organisation)
    return page(qs.order_by("date", "organisation__code", "shift"), response, limit, offset)


@router.post("/response/shifts", response=ShiftOut, summary="排班(新增或调整一个班次)")
def save_shift(request, payload: ShiftIn):
    return services.do_save_shift(actor=request.user, data=payload)


@router.post(
    "/calc/accident-grade",
    response=AccidentGradeOut,
    summary="生产安全事故等级计算(国务院令第493号第三条;原安监总局令第21号第二十六条)",
)
def accident_grade(request, payload: AccidentGradeIn):
    grade = accidents.accident_grade(
        payload.deaths, payload.serious_injuries, payload.direct_loss_yuan
    )
    criteria = []
    for code, deaths, injuries, loss in accidents.GRADE_THRESHOLDS:
        if code != grade:
            continue
        if payload.deaths >= deaths:
            criteria.append(f"死亡{payload.deaths}人(≥{deaths}人)")
        if payload.serious_injuries >= injuries:
            criteria.append(f"重伤{payload.serious_injuries}人(≥{injuries}人)")
        if payload.direct_loss_yuan >= loss:
            criteria.append(f"直接经济损失{payload.direct_loss_yuan}元(≥{loss}元)")
    if not criteria:
        criteria = ["未达到较大事故任一标准"] if grade == "general" else criteria
    return {
        "grade": accidents.GRADE_LABELS[grade].removesuffix("事故"),
        "grade_code": grade,
        "criteria": criteria,
        "larger_near_miss": accidents.is_larger_near_miss(
            payload.endangered, payload.trapped_or_missing, payload.evacuated
        ),
        "report_to": accidents.REPORTED_UP_TO[grade],
        "investigated_by": accidents.INVESTIGATED_BY[grade],
    }


# --- 调班 ------------------------------------------------------------------------------------


class SwapOut(Schema):
    id: int
    organisation: str
    role: str
    role_label: str
    requester: str
    shift_id: int
    shift_date: dt.date
    counterpart: str
    other_shift_id: int
    other_shift_date: dt.date
    reason: str
    state: str
    state_label: str
    decided_by: str | None
    decided_at: dt.datetime | None
    note: str
    version: int

    @staticmethod
    def resolve_organisation(obj):
        return obj.shift.organisation.name

    @staticmethod
    def resolve_role_label(obj):
        return obj.get_role_display()

    @staticmethod
    def resolve_requester(obj):
        return services.person_name(obj.requester)

    @staticmethod
    def resolve_counterpart(obj):
        return services.person_name(obj.counterpart)

    @staticmethod
    def resolve_shift_date(obj):
        return obj.shift.date

    @staticmethod
    def resolve_other_shift_date(obj):
        return obj.other_shift.date

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_decided_by(obj):
        return services.person_name(obj.decided_by) if obj.decided_by_id else None


def _swap(request, swap_id: int):
    return get_restricted_or_404(selectors.visible_swaps(request.user), request.user, pk=swap_id)


@router.get("/response/swaps", response=list[SwapOut], summary="调班申请")
def list_swaps(
    request,
    response: HttpResponse,
    state: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_swaps(request.user)
    if state:
        qs = qs.filter(state=state)
    return page(qs.order_by("-pk"), response, limit, offset)


@router.post("/response/swaps", response={201: SwapOut}, summary="申请调班(本人班次)")
def request_swap(request, payload: SwapRequestIn):
    return Status(201, services.do_request_swap(actor=request.user, data=payload))


@router.post("/response/swaps/{swap_id}/answer", response=SwapOut, summary="对方同意或拒绝调班")
def answer_swap(request, swap_id: int, payload: SwapAnswerIn):
    return services.do_answer_swap(actor=request.user, swap=_swap(request, swap_id), data=payload)


@router.post(
    "/response/swaps/{swap_id}/decide",
    response=SwapOut,
    summary="审批调班(带班领导或应急指挥科科长;批准后值班表调整)",
)
def decide_swap(request, swap_id: int, payload: SwapDecisionIn):
    return services.do_decide_swap(actor=request.user, swap=_swap(request, swap_id), data=payload)


@router.post("/response/swaps/{swap_id}/cancel", response=SwapOut, summary="撤回调班申请")
def cancel_swap(request, swap_id: int, payload: SwapCancelIn):
    return services.do_cancel_swap(actor=request.user, swap=_swap(request, swap_id), data=payload)


# --- 联合值守 ---------------------------------------------------------------------------------


class JointMemberOut(Schema):
    id: int
    post: str
    post_label: str
    group: str
    group_label: str
    department: str
    organisation: str | None
    name: str
    role: str
    role_label: str
    phone: str
    withdrawn_at: dt.datetime | None

    @staticmethod
    def resolve_post_label(obj):
        return obj.get_post_display()

    @staticmethod
    def resolve_group_label(obj):
        return obj.group_label

    @staticmethod
    def resolve_role_label(obj):
        return obj.get_role_display()

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.code if obj.organisation_id else None


@router.get(
    "/response/events/{event_id}/joint", response=list[JointMemberOut], summary="事件的联合值守编组"
)
def joint_members(request, event_id: int):
    event = _event(request, event_id)
    return [
        m
        for post in selectors.joint_roster(event, request.user)
        for g in post["groups"]
        for m in g["members"]
    ]


@router.post(
    "/response/events/{event_id}/joint",
    response={201: JointMemberOut},
    summary="加入联合值守人员(应急响应期间)",
)
def add_joint_member(request, event_id: int, payload: JointMemberIn):
    event = _event(request, event_id)
    return Status(201, services.do_add_joint_member(actor=request.user, event=event, data=payload))


class CommandTemplateRowOut(Schema):
    post: str
    group: str
    group_name: str = ""
    role: str
    org: str | None
    department: str = ""
    label: str


class CommandTemplateOut(Schema):
    code: str
    name: str
    plan_types: list[str]
    rows: list[CommandTemplateRowOut]


@router.get(
    "/response/command-templates",
    response=list[CommandTemplateOut],
    summary="指挥部编组模板(前方/后方指挥部、工作组、职责、机构树中的单位)",
)
def command_templates(request):
    from yingji.core.permissions import check_rule

    check_rule(request.user, "response.open")
    return selectors.command_templates()


@router.get(
    "/response/events/{event_id}/command-templates",
    response=list[CommandTemplateOut],
    summary="本事件可用的编组模板:适用预案的指挥机构工作组(code=plan)在前,其后为平台模板",
)
def event_command_templates(request, event_id: int):
    event = _event(request, event_id)
    return selectors.templates_for(event, request.user)


@router.post(
    "/response/events/{event_id}/joint/template",
    response=list[JointMemberOut],
    summary="按编组模板组建联合值守(应急响应期间;已在编的单位不重复)",
)
def form_command_structure(request, event_id: int, payload: CommandTemplateIn):
    event = _event(request, event_id)
    services.do_form_command_structure(actor=request.user, event=event, data=payload)
    return joint_members(request, event_id)


# --- 重大活动保障 ----------------------------------------------------------------------------


class ActivityDayOut(Schema):
    date: dt.date
    status: str
    summary: str | None = None
    incidents: int | None = None
    issues: str | None = None


class ActivityOut(Schema):
    id: int
    name: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    organiser: str
    command_post: str
    description: str
    state: str
    phase: str
    missing_reports: list[dt.date]
    version: int

    @staticmethod
    def resolve_organiser(obj):
        return obj.organiser.code

    @staticmethod
    def resolve_phase(obj):
        return selectors.activity_phase(obj)

    @staticmethod
    def resolve_missing_reports(obj):
        return selectors.missing_reports(obj)


class ActivityVenueOut(Schema):
    id: int
    name: str
    address: str
    county: str
    lon: float | None
    lat: float | None

    @staticmethod
    def resolve_county(obj):
        return obj.region.code


class ActivityDutyOut(Schema):
    id: int
    date: dt.date
    post: str
    leader: str
    officer: str
    liaison: str
    phone: str


class ActivityRiskOut(Schema):
    id: int
    name: str
    level: str
    venue: str | None
    hazard: str
    measures: str
    owner: str

    @staticmethod
    def resolve_venue(obj):
        return obj.venue.name if obj.venue_id else None

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.code


class ActivityTeamOut(Schema):
    id: int
    team_id_ref: int
    team_name: str
    place: str
    people: int
    note: str


class ActivityDetailOut(ActivityOut):
    venues: list[ActivityVenueOut]
    duties: list[ActivityDutyOut]
    risks: list[ActivityRiskOut]
    teams: list[ActivityTeamOut]
    days: list[ActivityDayOut]

    @staticmethod
    def resolve_venues(obj):
        return list(obj.venues.select_related("region"))

    @staticmethod
    def resolve_duties(obj):
        return list(obj.duties.all())

    @staticmethod
    def resolve_risks(obj):
        return list(obj.risks.select_related("venue", "owner"))

    @staticmethod
    def resolve_teams(obj):
        return list(obj.teams.all())

    @staticmethod
    def resolve_days(obj):
        return [
            {
                "date": d["date"],
                "status": d["status"],
                "summary": d["report"].summary if d["report"] else None,
                "incidents": d["report"].incidents if d["report"] else None,
                "issues": d["report"].issues if d["report"] else None,
            }
            for d in selectors.report_days(obj)
        ]


class ActivityReportOut(Schema):
    id: int
    date: dt.date
    summary: str
    incidents: int
    issues: str
    submitted_at: dt.datetime


def _activity(request, activity_id: int):
    return get_restricted_or_404(
        selectors.visible_activities(request.user), request.user, pk=activity_id
    )


@router.get("/response/activities", response=list[ActivityOut], summary="重大活动保障")
def list_activities(
    request,
    response: HttpResponse,
    missing: bool = False,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_activities(request.user)
    if missing:
        qs = qs.filter(selectors.missing_q(request.user))
    return page(qs.order_by("-starts_on", "-pk"), response, limit, offset)


@router.post("/response/activities", response={201: ActivityDetailOut}, summary="登记重大活动保障")
def create_activity(request, payload: ActivityIn):
    return Status(201, services.do_save_activity(actor=request.user, data=payload))


@router.get(
    "/response/activities/{activity_id}",
    response=ActivityDetailOut,
    summary="单个重大活动(场所、值班、风险点、待命队伍、日报)",
)
def get_activity(request, activity_id: int):
    return _activity(request, activity_id)


@router.put(
    "/response/activities/{activity_id}",
    response=ActivityDetailOut,
    summary="修改重大活动保障(带版本号;已取消的活动不能修改)",
)
def update_activity(request, activity_id: int, payload: ActivityIn):
    activity = _activity(request, activity_id)
    return services.do_save_activity(actor=request.user, data=payload, activity=activity)


@router.post(
    "/response/activities/{activity_id}/venues",
    response={201: ActivityVenueOut},
    summary="增加场所",
)
def add_venue(request, activity_id: int, payload: VenueIn):
    activity = _activity(request, activity_id)
    return Status(201, services.do_add_venue(actor=request.user, activity=activity, data=payload))


@router.post(
    "/response/activities/{activity_id}/duties/import",
    response=list[ActivityDutyOut],
    summary="批量导入活动值班表(同日同岗位则更新;任一行有误则不导入)",
)
def import_duties(request, activity_id: int, payload: ActivityDutiesIn):
    activity = _activity(request, activity_id)
    services.do_import_activity_duties(actor=request.user, activity=activity, rows=payload.rows)
    return list(activity.duties.all())


@router.post(
    "/response/activities/{activity_id}/duties", response={201: ActivityDutyOut}, summary="活动排班"
)
def add_duty(request, activity_id: int, payload: ActivityDutyIn):
    activity = _activity(request, activity_id)
    row = services.do_add_activity_duty(actor=request.user, activity=activity, data=payload)
    return Status(201, row)


@router.post(
    "/response/activities/{activity_id}/risks",
    response={201: ActivityRiskOut},
    summary="登记风险点",
)
def add_risk(request, activity_id: int, payload: ActivityRiskIn):
    activity = _activity(request, activity_id)
    row = services.do_add_activity_risk(actor=request.user, activity=activity, data=payload)
    return Status(201, row)


@router.post(
    "/response/activities/{activity_id}/teams",
    response={201: ActivityTeamOut},
    summary="安排待命队伍(应急资源中的队伍)",
)
def add_team(request, activity_id: int, payload: ActivityTeamIn):
    activity = _activity(request, activity_id)
    row = services.do_add_standby_team(actor=request.user, activity=activity, data=payload)
    return Status(201, row)


@router.post(
    "/response/activities/{activity_id}/reports",
    response={201: ActivityReportOut},
    summary="填报日报(保障期内每天一份)",
)
def submit_activity_report(request, activity_id: int, payload: ActivityReportIn):
    activity = _activity(request, activity_id)
    row = services.do_submit_activity_report(actor=request.user, activity=activity, data=payload)
    return Status(201, row)


# --- 信息发布 (T35) ---------------------------------------------------------------------------


class InfoReleaseOut(Schema):
    id: int
    event: int
    event_number: str
    kind: str
    kind_label: str
    channels: list[str]
    channel_labels: list[str]
    title: str
    content: str
    state: str
    state_label: str
    drafted_by: str
    drafted_org: str | None
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    approved_by: str | None
    approved_at: dt.datetime | None
    released_by: str | None
    released_at: dt.datetime | None
    note: str
    void_reason: str
    version: int

    @staticmethod
    def resolve_event(obj):
        return obj.event_id

    @staticmethod
    def resolve_event_number(obj):
        return obj.event.number

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_drafted_by(obj):
        return services.person_name(obj.drafted_by)

    @staticmethod
    def resolve_drafted_org(obj):
        return obj.drafted_org.name if obj.drafted_org_id else None

    @staticmethod
    def resolve_reviewed_by(obj):
        return services.person_name(obj.reviewed_by) if obj.reviewed_by_id else None

    @staticmethod
    def resolve_approved_by(obj):
        return services.person_name(obj.approved_by) if obj.approved_by_id else None

    @staticmethod
    def resolve_released_by(obj):
        return services.person_name(obj.released_by) if obj.released_by_id else None


class InfoReleaseClockOut(Schema):
    label: str
    due: dt.datetime
    met_at: dt.datetime | None
    status: str
    status_label: str
    basis: str


def _release(request, release_id: int):
    return get_restricted_or_404(
        selectors.visible_releases(request.user), request.user, pk=release_id
    )


@router.get("/response/releases", response=list[InfoReleaseOut], summary="信息发布稿")
def list_releases(
    request,
    response: HttpResponse,
    state: str | None = None,
    event: int | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_releases(request.user)
    if state:
        qs = qs.filter(state=state)
    if event:
        qs = qs.filter(event_id=event)
    return page(qs.order_by("-pk"), response, limit, offset)


@router.get("/response/releases/{release_id}", response=InfoReleaseOut, summary="单个发布稿")
def get_release(request, release_id: int):
    return _release(request, release_id)


@router.get(
    "/response/events/{event_id}/release-clocks",
    response=list[InfoReleaseClockOut],
    summary="事件的信息发布时限(重大/特别重大或Ⅰ、Ⅱ级响应;时限可配置)",
)
def release_clocks(request, event_id: int):
    return selectors.release_clock_rows(_event(request, event_id))


@router.post(
    "/response/events/{event_id}/releases",
    response={201: InfoReleaseOut},
    summary="起草信息发布稿(提交后送政策法规科/办公室审核)",
)
def draft_release(request, event_id: int, payload: InfoReleaseIn):
    event = _event(request, event_id)
    return Status(201, services.do_draft_release(actor=request.user, event=event, data=payload))


@router.post(
    "/response/releases/{release_id}/review",
    response=InfoReleaseOut,
    summary="审核发布稿(政策法规科或办公室;通过或退回)",
)
def review_release(request, release_id: int, payload: InfoReleaseDecisionIn):
    release = _release(request, release_id)
    return services.do_review_release(actor=request.user, release=release, data=payload)


@router.post(
    "/response/releases/{release_id}/approve",
    response=InfoReleaseOut,
    summary="审批发布稿(局领导,起草人除外;批准或退回)",
)
def approve_release(request, release_id: int, payload: InfoReleaseDecisionIn):
    release = _release(request, release_id)
    return services.do_approve_release(actor=request.user, release=release, data=payload)


@router.post(
    "/response/releases/{release_id}/revise",
    response=InfoReleaseOut,
    summary="修改被退回的发布稿并重新提交(起草人)",
)
def revise_release(request, release_id: int, payload: InfoReleaseReviseIn):
    release = _release(request, release_id)
    return services.do_revise_release(actor=request.user, release=release, data=payload)


@router.post(
    "/response/releases/{release_id}/publish",
    response=InfoReleaseOut,
    summary="发布已批准的稿件到全部所选渠道(政策法规科或办公室)",
)
def publish_release(request, release_id: int, payload: InfoReleasePublishIn):
    release = _release(request, release_id)
    return services.do_release_release(actor=request.user, release=release, data=payload)


@router.post(
    "/response/releases/{release_id}/void", response=InfoReleaseOut, summary="作废未发布的发布稿"
)
def void_release(request, release_id: int, payload: InfoReleaseVoidIn):
    release = _release(request, release_id)
    return services.do_void_release(actor=request.user, release=release, data=payload)


# --- 合并事件 ---------------------------------------------------------------------------------


@router.post(
    "/response/events/{event_id}/merge",
    response=IncidentDetailOut,
    summary="把重复接报的事件合并到主事件(转移指令、编组、发布稿、日志;原事件标记已合并)",
)
def merge_event(request, event_id: int, payload: MergeIn):
    event = _event(request, event_id)
    return services.do_merge_event(actor=request.user, duplicate=event, data=payload)


@router.post(
    "/response/events/{event_id}/split",
    response={201: IncidentDetailOut},
    summary="拆分事件:从本事件拆分出新事件(可转移所选指令、联合值守人员、值班日志;报告保留在原事件)",
)
def split_event(request, event_id: int, payload: SplitIn):
    event = _event(request, event_id)
    return Status(201, services.do_split_event(actor=request.user, source=event, data=payload))


# --- maps -------------------------------------------------------------------------------------


@router.get(
    "/response/geojson",
    response=FeatureCollection,
    summary="处置中的突发事件图层(GeoJSON;按响应级别或事故等级着色)",
)
def events_geojson(request, district: str | None = None):
    from yingji.geo.spatial import cached_layer

    from .models import CommandTask, Event

    filters = {"district": district}
    return cached_layer(
        "response.events",
        request,
        filters,
        (Event, CommandTask),
        lambda: selectors.event_features(request.user, filters),
    )


# --- 自然灾害救助响应分级 (calculator) ---------------------------------------------------------


class DisasterLevelIn(Input):
    deaths: int = Field(default=0, ge=0, le=1_000_000, title="死亡")
    missing: int = Field(default=0, ge=0, le=1_000_000, title="失踪")
    relocated: int | None = Field(
        default=None, ge=0, le=100_000_000, title="紧急转移安置和需紧急生活救助(人)"
    )
    houses_rooms: int | None = Field(
        default=None, ge=0, le=100_000_000, title="倒塌和严重损坏房屋(间)"
    )
    houses_households: int | None = Field(
        default=None, ge=0, le=100_000_000, title="倒塌和严重损坏房屋(户)"
    )
    drought_aid: int | None = Field(default=None, ge=0, le=100_000_000, title="干旱需政府救助人数")
    drought_share_pct: float | None = Field(
        default=None, ge=0, le=100, allow_inf_nan=False, title="干旱需政府救助人数占农牧业人口(%)"
    )


@router.post(
    "/calc/disaster-level",
    response=ReliefLevelOut,
    summary="自然灾害救助应急响应级别计算(国家自然灾害救助应急预案;分级表可配置)",
)
def disaster_level(request, payload: DisasterLevelIn):
    from . import grading

    return grading.assess(payload.model_dump())


# --- 事件关联隐患 / 报告超时提醒 -----------------------------------------------------------------


class HazardLinkOut(Schema):
    id: int
    event: int
    hazard: int
    hazard_code: str
    hazard_subject: str
    note: str
    linked_by: str
    linked_at: dt.datetime
    removed_at: dt.datetime | None

    @staticmethod
    def resolve_event(obj):
        return obj.event_id

    @staticmethod
    def resolve_hazard(obj):
        return obj.hazard_id

    @staticmethod
    def resolve_hazard_code(obj):
        return obj.hazard.code

    @staticmethod
    def resolve_hazard_subject(obj):
        return obj.hazard.subject

    @staticmethod
    def resolve_linked_by(obj):
        return obj.linked_by.get_full_name() or obj.linked_by.username


class EscalationOut(Schema):
    id: int
    deadline: str
    due_at: dt.datetime
    organisation: str
    leader_name: str
    recipients: list[str]
    notified_at: dt.datetime
    note: str

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.name

    @staticmethod
    def resolve_recipients(obj):
        return [u.get_full_name() or u.username for u in obj.recipients.all()]


@router.get(
    "/response/events/{event_id}/hazards", response=list[HazardLinkOut], summary="事件关联的隐患"
)
def list_hazard_links(request, event_id: int):
    from . import hazard_links

    return list(hazard_links.active_links(_event(request, event_id), request.user))


@router.post(
    "/response/events/{event_id}/hazards", response={201: HazardLinkOut}, summary="关联隐患"
)
def link_hazard(request, event_id: int, payload: HazardLinkIn):
    from . import hazard_links

    event = _event(request, event_id)
    return Status(201, hazard_links.do_link_hazard(actor=request.user, event=event, data=payload))


@router.post(
    "/response/hazard-links/{link_id}/remove", response=HazardLinkOut, summary="解除关联隐患"
)
def unlink_hazard(request, link_id: int, payload: HazardUnlinkIn):
    from yingji.core.permissions import restrict

    from . import hazard_links
    from .models import EventHazard

    link = get_restricted_or_404(
        restrict(EventHazard.objects.all(), request.user), request.user, pk=link_id
    )
    return hazard_links.do_unlink_hazard(actor=request.user, link=link, data=payload)


@router.get(
    "/response/events/{event_id}/escalations",
    response=list[EscalationOut],
    summary="报告超时提醒(已提醒的带班领导)",
)
def list_escalations(request, event_id: int):
    from . import escalations

    return list(escalations.for_event(_event(request, event_id), request.user))
