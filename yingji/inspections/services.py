"""Every state change of 执法检查, one service each (DESIGN §4): plans and the plan builder,
scheduling and recording inspections with the duplicate-inspection guard, findings → hazards,
and the enforcement case file's state machine. Web views, the API and the demo call these."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.hooks import preconditions
from yingji.core.models import Attachment
from yingji.core.permissions import ensure_in_scope, scope_of
from yingji.core.services import locked
from yingji.enterprises.models import Enterprise
from yingji.orgs.models import Organisation

from .checklists import checklist_for, group_for_sector
from .choices import (
    CASE_STATE_LABELS,
    CASE_SYSTEM_LABELS,
    CHECK_RESULT_LABELS,
    FINDING_CATEGORIES,
    FINDING_LEVELS,
    INSPECTION_KINDS,
)
from .conf import overlap_window_days
from .models import CaseFile, Finding, Inspection, InspectionPlan, Overlap, PlanEntry
from .permissions import bureau_paths, handles_q
from .selectors import (
    AGENCY_KINDS,
    OverlapHit,
    authority_of,
    find_overlaps,
    month_span,
    plan_proposals,
)

# The case state machine: from state → {to state: what the step needs}. 结案 is final.
CASE_TRANSITIONS = {
    "filed": {"investigating": "调查取证"},
    "investigating": {"decided": "作出处罚决定(须填写处罚决定)"},
    "decided": {"executing": "执行"},
    "executing": {"closed": "结案(须执行情况和三项制度佐证齐全)"},
    "closed": {},
}


# --- helpers --------------------------------------------------------------------------------


def _acts_for(actor, authority: Organisation) -> bool:
    scope = scope_of(actor)
    return scope.is_admin or authority.path in bureau_paths(scope)


def _require_acts_for(actor, authority: Organisation, what: str) -> None:
    if not _acts_for(actor, authority):
        raise NotPermitted(
            f"只有{authority.name}的工作人员可以{what}。", details={"authority": authority.name}
        )


def _require_handles(actor, enterprise: Enterprise) -> None:
    scope = scope_of(actor)
    if scope.is_admin:
        return
    if not Enterprise.objects.filter(pk=enterprise.pk).filter(handles_q(scope)).exists():
        raise NotPermitted(
            f"您无权安排对“{enterprise}”的检查:县区应急局检查本辖区县级监管企业,"
            "市级监管企业由市应急管理局负责。",
            details={"enterprise": enterprise.name, "tier": enterprise.tier},
        )


def _agency(
    agency: Organisation | None, default: Organisation
) -> tuple[Organisation, Organisation]:
    """(agency, authority); the agency must be a bureau or one of its sections/units."""
    agency = agency or default
    if agency.kind not in AGENCY_KINDS or not agency.is_active:
        raise ValidationFailed(
            f"“{agency}”不是应急管理部门或其科室、单位,不能作为检查单位。",
            details={"field": "agency"},
        )
    return agency, authority_of(agency)


def _clean(text, limit: int) -> str:
    return (text or "").strip()[:limit]


def _next_serial(model, **where) -> int:
    return (model.objects.filter(**where).aggregate(m=Max("serial"))["m"] or 0) + 1


def _guard_overlaps(
    *, hits: list[OverlapHit], enterprise: Enterprise, reason: str, window: int
) -> str:
    """防止多头重复执法: with overlaps, a reason is required to proceed."""
    reason = _clean(reason, 500)
    if hits and not reason:
        names = ";".join(h.label for h in hits)
        raise ValidationFailed(
            f"“{enterprise}”在{window}天内已有其他执法主体的检查:{names}。"
            "为防止多头重复执法,请与对方协调;如确需检查,请填写理由后再提交。",
            code="duplicate_inspection",
            details={"overlaps": [h.as_dict() for h in hits], "window_days": window},
        )
    return reason


def _record_overlaps(
    *,
    actor,
    hits,
    reason,
    window,
    enterprise,
    authority,
    inspection=None,
    entry=None,
    is_demo=False,
) -> list[Overlap]:
    rows = []
    for hit in hits:
        rows.append(
            Overlap.objects.create(
                enterprise=enterprise,
                authority=authority,
                inspection=inspection,
                entry=entry,
                other_authority=hit.authority,
                other_inspection=hit.obj if hit.kind == "inspection" else None,
                other_entry=hit.obj if hit.kind == "entry" else None,
                other_label=hit.label[:300],
                days_apart=hit.days_apart,
                window_days=window,
                reason=reason,
                recorded_by=actor,
                is_demo=is_demo,
            )
        )
    return rows


# --- plans ----------------------------------------------------------------------------------


def do_create_plan(
    *, actor, owner: Organisation, year: int, title: str = "", note: str = "", is_demo=False
) -> InspectionPlan:
    if owner.kind not in ("bureau", "county_bureau"):
        raise ValidationFailed(
            "年度检查计划的制定单位应为市或县区应急管理局。", details={"field": "owner"}
        )
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年度不在有效范围内。", details={"field": "year"})
    _require_acts_for(actor, owner, "制定本单位的年度检查计划")
    with transaction.atomic():
        if InspectionPlan.objects.filter(owner=owner, year=year).exists():
            raise ValidationFailed(
                f"{owner.name}{year}年度检查计划已存在。", details={"field": "year"}
            )
        plan = InspectionPlan.objects.create(
            owner=owner,
            year=year,
            title=_clean(title, 200) or f"{owner.name}{year}年度安全生产监督检查计划",
            note=_clean(note, 5000),
            is_demo=is_demo,
        )
        record_event("inspections.plan.created", f"制定《{plan.title}》", target=plan)
    return plan


def _add_entry_row(plan, enterprise, month, agency, inspectors, basis) -> PlanEntry:
    visit = (
        PlanEntry.objects.filter(plan=plan, enterprise=enterprise).aggregate(m=Max("visit"))["m"]
        or 0
    ) + 1
    return PlanEntry.objects.create(
        plan=plan,
        enterprise=enterprise,
        month=month,
        visit=visit,
        agency=agency,
        inspectors=inspectors,
        basis=basis,
    )


def do_build_plan(
    *,
    actor,
    plan: InspectionPlan,
    enterprise_ids: list[int] | None = None,
    agency: Organisation | None = None,
    inspectors: str = "",
) -> dict:
    """Apply the builder's proposals (all, or those of `enterprise_ids`): one entry per visit.
    An entry that would overlap another authority's inspection is not added but returned under
    "skipped" with the overlaps: add it on its own with a reason (do_add_entry)."""
    _require_acts_for(actor, plan.owner, "编制本单位的检查计划")
    agency, authority = _agency(agency, plan.owner)
    if authority.pk != plan.owner_id:
        raise ValidationFailed(
            "检查单位应为本计划制定单位或其科室、单位。", details={"field": "agency"}
        )
    wanted = set(enterprise_ids) if enterprise_ids is not None else None
    window = overlap_window_days()
    created, skipped = 0, []
    with transaction.atomic():
        plan = locked(InspectionPlan, plan.pk)
        for proposal in plan_proposals(plan):
            ent = proposal["enterprise"]
            if wanted is not None and ent.pk not in wanted:
                continue
            for month in proposal["months"]:
                hits = find_overlaps(
                    enterprise=ent, span=month_span(plan.year, month), authority=plan.owner
                )
                if hits:
                    skipped.append(
                        {
                            "enterprise_id": ent.pk,
                            "enterprise": ent.name,
                            "month": month,
                            "overlaps": [h.as_dict() for h in hits],
                        }
                    )
                    continue
                _add_entry_row(plan, ent, month, agency, _clean(inspectors, 200), proposal["basis"])
                created += 1
        if created:
            record_event(
                "inspections.plan.built",
                f"按监管层级和风险等级生成检查计划条目 {created} 条"
                + (f",{len(skipped)} 条因可能重复检查待单独确认" if skipped else ""),
                target=plan,
                created=created,
                skipped=len(skipped),
                window_days=window,
            )
    return {"created": created, "skipped": skipped}


def do_add_entry(
    *,
    actor,
    plan: InspectionPlan,
    enterprise: Enterprise,
    month: int,
    agency: Organisation | None = None,
    inspectors: str = "",
    basis: str = "",
    reason: str = "",
) -> PlanEntry:
    """Add one planned visit. Overlapping another authority's inspection or plan within the
    window needs a reason (recorded as an Overlap)."""
    if not 1 <= month <= 12:
        raise ValidationFailed("计划月份应为 1–12。", details={"field": "month"})
    _require_acts_for(actor, plan.owner, "编制本单位的检查计划")
    _require_handles(actor, enterprise)
    if enterprise.status == "closed":
        raise ValidationFailed(
            f"“{enterprise}”已关闭,不能列入检查计划。", details={"field": "enterprise"}
        )
    agency, authority = _agency(agency, plan.owner)
    if authority.pk != plan.owner_id:
        raise ValidationFailed(
            "检查单位应为本计划制定单位或其科室、单位。", details={"field": "agency"}
        )
    window = overlap_window_days()
    hits = find_overlaps(
        enterprise=enterprise, span=month_span(plan.year, month), authority=authority
    )
    reason = _guard_overlaps(hits=hits, enterprise=enterprise, reason=reason, window=window)
    with transaction.atomic():
        plan = locked(InspectionPlan, plan.pk)
        entry = _add_entry_row(
            plan,
            enterprise,
            month,
            agency,
            _clean(inspectors, 200),
            _clean(basis, 300) or "人工添加",
        )
        _record_overlaps(
            actor=actor,
            hits=hits,
            reason=reason,
            window=window,
            enterprise=enterprise,
            authority=authority,
            entry=entry,
            is_demo=plan.is_demo,
        )
        message = f"计划{month}月检查“{enterprise}”"
        if hits:
            message += f"(与{len(hits)}项其他检查重复,理由:{reason})"
        record_event(
            "inspections.entry.added", message, target=plan, entry=entry.pk, overlaps=len(hits)
        )
        ensure_in_scope(actor, entry, "change")
    return entry


def do_cancel_entry(*, actor, entry: PlanEntry, reason: str) -> PlanEntry:
    reason = _clean(reason, 300)
    if not reason:
        raise ValidationFailed("请填写取消原因。", details={"field": "reason"})
    with transaction.atomic():
        entry = locked(PlanEntry, entry.pk)
        _require_acts_for(actor, entry.plan.owner, "调整本单位的检查计划")
        if entry.state != "planned":
            raise InvalidTransition(
                f"该计划条目{entry.get_state_display()},不能取消"
                + ("(请先取消已安排的检查)。" if entry.state == "scheduled" else "。"),
                details={"state": entry.state},
            )
        entry.state = "cancelled"
        entry.cancel_reason = reason
        entry.save()
        record_event("inspections.entry.cancelled", f"取消计划检查“{entry}”:{reason}", target=entry)
    return entry


def do_issue_plan(*, actor, plan: InspectionPlan, expected_version: int | None = None):
    with transaction.atomic():
        plan = locked(InspectionPlan, plan.pk, expected_version=expected_version)
        _require_acts_for(actor, plan.owner, "下达本单位的检查计划")
        if plan.state != "draft":
            raise InvalidTransition("该计划已下达。", details={"state": plan.state})
        if not plan.entries.exclude(state="cancelled").exists():
            raise ValidationFailed("计划中还没有检查条目,不能下达。")
        plan.state = "issued"
        plan.issued_at = timezone.now()
        plan.save()
        record_event("inspections.plan.issued", f"下达《{plan.title}》", target=plan)
    return plan


# --- inspections ----------------------------------------------------------------------------


def _check_entry(actor, entry: PlanEntry, inspected_on: date) -> None:
    """An inspection made from a plan entry: the plan's bureau, a planned entry, its year."""
    _require_acts_for(actor, entry.plan.owner, "执行本单位的检查计划")
    if entry.state != "planned":
        raise InvalidTransition(
            f"该计划条目{entry.get_state_display()},不能再安排检查。",
            details={"state": entry.state},
        )
    if inspected_on.year != entry.plan.year:
        raise ValidationFailed(
            f"检查日期应在计划年度({entry.plan.year}年)内。", details={"field": "inspected_on"}
        )


def _scheduling_authority(
    actor, *, enterprise, kind: str, agency, entry
) -> tuple[Organisation, Organisation]:
    """Check what is scheduled, by whom and in whose name: (agency, authority)."""
    if enterprise is None:
        raise ValidationFailed("请选择检查对象。", details={"field": "enterprise"})
    if kind not in dict(INSPECTION_KINDS):
        raise ValidationFailed("检查类型不正确。", details={"field": "kind"})
    if agency is None:
        raise ValidationFailed("请选择检查科室/单位。", details={"field": "agency"})
    agency, authority = _agency(agency, agency)
    _require_acts_for(actor, authority, f"以{authority.name}名义检查")
    own_plan = entry is not None and entry.plan.owner_id == authority.pk
    if not own_plan:
        _require_handles(actor, enterprise)
    if entry is not None and not own_plan:
        raise ValidationFailed(
            "检查单位应为计划制定单位或其科室、单位。", details={"field": "agency"}
        )
    if enterprise.status == "closed":
        raise ValidationFailed(
            f"“{enterprise}”已关闭,不能安排检查。", details={"field": "enterprise"}
        )
    return agency, authority


def do_schedule_inspection(
    *,
    actor,
    enterprise: Enterprise | None = None,
    inspected_on: date,
    agency: Organisation | None = None,
    kind: str = "special",
    participants: str = "",
    entry: PlanEntry | None = None,
    reason: str = "",
    is_demo: bool = False,
) -> Inspection:
    """Schedule (or start recording) an inspection, from a plan entry or on its own. The
    duplicate-inspection guard: if another authority inspected or scheduled this enterprise
    within the window, refuse without a reason; with a reason, record the overlap."""
    if entry is not None:
        _check_entry(actor, entry, inspected_on)
        enterprise, kind, agency = entry.enterprise, "planned", agency or entry.agency
    agency, authority = _scheduling_authority(
        actor, enterprise=enterprise, kind=kind, agency=agency, entry=entry
    )
    window = overlap_window_days()
    hits = find_overlaps(
        enterprise=enterprise,
        span=(inspected_on, inspected_on),
        authority=authority,
        exclude_entries=[entry.pk] if entry else (),
    )
    reason = _guard_overlaps(hits=hits, enterprise=enterprise, reason=reason, window=window)
    group = group_for_sector(enterprise.sector)
    with transaction.atomic():
        locked(Organisation, authority.pk)  # serialises numbering per authority
        if entry is not None:
            entry = locked(PlanEntry, entry.pk)
            if entry.state != "planned":
                raise InvalidTransition(
                    "该计划条目已被他人安排检查。", details={"state": entry.state}
                )
        serial = _next_serial(Inspection, authority=authority)
        inspection = Inspection.objects.create(
            number=f"{authority.code}-JC{inspected_on.year}-{serial:04d}",
            serial=serial,
            enterprise=enterprise,
            authority=authority,
            agency=agency,
            entry=entry,
            kind=kind,
            inspected_on=inspected_on,
            participants=_clean(participants, 300),
            sector_group=group,
            checklist=checklist_for(group),
            created_by=actor,
            is_demo=is_demo,
        )
        if entry is not None:
            entry.state = "scheduled"
            entry.save()
        _record_overlaps(
            actor=actor,
            hits=hits,
            reason=reason,
            window=window,
            enterprise=enterprise,
            authority=authority,
            inspection=inspection,
            is_demo=is_demo,
        )
        message = f"安排{inspected_on:%Y年%m月%d日}检查“{enterprise}”"
        if hits:
            message += f"(与{len(hits)}项其他检查重复,理由:{reason})"
        record_event(
            "inspections.inspection.scheduled",
            message,
            target=inspection,
            overlaps=[h.as_dict() for h in hits],
        )
        ensure_in_scope(actor, inspection, "change")
    return inspection


def _require_open(inspection: Inspection, what: str) -> None:
    if inspection.state != "scheduled":
        raise InvalidTransition(
            f"检查{inspection.get_state_display()},不能再{what}。",
            details={"state": inspection.state},
        )


def do_record_checklist(
    *,
    actor,
    inspection: Inspection,
    results: dict,
    remarks: dict | None = None,
    participants: str | None = None,
    enterprise_attendees: str | None = None,
    summary: str | None = None,
    expected_version: int | None = None,
) -> Inspection:
    """Record the on-site checklist (result per item, remarks) and the people present."""
    remarks = remarks or {}
    with transaction.atomic():
        inspection = locked(Inspection, inspection.pk, expected_version=expected_version)
        _require_acts_for(actor, inspection.authority, "填写本单位的检查记录")
        _require_open(inspection, "修改检查表")
        codes = {item["code"] for item in inspection.checklist}
        unknown = sorted(set(results) - codes)
        bad = sorted(c for c, r in results.items() if r not in CHECK_RESULT_LABELS)
        if unknown or bad:
            raise ValidationFailed(
                "检查表中有无效的检查项或结果:" + "、".join(unknown + bad),
                details={"unknown_items": unknown, "invalid_results": bad},
            )
        items = []
        for item in inspection.checklist:
            item = dict(item)
            if item["code"] in results:
                item["result"] = results[item["code"]]
            if item["code"] in remarks:
                item["remark"] = _clean(remarks[item["code"]], 300)
            items.append(item)
        inspection.checklist = items
        if participants is not None:
            inspection.participants = _clean(participants, 300)
        if enterprise_attendees is not None:
            inspection.enterprise_attendees = _clean(enterprise_attendees, 200)
        if summary is not None:
            inspection.summary = _clean(summary, 5000)
        inspection.save()
        answered = sum(1 for i in items if i["result"])
        record_event(
            "inspections.checklist.recorded",
            f"填写检查表:已检查 {answered}/{len(items)} 项,不符合 {len(inspection.failed_items)} 项",
            target=inspection,
        )
    return inspection


PARTICIPANT_SPLIT = re.compile(r"[、,,;;\s]+")


def do_complete_inspection(
    *,
    actor,
    inspection: Inspection,
    summary: str | None = None,
    expected_version: int | None = None,
) -> Inspection:
    """Close the on-site record: every item answered, at least two inspectors (《行政处罚法》
    第四十二条: 执法人员不得少于两人), each 不符合 item covered by a finding, not in the future."""
    with transaction.atomic():
        inspection = locked(Inspection, inspection.pk, expected_version=expected_version)
        _require_acts_for(actor, inspection.authority, "填写本单位的检查记录")
        _require_open(inspection, "完成")
        if summary is not None:
            inspection.summary = _clean(summary, 5000)
        problems = {}
        if inspection.unanswered_items:
            problems["checklist"] = "检查表还有未检查的项目:" + "、".join(
                i["code"] for i in inspection.unanswered_items
            )
        names = [n for n in PARTICIPANT_SPLIT.split(inspection.participants) if n]
        if len(names) < 2:
            problems["participants"] = "执法检查人员不得少于两人,请填写检查人员(以顿号分隔)。"
        covered = set(inspection.findings.values_list("item_code", flat=True))
        uncovered = [i["code"] for i in inspection.failed_items if i["code"] not in covered]
        if uncovered:
            problems["findings"] = "不符合项须登记发现的问题:" + "、".join(uncovered)
        if inspection.inspected_on > timezone.localdate():
            problems["inspected_on"] = "检查日期在今天之后,不能完成检查记录。"
        # rules other modules add (the named certified officers of 执法, yingji.enforcement)
        problems |= preconditions("inspections.complete", inspection)
        if problems:
            raise ValidationFailed(
                "检查记录尚不完整:" + ";".join(problems.values()), details=problems
            )
        inspection.state = "completed"
        inspection.completed_at = timezone.now()
        inspection.save()
        if inspection.entry_id:
            entry = locked(PlanEntry, inspection.entry_id)
            entry.state = "done"
            entry.save()
        record_event(
            "inspections.inspection.completed",
            f"完成检查:不符合 {len(inspection.failed_items)} 项,发现问题 {inspection.findings.count()} 个",
            target=inspection,
        )
    return inspection


def do_cancel_inspection(*, actor, inspection: Inspection, reason: str) -> Inspection:
    reason = _clean(reason, 300)
    if not reason:
        raise ValidationFailed("请填写取消原因。", details={"field": "reason"})
    with transaction.atomic():
        inspection = locked(Inspection, inspection.pk)
        _require_acts_for(actor, inspection.authority, "取消本单位的检查")
        _require_open(inspection, "取消")
        inspection.state = "cancelled"
        inspection.cancel_reason = reason
        inspection.save()
        if inspection.entry_id:
            entry = locked(PlanEntry, inspection.entry_id)
            entry.state = "planned"  # the plan's visit is still to be made
            entry.save()
        record_event("inspections.inspection.cancelled", f"取消检查:{reason}", target=inspection)
    return inspection


def do_add_finding(
    *,
    actor,
    inspection: Inspection,
    description: str,
    category: str,
    level: str = "general",
    location: str = "",
    item_code: str = "",
) -> Finding:
    description = _clean(description, 5000)
    errors = {}
    if len(description) < 5:
        errors["description"] = "请描述发现的问题(至少 5 个字)。"
    if category not in dict(FINDING_CATEGORIES):
        errors["category"] = "请选择问题类别。"
    if level not in dict(FINDING_LEVELS):
        errors["level"] = "隐患级别应为一般或重大。"
    codes = {i["code"] for i in inspection.checklist}
    if item_code and item_code not in codes:
        errors["item_code"] = f"检查表中没有检查项“{item_code}”。"
    if errors:
        raise ValidationFailed("；".join(errors.values()), details=errors)
    with transaction.atomic():
        inspection = locked(Inspection, inspection.pk)
        _require_acts_for(actor, inspection.authority, "登记本单位检查发现的问题")
        _require_open(inspection, "登记发现的问题")
        finding = Finding.objects.create(
            inspection=inspection,
            number=(inspection.findings.aggregate(m=Max("number"))["m"] or 0) + 1,
            item_code=item_code,
            description=description,
            category=category,
            level=level,
            location=_clean(location, 200),
        )
        record_event(
            "inspections.finding.added",
            f"登记问题:{description[:60]}",
            target=inspection,
            finding=finding.pk,
        )
    return finding


def do_create_hazard_from_finding(*, actor, finding: Finding):
    """One step from a finding to a hazard of the 隐患排查治理 closed loop (source 执法检查),
    linked both ways (Finding.hazard / Hazard.findings). Returns the hazard."""
    from yingji.hazards.services import do_register_hazard

    with transaction.atomic():
        finding = locked(Finding, finding.pk)
        inspection = finding.inspection
        _require_acts_for(actor, inspection.authority, "将本单位检查发现的问题登记为隐患")
        if finding.hazard_id:
            raise InvalidTransition(
                f"该问题已登记为隐患 {finding.hazard.code}。", details={"hazard": finding.hazard_id}
            )
        if inspection.state == "cancelled":
            raise InvalidTransition(
                "检查已取消,不能登记隐患。", details={"state": inspection.state}
            )
        hazard = do_register_hazard(
            actor=actor,
            enterprise=inspection.enterprise,
            source="enforcement",
            category=finding.category,
            description=finding.description,
            found_on=inspection.inspected_on,
            location=finding.location,
            finder=f"{inspection.agency.name} {inspection.participants}".strip()[:100],
            level=finding.level,
            criteria=[],
            people_exposed=0,
        )
        finding.hazard = hazard
        finding.save()
        record_event(
            "inspections.finding.hazard_created",
            f"问题 {finding.number} 登记为隐患 {hazard.code}",
            target=inspection,
            finding=finding.pk,
            hazard=hazard.pk,
        )
    return hazard


# --- enforcement case files (执法案件) --------------------------------------------------------


def _case_prefix(authority: Organisation) -> str:
    short = authority.name.replace("应急管理局", "").replace("安监局", "") or authority.code
    return f"{short}应急立"


def do_open_case(
    *,
    actor,
    enterprise: Enterprise,
    agency: Organisation,
    cause: str,
    filed_on: date,
    inspection: Inspection | None = None,
    handlers: str = "",
    is_demo: bool = False,
) -> CaseFile:
    """立案: numbered per authority and year, e.g. 兰州市应急立〔2022〕3号."""
    cause = _clean(cause, 300)
    if len(cause) < 4:
        raise ValidationFailed("请填写案由。", details={"field": "cause"})
    if filed_on > timezone.localdate():
        raise ValidationFailed("立案日期不能晚于今天。", details={"field": "filed_on"})
    agency, authority = _agency(agency, agency)
    _require_acts_for(actor, authority, f"以{authority.name}名义立案")
    if inspection is not None:
        if inspection.enterprise_id != enterprise.pk:
            raise ValidationFailed(
                "来源检查的检查对象与当事人不一致。", details={"field": "inspection"}
            )
        if inspection.authority_id != authority.pk:
            raise ValidationFailed("只能依据本单位的检查立案。", details={"field": "inspection"})
    else:
        _require_handles(actor, enterprise)
    with transaction.atomic():
        locked(Organisation, authority.pk)  # serialises numbering per authority and year
        year = filed_on.year
        serial = _next_serial(CaseFile, authority=authority, year=year)
        case = CaseFile.objects.create(
            number=f"{_case_prefix(authority)}〔{year}〕{serial}号",
            year=year,
            serial=serial,
            authority=authority,
            agency=agency,
            enterprise=enterprise,
            inspection=inspection,
            cause=cause,
            filed_on=filed_on,
            handlers=_clean(handlers, 200),
            is_demo=is_demo,
        )
        record_event("inspections.case.filed", f"立案 {case.number}:{cause}", target=case)
        ensure_in_scope(actor, case, "change")
    return case


def allowed_case_steps(case: CaseFile) -> list[tuple[str, str]]:
    return [(to, CASE_STATE_LABELS[to]) for to in CASE_TRANSITIONS.get(case.state, {})]


def _refuse_step(case: CaseFile, to_state: str) -> InvalidTransition:
    here = CASE_STATE_LABELS.get(case.state, case.state)
    there = CASE_STATE_LABELS.get(to_state, to_state)
    if case.state == "closed":
        message = f"案件 {case.number} 已结案,不能再变更办理阶段。"
    elif to_state not in CASE_STATE_LABELS:
        message = f"未知的办理阶段“{to_state}”。"
    else:
        nxt = "、".join(label for _, label in allowed_case_steps(case))
        message = f"案件处于“{here}”阶段,不能转为“{there}”;下一步只能是“{nxt}”。"
    return InvalidTransition(message, details={"state": case.state, "to": to_state})


def missing_case_evidence(case: CaseFile) -> list[str]:
    """The 三项制度 not yet ticked with evidence."""
    return [s["label"] for s in case.system_status() if not (s["done"] and s["has_evidence"])]


CASE_TEXT_LIMITS = {"investigation": 5000, "decision": 5000, "decision_number": 100}
CASE_TEXT_LIMITS |= {"execution": 5000}


def _set_case_texts(case: CaseFile, **texts: str | None) -> None:
    """The texts given with a step (None: keep what the case has)."""
    for name, value in texts.items():
        if value is not None:
            setattr(case, name, _clean(value, CASE_TEXT_LIMITS[name]))


def _check_closing(case: CaseFile) -> None:
    """结案 needs the execution and the 三项制度 ticked with evidence."""
    problems = {}
    if not case.execution:
        problems["execution"] = "请填写执行情况。"
    missing = missing_case_evidence(case)
    if missing:
        problems["systems"] = "三项制度未落实或缺少佐证(附件或说明):" + "、".join(missing)
    if problems:
        raise ValidationFailed("不能结案:" + "".join(problems.values()), details=problems)


def do_advance_case(
    *,
    actor,
    case: CaseFile,
    to_state: str,
    investigation: str | None = None,
    decision: str | None = None,
    decision_number: str | None = None,
    penalty_amount: Decimal | None = None,
    execution: str | None = None,
    closed_on: date | None = None,
    expected_version: int | None = None,
) -> CaseFile:
    """One step of 立案 → 调查取证 → 处罚决定 → 执行 → 结案 (CASE_TRANSITIONS). Anything else is
    refused with InvalidTransition and nothing changes."""
    with transaction.atomic():
        case = locked(CaseFile, case.pk, expected_version=expected_version)
        _require_acts_for(actor, case.authority, "办理本单位的执法案件")
        if to_state not in CASE_TRANSITIONS.get(case.state, {}):
            raise _refuse_step(case, to_state)
        _set_case_texts(
            case,
            investigation=investigation,
            decision=decision,
            decision_number=decision_number,
            execution=execution,
        )
        if penalty_amount is not None:
            if penalty_amount < 0:
                raise ValidationFailed(
                    "罚款金额应为不小于 0 的数字。", details={"field": "penalty_amount"}
                )
            case.penalty_amount = penalty_amount
        if to_state == "decided" and not case.decision:
            raise ValidationFailed(
                "作出处罚决定须填写处罚决定内容。", details={"field": "decision"}
            )
        if to_state == "closed":
            _check_closing(case)
            case.closed_on = closed_on or timezone.localdate()
        before = case.state
        case.state = to_state
        case.save()
        record_event(
            "inspections.case.advanced",
            f"{case.number}:{CASE_STATE_LABELS[before]} → {CASE_STATE_LABELS[to_state]}",
            target=case,
            before=before,
            after=to_state,
        )
    return case


def do_set_case_system(
    *,
    actor,
    case: CaseFile,
    system: str,
    done: bool = True,
    note: str = "",
    attachment: Attachment | None = None,
    expected_version: int | None = None,
) -> CaseFile:
    """Tick (or untick) one of the 三项制度. Ticking needs evidence: a note, or an attachment
    of this case (uploaded on the case's 附件 tab)."""
    if system not in CASE_SYSTEM_LABELS:
        raise ValidationFailed("未知的三项制度项目。", details={"field": "system"})
    label = CASE_SYSTEM_LABELS[system]
    note = _clean(note, 500)
    with transaction.atomic():
        case = locked(CaseFile, case.pk, expected_version=expected_version)
        _require_acts_for(actor, case.authority, "办理本单位的执法案件")
        if case.state == "closed":
            raise InvalidTransition(f"案件 {case.number} 已结案,不能再修改三项制度记录。")
        if attachment is not None:
            ct = ContentType.objects.get_for_model(CaseFile)
            if (
                attachment.content_type_id != ct.pk
                or attachment.object_id != str(case.pk)
                or attachment.voided_at is not None
            ):
                raise ValidationFailed(
                    "佐证附件须是本案件的有效附件。", details={"field": "attachment"}
                )
        if done and not (note or attachment):
            raise ValidationFailed(
                f"勾选“{label}”须提供佐证:上传附件或填写说明。", details={"field": system}
            )
        setattr(case, f"{system}_done", bool(done))
        setattr(case, f"{system}_note", note if done else "")
        setattr(case, f"{system}_attachment", attachment if done else None)
        case.save()
        record_event(
            "inspections.case.system",
            f"{case.number}:{'落实' if done else '取消勾选'}“{label}”"
            + (f"({note})" if done and note else ""),
            target=case,
            system=system,
            done=bool(done),
        )
    return case
