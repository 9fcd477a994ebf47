"""The 灾情报送 services: one per state change (DESIGN §4). Each checks the page rule, validates,
writes in one transaction with one audit event, and re-checks the scope of what it wrote."""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope, restrict, scope_of
from yingji.core.services import locked
from yingji.geo.models import Region
from yingji.standards import demo_community as dc
from yingji.standards import disaster_stats as stats

from . import selectors
from .models import (
    CasualtyPerson,
    CommunityEvidence,
    CommunityInspection,
    DeadlineSetting,
    DemoCommunity,
    DisasterProcess,
    InfoOfficer,
    LossReport,
    QuakeEstimate,
    ReliefRecord,
)
from .permissions import may_report_for
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
    QuakeRecordIn,
    QuickReportIn,
    ReliefIn,
)

LEVELS = ("village", "township", "county", "city")

# The time a submission is measured against its deadline: now, except while the demo loader
# replays past reports (it sets the moment each one happened, see demo.py).
_clock: ContextVar = ContextVar("disasters_clock", default=None)


def _now():
    return _clock.get() or timezone.now()


def _aware(value):
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _region(code: str, field: str, levels=LEVELS) -> Region:
    region = Region.objects.filter(code=code, level__in=levels).first()
    if region is None:
        raise ValidationFailed(f"找不到区划代码“{code}”。", details={"field": field})
    return region


def do_open_process(*, actor, data: ProcessIn) -> DisasterProcess:
    """开启一次灾害过程 (city staff for any region, county staff for their county)."""
    check_rule(actor, "disasters.manage_processes")
    region = _region(data.region, "region", ("city", "county"))
    affected = [_region(code, "affected") for code in dict.fromkeys(data.affected)]
    outside = [r.name for r in affected if not r.is_within(region)]
    if outside:
        raise ValidationFailed(
            f"受影响区划须在牵头区划“{region.name}”内:{'、'.join(outside)}。",
            details={"field": "affected"},
        )
    started = _aware(data.started_at)
    if started > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationFailed("开始时间不能晚于现在。", details={"field": "started_at"})
    with transaction.atomic():
        process = DisasterProcess.objects.create(
            name=data.name,
            kind=data.kind,
            started_at=started,
            region=region,
            description=data.description,
            opened_by=actor,
        )
        process.affected_regions.set(affected)
        ensure_in_scope(actor, process, "add")
        record_event(
            "disasters.process.opened",
            f"开启灾害过程“{process.name}”({process.get_kind_display()},{region.name})",
            target=process,
        )
    return process


def do_close_process(*, actor, process: DisasterProcess, data: CloseProcessIn) -> DisasterProcess:
    """灾情稳定: the process ends; 核报 deadlines count from this time."""
    check_rule(actor, "disasters.manage_processes")
    ended = _aware(data.ended_at)
    with transaction.atomic():
        process = locked(DisasterProcess, process.pk, expected_version=data.version)
        if process.ended_at is not None:
            raise InvalidTransition("该灾害过程已结束。")
        if ended < process.started_at:
            raise ValidationFailed("结束时间不能早于开始时间。", details={"field": "ended_at"})
        if ended > timezone.now() + timezone.timedelta(minutes=5):
            raise ValidationFailed("结束时间不能晚于现在。", details={"field": "ended_at"})
        process.ended_at = ended
        process.save(update_fields=["ended_at"])
        ensure_in_scope(actor, process, "change")
        record_event(
            "disasters.process.closed",
            f"灾害过程“{process.name}”灾情稳定,结束于{timezone.localtime(ended):%Y年%m月%d日 %H:%M}",
            target=process,
        )
    return process


def _casualty_kinds() -> tuple:
    from django.conf import settings

    return tuple(getattr(settings, "DISASTERS_CASUALTY_KINDS", stats.CASUALTY_LIST_KINDS))


def _findings_or_refuse(
    data: LossReportIn, figures: dict, previous: LossReport | None, listed: list
) -> list:
    findings = stats.check_figures(figures, previous.figures if previous else None)
    if data.kind in _casualty_kinds():
        dead = sum(1 for p in listed if p.state == "dead")
        missing = sum(1 for p in listed if p.state == "missing")
        findings = stats.check_casualty_list(figures, dead, missing) + findings
    errors = stats.errors(findings)
    if errors:
        raise ValidationFailed(
            "灾情数据未通过核查:" + " ".join(f.message for f in errors),
            details={"errors": [{"field": f.field, "message": f.message} for f in errors]},
        )
    warnings = stats.warnings(findings)
    if warnings and len(data.warning_reason) < 2:
        raise ValidationFailed(
            "有核查提示,须填写提示说明:" + " ".join(f.message for f in warnings),
            details={
                "field": "warning_reason",
                "warnings": [{"field": f.field, "message": f.message} for f in warnings],
            },
        )
    return [{"level": f.level, "field": f.field, "message": f.message} for f in findings]


def _check_kind(process: DisasterProcess, region: Region, data: LossReportIn, corrected):
    if corrected is not None:
        if (corrected.process_id, corrected.region_id, corrected.kind) != (
            process.pk,
            region.pk,
            data.kind,
        ):
            raise ValidationFailed(
                "更正报告须与被更正的报告属于同一灾害过程、同一区划和同一报告类型。",
                details={"field": "corrects"},
            )
        return
    earlier = LossReport.objects.filter(process=process, region=region)
    if data.kind == "initial" and earlier.filter(kind="initial").exists():
        raise ValidationFailed(
            f"{region.name}已报送初报,请报送续报,或更正已报的初报。", details={"field": "kind"}
        )
    if data.kind != "initial" and not earlier.exists():
        raise ValidationFailed(f"{region.name}尚未报送初报。", details={"field": "kind"})
    if data.kind == "verified" and process.ended_at is None:
        raise ValidationFailed("灾情稳定(灾害过程结束)后才能报送核报。", details={"field": "kind"})


def _submit(*, actor, process: DisasterProcess, data: LossReportIn, source: str) -> LossReport:
    check_rule(actor, "disasters.submit_reports")
    region = _region(data.region, "region")
    if not may_report_for(scope_of(actor), region):
        raise NotPermitted(f"您无权报送“{region.name}”的灾情。", details={"field": "region"})
    if not region.is_within(process.region) and process.region.level != "city":
        raise ValidationFailed(
            f"“{region.name}”不在灾害过程的牵头区划“{process.region.name}”内。",
            details={"field": "region"},
        )
    corrected = None
    if data.corrects is not None:
        corrected = restrict(LossReport.objects.all(), actor).filter(pk=data.corrects).first()
        if corrected is None:
            raise ValidationFailed("找不到要更正的报告。", details={"field": "corrects"})
    _check_kind(process, region, data, corrected)
    figures = data.as_dict()
    previous = None if corrected else selectors.latest_report(process, region)
    listed = list(selectors.casualties_within(process, region))
    findings = _findings_or_refuse(data, figures, previous, listed)
    now = _now()
    due = None
    if corrected is None:
        due = stats.deadline(
            data.kind,
            region.level,
            started_at=timezone.localtime(process.started_at),
            ended_at=process.ended_at and timezone.localtime(process.ended_at),
            as_of=data.as_of,
            rules=selectors.deadline_rules(),
        )
    with transaction.atomic():
        report = LossReport.objects.create(
            process=process,
            region=region,
            kind=data.kind,
            as_of=data.as_of,
            figures=figures,
            summary=data.summary,
            findings=findings,
            warning_reason=data.warning_reason if findings else "",
            source=source,
            submitted_by=actor,
            submitted_at=now,
            due_at=due,
            is_late=stats.is_late(now, due),
            corrects=corrected,
            correction_reason=data.correction_reason if corrected else "",
        )
        report.casualties.set(p for p in listed if p.state in ("dead", "missing"))
        ensure_in_scope(actor, report, "add")
        what = "更正" if corrected else "报送"
        late = "(迟报)" if report.is_late else ""
        record_event(
            "disasters.report.submitted",
            f"{what}{region.name}{report.get_kind_display()}{late}:{process.name}",
            target=report,
            corrects=corrected.pk if corrected else None,
            reason=report.correction_reason,
        )
    return report


def do_submit_loss_report(
    *, actor, process: DisasterProcess, data: LossReportIn, source: str = "form"
) -> LossReport:
    """报送灾情 (初报/续报/核报) or a correction: the figures pass the logical checks of
    《自然灾害情况统计调查制度》 (errors refuse, warnings need a reason); the deadline is
    computed and a late report flagged. The report never changes afterwards."""
    return _submit(actor=actor, process=process, data=data, source=source)


PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".webp")
MAX_PHOTOS = 6


def _check_photos(photos) -> None:
    """现场照片: images only (checked by core.uploads: type by extension and first bytes, size),
    at most MAX_PHOTOS; every photo is checked before anything is written."""
    from pathlib import PurePath

    from yingji.core.uploads import validate_upload

    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(f"现场照片最多{MAX_PHOTOS}张。", details={"field": "photos"})
    for photo in photos:
        if PurePath(photo.name or "").suffix.lower() not in PHOTO_TYPES:
            raise ValidationFailed(
                f"“{photo.name}”不是照片:请上传 jpg、png 或 webp 图片。",
                details={"field": "photos"},
            )
        validate_upload(photo)
        photo.seek(0)


def do_submit_quick_report(*, actor, data: QuickReportIn, photos=()) -> LossReport:
    """信息员首报 from the phone page: the village's 初报 with rough figures (a later report of
    the same village is its 续报 on the full form) and the 现场照片 attached to it."""
    from yingji.core.services import add_attachment

    photos = list(photos)
    _check_photos(photos)
    process = restrict(
        DisasterProcess.objects.filter(pk=data.process, ended_at__isnull=True), actor
    ).first()
    if process is None:
        raise ValidationFailed("请选择一个正在进行的灾害过程。", details={"field": "process"})
    report = LossReportIn(
        region=data.region,
        kind="initial",
        summary=data.summary,
        warning_reason=data.warning_reason,
        **{
            k: getattr(data, k)
            for k in (
                "affected_people",
                "deaths",
                "missing",
                "relocated",
                "collapsed_households",
                "collapsed_rooms",
            )
        },
    )
    with transaction.atomic():
        saved = _submit(actor=actor, process=process, data=report, source="officer")
        for photo in photos:
            add_attachment(
                actor=actor, target=saved, upload=photo, description="现场照片(信息员首报)"
            )
    return saved


def do_confirm_loss_report(*, actor, report: LossReport, data: ConfirmIn) -> LossReport:
    """审核: the level above confirms a report (a county its townships' and villages', the city
    the counties')."""
    check_rule(actor, "disasters.confirm_reports")
    if not restrict(LossReport.objects.filter(pk=report.pk), actor, "approve").exists():
        raise NotPermitted("只有上一级可以审核该报告。")
    with transaction.atomic():
        report = locked(LossReport, report.pk, expected_version=data.version)
        if report.confirmed_at is not None:
            raise InvalidTransition("该报告已审核。")
        if report.submitted_by_id == actor.pk:
            raise InvalidTransition("不能审核本人报送的报告。")
        report.confirmed_by = actor
        report.confirmed_at = timezone.now()
        report.save(update_fields=["confirmed_by", "confirmed_at"])
        ensure_in_scope(actor, report, "approve")
        record_event(
            "disasters.report.confirmed",
            f"审核通过{report.region.name}{report.get_kind_display()}:{report.process.name}",
            target=report,
        )
    return report


def do_register_officer(*, actor, data: OfficerIn) -> InfoOfficer:
    """登记灾害信息员 (city staff anywhere, county staff in their county)."""
    check_rule(actor, "disasters.manage_officers")
    region = _region(data.region, "region", ("village", "township", "county"))
    user = None
    if data.username:
        user = get_user_model().objects.filter(username=data.username, is_active=True).first()
        if user is None:
            raise ValidationFailed(
                f"找不到平台账号“{data.username}”。", details={"field": "username"}
            )
    if InfoOfficer.objects.filter(region=region, role=data.role, active=True).exists():
        raise ValidationFailed(
            f"{region.name}已有在岗的{data.role}岗信息员。", details={"field": "role"}
        )
    with transaction.atomic():
        officer = InfoOfficer.objects.create(
            name=data.name,
            phone=data.phone,
            region=region,
            role=data.role,
            trained_on=data.trained_on,
            certificate_no=data.certificate_no,
            user=user,
        )
        ensure_in_scope(actor, officer, "add")
        record_event(
            "disasters.officer.registered",
            f"登记灾害信息员{officer.name}({region.name}{officer.get_role_display()})",
            target=officer,
        )
    return officer


def do_set_deadlines(*, actor, data: DeadlinesIn) -> DeadlineSetting:
    """修改报送时限 (city staff): the clocks every later report is measured against."""
    check_rule(actor, "disasters.edit_deadlines")
    levels = ("village", "township", "county", "city")
    defaults = stats.default_deadlines()
    rules = {
        "initial": defaults["initial"]
        | {"hours": {lv: getattr(data, f"initial_{lv}") for lv in levels}},
        "followup": defaults["followup"]
        | {"hour": {lv: getattr(data, f"followup_{lv}") for lv in levels}},
        "verified": defaults["verified"]
        | {"days": {lv: getattr(data, f"verified_{lv}") for lv in levels}},
    }
    with transaction.atomic():
        setting = DeadlineSetting.objects.order_by("pk").first()
        if setting is None:
            setting = DeadlineSetting.objects.create(rules=rules, note=data.note)
        else:
            setting = locked(DeadlineSetting, setting.pk, expected_version=data.version)
            setting.rules = rules
            setting.note = data.note
            setting.save()
        ensure_in_scope(actor, setting, "change")
        record_event("disasters.deadlines.set", f"修改灾情报送时限:{data.note}", target=setting)
    return setting


def do_record_relief(*, actor, data: ReliefIn) -> ReliefRecord:
    """登记一户的救助 (city staff, county staff in their county)."""
    check_rule(actor, "disasters.record_relief")
    region = _region(data.region, "region", ("village", "township"))
    process = None
    if data.process is not None:
        process = restrict(DisasterProcess.objects.all(), actor).filter(pk=data.process).first()
        if process is None:
            raise ValidationFailed("找不到该灾害过程。", details={"field": "process"})
        if not region.is_within(process.region) and process.region.level != "city":
            raise ValidationFailed(
                f"“{region.name}”不在灾害过程的牵头区划内。", details={"field": "region"}
            )
    with transaction.atomic():
        record = ReliefRecord.objects.create(
            kind=data.kind,
            process=process,
            region=region,
            head_name=data.head_name,
            persons=data.persons,
            amount=data.amount,
            paid_on=data.paid_on,
            note=data.note,
            warning_reason=data.warning_reason,
            recorded_by=actor,
        )
        ensure_in_scope(actor, record, "add")
        if process is not None and data.kind == "transition":
            # the household now counted: persons helped in its county against 需紧急生活救助
            findings = selectors.persons_findings(process, actor, region)
            if findings and len(data.warning_reason) < 2:
                raise ValidationFailed(
                    "有核查提示,须填写提示说明:" + " ".join(f.message for f in findings),
                    details={
                        "field": "warning_reason",
                        "warnings": [{"field": f.field, "message": f.message} for f in findings],
                    },
                )
        record_event(
            "disasters.relief.recorded",
            f"登记{region.name}{record.head_name}户{record.get_kind_display()}"
            f"({record.persons}人,{record.amount}元)",
            target=record,
        )
    return record


def do_record_casualty(*, actor, data: CasualtyIn) -> CasualtyPerson:
    """登记死亡失踪人员: a person on the process's name list, counted in the region (and every
    region above it) from now on; the next report there must carry the new count."""
    check_rule(actor, "disasters.submit_reports")
    process = restrict(DisasterProcess.objects.all(), actor).filter(pk=data.process).first()
    if process is None:
        raise ValidationFailed("找不到该灾害过程。", details={"field": "process"})
    region = _region(data.region, "region")
    if not may_report_for(scope_of(actor), region):
        raise NotPermitted(
            f"您无权登记“{region.name}”的死亡失踪人员。", details={"field": "region"}
        )
    if not region.is_within(process.region):
        raise ValidationFailed(
            f"“{region.name}”不在灾害过程的牵头区划“{process.region.name}”内。",
            details={"field": "region"},
        )
    residence = _region(data.residence, "residence") if data.residence else None
    if data.occurred_on < timezone.localtime(process.started_at).date():
        raise ValidationFailed(
            "死亡(失踪)日期不能早于灾害过程开始。", details={"field": "occurred_on"}
        )
    if data.occurred_on > timezone.localdate():
        raise ValidationFailed("死亡(失踪)日期不能晚于今天。", details={"field": "occurred_on"})
    if (
        data.id_number
        and CasualtyPerson.objects.filter(
            process=process, id_number__iexact=data.id_number, is_current=True
        ).exists()
    ):
        raise ValidationFailed(
            "该身份证号已在本灾害过程的名单中,请变更其状态而不是重复登记。",
            details={"field": "id_number"},
        )
    with transaction.atomic():
        person = CasualtyPerson.objects.create(
            process=process,
            region=region,
            name=data.name,
            sex=data.sex,
            age=data.age,
            id_number=data.id_number.upper(),
            residence=residence,
            state=data.state,
            occurred_on=data.occurred_on,
            cause=data.cause,
            recorded_by=actor,
        )
        ensure_in_scope(actor, person, "add")
        record_event(
            "disasters.casualty.recorded",
            f"登记{region.name}{person.get_state_display()}人员(名单第{person.pk}号):{process.name}",
            target=person,
        )
    return person


CASUALTY_CHANGES = {"missing": ("dead", "found")}


def do_change_casualty_state(
    *, actor, person: CasualtyPerson, data: CasualtyChangeIn
) -> CasualtyPerson:
    """失踪人员确认死亡或已找到: a new version of the person; the old one stays, no longer
    current, and the reports already submitted keep the version they counted."""
    check_rule(actor, "disasters.submit_reports")
    if not restrict(CasualtyPerson.objects.filter(pk=person.pk), actor, "change").exists():
        raise NotPermitted("您无权变更该人员的状态。")
    with transaction.atomic():
        old = locked(CasualtyPerson, person.pk, expected_version=data.version)
        if not old.is_current:
            raise InvalidTransition("该记录已有新版本,请在最新版本上变更。")
        if data.state not in CASUALTY_CHANGES.get(old.state, ()):
            raise InvalidTransition(
                f"状态不能从“{old.get_state_display()}”变更为"
                f"“{dict(CasualtyPerson._meta.get_field('state').choices)[data.state]}”。"
            )
        if data.occurred_on < old.occurred_on or data.occurred_on > timezone.localdate():
            raise ValidationFailed(
                "日期须在失踪日期之后、今天之前。", details={"field": "occurred_on"}
            )
        old.is_current = False
        old.save(update_fields=["is_current"])
        new = CasualtyPerson.objects.create(
            process=old.process,
            region=old.region,
            name=old.name,
            sex=old.sex,
            age=old.age,
            id_number=old.id_number,
            residence=old.residence,
            state=data.state,
            occurred_on=data.occurred_on,
            cause=old.cause,
            supersedes=old,
            change_reason=data.reason,
            recorded_by=actor,
        )
        ensure_in_scope(actor, new, "change")
        record_event(
            "disasters.casualty.changed",
            f"{old.region.name}名单第{old.pk}号人员由{old.get_state_display()}变更为"
            f"{new.get_state_display()}:{data.reason}",
            target=new,
            supersedes=old.pk,
        )
    return new


# --- 综合减灾示范社区 (T54) -------------------------------------------------------------------


def _assessed(conditions_met: list[str], scores: dict, who: str) -> dc.Assessment:
    """Score a checklist; errors (a score out of range, an unknown item) and a failing total are
    refused with every reason (国减发〔2020〕2号 第五条: 基本条件 and ≥ the pass mark)."""
    table = selectors.community_criteria()
    codes = [c["code"] for c in table["conditions"]]
    unknown = sorted(set(conditions_met) - set(codes))
    if unknown:
        raise ValidationFailed(
            f"未知的基本条件“{'、'.join(unknown)}”。", details={"field": "conditions"}
        )
    result = dc.assess({c: c in conditions_met for c in codes}, scores, table)
    if result.errors:
        raise ValidationFailed(
            "".join(result.errors), details={"field": "scores", "errors": result.errors}
        )
    if not result.passed:
        reasons = [f"不具备基本条件“{u}”" for u in result.unmet]
        if result.total < result.pass_mark:
            reasons.append(f"{who}总分{result.total}分,低于{result.pass_mark}分")
        raise ValidationFailed(
            f"{'；'.join(reasons)},不符合申报条件。",
            details={"field": "scores", "total": result.total, "unmet": result.unmet},
        )
    return result


MAX_EVIDENCE_FILES = 5  # per criterion and submission


def _claimed(conditions_met: list[str], scores: dict) -> list[dict]:
    """The criteria the self-assessment claims: the 基本条件 ticked and the 基本要素 scored > 0."""
    table = selectors.community_criteria()
    met = set(conditions_met)
    return [c for c in table["conditions"] if c["code"] in met] + [
        e for e in table["elements"] if (scores.get(e["code"]) or 0) > 0
    ]


def _check_evidence(
    conditions_met: list[str],
    scores: dict,
    notes: dict,
    files: dict,
    existing: dict | None = None,
) -> None:
    """A criterion claimed as met needs its evidence: a note or a file given now, or evidence kept
    from the earlier submission (``existing``: code → has note or file). Unknown codes, too many
    or bad files are refused too, all before anything is written (every file is checked by the
    upload helper)."""
    from yingji.core.uploads import validate_upload

    table = selectors.community_criteria()
    known = {c["code"] for c in table["conditions"] + table["elements"]}
    unknown = sorted((set(notes) | set(files)) - known)
    if unknown:
        raise ValidationFailed(
            f"佐证材料对应的创建标准“{'、'.join(unknown)}”不存在。",
            details={"field": "evidence"},
        )
    for code, uploads in files.items():
        if len(uploads) > MAX_EVIDENCE_FILES:
            raise ValidationFailed(
                f"每项创建标准一次最多上传{MAX_EVIDENCE_FILES}个佐证附件。",
                details={"field": "evidence", "criterion": code},
            )
        for upload in uploads:
            validate_upload(upload)
            upload.seek(0)
    missing, whys = [], []
    for item in _claimed(conditions_met, scores):
        code = item["code"]
        given = bool((notes.get(code) or "").strip()) or bool(files.get(code))
        if given or (existing or {}).get(code):
            continue
        name = item["label"].split("(")[0].split("（")[0]
        missing.append(code)
        whys.append(
            f"基本要素“{name}”自评{scores[code]}分,但没有佐证材料"
            if code in scores
            else f"基本条件“{name}”自评为具备,但没有佐证材料"
        )
    if missing:
        raise ValidationFailed(
            "；".join(whys) + "。请为每一项填写佐证说明或上传附件,否则不能自评为具备或得分。",
            details={"field": "evidence", "missing": missing},
        )


def _save_evidence(*, actor, community: DemoCommunity, notes: dict, files: dict) -> int:
    """Write the evidence rows (one per criterion; a new note replaces the old one, files add up)
    and attach the files; inside the caller's transaction. Returns the number of files."""
    from yingji.core.services import add_attachment

    attached = 0
    for code in sorted(set(notes) | set(files)):
        note = (notes.get(code) or "").strip()
        uploads = files.get(code) or []
        if not note and not uploads:
            continue
        row = CommunityEvidence.objects.filter(community=community, criterion=code).first()
        if row is None:
            row = CommunityEvidence.objects.create(
                community=community, criterion=code, note=note, recorded_by=actor
            )
        elif note and note != row.note:
            row.note = note
            row.recorded_by = actor
            row.save()
        for upload in uploads:
            add_attachment(
                actor=actor, target=row, upload=upload, description=f"佐证材料:{row.label}"
            )
            attached += 1
    return attached


def _existing_evidence(community: DemoCommunity) -> dict[str, bool]:
    """code → whether the community already has evidence for it (a note or a live file)."""
    from yingji.core.models import Attachment

    rows = list(CommunityEvidence.objects.filter(community=community))
    with_files = {
        int(pk)
        for pk in Attachment.objects.for_objects(
            CommunityEvidence, [r.pk for r in rows]
        ).values_list("object_id", flat=True)
    }
    return {r.criterion: bool(r.note.strip()) or r.pk in with_files for r in rows}


def _move(community: DemoCommunity, action: str) -> None:
    try:
        community.status = dc.next_status(community.status, action)
    except ValueError as exc:
        raise InvalidTransition(str(exc)) from None


def do_apply_demo_community(
    *, actor, data: CommunityApplyIn, files: dict | None = None
) -> DemoCommunity:
    """申报: a community's self-assessment registered by its county (or the city), each
    criterion claimed as met with its evidence (``data.evidence`` notes, ``files``: code → the
    uploaded files)."""
    check_rule(actor, "disasters.apply_community")
    region = _region(data.region, "region", ("village",))
    open_statuses = ("applied", "returned", "county_passed", "named")
    if DemoCommunity.objects.filter(
        region=region, level=data.level, status__in=open_statuses
    ).exists():
        raise ValidationFailed(
            f"{region.name}已有该级别在办或已命名的示范社区申报,不能重复申报。",
            details={"field": "level"},
        )
    result = _assessed(data.conditions, data.scores, "自评")
    files = files or {}
    _check_evidence(data.conditions, data.scores, data.evidence, files)
    with transaction.atomic():
        community = DemoCommunity.objects.create(
            region=region,
            level=data.level,
            year=data.year,
            households=data.households,
            contact=data.contact,
            lon=data.lon,
            lat=data.lat,
            summary=data.summary,
            conditions={c: True for c in data.conditions},
            self_scores=data.scores,
            self_total=result.total,
            applied_by=actor,
        )
        ensure_in_scope(actor, community, "add")
        attached = _save_evidence(
            actor=actor, community=community, notes=data.evidence, files=files
        )
        record_event(
            "disasters.community.applied",
            f"申报{community}(自评{result.total}分,佐证附件{attached}个)",
            target=community,
        )
    return community


def do_resubmit_demo_community(
    *, actor, community: DemoCommunity, data: CommunityResubmitIn, files: dict | None = None
) -> DemoCommunity:
    """退回后重新申报 with a new self-assessment; the evidence given before is kept, new notes
    replace old ones and new files are added."""
    check_rule(actor, "disasters.apply_community")
    if not restrict(DemoCommunity.objects.filter(pk=community.pk), actor, "add").exists():
        raise NotPermitted("您无权为该社区申报。")
    result = _assessed(data.conditions, data.scores, "自评")
    files = files or {}
    _check_evidence(
        data.conditions, data.scores, data.evidence, files, _existing_evidence(community)
    )
    with transaction.atomic():
        community = locked(DemoCommunity, community.pk, expected_version=data.version)
        _move(community, "resubmit")
        community.summary = data.summary or community.summary
        community.conditions = {c: True for c in data.conditions}
        community.self_scores = data.scores
        community.self_total = result.total
        community.save()
        _save_evidence(actor=actor, community=community, notes=data.evidence, files=files)
        record_event(
            "disasters.community.resubmitted",
            f"重新申报{community}(自评{result.total}分)",
            target=community,
        )
    return community


def do_review_demo_community_county(
    *, actor, community: DemoCommunity, data: CommunityCountyReviewIn
) -> DemoCommunity:
    """县区初审 (第八条: 材料审核、现场核查并评分): passed with the county's own scores, or
    returned to the community with the opinion."""
    check_rule(actor, "disasters.review_community_county")
    if not restrict(DemoCommunity.objects.filter(pk=community.pk), actor, "approve").exists():
        raise NotPermitted("县区初审由社区所在县区办理。")
    result = _assessed(list(community.conditions), data.scores, "县区评分") if data.passed else None
    with transaction.atomic():
        community = locked(DemoCommunity, community.pk, expected_version=data.version)
        _move(community, "county_pass" if data.passed else "county_return")
        community.county_opinion = data.opinion
        community.county_reviewed_by = actor
        if result is not None:
            community.county_scores = data.scores
            community.county_total = result.total
        community.save()
        record_event(
            "disasters.community.county_reviewed",
            f"县区初审{'通过' if data.passed else '退回'}:{community}"
            + (f"(县区评分{result.total}分)" if result else ""),
            target=community,
        )
    return community


def do_review_demo_community_city(
    *, actor, community: DemoCommunity, data: CommunityCityReviewIn
) -> DemoCommunity:
    """市级评审 (第九条): 命名 with the date and document, or not passed."""
    check_rule(actor, "disasters.review_community_city")
    with transaction.atomic():
        community = locked(DemoCommunity, community.pk, expected_version=data.version)
        _move(community, data.decision)
        community.city_opinion = data.opinion
        if data.decision == "name":
            community.named_on = data.named_on
            community.naming_doc = data.naming_doc
        community.save()
        ensure_in_scope(actor, community, "change")
        record_event(
            "disasters.community.named"
            if data.decision == "name"
            else "disasters.community.rejected",
            f"{'命名' if data.decision == 'name' else '评审不通过'}:{community}",
            target=community,
        )
    return community


def do_recheck_demo_community(
    *, actor, community: DemoCommunity, data: CommunityRecheckIn
) -> DemoCommunity:
    """复核 a named community: kept, or the naming revoked with the reason (动态管理)."""
    check_rule(actor, "disasters.review_community_city")
    with transaction.atomic():
        community = locked(DemoCommunity, community.pk, expected_version=data.version)
        _move(community, "recheck_keep" if data.keep else "revoke")
        community.rechecked_on = data.rechecked_on
        community.city_opinion = data.opinion
        if not data.keep:
            community.revoked_reason = data.opinion
        community.save()
        ensure_in_scope(actor, community, "change")
        record_event(
            "disasters.community.rechecked" if data.keep else "disasters.community.revoked",
            f"{'复核保留' if data.keep else '撤销命名'}:{community}",
            target=community,
        )
    return community


def do_record_community_inspection(
    *, actor, community: DemoCommunity, data: CommunityInspectionIn
) -> CommunityInspection:
    """督查 (T54: 10–12月): the city's visit with its findings; a visit outside the months is
    recorded and marked, not refused (a follow-up visit in January is still a visit)."""
    check_rule(actor, "disasters.review_community_city")
    if community.status in ("rejected", "revoked"):
        raise InvalidTransition(f"“{community.get_status_display()}”的社区不再督查。")
    in_window = dc.in_inspection_window(data.visited_on, selectors.community_criteria())
    with transaction.atomic():
        visit = CommunityInspection.objects.create(
            community=community,
            visited_on=data.visited_on,
            inspectors=data.inspectors,
            findings=data.findings,
            result=data.result,
            rectify_by=data.rectify_by,
            in_window=in_window,
            recorded_by=actor,
        )
        ensure_in_scope(actor, visit, "add")
        record_event(
            "disasters.community.inspected",
            f"督查{community}:{visit.get_result_display()}"
            + ("" if in_window else "(不在10-12月督查期内)"),
            target=community,
        )
    return visit


# --- 地震烈度快速估算 (T29) and the links to 应急响应 (#12) --------------------------------------


def do_record_quake_estimate(*, actor, data: QuakeRecordIn) -> QuakeEstimate:
    """Keep an estimate: the input, the districts' intensity, the exposed population and the
    suggested level as computed now (later rule changes do not rewrite it)."""
    check_rule(actor, "disasters.record_quake")
    occurred = _aware(data.occurred_at)
    if occurred > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationFailed("发震时刻不能晚于现在。", details={"field": "occurred_at"})
    result = selectors.quake_assessment(data)
    if not result["rows"]:
        raise ValidationFailed("本市没有可估算的县区(缺少县区边界数据)。")
    suggestion = result["suggestion"]
    with transaction.atomic():
        estimate = QuakeEstimate.objects.create(
            occurred_at=occurred,
            place=data.place,
            lon=data.lon,
            lat=data.lat,
            magnitude=data.magnitude,
            depth=data.depth,
            strike=data.strike,
            model=data.model,
            rows=result["rows"],
            townships=result["townships"],
            township_note=result["township_note"][:300],
            exposure=result["exposure"],
            population_source=result["population_source"],
            suggested_level=suggestion.level,
            suggested_label=suggestion.label,
            reasons=list(suggestion.reasons),
            recorded_by=actor,
        )
        ensure_in_scope(actor, estimate, "add")
        top = result["rows"][0]
        record_event(
            "disasters.quake.estimated",
            f"地震烈度估算:{estimate},{top['name']}最高{top['roman']}度,建议{suggestion.label}",
            target=estimate,
        )
    return estimate


def do_start_quake_event(*, actor, estimate: QuakeEstimate, data: QuakeEventIn):
    """由估算启动突发事件: 接报 in 应急响应 (its own service, type 地震灾害), located at the
    epicentre or, outside the city, at the district estimated hardest hit; the estimate links it."""
    from yingji.geo.spatial import locate
    from yingji.response.schemas import EventIn
    from yingji.response.services import do_take_event

    check_rule(actor, "disasters.record_quake")
    with transaction.atomic():
        estimate = locked(QuakeEstimate, estimate.pk, expected_version=data.version)
        if not restrict(QuakeEstimate.objects.filter(pk=estimate.pk), actor, "change").exists():
            raise NotPermitted("您无权由该估算启动事件。")
        if estimate.event_id is not None:
            raise InvalidTransition(f"该估算已启动事件{estimate.event.number}。")
        top = estimate.rows[0]
        inside = locate(estimate.lon, estimate.lat) is not None
        where = {"lon": estimate.lon, "lat": estimate.lat} if inside else {"county": top["code"]}
        lines = [
            f"震中 {estimate.lon:.2f}°E、{estimate.lat:.2f}°N,Ms{estimate.magnitude:g},"
            f"深度{estimate.depth:g}千米。",
            "烈度快速估算("
            + estimate.model
            + "):"
            + ";".join(f"{r['name']}{r['roman']}度" for r in estimate.rows[:5])
            + "。",
            f"建议响应:{estimate.suggested_label}(" + ";".join(estimate.reasons) + ")。",
        ]
        event = do_take_event(
            actor=actor,
            data=EventIn(
                title=data.title
                or f"{estimate.place or top['name']}Ms{estimate.magnitude:g}级地震",
                event_type="NAT-QUAKE",
                received_at=timezone.now(),
                occurred_at=estimate.occurred_at,
                channel="system",
                place=estimate.place or f"{top['name']}(震中附近)",
                description="".join(lines),
                **where,
            ),
        )
        estimate.event = event
        estimate.save(update_fields=["event"])
        record_event(
            "disasters.quake.event_started",
            f"由地震烈度估算“{estimate}”启动事件{event.number}",
            target=estimate,
        )
    return event


def do_link_process_event(*, actor, process: DisasterProcess, data: LinkEventIn) -> DisasterProcess:
    """关联突发事件: the process is the disaster side of an event of 应急响应 (by its number)."""
    from yingji.response.selectors import visible_events

    check_rule(actor, "disasters.manage_processes")
    event = visible_events(actor).filter(number=data.number).first()
    if event is None:
        raise ValidationFailed(
            f"事件编号“{data.number}”不存在或不在您的权限范围内。", details={"field": "number"}
        )
    with transaction.atomic():
        process = locked(DisasterProcess, process.pk, expected_version=data.version)
        if not restrict(DisasterProcess.objects.filter(pk=process.pk), actor, "change").exists():
            raise NotPermitted("您无权修改该灾害过程。")
        process.event = event
        process.save(update_fields=["event"])
        record_event(
            "disasters.process.event_linked",
            f"灾害过程“{process.name}”关联事件{event.number}",
            target=process,
        )
    return process


def do_draft_figures_release(*, actor, process: DisasterProcess, data: FiguresReleaseIn):
    """起草灾情信息发布稿: the confirmed roll-up in words, drafted through 应急响应's one-window
    release (its own service and approval path: 审核 → 审批 → 发布) on the linked event."""
    from yingji.response.schemas import InfoReleaseIn
    from yingji.response.services import do_draft_release

    from .documents import release_text

    check_rule(actor, "disasters.release_figures")
    if process.event_id is None:
        raise InvalidTransition("该灾害过程未关联突发事件,请先关联事件再起草发布稿。")
    rollup = selectors.rollup(process, actor)
    if not rollup["total_figures"]:
        raise InvalidTransition("尚无经审核的灾情数据,请先完成逐级审核再发布。")
    affected = [row["region"].name for row in rollup["rows"] if row["figures"]]
    where = "、".join(affected[:6]) + ("等地" if len(affected) > 6 else "") or process.region.name
    now = timezone.now()
    content = release_text(process, where, rollup["total_figures"], now)
    if data.note:
        content += data.note
    return do_draft_release(
        actor=actor,
        event=process.event,
        data=InfoReleaseIn(
            kind=data.kind,
            channels=data.channels,
            title=data.title or f"{process.name}灾情通报({timezone.localtime(now):%m月%d日%H时})",
            content=content,
        ),
    )
