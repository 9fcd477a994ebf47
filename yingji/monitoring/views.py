"""监测预警 pages: the alarm board (htmx polling), an alarm, the station list and a station with
its time series, the rules. Thin: fetch through restrict(), one service per action."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import allows, get_restricted_or_404, requires, restrict
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, form_input, run_service

from . import selectors, services
from .choices import ALARM_STATES, KINDS, LEVEL_CHOICES, element_catalogue
from .models import AlarmNotice, IngestToken, ObservationImport
from .schemas import AcknowledgeIn, HandleIn, IngestTokenIn, MonitoringSettingsIn

STATUSES = [(v, v) for v in ("在线", "离线", "故障", "停用")]


def _by_status(value: str, user):
    """Stations whose derived status (Station.status) is ``value``: worked out per station,
    as the list shows it (the status is not a column)."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import Station

    if value not in dict(STATUSES):
        raise ValueError(value)
    now = timezone.now()
    fields = ("pk", "disabled", "last_seen_at", "last_implausible_at", "elements")
    return Q(pk__in=[s.pk for s in Station.objects.only(*fields) if s.status(now) == value])


def _by_alarm_level(value: str, user):
    """Stations with an active alarm at this current level."""
    from django.db.models import Q

    from .models import Alarm

    if value not in dict(LEVEL_CHOICES):
        raise ValueError(value)
    active = Alarm.objects.exclude(state="cleared").filter(level=value)
    return Q(pk__in=active.values("station_id"))


STATION_SPEC = ListSpec(
    columns=[
        Column("code", "站点编码", link=True),
        Column("name", "站点名称"),
        Column("kind", "类型"),
        Column("region__name", "县区"),
        Column("owner__name", "权属单位"),
        Column("lon", "经度"),
        Column("lat", "纬度"),
        Column(
            "elements",
            "监测要素",
            sortable=False,
            value=lambda s: "、".join(
                element_catalogue().get(e["code"], {}).get("name", e["code"]) for e in s.elements
            ),
        ),
        Column("installed_on", "安装日期"),
        Column("status", "状态(在线/离线/故障/停用)", sortable=False, value=lambda s: s.status()),
        Column("last_seen_at", "最近数据时间"),
    ],
    filters={
        "kind": Filter("类型", "kind", choices=KINDS),
        "region": Filter("县区(编码)", "region__code"),
        "status": Filter("状态", "disabled", choices=STATUSES, where=_by_status),
        "alarm_level": Filter(
            "当前告警等级", "disabled", choices=LEVEL_CHOICES, where=_by_alarm_level
        ),
    },
    search=("code", "name"),
    default_sort="code",
)

BOARD_FILTERS = ("level", "state", "region", "station")


def _board_params(request) -> dict:
    """The board's filters from the address bar; a value no filter can take (control
    characters such as NUL, over-long text) is left out rather than sent to the database."""
    from yingji.core.schemas import CONTROL

    params = {}
    for k in BOARD_FILTERS:
        value = request.GET.get(k, "").strip()
        params[k] = "" if len(value) > 60 or CONTROL.search(value) else value
    return params


def _board_context(request) -> dict:
    services.sweep_if_due()
    params = _board_params(request)
    alarms = list(selectors.board(request.user, params)[:200])
    changes = selectors.levels_of(a.pk for a in alarms)
    for alarm in alarms:
        alarm.level_changes = changes.get(alarm.pk, [])
    return {
        "alarms": alarms,
        "params": params,
        "counts": selectors.open_counts(request.user),
        "can_handle": allows(request.user, "monitoring.handle_alarms"),
        "query": urlencode({k: v for k, v in params.items() if v}),
    }


@login_required
def board(request):
    from yingji.geo.models import Region

    counties = Region.objects.filter(level="county").order_by("code").only("code", "name")
    return render(
        request,
        "monitoring/board.html",
        {
            "title": "监测告警看板",
            "levels": LEVEL_CHOICES,
            "states": ALARM_STATES,
            "counties": counties,
            **_board_context(request),
        },
    )


@login_required
def board_rows(request):
    """The board's rows alone: htmx fetches them every 5 seconds."""
    return render(request, "monitoring/_board_rows.html", _board_context(request))


@login_required
def alarm_detail(request, pk):
    alarm = get_restricted_or_404(selectors.visible_alarms(request.user), request.user, pk=pk)
    return render(
        request,
        "monitoring/alarm.html",
        {
            "title": f"告警:{alarm}",
            "object": alarm,
            "changes": alarm.changes.all(),
            "can_handle": allows(request.user, "monitoring.handle_alarms"),
            **record_extras(request, alarm),
        },
    )


@login_required
def station_list(request):
    return render_list(
        request,
        selectors.visible_stations(request.user),
        STATION_SPEC,
        "monitoring/stations.html",
        "监测站点",
    )


@requires("monitoring.register_stations")
def station_import(request):
    """导入监测站点 (Excel): GET the form, POST the file; each row through the register service,
    nothing written when a row is wrong (unless the good rows are asked for)."""
    from yingji.core.errors import DomainError
    from yingji.core.uploads import read_upload

    from . import station_import as importing

    result, status = None, 200
    if request.method == "POST":
        try:
            data = read_upload(request.FILES.get("file"), extensions=(".xlsx",))
            result = importing.do_import_stations(
                actor=request.user, data=data, only_valid=request.POST.get("only_valid") == "1"
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
    return render(
        request,
        "monitoring/station_import.html",
        {"title": "导入监测站点", "result": result},
        status=status,
    )


@login_required
def station_import_template(request):
    from yingji.core.webforms import download

    from . import station_import as importing

    return download(importing.build_template(), "监测站点导入模板.xlsx")


@login_required
def station_detail(request, code):
    station = get_restricted_or_404(
        selectors.visible_stations(request.user).select_related("enterprise__organisation"),
        request.user,
        code=code,
    )
    catalogue = element_catalogue()
    charts = [
        {
            "element": e["code"],
            "name": catalogue.get(e["code"], {}).get("name", e["code"]),
            "unit": e.get("unit", ""),
            "url": f"/api/v1/monitoring/stations/{quote(station.code)}/series?element={e['code']}",
            "thresholds": selectors.thresholds(station, e["code"]),
        }
        for e in station.elements
    ]
    alarms = selectors.visible_alarms(request.user).filter(station=station)[:20]
    return render(
        request,
        "monitoring/station.html",
        {
            "title": str(station),
            "object": station,
            "charts": charts,
            "charts_json": json.dumps(charts, ensure_ascii=False),
            "alarms": alarms,
            **record_extras(request, station),
        },
    )


NOTICE_SPEC = ListSpec(
    columns=[
        Column("created_at", "通知时间"),
        Column("kind", "类型"),
        Column("level", "等级"),
        Column("message", "内容", sortable=False, link=True),
        Column("alarm__state", "告警当前状态"),
    ],
    filters={
        "kind": Filter("类型", "kind", choices=AlarmNotice.KINDS),
        "level": Filter("等级", "level", choices=LEVEL_CHOICES),
    },
    search=("message",),
    default_sort="-created_at",
)


@login_required
def notices(request):
    """我的告警通知: the alarms of one's own organisation's stations (raised, escalated) and the
    red alarms escalated to one as 带班领导."""
    mine = restrict(AlarmNotice.objects.select_related("alarm"), request.user).filter(
        recipient=request.user
    )
    return render_list(request, mine, NOTICE_SPEC, "monitoring/notices.html", "告警通知")


@login_required
def rules(request):
    from .choices import LIMITS

    rules = list(selectors.visible_rules(request.user))
    for rule in rules:
        rule.level_rows = [
            {**row, "limit_label": LIMITS.get(row.get("limit"))} for row in rule.levels
        ]
    return render(request, "monitoring/rules.html", {"title": "告警规则", "rules": rules})


acknowledge = action_view(
    fetch=selectors.visible_alarms,
    schema=AcknowledgeIn,
    call=lambda user, alarm, data: services.do_acknowledge_alarm(
        actor=user, alarm=alarm, data=data
    ),
    success="已确认告警。",
    redirect_to=lambda alarm, result: reverse("monitoring:board"),
)

handle = action_view(
    fetch=selectors.visible_alarms,
    schema=HandleIn,
    call=lambda user, alarm, data: services.do_handle_alarm(actor=user, alarm=alarm, data=data),
    success="已记录处置情况。",
)


@requires("monitoring.admin")
def settings_page(request):
    """监测预警设置: escalation time and the 带班领导 (administrators)."""
    from django.contrib.auth import get_user_model

    if request.method == "POST":
        if (data := form_input(request, MonitoringSettingsIn)) is not None:
            run_service(
                request,
                lambda: services.do_update_monitoring_settings(actor=request.user, data=data),
                "监测预警设置已保存。",
            )
        return redirect("monitoring:settings")
    row = services.settings_row()
    chosen = set(row.leaders.values_list("pk", flat=True)) if row.pk else set()
    candidates = (
        get_user_model()
        .objects.filter(is_active=True, memberships__role__in=("city_leader", "city_staff"))
        .distinct()
        .order_by("username")
    )
    return render(
        request,
        "monitoring/settings.html",
        {
            "title": "监测预警设置",
            "row": row,
            "chosen": chosen,
            "candidates": candidates,
            "leaders": services.escalation_leaders(row),
        },
    )


@requires("monitoring.register_stations")
def ingest_tokens(request):
    """数据接入令牌: create (the key shown once), list and revoke one's own."""
    from yingji.orgs.models import Organisation

    new_key = None
    if request.method == "POST":
        if (data := form_input(request, IngestTokenIn)) is not None:
            created = run_service(
                request,
                lambda: services.do_create_ingest_token(actor=request.user, data=data),
                "已创建数据接入令牌。",
            )
            if created:
                new_key = created[1]
    owners = [
        o
        for o in Organisation.objects.select_related("region")
        .defer("region__boundary")
        .exclude(kind="department")
        .order_by("kind", "code")
        if services._may_feed(request.user, o)
    ]
    return render(
        request,
        "monitoring/ingest_tokens.html",
        {
            "title": "数据接入令牌",
            "tokens": restrict(IngestToken.objects.select_related("owner"), request.user),
            "owners": owners,
            "new_key": new_key,
        },
    )


revoke_ingest_token = action_view(
    fetch=lambda user: restrict(IngestToken.objects.all(), user),
    action="change",
    call=lambda user, token, data: services.do_revoke_ingest_token(actor=user, token=token),
    success="已撤销数据接入令牌。",
    redirect_to=lambda token, result: reverse("monitoring:ingest_tokens"),
)


def _my_import(request, pk):
    return get_restricted_or_404(ObservationImport.objects.all(), request.user, "view", pk=pk)


@requires("monitoring.register_stations")
def imports(request):
    """监测数据文件导入: upload a CSV/xlsx; the import then runs in steps on its page."""
    from yingji.core.errors import DomainError

    from . import importing

    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的 CSV 或 xlsx 文件。")
        else:
            try:
                job = importing.do_start_observation_import(actor=request.user, upload=upload)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                return redirect(job.get_absolute_url())
    recent = restrict(ObservationImport.objects.defer("records", "rows"), request.user).filter(
        user=request.user
    )[:20]
    return render(
        request,
        "monitoring/imports.html",
        {"title": "监测数据文件导入", "imports": recent, "chunk": importing.CHUNK},
    )


@login_required
def import_detail(request, pk):
    job = _my_import(request, pk)
    return render(
        request,
        "monitoring/import.html",
        {"title": str(job), "job": job, "rejected": job.rejected[:50]},
    )


@login_required
def import_step(request, pk):
    """htmx: ingest the next chunk and answer the progress (which asks for the next step while
    rows remain)."""
    from django.http import HttpResponseNotAllowed

    from yingji.core.errors import DomainError

    from . import importing

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = get_restricted_or_404(ObservationImport.objects.all(), request.user, "change", pk=pk)
    error = None
    try:
        job = importing.do_continue_observation_import(actor=request.user, job=job)
    except DomainError as exc:
        error = exc.message
    return render(
        request,
        "monitoring/_import_progress.html",
        {"job": job, "rejected": job.rejected[:50], "error": error},
    )


@login_required
def import_rejected(request, pk):
    from yingji.core.webforms import download

    from . import importing

    job = _my_import(request, pk)
    return download(importing.rejected_csv(job), f"拒收行-{job.file_name}.csv")
