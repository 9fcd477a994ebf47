"""Every write of 预案与演练: one service per state change (DESIGN §4). Each checks the
permission, validates, writes in one transaction, records one audit event, and re-checks
that the record is still inside the actor's scope."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope, restrict
from yingji.core.services import add_attachment, locked
from yingji.core.uploads import read_upload
from yingji.orgs.models import Organisation
from yingji.standards import emergency_plans as rules

from .choices import FILING_STATE_LABELS
from .documents import PDF_NO_TEXT, PLAN_EXTENSIONS, docx_text
from .models import (
    Drill,
    DrillTarget,
    Filing,
    Finding,
    Plan,
    PlanPart,
    PlanVersion,
    ScheduledDrill,
)
from .schemas import (
    DrillFindingIn,
    DrillTargetIn,
    EmergencyDrillIn,
    EmergencyPlanIn,
    FindingRectifyIn,
    FindingVerifyIn,
    PlanFilingDecisionIn,
    PlanFilingSubmitIn,
    PlanPartIn,
    PlanPartVoidIn,
    PlanReviseIn,
    ScheduledDrillIn,
)


def _document(upload, typed: str) -> tuple[str, str]:
    """(text, note): the text of the uploaded .docx or .pdf (a .pdf without any text, e.g. a
    scan, keeps the typed text and says so), or the typed text when no file came."""
    if upload is None:
        if not typed:
            raise ValidationFailed("请上传预案文件或录入正文。", details={"field": "file"})
        return typed, ""
    data = read_upload(upload, extensions=PLAN_EXTENSIONS)
    if (upload.name or "").lower().endswith(".pdf"):
        from yingji.core.pdftext import pdf_text

        text = pdf_text(data, upload.name or "")
        return (text, "") if text else (typed, PDF_NO_TEXT)
    return docx_text(data), ""


def _owner(actor, code: str) -> tuple[Organisation, object | None]:
    owner = Organisation.objects.filter(code=code).first()
    if owner is None:
        raise ValidationFailed(f"机构编码“{code}”不存在。", details={"field": "owner"})
    enterprise = None
    if owner.kind == "enterprise":
        from yingji.enterprises.selectors import visible_enterprises

        enterprise = visible_enterprises(actor).filter(organisation=owner).first()
        if enterprise is None:
            raise NotPermitted(f"您无权为“{owner.name}”编制预案。")
    if owner.region_id is None:
        raise ValidationFailed(f"机构“{owner.name}”没有所在区域。", details={"field": "owner"})
    return owner, enterprise


def _region(owner, enterprise):
    return enterprise.region if enterprise is not None else owner.region


def _add_version(*, actor, plan, number, effective_on, text, upload, note, reason):
    attachment = None
    if upload is not None:
        attachment = add_attachment(
            actor=actor, target=plan, upload=upload, description=f"第{number}版预案文件"
        )
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        effective_on=effective_on,
        text=text,
        file_name=(upload.name or "")[:255] if upload is not None else "",
        attachment=attachment,
        text_note=note,
        reason=reason,
        created_by=actor,
    )


def do_create_plan(*, actor, data: EmergencyPlanIn, upload=None) -> Plan:
    """Register a plan with its first version (the uploaded document or the typed text)."""
    check_rule(actor, "plans.write")
    owner, enterprise = _owner(actor, data.owner)
    text, note = _document(upload, data.text)
    parent = None
    if data.parent is not None:
        parent = restrict(Plan.objects.all(), actor).filter(pk=data.parent).first()
        if parent is None:
            raise ValidationFailed("上级预案不存在。", details={"field": "parent"})
    if Plan.objects.filter(code=data.code).exists():
        raise ValidationFailed(f"预案编号“{data.code}”已存在。", details={"field": "code"})
    with transaction.atomic():
        plan = Plan.objects.create(
            code=data.code,
            title=data.title,
            kind=data.kind,
            owner=owner,
            enterprise=enterprise,
            region=_region(owner, enterprise),
            parent=parent,
            event_types=list(dict.fromkeys(data.event_types)),
            effective_on=data.effective_on,
            text=text,
        )
        _add_version(
            actor=actor,
            plan=plan,
            number=1,
            effective_on=data.effective_on,
            text=text,
            upload=upload,
            note=note,
            reason="首次录入",
        )
        record_event("plans.plan.created", f"录入应急预案“{plan.title}”", target=plan)
        ensure_in_scope(actor, plan)
    return plan


def do_revise_plan(*, actor, plan: Plan, data: PlanReviseIn, upload=None) -> Plan:
    """A new version: the old text stays with its version; the plan takes the new text and
    date; a plan filed with the bureau must be filed again."""
    check_rule(actor, "plans.write")
    ensure_in_scope(actor, plan)
    text, note = _document(upload, data.text)
    with transaction.atomic():
        plan = locked(Plan, plan.pk, expected_version=data.version)
        if data.effective_on < plan.effective_on:
            raise ValidationFailed(
                "新版施行日期不能早于现行版本。", details={"field": "effective_on"}
            )
        if plan.filing_state == "submitted":
            raise InvalidTransition("该预案正在备案审查中,请待审查结束后再修订。")
        plan.current_version += 1
        _add_version(
            actor=actor,
            plan=plan,
            number=plan.current_version,
            effective_on=data.effective_on,
            text=text,
            upload=upload,
            note=note,
            reason=data.reason,
        )
        plan.text = text
        plan.effective_on = data.effective_on
        plan.revision_needed = False  # the revision answers the drill's findings
        plan.review_reminded_for = None
        if plan.filing_state != "none":
            plan.filing_state = "none"
            plan.filing_number = ""
        plan.save()
        record_event(
            "plans.plan.revised",
            f"修订应急预案“{plan.title}”为第{plan.current_version}版:{data.reason}",
            target=plan,
        )
        ensure_in_scope(actor, plan)
    return plan


def do_submit_filing(*, actor, plan: Plan, data: PlanFilingSubmitIn) -> Filing:
    """An enterprise or county bureau submits its current version for 备案."""
    check_rule(actor, "plans.write")
    ensure_in_scope(actor, plan)
    with transaction.atomic():
        plan = locked(Plan, plan.pk, expected_version=data.version)
        if not plan.files_with_bureau:
            raise InvalidTransition("只有企业预案和县区预案需要向应急管理局备案。")
        if plan.filing_state not in ("none", "returned"):
            raise InvalidTransition(
                f"该预案当前为“{FILING_STATE_LABELS[plan.filing_state]}”,不能重复报送。"
            )
        filing = Filing.objects.create(
            plan=plan,
            version_number=plan.current_version,
            submitted_by=actor,
            submitted_at=timezone.now(),
            note=data.note,
        )
        plan.filing_state = "submitted"
        plan.save()
        record_event(
            "plans.filing.submitted",
            f"报送“{plan.title}”第{plan.current_version}版备案",
            target=plan,
        )
        ensure_in_scope(actor, plan)
    return filing


def _filing_number(plan: Plan, year: int) -> str:
    n = Filing.objects.filter(state="accepted", decided_at__year=year).count() + 1
    return f"兰应急预备〔{year}〕{n:04d}号"


def filer_of(plan: Plan) -> str:
    """Which 备案 checklist applies: an enterprise's or a government body's."""
    return "enterprise" if plan.enterprise_id else "government"


def _checked_comment(plan: Plan, data: PlanFilingDecisionIn) -> str:
    """Check the decision against the filing checklist (standards.emergency_plans): accepting
    needs every item present; returning needs a reason, and names the missing items."""
    try:
        complete, missing = rules.check_filing(filer_of(plan), data.checklist)
    except ValueError as exc:
        raise ValidationFailed("审查清单含未知条目。", details={"field": "checklist"}) from exc
    if data.accept:
        if not complete:
            raise ValidationFailed(
                f"材料不齐,不能予以备案:缺{'、'.join(missing)}。", details={"field": "checklist"}
            )
        return data.comment
    if missing:
        lack = f"材料不齐:缺{'、'.join(missing)}。"
        return f"{lack}{data.comment}" if data.comment else lack
    if not data.comment:
        raise ValidationFailed("退回时请写明退回理由。", details={"field": "comment"})
    return data.comment


def do_decide_filing(*, actor, plan: Plan, data: PlanFilingDecisionIn) -> Filing:
    """The bureau accepts a submitted filing (with a filing number) or returns it (with the
    reasons); the submitter sees the decision on the plan."""
    check_rule(actor, "plans.decide_filings")
    if not restrict(Plan.objects.filter(pk=plan.pk), actor, "approve").exists():
        raise NotPermitted("您无权审查该预案的备案。")
    comment = _checked_comment(plan, data)
    with transaction.atomic():
        plan = locked(Plan, plan.pk, expected_version=data.version)
        if plan.filing_state != "submitted":
            raise InvalidTransition("该预案没有待审查的备案。")
        filing = plan.filings.select_for_update().filter(state="submitted").first()
        now = timezone.now()
        filing.state = "accepted" if data.accept else "returned"
        filing.decided_by = actor
        filing.decided_at = now
        filing.comment = comment
        filing.checklist = list(dict.fromkeys(data.checklist))
        if data.accept:
            filing.filing_number = _filing_number(plan, timezone.localtime(now).year)
        filing.save()
        plan.filing_state = filing.state
        plan.filing_number = filing.filing_number
        plan.save()
        verb = "予以备案" if data.accept else "退回备案"
        record_event(
            f"plans.filing.{'accepted' if data.accept else 'returned'}",
            f"“{plan.title}”{verb}"
            + (f",备案编号{filing.filing_number}" if data.accept else f":{comment}"),
            target=plan,
        )
    return filing


def _teams(actor, ids: list[int]) -> list:
    """The rescue teams (resources module, #13) that took part, among those the actor may see.
    The model is reached through the field (this app does not import resources: resources
    reads plans)."""
    if not ids:
        return []
    team_model = Drill.teams.field.related_model
    teams = list(restrict(team_model.objects.filter(pk__in=ids), actor))
    if len(teams) != len(set(ids)):
        raise ValidationFailed("所选救援队伍不存在或不在您的范围内。", details={"field": "teams"})
    return teams


def _scheduled(actor, pk: int | None, organiser) -> ScheduledDrill | None:
    """The annual drill-plan item a drill carries out: the actor's, not yet carried out."""
    if pk is None:
        return None
    item = restrict(ScheduledDrill.objects.filter(pk=pk), actor, "change").first()
    if item is None:
        raise ValidationFailed(
            "所选年度演练计划条目不存在或不在您的范围内。", details={"field": "scheduled"}
        )
    item = locked(ScheduledDrill, item.pk)
    if item.drill_id:
        raise InvalidTransition(f"年度演练计划“{item}”已落实,不能重复关联。")
    if item.organiser_id != organiser.pk:
        raise ValidationFailed(
            "年度演练计划条目的组织单位与本次演练不一致。", details={"field": "scheduled"}
        )
    return item


def do_record_drill(*, actor, data: EmergencyDrillIn) -> Drill:
    """Record a drill held, the plans it exercised and who took part."""
    check_rule(actor, "plans.write")
    organiser, enterprise = _owner(actor, data.organiser)
    plans = list(restrict(Plan.objects.filter(pk__in=data.plans), actor))
    if len(plans) != len(set(data.plans)):
        raise ValidationFailed("所选预案不存在或不在您的范围内。", details={"field": "plans"})
    if data.held_on > timezone.localdate():
        raise ValidationFailed("演练日期不能晚于今天。", details={"field": "held_on"})
    teams = _teams(actor, data.teams)
    with transaction.atomic():
        scheduled = _scheduled(actor, data.scheduled, organiser)
        drill = Drill.objects.create(
            title=data.title,
            kind=data.kind,
            held_on=data.held_on,
            place=data.place,
            organiser=organiser,
            enterprise=enterprise,
            region=_region(organiser, enterprise),
            participants=data.participants,
            summary=data.summary,
            score=data.score,
        )
        drill.plans.set(plans)
        drill.teams.set(teams)
        if scheduled is not None:
            scheduled.drill = drill
            scheduled.save()
        record_event(
            "plans.drill.recorded",
            f"登记应急演练“{drill.title}”"
            + (f",落实年度演练计划“{scheduled}”" if scheduled else ""),
            target=drill,
        )
        ensure_in_scope(actor, drill)
    return drill


def do_add_finding(*, actor, drill: Drill, data: DrillFindingIn) -> Finding:
    """A problem the drill found, with the person who must fix it and by when."""
    check_rule(actor, "plans.write")
    ensure_in_scope(actor, drill)
    if data.due_on < drill.held_on:
        raise ValidationFailed("整改期限不能早于演练日期。", details={"field": "due_on"})
    plan = None
    if data.plan is not None:
        plan = drill.plans.filter(pk=data.plan).first()
        if plan is None:
            raise ValidationFailed("只能标记本次演练检验的预案。", details={"field": "plan"})
    with transaction.atomic():
        finding = Finding.objects.create(
            drill=drill,
            plan=plan,
            description=data.description,
            owner_name=data.owner_name,
            due_on=data.due_on,
        )
        if plan is not None:  # a gap in the plan itself: flag it for revision (修订)
            Plan.objects.filter(pk=plan.pk).update(revision_needed=True)
        record_event(
            "plans.finding.added",
            f"演练“{drill.title}”发现问题:{finding.description}(责任人{finding.owner_name},"
            f"期限{finding.due_on:%Y-%m-%d})"
            + (f";预案“{plan.title}”标记为待修订" if plan else ""),
            target=finding,
        )
    return finding


def do_rectify_finding(*, actor, finding: Finding, data: FindingRectifyIn) -> Finding:
    """整改: the owner's side reports what was done."""
    check_rule(actor, "plans.write")
    ensure_in_scope(actor, finding)
    with transaction.atomic():
        finding = locked(Finding, finding.pk, expected_version=data.version)
        if finding.state != "open":
            raise InvalidTransition("只有待整改的问题可以报送整改情况。")
        finding.state = "rectified"
        finding.rectification = data.rectification
        finding.rectified_at = timezone.now()
        finding.save()
        record_event("plans.finding.rectified", f"问题“{finding}”已整改", target=finding)
    return finding


def do_verify_finding(*, actor, finding: Finding, data: FindingVerifyIn) -> Finding:
    """验证: the rectification is checked; passed closes the finding, failed reopens it."""
    check_rule(actor, "plans.write")
    ensure_in_scope(actor, finding)
    with transaction.atomic():
        finding = locked(Finding, finding.pk, expected_version=data.version)
        if finding.state != "rectified":
            raise InvalidTransition("只有已整改的问题可以验证。")
        finding.state = "verified" if data.passed else "open"
        finding.verification = data.opinion
        finding.verified_by = actor if data.passed else None
        finding.verified_at = timezone.now() if data.passed else None
        finding.save()
        record_event(
            "plans.finding.verified" if data.passed else "plans.finding.reopened",
            f"问题“{finding}”{'验证通过,销号' if data.passed else '验证未通过,重新整改'}:"
            f"{data.opinion}",
            target=finding,
        )
    return finding


def do_set_drill_target(*, actor, data: DrillTargetIn) -> DrillTarget:
    """Set the yearly drill target of a kind, for one county or (no county) for every county."""
    check_rule(actor, "plans.set_targets")
    from yingji.geo.models import Region

    region = None
    if data.region:
        region = Region.objects.filter(code=data.region, level="county").first()
        if region is None:
            raise ValidationFailed(f"县区编码“{data.region}”不存在。", details={"field": "region"})
    with transaction.atomic():
        target = DrillTarget.objects.filter(kind=data.kind, region=region).first()
        if target is None:
            target = DrillTarget.objects.create(
                kind=data.kind, region=region, per_year=data.per_year, note=data.note
            )
        else:
            target = locked(DrillTarget, target.pk, expected_version=data.version)
            target.per_year, target.note = data.per_year, data.note
            target.save()
        record_event("plans.drill_target.set", f"设定演练年度目标:{target}", target=target)
        ensure_in_scope(actor, target)
    return target


def _check_part(plan: Plan, data: PlanPartIn) -> None:
    if data.kind == "level":
        if data.level is None:
            raise ValidationFailed("响应分级须填写响应级别(一至四级)。", details={"field": "level"})
        if not data.text:
            raise ValidationFailed("响应分级须填写启动条件。", details={"field": "text"})
        if PlanPart.objects.filter(
            plan=plan, kind="level", level=data.level, voided=False
        ).exists():
            raise ValidationFailed(
                "该预案已有此响应级别,请先作废原条目。", details={"field": "level"}
            )
    elif data.kind == "resource" and data.quantity is None:
        raise ValidationFailed("资源需求须填写需求数量。", details={"field": "quantity"})


def do_add_plan_part(*, actor, plan: Plan, data: PlanPartIn) -> PlanPart:
    """Add a structured part (response level, command group, resource requirement) to a plan."""
    check_rule(actor, "plans.write")
    ensure_in_scope(actor, plan)
    _check_part(plan, data)
    with transaction.atomic():
        part = PlanPart.objects.create(
            plan=plan,
            kind=data.kind,
            level=data.level if data.kind == "level" else None,
            name=data.name,
            lead_unit=data.lead_unit,
            text=data.text,
            item_code=data.item_code if data.kind == "resource" else "",
            quantity=data.quantity if data.kind == "resource" else None,
            unit=data.unit if data.kind == "resource" else "",
        )
        record_event(
            "plans.part.added", f"为“{plan}”增加{part.get_kind_display()}“{part.name}”", target=part
        )
        ensure_in_scope(actor, part)
    return part


def do_void_plan_part(*, actor, part: PlanPart, data: PlanPartVoidIn) -> PlanPart:
    """Void a structured part (kept, with the reason)."""
    check_rule(actor, "plans.write")
    ensure_in_scope(actor, part)
    with transaction.atomic():
        part = locked(PlanPart, part.pk, expected_version=data.version)
        if part.voided:
            raise InvalidTransition("该条目已作废。")
        part.voided, part.void_reason = True, data.reason
        part.save()
        record_event("plans.part.voided", f"作废“{part}”:{data.reason}", target=part)
    return part


def do_schedule_drill(*, actor, data: ScheduledDrillIn) -> ScheduledDrill:
    """Add a drill to an organisation's annual drill plan (年度演练计划)."""
    check_rule(actor, "plans.write")
    organiser, enterprise = _owner(actor, data.organiser)
    plans = list(restrict(Plan.objects.filter(pk__in=data.plans), actor))
    if len(plans) != len(set(data.plans)):
        raise ValidationFailed("所选预案不存在或不在您的范围内。", details={"field": "plans"})
    if data.year < timezone.localdate().year:
        raise ValidationFailed("不能为往年编制演练计划。", details={"field": "year"})
    with transaction.atomic():
        item = ScheduledDrill.objects.create(
            year=data.year,
            month=data.month,
            title=data.title,
            kind=data.kind,
            organiser=organiser,
            enterprise=enterprise,
            region=_region(organiser, enterprise),
        )
        item.plans.set(plans)
        record_event("plans.drill.scheduled", f"{organiser.name}年度演练计划:{item}", target=item)
        ensure_in_scope(actor, item)
    return item


def remind_workdays() -> int:
    """How many working days before a plan's review is due the daily job reminds (setting
    ``PLANS_REVIEW_REMIND_WORKDAYS``, default 20 — a working choice, LOW; docs/configuration.md)."""
    from django.conf import settings

    return int(getattr(settings, "PLANS_REVIEW_REMIND_WORKDAYS", 20))


def do_remind_plan_reviews(*, today=None) -> dict:
    """Daily: for each plan whose review (评估) falls due within ``remind_workdays()`` working
    days (the platform's working-day calendar, holidays and 调休 included), or is already past
    due, record one reminder on the plan (history tab, the owner's timeline) — once per due
    date: a revision moves the due date and re-arms it."""
    from yingji.calendars.selectors import work_calendar

    today = today or timezone.localdate()
    calendar = work_calendar()
    n = remind_workdays()
    counts = {"reminded": 0, "overdue": 0}
    with transaction.atomic():
        for plan in Plan.objects.select_related("owner"):
            due = plan.review_due
            if plan.review_reminded_for == due:
                continue
            if calendar.subtract_workdays(due, n) > today:
                continue
            overdue = due < today
            plan.review_reminded_for = due
            plan.save(update_fields=["review_reminded_for"])
            left = 0 if overdue else calendar.workdays_between(today, due)
            record_event(
                "plans.plan.review_reminder",
                f"预案“{plan.title}”评估"
                + (
                    f"已于{due:%Y年%m月%d日}到期,请尽快组织评估修订"
                    if overdue
                    else f"将于{due:%Y年%m月%d日}到期(还有{left}个工作日),请组织评估"
                ),
                target=plan,
                due=due.isoformat(),
                workdays_left=left,
            )
            counts["overdue" if overdue else "reminded"] += 1
    return counts
