"""行政处罚案件 services: one per transition of yingji.standards.penalty_procedure.TRANSITIONS,
plus the records made inside a stage (evidence, 陈述申辩, 听证, 负责人审批/集体讨论, deadline
extension, 公示, 案卷评查). Each: check the actor acts for the case's bureau, lock the case with
the expected version, refuse what the table or a rule forbids (nothing changes), write, one
CaseStep for a transition, one record_event, ensure_in_scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import ensure_in_scope, restrict, scope_of
from yingji.core.services import add_attachment, locked
from yingji.standards import penalty_procedure as pp

from . import conf, officers
from .models import CaseFileReview, CaseStep, DeadlineExtension, Evidence, PenaltyCase
from .permissions import bureau_paths

# --- helpers ----------------------------------------------------------------------------------


def _require_acts_for(actor, case: PenaltyCase) -> None:
    if not restrict(PenaltyCase.objects.filter(pk=case.pk), actor, "change").exists():
        raise NotPermitted(f"您不能办理{case.authority.name}的行政处罚案件。")


def _begin(actor, case: PenaltyCase, action: str, expected_version: int | None) -> PenaltyCase:
    """Lock the case, check the actor and that the table allows ``action`` here."""
    case = locked(PenaltyCase, case.pk, expected_version=expected_version)
    _require_acts_for(actor, case)
    if pp.target_of(case.state, action) is None:
        raise InvalidTransition(
            pp.refusal(case.state, action), details={"state": case.state, "action": action}
        )
    return case


# The steps the case's officers take with the party (第四十二条: 不得少于两人, each with a valid
# 执法证): the officers are checked again on the day and named on the step.
FIELD_STEPS = ("notify", "serve", "execute")


def _move(actor, case: PenaltyCase, action: str, text: str = "", step_officers=()) -> CaseStep:
    if action in FIELD_STEPS and not step_officers:
        step_officers = case_officers_today(case)
    before = case.state
    case.state = pp.target_of(before, action)
    case.save()
    step = _step(actor, case, action, text, before=before, step_officers=step_officers)
    record_event(
        f"penalties.case.{action}",
        f"{case.number}:{pp.STATE_LABELS[before]} → {pp.STATE_LABELS[case.state]}"
        + (f"({text[:80]})" if text else ""),
        target=case,
        before=before,
        after=case.state,
    )
    ensure_in_scope(actor, case, "change")
    return step


def _step(actor, case, action, text="", *, before=None, step_officers=()) -> CaseStep:
    step = CaseStep.objects.create(
        case=case,
        action=action,
        from_state=before if before is not None else case.state,
        to_state=case.state,
        actor=actor,
        at=timezone.now(),
        text=text[:5000],
    )
    if step_officers:
        step.officers.set(step_officers)
    return step


def _problems(problems: dict, lead: str) -> None:
    if problems:
        raise ValidationFailed(lead + ";".join(problems.values()), details=problems)


def _not_future(day: dt.date | None, field: str, label: str, problems: dict) -> None:
    if day is not None and day > timezone.localdate():
        problems[field] = f"{label}不能晚于今天。"


def hearing_reasons(case: PenaltyCase) -> list[str]:
    return pp.hearing_reasons(
        party_kind=case.party_kind,
        kinds=case.proposed_kinds,
        fine=case.proposed_fine,
        confiscation=case.proposed_confiscation,
        thresholds=conf.hearing_thresholds(),
    )


def major_reasons(case: PenaltyCase) -> list[str]:
    """Keys of pp.MAJOR_CRITERIA that make this decision 重大 (第五十八条)."""
    return pp.major_reasons(
        asserted=case.major_asserted,
        hearing_held=bool(case.hearing_on),
        hearing_right=case.hearing_right,
        hearing_range_is_major=conf.major_if_hearing_right(),
    )


def is_major(case: PenaltyCase) -> bool:
    return bool(major_reasons(case))


def statement_deadline(case: PenaltyCase) -> dt.date | None:
    if not case.notice_served_on:
        return None
    return pp.window_end(case.notice_served_on, conf.statement_days())


def hearing_request_deadline(case: PenaltyCase) -> dt.date | None:
    if not case.notice_served_on or not case.hearing_right:
        return None
    return pp.window_end(case.notice_served_on, pp.HEARING_REQUEST_DAYS)


def publication_deadline(case: PenaltyCase) -> dt.date | None:
    if not case.decided_on:
        return None
    from yingji.calendars.selectors import work_calendar

    return work_calendar().add_workdays(case.decided_on, conf.publication_workdays())


def payment_deadline(case: PenaltyCase) -> dt.date | None:
    if not case.served_on or "fine" not in case.decided_kinds:
        return None
    return pp.window_end(case.served_on, pp.PAYMENT_DAYS)


def _rights_window_closed(case: PenaltyCase, today: dt.date) -> None:
    """Before leaving 事先告知 / 听证: the party had its say (第四十五条、第六十四条)."""
    if case.state == "hearing":
        if not case.hearing_on or case.hearing_on > today:
            raise InvalidTransition("当事人已要求听证,须先举行听证并记录听证笔录(第六十四条)。")
        return
    if case.statement_waived:
        return
    waiting = []
    end = statement_deadline(case)
    if not case.statement_on and end and today <= end:
        waiting.append(f"陈述申辩期限至{end:%Y年%m月%d日}")
    end = hearing_request_deadline(case)
    if end and today <= end:
        waiting.append(f"听证申请期限至{end:%Y年%m月%d日}(第六十四条:告知后五日内)")
    if waiting:
        raise InvalidTransition(
            "当事人的权利期限未满:" + "、".join(waiting) + ";期满或当事人书面放弃后方可进入下一步。"
        )


def _officer_users(case: PenaltyCase) -> set[int]:
    found = officers.user_ids(case.officers.all())
    for step in case.steps.prefetch_related("officers"):
        found |= officers.user_ids(step.officers.all())
        # the 法制审核 outcome is the reviewer's own step, not handling the case
        if step.actor_id and step.from_state != "legal_review":
            found.add(step.actor_id)
    if case.created_by_id:
        found.add(case.created_by_id)
    return found


def may_review(actor, case: PenaltyCase) -> str | None:
    """Why ``actor`` may not do the 法制审核 or 案卷评查 of ``case`` (None: may). The city
    bureau's reviewers are the staff of the configured organisations (政策法规科); a county
    bureau's any of its staff; never a case officer or anyone who handled a step."""
    scope = scope_of(actor)
    if scope.read_only or not scope.authenticated:
        return "法制审核须由审核机构人员办理。"
    if case.authority.path not in bureau_paths(scope) and not scope.is_admin:
        return f"您不属于{case.authority.name},不能审核其案件。"
    if case.authority.kind == "bureau" and not scope.is_admin:
        from yingji.orgs.models import Organisation

        codes = set(conf.legal_review_orgs())
        mine = set(Organisation.objects.filter(pk__in=scope.org_ids).values_list("code", flat=True))
        if not mine & codes:
            return "市局案件的法制审核、案卷评查由政策法规科(法制审核机构)人员办理。"
    if actor.pk in _officer_users(case):
        return "本案的执法人员和承办人不得担任本案的法制审核人员(第五十八条)。"
    return None


# --- 立案 ---------------------------------------------------------------------------------------


def _authority_for(actor, agency):
    """The bureau an agency acts for (the top of its tree), which the actor must act for."""
    from yingji.orgs.models import Organisation

    top = "/" + agency.path.strip("/").split("/")[0] + "/"
    if top not in bureau_paths(scope_of(actor)):
        raise NotPermitted(f"您不能以{agency.name}的名义立案。")
    return Organisation.objects.get(path=top)


def do_file_case(
    *,
    actor,
    agency,
    party_kind: str,
    enterprise=None,
    party_name: str = "",
    party_address: str = "",
    source: str,
    inspection=None,
    source_ref: str = "",
    cause: str,
    facts: str = "",
    filed_on: dt.date,
    filing_approver: str,
    officer_ids: list[int] = (),
    hazard=None,
    is_demo: bool = False,
) -> PenaltyCase:
    """立案 (第五十四条第二款: 符合立案标准的,应当及时立案), approved by the bureau's 负责人,
    with the case's officers (at least two certified on the day)."""
    authority = _authority_for(actor, agency)
    problems = {}
    if party_kind == "unit":
        if enterprise is None:
            problems["enterprise_id"] = "当事人为单位时请选择企业。"
        else:
            party_name = enterprise.name
    elif party_kind == "person":
        if not party_name:
            problems["party_name"] = "请填写当事人姓名。"
    else:
        problems["party_kind"] = "当事人类型应为单位或个人。"
    if source == "inspection" and inspection is None:
        problems["inspection_id"] = "来源为执法检查时请选择检查记录。"
    if (
        inspection is not None
        and enterprise is not None
        and inspection.enterprise_id != enterprise.pk
    ):
        problems["inspection_id"] = "来源检查的检查对象与当事人不一致。"
    _check_hazard_source(source, hazard, enterprise, filed_on, problems)
    if not filing_approver:
        problems["filing_approver"] = "立案须经负责人批准,请填写批准的负责人(第五十四条)。"
    _not_future(filed_on, "filed_on", "立案日期", problems)
    _problems(problems, "不能立案:")
    named = officers.check(
        officer_ids, filed_on, enterprise_id=enterprise.pk if enterprise is not None else None
    )
    with transaction.atomic():
        locked(type(authority), authority.pk)  # serialises the numbering
        year = filed_on.year
        serial = (
            PenaltyCase.objects.filter(authority=authority, year=year).aggregate(m=Max("serial"))[
                "m"
            ]
            or 0
        ) + 1
        short = authority.name.replace("应急管理局", "") or authority.code
        case = PenaltyCase.objects.create(
            number=f"{short}应急罚立〔{year}〕{serial}号",
            year=year,
            serial=serial,
            authority=authority,
            agency=agency,
            party_kind=party_kind,
            enterprise=enterprise if party_kind == "unit" else None,
            party_name=party_name,
            party_address=party_address,
            source=source,
            inspection=inspection,
            hazard=hazard,
            source_ref=source_ref,
            cause=cause,
            facts=facts,
            filed_on=filed_on,
            filing_approver=filing_approver,
            deadline=pp.decision_deadline(filed_on),
            created_by=actor,
            is_demo=is_demo,
        )
        case.officers.set(named)
        _step(actor, case, "file", f"立案,负责人{filing_approver}批准。案由:{cause}", before="")
        record_event("penalties.case.filed", f"立案 {case.number}:{cause}", target=case)
        ensure_in_scope(actor, case, "change")
    return case


def _check_hazard_source(source, hazard, enterprise, filed_on, problems) -> None:
    """A case from a hazard not rectified in time (《安全生产法》(2021) 第一百零二条: 未采取措施消除
    事故隐患的,责令立即消除或者限期消除,…拒不执行的 处罚): the hazard still open and past its
    整改期限 on the filing day, of the same enterprise."""
    if source == "hazard" and hazard is None:
        problems["hazard_id"] = "来源为隐患逾期未整改时请从隐患页面立案。"
    if hazard is None:
        return
    if enterprise is not None and hazard.enterprise_id != enterprise.pk:
        problems["hazard_id"] = "来源隐患的企业与当事人不一致。"
    if hazard.state in ("closed", "void") or hazard.deadline is None or hazard.deadline >= filed_on:
        problems["hazard_id"] = (
            f"隐患{hazard.code}未逾期未整改(状态“{hazard.get_state_display()}”,整改期限"
            f"{hazard.deadline or '未定'}),不能以此立案。"
        )


def do_extend_deadline(
    *,
    actor,
    case: PenaltyCase,
    days: int,
    reason: str,
    approver: str,
    approved_on: dt.date,
    expected_version: int | None = None,
) -> DeadlineExtension:
    """延长办案期限 with the 负责人's approval (第六十条 另有规定; the department's rule), only
    while the clock runs and before the current deadline has passed."""
    problems = {}
    if not 1 <= days <= 90:
        problems["days"] = "延长天数应在 1–90 日之间。"
    if not reason:
        problems["reason"] = "请填写延长理由。"
    if not approver:
        problems["approver"] = "延长办案期限须经负责人批准,请填写批准的负责人。"
    _not_future(approved_on, "approved_on", "批准日期", problems)
    _problems(problems, "不能延长期限:")
    with transaction.atomic():
        case = locked(PenaltyCase, case.pk, expected_version=expected_version)
        _require_acts_for(actor, case)
        if not case.clock_running:
            raise InvalidTransition(
                f"案件处于“{pp.STATE_LABELS[case.state]}”阶段,决定期限已不再计算,不能延长。"
            )
        if approved_on > case.deadline:
            raise InvalidTransition(
                f"决定期限已于{case.deadline:%Y年%m月%d日}届满,延期须在期限届满前批准。"
            )
        case.deadline = case.deadline + dt.timedelta(days=days)
        case.save()
        ext = DeadlineExtension.objects.create(
            case=case,
            days=days,
            reason=reason,
            approver=approver,
            approved_on=approved_on,
            new_deadline=case.deadline,
            recorded_by=actor,
        )
        _step(
            actor,
            case,
            "extend",
            f"经{approver}批准延长 {days} 日至{case.deadline:%Y-%m-%d}:{reason}",
        )
        record_event(
            "penalties.case.extended",
            f"{case.number} 决定期限延长 {days} 日至 {case.deadline:%Y-%m-%d}",
            target=case,
        )
    return ext


# --- 调查取证 -------------------------------------------------------------------------------------


def do_start_investigation(
    *,
    actor,
    case: PenaltyCase,
    officer_ids: list[int],
    note: str = "",
    expected_version: int | None = None,
) -> PenaltyCase:
    """调查取证 (第五十五条): by at least two officers certified today, who show their 执法证件."""
    today = timezone.localdate()
    with transaction.atomic():
        case = _begin(actor, case, "investigate", expected_version)
        named = officers.check(officer_ids, today, enterprise_id=case.enterprise_id)
        names = "、".join(o.name for o in named)
        _move(
            actor,
            case,
            "investigate",
            f"执法人员{names}出示执法证件开展调查。{note}".strip(),
            named,
        )
    return case


def case_officers_today(case: PenaltyCase) -> list:
    """The case's officers, each certified today (or ValidationFailed naming who is not, and how
    to go on: 调整承办执法人员)."""
    ids = list(case.officers.values_list("pk", flat=True))
    try:
        return officers.check(
            ids, timezone.localdate(), enterprise_id=case.enterprise_id, authority=case.authority
        )
    except ValidationFailed as exc:
        raise ValidationFailed(
            f"{exc.message}请先调整本案承办执法人员。", details={"officers": exc.message}
        ) from exc


OPEN_FOR_OFFICERS = ("filed", "investigating", "reviewing", "notified", "hearing")
OPEN_FOR_OFFICERS += ("legal_review", "approval", "decided", "served", "enforcing", "executed")


def do_change_case_officers(
    *,
    actor,
    case: PenaltyCase,
    officer_ids: list[int],
    reason: str,
    expected_version: int | None = None,
) -> PenaltyCase:
    """调整承办执法人员: at least two officers of the case's bureau certified today, none with a
    declared conflict with the party (第四十二条、第四十三条), with the reason (an officer's
    执法证 expired, 调离, 回避…). The former officers stay named on the steps they took."""
    if not reason:
        raise ValidationFailed("请填写调整原因。", details={"reason": "必填"})
    today = timezone.localdate()
    with transaction.atomic():
        case = locked(PenaltyCase, case.pk, expected_version=expected_version)
        _require_acts_for(actor, case)
        if case.state not in OPEN_FOR_OFFICERS:
            raise InvalidTransition(
                f"案件处于“{pp.STATE_LABELS[case.state]}”阶段,不能再调整承办执法人员。"
            )
        named = officers.check(
            officer_ids, today, enterprise_id=case.enterprise_id, authority=case.authority
        )
        before = "、".join(sorted(case.officers.values_list("name", flat=True)))
        case.officers.set(named)
        case.save()
        record_event(
            "penalties.case.officers",
            f"{case.number} 调整承办执法人员:{before} → "
            + "、".join(o.name for o in named)
            + f"({reason})",
            target=case,
        )
    return case


EVIDENCE_STATES = ("investigating", "reviewing", "hearing")


def do_add_evidence(
    *,
    actor,
    case: PenaltyCase,
    kind: str,
    title: str,
    recorded_by: str,
    recorded_on: dt.date,
    description: str = "",
    storage: str = "",
    upload=None,
) -> Evidence:
    """证据 (第四十六条) with who recorded it (执法全过程记录); its file (if any) through
    core.uploads (types and size limits). Only while investigating, under review or in a
    hearing."""
    problems = {}
    if not title:
        problems["title"] = "请填写证据名称。"
    if not recorded_by:
        problems["recorded_by"] = "请填写记录/制作人(执法全过程记录)。"
    _not_future(recorded_on, "recorded_on", "取证日期", problems)
    if kind == "audio_video" and upload is None and not storage:
        problems["storage"] = "录音录像请上传文件或填写存储位置(执法记录仪归档编号)。"
    _problems(problems, "不能登记证据:")
    with transaction.atomic():
        case = locked(PenaltyCase, case.pk)
        _require_acts_for(actor, case)
        if kind == "audio_video":
            # 执法全过程记录: recorded by one of the case's officers, named as in the register
            names = sorted(case.officers.values_list("name", flat=True))
            if recorded_by not in names:
                raise ValidationFailed(
                    "录音录像的记录人应为本案承办执法人员之一:" + "、".join(names) + "。",
                    details={"recorded_by": recorded_by},
                )
        if case.state not in EVIDENCE_STATES:
            raise InvalidTransition(
                f"案件处于“{pp.STATE_LABELS[case.state]}”阶段,不能再登记证据"
                "(调查取证、案件审理和听证阶段可以)。"
            )
        if recorded_on < case.filed_on:
            raise ValidationFailed(
                "取证日期不能早于立案日期。", details={"recorded_on": "早于立案"}
            )
        attachment = None
        if upload is not None:
            attachment = add_attachment(
                actor=actor,
                target=case,
                upload=upload,
                description=title,
                check=officers.check_recording_file if kind == "audio_video" else None,
            )
        number = (case.evidence.aggregate(m=Max("number"))["m"] or 0) + 1
        item = Evidence.objects.create(
            case=case,
            number=number,
            kind=kind,
            title=title,
            recorded_by=recorded_by,
            recorded_on=recorded_on,
            description=description,
            storage=storage,
            attachment=attachment,
            added_by=actor,
        )
        record_event(
            "penalties.evidence.added",
            f"{case.number} 登记证据{number}:{title}(记录人 {recorded_by})",
            target=case,
            evidence=item.pk,
        )
    return item


def do_submit_review(
    *,
    actor,
    case: PenaltyCase,
    facts: str,
    violated: str,
    basis: str,
    major_asserted: list[str] = (),
    major_reason: str = "",
    expected_version: int | None = None,
) -> PenaltyCase:
    """调查终结 → 案件审理: the facts, the rule broken and the penalty basis, with evidence
    (第四十条: 违法事实不清、证据不足的,不得给予行政处罚). A 第五十八条 criterion asserted needs
    its reason (it makes the decision 重大 and the 法制审核 required)."""
    problems = {}
    if len(facts) < 10:
        problems["facts"] = "请写明违法事实(至少 10 个字)。"
    if not violated:
        problems["violated"] = "请写明违反的法律、法规、规章条款。"
    if not basis:
        problems["basis"] = "请写明处罚依据。"
    unknown = [k for k in major_asserted if k not in pp.ASSERTED_CRITERIA]
    if unknown:
        problems["major_asserted"] = "未知的重大执法决定情形:" + "、".join(unknown)
    if major_asserted and not major_reason:
        problems["major_reason"] = "认定为重大执法决定须说明理由。"
    _problems(problems, "不能提交审理:")
    with transaction.atomic():
        case = _begin(actor, case, "review", expected_version)
        if not case.evidence.exists():
            raise ValidationFailed(
                "尚未登记任何证据,不能调查终结(第四十条)。", details={"evidence": "无证据"}
            )
        case.facts, case.violated, case.basis = facts, violated, basis
        case.major_asserted = list(dict.fromkeys(major_asserted))
        case.major_reason = major_reason if major_asserted else ""
        _move(actor, case, "review", f"调查终结,证据 {case.evidence.count()} 项")
    return case


# --- 事先告知, 陈述申辩, 听证 -----------------------------------------------------------------------


def _check_penalty(kinds, fine, confiscation, problems: dict, prefix: str) -> None:
    unknown = [k for k in kinds if k not in pp.PENALTY_LABELS]
    if not kinds or unknown:
        problems[f"{prefix}kinds"] = "请选择处罚种类。"
    if "fine" in kinds and not (fine and fine > 0):
        problems[f"{prefix}fine"] = "处罚种类含罚款时请填写罚款金额。"
    if "fine" not in kinds and fine:
        problems[f"{prefix}fine"] = "未选择罚款,不应填写罚款金额。"
    confiscating = {"confiscate_income", "confiscate_property"} & set(kinds)
    if confiscating and not (confiscation and confiscation > 0):
        problems[f"{prefix}confiscation"] = "处罚种类含没收时请填写没收金额(价值)。"


def do_notify(
    *,
    actor,
    case: PenaltyCase,
    kinds: list[str],
    fine: Decimal | None,
    confiscation: Decimal | None,
    text: str,
    notice_served_on: dt.date,
    expected_version: int | None = None,
) -> PenaltyCase:
    """事先告知 (第四十四条): the proposed penalty, facts, reasons and basis, and the rights to
    陈述、申辩 and, when 第六十三条 gives it, a hearing (computed here from the threshold data)."""
    problems = {}
    _check_penalty(kinds, fine, confiscation, problems, "")
    if not text:
        problems["text"] = "请填写拟作出的行政处罚内容。"
    _not_future(notice_served_on, "notice_served_on", "告知书送达日期", problems)
    _problems(problems, "不能事先告知:")
    with transaction.atomic():
        case = _begin(actor, case, "notify", expected_version)
        if notice_served_on < case.filed_on:
            raise ValidationFailed(
                "告知书送达日期不能早于立案日期。", details={"notice_served_on": "早"}
            )
        case.proposed_kinds = list(dict.fromkeys(kinds))
        case.proposed_fine = fine if "fine" in kinds else None
        case.proposed_confiscation = confiscation
        case.proposed_text = text
        case.notice_served_on = notice_served_on
        case.hearing_right = bool(hearing_reasons(case))
        rights = "陈述、申辩" + ("、要求听证" if case.hearing_right else "")
        _move(actor, case, "notify", f"告知拟处罚:{text};告知当事人享有{rights}的权利。")
    return case


def do_record_statement(
    *,
    actor,
    case: PenaltyCase,
    text: str = "",
    stated_on: dt.date,
    waived: bool = False,
    adopted: str = "",
    expected_version: int | None = None,
) -> PenaltyCase:
    """陈述申辩 (第四十五条): the party's statement within the window, and the bureau's 复核
    (the facts, reasons or evidence it raises that hold are adopted); or a written waiver."""
    problems = {}
    if not waived and not text:
        problems["text"] = "请记录当事人的陈述申辩意见,或勾选当事人书面放弃。"
    if text and not waived and not adopted:
        problems["adopted"] = "请填写对陈述申辩意见的复核意见(第四十五条:应当进行复核)。"
    _not_future(stated_on, "stated_on", "陈述申辩日期", problems)
    _problems(problems, "不能记录陈述申辩:")
    with transaction.atomic():
        case = locked(PenaltyCase, case.pk, expected_version=expected_version)
        _require_acts_for(actor, case)
        if case.state != "notified":
            raise InvalidTransition(
                f"案件处于“{pp.STATE_LABELS[case.state]}”阶段,陈述申辩只能在事先告知阶段记录。"
            )
        if case.statement_on or case.statement_waived:
            raise InvalidTransition("本案已记录陈述申辩(或放弃),不能重复记录。")
        end = statement_deadline(case)
        if stated_on < case.notice_served_on:
            raise ValidationFailed(
                "陈述申辩日期不能早于告知书送达日期。", details={"stated_on": "早"}
            )
        if not waived and stated_on > end:
            raise ValidationFailed(
                f"陈述申辩期限已于{end:%Y年%m月%d日}届满(告知书送达后 {conf.statement_days()} 日)。",
                details={"stated_on": "逾期"},
            )
        case.statement_text = text
        case.statement_on = stated_on
        case.statement_waived = waived
        case.statement_adopted = adopted
        case.save()
        _step(actor, case, "statement", "当事人书面放弃陈述申辩和听证" if waived else text)
        record_event(
            "penalties.case.statement",
            f"{case.number}:{'当事人放弃陈述申辩和听证' if waived else '记录陈述申辩'}",
            target=case,
        )
    return case


def do_request_hearing(
    *, actor, case: PenaltyCase, requested_on: dt.date, expected_version: int | None = None
) -> PenaltyCase:
    """当事人要求听证 (第六十三条, 第六十四条第(一)项: 告知后五日内)."""
    problems = {}
    _not_future(requested_on, "requested_on", "听证申请日期", problems)
    _problems(problems, "不能登记听证申请:")
    with transaction.atomic():
        case = _begin(actor, case, "request_hearing", expected_version)
        if not case.hearing_right:
            raise InvalidTransition(
                "拟作出的处罚不在听证范围内(第六十三条),当事人无要求听证的权利。"
            )
        if case.statement_waived:
            raise InvalidTransition("当事人已书面放弃听证。")
        end = hearing_request_deadline(case)
        if requested_on > end or requested_on < case.notice_served_on:
            raise ValidationFailed(
                f"听证申请应在告知后五日内(至{end:%Y年%m月%d日})提出(第六十四条第(一)项)。",
                details={"requested_on": "逾期"},
            )
        case.hearing_requested_on = requested_on
        _move(actor, case, "request_hearing", f"当事人于{requested_on:%Y-%m-%d}要求听证")
    return case


def do_record_hearing(
    *,
    actor,
    case: PenaltyCase,
    hearing_on: dt.date,
    host: str,
    record: str,
    expected_version: int | None = None,
) -> PenaltyCase:
    """举行听证 (第六十四条): notified at least 7 days before, hosted by someone who is not
    one of the case's investigators, 听证笔录 signed."""
    problems = {}
    if not host:
        problems["host"] = "请填写听证主持人。"
    if len(record) < 10:
        problems["record"] = "请填写听证笔录摘要(至少 10 个字)。"
    _not_future(hearing_on, "hearing_on", "听证日期", problems)
    _problems(problems, "不能记录听证:")
    with transaction.atomic():
        case = locked(PenaltyCase, case.pk, expected_version=expected_version)
        _require_acts_for(actor, case)
        if case.state != "hearing" or case.hearing_on:
            raise InvalidTransition("只有已申请、尚未举行的听证可以记录。")
        earliest = case.hearing_requested_on + dt.timedelta(days=pp.HEARING_NOTICE_DAYS)
        if hearing_on < earliest:
            raise ValidationFailed(
                f"应在举行听证的七日前通知当事人(第六十四条第(二)项),听证日期不早于{earliest:%Y年%m月%d日}。",
                details={"hearing_on": "过早"},
            )
        investigators = {o.name for o in case.officers.all()}
        if host in investigators:
            raise ValidationFailed(
                "听证由行政机关指定的非本案调查人员主持(第六十四条第(四)项)。",
                details={"host": "本案调查人员"},
            )
        case.hearing_on, case.hearing_host, case.hearing_record = hearing_on, host, record
        case.save()
        _step(actor, case, "hearing_held", f"听证主持人{host}:{record}")
        record_event("penalties.case.hearing", f"{case.number} 举行听证", target=case)
    return case


# --- 法制审核, 审批, 决定 -------------------------------------------------------------------------


def do_submit_legal_review(
    *, actor, case: PenaltyCase, expected_version: int | None = None
) -> PenaltyCase:
    """提交法制审核 — only for a 重大执法决定 (第五十八条); refused for the others, so that the
    review is a real step and not a box everyone ticks."""
    with transaction.atomic():
        case = _begin(actor, case, "submit_legal_review", expected_version)
        reasons = major_reasons(case)
        if not reasons:
            raise InvalidTransition(
                "本案不属于重大执法决定(第五十八条所列情形均不符合),无需法制审核,"
                "请直接提交负责人审批。"
            )
        _rights_window_closed(case, timezone.localdate())
        labels = "、".join(pp.MAJOR_LABELS[k] for k in reasons)
        _move(actor, case, "submit_legal_review", f"重大执法决定:{labels}")
    return case


def _legal_review(actor, case, action, opinion, expected_version) -> PenaltyCase:
    if len(opinion) < 4:
        raise ValidationFailed("请填写法制审核意见。", details={"opinion": "必填"})
    with transaction.atomic():
        case = locked(PenaltyCase, case.pk, expected_version=expected_version)
        if pp.target_of(case.state, action) is None or case.state != "legal_review":
            raise InvalidTransition(
                pp.refusal(case.state, action), details={"state": case.state, "action": action}
            )
        why_not = may_review(actor, case)
        if why_not:
            raise NotPermitted(why_not)
        passed = action == "submit_approval"
        case.legal_reviewer = actor
        case.legal_review_opinion = opinion
        case.legal_review_passed = passed
        case.legal_reviewed_on = timezone.localdate()
        before = case.state
        case.state = pp.target_of(before, action)
        case.save()
        _step(
            actor,
            case,
            action,
            f"法制审核{'通过' if passed else '未通过'}:{opinion}",
            before=before,
        )
        record_event(
            f"penalties.case.legal_review_{'passed' if passed else 'returned'}",
            f"{case.number} 法制审核{'通过' if passed else '未通过,退回审理'}",
            target=case,
        )
    return case


def do_pass_legal_review(*, actor, case, opinion: str, expected_version=None) -> PenaltyCase:
    """法制审核通过 → 负责人审批/集体讨论. By the review organisation, never a case officer."""
    return _legal_review(actor, case, "submit_approval", opinion, expected_version)


def do_return_legal_review(*, actor, case, opinion: str, expected_version=None) -> PenaltyCase:
    """法制审核未通过 → 退回案件审理 (to correct the facts, evidence or basis)."""
    return _legal_review(actor, case, "return_for_review", opinion, expected_version)


def do_submit_approval(
    *, actor, case: PenaltyCase, expected_version: int | None = None
) -> PenaltyCase:
    """提交负责人审批 directly from 事先告知/听证: only for a decision that is not 重大 (a major
    one goes through 法制审核 first, 第五十八条)."""
    with transaction.atomic():
        case = _begin(actor, case, "submit_approval", expected_version)
        if case.state == "legal_review":
            raise InvalidTransition("法制审核中的案件由法制审核人员审核通过后提交审批。")
        reasons = major_reasons(case)
        if reasons:
            labels = "、".join(pp.MAJOR_LABELS[k] for k in reasons)
            raise InvalidTransition(f"本案属于重大执法决定({labels}),须先经法制审核(第五十八条)。")
        _rights_window_closed(case, timezone.localdate())
        _move(actor, case, "submit_approval", "提交负责人审批")
    return case


def do_record_approval(
    *,
    actor,
    case: PenaltyCase,
    mode: str,
    approver: str,
    approved_on: dt.date,
    meeting_record: str = "",
    expected_version: int | None = None,
) -> PenaltyCase:
    """负责人审批, or 集体讨论 with its record — required for a 重大 case (第五十七条第二款)."""
    problems = {}
    if mode not in ("leader", "collective"):
        problems["mode"] = "请选择负责人审批或集体讨论。"
    if not approver:
        problems["approver"] = "请填写审批负责人(集体讨论的主持人)。"
    if mode == "collective" and len(meeting_record) < 10:
        problems["meeting_record"] = "集体讨论须记录参加人员、讨论意见和结论。"
    _not_future(approved_on, "approved_on", "审批日期", problems)
    _problems(problems, "不能记录审批:")
    with transaction.atomic():
        case = locked(PenaltyCase, case.pk, expected_version=expected_version)
        _require_acts_for(actor, case)
        if case.state != "approval":
            raise InvalidTransition(
                f"案件处于“{pp.STATE_LABELS[case.state]}”阶段,不能记录负责人审批。"
            )
        if pp.needs_collective_discussion(major=is_major(case)) and mode != "collective":
            raise ValidationFailed(
                "重大执法决定(情节复杂或者重大违法行为)须由负责人集体讨论决定(第五十七条第二款)。",
                details={"mode": "须集体讨论"},
            )
        case.approval_mode, case.approver = mode, approver
        case.meeting_record, case.approved_on = meeting_record, approved_on
        case.save()
        _step(
            actor,
            case,
            "approval_recorded",
            ("集体讨论:" + meeting_record) if mode == "collective" else f"负责人{approver}审批同意",
        )
        record_event("penalties.case.approved", f"{case.number} 负责人审批已记录", target=case)
    return case


def _ready_to_decide(case: PenaltyCase, decided_on: dt.date) -> None:
    if not case.approval_mode:
        raise InvalidTransition("尚未记录负责人审批或集体讨论,不能作出决定(第五十七条)。")
    if is_major(case) and not case.legal_review_passed:
        raise InvalidTransition("重大执法决定未经法制审核或审核未通过,不能作出决定(第五十八条)。")
    if decided_on > case.deadline:
        raise InvalidTransition(
            f"已超过决定期限({case.deadline:%Y年%m月%d日},第六十条),请先办理延长期限审批。"
        )
    if decided_on < (case.approved_on or decided_on):
        raise ValidationFailed("决定日期不能早于审批日期。", details={"decided_on": "早"})


def do_decide(
    *,
    actor,
    case: PenaltyCase,
    kinds: list[str],
    fine: Decimal | None,
    confiscation: Decimal | None,
    text: str,
    decision_number: str,
    decided_on: dt.date,
    expected_version: int | None = None,
) -> PenaltyCase:
    """作出行政处罚决定 (第五十九条), within the 90 days (第六十条). Not heavier than what was
    notified (第四十五条第二款: 不得因当事人陈述、申辩而给予更重的处罚; a heavier one needs a
    new 事先告知, i.e. a new case step back through 审理)."""
    problems = {}
    _check_penalty(kinds, fine, confiscation, problems, "")
    if not text:
        problems["text"] = "请填写处罚内容。"
    if not decision_number:
        problems["decision_number"] = "请填写决定书文号。"
    _not_future(decided_on, "decided_on", "决定日期", problems)
    _problems(problems, "不能作出决定:")
    with transaction.atomic():
        case = _begin(actor, case, "decide", expected_version)
        _ready_to_decide(case, decided_on)
        heavier = set(kinds) - set(case.proposed_kinds)
        if heavier or (fine or 0) > (case.proposed_fine or 0):
            raise ValidationFailed(
                "决定的处罚重于事先告知的处罚(第四十五条第二款);如需加重,须重新事先告知。",
                details={"kinds": sorted(heavier)},
            )
        if PenaltyCase.objects.filter(decision_number=decision_number).exclude(pk=case.pk).exists():
            raise ValidationFailed("该决定书文号已被使用。", details={"decision_number": "重复"})
        case.decided_kinds = list(dict.fromkeys(kinds))
        case.decided_fine = fine if "fine" in kinds else None
        case.decided_confiscation = confiscation
        case.decision_text, case.decision_number, case.decided_on = (
            text,
            decision_number,
            decided_on,
        )
        _move(actor, case, "decide", f"{decision_number}:{text}")
    return case


def do_decide_no_penalty(
    *, actor, case: PenaltyCase, reason: str, decided_on: dt.date, expected_version=None
) -> PenaltyCase:
    """不予行政处罚 (第五十七条第一款第(二)(三)(四)项; 第三十三条 轻微并及时改正)."""
    if len(reason) < 4:
        raise ValidationFailed("请写明不予处罚的理由和依据。", details={"reason": "必填"})
    with transaction.atomic():
        case = _begin(actor, case, "decide_no_penalty", expected_version)
        _ready_to_decide(case, decided_on)
        case.no_penalty_reason, case.decided_on = reason, decided_on
        _move(actor, case, "decide_no_penalty", reason)
    return case


# --- 送达, 执行, 结案 -----------------------------------------------------------------------------


def do_serve(
    *,
    actor,
    case: PenaltyCase,
    method: str,
    served_on: dt.date,
    proof=None,
    expected_version: int | None = None,
) -> PenaltyCase:
    """送达 (第六十一条): 当场交付 or within 7 days by the 民事诉讼法 methods (电子送达 with the
    party's consent), with the 送达回证 (or the post receipt, the announcement) uploaded."""
    problems = {}
    if method not in dict(pp.SERVICE_METHODS):
        problems["method"] = "请选择送达方式。"
    if proof is None:
        problems["proof"] = "请上传送达回证(或邮寄回执、公告页面)。"
    _not_future(served_on, "served_on", "送达日期", problems)
    _problems(problems, "不能登记送达:")
    with transaction.atomic():
        case = _begin(actor, case, "serve", expected_version)
        if served_on < case.decided_on:
            raise ValidationFailed("送达日期不能早于决定日期。", details={"served_on": "早"})
        case.service_proof = add_attachment(
            actor=actor, target=case, upload=proof, description="送达回证"
        )
        case.served_on, case.service_method = served_on, method
        late = (served_on - case.decided_on).days > pp.SERVICE_DAYS
        label = dict(pp.SERVICE_METHODS)[method]
        _move(
            actor,
            case,
            "serve",
            f"{label},{served_on:%Y-%m-%d}" + ("(超过第六十一条七日期限)" if late else ""),
        )
    return case


def do_apply_enforcement(
    *,
    actor,
    case: PenaltyCase,
    applied_on: dt.date,
    court: str,
    expected_version: int | None = None,
) -> PenaltyCase:
    """申请人民法院强制执行 (第七十二条第一款第(四)项) once the 15-day payment time has passed
    unpaid (第六十七条)."""
    problems = {}
    if not court:
        problems["court"] = "请填写受理的人民法院。"
    _not_future(applied_on, "applied_on", "申请日期", problems)
    _problems(problems, "不能申请强制执行:")
    with transaction.atomic():
        case = _begin(actor, case, "apply_enforcement", expected_version)
        due = payment_deadline(case)
        if due is None:
            raise InvalidTransition("本案决定不含罚款,无需申请强制执行缴纳罚款。")
        if applied_on <= due:
            raise InvalidTransition(
                f"缴纳罚款期限至{due:%Y年%m月%d日}(第六十七条:十五日内),期满未缴方可申请强制执行。"
            )
        case.enforcement_applied_on, case.enforcement_court = applied_on, court
        _move(actor, case, "apply_enforcement", f"向{court}申请强制执行")
    return case


def do_record_execution(
    *,
    actor,
    case: PenaltyCase,
    executed_on: dt.date,
    paid_amount: Decimal | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> PenaltyCase:
    """执行完毕: the fine paid (at least the fine; the 加处罚款 of 第七十二条 is computed and
    shown) or the other penalties performed (a note)."""
    problems = {}
    _not_future(executed_on, "executed_on", "执行日期", problems)
    _problems(problems, "不能登记执行:")
    with transaction.atomic():
        case = _begin(actor, case, "execute", expected_version)
        if executed_on < case.served_on:
            raise ValidationFailed("执行日期不能早于送达日期。", details={"executed_on": "早"})
        fine = case.decided_fine or Decimal("0")
        extra = Decimal("0")
        if fine:
            extra = pp.surcharge(fine, payment_deadline(case), executed_on)
            if paid_amount is None or paid_amount < fine:
                raise ValidationFailed(
                    f"缴纳金额不足:罚款 {fine:,.2f} 元"
                    + (f",另应加处罚款 {extra:,.2f} 元(第七十二条)" if extra else "")
                    + "。",
                    details={"paid_amount": "不足"},
                )
        elif not note:
            raise ValidationFailed("请填写履行情况。", details={"note": "必填"})
        case.execution_kind = (
            "enforced" if case.state == "enforcing" else ("paid" if fine else "performed")
        )
        case.executed_on, case.paid_amount, case.execution_note = executed_on, paid_amount, note
        text = f"缴纳 {paid_amount:,.2f} 元" if fine else note
        if extra:
            text += f"(逾期,应加处罚款 {extra:,.2f} 元)"
        _move(actor, case, "execute", text)
    return case


def do_close_case(
    *, actor, case: PenaltyCase, closed_on: dt.date, expected_version: int | None = None
) -> PenaltyCase:
    """结案: after execution, or a 不予处罚 decision."""
    problems = {}
    _not_future(closed_on, "closed_on", "结案日期", problems)
    _problems(problems, "不能结案:")
    with transaction.atomic():
        case = _begin(actor, case, "close", expected_version)
        case.closed_on = closed_on
        _move(actor, case, "close", "结案归档")
    return case


def do_withdraw_case(
    *, actor, case: PenaltyCase, reason: str, approver: str, expected_version=None
) -> PenaltyCase:
    """撤案 before 事先告知, with the reason and the approving 负责人."""
    if len(reason) < 4 or not approver:
        raise ValidationFailed(
            "撤案须写明理由并经负责人批准。", details={"reason": "必填", "approver": "必填"}
        )
    with transaction.atomic():
        case = _begin(actor, case, "withdraw", expected_version)
        case.withdraw_reason = reason
        _move(actor, case, "withdraw", f"经{approver}批准撤案:{reason}")
    return case


# --- 公示, 评查 -----------------------------------------------------------------------------------


def do_publish_case(*, actor, case: PenaltyCase, expected_version=None) -> PenaltyCase:
    """行政执法公示(事后): publish a decided case on the public page (个人 redacted), due within
    the configured working days of the decision (国办发〔2018〕118号)."""
    with transaction.atomic():
        case = locked(PenaltyCase, case.pk, expected_version=expected_version)
        _require_acts_for(actor, case)
        if not case.is_decided:
            raise InvalidTransition("只有已作出处罚决定的案件可以公示。")
        if case.published_at:
            raise InvalidTransition(
                f"本案已于{timezone.localtime(case.published_at):%Y-%m-%d}公示。"
            )
        case.published_at = timezone.now()
        case.save()
        due = publication_deadline(case)
        late = due and timezone.localdate() > due
        _step(actor, case, "publish", "公示行政处罚决定" + ("(超过公示期限)" if late else ""))
        record_event("penalties.case.published", f"{case.number} 行政处罚决定已公示", target=case)
    return case


def do_review_case_file(
    *, actor, case: PenaltyCase, scores: dict[str, int], remarks: str = ""
) -> CaseFileReview:
    """案卷评查 of a closed case, on the configured sheet, by a reviewer (not a case officer)."""
    sheet = conf.case_file_sheet()
    total, problems = pp.score_sheet(scores, sheet)
    if problems:
        raise ValidationFailed("评查表有误:" + ";".join(problems), details={"scores": problems})
    with transaction.atomic():
        case = locked(PenaltyCase, case.pk)
        if case.state != "closed":
            raise InvalidTransition("只有已结案的案卷可以评查。")
        why_not = may_review(actor, case)
        if why_not:
            raise NotPermitted(why_not.replace("法制审核", "案卷评查"))
        review = CaseFileReview.objects.create(
            case=case,
            reviewer=actor,
            reviewed_on=timezone.localdate(),
            scores=scores,
            total=total,
            full_marks=pp.sheet_total(sheet),
            remarks=remarks,
        )
        record_event(
            "penalties.case.file_reviewed",
            f"{case.number} 案卷评查 {total}/{review.full_marks} 分",
            target=case,
        )
    return review
