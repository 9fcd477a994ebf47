"""值班与应急响应 pages: the event list and intake, an event (clocks, reports, response level,
tasks, review, timeline), the task list and a task, the monthly roster (export and import), a
shift (log and handover) and the event types. Thin: fetch through restrict(), one service."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.errors import ValidationFailed
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, can, get_restricted_or_404, requires, restrict
from yingji.core.schemas import summary, validate
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, download, form_input, run_service
from yingji.standards import response_levels

from . import escalations, extras, hazard_links, joint_duty, selectors, services
from .choices import (
    ACTIVITY_KINDS,
    CATEGORIES,
    CHANNELS,
    COMMAND_GROUPS,
    COMMAND_POSTS,
    EVENT_STATES,
    GRADES,
    JOINT_ROLES,
    RELEASE_CHANNELS,
    RELEASE_KINDS,
    RELEASE_STATES,
    RESPONSE_STATES,
    RISK_LEVELS,
    SHIFTS,
    SWAP_STATES,
    TASK_STATES,
)
from .models import EventHazard, JointDutyMember, ReviewAction
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
    HazardLinkIn,
    HazardUnlinkIn,
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

FIGURE_KEYS = (*services.FIGURES, "loss_yuan")


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _overdue_where(value, user):
    if value not in ("1", "true"):
        raise ValueError(value)
    return selectors.overdue_q()


EVENT_SPEC = ListSpec(
    columns=[
        Column("number", "事件编号", link=True),
        Column("title", "事件名称"),
        Column("event_type__name", "事件类型"),
        Column("region__name", "县区"),
        Column("received_at", "接报时间", value=lambda e: _when(e.received_at), sortable=False),
        Column("grade", "事故等级", sortable=False, value=lambda e: e.grade_text),
        Column("deaths", "死亡"),
        Column("serious_injuries", "重伤"),
        Column(
            "response_level",
            "应急响应",
            sortable=False,
            value=lambda e: (
                f"{response_levels.level_label(e.response_level)}({e.get_response_state_display()})"
                if e.response_state != "none"
                else "未启动"
            ),
        ),
        Column(
            "next_report_due",
            "下次报告时限",
            sortable=False,
            value=lambda e: (
                f"{e.next_report_label} {_when(e.next_report_due)}"
                + ("(已超时)" if e.next_report_due < timezone.now() else "")
                if e.next_report_due
                else ""
            ),
        ),
        Column("state", "状态"),
    ],
    filters={
        "state": Filter("状态", "state", choices=EVENT_STATES),
        "category": Filter("类别", "event_type__category", choices=CATEGORIES),
        "grade": Filter("事故等级", "grade", choices=GRADES),
        "response": Filter("应急响应", "response_state", choices=RESPONSE_STATES),
        "region": Filter("县区(编码)", "region__code"),
        "overdue": Filter(
            "报告超时", "next_report_due", choices=[("1", "已超时")], where=_overdue_where
        ),
    },
    search=("number", "title", "place"),
    default_sort="-number",
)


def _mine_where(value, user):
    if value not in ("1", "true"):
        raise ValueError(value)
    return selectors.mine_q(user)


def _task_overdue_where(value, user):
    if value not in ("1", "true"):
        raise ValueError(value)
    return selectors.task_overdue_q()


TASK_SPEC = ListSpec(
    columns=[
        Column("pk", "编号", link=True),
        Column("event__number", "事件编号"),
        Column("content", "指令内容", sortable=False, value=lambda t: t.content[:60]),
        Column("assignee__name", "承办单位"),
        Column("deadline", "完成时限", value=lambda t: _when(t.deadline), sortable=False),
        Column("state", "状态"),
        Column(
            "overdue",
            "超时",
            sortable=False,
            value=lambda t: "已超时" if t.overdue(timezone.now()) else "",
        ),
    ],
    filters={
        "state": Filter("状态", "state", choices=TASK_STATES),
        "mine": Filter("本单位承办", "assignee", choices=[("1", "是")], where=_mine_where),
        "overdue": Filter(
            "超时未办结", "deadline", choices=[("1", "是")], where=_task_overdue_where
        ),
    },
    search=("content", "event__number"),
    default_sort="deadline",
)


@requires("response.open")
def events(request):
    escalations.sweep_if_due()
    return render_list(
        request,
        selectors.visible_events(request.user),
        EVENT_SPEC,
        "response/events.html",
        "突发事件",
    )


@requires("response.intake")
def intake(request):
    from yingji.geo.models import Region

    values = {}
    if request.method == "GET":
        values = _prefill(request)
    if request.method == "POST":
        values = request.POST
        data = form_input(request, EventIn)
        if data is not None:
            event = run_service(
                request,
                lambda: services.do_take_event(actor=request.user, data=data),
                "已登记接报。",
            )
            if event:
                return redirect(event)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return render(
        request,
        "response/intake.html",
        {
            "title": "接报登记",
            "types": selectors.event_types(request.user).filter(active=True),
            "counties": Region.objects.filter(level="county").order_by("code"),
            "values": values,
            "figures": {k: values.get(k) or 0 for k in FIGURE_KEYS},
            "channels": CHANNELS,
            "now": now,
        },
    )


def _prefill(request) -> dict:
    """立为事件: the intake form filled from a monitoring alarm or a warning the user may see
    (read through those apps' selectors)."""
    values: dict = {}
    now = timezone.localtime()
    alarm_id, warning_id = request.GET.get("alarm", ""), request.GET.get("warning", "")
    if alarm_id.isdigit():
        from yingji.monitoring.selectors import visible_alarms

        alarm = (
            visible_alarms(request.user)
            .select_related("station__region", "rule")
            .filter(pk=int(alarm_id))
            .first()
        )
        if alarm is not None:
            station = alarm.station
            values = {
                "source_alarm": alarm.pk,
                "title": f"{station.name}{alarm.rule.name}({alarm.get_level_display()})",
                "channel": "alarm",
                "place": station.name,
                "lon": station.lon,
                "lat": station.lat,
                "county": station.region.code if station.region.level == "county" else "",
                "occurred_at": timezone.localtime(alarm.raised_at).strftime("%Y-%m-%dT%H:%M"),
                "description": (
                    f"监测告警#{alarm.pk}:{station.name} {alarm.rule.name},"
                    f"{alarm.get_level_display()},统计值{alarm.value},"
                    f"发生于{timezone.localtime(alarm.raised_at):%m月%d日 %H:%M}。"
                ),
            }
    elif warning_id.isdigit():
        from yingji.warnings.selectors import visible_warnings

        warning = visible_warnings(request.user).filter(pk=int(warning_id)).first()
        if warning is not None:
            county = warning.regions.filter(level="county").order_by("code").first()
            values = {
                "source_warning": warning.pk,
                "title": warning.headline[:200],
                "channel": "alarm",
                "place": "、".join(r.name for r in warning.regions.all()[:5]) or "本市",
                "county": county.code if county else "",
                "occurred_at": timezone.localtime(warning.effective).strftime("%Y-%m-%dT%H:%M"),
                "description": warning.description,
            }
    if values and values["occurred_at"] > now.strftime("%Y-%m-%dT%H:%M"):
        values["occurred_at"] = now.strftime("%Y-%m-%dT%H:%M")
    return values


@login_required
def event_detail(request, pk):
    escalations.sweep_if_due()
    event = get_restricted_or_404(selectors.visible_events(request.user), request.user, pk=pk)
    user = request.user
    handles = allows(user, "response.intake") and can(user, event, "change")
    review = getattr(event, "review", None) if hasattr(event, "review") else None
    from yingji.orgs.models import Organisation

    return render(
        request,
        "response/event.html",
        {
            "title": str(event),
            "object": event,
            "clocks": selectors.clock_rows(event),
            "supplement_until": selectors.supplement_until(event),
            "reports": event.reports.select_related("submitted_by"),
            "levels": event.level_changes.select_related("decided_by"),
            "tasks": selectors.visible_tasks(user).filter(event=event),
            "timeline": selectors.timeline(event, user),
            "review": review,
            "enterprise_url": _enterprise_url(user, event),
            "doable": set(
                restrict(ReviewAction.objects.filter(review=review), user, "change").values_list(
                    "pk", flat=True
                )
            )
            if review
            else set(),
            "handles": handles and event.state == "open",
            "can_review": handles and event.response_state != "active" and review is None,
            "can_decide": allows(user, "response.decide_level") and event.response_state != "ended",
            "suggested": response_levels.level_label(response_levels.suggested_level(event.grade)),
            "level_choices": response_levels.LEVEL_LABELS.items(),
            "plan_levels": selectors.plan_levels(event, user)
            if allows(user, "response.decide_level") and event.response_state != "ended"
            else None,
            "orgs": Organisation.objects.exclude(kind="enterprise")
            .filter(is_active=True)
            .order_by("path"),
            "now": timezone.now(),
            "figures": {k: getattr(event, k) for k in FIGURE_KEYS},
            "joint": selectors.joint_roster(event, user),
            "joint_periods": joint_duty.visible_periods(user).filter(event=event),
            "joint_open": handles and event.response_state == "active",
            "command_templates": selectors.templates_for(event, user)
            if handles and event.response_state == "active"
            else [],
            "post_choices": COMMAND_POSTS,
            "group_choices": [g for g in COMMAND_GROUPS if g[0] != "other"],  # plans only
            "joint_roles": JOINT_ROLES,
            "sources": selectors.event_sources(event, user),
            "cases": selectors.typical_cases(event, user),
            "releases": selectors.visible_releases(user).filter(event=event),
            "event_map": selectors.event_map(
                event, user, selectors.map_radius(request.GET.get("radius"))
            ),
            "duplicates": selectors.visible_events(user).filter(merged_into=event),
            "merged_into_url": event.merged_into.get_absolute_url()
            if event.merged_into_id
            and selectors.visible_events(user).filter(pk=event.merged_into_id).exists()
            else None,
            "split_events": selectors.visible_events(user).filter(split_from=event),
            "split_from_url": event.split_from.get_absolute_url()
            if event.split_from_id
            and selectors.visible_events(user).filter(pk=event.split_from_id).exists()
            else None,
            "can_merge": handles and event.state == "open" and event.response_state != "active",
            "release_clocks": selectors.release_clock_rows(event),
            "supply_requests": selectors.event_requests(event, user),
            "can_request_supplies": allows(user, "resources.request") and event.state == "open",
            "supply_prefill": urlencode(selectors.supply_request_prefill(event))
            if allows(user, "resources.request") and event.state == "open"
            else "",
            "can_draft_release": allows(user, "response.release_draft"),
            "release_kinds": RELEASE_KINDS,
            "release_channels": RELEASE_CHANNELS,
            "report_kinds": [
                ("first", "首报"),
                ("phone", "电话快报"),
                ("follow_up", "续报"),
                ("verified", "核报"),
                ("supplement", "补报"),
                ("final", "终报"),
            ],
            **extras.event_page(request, event, handles and event.state == "open"),
            **record_extras(request, event),
        },
    )


def _enterprise_url(user, event) -> str | None:
    """The enterprise's page, when the user may open it (a county sees events in its county
    about enterprises another level supervises)."""
    if not event.enterprise_id:
        return None
    from yingji.enterprises.selectors import visible_enterprises

    if visible_enterprises(user).filter(pk=event.enterprise_id).exists():
        return event.enterprise.get_absolute_url()
    return None


submit_report = action_view(
    fetch=selectors.visible_events,
    schema=ReportIn,
    call=lambda user, event, data: services.do_submit_report(actor=user, event=event, data=data),
    success="报告已报送(报送后不可修改)。",
)

change_level = action_view(
    fetch=selectors.visible_events,
    schema=LevelIn,
    call=lambda user, event, data: services.do_change_response_level(
        actor=user, event=event, data=data
    ),
    success="已记录应急响应决定。",
)

issue_task = action_view(
    fetch=selectors.visible_events,
    schema=TaskIn,
    call=lambda user, event, data: services.do_issue_task(actor=user, event=event, data=data),
    success="已下达指令。",
)


@login_required
@require_POST
def write_review(request, pk):
    event = get_restricted_or_404(selectors.visible_events(request.user), request.user, pk=pk)
    post = request.POST
    actions = [
        {"content": c, "owner": o, "due_on": d}
        for c, o, d in zip(
            post.getlist("a_content"), post.getlist("a_owner"), post.getlist("a_due"), strict=False
        )
        if c.strip()
    ]
    parsed = validate(
        ReviewIn,
        {
            "findings": post.get("findings", ""),
            "lessons": post.get("lessons", ""),
            "actions": actions,
        },
    )
    if not parsed.ok:
        from django.contrib import messages

        messages.error(request, summary(parsed.errors))
    else:
        run_service(
            request,
            lambda: services.do_write_review(actor=request.user, event=event, data=parsed.data),
            "已保存复盘。",
        )
    return redirect(event)


complete_action = action_view(
    fetch=lambda user: ReviewAction.objects.all(),
    schema=ActionDoneIn,
    call=lambda user, action, data: services.do_complete_action(
        actor=user, action=action, data=data
    ),
    success="整改措施已完成。",
)


@requires("response.open")
def tasks(request):
    return render_list(
        request, selectors.visible_tasks(request.user), TASK_SPEC, "response/tasks.html", "指令"
    )


@login_required
def task_detail(request, pk):
    task = get_restricted_or_404(selectors.visible_tasks(request.user), request.user, pk=pk)
    return render(
        request,
        "response/task.html",
        {
            "title": f"指令 #{task.pk}",
            "object": task,
            "overdue": task.overdue(timezone.now()),
            "can_answer": can(request.user, task, "approve") and task.state in ("issued", "signed"),
            **record_extras(request, task),
        },
    )


sign_task = action_view(
    fetch=selectors.visible_tasks,
    schema=SignIn,
    call=lambda user, task, data: services.do_sign_task(actor=user, task=task, data=data),
    success="已签收指令。",
)

answer_task = action_view(
    fetch=selectors.visible_tasks,
    schema=FeedbackIn,
    call=lambda user, task, data: services.do_answer_task(actor=user, task=task, data=data),
    success="已反馈指令。",
)


# --- roster ---------------------------------------------------------------------------------

ROSTER_HEADER = [
    "日期",
    "班次",
    "值班单位编码",
    "值班单位",
    "带班领导",
    "值班员",
    "联络员",
    "值班电话",
]
SHIFT_LABELS = dict(SHIFTS)
SHIFT_CODES = {str(v): k for k, v in SHIFTS}


def _month(request) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(f"{raw}-01") if raw else timezone.localdate().replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _duty_orgs():
    from yingji.orgs.models import Organisation

    return Organisation.objects.filter(kind__in=("bureau", "county_bureau")).order_by("path")


@requires("response.open")
def roster(request):
    month = _month(request)
    org_code = request.GET.get("org", "LZYJJ")
    orgs = list(_duty_orgs())
    org = next((o for o in orgs if o.code == org_code), orgs[0] if orgs else None)
    shifts = selectors.visible_shifts(request.user).filter(
        organisation=org, date__year=month.year, date__month=month.month
    )
    if request.GET.get("export") == "xlsx":
        return _export(shifts, month, org)
    from yingji.calendars.selectors import work_calendar

    calendar = work_calendar()
    by_day: dict = {}
    for s in shifts:
        by_day.setdefault(s.date, []).append(s)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    days = []
    d = month
    while d < next_month:
        days.append(
            {
                "date": d,
                "workday": calendar.is_workday(d),
                "today": d == timezone.localdate(),
                "shifts": by_day.get(d, []),
            }
        )
        d += dt.timedelta(days=1)
    joint_periods = (
        joint_duty.periods_of_unit(request.user, org, month, next_month - dt.timedelta(days=1))
        if org is not None
        else []
    )
    for day in days:
        day["joint"] = [p for p in joint_periods if p.first_day <= day["date"] <= p.last_day]
    can_edit = allows(request.user, "response.roster_edit") and (
        org is not None and _can_edit_org(request.user, org)
    )
    return render(
        request,
        "response/roster.html",
        {
            "title": f"值班表 {month:%Y年%m月}",
            "month": month,
            "prev": (month - dt.timedelta(days=1)).strftime("%Y-%m"),
            "next": next_month.strftime("%Y-%m"),
            "org": org,
            "orgs": orgs,
            "days": days,
            "can_edit": can_edit,
            "joint_periods": joint_periods,
            "visible_event_ids": set(
                selectors.visible_events(request.user)
                .filter(pk__in=[p.event_id for p in joint_periods])
                .values_list("pk", flat=True)
            ),
        },
    )


def _can_edit_org(user, org) -> bool:
    from yingji.core.permissions import scope_of

    scope = scope_of(user)
    if scope.is_admin or scope.has_role("city_staff", "duty_officer"):
        return True
    return "county_staff" in scope.roles and org.pk in scope.org_ids


def _export(shifts, month, org):
    from openpyxl import Workbook

    from yingji.core.cells import xlsx_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("值班表")
    ws.append(ROSTER_HEADER)
    for s in shifts:
        ws.append(
            xlsx_row(
                ws,
                [
                    s.date.isoformat(),
                    SHIFT_LABELS[s.shift],
                    s.organisation.code,
                    s.organisation.name,
                    s.leader,
                    s.officer,
                    s.liaison,
                    s.phone,
                ],
            )
        )
    out = io.BytesIO()
    wb.save(out)
    return download(out.getvalue(), f"值班表-{org.name if org else ''}-{month:%Y-%m}.xlsx")


def parse_sheet(data: bytes, *, what: str, width: int, row_data) -> list:
    """The rows of an exported roster workbook (the monthly roster or an activity's) as the
    service's input: ``row_data(cells) -> (schema, dict)`` for each non-empty row. Every bad row
    is named (第N行) in one ValidationFailed, so nothing is imported from a file with an error."""
    from yingji.core.uploads import open_xlsx, sheet_rows

    wb = open_xlsx(data, unreadable=f"无法读取该文件,请上传由本系统导出的{what} .xlsx。")
    ws = wb.worksheets[0]
    rows, problems = [], []
    for i, row in enumerate(sheet_rows(ws, max_cols=width, min_row=2), start=2):
        cells = [
            ("" if v is None else str(v).strip()) for v in (list(row) + [None] * width)[:width]
        ]
        if not any(cells):
            continue
        schema, values = row_data(cells)
        parsed = validate(schema, values)
        if parsed.ok:
            rows.append(parsed.data)
        else:
            problems.append(f"第{i}行:{summary(parsed.errors)}")
    if problems:
        raise ValidationFailed(
            f"{what}有误,未导入任何一行:" + ";".join(problems[:20]), details={"rows": problems}
        )
    if not rows:
        raise ValidationFailed(f"文件中没有{what}记录。")
    return rows


def parse_roster(data: bytes) -> list[ShiftIn]:
    """The rows of a roster workbook as ShiftIn; ValidationFailed naming every bad row."""
    return parse_sheet(
        data,
        what="值班表",
        width=8,
        row_data=lambda cells: (
            ShiftIn,
            {
                "date": cells[0][:10],
                "shift": SHIFT_CODES.get(cells[1], cells[1] or "all"),
                "organisation": cells[2],
                "leader": cells[4],
                "officer": cells[5],
                "liaison": cells[6],
                "phone": cells[7],
            },
        ),
    )


ACTIVITY_ROSTER_HEADER = ["日期", "岗位/地点", "带班领导", "值班员", "联络员", "值班电话"]


def parse_activity_roster(data: bytes) -> list[ActivityDutyIn]:
    """An activity's roster workbook (as exported from its page) as ActivityDutyIn rows."""
    return parse_sheet(
        data,
        what="活动值班表",
        width=6,
        row_data=lambda cells: (
            ActivityDutyIn,
            dict(zip(("date", "post", "leader", "officer", "liaison", "phone"), cells, strict=True))
            | {"date": cells[0][:10]},
        ),
    )


@requires("response.roster_edit")
@require_POST
def roster_import(request):
    from yingji.core.uploads import read_upload

    upload = request.FILES.get("file")
    back = reverse("response:roster") + "?" + request.GET.urlencode()
    if upload is None:
        from django.contrib import messages

        messages.error(request, "请选择要导入的值班表文件。")
        return redirect(back)
    run_service(
        request,
        lambda: services.do_import_roster(
            actor=request.user, rows=parse_roster(read_upload(upload, extensions=(".xlsx",)))
        ),
        "已导入值班表。",
    )
    return redirect(back)


@requires("response.roster_edit")
@require_POST
def shift_save(request):
    data = form_input(request, ShiftIn)
    if data is not None:
        run_service(
            request, lambda: services.do_save_shift(actor=request.user, data=data), "已保存班次。"
        )
    month = request.POST.get("date", "")[:7]
    org = request.POST.get("organisation", "")
    return redirect(reverse("response:roster") + f"?month={month}&org={org}")


@login_required
def shift_detail(request, pk):
    shift = get_restricted_or_404(selectors.visible_shifts(request.user), request.user, pk=pk)
    before = services.previous_shift(shift)
    pending = (
        before.logs.filter(open_item=True, acknowledged_at__isnull=True)
        if before and before.handed_over_at
        else []
    )
    return render(
        request,
        "response/shift.html",
        {
            "title": str(shift),
            "object": shift,
            "logs": shift.logs.select_related("written_by", "acknowledged_by", "event"),
            "before": before,
            "pending": pending,
            "joint_periods": joint_duty.periods_of_unit(
                request.user, shift.organisation, shift.date, shift.date
            ),
            "can_write": allows(request.user, "response.roster_edit")
            and can(request.user, shift, "change"),
            "can_swap": allows(request.user, "response.roster_edit")
            and not shift.handed_over_at
            and shift.date >= timezone.localdate()
            and services.person_name(request.user) in (shift.leader, shift.officer, shift.liaison),
            **record_extras(request, shift),
        },
    )


def _shift_action(call, success):
    return action_view(
        fetch=selectors.visible_shifts,
        schema=HandoverIn if call is not services.do_write_log else LogIn,
        call=lambda user, shift, data: call(actor=user, shift=shift, data=data),
        success=success,
    )


write_log = _shift_action(services.do_write_log, "已记录值班日志。")
hand_over = _shift_action(services.do_hand_over, "已交班。")
take_over = _shift_action(services.do_take_over, "已接班,上一班待办已确认。")


@requires("response.open")
def types(request):
    is_admin = can_admin_types(request.user)
    if request.method == "POST" and is_admin:
        data = form_input(request, EventTypeIn)
        if data is not None:
            run_service(
                request,
                lambda: services.do_save_event_type(actor=request.user, data=data),
                "已保存事件类型。",
            )
        return redirect("response:types")
    return render(
        request,
        "response/types.html",
        {
            "title": "突发事件类型",
            "types": selectors.event_types(request.user),
            "is_admin": is_admin,
            "categories": CATEGORIES,
        },
    )


def can_admin_types(user) -> bool:
    from yingji.core.permissions import scope_of

    return scope_of(user).is_admin


# --- .docx -----------------------------------------------------------------------------------


@login_required
def report_docx(request, pk):
    """An event's 信息报告 as .docx: one submitted report (?report=) or a draft of the next."""
    from . import documents

    event = get_restricted_or_404(selectors.visible_events(request.user), request.user, pk=pk)
    report = None
    raw = request.GET.get("report", "")
    if raw:
        report = event.reports.filter(pk=int(raw) if raw.isdigit() else 0).first()
        if report is None:
            from django.http import Http404

            raise Http404("报告不存在。")
    name = f"{event.number}-{report.get_kind_display() if report else '信息报告草稿'}"
    return download(documents.event_report_docx(event, report), f"{name}.docx")


@login_required
def shift_docx(request, pk):
    from . import documents

    shift = get_restricted_or_404(selectors.visible_shifts(request.user), request.user, pk=pk)
    return download(
        documents.shift_sheet_docx(shift),
        f"值班日志-{shift.organisation.name}-{shift.date:%Y-%m-%d}.docx",
    )


# --- 联合值守 ---------------------------------------------------------------------------------

add_joint_member = action_view(
    fetch=selectors.visible_events,
    schema=JointMemberIn,
    call=lambda user, event, data: services.do_add_joint_member(actor=user, event=event, data=data),
    success="已加入联合值守。",
)

form_command_structure = action_view(
    fetch=selectors.visible_events,
    schema=CommandTemplateIn,
    call=lambda user, event, data: services.do_form_command_structure(
        actor=user, event=event, data=data
    ),
    success=lambda event, data, added: f"已按模板编组,新增{added}人(已在编的单位不重复)。",
)

withdraw_joint_member = action_view(
    fetch=lambda user: restrict(JointDutyMember.objects.all(), user),
    schema=JointWithdrawIn,
    call=lambda user, member, data: services.do_withdraw_joint_member(
        actor=user, member=member, data=data
    ),
    success="已记录撤离。",
)


# --- 调班 -------------------------------------------------------------------------------------

SWAP_SPEC = ListSpec(
    columns=[
        Column("pk", "编号", link=True),
        Column("shift__organisation__name", "值班单位"),
        Column("role", "岗位"),
        Column(
            "requester", "申请人", sortable=False, value=lambda w: services.person_name(w.requester)
        ),
        Column("shift__date", "申请人班次", value=lambda w: f"{w.shift.date:%Y-%m-%d}"),
        Column(
            "counterpart",
            "对方",
            sortable=False,
            value=lambda w: services.person_name(w.counterpart),
        ),
        Column("other_shift__date", "对方班次", value=lambda w: f"{w.other_shift.date:%Y-%m-%d}"),
        Column("state", "状态"),
    ],
    filters={"state": Filter("状态", "state", choices=SWAP_STATES)},
    search=("reason",),
    default_sort="-pk",
)


@requires("response.open")
def swaps(request):
    return render_list(
        request, selectors.visible_swaps(request.user), SWAP_SPEC, "response/swaps.html", "调班申请"
    )


@requires("response.roster_edit")
def swap_new(request):
    """调班申请: from one's own shift (?shift=) to another shift of the same roster."""
    mine = selectors.visible_shifts(request.user).filter(pk=request.GET.get("shift") or 0).first()
    if request.method == "POST":
        data = form_input(request, SwapRequestIn)
        if data is not None:
            swap = run_service(
                request,
                lambda: services.do_request_swap(actor=request.user, data=data),
                "已提交调班申请,等待对方同意。",
            )
            if swap:
                return redirect(swap)
        return redirect(reverse("response:swap_new") + f"?shift={request.POST.get('shift', '')}")
    if mine is None:
        from django.contrib import messages

        messages.error(request, "请从值班表中选择自己的班次申请调班。")
        return redirect("response:roster")
    others = (
        selectors.visible_shifts(request.user)
        .filter(organisation=mine.organisation, date__gte=timezone.localdate())
        .exclude(pk=mine.pk)
        .filter(handed_over_at__isnull=True)
        .order_by("date", "shift")[:62]
    )
    names = {n for s in others for n in (s.leader, s.officer, s.liaison) if n}
    from django.contrib.auth import get_user_model

    people = [
        u
        for u in get_user_model().objects.filter(is_active=True).exclude(pk=request.user.pk)
        if services.person_name(u) in names
    ]
    return render(
        request,
        "response/swap_new.html",
        {
            "title": "申请调班",
            "mine": mine,
            "others": others,
            "people": people,
            "me": services.person_name(request.user),
        },
    )


@login_required
def swap_detail(request, pk):
    swap = get_restricted_or_404(selectors.visible_swaps(request.user), request.user, pk=pk)
    user = request.user
    return render(
        request,
        "response/swap.html",
        {
            "title": f"调班申请 #{swap.pk}",
            "object": swap,
            "requester": services.person_name(swap.requester),
            "counterpart": services.person_name(swap.counterpart),
            "can_answer": swap.state == "requested" and swap.counterpart_id == user.pk,
            "can_decide": swap.state == "accepted"
            and allows(user, "response.approve_swap")
            and user.pk not in (swap.requester_id, swap.counterpart_id),
            "can_cancel": swap.state in ("requested", "accepted") and swap.requester_id == user.pk,
            **record_extras(request, swap),
        },
    )


answer_swap = action_view(
    fetch=selectors.visible_swaps,
    schema=SwapAnswerIn,
    call=lambda user, swap, data: services.do_answer_swap(actor=user, swap=swap, data=data),
    success=lambda swap, data, result: "已同意,等待审批。" if data.accept else "已拒绝调班。",
)

decide_swap = action_view(
    fetch=selectors.visible_swaps,
    schema=SwapDecisionIn,
    call=lambda user, swap, data: services.do_decide_swap(actor=user, swap=swap, data=data),
    success=lambda swap, data, result: "已批准,值班表已调整。" if data.approve else "未批准。",
)

cancel_swap = action_view(
    fetch=selectors.visible_swaps,
    schema=SwapCancelIn,
    call=lambda user, swap, data: services.do_cancel_swap(actor=user, swap=swap, data=data),
    success="已撤回调班申请。",
)


# --- 重大活动保障 ----------------------------------------------------------------------------


RISK_ORDER = {code: i for i, (code, _label) in enumerate(RISK_LEVELS)}  # 重大 first


def _missing_where(value, user):
    if value not in ("1", "true"):
        raise ValueError(value)
    return selectors.missing_q(user)


ACTIVITY_SPEC = ListSpec(
    columns=[
        Column("name", "活动名称", link=True),
        Column("kind", "活动类型"),
        Column("starts_on", "开始日期", value=lambda a: f"{a.starts_on:%Y-%m-%d}"),
        Column("ends_on", "结束日期", value=lambda a: f"{a.ends_on:%Y-%m-%d}"),
        Column("organiser__name", "牵头单位"),
        Column("phase", "阶段", sortable=False, value=lambda a: selectors.activity_phase(a)),
        Column(
            "missing",
            "缺报日报",
            sortable=False,
            value=lambda a: len(selectors.missing_reports(a)) or "",
        ),
    ],
    filters={
        "kind": Filter("活动类型", "kind", choices=ACTIVITY_KINDS),
        "state": Filter("状态", "state", choices=[("planned", "有效"), ("cancelled", "已取消")]),
        "missing": Filter("日报缺报", "state", choices=[("1", "有缺报")], where=_missing_where),
    },
    search=("name", "description"),
    default_sort="-starts_on",
)


@requires("response.open")
def activities(request):
    return render_list(
        request,
        selectors.visible_activities(request.user).prefetch_related("reports"),
        ACTIVITY_SPEC,
        "response/activities.html",
        "重大活动保障",
    )


@requires("response.activity_edit")
def activity_new(request):
    values = {}
    if request.method == "POST":
        values = request.POST
        data = form_input(request, ActivityIn)
        if data is not None:
            activity = run_service(
                request,
                lambda: services.do_save_activity(actor=request.user, data=data),
                "已登记重大活动保障。",
            )
            if activity:
                return redirect(activity)
    return render(
        request,
        "response/activity_new.html",
        {
            "title": "登记重大活动保障",
            "values": values,
            "kinds": ACTIVITY_KINDS,
            "orgs": _duty_orgs(),
        },
    )


@requires("response.activity_edit")
def activity_edit(request, pk):
    """修改 an activity registered earlier (the same service as registering, with the version:
    a stale form is refused)."""
    activity = get_restricted_or_404(
        selectors.visible_activities(request.user, "change"), request.user, "change", pk=pk
    )
    values = {
        "name": activity.name,
        "kind": activity.kind,
        "starts_on": activity.starts_on.isoformat(),
        "ends_on": activity.ends_on.isoformat(),
        "organiser": activity.organiser.code,
        "command_post": activity.command_post,
        "description": activity.description,
        "version": activity.version,
    }
    if request.method == "POST":
        values = request.POST
        data = form_input(request, ActivityIn)
        if data is not None:
            saved = run_service(
                request,
                lambda: services.do_save_activity(actor=request.user, data=data, activity=activity),
                "已修改重大活动保障。",
            )
            if saved:
                return redirect(saved)
    return render(
        request,
        "response/activity_edit.html",
        {
            "title": f"修改重大活动保障:{activity.name}",
            "object": activity,
            "values": values,
            "kinds": ACTIVITY_KINDS,
            "orgs": _duty_orgs(),
        },
    )


@login_required
def activity_detail(request, pk):
    from django.apps import apps

    from yingji.geo.models import Region
    from yingji.orgs.models import Organisation
    from yingji.resources.selectors import visible_records

    activity = get_restricted_or_404(
        selectors.visible_activities(request.user), request.user, pk=pk
    )
    user = request.user
    editable = (
        allows(user, "response.activity_edit")
        and can(user, activity, "change")
        and activity.state != "cancelled"
    )
    days = selectors.report_days(activity)
    today = timezone.localdate()
    return render(
        request,
        "response/activity.html",
        {
            "title": activity.name,
            "object": activity,
            "phase": selectors.activity_phase(activity),
            "venues": activity.venues.select_related("region"),
            "duties": activity.duties.all(),
            "risks": sorted(
                activity.risks.select_related("venue", "owner"),
                key=lambda r: (RISK_ORDER.get(r.level, 9), r.pk),
            ),
            "teams": activity.teams.all(),
            "days": days,
            "missing": [d for d in days if d["status"] == "missing"],
            "due_today": next((d for d in days if d["status"] == "due"), None),
            "editable": editable,
            "report_dates": [
                d["date"] for d in days if d["status"] in ("missing", "due") and d["date"] <= today
            ],
            "counties": Region.objects.filter(level="county").order_by("code") if editable else [],
            "orgs": Organisation.objects.exclude(kind="enterprise").order_by("path")
            if editable
            else [],
            "team_choices": visible_records(apps.get_model("resources", "Team"), user).order_by(
                "name"
            )[:200]
            if editable
            else [],
            "risk_levels": RISK_LEVELS,
            **record_extras(request, activity),
        },
    )


def _activity_action(call, schema, success):
    return action_view(
        fetch=selectors.visible_activities,
        schema=schema,
        call=lambda user, activity, data: call(actor=user, activity=activity, data=data),
        success=success,
    )


add_venue = _activity_action(services.do_add_venue, VenueIn, "已增加场所。")
add_activity_duty = _activity_action(services.do_add_activity_duty, ActivityDutyIn, "已排班。")
add_activity_risk = _activity_action(
    services.do_add_activity_risk, ActivityRiskIn, "已登记风险点。"
)
add_standby_team = _activity_action(
    services.do_add_standby_team, ActivityTeamIn, "已安排待命队伍。"
)
submit_activity_report = _activity_action(
    services.do_submit_activity_report, ActivityReportIn, "已填报日报。"
)
cancel_activity = _activity_action(services.do_cancel_activity, ActivityCancelIn, "已取消该活动。")


# --- 信息发布 (T35) ---------------------------------------------------------------------------

RELEASE_SPEC = ListSpec(
    columns=[
        Column("pk", "编号", link=True),
        Column("title", "标题"),
        Column("kind", "发布类型"),
        Column("event__number", "事件编号"),
        Column(
            "channels",
            "发布渠道",
            sortable=False,
            value=lambda r: "、".join(r.channel_labels),
        ),
        Column(
            "drafted_by",
            "起草人",
            sortable=False,
            value=lambda r: services.person_name(r.drafted_by),
        ),
        Column("state", "状态"),
        Column("released_at", "发布时间", value=lambda r: _when(r.released_at), sortable=False),
    ],
    filters={
        "state": Filter("状态", "state", choices=RELEASE_STATES),
        "kind": Filter("发布类型", "kind", choices=RELEASE_KINDS),
        "event": Filter("事件编号", "event__number"),
    },
    search=("title", "content", "event__number"),
    default_sort="-pk",
)


@requires("response.open")
def releases(request):
    return render_list(
        request,
        selectors.visible_releases(request.user),
        RELEASE_SPEC,
        "response/releases.html",
        "信息发布",
    )


@login_required
def release_detail(request, pk):
    user = request.user
    release = get_restricted_or_404(selectors.visible_releases(user), user, pk=pk)
    own = release.drafted_by_id == user.pk
    window = allows(user, "response.release_review")
    return render(
        request,
        "response/release.html",
        {
            "title": str(release),
            "object": release,
            "can_review": window and not own and release.state == "reviewing",
            "can_approve": allows(user, "response.release_approve")
            and not own
            and release.state == "approving",
            "can_release": window and release.state == "approved",
            "can_revise": own
            and allows(user, "response.release_draft")
            and release.state == "returned",
            "can_void": (own or window)
            and release.state in services.RELEASE_TRANSITIONS["void"][0],
            "release_kinds": RELEASE_KINDS,
            "release_channels": RELEASE_CHANNELS,
            **record_extras(request, release),
        },
    )


draft_release = action_view(
    fetch=selectors.visible_events,
    schema=InfoReleaseIn,
    call=lambda user, event, data: services.do_draft_release(actor=user, event=event, data=data),
    success="发布稿已提交,送政策法规科/办公室审核。",
    redirect_to=lambda event, release: release,
)

review_release = action_view(
    fetch=selectors.visible_releases,
    schema=InfoReleaseDecisionIn,
    call=lambda user, release, data: services.do_review_release(
        actor=user, release=release, data=data
    ),
    success=lambda r, data, result: (
        "审核通过,已送局领导审批。" if data.approve else "已退回起草人。"
    ),
)

approve_release = action_view(
    fetch=selectors.visible_releases,
    schema=InfoReleaseDecisionIn,
    call=lambda user, release, data: services.do_approve_release(
        actor=user, release=release, data=data
    ),
    success=lambda r, data, result: (
        "已批准,可由一个窗口发布。" if data.approve else "已退回起草人。"
    ),
)

revise_release = action_view(
    fetch=selectors.visible_releases,
    schema=InfoReleaseReviseIn,
    call=lambda user, release, data: services.do_revise_release(
        actor=user, release=release, data=data
    ),
    success="已修改并重新提交审核。",
)

publish_release = action_view(
    fetch=selectors.visible_releases,
    schema=InfoReleasePublishIn,
    call=lambda user, release, data: services.do_release_release(
        actor=user, release=release, data=data
    ),
    success="已发布到全部所选渠道,并在公开页面展示。",
)

void_release = action_view(
    fetch=selectors.visible_releases,
    schema=InfoReleaseVoidIn,
    call=lambda user, release, data: services.do_void_release(
        actor=user, release=release, data=data
    ),
    success="发布稿已作废。",
)


@login_required
def release_docx(request, pk):
    from . import documents

    release = get_restricted_or_404(selectors.visible_releases(request.user), request.user, pk=pk)
    return download(
        documents.release_docx(release), f"{release.get_kind_display()}-{release.pk}.docx"
    )


def public_releases(request):
    """权威发布: released texts, no login, no internal field (no event number, no names)."""
    return render(
        request,
        "response/public_releases.html",
        {"title": "权威发布", "releases": selectors.public_releases()[:100]},
    )


merge_event = action_view(
    fetch=selectors.visible_events,
    schema=MergeIn,
    call=lambda user, event, data: services.do_merge_event(actor=user, duplicate=event, data=data),
    success="已合并到主事件。",
    redirect_to=lambda event, merged: merged.merged_into,
)


@requires("response.intake")
def split_event(request, pk):
    """拆分: the intake form for the new event, filled from the original, with the original's
    tasks, joint roster and log entries to tick for moving."""
    from yingji.geo.models import Region

    user = request.user
    source = get_restricted_or_404(selectors.visible_events(user), user, "change", pk=pk)
    if source.state != "open":
        from django.contrib import messages

        messages.error(request, "只能拆分处置中的事件(已终报或已合并的事件不能拆分)。")
        return redirect(source)
    values = request.POST if request.method == "POST" else _split_prefill(source)
    if request.method == "POST":
        data = form_input(request, SplitIn)
        if data is not None:
            event = run_service(
                request,
                lambda: services.do_split_event(actor=user, source=source, data=data),
                f"已从“{source.number}”拆分出新事件。",
            )
            if event:
                return redirect(event)
    checked = {
        k: {int(v) for v in request.POST.getlist(k) if v.isdigit()}
        for k in ("tasks", "joint", "logs")
    }
    return render(
        request,
        "response/intake.html",
        {
            "title": f"拆分事件 {source.number}",
            "split_source": source,
            "split_tasks": source.tasks.select_related("assignee"),
            "split_joint": source.joint_members.filter(withdrawn_at__isnull=True),
            "split_logs": source.shiftlog_set.all(),
            "checked": checked,
            "types": selectors.event_types(user).filter(active=True),
            "counties": Region.objects.filter(level="county").order_by("code"),
            "values": values,
            "figures": {k: values.get(k) or 0 for k in FIGURE_KEYS},
            "channels": CHANNELS,
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )


def _split_prefill(source) -> dict:
    fmt = "%Y-%m-%dT%H:%M"
    return {
        "event_type": source.event_type.code,
        "channel": source.channel,
        "received_at": timezone.localtime(source.received_at).strftime(fmt),
        "occurred_at": timezone.localtime(source.occurred_at).strftime(fmt),
        "reporter": source.reporter,
        "reporter_phone": source.reporter_phone,
        "county": source.region.code,
        "version": source.version,
    }


@login_required
def activity_roster_xlsx(request, pk):
    """The activity's roster as .xlsx (the file the import takes back)."""
    from openpyxl import Workbook

    from yingji.core.cells import xlsx_row

    activity = get_restricted_or_404(
        selectors.visible_activities(request.user), request.user, pk=pk
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("活动值班表")
    ws.append(ACTIVITY_ROSTER_HEADER)
    for d in activity.duties.all():
        cells = [d.date.isoformat(), d.post, d.leader, d.officer, d.liaison, d.phone]
        ws.append(xlsx_row(ws, cells))
    out = io.BytesIO()
    wb.save(out)
    return download(out.getvalue(), f"活动值班表-{activity.name}.xlsx")


@login_required
@require_POST
def activity_roster_import(request, pk):
    from django.contrib import messages

    from yingji.core.uploads import read_upload

    activity = get_restricted_or_404(
        selectors.visible_activities(request.user), request.user, pk=pk
    )
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要导入的活动值班表文件。")
    else:
        run_service(
            request,
            lambda: services.do_import_activity_duties(
                actor=request.user,
                activity=activity,
                rows=parse_activity_roster(read_upload(upload, extensions=(".xlsx",))),
            ),
            lambda n: f"已导入活动值班表 {n} 班。",
        )
    return redirect(reverse("response:activity", args=[activity.pk]) + "#duties")


@login_required
def activity_report_docx(request, pk, day):
    """One day's 日报 of an activity as .docx (404 for a day without a report)."""
    from django.http import Http404

    from . import documents

    activity = get_restricted_or_404(
        selectors.visible_activities(request.user), request.user, pk=pk
    )
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404("no such day") from exc
    report = activity.reports.select_related("written_by").filter(date=date).first()
    if report is None:
        raise Http404("no report that day")
    return download(
        documents.activity_report_docx(report), f"日报-{activity.name}-{date:%Y-%m-%d}.docx"
    )


@login_required
def review_docx(request, pk):
    """The event's 复盘报告 as .docx (404 before the review is written)."""
    from django.http import Http404

    from . import documents

    event = get_restricted_or_404(selectors.visible_events(request.user), request.user, pk=pk)
    review = getattr(event, "review", None) if hasattr(event, "review") else None
    if review is None:
        raise Http404("no review")
    return download(documents.review_docx(review), f"复盘报告-{event.number}.docx")


# --- 事件关联隐患 -----------------------------------------------------------------------------

link_hazard = action_view(
    fetch=selectors.visible_events,
    schema=HazardLinkIn,
    call=lambda user, event, data: hazard_links.do_link_hazard(actor=user, event=event, data=data),
    success="已关联隐患。",
)

unlink_hazard = action_view(
    fetch=lambda user: restrict(EventHazard.objects.all(), user),
    schema=HazardUnlinkIn,
    call=lambda user, link, data: hazard_links.do_unlink_hazard(actor=user, link=link, data=data),
    success="已解除关联。",
    redirect_to=lambda link, result: link.event,
)
