"""Every state change of 工作要点督办, one service each (DESIGN §4). Web views, the API, the
CLI, the Excel import and the daily job all call these."""

from __future__ import annotations

import hashlib
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yingji.calendars.selectors import work_calendar
from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import can
from yingji.core.services import add_attachment, locked
from yingji.orgs.models import Organisation

from . import scoring
from .choices import (
    BLOCKING_WARNINGS,
    OPEN_STATUSES,
    RUNG_LABELS,
    RUNG_ORDER,
    STATUS_LABELS,
)
from .importing import directory_from_db, read_document
from .ladder import DEFAULT_STEPS, rungs_due, validate_triggers
from .models import (
    Assignment,
    Bulletin,
    Contribution,
    Escalation,
    ImportSession,
    LadderAction,
    LadderStep,
    Part,
    Plan,
    ProgressReport,
    Reminder,
    ReportingCycle,
    ScoreWeight,
    Section,
    SupervisionNotice,
    Task,
)
from .parsing import WorkplanParseError, diff_plans, parse_workplan

REVISION_REASON = "修订后的文件中已无此项"

# The report state machine: (from state or None for a new report, action) → (to state, who).
# "unit" = a member of the assignment's organisation (or the coordinator on its behalf);
# "coordinator" = the plan's coordinating section or owner.
REPORT_TRANSITIONS = {
    (None, "submit"): ("submitted", "unit"),
    ("returned", "submit"): ("submitted", "unit"),
    ("submitted", "accept"): ("accepted", "coordinator"),
    ("submitted", "return"): ("returned", "coordinator"),
}
REPORT_REFUSALS = {
    ("submitted", "submit"): "该报告已报送,正在等待督办科室审核,审核前不能重复报送。",
    ("accepted", "submit"): "该报告已被采纳,不能再修改;如有新进展,请在下一报送周期报送。",
    ("accepted", "accept"): "该报告已被采纳,无需重复审核。",
    ("accepted", "return"): "该报告已被采纳,不能再退回。",
    ("returned", "accept"): "该报告已退回,须由报送单位重新报送后才能审核。",
    ("returned", "return"): "该报告已退回,须由报送单位重新报送后才能审核。",
}


def _transition(report: ProgressReport | None, action: str) -> str:
    state = report.state if report is not None else None
    key = (state, action)
    if key not in REPORT_TRANSITIONS:
        message = REPORT_REFUSALS.get(key, f"进展报告不能从“{state}”执行“{action}”。")
        raise InvalidTransition(message, details={"state": state, "action": action})
    return REPORT_TRANSITIONS[key][0]


# --- import -------------------------------------------------------------------------------------


def _require_coordinator(actor, owner: Organisation, coordinator: Organisation) -> None:
    from yingji.core.permissions import scope_of

    scope = scope_of(actor)
    owns = owner.kind == "county_bureau" and owner.pk in scope.org_ids
    if not (scope.is_admin or coordinator.pk in scope.org_ids or owns):
        raise NotPermitted(
            "只有督办科室(或县区应急局为本县区计划)可以导入工作要点。",
            details={"owner": owner.name, "coordinator": coordinator.name},
        )


OWNER_KINDS = ("bureau", "county_bureau")


def _require_owner(actor, owner: Organisation) -> None:
    """A plan is imported in the name of the importer's own bureau (a section for the city
    bureau, a county bureau for itself): never another county's, never a county for the city."""
    from yingji.core.permissions import scope_of

    scope = scope_of(actor)
    if scope.is_admin:
        return
    if owner.kind not in OWNER_KINDS or not any(p.startswith(owner.path) for p in scope.org_paths):
        raise NotPermitted(
            f"只能导入本单位制定的工作要点,不能以“{owner}”的名义导入。",
            details={"owner": owner.code},
        )


def issuer_organisation(parsed: dict) -> Organisation | None:
    """The bureau that issued the document (its 发文单位 line), by name or confirmed alias."""
    from yingji.orgs.models import OrgAlias

    name = (parsed.get("issuer") or "").strip()
    if not name:
        return None
    org = Organisation.objects.filter(name=name, kind__in=OWNER_KINDS, is_active=True).first()
    if org is None:
        alias = (
            OrgAlias.objects.filter(name=name, confirmed=True, organisation__kind__in=OWNER_KINDS)
            .select_related("organisation")
            .first()
        )
        org = alias.organisation if alias else None
    return org


def _owner_warnings(owner: Organisation, parsed: dict) -> None:
    """Warn when the chosen owner is not the document's issuer, or when the same document
    (same year and title) is already a plan of another owner."""
    warnings = parsed.setdefault("warnings", [])
    issuer = issuer_organisation(parsed)
    if issuer is not None and issuer != owner:
        warnings.append(
            {
                "code": "owner_not_issuer",
                "level": "warning",
                "message": f"文件的发文单位是“{issuer}”,制定单位却选择了“{owner}”:请核对。",
            }
        )
    others = Plan.objects.filter(year=parsed.get("year"), title=parsed.get("title") or "")
    for plan in others.exclude(owner=owner).select_related("owner").order_by("pk")[:3]:
        warnings.append(
            {
                "code": "imported_elsewhere",
                "level": "warning",
                "message": f"同一文件已作为“{plan.owner}”的计划导入(《{plan.title}》),"
                f"确认后将另存一份“{owner}”的计划。",
            }
        )


def _parse(text: str, mapping: dict, owner: Organisation | None = None) -> dict:
    try:
        parsed = parse_workplan(text, directory_from_db(), mapping=mapping)
    except WorkplanParseError as exc:
        raise ValidationFailed(exc.message, details=exc.details) from exc
    if owner is not None:
        _owner_warnings(owner, parsed)
    return parsed


def _existing_plan(owner: Organisation, parsed: dict) -> Plan | None:
    return (
        Plan.objects.filter(owner=owner, year=parsed.get("year"), parent__isnull=True)
        .order_by("pk")
        .first()
    )


def _diff_for(plan: Plan | None, parsed: dict) -> dict:
    if plan is None:
        return {}
    return diff_plans(plan.parsed, parsed)


def all_warnings(parsed: dict) -> list[dict]:
    """Document warnings plus every task's, each task warning tagged with its ref."""
    found = [dict(w, ref=None) for w in parsed.get("warnings", [])]
    for part in parsed.get("parts", []):
        for section in part["sections"]:
            for task in section["tasks"]:
                found += [dict(w, ref=task["ref"]) for w in task.get("warnings", [])]
    return found


def blocking_warnings(parsed: dict) -> list[dict]:
    return [w for w in all_warnings(parsed) if w["code"] in BLOCKING_WARNINGS]


def do_start_import(
    *,
    actor,
    file_name: str,
    data: bytes,
    owner: Organisation | None,
    coordinator: Organisation,
    mapping: dict | None = None,
) -> ImportSession:
    """Read and parse an uploaded document; keep it for review. Nothing of the plan changes.
    Without an owner, the plan belongs to the document's issuer (its 发文单位); when that
    cannot be resolved the importer must choose."""
    if owner is not None:
        _require_owner(actor, owner)
        _require_coordinator(actor, owner, coordinator)
    if not data:
        raise ValidationFailed("上传的文件是空的。", details={"file": file_name})
    try:
        text = read_document(file_name, data)
    except WorkplanParseError as exc:
        raise ValidationFailed(exc.message, details=exc.details) from exc
    mapping = dict(mapping or {})
    parsed = _parse(text, mapping)
    if owner is None:
        owner = issuer_organisation(parsed)
        if owner is None:
            issuer = parsed.get("issuer") or "未识别"
            raise ValidationFailed(
                f"未能从文件的发文单位(“{issuer}”)确定制定单位,请选择制定单位。",
                details={"owner": issuer},
            )
        _require_owner(actor, owner)
        _require_coordinator(actor, owner, coordinator)
    _owner_warnings(owner, parsed)
    if not parsed.get("year"):
        raise ValidationFailed(
            "未能从文件中确定计划年度:标题中应有“YYYY年”或有印发日期。", details={"file": file_name}
        )
    with transaction.atomic():
        plan = _existing_plan(owner, parsed)
        session = ImportSession.objects.create(
            file_name=file_name[:255],
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            text=text,
            parsed=parsed,
            mapping=mapping,
            diff=_diff_for(plan, parsed),
            owner=owner,
            coordinator=coordinator,
            plan=plan,
            created_by=actor,
        )
        record_event(
            "workplan.import_started",
            f"上传《{parsed.get('title') or file_name}》待确认",
            target=session,
            tasks=count_tasks(parsed),
            warnings=len(all_warnings(parsed)),
        )
    return session


def count_tasks(parsed: dict) -> int:
    return sum(len(s["tasks"]) for p in parsed.get("parts", []) for s in p["sections"])


def _normalise_mapping(mapping: dict) -> dict[str, list[str]]:
    clean: dict[str, list[str]] = {}
    for name, targets in (mapping or {}).items():
        name = str(name).strip()
        if isinstance(targets, str):
            targets = [targets]
        targets = [str(t).strip() for t in targets or [] if str(t).strip()]
        if name and targets:
            unknown = [t for t in targets if not Organisation.objects.filter(name=t).exists()]
            if unknown:
                raise ValidationFailed(
                    f"“{name}”对应的机构不存在:{'、'.join(unknown)}", details={"name": name}
                )
            clean[name] = targets
    return clean


def do_update_import_mapping(
    *, actor, session: ImportSession, mapping: dict, expected_version: int | None = None
) -> ImportSession:
    """Map names of the document to organisations and parse again."""
    mapping = _normalise_mapping(mapping)
    with transaction.atomic():
        session = locked(ImportSession, session.pk, expected_version=expected_version)
        _require_pending(session)
        _require_coordinator(actor, session.owner, session.coordinator)
        merged = {**session.mapping, **mapping}
        session.parsed = _parse(session.text, merged, session.owner)
        session.mapping = merged
        session.diff = _diff_for(session.plan, session.parsed)
        session.save()
        record_event(
            "workplan.import_mapped",
            "名称对应:" + ";".join(f"{k}→{'、'.join(v)}" for k, v in mapping.items()),
            target=session,
            mapping=mapping,
        )
    return session


def _require_pending(session: ImportSession) -> None:
    if session.state != "pending":
        raise InvalidTransition(
            f"该导入已{session.get_state_display()},不能再修改。", details={"state": session.state}
        )


def do_discard_import(*, actor, session: ImportSession) -> ImportSession:
    with transaction.atomic():
        session = locked(ImportSession, session.pk)
        _require_pending(session)
        _require_coordinator(actor, session.owner, session.coordinator)
        session.state = "discarded"
        session.save()
        record_event("workplan.import_discarded", f"放弃导入 {session.file_name}", target=session)
    return session


def do_confirm_import(
    *, actor, session: ImportSession, expected_version: int | None = None
) -> tuple[Plan, dict]:
    """Apply a reviewed import: create the plan, or bring the existing plan in line with the
    revised document (added tasks created, removed ones withdrawn, changed ones updated). All
    reports and history are kept. Returns the plan and counts of what changed."""
    with transaction.atomic():
        session = locked(ImportSession, session.pk, expected_version=expected_version)
        _require_pending(session)
        _require_coordinator(actor, session.owner, session.coordinator)
        blocking = blocking_warnings(session.parsed)
        if blocking:
            raise ValidationFailed(
                f"还有 {len(blocking)} 处问题须先处理(如未识别的单位名称需对应到机构)后才能确认。",
                details={"warnings": blocking},
            )
        parsed = session.parsed
        plan = session.plan or _existing_plan(session.owner, parsed)
        created = plan is None
        if created:
            plan = Plan.objects.create(
                title=parsed.get("title") or session.file_name,
                year=parsed["year"],
                issuer=parsed.get("issuer") or "",
                issued_on=parsed.get("issued_on"),
                owner=session.owner,
                coordinator=session.coordinator,
                supervisor=default_supervisor(session.owner, session.coordinator),
                region=session.owner.region,
                source_name=session.file_name,
                source_sha256=session.sha256,
                parsed=parsed,
                mapping=session.mapping,
            )
        else:
            plan = locked(Plan, plan.pk)
        counts = _apply_parsed(plan, parsed, diff_plans(plan.parsed, parsed) if not created else {})
        _set_if_changed(
            plan,
            title=parsed.get("title") or plan.title,
            issuer=parsed.get("issuer") or "",
            source_name=session.file_name,
            source_sha256=session.sha256,
            parsed=parsed,
            mapping=session.mapping,
        )
        session.plan = plan
        session.state = "confirmed"
        session.save()
        verb = "workplan.imported" if created else "workplan.reimported"
        summary = "、".join(f"{k} {v}" for k, v in counts.items() if v) or "无变化"
        record_event(verb, f"导入《{plan.title}》:{summary}", target=plan, **counts)
    return plan, counts


def _set_if_changed(obj, **values) -> bool:
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for key in changed:
        setattr(obj, key, values[key])
    if changed and obj.pk:
        obj.save()
    return bool(changed)


def _org_map(names: set[str]) -> dict[str, Organisation]:
    return {o.name: o for o in Organisation.objects.filter(name__in=names)}


def _parse_date(value):
    return date.fromisoformat(value) if value else None


def _apply_parsed(plan: Plan, parsed: dict, diff: dict) -> dict:
    counts = {"新增任务": 0, "修改任务": 0, "撤销任务": 0, "新增分工": 0, "取消分工": 0}
    _renumber(plan, diff)
    orgs = _org_map(_unit_names(parsed))
    existing = {t.ref: t for t in plan.tasks.all()}
    seen: set[str] = set()
    position = 0
    for p in parsed["parts"]:
        part = _part_for(plan, p)
        for s in p["sections"]:
            section = _section_for(plan, part, s)
            for t in s["tasks"]:
                position += 1
                seen.add(t["ref"])
                _apply_task(plan, existing.get(t["ref"]), t, section, position, orgs, counts)
    _withdraw_missing(existing, seen, counts)
    _sync_cycles(plan, parsed)
    return counts


def _renumber(plan: Plan, diff: dict) -> None:
    """Renumbered tasks first keep their identity (and their reports) under the new ref."""
    renumbered = {r["old_ref"]: r["ref"] for r in diff.get("renumbered", [])}
    if not renumbered:
        return
    tasks = {t.ref: t for t in plan.tasks.filter(ref__in=renumbered)}
    for task in tasks.values():
        task.ref = f"~{task.pk}"
        task.save(update_fields=["ref"])
    for old_ref, task in tasks.items():
        task.ref = renumbered[old_ref]
        task.save(update_fields=["ref"])


def _unit_names(parsed: dict) -> set[str]:
    names: set[str] = set()
    for part in parsed["parts"]:
        for section in part["sections"]:
            for t in section["tasks"]:
                names.update(t["lead"], t["cooperate"])
    return names


def _part_for(plan: Plan, p: dict) -> Part:
    part, _ = Part.objects.get_or_create(
        plan=plan, number=p["number"], defaults={"label": p["label"], "title": p["title"]}
    )
    _set_if_changed(part, label=p["label"], title=p["title"])
    return part


def _section_for(plan: Plan, part: Part, s: dict) -> Section:
    section = Section.objects.filter(plan=plan, part=part, number=s["number"]).first()
    if section is None:
        return Section.objects.create(
            plan=plan, part=part, number=s["number"], label=s["label"], title=s["title"]
        )
    _set_if_changed(section, label=s["label"], title=s["title"])
    return section


def _task_values(t: dict, section: Section, position: int) -> dict:
    return {
        "section": section,
        "number": t["number"],
        "position": position,
        "text": t["text"],
        "responsibility": t.get("responsibility") or "",
        "shared_duty": bool(t.get("shared_duty")),
        "due": _parse_date(t.get("due")),
        "due_start": _parse_date(t.get("due_start")),
        "due_interpretation": t.get("due_interpretation") or "",
        "indicators": t.get("indicators") or [],
        "withdrawn": False,
        "withdrawn_reason": "",
    }


def _apply_task(plan, task, t: dict, section, position: int, orgs, counts: dict) -> None:
    """Create or update one parsed task and its lead and cooperating units."""
    values = _task_values(t, section, position)
    if task is None:
        task = Task.objects.create(plan=plan, ref=t["ref"], **values)
        counts["新增任务"] += 1
    elif _set_if_changed(task, **values):
        counts["修改任务"] += 1
    added, cancelled = _sync_units(task, t, orgs)
    counts["新增分工"] += added
    counts["取消分工"] += cancelled


def _withdraw_missing(existing: dict[str, Task], seen: set[str], counts: dict) -> None:
    """Tasks no longer in the revised document are withdrawn (kept, with their reports)."""
    for ref, task in existing.items():
        if ref in seen or task.withdrawn:
            continue
        task.withdrawn = True
        task.withdrawn_reason = REVISION_REASON
        task.save()
        counts["撤销任务"] += 1
        for assignment in task.assignments.exclude(status="cancelled"):
            _cancel(assignment, REVISION_REASON)
            counts["取消分工"] += 1
        _refresh_task(task)


def _cancel(assignment: Assignment, reason: str) -> None:
    assignment.status = "cancelled"
    assignment.cancel_reason = reason
    assignment.save()


def _sync_units(task: Task, parsed_task: dict, orgs: dict[str, Organisation]) -> tuple[int, int]:
    lead = [orgs[n] for n in parsed_task["lead"] if n in orgs]
    cooperate = [orgs[n] for n in parsed_task["cooperate"] if n in orgs]
    if {o.pk for o in task.cooperating.all()} != {o.pk for o in cooperate}:
        task.cooperating.set(cooperate)
    added = cancelled = 0
    current = {a.organisation_id: a for a in task.assignments.all()}
    for org in lead:
        assignment = current.get(org.pk)
        if assignment is None:
            Assignment.objects.create(task=task, organisation=org, due=task.due)
            added += 1
        elif assignment.status == "cancelled" and assignment.cancel_reason == REVISION_REASON:
            _set_if_changed(assignment, status="not_started", cancel_reason="")
            added += 1
        elif assignment.due != task.due and assignment.status in OPEN_STATUSES:
            _set_if_changed(assignment, due=task.due)
    lead_ids = {o.pk for o in lead}
    for org_id, assignment in current.items():
        if org_id not in lead_ids and assignment.status != "cancelled":
            _cancel(assignment, REVISION_REASON)
            cancelled += 1
    if added or cancelled:
        _refresh_task(task)
    return added, cancelled


CYCLE_KIND_BY_NAME = {"半年度": "half_year", "半年": "half_year", "年度": "annual"}


def _sync_cycles(plan: Plan, parsed: dict) -> None:
    for entry in parsed.get("reporting", []):
        kind = CYCLE_KIND_BY_NAME.get(entry["name"], "other")
        name = f"{plan.year}年{entry['name']}"
        cycle = ReportingCycle.objects.filter(plan=plan, name=name).first()
        values = {
            "kind": kind,
            "due": _parse_date(entry["due"]),
            "interpretation": entry.get("interpretation", ""),
        }
        if cycle is None:
            ReportingCycle.objects.create(plan=plan, name=name, **values)
        else:
            _set_if_changed(cycle, **values)
    if not plan.cycles.exists():  # a document without reporting dates: the year end
        ReportingCycle.objects.create(
            plan=plan,
            name=f"{plan.year}年年度",
            kind="annual",
            due=date(plan.year, 12, 31),
            interpretation="文件未写明报送时间,默认年底",
        )


# --- tasks, cycles, assignments -------------------------------------------------------------------


def task_status(statuses: list[str]) -> str:
    """A task's overall status from its assignments' (cancelled ones ignored)."""
    live = [s for s in statuses if s != "cancelled"]
    if not live:
        return "cancelled" if statuses else "not_started"
    if all(s == "done" for s in live):
        return "done"
    if "late" in live:
        return "late"
    if any(s in ("in_progress", "done") for s in live):
        return "in_progress"
    return "not_started"


def _cached(obj, relation: str):
    """The related row ``obj`` has already loaded (None if it has not)."""
    if obj is None:
        return None
    return obj._meta.get_field(relation).get_cached_value(obj, default=None)


def _reuse(fresh, given, *relations: str):
    """A row just fetched again under lock gets the related rows its caller already loaded
    for the relations the operation does not change (unit and cycle names for the audit
    trail), instead of fetching them once more. Returns ``fresh``."""
    for relation in relations:
        field = fresh._meta.get_field(relation)
        loaded = _cached(given, relation)
        if loaded is not None and loaded.pk == getattr(fresh, field.attname):
            field.set_cached_value(fresh, loaded)
    return fresh


def _refresh_task(task: Task) -> None:
    # no ordering: the default one joins the plan and the organisations for nothing
    rows = list(task.assignments.order_by().values_list("status", "percent"))
    status = "cancelled" if task.withdrawn else task_status([s for s, _ in rows])
    live = [p for s, p in rows if s != "cancelled"]
    percent = round(sum(live) / len(live)) if live else 0
    if task.status != status or task.percent != percent:
        Task.objects.filter(pk=task.pk).update(status=status, percent=percent)
        task.status, task.percent = status, percent


def do_update_task(
    *,
    actor,
    task: Task,
    due: date | None,
    due_interpretation: str,
    expected_version: int | None = None,
) -> Task:
    """Edit a task's derived deadline (the reviewer corrects what the parser inferred)."""
    if not can(actor, task, "change"):
        raise NotPermitted("只有督办科室可以修改任务时限。")
    if due is None:
        raise ValidationFailed("请填写完成时限。", details={"field": "due"})
    if due.year < task.plan.year - 1 or due.year > task.plan.year + 5:
        raise ValidationFailed(
            f"完成时限 {due:%Y-%m-%d} 与计划年度 {task.plan.year} 相差过远,请核对。",
            details={"field": "due"},
        )
    with transaction.atomic():
        task = locked(Task, task.pk, expected_version=expected_version)
        before = task.due
        task.due = due
        task.due_interpretation = due_interpretation.strip() or f"人工修改为 {due:%Y年%m月%d日}"
        task.save()
        for assignment in task.assignments.filter(status__in=OPEN_STATUSES):
            assignment.due = due
            assignment.save()
        record_event(
            "workplan.task_due_changed",
            f"{task.ref} 完成时限 {before} → {due}",
            target=task,
            before=str(before),
            after=str(due),
        )
    return task


def do_add_cycle(
    *, actor, plan: Plan, name: str, kind: str, due: date, sections_only: bool = False
) -> ReportingCycle:
    if not can(actor, plan, "change"):
        raise NotPermitted("只有督办科室可以设置报送周期。")
    name = (name or "").strip()
    if not name or due is None:
        raise ValidationFailed("请填写周期名称和报送截止日期。")
    if kind not in dict(ReportingCycle._meta.get_field("kind").choices):
        raise ValidationFailed(f"未知的周期类型:{kind}")
    if plan.cycles.filter(name=name).exists():
        raise ValidationFailed(f"已有名为“{name}”的报送周期。", details={"field": "name"})
    with transaction.atomic():
        cycle = ReportingCycle.objects.create(
            plan=plan, name=name, kind=kind, due=due, sections_only=sections_only
        )
        record_event("workplan.cycle_added", f"新增报送周期 {cycle}", target=plan)
    return cycle


def do_cancel_assignment(*, actor, assignment: Assignment, reason: str) -> Assignment:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("取消任务须写明原因。", details={"field": "reason"})
    if not can(actor, assignment, "approve"):
        raise NotPermitted("只有督办科室可以取消任务分工。")
    with transaction.atomic():
        assignment = locked(Assignment, assignment.pk)
        if assignment.status == "cancelled":
            raise InvalidTransition("该分工已取消。")
        _cancel(assignment, reason)
        _refresh_task(assignment.task)
        record_event(
            "workplan.assignment_cancelled", f"取消 {assignment}:{reason}", target=assignment
        )
    return assignment


# --- progress reports -----------------------------------------------------------------------------


def _validate_report(assignment: Assignment, cycle: ReportingCycle, values: dict) -> dict:
    errors = {}
    status = values.get("reported_status")
    if status not in STATUS_LABELS or status == "cancelled":
        errors["reported_status"] = "请选择完成状态(未启动、推进中、已完成或滞后)。"
    percent = values.get("percent")
    if type(percent) is not int or not 0 <= percent <= 100:
        errors["percent"] = "完成进度应为 0 到 100 之间的整数。"
    elif status == "done" and percent != 100:
        errors["percent"] = "报告“已完成”时,完成进度应为 100%。"
    narrative = (values.get("narrative") or "").strip()
    if len(narrative) < 5:
        errors["narrative"] = "请填写进展情况(至少 5 个字)。"
    actuals = values.get("indicator_actuals") or {}
    if not isinstance(actuals, dict):
        errors["indicator_actuals"] = "指标完成值格式不正确。"
    if cycle.plan_id != assignment.task.plan_id:
        errors["cycle"] = "报送周期不属于该任务所在的计划。"
    if errors:
        raise ValidationFailed("进展报告填写有误:" + ";".join(errors.values()), details=errors)
    return {
        "reported_status": status,
        "percent": percent,
        "narrative": narrative,
        "indicator_actuals": {str(k): str(v).strip() for k, v in actuals.items() if str(v).strip()},
    }


def do_submit_report(
    *,
    actor,
    assignment: Assignment,
    cycle: ReportingCycle,
    reported_status: str,
    percent: int,
    narrative: str,
    indicator_actuals: dict | None = None,
    expected_version: int | None = None,
    attachments=(),
) -> ProgressReport:
    """A lead unit reports (or, after a return, re-reports) on its assignment for a cycle, with
    optional supporting files (checked like every upload; a bad file refuses the report)."""
    if not can(actor, assignment, "change"):
        raise NotPermitted("只能报送本单位牵头的任务。", details={"assignment": assignment.pk})
    values = _validate_report(
        assignment,
        cycle,
        {
            "reported_status": reported_status,
            "percent": percent,
            "narrative": narrative,
            "indicator_actuals": indicator_actuals,
        },
    )
    if cycle.sections_only and assignment.organisation.kind not in ("section", "unit"):
        raise ValidationFailed(f"“{cycle.name}”只要求局机关科室、单位报送。")
    with transaction.atomic():
        assignment = _reuse(locked(Assignment, assignment.pk), assignment, "organisation")
        if assignment.status == "cancelled" or assignment.task.withdrawn:
            raise InvalidTransition("该任务分工已取消或撤销,不能再报送进展。")
        report = ProgressReport.objects.filter(assignment=assignment, cycle=cycle).first()
        if report is not None:
            report = locked(ProgressReport, report.pk, expected_version=expected_version)
        new_state = _transition(report, "submit")
        if report is None:
            report = ProgressReport(assignment=assignment, cycle=cycle)
        else:
            report.assignment, report.cycle = assignment, cycle
        for key, value in values.items():
            setattr(report, key, value)
        report.state = new_state
        report.submitted_by = actor
        report.submitted_at = timezone.now()
        report.submissions += 1
        report.save()
        for upload in attachments or ():
            add_attachment(actor=actor, target=report, upload=upload, description="进展佐证材料")
        if assignment.status == "not_started" and values["reported_status"] != "not_started":
            assignment.status = "in_progress"
            assignment.save()
            _refresh_task(assignment.task)
        record_event(
            "workplan.report_submitted",
            f"{assignment.organisation} 报送 {assignment.task.ref}({cycle.name}):"
            f"{STATUS_LABELS[values['reported_status']]} {values['percent']}%",
            target=report,
            submissions=report.submissions,
            task=assignment.task.ref,
        )
    return report


def _status_after(reported: str, due: date | None, today: date) -> str:
    if reported in ("not_started", "in_progress") and due is not None and due < today:
        return "late"
    return reported


def do_review_report(
    *,
    actor,
    report: ProgressReport,
    decision: str,
    comment: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ProgressReport:
    """The coordinating section accepts a report (it becomes the assignment's progress) or
    returns it with a comment. ``today`` decides whether an unfinished assignment past its
    due date is 滞后 (default: the real date)."""
    if decision not in ("accept", "return"):
        raise ValidationFailed("审核结论应为“采纳”或“退回”。", details={"decision": decision})
    comment = (comment or "").strip()
    if decision == "return" and not comment:
        raise ValidationFailed("退回报告须填写退回意见。", details={"field": "comment"})
    if not can(actor, report, "approve"):
        raise NotPermitted("只有督办科室可以审核进展报告。")
    given = report
    with transaction.atomic():
        report = _reuse(
            locked(ProgressReport, report.pk, expected_version=expected_version), given, "cycle"
        )
        report.state = _transition(report, decision)
        if decision == "accept":
            report.assignment = locked(Assignment, report.assignment_id)
        _reuse(report.assignment, _cached(given, "assignment"), "organisation")
        report.reviewed_by = actor
        report.reviewed_at = timezone.now()
        report.review_comment = comment
        report.save()
        if decision == "accept":
            assignment = report.assignment
            if assignment.status != "cancelled":
                assignment.status = _status_after(
                    report.reported_status, assignment.due, today or timezone.localdate()
                )
                assignment.percent = report.percent
                assignment.latest_progress = report.narrative
                assignment.save()
                _refresh_task(assignment.task)
        label = "采纳" if decision == "accept" else "退回"
        record_event(
            f"workplan.report_{'accepted' if decision == 'accept' else 'returned'}",
            f"{label} {report}" + (f":{comment}" if comment else ""),
            target=report,
            comment=comment,
        )
    return report


def do_add_contribution(
    *, actor, task: Task, cycle: ReportingCycle, organisation: Organisation, narrative: str
) -> Contribution:
    narrative = (narrative or "").strip()
    if len(narrative) < 5:
        raise ValidationFailed("请填写配合工作情况(至少 5 个字)。", details={"field": "narrative"})
    from yingji.core.permissions import scope_of

    scope = scope_of(actor)
    if not (scope.is_admin or organisation.pk in scope.org_ids):
        raise NotPermitted("只能以本单位名义填写配合情况。")
    if not task.cooperating.filter(pk=organisation.pk).exists():
        raise ValidationFailed(f"{organisation} 不是该任务的配合单位。")
    if cycle.plan_id != task.plan_id:
        raise ValidationFailed("报送周期不属于该任务所在的计划。")
    with transaction.atomic():
        contribution, created = Contribution.objects.get_or_create(
            task=task,
            cycle=cycle,
            organisation=organisation,
            defaults={"narrative": narrative, "submitted_by": actor},
        )
        if not created:
            contribution.narrative = narrative
            contribution.submitted_by = actor
            contribution.save()
        record_event(
            "workplan.contribution",
            f"{organisation} 填写 {task.ref} 配合情况({cycle.name})",
            target=task,
        )
    return contribution


# --- reminders, overdue, 督办单 ---------------------------------------------------------------------


def reminder_date(due: date, working_days: int) -> date:
    """The working day N working days before the due date, with the calendar in force (entered
    schedules over the built-in data). Computed by each daily check, never stored: an entered
    schedule applies from the next check on, so there is nothing to recompute."""
    return work_calendar().subtract_workdays(due, working_days)


def do_run_daily_check(*, today: date | None = None, reminder_days: int | None = None) -> dict:
    """The daily job: a reminder N working days before each open assignment's due date, and
    overdue detection (status 滞后 plus an overdue record). Safe to run more than once a day."""
    from django.conf import settings

    today = today or timezone.localdate()
    if reminder_days is None:
        reminder_days = getattr(settings, "YINGJI_WORKPLAN_REMINDER_DAYS", 5)
    counts = {"reminders": 0, "overdue": 0}
    with transaction.atomic():
        open_assignments = (
            Assignment.objects.filter(status__in=OPEN_STATUSES, due__isnull=False)
            .select_related("task", "organisation")
            .order_by("pk")
        )
        for assignment in open_assignments:
            due = assignment.due
            if due < today:
                if assignment.status != "late":
                    assignment.status = "late"
                    assignment.save()
                    _refresh_task(assignment.task)
                _, made = Reminder.objects.get_or_create(
                    assignment=assignment,
                    kind="overdue",
                    due=due,
                    defaults={
                        "for_date": today,
                        "message": f"{assignment.task.ref} 已超过完成时限 {due:%Y-%m-%d}",
                    },
                )
                counts["overdue"] += made
            elif reminder_date(due, reminder_days) <= today:
                _, made = Reminder.objects.get_or_create(
                    assignment=assignment,
                    kind="due_soon",
                    due=due,
                    defaults={
                        "for_date": today,
                        "message": f"{assignment.task.ref} 将于 {due:%Y-%m-%d} 到期"
                        f"(提前 {reminder_days} 个工作日提醒)",
                    },
                )
                counts["reminders"] += made
        if counts["reminders"] or counts["overdue"]:
            record_event(
                "workplan.daily_check",
                f"{today}:临期提醒 {counts['reminders']} 条,新增逾期 {counts['overdue']} 条",
                **counts,
            )
    return counts


def do_issue_notice(
    *, actor, assignment: Assignment, deadline: date, reason: str, today: date | None = None
) -> SupervisionNotice:
    """A 督办单 issued by hand (the 督办单 rung of the ladder for the assignment's deadline)."""
    action = do_take_ladder_step(
        actor=actor,
        assignment=assignment,
        rung="notice",
        note=reason,
        deadline=deadline,
        today=today,
    )
    return action.notice


# --- county plans -----------------------------------------------------------------------------------


def do_create_county_plan(*, actor, city_plan: Plan, county: Organisation) -> Plan:
    """对照制定: a county bureau's plan whose tasks reference the city plan's tasks, with the
    county bureau leading each; the county may then edit deadlines. Reports go to the city's
    coordinating section, which sees all counties side by side."""
    from yingji.core.permissions import scope_of

    if county.kind != "county_bureau":
        raise ValidationFailed(f"{county} 不是县区应急管理部门。")
    scope = scope_of(actor)
    if not (scope.is_admin or county.pk in scope.org_ids or can(actor, city_plan, "change")):
        raise NotPermitted("只有本县区应急局或市局督办科室可以制定县区计划。")
    if city_plan.parent_id:
        raise ValidationFailed("只能对照市级计划制定县区计划。")
    if Plan.objects.filter(parent=city_plan, owner=county).exists():
        raise ValidationFailed(f"{county} 已有对照《{city_plan.title}》的计划。")
    with transaction.atomic():
        plan = Plan.objects.create(
            title=f"{county.name}{city_plan.year}年应急管理工作要点落实计划",
            year=city_plan.year,
            issuer=county.name,
            owner=county,
            coordinator=city_plan.coordinator,
            supervisor=city_plan.supervisor,
            region=county.region,
            parent=city_plan,
            is_demo=city_plan.is_demo or county.is_demo,
        )
        parts = {}
        sections = {}
        for city_task in city_plan.tasks.filter(withdrawn=False).select_related("section__part"):
            city_section = city_task.section
            city_part = city_section.part
            if city_part.pk not in parts:
                parts[city_part.pk] = Part.objects.create(
                    plan=plan, number=city_part.number, label=city_part.label, title=city_part.title
                )
            if city_section.pk not in sections:
                sections[city_section.pk] = Section.objects.create(
                    plan=plan,
                    part=parts[city_part.pk],
                    number=city_section.number,
                    label=city_section.label,
                    title=city_section.title,
                )
            task = Task.objects.create(
                plan=plan,
                section=sections[city_section.pk],
                ref=city_task.ref,
                number=city_task.number,
                position=city_task.position,
                text=city_task.text,
                due=city_task.due,
                due_start=city_task.due_start,
                due_interpretation=city_task.due_interpretation,
                indicators=city_task.indicators,
                city_task=city_task,
            )
            Assignment.objects.create(task=task, organisation=county, due=task.due)
        for cycle in city_plan.cycles.exclude(sections_only=True):
            ReportingCycle.objects.create(
                plan=plan,
                name=cycle.name,
                kind=cycle.kind,
                due=cycle.due,
                interpretation=cycle.interpretation,
            )
        record_event(
            "workplan.county_plan_created",
            f"{county} 对照《{city_plan.title}》制定计划({plan.tasks.count()} 项任务)",
            target=plan,
        )
    return plan


# --- 督查督办: the escalation ladder, 督办单, 通报 (issue #19) ------------------------------------------

# The 督办单 state machine: (state, action) → state. Only the target unit replies; only the
# plan's 督查科室 (and administrators) accept (办结) or re-issue (重新督办).
NOTICE_TRANSITIONS = {
    ("issued", "reply"): "replied",
    ("replied", "accept"): "closed",
    ("replied", "reissue"): "reissued",
}
NOTICE_REFUSALS = {
    ("issued", "accept"): "督办单尚未反馈,不能办结。",
    ("issued", "reissue"): "督办单尚未反馈;逾期未反馈的督办单由督办阶梯自动升级。",
    ("replied", "reply"): "已反馈,正在等待督查科室办结,不能重复反馈。",
    ("closed", "reply"): "督办单已办结,不能再反馈。",
    ("closed", "accept"): "督办单已办结,无需重复办结。",
    ("closed", "reissue"): "督办单已办结,不能重新督办。",
    ("reissued", "reply"): "该督办单已重新督办,请对新的督办单反馈。",
    ("reissued", "accept"): "该督办单已重新督办,请在新的督办单上办结。",
    ("reissued", "reissue"): "该督办单已重新督办过。",
}


def _notice_transition(notice: SupervisionNotice, action: str) -> str:
    key = (notice.state, action)
    if key not in NOTICE_TRANSITIONS:
        message = NOTICE_REFUSALS.get(key, f"督办单不能从“{notice.state}”执行“{action}”。")
        raise InvalidTransition(message, details={"state": notice.state, "action": action})
    return NOTICE_TRANSITIONS[key]


def default_supervisor(owner: Organisation, coordinator: Organisation) -> Organisation:
    """机关督查 sits with the owner's 办公室 by default (see docs/workplan.md for the seed's
    sentence and the confidence); without one, the coordinating section."""
    office = Organisation.objects.filter(parent=owner, name="办公室", is_active=True).first()
    return office or coordinator


def ladder_steps() -> list[LadderStep]:
    """The ladder in force, the defaults created on first use (reference data)."""
    steps = list(LadderStep.objects.order_by("position"))
    if len(steps) < len(DEFAULT_STEPS):
        for rung, position, trigger, reply in DEFAULT_STEPS:
            LadderStep.objects.get_or_create(
                rung=rung,
                defaults={"position": position, "trigger_days": trigger, "reply_days": reply},
            )
        steps = list(LadderStep.objects.order_by("position"))
    return steps


def _require_supervisor(actor, plan: Plan, what: str) -> None:
    from yingji.core.permissions import scope_of

    from .permissions import supervises

    if not supervises(scope_of(actor), plan):
        raise NotPermitted(
            f"只有该计划的督查科室({plan.supervisor or '未设置'})可以{what}。",
            details={"plan": plan.pk},
        )


def _escalation_key(assignment_id: int, cycle_id: int | None, due: date | None) -> str:
    return f"a{assignment_id}-c{cycle_id or 0}-d{due.isoformat() if due else 'none'}"


def _escalation_for(assignment: Assignment, cycle: ReportingCycle | None) -> Escalation:
    due = cycle.due if cycle is not None else assignment.due
    key = _escalation_key(assignment.pk, cycle.pk if cycle else None, due)
    escalation, _created = Escalation.objects.get_or_create(
        key=key, defaults={"assignment": assignment, "cycle": cycle, "due": due}
    )
    if escalation.state != "open":
        escalation.state, escalation.resolved_on, escalation.resolved_reason = "open", None, ""
        escalation.save()
    return escalation


def _new_notice(
    *, escalation: Escalation, actor, deadline: date, reason: str, today: date, previous=None
) -> SupervisionNotice:
    """A numbered 督办单: per issuing organisation (the plan's owner) and year, across its plans
    (a county's own plan and its 对照 plan share one sequence): 督〔年〕N号."""
    assignment = escalation.assignment
    plan = Plan.objects.select_related("owner").get(pk=assignment.task.plan_id)
    locked(Organisation, plan.owner_id)  # serialises the owner's numbering
    last = SupervisionNotice.objects.filter(
        assignment__task__plan__owner_id=plan.owner_id, assignment__task__plan__year=plan.year
    ).aggregate(last=Max("serial"))["last"]
    serial = (last or 0) + 1
    return SupervisionNotice.objects.create(
        assignment=assignment,
        escalation=escalation,
        organisation_id=assignment.organisation_id,
        previous=previous,
        serial=serial,
        number=f"{plan.owner.code}督〔{plan.year}〕{serial}号",
        issued_on=today,
        deadline=deadline,
        reason=reason,
        issued_by=actor,
    )


def _auto_note(escalation: Escalation, rung: str, overdue: int) -> str:
    assignment = escalation.assignment
    what = (
        f"{escalation.cycle.name}进展报告(截止 {escalation.due:%Y-%m-%d})未报送"
        if escalation.cycle_id
        else f"任务 {assignment.task.ref} 已超过完成时限 {escalation.due:%Y-%m-%d}"
    )
    tail = {
        "remind": "请抓紧办理。",
        "urge": "请加快办理并尽快报送。",
        "notice": "现予督办,请于反馈时限前报送办理情况。",
        "bulletin": "督办单逾期未反馈,予以通报。",
        "interview": "督办单逾期未反馈,约谈单位主要负责人。",
    }[rung]
    return f"{assignment.organisation}:{what},逾期 {overdue} 个工作日。{tail}"


def _take_rung(
    escalation: Escalation,
    rung: str,
    *,
    today: date,
    overdue: int,
    actor=None,
    by_hand: bool = False,
    note: str = "",
    deadline: date | None = None,
    reply_days: int = 5,
) -> LadderAction:
    if escalation.actions.filter(rung=rung).exists():
        raise InvalidTransition(
            f"该事项已{RUNG_LABELS[rung]}过,每一级只发起一次。",
            details={"rung": rung, "escalation": escalation.pk},
        )
    note = note or _auto_note(escalation, rung, overdue)
    notice = None
    if rung == "notice":
        deadline = deadline or work_calendar().add_workdays(today, reply_days)
        notice = _new_notice(
            escalation=escalation, actor=actor, deadline=deadline, reason=note, today=today
        )
    action = LadderAction.objects.create(
        escalation=escalation,
        rung=rung,
        taken_on=today,
        overdue_days=overdue,
        by_hand=by_hand,
        actor=actor,
        note=note,
        notice=notice,
    )
    if not escalation.rung or RUNG_ORDER.index(rung) > RUNG_ORDER.index(escalation.rung):
        escalation.rung = rung
        escalation.save()
    how = "手动" if by_hand else "自动"
    if notice is not None:
        record_event(
            "workplan.notice_issued",
            f"{how}签发督办单 {notice.number}:{escalation}",
            target=notice,
            notice=notice.number,
            escalation=escalation.pk,
            overdue_days=overdue,
            by_hand=by_hand,
        )
    else:
        record_event(
            f"workplan.ladder_{rung}",
            f"{how}{RUNG_LABELS[rung]}:{escalation}(逾期 {overdue} 个工作日)",
            target=escalation,
            rung=rung,
            overdue_days=overdue,
            by_hand=by_hand,
        )
    return action


def do_take_ladder_step(
    *,
    actor,
    assignment: Assignment,
    rung: str,
    note: str,
    cycle: ReportingCycle | None = None,
    deadline: date | None = None,
    today: date | None = None,
) -> LadderAction:
    """A rung taken by hand by the plan's 督查科室: 提醒, 催办, 督办单 (with its reply deadline),
    通报 or 约谈 on an assignment's deadline (or on a cycle's missing report). Each rung at most
    once per item; 通报/约谈 only after a 督办单."""
    today = today or timezone.localdate()
    note = (note or "").strip()
    if rung not in RUNG_LABELS:
        raise ValidationFailed("请选择督办阶梯。", details={"field": "rung"})
    if not note:
        field = "reason" if rung == "notice" else "note"
        what = "督办事项" if rung == "notice" else f"{RUNG_LABELS[rung]}内容"
        raise ValidationFailed(f"请填写{what}。", details={"field": field})
    if rung == "notice" and (deadline is None or deadline < today):
        raise ValidationFailed("反馈时限应不早于今天。", details={"field": "deadline"})
    plan = assignment.task.plan
    _require_supervisor(actor, plan, f"发起{RUNG_LABELS[rung]}")
    if cycle is not None and cycle.plan_id != assignment.task.plan_id:
        raise ValidationFailed("报送周期不属于该任务所在的计划。")
    with transaction.atomic():
        assignment = locked(Assignment, assignment.pk)
        if assignment.status == "cancelled" or assignment.task.withdrawn:
            raise InvalidTransition("该任务分工已取消或撤销,不能再督办。")
        escalation = _escalation_for(assignment, cycle)
        taken = set(escalation.actions.values_list("rung", flat=True))
        if rung in ("bulletin", "interview") and "notice" not in taken:
            raise InvalidTransition(f"须先签发督办单,才能{RUNG_LABELS[rung]}。")
        due = escalation.due
        overdue = max(work_calendar().workdays_between(due, today), 0) if due else 0
        return _take_rung(
            escalation,
            rung,
            today=today,
            overdue=overdue,
            actor=actor,
            by_hand=True,
            note=note,
            deadline=deadline,
        )


def _overdue_subjects(today: date):
    """(assignment, cycle or None, due) of every item overdue today: open assignments past their
    due date, and assignments with no report for a cycle whose deadline has passed."""
    live = Assignment.objects.exclude(status="cancelled").filter(task__withdrawn=False)
    for assignment in (
        live.filter(status__in=OPEN_STATUSES, due__lt=today)
        .select_related("task", "organisation")
        .order_by("pk")
    ):
        yield assignment, None, assignment.due
    for cycle in ReportingCycle.objects.filter(due__lt=today).order_by("due", "pk"):
        missing = (
            live.filter(task__plan_id=cycle.plan_id)
            .exclude(status="done")
            .exclude(pk__in=ProgressReport.objects.filter(cycle=cycle).values("assignment_id"))
            .select_related("task", "organisation")
            .order_by("pk")
        )
        if cycle.sections_only:
            missing = missing.filter(organisation__kind__in=("section", "unit"))
        for assignment in missing:
            yield assignment, cycle, cycle.due


def _still_overdue(escalation: Escalation, today: date) -> str:
    """Why an open item is no longer overdue ('' while it still is)."""
    a = escalation.assignment
    if a.status == "cancelled" or a.task.withdrawn:
        return "任务分工已取消或撤销"
    if escalation.cycle_id:
        if ProgressReport.objects.filter(assignment=a, cycle_id=escalation.cycle_id).exists():
            return "进展报告已报送"
        return "任务已完成" if a.status == "done" else ""
    if a.status == "done":
        return "任务已完成"
    if a.due is None or a.due != escalation.due:
        return "完成时限已调整"
    return ""  # overdue, or not yet due (a 督办单 issued by hand ahead of the deadline)


def do_run_ladder(*, today: date | None = None) -> dict:
    """The ladder's daily job: each overdue item climbs to every rung whose trigger it has
    reached, each rung exactly once (LadderAction is unique per item and rung, so running it
    twice a day, or again after a failure, takes nothing twice); an unanswered 督办单 past its
    reply deadline escalates to the next rung; items no longer overdue are resolved."""
    today = today or timezone.localdate()
    calendar = work_calendar()
    counts = {rung: 0 for rung in RUNG_ORDER} | {"resolved": 0}
    with transaction.atomic():
        steps = ladder_steps()
        spec = [(s.rung, s.trigger_days) for s in steps]
        reply_days = {s.rung: s.reply_days for s in steps}["notice"]
        for escalation in Escalation.objects.filter(state="open").select_related(
            "assignment__task"
        ):
            reason = _still_overdue(escalation, today)
            if reason:
                escalation.state, escalation.resolved_on = "resolved", today
                escalation.resolved_reason = reason
                escalation.save()
                record_event(
                    "workplan.ladder_resolved",
                    f"解除督办:{escalation}({reason})",
                    target=escalation,
                )
                counts["resolved"] += 1
        subjects = {
            _escalation_key(a.pk, c.pk if c else None, due): (a, c, due)
            for a, c, due in _overdue_subjects(today)
        }
        # a 督办单 unanswered past its reply deadline escalates even when its item is not
        # (or no longer) overdue, e.g. one issued by hand ahead of the deadline
        for escalation in Escalation.objects.filter(
            state="open", notices__state="issued", notices__deadline__lt=today
        ).select_related("assignment", "cycle"):
            subjects.setdefault(
                escalation.key, (escalation.assignment, escalation.cycle, escalation.due)
            )
        for key, (assignment, cycle, due) in subjects.items():
            overdue = max(calendar.workdays_between(due, today), 0) if due else 0
            escalation = Escalation.objects.filter(key=key).first()
            taken, notice_overdue = set(), None
            if escalation is not None:
                taken = set(escalation.actions.values_list("rung", flat=True))
                latest = escalation.notices.order_by("-pk").first()
                if latest is not None and latest.state == "issued" and latest.deadline < today:
                    notice_overdue = calendar.workdays_between(latest.deadline, today)
            rungs = rungs_due(spec, taken, overdue, notice_overdue)
            if not rungs:
                continue
            if escalation is None or escalation.state != "open":
                escalation = _escalation_for(assignment, cycle)
            for rung in rungs:
                _take_rung(
                    escalation,
                    rung,
                    today=today,
                    overdue=notice_overdue if rung in ("bulletin", "interview") else overdue,
                    reply_days=reply_days,
                )
                counts[rung] += 1
    return counts


def do_reply_notice(
    *,
    actor,
    notice: SupervisionNotice,
    reply: str,
    attachments=(),
    expected_version: int | None = None,
) -> SupervisionNotice:
    """反馈: the target unit answers the 督办单 with what it has done (and supporting files)."""
    reply = (reply or "").strip()
    if len(reply) < 5:
        raise ValidationFailed("请填写办理情况(至少 5 个字)。", details={"field": "reply"})
    if not can(actor, notice, "change"):
        raise NotPermitted("只有督办对象单位可以反馈督办单。", details={"notice": notice.number})
    with transaction.atomic():
        notice = locked(SupervisionNotice, notice.pk, expected_version=expected_version)
        notice.state = _notice_transition(notice, "reply")
        notice.reply = reply
        notice.replied_at = timezone.now()
        notice.replied_by = actor
        notice.save()
        for upload in attachments or ():
            add_attachment(actor=actor, target=notice, upload=upload, description="督办反馈材料")
        record_event(
            "workplan.notice_replied",
            f"{notice.organisation} 反馈督办单 {notice.number}",
            target=notice,
            attachments=len(attachments or ()),
        )
    return notice


def do_close_notice(
    *, actor, notice: SupervisionNotice, comment: str = "", expected_version: int | None = None
) -> SupervisionNotice:
    """办结: the 督查科室 accepts the unit's reply."""
    if not can(actor, notice, "approve"):
        raise NotPermitted("只有督查科室可以办结督办单。", details={"notice": notice.number})
    with transaction.atomic():
        notice = locked(SupervisionNotice, notice.pk, expected_version=expected_version)
        notice.state = _notice_transition(notice, "accept")
        notice.closed_at = timezone.now()
        notice.closed_by = actor
        notice.close_comment = (comment or "").strip()
        notice.save()
        record_event(
            "workplan.notice_closed",
            f"办结督办单 {notice.number}" + (f":{notice.close_comment}" if comment else ""),
            target=notice,
        )
    return notice


def do_reissue_notice(
    *,
    actor,
    notice: SupervisionNotice,
    reason: str,
    deadline: date,
    expected_version: int | None = None,
    today: date | None = None,
) -> SupervisionNotice:
    """重新督办: the reply is not enough; a new, linked 督办单 with a new reply deadline."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写重新督办的事项。", details={"field": "reason"})
    if deadline is None or deadline < today:
        raise ValidationFailed("反馈时限应不早于今天。", details={"field": "deadline"})
    if not can(actor, notice, "approve"):
        raise NotPermitted("只有督查科室可以重新督办。", details={"notice": notice.number})
    with transaction.atomic():
        notice = locked(SupervisionNotice, notice.pk, expected_version=expected_version)
        notice.state = _notice_transition(notice, "reissue")
        notice.save()
        escalation = notice.escalation or _escalation_for(notice.assignment, None)
        new = _new_notice(
            escalation=escalation,
            actor=actor,
            deadline=deadline,
            reason=reason,
            today=today,
            previous=notice,
        )
        record_event(
            "workplan.notice_reissued",
            f"重新督办:{notice.number} → {new.number}",
            target=new,
            previous=notice.number,
        )
    return new


def do_update_ladder_settings(
    *, actor, triggers: dict[str, int | None], reply_days: int, weights: dict[str, float]
) -> list[LadderStep]:
    """Administrators set the ladder's triggers (working days; empty = by hand only), the
    督办单's reply deadline and the 考核 points. Applies from the next daily run."""
    from yingji.core.permissions import allows

    if not allows(actor, "workplan.ladder_settings"):
        raise NotPermitted("只有系统管理员可以修改督办阶梯和考核分值。")
    errors = validate_triggers(triggers)
    if not 1 <= reply_days <= 60:
        errors["reply_days"] = "督办单反馈时限应为 1 到 60 个工作日。"
    for item, points in weights.items():
        if item not in scoring.DEFAULT_WEIGHTS or not -100 <= points <= 100:
            errors[item] = "考核分值应在 -100 到 100 之间。"
    if errors:
        raise ValidationFailed("督办设置有误:" + ";".join(errors.values()), details=errors)
    with transaction.atomic():
        steps = ladder_steps()
        scoring.score_weights()
        before = {s.rung: s.trigger_days for s in steps}
        for step in steps:
            step = locked(LadderStep, step.pk)
            if step.rung in triggers:
                step.trigger_days = triggers[step.rung]
            if step.rung == "notice":
                step.reply_days = reply_days
            step.save()
        for item, points in weights.items():
            ScoreWeight.objects.filter(item=item).update(points=points)
        record_event(
            "workplan.ladder_settings",
            "修改督办阶梯:"
            + ",".join(
                f"{RUNG_LABELS[r]} {v if v is not None else '手动'}" for r, v in triggers.items()
            ),
            before=before,
            triggers=triggers,
            reply_days=reply_days,
            weights=weights,
        )
    return ladder_steps()


def do_issue_bulletin(
    *,
    actor,
    plan: Plan,
    period_start: date,
    period_end: date,
    remarks: str = "",
    today: date | None = None,
) -> Bulletin:
    """通报: the score sheet of the period, frozen in the bulletin, numbered 通〔年〕N号."""
    from .scoring import score_sheet

    today = today or timezone.localdate()
    if period_start is None or period_end is None or period_end < period_start:
        raise ValidationFailed("统计止日期应不早于统计起日期。", details={"field": "period_end"})
    if period_end > today:
        raise ValidationFailed("统计止日期不能晚于今天。", details={"field": "period_end"})
    _require_supervisor(actor, plan, "发布通报")
    with transaction.atomic():
        locked(Organisation, plan.owner_id)
        last = Bulletin.objects.filter(
            plan__owner_id=plan.owner_id, plan__year=plan.year
        ).aggregate(last=Max("serial"))["last"]
        serial = (last or 0) + 1
        rows = score_sheet(plan, period_start, period_end, today)
        bulletin = Bulletin.objects.create(
            plan=plan,
            serial=serial,
            number=f"{plan.owner.code}通〔{plan.year}〕{serial}号",
            title=f"关于{period_start:%Y年%-m月%-d日}至{period_end:%Y年%-m月%-d日}"
            f"工作要点落实情况的通报",
            period_start=period_start,
            period_end=period_end,
            issued_on=today,
            issued_by=actor,
            remarks=(remarks or "").strip(),
            rows=rows,
        )
        record_event(
            "workplan.bulletin_issued",
            f"发布通报 {bulletin.number}({len(rows)} 个单位)",
            target=bulletin,
            units=len(rows),
        )
    return bulletin
