"""Requests and dispatch pages: the list, a new request, one request with the allocation
proposal on a map (distances and estimated arrival), its audited timeline and the buttons its
state and the user's rules allow (approve, dispatch, confirm receipt, cancel)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect, render
from django.utils import timezone

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.models import AuditEvent
from yingji.core.permissions import allows, get_restricted_or_404, requires
from yingji.core.schemas import summary, validate
from yingji.core.webforms import action_view, run_service

from . import selectors, services
from .choices import EQUIPMENT_CATEGORIES, REQUEST_STATES, RETURN_CONDITIONS, SPECIALTIES
from .models import Equipment, Site, Team
from .schemas import (
    ArrivalIn,
    DecisionIn,
    ForceReturnIn,
    LinkageCallIn,
    PositionIn,
    RequestIn,
    SupplyReturnIn,
)

FORM_LINES = 5
FORCE_LINES = 3

REQUEST_SPEC = ListSpec(
    columns=[
        Column("number", "需求单号", link=True),
        Column("state", "状态"),
        Column("destination", "送达地点"),
        Column("region__name", "所在县区"),
        Column("needed_by", "需送达时间"),
        Column("event", "关联事件"),
        Column(
            "requested_by",
            "需求提出人",
            sortable=False,
            value=lambda r: r.requested_by.get_full_name() or r.requested_by.username,
        ),
        Column("created_at", "提出时间"),
    ],
    filters={"state": Filter("状态", "state", choices=REQUEST_STATES)},
    search=("number", "destination", "event"),
    default_sort="-created_at",
)


@login_required
def request_list(request):
    return render_list(
        request,
        selectors.visible_requests(request.user),
        REQUEST_SPEC,
        "resources/requests.html",
        "物资需求与调运",
        extra={"can_request": allows(request.user, "resources.request")},
    )


def _form_data(post) -> dict:
    lines = []
    for i in range(FORM_LINES):
        item, quantity = post.get(f"item_{i}", "").strip(), post.get(f"quantity_{i}", "").strip()
        if item and quantity:
            lines.append({"item": item, "quantity": quantity})
    data = {
        k: post.get(k, "")
        for k in ("destination", "lon", "lat", "crs", "needed_by", "event", "reason")
    }
    data = {k: v for k, v in data.items() if v != ""}
    forces = {"teams": [], "equipment": []}
    for field, prefix in (("teams", "team"), ("equipment", "equip")):
        for i in range(FORCE_LINES):
            category = post.get(f"{prefix}_{i}", "").strip()
            count = post.get(f"{prefix}_count_{i}", "").strip()
            if category and count:
                forces[field].append({"category": category, "count": count})
    return {**data, "lines": lines, **forces}


# the fields the form may be opened with (GET), e.g. from an event's 申请物资 link
PREFILL_KEYS = ("destination", "lon", "lat", "crs", "needed_by", "event", "reason")


@requires("resources.request")
def request_new(request):
    if request.method == "POST":
        parsed = validate(RequestIn, _form_data(request.POST))
        if not parsed.ok:
            messages.error(request, summary(parsed.errors))
        else:
            created = run_service(
                request,
                lambda: services.do_create_request(actor=request.user, data=parsed.data),
                "已提出物资需求。",
            )
            if created:
                return redirect(created)
    default_time = timezone.localtime() + dt.timedelta(hours=6)
    if request.method == "POST":
        values, prefill_note = request.POST, ""
    else:  # opened from another record (申请物资 on an event): its values, all still editable
        values = {k: request.GET.get(k, "")[:500] for k in PREFILL_KEYS if k in request.GET}
        prefill_note = request.GET.get("note", "")[:300]
    return render(
        request,
        "resources/request_new.html",
        {
            "title": "提出物资需求",
            "prefill_note": prefill_note,
            "prefilled": request.method != "POST" and bool(values.get("event")),
            "items": selectors.items(),
            "rows": range(FORM_LINES),
            "force_rows": range(FORCE_LINES),
            "specialties": SPECIALTIES,
            "equipment_categories": EQUIPMENT_CATEGORIES,
            "values": values,
            "default_time": default_time.strftime("%Y-%m-%dT%H:%M"),
        },
    )


def _timeline(obj):
    ct = ContentType.objects.get_for_model(type(obj))
    return (
        AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("time", "pk")
    )


def _proposal_rows(req) -> tuple[list[dict], dict]:
    if req.state == "submitted":
        proposal = services.proposal_for(req)
        legs = [
            (leg.site, leg.item, leg.quantity, leg.distance_km, leg.eta_hours)
            for leg in proposal.legs
        ]
        shortfall = proposal.shortfall
    else:
        legs = [
            (a.stock.site_id, a.stock.item.code, a.quantity, a.distance_km, a.eta_hours)
            for a in req.allocations.select_related("stock__item")
            if a.state != "released"
        ]
        shortfall = {}
    sites = Site.objects.in_bulk({leg[0] for leg in legs})
    items = {i.code: i for i in selectors.items()}
    rows = [
        {
            "site": sites[s].name,
            "site_url": sites[s].get_absolute_url(),
            "lon": sites[s].lon,
            "lat": sites[s].lat,
            "item": items[i].name,
            "unit": items[i].unit,
            "quantity": q,
            "distance_km": d,
            "eta_hours": e,
        }
        for s, i, q, d, e in legs
    ]
    short = {items[c].name: f"{n} {items[c].unit}" for c, n in shortfall.items()}
    return rows, short


def _call_rows(req) -> list[dict]:
    """协议储备: the proposed call-offs (submitted) or the recorded ones, as table/map rows."""
    from .models import AgreementLine

    if req.state == "submitted":
        proposal = services.proposal_for(req)
        lines = AgreementLine.objects.select_related("agreement", "item").in_bulk(
            {c.line for c in proposal.calls}
        )
        legs = [
            (lines[c.line], c.quantity, c.distance_km, c.eta_hours, None) for c in proposal.calls
        ]
    else:
        legs = [
            (c.line, c.quantity, c.distance_km, c.eta_hours, c)
            for c in req.calls.select_related("line__agreement", "line__item")
        ]
    return [
        {
            "agreement": line.agreement.title,
            "url": line.agreement.get_absolute_url(),
            "partner": line.agreement.partner,
            "item": line.item.name,
            "unit": line.item.unit,
            "quantity": q,
            "remaining": line.remaining,
            "valid_until": line.agreement.valid_until,
            "lon": line.agreement.lon,
            "lat": line.agreement.lat,
            "distance_km": d,
            "eta_hours": e,
            "call": call,
        }
        for line, q, d, e, call in legs
    ]


def _force_rows(req) -> tuple[list[dict], dict]:
    """The proposed teams/equipment (submitted) or the assignments, as table/map rows."""
    if req.state == "submitted":
        proposal = services.force_proposal_for(req)
        units = {
            "team": Team.objects.in_bulk([u.pk for u in proposal.legs if u.kind == "team"]),
            "equipment": Equipment.objects.in_bulk(
                [u.pk for u in proposal.legs if u.kind == "equipment"]
            ),
        }
        legs = [
            (units[u.kind][u.pk], u.kind, u.distance_km, u.eta_hours, None) for u in proposal.legs
        ]
        shortfall = {
            services.force_label(k, c): f"{n} {'支' if k == 'team' else '台(套)'}"
            for (k, c), n in proposal.shortfall.items()
        }
    else:
        legs = [
            (a.unit, "team" if a.team_id else "equipment", a.distance_km, a.eta_hours, a)
            for a in req.assignments.select_related("team", "equipment")
        ]
        shortfall = {}
    rows = [
        {
            "name": str(unit),
            "url": unit.get_absolute_url(),
            "kind": "队伍" if kind == "team" else "装备",
            "detail": f"{unit.get_specialty_display()} {unit.headcount} 人"
            if kind == "team"
            else f"{unit.get_category_display()} {unit.quantity} {unit.unit}",
            "lon": unit.lon,
            "lat": unit.lat,
            "distance_km": d,
            "eta_hours": e,
            "assignment": a,
        }
        for unit, kind, d, e, a in legs
    ]
    return rows, shortfall


@login_required
def request_detail(request, pk):
    req = get_restricted_or_404(selectors.visible_requests(request.user), request.user, pk=pk)
    rows, shortfall = _proposal_rows(req)
    if req.state == "submitted":
        # the proposal's shortfall counts the agreement stock offered (协议储备) as covering
        proposal = services.proposal_for(req)
        items = {i.code: i for i in selectors.items()}
        shortfall = {items[c].name: f"{n} {items[c].unit}" for c, n in proposal.shortfall.items()}
    call_rows = _call_rows(req)
    force_rows, force_shortfall = _force_rows(req)
    user = request.user
    approver = allows(user, "resources.approve")
    requester = allows(user, "resources.request")
    returnable = approver and req.state in ("dispatched", "received")
    en_route = services.en_route(req) if req.state == "dispatched" else None
    positions = list(req.positions.select_related("actor")[:50])
    partners = []
    if approver and (shortfall or force_shortfall) and req.state != "cancelled":
        partners = selectors.partners_for(user, [line.item.code for line in req.lines.all()])
    return render(
        request,
        "resources/request.html",
        {
            "title": f"物资需求 {req.number}",
            "object": req,
            "lines": req.lines.select_related("item"),
            "force_lines": req.force_lines.all(),
            "rows": rows,
            "shortfall": shortfall,
            "force_rows": force_rows,
            "force_shortfall": force_shortfall,
            "outstanding": selectors.outstanding(req)
            if req.state in ("dispatched", "received")
            else None,
            "can_return": returnable,
            "conditions": RETURN_CONDITIONS,
            "partners": partners,
            "calls": req.linkage_calls.select_related("partner", "actor"),
            "call_rows": call_rows,
            "en_route": en_route,
            "can_arrive": requester and req.state == "dispatched",
            "positions": positions,
            "can_report": req.state == "dispatched" and (requester or approver),
            "map_data": {
                "destination": {"name": req.destination, "lon": req.lon, "lat": req.lat},
                "legs": rows,
                "agreements": [
                    {k: r[k] for k in ("partner", "item", "quantity", "lon", "lat")}
                    for r in call_rows
                    if r["lon"] is not None
                ],
                "position": {
                    "lon": positions[0].lon,
                    "lat": positions[0].lat,
                    "carrier": positions[0].carrier,
                    "time": timezone.localtime(positions[0].reported_at).strftime("%m-%d %H:%M"),
                }
                if positions
                else None,
                "track": [[p.lon, p.lat] for p in reversed(positions)],
                "forces": [
                    {k: r[k] for k in ("name", "kind", "lon", "lat", "distance_km")}
                    for r in force_rows
                    if r["lon"] is not None
                ],
            },
            "timeline": _timeline(req),
            "can_approve": approver and req.state == "submitted",
            "can_dispatch": approver and req.state == "approved",
            "can_receive": requester and req.state == "dispatched",
            "can_cancel": (req.state == "submitted" and requester)
            or (req.state == "approved" and approver),
        },
    )


def _action(fn, success):
    return action_view(
        fetch=selectors.visible_requests,
        schema=DecisionIn,
        call=lambda user, req, data: fn(actor=user, request=req, data=data),
        success=success,
    )


approve = _action(services.do_approve_request, "已审批,相关储备库库存已预留。")
dispatch = _action(services.do_dispatch_request, "已出库调运。")
receive = _action(services.do_confirm_receipt, "已确认签收。")
cancel = _action(services.do_cancel_request, "已取消需求。")

return_supplies = action_view(
    fetch=selectors.visible_requests,
    schema=SupplyReturnIn,
    call=lambda user, req, data: services.do_return_supplies(actor=user, request=req, data=data),
    success="已登记归还。",
)
return_force = action_view(
    fetch=selectors.visible_requests,
    schema=ForceReturnIn,
    call=lambda user, req, data: services.do_return_force(actor=user, request=req, data=data),
    success="已登记归队/归还。",
)
arrival = action_view(
    fetch=selectors.visible_requests,
    schema=ArrivalIn,
    call=lambda user, req, data: services.do_confirm_arrival(actor=user, request=req, data=data),
    success="已登记到达。",
)
report_position = action_view(
    fetch=selectors.visible_requests,
    schema=PositionIn,
    call=lambda user, req, data: services.do_report_position(actor=user, request=req, data=data),
    success="已登记在途位置。",
)
call_partner = action_view(
    fetch=selectors.visible_requests,
    schema=LinkageCallIn,
    call=lambda user, req, data: services.do_call_partner(actor=user, request=req, data=data),
    success="已记录联动请求。",
)


@login_required
def request_print(request, pk):
    """调拨单(出库单): the print page of an approved/dispatched request (CSS @media print)."""
    req = get_restricted_or_404(selectors.visible_requests(request.user), request.user, pk=pk)
    rows, _ = _proposal_rows(req)
    force_rows, _ = _force_rows(req)
    return render(
        request,
        "resources/request_print.html",
        {
            "object": req,
            "rows": rows,
            "call_rows": _call_rows(req),
            "force_rows": force_rows,
            "heading": selectors.bureau_heading(),
            "printed_at": timezone.localtime(),
        },
    )
