"""预警信息发布 pages: the list (filters, export), a warning with its timeline, messages,
deliveries and acknowledgement coverage, the draft form (by hand or from alarms), the workflow
buttons, the recipients' inbox, CAP import, and the public feed (no login). Thin: fetch through
restrict(), one service per action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, get_restricted_or_404, requires, restrict, scope_of
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, form_input, run_service
from yingji.geo.models import Region
from yingji.orgs.choices import PUBLIC_KINDS, ROLE_LABELS, ROLES
from yingji.orgs.models import Organisation, OrgGroup

from . import channels, selectors, services
from .acklinks import LinkRefused, read_token
from .capxml import cap_xml
from .choices import LEVEL_CHOICES, MSG_TYPES, STATES
from .feeds import atom_feed
from .schemas import (
    AckIn,
    ApproveIn,
    CancelIn,
    DoneIn,
    ReleaseIn,
    ResendIn,
    ReturnIn,
    SubmitIn,
    WarningIn,
)


def _in_force(value, user):
    if value == "1":
        return Q(state="released", expires__gt=timezone.now())
    return Q()


LIST_SPEC = ListSpec(
    columns=[
        Column("headline", "标题", link=True),
        Column("event_type__name", "事件类型"),
        Column("level", "预警级别"),
        Column("msg_type", "消息类型"),
        Column("state", "状态", sortable=False, value=lambda w: w.shown_state_label),
        Column("jurisdiction__name", "发布区域"),
        Column("identifier", "预警标识"),
        Column("effective", "生效时间"),
        Column("expires", "失效时间"),
        Column("scope", "发布范围"),
        Column("origin", "来源"),
    ],
    filters={
        "state": Filter("状态", "state", choices=STATES),
        "level": Filter("预警级别", "level", choices=LEVEL_CHOICES),
        "msg_type": Filter("消息类型", "msg_type", choices=MSG_TYPES),
        "event_type": Filter("事件类型(编码)", "event_type__code"),
        "in_force": Filter("仅生效中", "state", choices=[("1", "是")], where=_in_force),
    },
    search=("headline", "identifier"),
    default_sort="-created_at",
)


@login_required
def warning_list(request):
    return render_list(
        request,
        selectors.visible_warnings(request.user),
        LIST_SPEC,
        "warnings/list.html",
        "预警信息",
        extra={
            "can_draft": allows(request.user, "warnings.draft"),
            "can_import": allows(request.user, "warnings.import_cap"),
        },
    )


def _actions(user, w) -> dict:
    """Which buttons the user sees: the same rules and scope the services check."""
    change = restrict(type(w).objects.filter(pk=w.pk), user, "change").exists()
    state = w.shown_state
    own = user.pk in (w.drafted_by_id, w.submitted_by_id)
    return {
        "edit": change and state == "draft" and allows(user, "warnings.draft"),
        "submit": change and state == "draft" and allows(user, "warnings.draft"),
        "approve": change and state == "submitted" and not own and allows(user, "warnings.approve"),
        "own_submitted": state == "submitted" and own,
        "release": change and state == "approved" and allows(user, "warnings.release"),
        "update": change and state == "released" and allows(user, "warnings.draft"),
        "cancel": change and state == "released" and allows(user, "warnings.release"),
        # 重发: the service's rule (release right, in scope, in force) and someone still silent
        "resend": change
        and state == "released"
        and allows(user, "warnings.release")
        and w.acks.filter(state="pending").exists(),
        "cap": bool(w.identifier),
    }


@login_required
def warning_detail(request, pk):
    w = get_restricted_or_404(selectors.visible_warnings(request.user), request.user, pk=pk)
    acks = (
        selectors.visible_acks(request.user)
        .filter(warning=w)
        .order_by("organisation__kind", "organisation__path")
    )
    mine = set(
        selectors.visible_acks(request.user, "change")
        .filter(warning=w)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "warnings/detail.html",
        {
            "title": f"预警信息:{w.headline}",
            "object": w,
            "regions": w.regions.order_by("code"),
            "timeline": selectors.timeline(w),
            "chain": selectors.chain(w),
            "coverage": selectors.coverage(w),
            "coverage_regions": selectors.coverage_by_region(w),
            "deliveries": selectors.delivery_summary(request.user, w),
            "failing": selectors.failing_deliveries(request.user, w)[:50],
            "channels": channels.choices(),
            "acks": acks,
            "my_acks": mine,
            "actions": _actions(request.user, w),
            "can_ack": allows(request.user, "warnings.acknowledge"),
            "alarms": _alarms(request.user, w.source_alarms),
            "preview": selectors.recipient_preview(request.user, w),
            "recipient_roles": [ROLE_LABELS.get(r, r) for r in w.recipient_roles],
            "recipient_orgs": w.recipient_orgs.all(),
            "recipient_groups": w.recipient_groups.all(),
            "polygon_points": len(w.polygon["coordinates"][0]) - 1 if w.polygon else 0,
            **record_extras(request, w),
        },
    )


def _alarms(user, ids):
    if not ids:
        return []
    from yingji.monitoring.selectors import visible_alarms

    return list(visible_alarms(user).filter(pk__in=ids))


def _form_context(request, initial: dict, obj=None) -> dict:
    regions = Region.objects.filter(level__in=("city", "county", "township")).order_by("path")
    return {
        "title": "修改预警信息草稿" if obj else "起草预警信息",
        "object": obj,
        "initial": initial,
        "event_types": selectors.event_types(),
        "levels": LEVEL_CHOICES,
        "regions": regions.only("code", "name", "level"),
        "guides": {t.code: t.guide for t in selectors.event_types()},
        "roles": ROLES,
        "orgs": restrict(
            Organisation.objects.filter(kind__in=PUBLIC_KINDS, is_active=True), request.user
        ).only("code", "name", "kind"),
        "groups": OrgGroup.objects.order_by("name"),
    }


def _alarm_line(a) -> str:
    value = "—" if a.value is None else f"{a.value:g}"
    when = timezone.localtime(a.raised_at)
    return (
        f"{a.station.name}({a.station.region.name}){a.rule.name}:统计值 {value},"
        f"{a.get_level_display()}告警,{when:%m月%d日 %H:%M}"
    )


def _initial_from_alarms(user, raw: str) -> dict:
    """Prefill from monitoring alarms: level (the highest), regions (the stations' counties),
    event type by the element, figures in the description."""
    ids = [int(x) for x in raw.split(",") if x.strip().isdigit() and len(x.strip()) <= 12][:50]
    alarms = _alarms(user, ids)
    if not alarms:
        return {}
    order = ["blue", "yellow", "orange", "red"]
    level = max((a.level for a in alarms), key=order.index)
    event = {
        "rain": "rainstorm",
        "water_level": "flash_flood",
        "wind": "gale",
        "temperature": "heat",
        "displacement": "geohazard",
    }.get(alarms[0].element, "production_safety")
    lines = [_alarm_line(a) for a in alarms]
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {
        "event_type": event,
        "level": level,
        "regions": sorted({a.station.region.code for a in alarms}),
        "headline": f"{alarms[0].station.region.name}{alarms[0].rule.name}预警",
        "description": "监测告警情况:\n" + "\n".join(lines),
        "source_alarms": [a.pk for a in alarms],
        "effective": now,
        "expires": now + timezone.timedelta(hours=24),
    }


def _initial_from_post(request) -> dict:
    post = request.POST
    return {
        **post.dict(),
        "regions": post.getlist("regions"),
        "source_alarms": [int(x) for x in post.getlist("source_alarms") if x.isdigit()],
        "recipient_roles": post.getlist("recipient_roles"),
        "recipient_orgs": post.getlist("recipient_orgs"),
        "recipient_groups": post.getlist("recipient_groups"),
    }


@requires("warnings.draft")
def warning_new(request):
    if request.method == "POST":
        data = form_input(request, WarningIn)
        if data is not None:
            w = run_service(
                request,
                lambda: services.do_draft_warning(actor=request.user, data=data),
                "已保存预警信息草稿。",
            )
            if w:
                return redirect(w)
        return render(
            request,
            "warnings/form.html",
            _form_context(request, _initial_from_post(request)),
            status=400,
        )
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {"effective": now, "expires": now + timezone.timedelta(hours=24), "level": "blue"}
    if request.GET.get("alarms"):
        initial.update(_initial_from_alarms(request.user, request.GET["alarms"][:500]))
    return render(request, "warnings/form.html", _form_context(request, initial))


@requires("warnings.draft")
def warning_edit(request, pk):
    w = get_restricted_or_404(
        selectors.visible_warnings(request.user, "change"), request.user, pk=pk
    )
    if w.state != "draft":
        messages.error(request, "只有草稿可以修改。")
        return redirect(w)
    if request.method == "POST":
        data = form_input(request, WarningIn)
        if data is not None and run_service(
            request,
            lambda: services.do_edit_warning(actor=request.user, warning=w, data=data),
            "已保存修改。",
        ):
            return redirect(w)
        return render(
            request,
            "warnings/form.html",
            _form_context(request, _initial_from_post(request), w),
            status=400,
        )
    initial = {f: getattr(w, f) for f in (*services.FIELDS, "instruction", "source_alarms")}
    initial.update(
        event_type=w.event_type.code,
        regions=list(w.regions.values_list("code", flat=True)),
        jurisdiction=w.jurisdiction.code,
        polygon=services.polygon_text(w.polygon),
        recipient_roles=w.recipient_roles,
        recipient_orgs=list(w.recipient_orgs.values_list("code", flat=True)),
        recipient_groups=list(w.recipient_groups.values_list("name", flat=True)),
    )
    return render(request, "warnings/form.html", _form_context(request, initial, w))


def _warning_action(schema, fn, success, action="view"):
    return action_view(
        fetch=selectors.visible_warnings,
        schema=schema,
        call=lambda user, w, data: fn(actor=user, warning=w, data=data),
        success=success,
        action=action,
    )


submit = _warning_action(SubmitIn, services.do_submit_warning, "已提交审批。")
approve = _warning_action(ApproveIn, services.do_approve_warning, "已审批同意,可以发布。")
return_draft = _warning_action(ReturnIn, services.do_return_warning, "已退回起草人修改。")
release = _warning_action(
    ReleaseIn, services.do_release_warning, "已发布;各渠道正在发送,结果见“发送情况”。"
)
cancel = _warning_action(CancelIn, services.do_cancel_warning, "已解除预警,并已发送解除消息。")
resend = action_view(
    fetch=selectors.visible_warnings,
    schema=ResendIn,
    call=lambda user, w, data: services.do_resend_warning(actor=user, warning=w, data=data),
    success=lambda w, data, r: f"已向未签收的 {r['organisations']} 个单位重发。",
)
start_update = action_view(
    fetch=selectors.visible_warnings,
    schema=SubmitIn,
    call=lambda user, w, data: services.do_start_update(actor=user, warning=w, data=data),
    success="已生成更新草稿,请修改后提交审批。",
    redirect_to=lambda w, new: reverse("warnings:edit", args=[new.pk]),
)


def _ack_action(schema, fn, success):
    return action_view(
        fetch=selectors.visible_acks,
        schema=schema,
        call=lambda user, ack, data: fn(actor=user, ack=ack, data=data),
        success=success,
        redirect_to=lambda ack, result: reverse("warnings:detail", args=[ack.warning_id]),
    )


acknowledge = _ack_action(AckIn, services.do_acknowledge_warning, "已签收。")
report_done = _ack_action(DoneIn, services.do_report_done, "已报告落实情况。")


@login_required
def inbox(request):
    acks = (
        selectors.visible_acks(request.user)
        .filter(organisation_id__in=scope_of(request.user).org_ids)
        .order_by("state", "-warning__sent")[:200]
    )
    return render(request, "warnings/inbox.html", {"title": "预警签收", "acks": acks})


@login_required
def download_cap(request, pk):
    w = get_restricted_or_404(selectors.visible_warnings(request.user), request.user, pk=pk)
    if not w.identifier:
        raise Http404
    response = HttpResponse(cap_xml(w), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{w.identifier}.xml"'
    return response


@requires("warnings.import_cap")
def import_cap(request):
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择 CAP 1.2 XML 文件。")
        elif upload.size > 1_000_000:
            messages.error(request, "文件过大(超过 1000 KB)。")
        else:
            w = run_service(
                request,
                lambda: services.do_import_cap(actor=request.user, data=upload.read()),
                "已导入外部预警,生成草稿。",
            )
            if w:
                return redirect(w)
    return render(request, "warnings/import.html", {"title": "导入外部预警(CAP 1.2)"})


@login_required
def from_alarms(request):
    """Active monitoring alarms, each with a 起草预警 button (monitoring does not import this
    module: the link goes from here to the alarm, and the draft form reads the alarm)."""
    if not allows(request.user, "warnings.draft"):
        raise PermissionDenied
    from yingji.monitoring.selectors import board

    return render(
        request,
        "warnings/from_alarms.html",
        {"title": "从监测告警起草预警", "alarms": board(request.user, {})[:100]},
    )


# --- personal acknowledgement links (no login: the signed link is the authority) ---------------


def _link_refused(request, exc: LinkRefused):
    status = 410 if exc.reason == "expired" else 403
    return render(
        request,
        "warnings/ack_link_refused.html",
        {"title": "签收链接无效", "message": exc.message, "reason": exc.reason},
        status=status,
    )


def ack_link(request, token):
    """The page a recipient opens from its e-mail/SMS: the warning, 签收, then 已落实 with a
    note, without browsing the platform."""
    try:
        ack_id, _user_id = read_token(token)
    except LinkRefused as exc:
        return _link_refused(request, exc)
    ack = selectors.ack_for_link(ack_id)
    if ack is None:
        return _link_refused(request, LinkRefused("forged", "该签收链接对应的签收任务不存在。"))
    if request.method == "POST":
        step = request.POST.get("step")
        schema = DoneIn if step == "done" else AckIn
        data = form_input(request, schema)
        if data is not None:
            fn = (
                services.do_report_done_by_link
                if step == "done"
                else services.do_acknowledge_by_link
            )
            try:
                run_service(
                    request,
                    lambda: fn(actor=request.user, token=token, data=data),
                    "已报告落实情况,谢谢。" if step == "done" else "已签收。",
                )
            except LinkRefused as exc:
                return _link_refused(request, exc)
        return redirect("warnings:ack_link", token=token)
    return render(
        request,
        "warnings/ack_link.html",
        {"title": "预警签收", "ack": ack, "warning": ack.warning, "token": token},
    )


# --- public (no login) ----------------------------------------------------------------------


def public_list(request):
    return render(
        request,
        "warnings/public.html",
        {"title": "公开预警信息", "warnings": selectors.public_current()[:100]},
    )


def public_xml(request, identifier):
    w = selectors.public_feed().filter(identifier=identifier).first()
    if w is None:
        raise Http404
    return HttpResponse(cap_xml(w), content_type="application/xml; charset=utf-8")


def public_atom(request):
    body = atom_feed(request, list(selectors.public_current()[:100]))
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
