"""灾情报送 pages. Thin: fetch through restrict(), parse the POST into the service's schema,
call one service, render or redirect."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingji.core.listing import Column, Filter, ListSpec, render_list, xlsx_stream
from yingji.core.permissions import allows, get_restricted_or_404, requires, restrict
from yingji.core.views import record_extras
from yingji.core.webforms import action_view, form_input, run_service
from yingji.geo.models import Region
from yingji.standards import disaster_stats as stats

from . import selectors, services
from .models import (
    CASUALTY_STATES,
    COMMUNITY_LEVELS,
    COMMUNITY_STATUSES,
    KINDS,
    OFFICER_ROLES,
    RELIEF_KINDS,
    REPORT_KINDS,
    SEXES,
    CasualtyPerson,
    DemoCommunity,
    LossReport,
)
from .permissions import id_number_for, may_see_county
from .schemas import (
    CasualtyChangeIn,
    CasualtyIn,
    CloseProcessIn,
    CommunityApplyIn,
    CommunityCityReviewIn,
    CommunityCountyReviewIn,
    CommunityInspectionIn,
    CommunityRecheckIn,
    CommunityResubmitIn,
    ConfirmIn,
    DeadlinesIn,
    FiguresReleaseIn,
    LinkEventIn,
    LossReportIn,
    OfficerIn,
    ProcessIn,
    QuakeEventIn,
    QuakeIn,
    QuakeRecordIn,
    QuickReportIn,
    ReliefIn,
)

YES_NO = [("yes", "是"), ("no", "否")]


def _by_pk(field: str):
    """A filter on a record number: digits within what every database stores, or refused."""

    def where(value, user):
        if not value.isdigit() or int(value) > 2**31 - 1:
            raise ValueError(value)
        return Q(**{field: int(value)})

    return where


LEVEL_NAMES = {"village": "村(社区)", "township": "乡镇(街道)", "county": "县区", "city": "市"}


def _yes_no(test):
    """A 是/否 filter: ``test(yes: bool) -> Q``; any other value is refused."""

    def where(value, user):
        if value not in ("yes", "no"):
            raise ValueError(value)
        return test(value == "yes")

    return where


PROCESS_SPEC = ListSpec(
    columns=[
        Column("name", "名称", link=True),
        Column("kind", "灾种"),
        Column("region__name", "牵头区划"),
        Column("started_at", "开始时间"),
        Column("ended_at", "结束时间(灾情稳定)"),
    ],
    filters={
        "kind": Filter("灾种", "kind", choices=KINDS),
        "open": Filter(
            "进行中",
            "ended_at",
            choices=YES_NO,
            where=_yes_no(lambda yes: Q(ended_at__isnull=yes)),
        ),
    },
    search=("name",),
    default_sort="-started_at",
)


def _approvable(value, user):
    if value != "approve":
        raise ValueError(value)
    ids = restrict(LossReport.objects.all(), user, "approve").exclude(submitted_by=user)
    return Q(pk__in=ids.values("pk"))


def _figure(code):
    return Column(code, stats.labels()[code], sortable=False, value=lambda r: r.figures.get(code))


REPORT_SPEC = ListSpec(
    columns=[
        Column("pk", "编号", link=True),
        Column("process__name", "灾害过程"),
        Column("region__name", "填报区划"),
        Column("kind", "报告类型"),
        Column("as_of", "数据截至"),
        Column("submitted_at", "报送时间"),
        Column("due_at", "应报时间"),
        Column("is_late", "迟报"),
        Column("confirmed_at", "审核时间"),
        Column("corrects", "更正的报告", sortable=False, value=lambda r: r.corrects_id or None),
        *[_figure(c) for c in selectors.ROLLUP_CODES],
    ],
    filters={
        "process": Filter("灾害过程(编号)", "process_id", where=_by_pk("process_id")),
        "kind": Filter("报告类型", "kind", choices=REPORT_KINDS),
        "region": Filter("区划(代码)", "region__code"),
        "late": Filter(
            "迟报", "is_late", choices=YES_NO, where=_yes_no(lambda yes: Q(is_late=yes))
        ),
        "confirmed": Filter(
            "已审核",
            "confirmed_at",
            choices=YES_NO,
            where=_yes_no(lambda yes: Q(confirmed_at__isnull=not yes)),
        ),
        "mine": Filter("待我审核", "pk", choices=[("approve", "是")], where=_approvable),
    },
    search=("process__name", "region__name"),
    default_sort="-submitted_at",
)

OFFICER_SPEC = ListSpec(
    columns=[
        Column("name", "姓名", link=True),
        Column("phone", "手机号"),
        Column("region__name", "负责区划"),
        Column("region__code", "区划代码"),
        Column("role", "岗位"),
        Column("trained_on", "最近培训日期"),
        Column("certificate_no", "证书编号"),
        Column("active", "在岗"),
    ],
    filters={
        "role": Filter("岗位", "role", choices=OFFICER_ROLES),
        "region": Filter(
            "区划(代码,含下级)",
            "region__code",
            where=lambda v, user: Q(region__path__contains=f"/{v}/"),
        ),
    },
    search=("name", "phone", "region__name"),
    default_sort="region__code",
)


RELIEF_SPEC = ListSpec(
    columns=[
        Column("head_name", "户主姓名", link=True),
        Column("kind", "救助类型"),
        Column("process__name", "灾害过程"),
        Column("region__name", "所在村(社区)"),
        Column("persons", "救助人数"),
        Column("amount", "救助金额(元)"),
        Column("paid_on", "发放日期"),
    ],
    filters={
        "kind": Filter("救助类型", "kind", choices=RELIEF_KINDS),
        "process": Filter("灾害过程(编号)", "process_id", where=_by_pk("process_id")),
        "region": Filter(
            "区划(代码,含下级)",
            "region__code",
            where=lambda v, user: Q(region__path__contains=f"/{v}/"),
        ),
    },
    search=("head_name", "region__name"),
    default_sort="-paid_on",
)


@requires("disasters.open")
def index(request):
    return render_list(
        request,
        selectors.visible_processes(request.user),
        PROCESS_SPEC,
        "disasters/index.html",
        "灾害过程",
        extra={
            "kinds": KINDS,
            "regions": Region.objects.filter(level__in=("city", "county")).order_by("code"),
            "now": timezone.localtime(),
        },
    )


@login_required
@require_POST
def open_process(request):
    data = form_input(request, ProcessIn)
    if data is not None:
        process = run_service(
            request,
            lambda: services.do_open_process(actor=request.user, data=data),
            "已开启灾害过程。",
        )
        if process:
            return redirect(process)
    return redirect("disasters:index")


@login_required
def process_detail(request, pk):
    process = get_restricted_or_404(selectors.visible_processes(request.user), request.user, pk=pk)
    if request.GET.get("export") == "xlsx":
        from django.http import StreamingHttpResponse

        header, rows = selectors.rollup_table(process, request.user)
        response = StreamingHttpResponse(
            xlsx_stream("灾情汇总", header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        from urllib.parse import quote

        name = quote(f"{process.name}-灾情汇总-{timezone.localtime():%Y%m%d-%H%M}.xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response
    reports = selectors.visible_reports(request.user).filter(process=process)[:100]
    rollup = selectors.rollup(process, request.user)
    can_change = restrict(
        type(process).objects.filter(pk=process.pk), request.user, "change"
    ).exists()
    return render(
        request,
        "disasters/process.html",
        {
            "title": str(process),
            "object": process,
            "rollup": rollup,
            "county_pages": _county_pages(request.user, rollup),
            "reports": reports,
            "affected": process.affected_regions.order_by("code"),
            "relief": selectors.relief_summary(process, request.user),
            "casualties": selectors.casualty_counts(process, request.user),
            "can_report": allows(request.user, "disasters.submit_reports"),
            "releases": selectors.process_releases(process, request.user),
            "can_link_event": can_change and allows(request.user, "disasters.manage_processes"),
            "can_release": process.event_id is not None
            and allows(request.user, "disasters.release_figures")
            and allows(request.user, "response.release_draft"),
            "can_close": process.is_open
            and restrict(
                type(process).objects.filter(pk=process.pk), request.user, "change"
            ).exists()
            and allows(request.user, "disasters.manage_processes"),
            "now": timezone.localtime(),
            **record_extras(request, process),
        },
    )


def _county_pages(user, rollup) -> set[str]:
    """The counties of a roll-up whose township page this user may open."""
    from yingji.core.permissions import scope_of

    scope = scope_of(user)
    return {row["region"].code for row in rollup["rows"] if may_see_county(scope, row["region"])}


close_process = action_view(
    fetch=lambda user: selectors.visible_processes(user, "change"),
    schema=CloseProcessIn,
    call=lambda user, process, data: services.do_close_process(
        actor=user, process=process, data=data
    ),
    success="已结束灾害过程(灾情稳定),请在时限内报送核报。",
    action="change",
)


def _figure_fields(values=None):
    values = values or {}
    out = []
    for item in stats.indicators():
        step = "1" if item["kind"] == "int" else "0.01"
        out.append(
            {
                "code": item["code"],
                "label": f"{item['label']}({item['unit']})",
                "group": item["group"],
                "step": step,
                "value": values.get(item["code"], ""),
            }
        )
    return out


@requires("disasters.submit_reports")
def report_new(request, pk):
    process = get_restricted_or_404(selectors.visible_processes(request.user), request.user, pk=pk)
    if request.method == "POST":
        data = form_input(request, LossReportIn)
        if data is not None:
            report = run_service(
                request,
                lambda: services.do_submit_loss_report(
                    actor=request.user, process=process, data=data
                ),
                "已报送。",
            )
            if report:
                return redirect(report)
        values = request.POST
    else:
        values = {}
        corrected = None
        corrects = request.GET.get("corrects", "")
        if corrects.isdigit():
            corrected = (
                selectors.visible_reports(request.user)
                .filter(pk=int(corrects), process=process)
                .first()
            )
        if corrected is not None:
            values = {
                **{k: v for k, v in corrected.figures.items()},
                "region": corrected.region.code,
                "kind": corrected.kind,
                "as_of": corrected.as_of.isoformat() if corrected.as_of else "",
                "corrects": corrected.pk,
                "summary": corrected.summary,
            }
    regions = Region.objects.filter(path__startswith=process.region.path).exclude(level="village")
    return render(
        request,
        "disasters/report_new.html",
        {
            "title": f"报送灾情:{process}",
            "object": process,
            "fields": _figure_fields(values),
            "values": values,
            "kinds": REPORT_KINDS,
            "regions": regions.order_by("code")[:300],
            "today": timezone.localdate(),
        },
    )


@requires("disasters.open")
def report_list(request):
    return render_list(
        request,
        selectors.visible_reports(request.user),
        REPORT_SPEC,
        "disasters/reports.html",
        "灾情报告",
    )


@login_required
def report_detail(request, pk):
    report = get_restricted_or_404(selectors.visible_reports(request.user), request.user, pk=pk)
    can_confirm = (
        report.confirmed_at is None
        and report.submitted_by_id != request.user.pk
        and allows(request.user, "disasters.confirm_reports")
        and restrict(LossReport.objects.filter(pk=report.pk), request.user, "approve").exists()
    )
    return render(
        request,
        "disasters/report.html",
        {
            "title": str(report),
            "object": report,
            "figures": report.figure_rows(),
            "corrections": selectors.visible_reports(request.user).filter(corrects=report),
            "casualties": _with_ids(request.user, report.casualties.select_related("region")),
            "can_confirm": can_confirm,
            "can_correct": allows(request.user, "disasters.submit_reports")
            and restrict(LossReport.objects.filter(pk=report.pk), request.user, "add").exists(),
            **record_extras(request, report),
        },
    )


confirm_report = action_view(
    fetch=selectors.visible_reports,
    schema=ConfirmIn,
    call=lambda user, report, data: services.do_confirm_loss_report(
        actor=user, report=report, data=data
    ),
    success="已审核。",
)


@requires("disasters.open")
def officer_list(request):
    return render_list(
        request,
        selectors.visible_officers(request.user),
        OFFICER_SPEC,
        "disasters/officers.html",
        "灾害信息员",
        extra={"roles": OFFICER_ROLES},
    )


@login_required
@require_POST
def register_officer(request):
    data = form_input(request, OfficerIn)
    if data is not None:
        officer = run_service(
            request,
            lambda: services.do_register_officer(actor=request.user, data=data),
            "已登记灾害信息员。",
        )
        if officer:
            return redirect(officer)
    return redirect("disasters:officers")


@login_required
def officer_detail(request, pk):
    officer = get_restricted_or_404(selectors.visible_officers(request.user), request.user, pk=pk)
    return render(
        request,
        "disasters/officer.html",
        {"title": str(officer), "object": officer, **record_extras(request, officer)},
    )


@requires("disasters.open")
def coverage(request):
    """Coverage of the villages by information officers: a map of the counties coloured by the
    share covered, the counties' table, and for one county (``?county=``) its townships."""
    county = request.GET.get("county") or None
    rows = selectors.coverage(request.user)
    codes = {r["county"].code for r in rows}
    if county not in codes:
        county = None
    shown = [r for r in rows if county is None or r["county"].code == county]
    for r in rows:
        r["colour"], r["band"] = selectors.coverage_band(r["share"])
    map_rows = [
        {
            "name": r["county"].name,
            "code": r["county"].code,
            "share": r["share"],
            "colour": r["colour"],
            "band": r["band"],
            "counts": r["counts"],
            "villages": r["villages"],
        }
        for r in rows
    ]
    return render(
        request,
        "disasters/coverage.html",
        {
            "title": "灾害信息员覆盖情况",
            "rows": shown,
            "counties": [r["county"] for r in rows],
            "county": county,
            "total": sum(r["villages"] for r in shown),
            "covered": sum(r["covered"] for r in shown),
            "states": selectors.COVERAGE_STATES,
            "bands": selectors.COVERAGE_BANDS,
            "map_rows": map_rows,
        },
    )


@requires("disasters.submit_reports")
def quick(request):
    """信息员首报: a phone-sized page, large fields, the officer's own village preselected."""
    values = {}
    if request.method == "POST":
        data = form_input(request, QuickReportIn)
        if data is not None:
            report = run_service(
                request,
                lambda: services.do_submit_quick_report(
                    actor=request.user, data=data, photos=request.FILES.getlist("photos")
                ),
                "首报已报送,乡镇和县区将核实。",
            )
            if report:
                return redirect(report)
        values = request.POST
    own = selectors.officer_regions(request.user)
    return render(
        request,
        "disasters/quick.html",
        {
            "title": "灾情首报",
            "processes": selectors.open_processes(request.user)[:20],
            "regions": own,
            "values": values,
        },
    )


@requires("disasters.open")
def deadlines(request):
    from .models import DeadlineSetting

    setting = restrict(DeadlineSetting.objects.all(), request.user).order_by("pk").first()
    if request.method == "POST":
        data = form_input(request, DeadlinesIn)
        if data is not None and run_service(
            request,
            lambda: services.do_set_deadlines(actor=request.user, data=data),
            "已修改报送时限。",
        ):
            return redirect("disasters:deadlines")
    rules = selectors.deadline_rules()
    rows = [
        {
            "level": level,
            "label": label,
            "initial": rules["initial"]["hours"][level],
            "followup": rules["followup"]["hour"][level],
            "verified": rules["verified"]["days"][level],
        }
        for level, label in LEVEL_NAMES.items()
    ]
    return render(
        request,
        "disasters/deadlines.html",
        {
            "title": "灾情报送时限",
            "rows": rows,
            "notes": [rules[k].get("note", "") for k in ("initial", "followup", "verified")],
            "setting": setting,
            "source": stats.table()["source"],
            "confidence": stats.table()["confidence"],
            "can_edit": allows(request.user, "disasters.edit_deadlines"),
            "back": reverse("disasters:index"),
        },
    )


@requires("disasters.open")
def quake(request):
    """地震烈度快速估算: a GET form; the result lists the districts by estimated intensity with
    the exposed population and the suggested level, and draws them on the map. Saving it
    (POST to quake_record_new) keeps it as a record."""
    from yingji.core.schemas import summary, validate
    from yingji.standards import quake as rules

    result, data = None, None
    if request.GET.get("magnitude"):
        parsed = validate(QuakeIn, {k: v for k, v in request.GET.items() if v != ""})
        if parsed.ok:
            data = parsed.data
            result = selectors.quake_assessment(data)
        else:
            from django.contrib import messages

            messages.error(request, summary(parsed.errors))
    rows = result["rows"] if result else []
    townships = result["townships"] if result else []
    return render(
        request,
        "disasters/quake.html",
        {
            **_township_context(request, townships, result["township_note"] if result else ""),
            "title": "地震烈度快速估算",
            "rows": rows,
            "data": data,
            "result": result,
            "values": request.GET,
            "now": timezone.localtime(),
            "models": [(k, m["label"]) for k, m in rules.models().items()],
            "can_record": allows(request.user, "disasters.record_quake"),
            "hidden": [
                (k, request.GET.get(k, ""))
                for k in ("lon", "lat", "magnitude", "depth", "strike", "model")
                if request.GET.get(k, "") != ""
            ],
            "estimates": selectors.visible_quake_estimates(request.user)[:20],
            "map_data": selectors.quake_map_data(
                data.lon, data.lat, rows, result["isoseismals"], townships
            )
            if data
            else None,
        },
    )


@login_required
@require_POST
def quake_record_new(request):
    data = form_input(request, QuakeRecordIn)
    if data is not None:
        estimate = run_service(
            request,
            lambda: services.do_record_quake_estimate(actor=request.user, data=data),
            "已保存烈度估算。",
        )
        if estimate:
            return redirect(estimate)
    return redirect(reverse("disasters:quake") + "?" + request.POST.urlencode())


def _township_context(request, townships: list[dict], note: str) -> dict:
    """The township table's rows in the order asked (``?tsort=``), keeping the other query
    parameters (the estimate's input on the estimate page) in the sort links."""
    sort, rows = selectors.sort_townships(townships, request.GET.get("tsort"))
    query = request.GET.copy()
    query.pop("tsort", None)
    encoded = query.urlencode()
    return {
        "townships": rows,
        "township_note": note,
        "township_sort": sort,
        "township_sorts": list(selectors.TOWNSHIP_SORTS.items()),
        "sort_query": f"{encoded}&" if encoded else "",
    }


@login_required
def quake_record(request, pk):
    from yingji.standards import quake as rules

    estimate = get_restricted_or_404(
        selectors.visible_quake_estimates(request.user), request.user, pk=pk
    )
    outlines = (
        rules.isoseismals(
            estimate.model, estimate.magnitude, (estimate.lon, estimate.lat), estimate.strike
        )
        if estimate.model in rules.models()
        else []  # a model no longer known: the record is shown without outlines
    )
    can_start = (
        estimate.event_id is None
        and allows(request.user, "disasters.record_quake")
        and allows(request.user, "response.intake")
        and restrict(type(estimate).objects.filter(pk=estimate.pk), request.user, "change").exists()
    )
    return render(
        request,
        "disasters/quake_record.html",
        {
            "title": str(estimate),
            "object": estimate,
            "model_label": rules.models().get(estimate.model, {}).get("label", estimate.model),
            "can_start": can_start,
            "map_data": selectors.quake_map_data(
                estimate.lon, estimate.lat, estimate.rows, outlines, estimate.townships
            ),
            **_township_context(request, estimate.townships, estimate.township_note),
            **record_extras(request, estimate),
        },
    )


start_quake_event = action_view(
    fetch=selectors.visible_quake_estimates,
    schema=QuakeEventIn,
    call=lambda user, estimate, data: services.do_start_quake_event(
        actor=user, estimate=estimate, data=data
    ),
    success="已在应急响应中接报地震事件。",
    action="change",
)


link_process_event = action_view(
    fetch=lambda user: selectors.visible_processes(user, "change"),
    schema=LinkEventIn,
    call=lambda user, process, data: services.do_link_process_event(
        actor=user, process=process, data=data
    ),
    success="已关联突发事件。",
    action="change",
)


draft_figures_release = action_view(
    fetch=selectors.visible_processes,
    schema=FiguresReleaseIn,
    call=lambda user, process, data: services.do_draft_figures_release(
        actor=user, process=process, data=data
    ),
    success="已起草灾情信息发布稿,送政策法规科(办公室)审核。",
    redirect_to=lambda process, release: release.get_absolute_url(),
)


@requires("disasters.open")
def relief_list(request):
    return render_list(
        request,
        selectors.visible_relief(request.user),
        RELIEF_SPEC,
        "disasters/relief.html",
        "救助记录",
        extra={"kinds": RELIEF_KINDS, "processes": selectors.visible_processes(request.user)[:50]},
    )


@login_required
@require_POST
def record_relief(request):
    data = form_input(request, ReliefIn)
    if data is not None:
        record = run_service(
            request,
            lambda: services.do_record_relief(actor=request.user, data=data),
            "已登记救助。",
        )
        if record:
            return redirect(record)
    return redirect("disasters:relief")


@login_required
def relief_detail(request, pk):
    record = get_restricted_or_404(selectors.visible_relief(request.user), request.user, pk=pk)
    return render(
        request,
        "disasters/relief_record.html",
        {"title": str(record), "object": record, **record_extras(request, record)},
    )


def _with_ids(user, persons):
    """The persons with ``shown_id`` (full or masked for this user)."""
    show = id_number_for(user)
    out = list(persons)
    for p in out:
        p.shown_id = show(p)
    return out


def _casualty_spec(user) -> ListSpec:
    show = id_number_for(user)
    return ListSpec(
        columns=[
            Column("name", "姓名", link=True),
            Column("sex", "性别"),
            Column("age", "年龄"),
            Column("id_number", "身份证号", sortable=False, value=show),
            Column("process__name", "灾害过程"),
            Column("region__name", "统计区划"),
            Column("residence__name", "户籍(居住)地"),
            Column("state", "状态"),
            Column("occurred_on", "日期"),
            Column("cause", "原因"),
            Column("is_current", "现行版本"),
        ],
        filters={
            "process": Filter("灾害过程(编号)", "process_id", where=_by_pk("process_id")),
            "state": Filter("状态", "state", choices=CASUALTY_STATES),
            "current": Filter(
                "现行版本",
                "is_current",
                choices=YES_NO,
                where=_yes_no(lambda yes: Q(is_current=yes)),
            ),
            "region": Filter(
                "区划(代码,含下级)",
                "region__code",
                where=lambda v, user: Q(region__path__contains=f"/{v}/"),
            ),
        },
        search=("name", "region__name", "cause"),
        default_sort="region__code",
    )


@requires("disasters.open")
def casualty_list(request):
    return render_list(
        request,
        selectors.visible_casualties(request.user),
        _casualty_spec(request.user),
        "disasters/casualties.html",
        "死亡失踪人员名单",
        extra={"can_record": allows(request.user, "disasters.submit_reports")},
    )


@requires("disasters.submit_reports")
def record_casualty(request):
    values = request.GET
    if request.method == "POST":
        data = form_input(request, CasualtyIn)
        if data is not None:
            person = run_service(
                request,
                lambda: services.do_record_casualty(actor=request.user, data=data),
                "已登记。该区划及以上的下一份报告须与名单人数一致。",
            )
            if person:
                return redirect(person)
        values = request.POST
    return render(
        request,
        "disasters/casualty_new.html",
        {
            "title": "登记死亡失踪人员",
            "values": values,
            "processes": selectors.visible_processes(request.user)[:50],
            "regions": selectors.officer_regions(request.user),
            "sexes": SEXES,
            "today": timezone.localdate(),
        },
    )


@login_required
def casualty_detail(request, pk):
    person = get_restricted_or_404(selectors.visible_casualties(request.user), request.user, pk=pk)
    chain, step = [], person
    while step.supersedes_id:
        step = step.supersedes
        chain.append(step)
    newer = getattr(person, "superseded_by", None) if not person.is_current else None
    can_change = (
        person.is_current
        and person.state == "missing"
        and allows(request.user, "disasters.submit_reports")
        and restrict(CasualtyPerson.objects.filter(pk=person.pk), request.user, "change").exists()
    )
    return render(
        request,
        "disasters/casualty.html",
        {
            "title": str(person),
            "object": person,
            "shown_id": id_number_for(request.user)(person),
            "earlier": chain,
            "newer": newer,
            "reports": selectors.visible_reports(request.user).filter(casualties=person),
            "can_change": can_change,
            "today": timezone.localdate(),
            **record_extras(request, person),
        },
    )


change_casualty = action_view(
    fetch=lambda user: selectors.visible_casualties(user, "change"),
    schema=CasualtyChangeIn,
    call=lambda user, person, data: services.do_change_casualty_state(
        actor=user, person=person, data=data
    ),
    success="已变更状态(新版本);下一份报告须按新名单填报。",
    action="change",
    redirect_to=lambda person, result: result,
)


@login_required
def process_docx(request, pk):
    """灾情报告 (Word) of a process at the city level, or at a county (``?region=``)."""
    from urllib.parse import quote

    from django.http import Http404, HttpResponse

    from .documents import disaster_report_docx

    process = get_restricted_or_404(selectors.visible_processes(request.user), request.user, pk=pk)
    county = None
    code = request.GET.get("region", "")
    if code:
        county = Region.objects.filter(code=code, level="county").first()
        if (
            county is None
            or not restrict(
                LossReport.objects.filter(region__path__startswith=county.path), request.user
            ).exists()
        ):
            raise Http404
    data = disaster_report_docx(process, request.user, county)
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    where = county.name if county else process.region.name
    name = quote(f"{process.name}-{where}灾情报告-{timezone.localtime():%Y%m%d-%H%M}.docx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


# --- 综合减灾示范社区 (T54) -------------------------------------------------------------------

COMMUNITY_SPEC = ListSpec(
    columns=[
        Column("region__name", "社区(村)", link=True),
        Column("region__code", "区划代码"),
        Column(
            "county",
            "县区",
            sortable=False,
            value=lambda c: (selectors.county_of(c.region) or c.region).name,
        ),
        Column("level", "申报级别"),
        Column("year", "创建年度"),
        Column("status", "状态"),
        Column("self_total", "自评总分"),
        Column("county_total", "县区评分"),
        Column("named_on", "命名日期"),
        Column("naming_doc", "命名文号"),
        Column("rechecked_on", "最近复核日期"),
    ],
    filters={
        "status": Filter("状态", "status", choices=COMMUNITY_STATUSES),
        "level": Filter("申报级别", "level", choices=COMMUNITY_LEVELS),
        "year": Filter("创建年度", "year", where=_by_pk("year")),
        "county": Filter(
            "县区(代码)",
            "region__code",
            where=lambda v, user: Q(region__path__contains=f"/{v}/"),
        ),
    },
    search=("region__name", "contact"),
    default_sort="-year",
)


DRAFT_KEY = "disasters.community_apply_draft"


def _apply_draft(request) -> dict | None:
    """The application the user typed before it was refused (kept for one showing, files
    excepted: a browser cannot refill a file field)."""
    draft = request.session.pop(DRAFT_KEY, None)
    return draft if isinstance(draft, dict) else None


def _criteria_with(draft: dict | None) -> dict:
    """The checklist for the form, filled from a refused draft when there is one."""
    criteria = selectors.community_criteria()
    if not draft:
        return criteria
    met = set(draft.get("conditions") or [])
    return {
        **criteria,
        "conditions": [
            {**c, "met": c["code"] in met, "note": draft.get(f"evidence_{c['code']}", "")}
            for c in criteria["conditions"]
        ],
        "elements": [
            {
                **e,
                "value": draft.get(f"score_{e['code']}") or None,
                "note": draft.get(f"evidence_{e['code']}", ""),
            }
            for e in criteria["elements"]
        ],
    }


@requires("disasters.open")
def community_list(request):
    year = timezone.localdate().year
    draft = _apply_draft(request)
    return render_list(
        request,
        selectors.visible_communities(request.user),
        COMMUNITY_SPEC,
        "disasters/communities.html",
        "综合减灾示范社区",
        extra={
            "progress": selectors.community_progress(request.user, year),
            "criteria": _criteria_with(draft),
            "draft": draft,
            "levels": COMMUNITY_LEVELS,
            "year": year,
            "can_apply": allows(request.user, "disasters.apply_community"),
        },
    )


def _criterion_codes() -> list[str]:
    criteria = selectors.community_criteria()
    return [c["code"] for c in criteria["conditions"] + criteria["elements"]]


def _evidence_files(request) -> dict:
    """code → the files uploaded as the evidence of that criterion (``evidence_file_<code>``)."""
    return {
        c: request.FILES.getlist(f"evidence_file_{c}")
        for c in _criterion_codes()
        if request.FILES.getlist(f"evidence_file_{c}")
    }


def _checklist_input(request, schema):
    """The form as the schema's input: the element scores come as ``score_<code>`` fields and
    are gathered into ``scores`` (the API sends the dict itself)."""
    from django.contrib import messages

    from yingji.core.schemas import form_data, summary, validate

    data = form_data(schema, request.POST)
    if "scores" in schema.model_fields:
        codes = [e["code"] for e in selectors.community_criteria()["elements"]]
        scores = {c: request.POST[f"score_{c}"] for c in codes if request.POST.get(f"score_{c}")}
        if scores:
            data["scores"] = scores
    if "evidence" in schema.model_fields:
        data["evidence"] = {
            c: request.POST[f"evidence_{c}"]
            for c in _criterion_codes()
            if request.POST.get(f"evidence_{c}", "").strip()
        }
    parsed = validate(schema, data)
    if not parsed.ok:
        messages.error(request, summary(parsed.errors))
        return None
    return parsed.data


@login_required
@require_POST
def apply_community(request):
    data = _checklist_input(request, CommunityApplyIn)
    if data is not None:
        community = run_service(
            request,
            lambda: services.do_apply_demo_community(
                actor=request.user, data=data, files=_evidence_files(request)
            ),
            "已登记示范社区申报,待县区初审。",
        )
        if community:
            return redirect(community)
    # refused: keep what was typed for the form (not the files), shown once
    request.session[DRAFT_KEY] = {
        k: (request.POST.getlist(k) if k == "conditions" else request.POST.get(k, "")[:4000])
        for k in request.POST
        if k != "csrfmiddlewaretoken"
    }
    return redirect(reverse("disasters:communities") + "#apply-community")


def _community_action(schema, service, success, action="view"):
    @login_required
    @require_POST
    def view(request, pk):
        community = get_restricted_or_404(
            selectors.visible_communities(request.user), request.user, action, pk=pk
        )
        data = _checklist_input(request, schema)
        extra = {"files": _evidence_files(request)} if "evidence" in schema.model_fields else {}
        if data is not None:
            run_service(
                request,
                lambda: service(actor=request.user, community=community, data=data, **extra),
                success,
            )
        return redirect(community)

    view.action_schema = schema
    return view


resubmit_community = _community_action(
    CommunityResubmitIn, services.do_resubmit_demo_community, "已重新申报。", "add"
)
review_community_county = _community_action(
    CommunityCountyReviewIn, services.do_review_demo_community_county, "已办理县区初审。", "approve"
)
review_community_city = _community_action(
    CommunityCityReviewIn, services.do_review_demo_community_city, "已办理市级评审。", "change"
)
recheck_community = _community_action(
    CommunityRecheckIn, services.do_recheck_demo_community, "已办理复核。", "change"
)
inspect_community = _community_action(
    CommunityInspectionIn, services.do_record_community_inspection, "已登记督查。"
)


@login_required
def community_detail(request, pk):
    user = request.user
    community = get_restricted_or_404(selectors.visible_communities(user), user, pk=pk)
    criteria = selectors.community_criteria()
    one = DemoCommunity.objects.filter(pk=community.pk)
    status = community.status
    city = allows(user, "disasters.review_community_city") and (
        restrict(one, user, "change").exists()
    )
    evidence = selectors.community_evidence(user, community)
    return render(
        request,
        "disasters/community.html",
        {
            "title": str(community),
            "object": community,
            "county": selectors.county_of(community.region),
            "elements": [
                {
                    **e,
                    "self": community.self_scores.get(e["code"]),
                    "county": community.county_scores.get(e["code"]),
                    "evidence": evidence.get(e["code"]),
                }
                for e in criteria["elements"]
            ],
            "conditions": [
                {
                    **c,
                    "met": bool(community.conditions.get(c["code"])),
                    "evidence": evidence.get(c["code"]),
                }
                for c in criteria["conditions"]
            ],
            "pass_mark": criteria["pass_mark"],
            "inspections": selectors.visible_inspections(user).filter(community=community),
            "can_resubmit": status == "returned"
            and allows(user, "disasters.apply_community")
            and restrict(one, user, "add").exists(),
            "can_county_review": status == "applied"
            and allows(user, "disasters.review_community_county")
            and restrict(one, user, "approve").exists(),
            "can_city_review": status == "county_passed" and city,
            "can_recheck": status == "named" and city,
            "can_inspect": status in ("applied", "returned", "county_passed", "named") and city,
            "today": timezone.localdate(),
            **record_extras(request, community),
        },
    )


@login_required
def county_rollup(request, pk, code):
    """A county's page of its townships: confirmed figures, the pending gaps, the townships
    listed as affected that have not reported, late reports; xlsx export. The city sees every
    county's, a county its own."""
    from yingji.core.permissions import scope_of

    user = request.user
    process = get_restricted_or_404(selectors.visible_processes(user), user, pk=pk)
    county = Region.objects.filter(code=code, level="county").first()
    if county is None or not may_see_county(scope_of(user), county):
        from django.http import Http404

        raise Http404
    if request.GET.get("export") == "xlsx":
        from urllib.parse import quote

        from django.http import StreamingHttpResponse

        header, rows = selectors.county_rollup_table(process, user, county)
        response = StreamingHttpResponse(
            xlsx_stream("乡镇汇总", header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = quote(
            f"{process.name}-{county.name}乡镇汇总-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response
    return render(
        request,
        "disasters/county_rollup.html",
        {
            "title": f"{county.name}乡镇汇总:{process.name}",
            "object": process,
            "county": county,
            "rollup": selectors.county_rollup(process, user, county),
        },
    )


@login_required
def process_table_xlsx(request, pk):
    """自然灾害损失情况统计表 (the 统计调查制度 layout) of a process: the city's (counties and
    their townships) or a county's (``?region=<code>``: its townships and its own report)."""
    from urllib.parse import quote

    from django.http import Http404, HttpResponse

    from yingji.core.permissions import scope_of

    from .statforms import TITLE, loss_table_xlsx

    user = request.user
    process = get_restricted_or_404(selectors.visible_processes(user), user, pk=pk)
    county = None
    code = request.GET.get("region", "")
    if code:
        county = Region.objects.filter(code=code, level="county").first()
        if county is None or not may_see_county(scope_of(user), county):
            raise Http404
    response = HttpResponse(
        loss_table_xlsx(process, user, county),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    where = county.name if county else process.region.name
    name = quote(f"{process.name}-{where}{TITLE}-{timezone.localtime():%Y%m%d-%H%M}.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
