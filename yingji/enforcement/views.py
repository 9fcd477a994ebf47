"""Pages of 执法: the officer register (list with the expiring flag and export, record page,
forms). Thin: parse the form with the service's schema, fetch through restrict(), one service."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, can, get_restricted_or_404, requires
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, form_input, run_service
from yingji.orgs.models import Organisation

from . import selectors, services
from .choices import CERTIFICATE_TYPES, OFFICER_STATUSES
from .conf import expiry_days, training_hours
from .models import LawOfficer, OfficerConflict
from .schemas import (
    EnfConflictIn,
    EnfConflictWithdrawIn,
    EnfOfficerIn,
    EnfOfficerStatusIn,
    EnfTrainingIn,
)


def _flag_q(value: str, user) -> Q:
    today = timezone.localdate()
    if value == "expiring":
        return selectors.expiring_q(today)
    if value == "expired":
        return selectors.expired_q(today)
    if value == "valid":
        return selectors.certified_q(today)
    return Q(pk__in=[])


OFFICER_SPEC = ListSpec(
    columns=[
        Column("name", "姓名", link=True),
        Column("certificate_no", "执法证号"),
        Column("organisation__name", "所在单位"),
        Column("certificate_type", "证件类型"),
        Column("issuing_authority", "发证机关"),
        Column("valid_from", "有效期自"),
        Column("valid_until", "有效期至"),
        Column("status", "状态"),
        Column(
            "flag",
            "证件",
            sortable=False,
            value=lambda o: selectors.certificate_state(o),
        ),
    ],
    filters={
        "status": Filter("状态", "status", choices=OFFICER_STATUSES),
        "type": Filter("证件类型", "certificate_type", choices=CERTIFICATE_TYPES),
        "org": Filter("所在单位(编码)", "organisation__code"),
        "flag": Filter(
            "证件",
            "valid_until",
            choices=[
                ("valid", "今日有效"),
                ("expiring", f"{expiry_days()}天内到期"),
                ("expired", "已过期"),
            ],
            where=_flag_q,
        ),
    },
    search=("name", "certificate_no", "issuing_authority"),
    default_sort="organisation__path",
)


@requires("enforcement.open")
def officer_list(request):
    today = timezone.localdate()
    visible = selectors.visible_officers(request.user)
    return render_list(
        request,
        visible,
        OFFICER_SPEC,
        "enforcement/officers.html",
        "执法人员名录库",
        extra={
            "can_manage": allows(request.user, "enforcement.manage_officers"),
            "expiring": visible.filter(selectors.expiring_q(today)).count(),
            "expired": visible.filter(selectors.expired_q(today)).count(),
            "window": expiry_days(),
        },
    )


@login_required
def officer_detail(request, pk):
    officer = get_restricted_or_404(selectors.visible_officers(request.user), request.user, pk=pk)
    year = timezone.localdate().year
    hours = selectors.training_hours(officer, year)
    return render(
        request,
        "enforcement/officer.html",
        {
            "title": f"执法人员 {officer.name}",
            "object": officer,
            "state": selectors.certificate_state(officer),
            "trainings": officer.trainings.all(),
            "conflicts": officer.conflicts.select_related("enterprise__organisation"),
            "year": year,
            "hours": hours,
            "hours_expected": training_hours(),
            "can_change": can(request.user, officer, "change"),
            "statuses": OFFICER_STATUSES,
            **record_extras(request, officer),
        },
    )


def _org_choices(user):
    return Organisation.objects.filter(kind__in=services.OFFICER_ORG_KINDS, is_active=True)


def _officer_form(request, officer: LawOfficer | None):
    if request.method == "POST":
        data = form_input(request, EnfOfficerIn)
        if data is not None:
            if officer is None:
                call = lambda: services.do_register_officer(actor=request.user, data=data)  # noqa: E731
                msg = "已登记执法人员。"
            else:
                call = lambda: services.do_update_officer(  # noqa: E731
                    actor=request.user, officer=officer, data=data
                )
                msg = "已保存。"
            saved = run_service(request, call, msg)
            if saved:
                return redirect(saved)
        form = request.POST
    elif officer is not None:
        form = {
            "name": officer.name,
            "organisation": officer.organisation.code,
            "certificate_no": officer.certificate_no,
            "certificate_type": officer.certificate_type,
            "issuing_authority": officer.issuing_authority,
            "valid_from": officer.valid_from.isoformat(),
            "valid_until": officer.valid_until.isoformat(),
            "username": officer.user.username if officer.user else "",
            "note": officer.note,
            "version": officer.version,
        }
    else:
        today = timezone.localdate()
        form = {
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=5 * 365)).isoformat(),
        }
    return render(
        request,
        "enforcement/officer_form.html",
        {
            "title": "编辑执法人员" if officer else "登记执法人员",
            "object": officer,
            "form": form,
            "orgs": _org_choices(request.user),
            "types": CERTIFICATE_TYPES,
        },
    )


@requires("enforcement.manage_officers")
def officer_new(request):
    return _officer_form(request, None)


@login_required
def officer_edit(request, pk):
    officer = get_restricted_or_404(
        selectors.visible_officers(request.user, "change"), request.user, "change", pk=pk
    )
    return _officer_form(request, officer)


officer_status = action_view(
    fetch=lambda user: LawOfficer.objects.all(),
    action="change",
    schema=EnfOfficerStatusIn,
    call=lambda user, officer, data: services.do_change_officer_status(
        actor=user, officer=officer, data=data
    ),
    success="已变更状态。",
)

officer_training = action_view(
    fetch=lambda user: LawOfficer.objects.all(),
    action="change",
    schema=EnfTrainingIn,
    call=lambda user, officer, data: services.do_record_training(
        actor=user, officer=officer, data=data
    ),
    success="已登记培训学时。",
)

officer_conflict = action_view(
    fetch=lambda user: LawOfficer.objects.all(),
    action="change",
    schema=EnfConflictIn,
    call=lambda user, officer, data: services.do_declare_conflict(
        actor=user, officer=officer, data=data
    ),
    success="已登记回避申报。",
)

conflict_withdraw = action_view(
    fetch=lambda user: OfficerConflict.objects.all(),
    action="change",
    schema=EnfConflictWithdrawIn,
    call=lambda user, conflict, data: services.do_withdraw_conflict(
        actor=user, conflict=conflict, data=data
    ),
    success="已撤回回避申报。",
)
