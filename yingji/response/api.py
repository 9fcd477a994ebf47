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
from yingji.core.schemas import Input
from yingji.standards import accidents

from . import selectors, services
from .schemas import (
    EventIn,
    EventTypeIn,
    FeedbackIn,
    LevelIn,
    ReportIn,
    ReviewIn,
    ShiftIn,
    SignIn,
    TaskIn,
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
    loss_yuan: Decimal
    grade: str
    grade_label: str
    near_miss: bool
    state: str
    response_state: str
    response_level: int | None
    next_report_due: dt.datetime | None
    next_report_label: str
    version: int

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


class IncidentDetailOut(IncidentOut):
    clocks: list[ClockOut]
    reports: list[ReportOut]
    level_changes: list[LevelChangeOut]

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
