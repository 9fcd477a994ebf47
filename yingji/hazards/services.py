"""Every state change of a hazard, one service each (DESIGN §4). The closed loop:

    登记(registered) ─grade→ 已定级(graded) ─start→ 整改中(rectifying) ─submit→ 待验收
    (awaiting_verification) ─verify(pass)→ 已销号(closed)
                                           ─verify(fail)→ 整改中 (退回整改)
    一般隐患: registered/graded ─rectify_on_the_spot (with evidence)→ 待验收
    any open state ─void (with reason)→ 已作废;  重大 and open: 挂牌督办 (flag, not a state)

Separation of duties: whoever verifies and closes is not who rectified; closing needs evidence
and an opinion; 重大 needs the five-element remediation plan (+ safety measures and emergency
plan) before 整改中. Deadlines count working days (Chinese calendar).

《安全生产事故隐患排查治理暂行规定》(原国家安监总局令第16号, 2007; the platform follows it: no
successor regulation in force could be confirmed) — the articles each rule below cites:

- Art. 4, 8, 10 (the unit is responsible for finding and removing its own hazards) and Art. 15
  (一般隐患: the unit's 负责人或者有关人员 rectifies at once): an enterprise user grades, rectifies
  and closes its own 一般 hazards, its verifier not the rectifier; regulators see them, 抽查
  (sample) them and may reopen one with a reason.
- Art. 14: a 重大 hazard is reported with 现状及原因、危害程度和整改难度分析、治理方案; Art. 15: the
  plan's six elements, organised by the 主要负责人 (``do_report_major_hazard``); only then 整改中.
- Art. 16: 停产停业 / 部分停产 (``do_set_production_status``; back to normal only by the
  regulator's approval of the application to resume).
- Art. 18: after remediation, an assessment (own technicians and experts, or a qualified
  安全评价机构), then the written application to resume (恢复生产申请 = 提交验收 of a 重大 hazard),
  approved by the regulator; an enterprise never closes its own 重大 hazard.
- Art. 23 (MEDIUM): the regulator reviews on site within 10 days (``HazardSettings``).
- 挂牌督办: only the supervising authority verifies or voids the hazard.
- Closing evidence is rectification evidence: uploaded after the current round of rectification
  started (``rectification_started_at``), never the photo from when it was found."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from yingji.calendars.selectors import work_calendar
from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import can, scope_of
from yingji.core.services import add_attachment, locked
from yingji.standards import hazard_returns as return_rules
from yingji.standards import hazards as rules
from yingji.standards import major_hazard_criteria as criteria_rules

from .choices import (
    CATEGORIES,
    MAX_DEADLINE_WORKDAYS,
    MAX_PEOPLE_EXPOSED,
    OPEN_STATES,
    PRODUCTION_LABELS,
    SOURCES,
    STATE_LABELS,
)
from .conf import allow_low_criteria
from .models import Hazard, HazardNumber, HazardReturn, HazardSettings

# action → (allowed from-states, to-state, who: "handler" = enterprise or regulator in scope
# (change), "regulator" = approve, "own_or_regulator" = the hazard's own enterprise (16号令
# Art. 4, 8, 10, 15: its 一般 hazards; the services add the limits) or a regulator)
TRANSITIONS = {
    "grade": (("registered", "graded"), "graded", "own_or_regulator"),
    "rectify_on_the_spot": (("registered", "graded"), "awaiting_verification", "handler"),
    "start": (("graded",), "rectifying", "handler"),
    "submit": (("rectifying",), "awaiting_verification", "handler"),
    "verify_pass": (("awaiting_verification",), "closed", "own_or_regulator"),
    "verify_fail": (("awaiting_verification",), "rectifying", "own_or_regulator"),
    "reopen": (("closed",), "rectifying", "regulator"),
    "void": (OPEN_STATES, "void", "regulator"),
}
ACTION_LABELS = {
    "grade": "定级",
    "rectify_on_the_spot": "立即整改",
    "start": "开始整改",
    "submit": "提交整改",
    "verify_pass": "验收销号",
    "verify_fail": "退回整改",
    "void": "作废",
    "register": "登记",
    "supervise": "挂牌督办",
    "escalate": "逾期上报",
    "remind": "临期提醒",
    "deadline_recomputed": "整改期限重新计算",
    "reopen": "重新打开",
    "sample": "抽查",
    "report": "报送重大隐患报告",
    "production": "变更生产状态",
    "assess": "治理情况评估",
}


def settings_row() -> HazardSettings:
    row = HazardSettings.objects.order_by("pk").first()
    return row or HazardSettings(weights={})


def weights() -> rules.PriorityWeights:
    data = settings_row().weights or {}
    known = {k: v for k, v in data.items() if k in rules.PriorityWeights.__dataclass_fields__}
    return rules.PriorityWeights(**known)


def is_own(actor, hazard: Hazard) -> bool:
    """The actor is a user of the hazard's enterprise (16号令: the unit manages its hazards)."""
    return bool(
        hazard.enterprise_id
        and hazard.enterprise.organisation_id in scope_of(actor).enterprise_org_ids
        and can(actor, hazard, "change")
    )


def _allowed(actor, hazard: Hazard, who: str) -> bool:
    if who == "regulator":
        return can(actor, hazard, "approve")
    if who == "own_or_regulator":
        return can(actor, hazard, "approve") or is_own(actor, hazard)
    return can(actor, hazard, "change")


def _check(actor, hazard: Hazard, action: str) -> str:
    """Permission and state check for a transition; returns the new state."""
    allowed, to_state, who = TRANSITIONS[action]
    if not _allowed(actor, hazard, who):
        if who in ("regulator", "own_or_regulator"):
            raise NotPermitted(
                f"“{ACTION_LABELS[action]}”须由负责监管该{'企业' if hazard.enterprise_id else '区域'}的监管人员办理。"
            )
        raise NotPermitted("您无权处理该隐患。")
    if hazard.state not in allowed:
        raise InvalidTransition(
            f"隐患当前状态为“{STATE_LABELS[hazard.state]}”,不能“{ACTION_LABELS[action]}”。",
            details={"state": hazard.state, "action": action},
        )
    return to_state


def _event(hazard: Hazard, action: str, message: str = "", **data) -> None:
    text = f"{hazard.code} {ACTION_LABELS.get(action, action)}" + (f":{message}" if message else "")
    record_event(f"hazards.{action}", text, target=hazard, state=hazard.state, **data)


def _deadline(start: date, workdays: int) -> date:
    """N working days from ``start`` with the calendar in force (entered schedules over the
    built-in data; a year without data counts Monday–Friday and is shown as 暂定)."""
    return work_calendar().add_workdays(start, workdays)


def _attach(actor, hazard: Hazard, files, description: str) -> int:
    count = 0
    for upload in files or []:
        add_attachment(actor=actor, target=hazard, upload=upload, description=description)
        count += 1
    return count


def rectification_evidence_count(hazard: Hazard) -> int:
    """Live attachments uploaded since the current round of rectification started (a hazard
    from before that field existed: since it was registered, leaving out the photos taken when
    it was found). The upload time is what is checked: a photo's own EXIF date can be edited."""
    from yingji.core.models import Attachment

    files = Attachment.objects.for_object(hazard)
    if hazard.rectification_started_at is None:
        return (
            files.filter(created_at__gte=hazard.created_at)
            .exclude(description="发现时照片")
            .count()
        )
    return files.filter(created_at__gte=hazard.rectification_started_at).count()


# --- register -------------------------------------------------------------------------------------


def _next_code(year: int) -> str:
    """YH + year + a 6-digit number, sequential per year (row lock on the year's counter)."""
    try:
        with transaction.atomic():  # the year's first hazard: two may race to make the row
            HazardNumber.objects.get_or_create(year=year)
    except IntegrityError:
        pass
    counter = HazardNumber.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"YH{year}{counter.last:06d}"


def _is_hazchem(enterprise) -> bool:
    from yingji.enterprises.choices import HAZCHEM_SECTORS

    return enterprise is not None and enterprise.sector in HAZCHEM_SECTORS


def find_repeat(enterprise, category: str, on: date) -> Hazard | None:
    """A closed hazard of the same enterprise and category closed within the repeat period."""
    if enterprise is None:
        return None
    months = settings_row().repeat_months
    since = on - timedelta(days=round(months * 30.44))
    return (
        Hazard.objects.filter(
            enterprise=enterprise,
            category=category,
            state="closed",
            closed_at__date__gte=since,
        )
        .order_by("-closed_at")
        .first()
    )


def _registration_errors(
    *, enterprise, source, category, description, found_on, criteria, people_exposed
) -> dict[str, str]:
    """What is wrong with a registration, by field (empty when nothing)."""
    errors = {}
    if len(description) < 5:
        errors["description"] = "请描述隐患(至少 5 个字)。"
    if source not in dict(SOURCES):
        errors["source"] = f"发现途径应为:{'、'.join(str(v) for _, v in SOURCES)}。"
    if category not in dict(CATEGORIES):
        errors["category"] = f"隐患类别应为:{'、'.join(str(v) for _, v in CATEGORIES)}。"
    if found_on is None or found_on > timezone.localdate():
        errors["found_on"] = "发现日期不能为空,也不能晚于今天。"
    if criteria and not _is_hazchem(enterprise):
        errors["criteria"] = "《化工和危险化学品重大事故隐患判定标准》只适用于危险化学品企业。"
    if not 0 <= people_exposed <= MAX_PEOPLE_EXPOSED:
        errors["people_exposed"] = f"可能影响人数应为 0 到 {MAX_PEOPLE_EXPOSED} 的整数。"
    return errors


def _public_place(place: str, region, lon, lat, errors: dict) -> tuple[str, object]:
    """A hazard without an enterprise: the place's name, and its region (given, or located
    from the coordinates)."""
    place = (place or "").strip()
    if not place:
        errors["place"] = "无企业的隐患须填写公共场所或区域名称。"
    if region is None and lon is not None and lat is not None:
        from yingji.geo.spatial import locate

        region = locate(lon, lat)
    if region is None:
        errors["region"] = "请填写所在区域,或给出位于兰州市范围内的坐标。"
    return place, region


def _enterprise_place(enterprise, place: str, region, errors: dict) -> None:
    """A hazard at an enterprise lies where the enterprise is: a public place or another
    county given with it is refused, never silently dropped."""
    if (place or "").strip():
        errors["place"] = (
            "已选择企业的隐患按企业所在地登记,不能同时填写公共场所;公共场所或区域的隐患请不选企业。"
        )
    if region is not None and not (enterprise.region.path or "").startswith(region.path):
        errors["region"] = (
            f"所选企业位于{enterprise.region.name},不在{region.name};"
            "公共场所或区域的隐患请不选企业。"
        )


def _level(
    level: str, criteria: list[int], criterion_code: str = "", *, sector="", category=""
) -> tuple[str, str]:
    """The level and its reason: a cited item of the industry's 重大事故隐患判定标准 (or a ticked
    2017 chemical criterion) makes it 重大, whatever was declared."""
    try:
        if criterion_code:
            return criteria_rules.level_for_criterion(
                criterion_code,
                sector=sector,
                category=category,
                allow_low=allow_low_criteria(),
            )
        return rules.level_for(level, criteria)
    except (ValueError, KeyError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        raise ValidationFailed(
            message,
            details={"level": level, "criteria": criteria, "criterion_code": criterion_code},
        ) from exc


def do_register_hazard(
    *,
    actor,
    source: str,
    category: str,
    description: str,
    found_on: date,
    enterprise=None,
    place: str = "",
    region=None,
    lon: float | None = None,
    lat: float | None = None,
    location: str = "",
    finder: str = "",
    level: str = "general",
    criteria=(),
    people_exposed: int = 0,
    sector: str = "",
    criterion_code: str = "",
    photos=(),
    is_demo: bool = False,
) -> Hazard:
    """登记: an enterprise reports its own hazard, a regulator records one found on inspection,
    or anyone in scope records one at a public place. Ticking a 2017 criterion makes it 重大."""
    description = (description or "").strip()
    criteria = sorted(set(criteria or ()))
    people_exposed = people_exposed or 0
    errors = _registration_errors(
        enterprise=enterprise,
        source=source,
        category=category,
        description=description,
        found_on=found_on,
        criteria=criteria,
        people_exposed=people_exposed,
    )
    if enterprise is None:
        place, region = _public_place(place, region, lon, lat, errors)
    else:
        _enterprise_place(enterprise, place, region, errors)
        place, region, sector = "", enterprise.region, sector or enterprise.sector
    if errors:
        raise ValidationFailed("隐患登记有误:" + ";".join(errors.values()), details=errors)
    criterion_code = (criterion_code or "").strip()
    level, reason = _level(level, criteria, criterion_code, sector=sector, category=category)
    with transaction.atomic():
        hazard = Hazard(
            code=_next_code(found_on.year),
            criterion_code=criterion_code,
            enterprise=enterprise,
            place=place,
            region=region,
            lon=lon,
            lat=lat,
            source=source,
            sector=sector,
            category=category,
            description=description,
            location=(location or "").strip(),
            found_on=found_on,
            finder=(finder or "").strip() or (actor.get_full_name() or actor.username),
            reported_by=actor,
            people_exposed=people_exposed,
            level=level,
            level_reason=reason,
            criteria=criteria,
            repeat_of=find_repeat(enterprise, category, found_on),
            is_demo=is_demo,
        )
        if level == "major":
            hazard.reported_to_regulator_at = timezone.now()
        hazard.save()
        if not can(actor, hazard, "add"):
            raise NotPermitted("您无权为该企业或区域登记隐患。")
        _attach(actor, hazard, photos, "发现时照片")
        _event(
            hazard,
            "register",
            f"{hazard.subject}:{description[:40]}({hazard.get_level_display()})",
            repeat_of=hazard.repeat_of.code if hazard.repeat_of_id else None,
        )
    return hazard


# --- the loop ---------------------------------------------------------------------------------------


def do_grade_hazard(
    *,
    actor,
    hazard: Hazard,
    level: str,
    criteria=(),
    deadline_workdays: int | None = None,
    criterion_code: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> Hazard:
    """定级: 一般 or 重大 (a cited 判定标准 item forces 重大), and the rectification deadline in
    working days from today. The hazard's own enterprise grades a hazard still 登记 (16号令
    Art. 4, 10) but never lowers a 重大 one; regulators grade and re-grade."""
    today = today or timezone.localdate()
    criteria = sorted(set(criteria or ()))
    criterion_code = (criterion_code or "").strip()
    if criteria and not _is_hazchem(hazard.enterprise):
        raise ValidationFailed("《化工和危险化学品重大事故隐患判定标准》只适用于危险化学品企业。")
    level, reason = _level(
        level, criteria, criterion_code, sector=hazard.sector, category=hazard.category
    )
    if deadline_workdays is None:
        config = settings_row()
        deadline_workdays = config.major_workdays if level == "major" else config.general_workdays
    if not 1 <= deadline_workdays <= MAX_DEADLINE_WORKDAYS:
        raise ValidationFailed(
            f"整改期限应为 1 到 {MAX_DEADLINE_WORKDAYS} 个工作日。",
            details={"deadline_workdays": deadline_workdays},
        )
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        to_state = _check(actor, hazard, "grade")
        if not can(actor, hazard, "approve"):  # the enterprise itself
            if hazard.state != "registered":
                raise NotPermitted("已定级的隐患只能由监管部门重新定级。")
            if hazard.level == "major" and level != "major":
                raise NotPermitted("企业不能把重大隐患降为一般隐患,如有异议请向监管部门说明。")
        hazard.state = to_state
        hazard.level, hazard.level_reason, hazard.criteria = level, reason, criteria
        hazard.criterion_code = criterion_code
        hazard.deadline_workdays = deadline_workdays
        hazard.deadline = _deadline(today, deadline_workdays)
        if level == "major" and hazard.reported_to_regulator_at is None:
            hazard.reported_to_regulator_at = timezone.now()
        hazard.save()
        _event(
            hazard,
            "grade",
            f"{hazard.get_level_display()},{deadline_workdays} 个工作日内(至 {hazard.deadline})整改;{reason}",
            start=today.isoformat(),
        )
    return hazard


def do_rectify_on_the_spot(
    *, actor, hazard: Hazard, rectification: str, evidence=(), expected_version=None
) -> Hazard:
    """立即整改 (一般 only): fixed when found, with evidence; then it waits for verification."""
    rectification = (rectification or "").strip()
    if len(rectification) < 5:
        raise ValidationFailed("请说明整改情况(至少 5 个字)。", details={"rectification": ""})
    if not evidence:
        raise ValidationFailed("立即整改须上传整改后的照片或材料。", details={"evidence": ""})
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        to_state = _check(actor, hazard, "rectify_on_the_spot")
        if hazard.level != "general":
            raise InvalidTransition("重大隐患不能立即整改,须制定治理方案。")
        hazard.rectification_started_at = timezone.now()
        _attach(actor, hazard, evidence, "立即整改佐证")
        hazard.state = to_state
        hazard.on_the_spot = True
        hazard.rectification = rectification
        hazard.rectified_by, hazard.rectified_at = actor, timezone.now()
        if hazard.deadline is None:
            hazard.deadline = timezone.localdate()
        hazard.save()
        _event(hazard, "rectify_on_the_spot", rectification[:60])
    return hazard


def do_start_rectification(
    *,
    actor,
    hazard: Hazard,
    plan: dict | None = None,
    expected_version: int | None = None,
) -> Hazard:
    """整改中. A 重大 hazard first needs its report with the plan approved by the 主要负责人
    (16号令 Art. 14, 15: ``do_report_major_hazard``); its plan is the reported one. From now on
    closing evidence must be newer than this moment."""
    plan = {k: str(v).strip() for k, v in (plan or {}).items() if v is not None}
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        to_state = _check(actor, hazard, "start")
        if hazard.level == "major":
            if hazard.report_submitted_at is None:
                raise InvalidTransition(
                    "重大隐患须先报送重大隐患报告(现状及原因、危害程度和整改难度分析、"
                    "经主要负责人批准的治理方案),才能开始治理(16号令第十四条、第十五条)。",
                    details={"missing": "report"},
                )
        elif plan:
            hazard.plan = plan
        hazard.state = to_state
        hazard.rectification_started_at = timezone.now()
        hazard.save()
        _event(hazard, "start", "按治理方案整改" if hazard.plan else "")
    return hazard


def do_submit_rectification(
    *,
    actor,
    hazard: Hazard,
    rectification: str,
    evidence=(),
    expected_version=None,
    today: date | None = None,
) -> Hazard:
    """整改完成,提交验收: with evidence (photos/documents). For a 重大 hazard this is the written
    application to resume production / to close it (恢复生产申请, 16号令 Art. 18): refused before
    the assessment of the remediation; the regulator's on-site review falls due
    ``HazardSettings.resume_review_days`` days later (Art. 23, 10日)."""
    rectification = (rectification or "").strip()
    if len(rectification) < 5:
        raise ValidationFailed("请说明整改情况(至少 5 个字)。", details={"rectification": ""})
    if not evidence:
        raise ValidationFailed("提交验收须上传整改后的照片或材料。", details={"evidence": ""})
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        to_state = _check(actor, hazard, "submit")
        if hazard.level == "major" and hazard.assessed_on is None:
            raise InvalidTransition(
                "重大隐患治理结束后须先对治理情况进行评估(本单位技术人员和专家或安全评价机构),"
                "才能提出恢复生产申请(16号令第十八条)。",
                details={"missing": "assessment"},
            )
        hazard.state = to_state
        _attach(actor, hazard, evidence, "整改佐证")
        hazard.rectification = rectification
        hazard.rectified_by, hazard.rectified_at = actor, timezone.now()
        message = rectification[:60]
        if hazard.level == "major":
            hazard.resume_applied_at = hazard.rectified_at
            hazard.resume_review_due = (today or timezone.localdate()) + timedelta(
                days=settings_row().resume_review_days
            )
            message = f"提出恢复生产申请,监管部门应于 {hazard.resume_review_due} 前现场审查"
        hazard.save()
        _event(hazard, "submit", message)
    return hazard


def do_verify_hazard(
    *,
    actor,
    hazard: Hazard,
    passed: bool,
    opinion: str,
    expected_version: int | None = None,
) -> Hazard:
    """验收: passed → 已销号; failed → 退回整改 (a new round: new evidence needed). The verifier
    is not the rectifier; closing needs the verifier's opinion and rectification evidence
    uploaded after the rectification started. The enterprise verifies its own 一般 hazards
    (16号令 Art. 15) but never a 重大 one: that is the regulator's review of the application to
    resume (Art. 18, 23), which also ends 停产."""
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationFailed("请填写验收意见。", details={"opinion": ""})
    action = "verify_pass" if passed else "verify_fail"
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        to_state = _check(actor, hazard, action)
        regulator = can(actor, hazard, "approve")
        if not regulator and hazard.level == "major":
            raise NotPermitted(
                "重大隐患须由监管部门对恢复生产申请进行审查后核销,企业不能自行销号(16号令第十八条)。"
            )
        if hazard.rectified_by_id == actor.pk:
            raise NotPermitted("整改人不能验收自己整改的隐患,请由本单位其他负责人或监管人员验收。")
        _check_supervisor(actor, hazard, action)
        if passed and rectification_evidence_count(hazard) == 0:
            raise ValidationFailed(
                "没有整改开始后上传的整改佐证材料,不能销号:发现隐患时的照片不能作为整改佐证,"
                "请上传整改后的照片或材料。",
                details={"evidence": "none after the rectification started"},
            )
        hazard.state = to_state
        hazard.verification_opinion = opinion
        hazard.verified_by = actor
        message = opinion[:80]
        if passed:
            hazard.closed_at = timezone.now()
            hazard.self_closed = not regulator
            if hazard.production_status != "normal":
                message = f"审查同意恢复生产:{message}"
                hazard.production_status = "normal"
        else:
            hazard.returns += 1
            hazard.rectification_started_at = timezone.now()
        hazard.save()
        _event(hazard, action, message, self_closed=hazard.self_closed)
    return hazard


def acts_for(user, organisation) -> bool:
    """The user works in this organisation or one of its units (its staff, to whom it
    delegates), or administers the platform."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if scope.read_only or organisation is None or not organisation.path:
        return False
    return any(path.startswith(organisation.path) for path in scope.org_paths)


def may_supervise_as(user, organisation) -> bool:
    """A regulator 挂牌督办 in the name of their own bureau only (a section in the city
    bureau's name, a county bureau in its own): never in another's, never a county in the
    city's name."""
    return (
        organisation is not None
        and organisation.kind
        in (
            "bureau",
            "county_bureau",
        )
        and acts_for(user, organisation)
    )


def may_verify(user, hazard: Hazard) -> bool:
    """Who may verify (close or return) the hazard: a regulator in scope, or a user of its own
    enterprise for a 一般 one, who did not rectify it; for a 挂牌督办 hazard only the
    supervising authority's staff."""
    if not can(user, hazard, "approve") and not (
        hazard.level == "general" and is_own(user, hazard)
    ):
        return False
    if hazard.rectified_by_id is not None and hazard.rectified_by_id == user.pk:
        return False
    return _supervisor_allows(user, hazard)


def may_void(user, hazard: Hazard) -> bool:
    return can(user, hazard, "approve") and _supervisor_allows(user, hazard)


def _supervisor_allows(user, hazard: Hazard) -> bool:
    return not (hazard.supervised and hazard.supervisor_id) or acts_for(user, hazard.supervisor)


def _check_supervisor(actor, hazard: Hazard, action: str) -> None:
    if not _supervisor_allows(actor, hazard):
        raise NotPermitted(
            f"该隐患由{hazard.supervisor}挂牌督办,“{ACTION_LABELS[action]}”须由{hazard.supervisor}办理。",
            details={"supervisor": hazard.supervisor.code},
        )


def do_supervise_hazard(
    *, actor, hazard: Hazard, supervisor, until: date, expected_version=None
) -> Hazard:
    """挂牌督办 a 重大 hazard: which organisation supervises, until when."""
    if supervisor is None or until is None:
        raise ValidationFailed("请填写督办单位和督办期限。")
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        if not can(actor, hazard, "approve"):
            raise NotPermitted("挂牌督办须由监管人员办理。")
        if not may_supervise_as(actor, supervisor):
            raise NotPermitted(
                f"只能以本单位名义挂牌督办,不能以“{supervisor}”的名义。",
                details={"supervisor": supervisor.code},
            )
        if hazard.supervised and hazard.supervisor_id and not acts_for(actor, hazard.supervisor):
            raise NotPermitted(f"该隐患已由{hazard.supervisor}挂牌督办,只有该单位可以变更。")
        if hazard.level != "major":
            raise InvalidTransition("只有重大隐患可以挂牌督办。")
        if hazard.state not in OPEN_STATES:
            raise InvalidTransition(f"隐患已{STATE_LABELS[hazard.state]},不能挂牌督办。")
        hazard.supervised, hazard.supervisor, hazard.supervise_until = True, supervisor, until
        hazard.save()
        _event(hazard, "supervise", f"{supervisor} 挂牌督办至 {until}")
    return hazard


def do_void_hazard(*, actor, hazard: Hazard, reason: str, expected_version=None) -> Hazard:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("作废须写明原因。", details={"reason": ""})
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        hazard.state = _check(actor, hazard, "void")
        _check_supervisor(actor, hazard, "void")
        hazard.void_reason = reason
        hazard.save()
        _event(hazard, "void", reason)
    return hazard


# --- 16号令: 重大 hazards, self-management, sampling -------------------------------------------------


def may_grade(user, hazard: Hazard) -> bool:
    if hazard.state not in TRANSITIONS["grade"][0]:
        return False
    if can(user, hazard, "approve"):
        return True
    return hazard.state == "registered" and is_own(user, hazard)


def may_report(user, hazard: Hazard) -> bool:
    return (
        hazard.level == "major"
        and hazard.state in ("registered", "graded")
        and can(user, hazard, "change")
    )


def may_assess(user, hazard: Hazard) -> bool:
    return hazard.level == "major" and hazard.state == "rectifying" and can(user, hazard, "change")


def may_set_production(user, hazard: Hazard) -> bool:
    return hazard.level == "major" and hazard.state in OPEN_STATES and can(user, hazard, "change")


def may_reopen(user, hazard: Hazard) -> bool:
    return (
        hazard.state == "closed"
        and can(user, hazard, "approve")
        and _supervisor_allows(user, hazard)
    )


def do_report_major_hazard(
    *,
    actor,
    hazard: Hazard,
    situation: str,
    harm: str,
    plan: dict,
    approver: str,
    approved_on: date | None,
    expected_version: int | None = None,
) -> Hazard:
    """报送重大隐患报告 (16号令 Art. 14): 隐患的现状及其产生原因, 危害程度和整改难度分析, and the
    治理方案 with its six elements (Art. 15), approved by the enterprise's 主要负责人 (name and
    date). Every part required; the report then goes to the regulator (time recorded)."""
    report = {"situation": (situation or "").strip(), "harm": (harm or "").strip()}
    plan = {k: str(v).strip() for k, v in (plan or {}).items() if v is not None and str(v).strip()}
    approver = (approver or "").strip()
    missing = rules.missing_report_elements(report, plan, approver)
    if approved_on is None and "主要负责人批准" not in missing:
        missing.append("批准日期")
    if missing:
        raise ValidationFailed(
            "重大隐患报告不完整,缺少:" + "、".join(missing) + "(16号令第十四条、第十五条)。",
            details={"missing": missing},
        )
    if approved_on > timezone.localdate():
        raise ValidationFailed("批准日期不能晚于今天。", details={"approved_on": str(approved_on)})
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        if not can(actor, hazard, "change"):
            raise NotPermitted("您无权为该隐患报送重大隐患报告。")
        if hazard.level != "major":
            raise InvalidTransition("只有重大隐患需要报送重大隐患报告。")
        if hazard.state not in ("registered", "graded"):
            raise InvalidTransition(
                f"隐患当前状态为“{STATE_LABELS[hazard.state]}”,不能再报送或修改重大隐患报告。"
            )
        again = hazard.report_submitted_at is not None
        hazard.report, hazard.plan = report, plan
        hazard.plan_approver, hazard.plan_approved_on = approver, approved_on
        hazard.report_submitted_at = timezone.now()
        if hazard.reported_to_regulator_at is None:
            hazard.reported_to_regulator_at = hazard.report_submitted_at
        hazard.save()
        _event(
            hazard,
            "report",
            f"{'重新报送,' if again else ''}治理方案经主要负责人{approver}批准",
        )
    return hazard


def do_set_production_status(
    *, actor, hazard: Hazard, status: str, reason: str, expected_version: int | None = None
) -> Hazard:
    """停产停业 / 部分停产 while a 重大 hazard is removed (16号令 Art. 16). Production resumes
    only when the regulator approves the application to resume (``do_verify_hazard``)."""
    reason = (reason or "").strip()
    if status not in PRODUCTION_LABELS:
        raise ValidationFailed(
            "生产状态应为:" + "、".join(PRODUCTION_LABELS.values()) + "。",
            details={"status": status},
        )
    if status == "normal":
        raise InvalidTransition(
            "恢复生产须先评估治理情况、提出恢复生产申请,经监管部门审查同意(16号令第十八条)。"
        )
    if not reason:
        raise ValidationFailed("请说明停产范围和原因。", details={"reason": ""})
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        if not can(actor, hazard, "change"):
            raise NotPermitted("您无权变更该企业的生产状态。")
        if hazard.level != "major" or hazard.state not in OPEN_STATES:
            raise InvalidTransition("只有未销号的重大隐患可以登记停产停业。")
        if hazard.production_status == status:
            raise InvalidTransition(f"已是“{PRODUCTION_LABELS[status]}”。")
        hazard.production_status = status
        hazard.save()
        _event(hazard, "production", f"{PRODUCTION_LABELS[status]}:{reason}", status=status)
    return hazard


def do_record_assessment(
    *,
    actor,
    hazard: Hazard,
    assessor_kind: str,
    assessor: str,
    conclusion: str,
    assessed_on: date,
    files=(),
    expected_version: int | None = None,
) -> Hazard:
    """治理情况评估 (16号令 Art. 18): by the unit's own technicians and experts, or a qualified
    安全评价机构, after the remediation; required before the application to resume."""
    assessor, conclusion = (assessor or "").strip(), (conclusion or "").strip()
    errors = {}
    if assessor_kind not in rules.ASSESSORS:
        errors["assessor_kind"] = "评估主体应为:" + "、".join(rules.ASSESSORS.values()) + "。"
    if not assessor:
        errors["assessor"] = "请填写评估单位或人员。"
    if len(conclusion) < 5:
        errors["conclusion"] = "请填写评估结论(至少 5 个字)。"
    if assessed_on is None or assessed_on > timezone.localdate():
        errors["assessed_on"] = "评估日期不能为空,也不能晚于今天。"
    if errors:
        raise ValidationFailed("治理情况评估有误:" + ";".join(errors.values()), details=errors)
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        if not can(actor, hazard, "change"):
            raise NotPermitted("您无权为该隐患登记治理情况评估。")
        if hazard.level != "major" or hazard.state != "rectifying":
            raise InvalidTransition("治理情况评估只适用于治理中的重大隐患。")
        if hazard.rectification_started_at and assessed_on < timezone.localdate(
            hazard.rectification_started_at
        ):
            raise ValidationFailed("评估日期不能早于开始治理的日期。")
        hazard.assessor_kind, hazard.assessor = assessor_kind, assessor
        hazard.assessment, hazard.assessed_on = conclusion, assessed_on
        _attach(actor, hazard, files, "治理情况评估报告")
        hazard.save()
        _event(hazard, "assess", f"{rules.ASSESSORS[assessor_kind]}({assessor}):{conclusion[:60]}")
    return hazard


def do_reopen_hazard(
    *, actor, hazard: Hazard, reason: str, expected_version: int | None = None
) -> Hazard:
    """重新打开 a closed hazard (a regulator, with a reason: e.g. a 抽查 found it not rectified):
    back to 整改中, a new round whose closing evidence must be new."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationFailed("重新打开须写明原因。", details={"reason": ""})
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        hazard.state = _check(actor, hazard, "reopen")
        _check_supervisor(actor, hazard, "reopen")
        hazard.reopen_reason = reason
        hazard.closed_at = None
        hazard.self_closed = False
        hazard.returns += 1
        hazard.rectification_started_at = timezone.now()
        hazard.resume_applied_at = hazard.resume_review_due = None
        hazard.save()
        _event(hazard, "reopen", reason)
    return hazard


def do_sample_hazard(
    *, actor, hazard: Hazard, passed: bool, opinion: str, expected_version: int | None = None
) -> Hazard:
    """抽查 an enterprise's self-closed hazard (a regulator in scope): the result is recorded; a
    failed one is then reopened with ``do_reopen_hazard``."""
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationFailed("请填写抽查意见。", details={"opinion": ""})
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        if not can(actor, hazard, "approve"):
            raise NotPermitted("抽查须由负责监管该企业的监管人员办理。")
        if hazard.state != "closed":
            raise InvalidTransition(
                f"隐患当前状态为“{STATE_LABELS[hazard.state]}”,只能抽查已销号的隐患。"
            )
        hazard.sampled_at, hazard.sampled_by = timezone.now(), actor
        hazard.sample_passed, hazard.sample_opinion = passed, opinion[:500]
        hazard.save()
        _event(hazard, "sample", f"{'合格' if passed else '不合格'}:{opinion[:60]}", passed=passed)
    return hazard


# --- 统计分析表 (16号令 Art. 14) ------------------------------------------------------------------


def return_due(kind: str, year: int, quarter: int) -> date:
    config = settings_row()
    return return_rules.due_date(
        kind,
        year,
        quarter or None,
        quarter_days=config.return_quarter_days,
        annual_due=(config.return_annual_month, config.return_annual_day),
    )


def return_figures(enterprise, kind: str, year: int, quarter: int) -> dict:
    """The figures of a period from the enterprise's hazard records (standards.hazard_returns)."""
    start, end = return_rules.period_bounds(kind, year, quarter or None)
    rows = [
        {
            "level": h["level"],
            "found_on": h["found_on"],
            "closed_on": timezone.localdate(h["closed_at"]) if h["closed_at"] else None,
            "deadline": h["deadline"],
            "void": h["state"] == "void",
        }
        for h in Hazard.objects.filter(enterprise=enterprise, found_on__lte=end).values(
            "level", "found_on", "closed_at", "deadline", "state"
        )
    ]
    return return_rules.figures(rows, start, end).as_dict()


def _period_checked(kind: str, year: int, quarter: int) -> tuple[date, date]:
    try:
        return return_rules.period_bounds(kind, year, quarter or None)
    except ValueError as exc:
        raise ValidationFailed(str(exc), details={"kind": kind, "quarter": quarter}) from exc


def do_generate_hazard_return(
    *, actor, enterprise, kind: str, year: int, quarter: int = 0, is_demo: bool = False
) -> HazardReturn:
    """生成统计分析表 (or regenerate a draft) from the enterprise's records; by the enterprise's
    own users (16号令 Art. 14: the unit compiles it), for a period that has ended."""
    quarter = 0 if kind == "year" else quarter
    _, end = _period_checked(kind, year, quarter)
    if end >= timezone.localdate():
        raise ValidationFailed("统计期尚未结束,不能生成统计分析表。", details={"end": str(end)})
    with transaction.atomic():
        row = (
            HazardReturn.objects.select_for_update()
            .filter(enterprise=enterprise, kind=kind, year=year, quarter=quarter)
            .first()
        )
        if row is None:
            row = HazardReturn(enterprise=enterprise, kind=kind, year=year, quarter=quarter)
        elif row.state == "submitted":
            raise InvalidTransition(f"{row.period_label}统计分析表已报送,不能重新生成。")
        row.figures = return_figures(enterprise, kind, year, quarter)
        row.due_on = return_due(kind, year, quarter)
        row.is_demo = is_demo
        row.save()
        if not can(actor, row, "change"):
            raise NotPermitted("统计分析表由企业自行生成和报送。")
        record_event(
            "hazards.return.generated",
            f"{row} 统计分析表已生成",
            target=row,
            figures=row.figures,
        )
    return row


def do_submit_hazard_return(
    *,
    actor,
    hazard_return: HazardReturn,
    signed_by: str,
    analysis: str = "",
    expected_version: int | None = None,
) -> HazardReturn:
    """报送统计分析表, signed by the enterprise's 主要负责人 (16号令 Art. 14). Its figures are
    regenerated at that moment from the records, so what is sent equals the records."""
    signed_by = (signed_by or "").strip()
    if not signed_by:
        raise ValidationFailed(
            "统计分析表须由主要负责人签字(填写姓名)。", details={"signed_by": ""}
        )
    with transaction.atomic():
        row = locked(HazardReturn, hazard_return.pk, expected_version=expected_version)
        if not can(actor, row, "change"):
            raise NotPermitted("统计分析表由企业自行报送。")
        if row.state != "draft":
            raise InvalidTransition(f"{row.period_label}统计分析表已报送。")
        row.figures = return_figures(row.enterprise, row.kind, row.year, row.quarter)
        row.signed_by, row.analysis = signed_by, (analysis or "").strip()
        row.state = "submitted"
        row.submitted_at, row.submitted_by = timezone.now(), actor
        row.save()
        late = timezone.localdate(row.submitted_at) > row.due_on
        record_event(
            "hazards.return.submitted",
            f"{row} 统计分析表已报送(主要负责人 {signed_by}){',逾期报送' if late else ''}",
            target=row,
            late=late,
        )
    return row


# --- deadlines ---------------------------------------------------------------------------------------


def workdays_overdue(hazard: Hazard, today: date) -> int:
    if hazard.deadline is None or hazard.state not in ("registered", "graded", "rectifying"):
        return 0
    return max(0, work_calendar().workdays_between(hazard.deadline, today))


def do_run_hazard_check(*, today: date | None = None, reminder_days: int = 3) -> dict:
    """Daily: remind N working days before a deadline; escalate overdue hazards to the
    supervising bureau (an event for its queue). Each once per hazard."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "escalated": 0}
    calendar = work_calendar()
    with transaction.atomic():
        open_ = Hazard.objects.filter(
            state__in=("registered", "graded", "rectifying"), deadline__isnull=False
        ).select_related("enterprise", "region")
        for hazard in open_:
            if hazard.deadline < today and hazard.escalated_on is None:
                hazard.escalated_on = today
                hazard.save(update_fields=["escalated_on"])
                bureau = "市应急管理局" if _city_tier(hazard) else f"{hazard.region.name}应急管理局"
                _event(hazard, "escalate", f"逾期未整改,已上报{bureau}")
                counts["escalated"] += 1
            elif (
                hazard.deadline >= today
                and hazard.reminded_on is None
                and calendar.subtract_workdays(hazard.deadline, reminder_days) <= today
            ):
                hazard.reminded_on = today
                hazard.save(update_fields=["reminded_on"])
                _event(hazard, "remind", f"将于 {hazard.deadline} 到期")
                counts["reminded"] += 1
    return counts


def _city_tier(hazard: Hazard) -> bool:
    return bool(hazard.enterprise_id and hazard.enterprise.tier == "city")


def is_regulator(actor) -> bool:
    scope = scope_of(actor)
    return scope.is_admin or bool(scope.roles - {"enterprise_user"})


OPEN_STATES = ("registered", "graded", "rectifying")


def _grading_starts(hazards) -> dict[int, date]:
    """The day each hazard's working days were counted from: recorded with the grading event
    (``start``), else the event's own date."""
    from django.contrib.contenttypes.models import ContentType

    from yingji.core.models import AuditEvent

    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Hazard),
        object_id__in=[str(h.pk) for h in hazards],
        verb="hazards.grade",
    ).order_by("time", "id")
    starts: dict[int, date] = {}
    for event in events:  # the latest grading wins
        start = event.data.get("start")
        starts[int(event.object_id)] = (
            date.fromisoformat(start) if start else timezone.localdate(event.time)
        )
    return starts


def do_recompute_deadlines(*, years) -> int:
    """After a holiday schedule is entered: the open hazards whose deadline was counted in
    working days get it again with the calendar in force (those starting or ending in a changed
    year). One event per hazard whose deadline moved; returns how many moved."""
    if not years:
        return 0
    moved = 0
    with transaction.atomic():
        candidates = list(  # a count crossing a changed year ends in it or after it
            Hazard.objects.filter(
                state__in=OPEN_STATES,
                deadline__year__gte=min(years),
                deadline_workdays__isnull=False,
            ).order_by("pk")
        )
        starts = _grading_starts(candidates)
        for candidate in candidates:
            start = starts.get(candidate.pk)
            if start is None:
                continue
            deadline = _deadline(start, candidate.deadline_workdays)
            if deadline == candidate.deadline:
                continue
            hazard = locked(Hazard, candidate.pk)
            old, hazard.deadline = hazard.deadline, deadline
            hazard.reminded_on = None if deadline > old else hazard.reminded_on
            hazard.save()
            _event(
                hazard,
                "deadline_recomputed",
                f"放假安排变更,整改期限由 {old} 调整为 {deadline}"
                f"({hazard.deadline_workdays} 个工作日)",
                old=old.isoformat(),
                new=deadline.isoformat(),
            )
            moved += 1
    return moved
