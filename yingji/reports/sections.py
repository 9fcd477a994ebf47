"""The figures of a 研判简报, section by section. Each section asks the module that holds the
data through that module's selectors (``visible_*``, ``overdue_q``, ``review_q``…) and filters
on that module's own fields only (tests/test_architecture.py refuses joins through a third
app). The figures are computed as a reader of the brief's region (see RegionReader), limited
to that region, so that they do not depend on who pressed 生成; the service checks that
the drafter may produce a brief for that region.

A section answers ``{"key", "title", "source", "metrics": [...], "tables", "charts", "items"}``
(a snapshot made before the by-industry breakdown has one ``table`` and one ``chart``:
``selectors.section_tables`` and ``section_charts`` read both shapes);
a metric is ``{"key", "label", "value", "prev", "yoy", "compare"}``: ``compare`` is false for
a figure that is a state at generation time (e.g. 当前逾期) rather than a count over the period.
``prev``/``yoy`` are None where the module holds no data that old ("where data exists")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from yingji.core.permissions import Scope

from .periods import Period


class RegionReader:
    """A stand-in user (never saved, never logs in) who reads what the region's own people read:
    the city leadership's read-only scope for the city, a county bureau's read-only scope for a
    county. So a county brief counts what the county's pages show its staff (e.g. not the
    hazards of city-supervised enterprises located there), and a city brief what the leaders see."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None
    id = None
    username = "研判简报"

    def __init__(self, region):
        if region.level == "city":
            scope = Scope(
                user_id=0, read_all=True, read_only=True, roles=frozenset({"city_leader"})
            )
        else:
            from yingji.orgs.models import Organisation

            bureaus = list(Organisation.objects.filter(kind="county_bureau", region=region))
            scope = Scope(
                user_id=0,
                read_only=True,
                roles=frozenset({"county_staff"}),
                region_paths=(region.path,),
                org_ids=frozenset(o.pk for o in bureaus),
                org_paths=tuple(o.path for o in bureaus),
            )
        self._yingji_scope = scope


def bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """Aware local datetimes [start 00:00, day after end 00:00)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def in_period(field: str, period: Period, *, datetime: bool) -> Q:
    if datetime:
        start, end = bounds(period)
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def under(region, field: str) -> Q:
    """Rows located in the region's subtree (``field`` is a region FK's ``…path``)."""
    return Q(**{f"{field}__startswith": region.path})


def _first(qs, field: str) -> dt.date | None:
    value = qs.aggregate(first=Min(field))["first"]
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    source: str
    labels: dict[str, str]  # period metrics (compared)
    now_labels: dict[str, str]  # state at generation time (not compared)
    period_counts: Callable  # (reader, region, period) -> dict
    now_counts: Callable | None  # (reader, region, today, period) -> dict
    first_day: Callable | None  # (reader, region) -> date | None
    details: Callable | None  # (reader, region, period, today) -> dict (table/chart/items)


# --- 工作要点推进 (workplan, T1–T68) -------------------------------------------------------


def _workplan_period(reader, region, period):
    from yingji.workplan.selectors import visible_reports

    qs = visible_reports(reader).filter(
        in_period("submitted_at", period, datetime=True),
        under(region, "assignment__organisation__region__path"),
    )
    agg = qs.aggregate(n=Count("pk"), accepted=Count("pk", filter=Q(state="accepted")))
    return {"reports": agg["n"], "accepted": agg["accepted"]}


def _workplan_now(reader, region, today, period=None):
    from yingji.workplan.selectors import overdue_q, visible_assignments

    qs = visible_assignments(reader).filter(under(region, "organisation__region__path"))
    return {"overdue": qs.filter(overdue_q(today)).count()}


def _workplan_first(reader, region):
    from yingji.workplan.selectors import visible_reports

    return _first(visible_reports(reader), "submitted_at")


def _workplan_details(reader, region, period, today):
    from yingji.workplan.selectors import overdue_q, visible_assignments

    rows = (
        visible_assignments(reader)
        .filter(under(region, "organisation__region__path"), overdue_q(today))
        .order_by("due", "pk")[:8]
    )
    return {
        "items": [
            {
                "text": f"{a.organisation.name}:{a.task.ref} {a.task.text[:40]}"
                f"(时限{a.due or a.task.due or '—'})",
                "url": a.task.get_absolute_url(),
            }
            for a in rows
        ],
        "items_title": "逾期未完成的工作任务(前8项)",
    }


# --- 隐患排查治理 (hazards, T17–T20) -------------------------------------------------------


def _hazards(reader, region):
    from yingji.hazards.selectors import visible_hazards

    return visible_hazards(reader).filter(under(region, "region__path")).exclude(state="void")


def _hazards_period(reader, region, period):
    qs = _hazards(reader, region)
    found = in_period("found_on", period, datetime=False)
    closed = in_period("closed_at", period, datetime=True) & Q(state="closed")
    return qs.aggregate(
        new=Count("pk", filter=found),
        new_major=Count("pk", filter=found & Q(level="major")),
        closed=Count("pk", filter=closed),
    )


def _hazards_now(reader, region, today, period=None):
    from yingji.hazards.choices import OPEN_STATES
    from yingji.hazards.selectors import overdue_q

    qs = _hazards(reader, region)
    return qs.aggregate(
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("pk", filter=overdue_q(today)),
        major_open=Count("pk", filter=Q(state__in=OPEN_STATES, level="major")),
    )


def _hazards_first(reader, region):
    return _first(_hazards(reader, region), "found_on")


def industry_label(code: str) -> str:
    """The hazard's 行业领域 as the hazard statistics page names it: an enterprise's sector, a
    public place's hazard category (城镇燃气, 消防安全…), 未注明行业 when empty."""
    from yingji.enterprises.choices import SECTOR_LABELS
    from yingji.hazards.choices import CATEGORY_LABELS

    if not code:
        return "未注明行业"
    return SECTOR_LABELS.get(code) or CATEGORY_LABELS.get(code) or code


def _breakdown(rows_of, title: str, first: str) -> tuple[dict, dict]:
    """A table (新增, 销号, 当前逾期) and a chart (新增, 销号) from [(name, counts)]."""
    rows = [[n, c["new"], c["closed"], c["overdue"]] for n, c in rows_of if any(c.values())]
    table = {"title": title, "columns": [first, "新增", "销号", "当前逾期"], "rows": rows}
    chart = {
        "title": f"隐患新增与销号({title})",
        "names": [r[0] for r in rows],
        "series": [
            {"name": "新增", "values": [r[1] for r in rows]},
            {"name": "销号", "values": [r[2] for r in rows]},
        ],
    }
    return table, chart


def _hazards_details(reader, region, period, today):
    """By county (the region's children) and by industry (the hazard's own 行业领域, the field
    the hazard statistics page groups by): new and closed in the period, overdue now."""
    from yingji.geo.models import Region
    from yingji.hazards.selectors import overdue_q

    qs = _hazards(reader, region)
    found = in_period("found_on", period, datetime=False)
    closed = in_period("closed_at", period, datetime=True) & Q(state="closed")
    counts = {
        "new": Count("pk", filter=found),
        "closed": Count("pk", filter=closed),
        "overdue": Count("pk", filter=overdue_q(today)),
    }
    areas = list(Region.objects.filter(parent=region).order_by("code").only("name", "path"))
    by_area = [
        (a.name, qs.filter(under(a, "region__path")).aggregate(**counts)) for a in areas or [region]
    ]
    by_sector: dict[str, dict] = {}
    for row in qs.values("sector").annotate(**counts).order_by():
        label = industry_label(row["sector"])
        into = by_sector.setdefault(label, {"new": 0, "closed": 0, "overdue": 0})
        for k in into:
            into[k] += row[k]
    ordered = sorted(by_sector.items(), key=lambda kv: (-kv[1]["new"], -kv[1]["overdue"], kv[0]))
    area_table, area_chart = _breakdown(by_area, "分区域", "区域")
    sector_table, sector_chart = _breakdown(ordered, "分行业", "行业领域")
    return {"tables": [area_table, sector_table], "charts": [area_chart, sector_chart]}


# --- 企业风险分级 (risk, T12–T13) ----------------------------------------------------------


def _enterprise_ids(reader, region):
    from yingji.enterprises.selectors import visible_enterprises

    return visible_enterprises(reader).filter(under(region, "region__path")).values("pk")


def _risk_period(reader, region, period):
    from yingji.risk.selectors import visible_colour_changes

    qs = visible_colour_changes(reader).filter(
        in_period("created_at", period, datetime=True),
        enterprise_id__in=_enterprise_ids(reader, region),
    )
    up = Q(new_colour__in=("red", "orange")) & ~Q(old_colour__in=("red", "orange"))
    down = Q(old_colour__in=("red", "orange")) & ~Q(new_colour__in=("red", "orange"))
    return qs.aggregate(
        changes=Count("pk"), up=Count("pk", filter=up), down=Count("pk", filter=down)
    )


def _risk_now(reader, region, today, period=None):
    from yingji.risk.selectors import colours_of

    colours = list(
        colours_of(_enterprise_ids(reader, region).values_list("pk", flat=True)).values()
    )
    return {"red": colours.count("red"), "orange": colours.count("orange")}


def _risk_details(reader, region, period, today):
    """重点企业: the red (重大风险) enterprises of the region, then the orange ones (up to 10)."""
    from yingji.risk.selectors import enterprises_coloured

    items = []
    for colour, label in (("red", "红色"), ("orange", "橙色")):
        rows = (
            _visible_enterprises(reader, region)
            .filter(pk__in=enterprises_coloured(colour))
            .order_by("organisation__name", "pk")[: 10 - len(items)]
        )
        items += [
            {"text": f"{e.name}({label},{e.region.name})", "url": e.get_absolute_url()}
            for e in rows
        ]
    return {"items_title": "重点企业(红色、橙色风险,前10家)", "items": items}


def _visible_enterprises(reader, region):
    from yingji.enterprises.selectors import visible_enterprises

    return visible_enterprises(reader).filter(under(region, "region__path"))


def _risk_first(reader, region):
    from yingji.risk.selectors import visible_colour_changes

    return _first(visible_colour_changes(reader), "created_at")


# --- 执法检查 (inspections, T22–T26) -------------------------------------------------------


def _inspections_period(reader, region, period):
    from yingji.inspections.selectors import visible_findings, visible_inspections

    inspections = visible_inspections(reader).filter(
        in_period("inspected_on", period, datetime=False),
        state="completed",
        enterprise_id__in=_enterprise_ids(reader, region),
    )
    done = inspections.count()
    findings = visible_findings(reader).filter(inspection__in=inspections.values("pk"))
    agg = findings.aggregate(n=Count("pk"), major=Count("pk", filter=Q(level="major")))
    return {"done": done, "findings": agg["n"], "major": agg["major"]}


def _inspections_first(reader, region):
    from yingji.inspections.selectors import visible_inspections

    return _first(visible_inspections(reader), "inspected_on")


# --- 监测告警 (monitoring, T16) ------------------------------------------------------------


def _alarms(reader, region):
    from yingji.monitoring.selectors import visible_alarms

    return visible_alarms(reader).filter(under(region, "station__region__path"))


def _monitoring_period(reader, region, period):
    qs = _alarms(reader, region).filter(in_period("raised_at", period, datetime=True))
    return qs.aggregate(
        alarms=Count("pk"),
        red=Count("pk", filter=Q(peak_level="red")),
        orange=Count("pk", filter=Q(peak_level="orange")),
    )


def _monitoring_now(reader, region, today, period=None):
    from yingji.monitoring.choices import ACTIVE_STATES

    return {"active": _alarms(reader, region).filter(state__in=ACTIVE_STATES).count()}


def _monitoring_first(reader, region):
    return _first(_alarms(reader, region), "raised_at")


# --- 预警信息发布 (warnings, T44) ----------------------------------------------------------

SENT_STATES = ("released", "updated", "cancelled", "expired")


def _warnings(reader, region):
    from yingji.warnings.selectors import visible_warnings

    qs = visible_warnings(reader).filter(state__in=SENT_STATES)
    if region.level == "city":
        return qs
    return qs.filter(
        pk__in=visible_warnings(reader).filter(under(region, "regions__path")).values("pk")
    )


def _warnings_period(reader, region, period):
    qs = _warnings(reader, region).filter(in_period("sent", period, datetime=True))
    return qs.aggregate(
        sent=Count("pk"),
        red=Count("pk", filter=Q(level="red")),
        orange=Count("pk", filter=Q(level="orange")),
    )


def _warnings_first(reader, region):
    return _first(_warnings(reader, region), "sent")


# --- 突发事件 (response, T36–T41) ----------------------------------------------------------


def _events(reader, region, period):
    from yingji.response.selectors import visible_events

    return visible_events(reader).filter(
        under(region, "region__path"), in_period("occurred_at", period, datetime=True)
    )


def _response_period(reader, region, period):
    agg = _events(reader, region, period).aggregate(
        events=Count("pk"),
        accidents=Count("pk", filter=~Q(grade="")),
        larger=Count("pk", filter=Q(grade__in=("larger", "major", "especially_major"))),
        deaths=Sum("deaths"),
    )
    agg["deaths"] = agg["deaths"] or 0
    return agg


def _response_first(reader, region):
    from yingji.response.selectors import visible_events

    return _first(visible_events(reader), "occurred_at")


def _response_details(reader, region, period, today):
    rows = _events(reader, region, period).order_by("-occurred_at")[:10]
    return {
        "items_title": "本期事件(最近10起)",
        "items": [
            {
                "text": f"{timezone.localtime(e.occurred_at):%m月%d日} {e.title}"
                f"({e.get_grade_display() or '未定级'},死亡{e.deaths}人)",
                "url": e.get_absolute_url(),
            }
            for e in rows
        ],
    }


# --- 灾情 (disasters, T52–T56) -------------------------------------------------------------


def _processes(reader, region):
    from yingji.disasters.selectors import visible_processes

    qs = visible_processes(reader)
    if region.level == "city":
        return qs
    return qs.filter(
        Q(under(region, "region__path"))
        | Q(pk__in=qs.filter(under(region, "affected_regions__path")).values("pk"))
    )


def _disasters_period(reader, region, period):
    from yingji.disasters.selectors import visible_reports

    processes = _processes(reader, region).filter(in_period("started_at", period, datetime=True))
    reports = visible_reports(reader).filter(
        under(region, "region__path"), in_period("submitted_at", period, datetime=True)
    )
    agg = reports.aggregate(n=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
    return {"processes": processes.count(), "reports": agg["n"], "late": agg["late"]}


def _disasters_first(reader, region):
    return _first(_processes(reader, region), "started_at")


def _disasters_details(reader, region, period, today):
    rows = _processes(reader, region).filter(in_period("started_at", period, datetime=True))
    return {
        "items_title": "本期灾害过程",
        "items": [
            {
                "text": f"{p.name}({p.get_kind_display()},"
                f"{timezone.localtime(p.started_at):%m月%d日}开始"
                f"{',已稳定' if p.ended_at else ''})",
                "url": p.get_absolute_url(),
            }
            for p in rows.order_by("-started_at")[:10]
        ],
    }


# --- 预案与演练 (plans, T31–T32) -----------------------------------------------------------


def _plans_period(reader, region, period):
    from yingji.plans.selectors import visible_drills

    drills = visible_drills(reader).filter(
        under(region, "region__path"), in_period("held_on", period, datetime=False)
    )
    return {"drills": drills.count()}


def _plans_now(reader, region, today, period=None):
    from yingji.plans.selectors import overdue_findings, review_q, visible_plans

    plans = visible_plans(reader).filter(under(region, "region__path"))
    return {
        "review_overdue": plans.filter(review_q("overdue", today)).count(),
        "review_soon": plans.filter(review_q("due_soon", today)).count(),
        "findings_overdue": overdue_findings(reader, today)
        .filter(under(region, "drill__region__path"))
        .count(),
    }


def _plans_first(reader, region):
    from yingji.plans.selectors import visible_drills

    return _first(visible_drills(reader), "held_on")


# --- 应急资源 (resources, T57–T60) ---------------------------------------------------------


def _resources_now(reader, region, today, period=None):
    from yingji.resources.selectors import alert_q, visible_stock

    stock = visible_stock(reader).filter(under(region, "site__region__path"))
    return {
        "low": stock.filter(alert_q("low")).count(),
        "expiring": stock.filter(alert_q("expiring")).count(),
    }


# --- 典型案例警示 (cases, T50) -------------------------------------------------------------


def _cases_details(reader, region, period, today):
    """Cases that happened in the months of the coming period in earlier years (the season's
    lessons), the worst first."""
    from yingji.cases.selectors import visible_cases

    coming = period.next()
    months = sorted(
        {coming.start.month, coming.end.month}
        | {m for m in range(coming.start.month, coming.end.month + 1)}
    )
    rows = (
        visible_cases(reader)
        .filter(occurred_on__month__in=months, occurred_on__lt=coming.start)
        .order_by("-deaths", "-occurred_on", "pk")[:5]
    )
    return {
        "items_title": f"历年{'、'.join(str(m) + '月' for m in months)}同期典型事故(供下一阶段警示)",
        "items": [
            {
                "text": f"{c.occurred_on:%Y年%m月%d日} {c.title}({c.get_accident_type_display()},"
                f"死亡{c.deaths}人)",
                "url": c.get_absolute_url(),
            }
            for c in rows
        ],
    }


# --- 行政处罚 (penalties; the 周调度's 执法) ------------------------------------------------


def _penalty_cases(reader, region):
    from yingji.penalties.selectors import visible_cases

    return visible_cases(reader).filter(under(region, "authority__region__path"))


def _penalties_period(reader, region, period):
    qs = _penalty_cases(reader, region)
    decided = in_period("decided_on", period, datetime=False)
    agg = qs.aggregate(
        filed=Count("pk", filter=in_period("filed_on", period, datetime=False)),
        decided=Count("pk", filter=decided),
        fine=Sum("decided_fine", filter=decided),
    )
    agg["fine"] = round(float(agg["fine"] or 0) / 10000, 2)  # 万元
    return agg


def _penalties_first(reader, region):
    return _first(_penalty_cases(reader, region), "filed_on")


# --- 下周调度事项 (the 周调度: what falls due in the coming week) -------------------------------


def _schedule_now(reader, region, today, period=None):
    from yingji.hazards.choices import OPEN_STATES
    from yingji.workplan.choices import OPEN_STATUSES
    from yingji.workplan.selectors import visible_assignments

    coming = period.next()
    hazards = _hazards(reader, region).filter(
        state__in=OPEN_STATES, deadline__gte=coming.start, deadline__lte=coming.end
    )
    tasks = visible_assignments(reader).filter(
        under(region, "organisation__region__path"),
        status__in=OPEN_STATUSES,
        due__gte=coming.start,
        due__lte=coming.end,
    )
    return {"hazards_due": hazards.count(), "tasks_due": tasks.count()}


def _schedule_details(reader, region, period, today):
    from yingji.hazards.choices import OPEN_STATES
    from yingji.workplan.choices import OPEN_STATUSES
    from yingji.workplan.selectors import visible_assignments

    coming = period.next()
    hazards = (
        _hazards(reader, region)
        .filter(state__in=OPEN_STATES, deadline__gte=coming.start, deadline__lte=coming.end)
        .order_by("-level", "deadline", "pk")[:8]
    )
    tasks = (
        visible_assignments(reader)
        .filter(
            under(region, "organisation__region__path"),
            status__in=OPEN_STATUSES,
            due__gte=coming.start,
            due__lte=coming.end,
        )
        .order_by("due", "pk")[:8]
    )
    items = [
        {
            "text": f"隐患{h.code}({h.get_level_display()})整改期限{h.deadline:%m月%d日}:"
            f"{h.description[:30]}",
            "url": h.get_absolute_url(),
        }
        for h in hazards
    ] + [
        {
            "text": f"工作任务{a.task.ref}({a.organisation.name})时限{a.due:%m月%d日}:"
            f"{a.task.text[:30]}",
            "url": a.task.get_absolute_url(),
        }
        for a in tasks
    ]
    return {"items_title": f"下周({coming.label})到期事项", "items": items}


def _nothing(reader, region, period):
    return {}


SECTIONS: list[Section] = [
    Section(
        "workplan",
        "工作要点推进",
        "工作要点督办",
        {"reports": "报送进展(份)", "accepted": "其中已采纳"},
        {"overdue": "当前逾期任务"},
        _workplan_period,
        _workplan_now,
        _workplan_first,
        _workplan_details,
    ),
    Section(
        "hazards",
        "隐患排查治理",
        "隐患排查治理",
        {"new": "新增隐患", "new_major": "其中重大隐患", "closed": "整改销号"},
        {"open": "当前未销号", "overdue": "当前逾期未整改", "major_open": "当前重大隐患未销号"},
        _hazards_period,
        _hazards_now,
        _hazards_first,
        _hazards_details,
    ),
    Section(
        "risk",
        "企业安全风险",
        "风险分级管控",
        {"changes": "风险等级变化(次)", "up": "升为红/橙", "down": "降出红/橙"},
        {"red": "红色(重大风险)企业", "orange": "橙色(较大风险)企业"},
        _risk_period,
        _risk_now,
        _risk_first,
        _risk_details,
    ),
    Section(
        "inspections",
        "执法检查",
        "执法检查",
        {"done": "完成检查(家次)", "findings": "发现问题", "major": "其中重大隐患"},
        {},
        _inspections_period,
        None,
        _inspections_first,
        None,
    ),
    Section(
        "monitoring",
        "监测告警",
        "监测预警",
        {"alarms": "告警(起)", "red": "红色告警", "orange": "橙色告警"},
        {"active": "当前未解除告警"},
        _monitoring_period,
        _monitoring_now,
        _monitoring_first,
        None,
    ),
    Section(
        "warnings",
        "预警信息发布",
        "预警信息",
        {"sent": "发布预警(条)", "red": "红色预警", "orange": "橙色预警"},
        {},
        _warnings_period,
        None,
        _warnings_first,
        None,
    ),
    Section(
        "response",
        "突发事件",
        "值班与应急响应",
        {
            "events": "接报事件(起)",
            "accidents": "其中生产安全事故",
            "larger": "较大及以上",
            "deaths": "死亡(人)",
        },
        {},
        _response_period,
        None,
        _response_first,
        _response_details,
    ),
    Section(
        "disasters",
        "自然灾害灾情",
        "灾情报送",
        {"processes": "灾害过程(次)", "reports": "灾情报告(份)", "late": "其中迟报"},
        {},
        _disasters_period,
        None,
        _disasters_first,
        _disasters_details,
    ),
    Section(
        "plans",
        "预案与演练",
        "预案与演练",
        {"drills": "组织演练(次)"},
        {
            "review_overdue": "预案评估超期",
            "review_soon": "90天内到期评估",
            "findings_overdue": "演练问题超期未整改",
        },
        _plans_period,
        _plans_now,
        _plans_first,
        None,
    ),
    Section(
        "resources",
        "应急资源",
        "应急物资",
        {},
        {"low": "低于储备下限", "expiring": "临近有效期"},
        _nothing,
        _resources_now,
        None,
        None,
    ),
    Section(
        "cases",
        "典型案例警示",
        "典型事故案例库",
        {},
        {},
        _nothing,
        None,
        None,
        _cases_details,
    ),
]
SECTIONS += [
    Section(
        "penalties",
        "行政处罚",
        "行政处罚",
        {"filed": "立案(件)", "decided": "作出处罚决定(件)", "fine": "罚款(万元)"},
        {},
        _penalties_period,
        None,
        _penalties_first,
        None,
    ),
    Section(
        "schedule",
        "下周调度事项",
        "隐患排查治理、工作要点督办",
        {},
        {"hazards_due": "下周到期隐患", "tasks_due": "下周到期工作任务"},
        _nothing,
        _schedule_now,
        None,
        _schedule_details,
    ),
]
SECTION_TITLES = {s.key: s.title for s in SECTIONS}
# The sections of each kind of brief: the 研判 briefs all the modules' (as before); the 安全生产
# 周调度 (T11) the week's production-safety situation: accidents, hazards by county and by
# industry, inspections and penalties, key enterprises, and next week's 调度 items.
GENERAL = (
    "workplan",
    "hazards",
    "risk",
    "inspections",
    "monitoring",
    "warnings",
    "response",
    "disasters",
    "plans",
    "resources",
    "cases",
)
KIND_SECTIONS = {
    "week": GENERAL,
    "month": GENERAL,
    "quarter": GENERAL,
    "dispatch": ("response", "hazards", "inspections", "penalties", "risk", "schedule"),
}
# the 周调度 names some sections after what it reports on
DISPATCH_TITLES = {"response": "生产安全事故与突发事件", "risk": "重点企业"}


def sections_of(kind: str) -> list[Section]:
    by_key = {s.key: s for s in SECTIONS}
    return [by_key[k] for k in KIND_SECTIONS[kind]]


def _known(first: dt.date | None, period: Period) -> bool:
    return first is not None and first <= period.end


def compute(region, period: Period, today: dt.date | None = None) -> dict:
    """The whole snapshot of a brief: every section's figures and details (JSON-ready)."""
    today = today or timezone.localdate()
    reader = RegionReader(region)
    prev, yoy = period.previous(), period.same_last_year()
    sections = []
    for s in sections_of(period.kind):
        current = s.period_counts(reader, region, period)
        first = s.first_day(reader, region) if s.first_day else None
        before = s.period_counts(reader, region, prev) if _known(first, prev) else {}
        last_year = s.period_counts(reader, region, yoy) if _known(first, yoy) else {}
        metrics = [
            {
                "key": k,
                "label": label,
                "value": current.get(k, 0),
                "prev": before.get(k),
                "yoy": last_year.get(k),
                "compare": True,
            }
            for k, label in s.labels.items()
        ]
        if s.now_counts:
            now = s.now_counts(reader, region, today, period)
            metrics += [
                {
                    "key": k,
                    "label": label,
                    "value": now.get(k, 0),
                    "prev": None,
                    "yoy": None,
                    "compare": False,
                }
                for k, label in s.now_labels.items()
            ]
        details = s.details(reader, region, period, today) if s.details else {}
        title = DISPATCH_TITLES.get(s.key, s.title) if period.kind == "dispatch" else s.title
        sections.append(
            {"key": s.key, "title": title, "source": s.source, "metrics": metrics, **details}
        )
    return {
        "period": {
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
        },
        "previous": {
            "start": prev.start.isoformat(),
            "end": prev.end.isoformat(),
            "label": prev.label,
        },
        "last_year": {
            "start": yoy.start.isoformat(),
            "end": yoy.end.isoformat(),
            "label": yoy.label,
        },
        "region": {"code": region.code, "name": region.name},
        "as_of": today.isoformat(),
        # the wall-clock moment the state figures were counted (never moved by the demo's dating)
        "state_at": timezone.now().isoformat(),
        "sections": sections,
    }
