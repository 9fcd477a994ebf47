"""Read queries of 值班与应急响应 shared by pages, API, cards and search (all through restrict)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from yingji.core.permissions import restrict, scope_of
from yingji.standards import event_clocks, info_release

from .models import (
    Activity,
    CommandTask,
    DutyShift,
    Event,
    EventType,
    JointDutyMember,
    Release,
    ShiftLog,
    ShiftSwap,
)

STATUS_LABELS = {"met": "按时", "late": "超时完成", "overdue": "已超时", "due": "未到期"}


def visible_events(user, action: str = "view"):
    return restrict(
        Event.objects.select_related("event_type", "region", "enterprise__organisation"),
        user,
        action,
    )


def visible_tasks(user, action: str = "view"):
    return restrict(
        CommandTask.objects.select_related("event", "assignee", "issued_by"), user, action
    )


def visible_shifts(user, action: str = "view"):
    return restrict(DutyShift.objects.select_related("organisation"), user, action)


def event_types(user):
    return restrict(EventType.objects.all(), user)


def clocks_of(event: Event) -> list[event_clocks.Deadline]:
    reports = list(event.reports.order_by("submitted_at", "seq")) if event.pk else []

    def first_of(kind):
        return next((r.submitted_at for r in reports if r.kind == kind), None)

    written = [r for r in reports if r.kind in ("first", "follow_up", "verified", "supplement")]
    return event_clocks.clocks(
        occurred_at=event.occurred_at,
        received_at=event.received_at,
        grade=event.grade or None,
        road_or_fire=event.event_type.road_or_fire,
        first_report_at=first_of("first"),
        phone_report_at=first_of("phone"),
        last_report_at=written[-1].submitted_at if written else None,
        final_report_at=first_of("final"),
        default_follow_up=dt.timedelta(hours=settings.YINGJI_EVENT_FOLLOW_UP_HOURS),
    )


def next_due(event: Event) -> tuple[dt.datetime | None, str]:
    """The earliest report deadline not yet met (首报, 电话快报 or 续报): what the list shows
    and the overdue filter counts."""
    if event.state != "open":  # 已终报 or 已合并: no clock runs
        return None, ""
    pending = [d for d in clocks_of(event) if d.key != "unit" and d.met_at is None]
    if not pending:
        return None, ""
    first = min(pending, key=lambda d: d.due)
    return first.due, first.label.split("(")[0]


def clock_rows(event: Event, now: dt.datetime | None = None) -> list[dict]:
    return _rows(clocks_of(event), now or timezone.now())


def _rows(deadlines, now) -> list[dict]:
    rows = []
    for d in deadlines:
        status = d.status(now)
        rows.append(
            {
                "label": d.label,
                "due": d.due,
                "met_at": d.met_at,
                "status": status,
                "status_label": STATUS_LABELS[status],
                "basis": d.basis,
                "tone": {"met": "success", "late": "warning", "overdue": "danger"}.get(
                    status, "secondary"
                ),
            }
        )
    return rows


def supplement_until(event: Event):
    return event_clocks.supplement_until(
        event.occurred_at, event.grade or None, event.event_type.road_or_fire
    )


def overdue_q(now=None) -> Q:
    return Q(state="open", next_report_due__lt=now or timezone.now())


def task_overdue_q(now=None) -> Q:
    return Q(state__in=("issued", "signed"), deadline__lt=now or timezone.now())


def mine_q(user) -> Q:
    return Q(assignee_id__in=scope_of(user).org_ids)


def timeline(event: Event, user) -> list[dict]:
    """Everything about the event in time order: intake, reports, level changes, tasks."""
    items = [
        {
            "time": event.received_at,
            "kind": "接报",
            "text": f"{event.get_channel_display()}接报:{event.reporter or '—'}",
        }
    ]
    for r in event.reports.select_related("submitted_by"):
        items.append(
            {
                "time": r.submitted_at,
                "kind": r.get_kind_display(),
                "text": f"第{r.seq}报,报送{r.reported_to}",
                "anchor": f"report-{r.pk}",
            }
        )
    for c in event.level_changes.select_related("decided_by"):
        label = c.get_level_display() or c.get_previous_display() or ""
        who = c.decided_by.get_full_name() or c.decided_by.username
        items.append(
            {
                "time": c.decided_at,
                "kind": f"{c.get_action_display()}响应",
                "text": f"{label}({who})",
            }
        )
    for t in visible_tasks(user).filter(event=event):
        items.append({"time": t.issued_at, "kind": "下达指令", "text": f"→{t.assignee.name}"})
        if t.signed_at:
            items.append({"time": t.signed_at, "kind": "签收指令", "text": t.assignee.name})
        if t.feedback_at:
            items.append({"time": t.feedback_at, "kind": "反馈指令", "text": t.assignee.name})
    for r in visible_releases(user).filter(event=event):
        items.append({"time": r.created_at, "kind": "起草发布稿", "text": r.title})
        if r.released_at:
            text = f"{r.title}({'、'.join(r.channel_labels)})"
            items.append({"time": r.released_at, "kind": "信息发布", "text": text})
    for d in visible_events(user).filter(merged_into=event):
        items.append({"time": d.merged_at, "kind": "合并事件", "text": f"{d.number}并入本事件"})
    for d in visible_events(user).filter(split_from=event):
        items.append(
            {"time": d.created_at, "kind": "拆分事件", "text": f"拆分出{d.number} {d.title}"}
        )
    if event.split_from_id:
        text = f"从{event.split_from.number}拆分:{event.split_reason}"
        items.append({"time": event.created_at, "kind": "拆分事件", "text": text})
    items += _joint_duty_items(event, user)
    items.extend(_linked_items(event, user))
    return sorted(items, key=lambda i: i["time"])


def _joint_duty_items(event: Event, user) -> list[dict]:
    """联合值守 periods of duty units opened and closed by the event's level decisions."""
    from .joint_duty import visible_periods

    items = []
    for p in visible_periods(user).filter(event=event):
        items.append({"time": p.started_at, "kind": "转为联合值守", "text": p.organisation.name})
        if p.ended_at:
            items.append({"time": p.ended_at, "kind": "恢复常规值守", "text": p.organisation.name})
    return items


def _linked_items(event: Event, user) -> list[dict]:
    """The timeline's 关联隐患 and 报告超时提醒 entries."""
    from . import event_links

    items = event_links.hazard_timeline(event, user)
    for e in event_links.escalations_for(event, user):
        items.append({"time": e.notified_at, "kind": "超时提醒", "text": f"{e.deadline}:{e.note}"})
    return items


def today_shifts(user, on: dt.date | None = None):
    on = on or timezone.localdate()
    return visible_shifts(user).filter(date=on).order_by("organisation__path", "shift")


def open_items(user):
    """Open log items handed over and not yet acknowledged by the next shift."""
    return restrict(ShiftLog.objects.select_related("shift__organisation"), user).filter(
        open_item=True, acknowledged_at__isnull=True, shift__handed_over_at__isnull=False
    )


def search(user, q: str, limit: int = 10):
    from yingji.core.hooks import SearchHit

    rows = visible_events(user).filter(
        Q(number__icontains=q) | Q(title__icontains=q) | Q(place__icontains=q)
    )[:limit]
    return [
        SearchHit(
            title=str(e), url=e.get_absolute_url(), subtitle=f"{e.region.name} {e.event_type.name}"
        )
        for e in rows
    ]


# --- 调班, 联合值守 -------------------------------------------------------------------------


def visible_swaps(user, action: str = "view"):
    return restrict(
        ShiftSwap.objects.select_related(
            "shift__organisation", "other_shift", "requester", "counterpart", "decided_by"
        ),
        user,
        action,
    )


def joint_roster(event: Event, user) -> list[dict]:
    """The event's 联合值守 roster, grouped by 指挥部 and working group (active members first)."""
    from .choices import COMMAND_GROUPS, COMMAND_POSTS

    members = list(
        restrict(JointDutyMember.objects.filter(event=event), user).select_related("organisation")
    )
    out = []
    for post, post_label in COMMAND_POSTS:
        groups = []
        for group, _label in COMMAND_GROUPS:
            here = [m for m in members if m.post == post and m.group == group]
            # a plan's own groups (其他工作组) each under its own name, in order of appearance
            for name in dict.fromkeys(m.group_label for m in here):
                rows = [m for m in here if m.group_label == name]
                rows.sort(key=lambda m: (m.withdrawn_at is not None, m.role != "head", m.pk))
                groups.append({"label": name, "members": rows})
        if groups:
            out.append({"label": post_label, "groups": groups})
    return out


# --- 重大活动保障 -----------------------------------------------------------------------------


def visible_activities(user, action: str = "view"):
    return restrict(Activity.objects.select_related("organiser"), user, action)


def report_days(activity: Activity, today: dt.date | None = None) -> list[dict]:
    """Each day of the period with its 日报: 已填报, 缺报 (a past day without one), 待填报
    (today), 未到 (a later day). A cancelled activity owes nothing."""
    today = today or timezone.localdate()
    reports = {r.date: r for r in activity.reports.select_related("written_by")}
    rows, d = [], activity.starts_on
    while d <= activity.ends_on:
        report = reports.get(d)
        if report:
            status = "submitted"
        elif activity.state == "cancelled" or d > today:
            status = "future"
        elif d < today:
            status = "missing"
        else:
            status = "due"
        rows.append({"date": d, "report": report, "status": status})
        d += dt.timedelta(days=1)
    return rows


def missing_reports(activity: Activity, today: dt.date | None = None) -> list[dt.date]:
    return [r["date"] for r in report_days(activity, today) if r["status"] == "missing"]


def activity_phase(activity: Activity, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if activity.state == "cancelled":
        return "已取消"
    if today < activity.starts_on:
        return "筹备中"
    if today > activity.ends_on:
        return "已结束"
    return "保障中"


def missing_q(user=None, today: dt.date | None = None) -> Q:
    """Activities with a past day of the period that has no 日报 (the list filter 缺报)."""
    today = today or timezone.localdate()
    ids = [
        a.pk
        for a in Activity.objects.filter(state="planned", starts_on__lt=today).prefetch_related(
            "reports"
        )
        if missing_reports(a, today)
    ]
    return Q(pk__in=ids)


# --- sources (立为事件) and typical cases ----------------------------------------------------


def event_sources(event: Event, user) -> list[dict]:
    """The alarm and warning the event was made from, when the user may see them (through the
    monitoring and warnings selectors)."""
    out = []
    if event.source_alarm_id:
        from yingji.monitoring.selectors import visible_alarms

        alarm = visible_alarms(user).filter(pk=event.source_alarm_id).first()
        out.append(
            {
                "kind": "监测告警",
                "text": str(alarm) if alarm else f"告警#{event.source_alarm_id}(无权查看)",
                "url": alarm.get_absolute_url() if alarm else None,
            }
        )
    if event.source_warning_id:
        from yingji.warnings.selectors import visible_warnings

        warning = visible_warnings(user).filter(pk=event.source_warning_id).first()
        out.append(
            {
                "kind": "预警信息",
                "text": str(warning) if warning else f"预警#{event.source_warning_id}(无权查看)",
                "url": warning.get_absolute_url() if warning else None,
            }
        )
    return out


def typical_cases(event: Event, user, limit: int = 3) -> list[dict]:
    """Cases of the case library whose wording is most like the event's (the cases app's
    selector and similarity ranking; nothing joined)."""
    from yingji.cases.selectors import visible_cases
    from yingji.cases.similarity import profile, rank

    pool = list(visible_cases(user).only("pk", "accident_type", "industry", "title", "narrative"))
    if not pool:
        return []
    target = profile("event", "-", "-", event.title, event.event_type.name, event.description)
    matches = rank(
        target,
        [profile(c.pk, c.accident_type, c.industry, c.title, c.narrative) for c in pool],
        limit=limit,
    )
    by_pk = {c.pk: c for c in pool}
    return [
        {"case": by_pk[m.key], "score": round(m.score * 100)} for m in matches if m.key in by_pk
    ]


# The response module's event types (data/event_types.json) → the plans' event types
# (plans.choices.EVENT_TYPES), to find the plan that governs an event. A platform mapping, not a
# national table: a type missing here falls back by its category.
PLAN_EVENT_TYPES = {
    "ACC-HAZ": "hazchem",
    "ACC-MINE": "mining",
    "ACC-IND": "production",
    "ACC-BUILD": "production",
    "ACC-UTIL": "production",
    "ACC-FIRE": "fire",
    "ACC-ROAD": "traffic",
    "NAT-FLOOD": "flood",
    "NAT-QUAKE": "earthquake",
    "NAT-GEO": "geological",
    "NAT-FOREST": "forest_fire",
}
PLAN_EVENT_TYPES_BY_CATEGORY = {
    "accident": "production",
    "natural": "natural",
    "health": "public_health",
    "social": "social",
}


def plan_levels(event: Event, user) -> dict:
    """The response levels and start conditions of the plan that governs ``event`` (the plans
    app's selector over the plans' structured parts), shown beside the level decision."""
    from yingji.plans.selectors import response_levels_for

    kind = PLAN_EVENT_TYPES.get(event.event_type.code) or PLAN_EVENT_TYPES_BY_CATEGORY.get(
        event.event_type.category, "natural"
    )
    return response_levels_for(user, event_type=kind, region=event.region)


def event_requests(event: Event, user) -> list:
    """The supply requests (应急资源 需求, #13) naming this event by its number in their 关联事件,
    as the user may see them (the resources app's selector; the request keeps the event as
    text, nothing is joined)."""
    from yingji.resources.selectors import visible_requests

    return list(visible_requests(user).filter(event__contains=event.number).order_by("-pk")[:20])


def supply_request_prefill(event: Event) -> dict:
    """What the resources app's supply-request form (物资需求, #13) is opened with from the event
    (申请物资): the destination (the event's place and point — its county's centre when it was
    reported without coordinates, said in the note), the linked event (its number, which is how
    the request is listed back on the event), the purpose, and a 需送达时间
    ``YINGJI_EVENT_SUPPLY_HOURS`` from now. The requester is whoever submits the form. Values
    only: the form can change every one of them and the resources service checks them."""
    at_centre = event.lon is None or event.lat is None
    lon, lat = (
        (event.region.centroid_lon, event.region.centroid_lat)
        if at_centre
        else (event.lon, event.lat)
    )
    needed_by = timezone.localtime() + dt.timedelta(hours=settings.YINGJI_EVENT_SUPPLY_HOURS)
    values = {
        "destination": event.place,
        "event": f"{event.number} {event.title}"[:200],
        "reason": f"{event.title}应急处置"[:500],
        "needed_by": needed_by.strftime("%Y-%m-%dT%H:%M"),
        "crs": "wgs84",
    }
    if lon is not None and lat is not None:
        values.update(lon=f"{lon:.6f}", lat=f"{lat:.6f}")
    if at_centre:
        values["note"] = f"事件未报坐标,送达位置暂取{event.region.name}中心,请按实际送达地点修改。"
    return values


def plan_type(event: Event) -> str:
    """The plans' event type of ``event`` (see PLAN_EVENT_TYPES)."""
    return PLAN_EVENT_TYPES.get(event.event_type.code) or PLAN_EVENT_TYPES_BY_CATEGORY.get(
        event.event_type.category, "natural"
    )


def command_templates() -> list[dict]:
    """The 指挥部编组模板 (data/command_templates.json), each row with the group and post in
    words; read once per call (a small file)."""
    import json
    from pathlib import Path

    from .choices import COMMAND_GROUPS, COMMAND_POSTS, JOINT_ROLES

    path = Path(__file__).with_name("data") / "command_templates.json"
    templates = json.loads(path.read_text(encoding="utf-8"))["templates"]
    posts, groups, roles = dict(COMMAND_POSTS), dict(COMMAND_GROUPS), dict(JOINT_ROLES)
    for t in templates:
        for row in t["rows"]:
            row["label"] = f"{posts[row['post']]}·{groups[row['group']]}·{roles[row['role']]}"
    return templates


def templates_for(event: Event, user=None) -> list[dict]:
    """The templates offered for ``event``: the command groups of the plan that governs it
    (``plan_command_template``, when that plan has them and ``user`` may read it) first, then
    the house templates, the one serving the event's plan type first (else the general one)."""
    kind = plan_type(event)
    templates = command_templates()
    templates = sorted(
        templates, key=lambda t: (kind not in t["plan_types"], t["code"] != "general")
    )
    own = plan_command_template(event, user) if user is not None else None
    return [own, *templates] if own else templates


# house groups written after the back command post (后方指挥部) when a plan's group says neither
REAR_GROUPS = ("supplies", "news")
LEAD_UNIT_SEPARATORS = re.compile(r"[、,,;;/\s]+")


def plan_command_template(event: Event, user) -> dict | None:
    """The 指挥机构工作组 of the plan that governs ``event`` (plans.selectors.command_groups_for),
    as a template (code ``plan``) of the same shape as the house ones: per group, its 牵头单位
    split on 、,; — each unit resolved in the organisation tree by name, alias or group (the
    first as 组长, the others 成员), else kept by name as 外部门. The group is the house group
    whose name the plan's group name begins with, else 其他工作组 under the plan's own name; the
    post is the one the group's name or duties mention (前方/后方), else 后方 for 物资保障/新闻宣传
    and 前方 for the rest (a platform convention). ``None`` when no governing plan has groups."""
    from yingji.orgs.models import Organisation
    from yingji.orgs.selectors import name_directory
    from yingji.plans.selectors import command_groups_for

    from .choices import COMMAND_GROUPS, COMMAND_POSTS, JOINT_ROLES

    found = command_groups_for(user, event_type=plan_type(event), region=event.region)
    if found["plan"] is None:
        return None
    directory = name_directory()
    names = directory["names"]
    codes = dict(
        Organisation.objects.filter(pk__in=names.values(), is_active=True)
        .exclude(kind="enterprise")
        .values_list("pk", "code")
    )

    def units(text: str) -> list[tuple[str | None, str]]:
        out = []
        for token in (t for t in LEAD_UNIT_SEPARATORS.split(text or "") if t):
            canonical = [token] if token in names else []
            if not canonical and token in directory["aliases"]:
                canonical = [directory["aliases"][token][0]]
            if not canonical and token in directory["groups"]:
                canonical = directory["groups"][token]
            resolved = [(codes.get(names.get(n)), n) for n in canonical if codes.get(names.get(n))]
            out += resolved or [(None, token)]
        return out

    labels = [(code, str(label)) for code, label in COMMAND_GROUPS if code != "other"]
    posts, roles = dict(COMMAND_POSTS), dict(JOINT_ROLES)
    rows = []
    for part in found["parts"]:
        name = part.name.strip()
        group = next((code for code, label in labels if name.startswith(label)), "other")
        said = f"{part.name} {part.text}"
        if "后方" in said:
            post = "rear"
        elif "前方" in said:
            post = "front"
        else:
            post = "rear" if group in REAR_GROUPS else "front"
        for i, (org, department) in enumerate(units(part.lead_unit) or [(None, "待定单位")]):
            role = "head" if i == 0 else "member"
            group_label = name if group == "other" else str(dict(COMMAND_GROUPS)[group])
            rows.append(
                {
                    "post": post,
                    "group": group,
                    "group_name": name if group == "other" else "",
                    "role": role,
                    "org": org,
                    "department": department,
                    "label": f"{posts[post]}·{group_label}·{roles[role]}",
                }
            )
    return {
        "code": "plan",
        "name": f"{found['plan'].title}·指挥机构工作组",
        "plan_types": [],
        "plan_id": found["plan"].pk,
        "rows": rows,
    }


# --- 信息发布 (T35) ---------------------------------------------------------------------------


def visible_releases(user, action: str = "view"):
    return restrict(
        Release.objects.select_related("event", "drafted_by", "drafted_org"), user, action
    )


def public_releases():
    """What the public page shows: released texts (restrict() with no user), newest first."""
    from django.contrib.auth.models import AnonymousUser

    return restrict(Release.objects.all(), AnonymousUser()).order_by("-released_at", "-pk")


def release_clocks(event: Event) -> list[event_clocks.Deadline]:
    """The 发布权威信息 / 新闻发布会 deadlines (LOW, hours from settings) of a serious event."""
    released = event.releases.filter(state="released").order_by("released_at")
    first = released.first()
    press = next((r for r in released if "press_conference" in r.channels), None)
    highest = min(
        (c.level for c in event.level_changes.all() if c.level), default=event.response_level
    )
    return info_release.clocks(
        received_at=event.received_at,
        grade=event.grade or None,
        highest_level=highest,
        first_release_at=first.released_at if first else None,
        press_release_at=press.released_at if press else None,
        authoritative_hours=settings.YINGJI_RELEASE_AUTHORITATIVE_HOURS,
        press_hours=settings.YINGJI_RELEASE_PRESS_HOURS,
    )


def release_clock_rows(event: Event, now: dt.datetime | None = None) -> list[dict]:
    return _rows(release_clocks(event), now or timezone.now())


# --- maps -------------------------------------------------------------------------------------

# the national 红/橙/黄/蓝 for Ⅰ–Ⅳ级 responses and 特别重大/重大/较大/一般 grades
LEVEL_COLOURS = {1: "#d7191c", 2: "#f97316", 3: "#facc15", 4: "#2563eb"}
GRADE_COLOURS = {
    "especially_major": "#d7191c",
    "major": "#f97316",
    "larger": "#facc15",
    "general": "#2563eb",
}


def event_features(user, filters: dict) -> dict:
    """GeoJSON of the open events the user may see (MapLayer "events"), each at its own
    location or, when none was reported, at its region's centre (the label says which):
    coloured by the active response level, else by the accident grade, grey otherwise; the
    label says the level or grade in words beside the colour."""
    from yingji.geo.spatial import round_coord
    from yingji.standards import response_levels

    qs = visible_events(user).filter(state="open")
    if filters.get("district"):
        qs = qs.filter(region__path__contains=f"/{filters['district']}/")
    rows = qs.select_related("event_type", "region").order_by("-received_at")[:500]
    features = []
    for e in rows:
        # an event taken by phone often has only its county: it is drawn at the county's
        # centre, and the label says so
        at_centre = e.lon is None or e.lat is None
        lon, lat = (e.region.centroid_lon, e.region.centroid_lat) if at_centre else (e.lon, e.lat)
        if lon is None or lat is None:
            continue
        active = e.response_state == "active" and e.response_level
        colour = (
            LEVEL_COLOURS[e.response_level] if active else GRADE_COLOURS.get(e.grade, "#6b7280")
        )
        level = f",{response_levels.level_label(e.response_level)}响应" if active else ""
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round_coord(lon), round_coord(lat)],
                },
                "properties": {
                    "id": e.pk,
                    "name": e.number,
                    "label": f"突发事件 {e.title}({e.event_type.name},{e.grade_text}{level})"
                    + (f"\n位置:{e.region.name}中心(未报坐标)" if at_centre else ""),
                    "url": e.get_absolute_url(),
                    "style": {
                        "symbol": "pin",
                        "size": 22 if active else 16,
                        "color": colour,
                        "border": "#000",
                    },
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


MAP_RADII = (1, 3, 5, 10, 20, 50)  # km offered by the radius picker
MAP_RADIUS_DEFAULT = 5
NEARBY_KINDS = (
    ("enterprises", "企业", "#0d6efd", "circle"),
    ("hazards", "重大危险源", "#7b3294", "diamond"),
    ("shelters", "应急避难场所", "#20c997", "triangle"),
    ("sites", "应急物资储备库(点)", "#198754", "rect"),
    ("teams", "救援队伍", "#fd7e14", "roundRect"),
)
NEARBY_LIMIT = 30  # rows listed per kind (the count is of all within the radius)


def map_radius(value) -> int:
    """The radius picked on the page (one of MAP_RADII), else the default."""
    try:
        radius = int(value)
    except (TypeError, ValueError):
        return MAP_RADIUS_DEFAULT
    return radius if radius in MAP_RADII else MAP_RADIUS_DEFAULT


def _nearby_points(user, lon: float, lat: float, box: float) -> dict[str, list[dict]]:
    """Candidate points per kind in a bounding box around (lon, lat), each read through its
    own app's selector as the user may see it (nothing joined): {kind: [{name, lon, lat, url,
    note}]}."""
    from django.apps import apps

    from yingji.enterprises.selectors import visible_enterprises
    from yingji.resources.selectors import visible_records, visible_sites
    from yingji.risk.selectors import hazard_features

    def in_box(qs):
        return qs.filter(lon__range=(lon - box, lon + box), lat__range=(lat - box, lat + box))

    out: dict[str, list[dict]] = {k: [] for k, *_ in NEARBY_KINDS}
    ents = in_box(visible_enterprises(user)).values("pk", "organisation__name", "lon", "lat")
    for e in ents:
        url = reverse("enterprises:detail", args=[e["pk"]])
        out["enterprises"].append(
            {"name": e["organisation__name"], "lon": e["lon"], "lat": e["lat"], "url": url}
        )
    for f in hazard_features(user, {})["features"]:
        x, y = f["geometry"]["coordinates"]
        if abs(x - lon) <= box and abs(y - lat) <= box:
            p = f["properties"]
            note = (
                f"{p['enterprise_name']},{p['grade']}级" if p.get("grade") else p["enterprise_name"]
            )
            out["hazards"].append(
                {"name": p["name"], "lon": x, "lat": y, "url": p["url"], "note": note}
            )
    for model, kind, route in (("Shelter", "shelters", "shelter"), ("Team", "teams", "team")):
        rows = in_box(visible_records(apps.get_model("resources", model), user))
        for r in rows.values("pk", "name", "lon", "lat"):
            url = reverse(f"resources:{route}", args=[r["pk"]])
            out[kind].append({"name": r["name"], "lon": r["lon"], "lat": r["lat"], "url": url})
    for r in in_box(visible_sites(user)).values("pk", "name", "lon", "lat"):
        url = reverse("resources:site", args=[r["pk"]])
        out["sites"].append({"name": r["name"], "lon": r["lon"], "lat": r["lat"], "url": url})
    return out


def event_map(event: Event, user, radius_km: float = MAP_RADIUS_DEFAULT) -> dict | None:
    """The event's point and, within ``radius_km``, the enterprises, major hazard units (at
    their enterprise), shelters, resource sites (储备库/点) and rescue teams the user may see,
    each read through its own app's selector, nearest first with the distance and a count per
    kind; None without a location."""
    if event.lon is None or event.lat is None:
        return None
    from yingji.standards.coords import distance_m

    box = radius_km / 80.0  # a generous bounding box (1° ≥ ~85 km in east-west at 36°N)
    kinds = []
    for key, points in _nearby_points(user, event.lon, event.lat, box).items():
        near = []
        for point in points:
            km = distance_m(event.lon, event.lat, point["lon"], point["lat"]) / 1000
            if km <= radius_km:
                near.append({**point, "distance_km": round(km, 2)})
        near.sort(key=lambda p: (p["distance_km"], p["name"]))
        _, label, colour, symbol = next(k for k in NEARBY_KINDS if k[0] == key)
        kinds.append(
            {
                "key": key,
                "label": label,
                "colour": colour,
                "symbol": symbol,
                "count": len(near),
                "items": near[:NEARBY_LIMIT],
            }
        )
    by_key = {k["key"]: k for k in kinds}
    return {
        "event": {"name": event.title, "lon": event.lon, "lat": event.lat},
        "radius_km": radius_km,
        "radii": MAP_RADII,
        "kinds": kinds,
        "sites": by_key["sites"]["items"],
    }


def relief_assessment(event: Event) -> dict | None:
    """自然灾害: the suggested 自然灾害救助 level with the criteria met, by the configured table
    (None for other categories)."""
    from . import grading

    return grading.relief_of(
        event.event_type, {f: getattr(event, f) for f in grading.EVENT_INDICATORS}
    )
