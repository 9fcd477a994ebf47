"""Every state change of a hazard, one service each (DESIGN §4). The closed loop:

    登记(registered) ─grade→ 已定级(graded) ─start→ 整改中(rectifying) ─submit→ 待验收
    (awaiting_verification) ─verify(pass)→ 已销号(closed)
                                           ─verify(fail)→ 整改中 (退回整改)
    一般隐患: registered/graded ─rectify_on_the_spot (with evidence)→ 待验收
    any open state ─void (with reason)→ 已作废;  重大 and open: 挂牌督办 (flag, not a state)

Separation of duties: whoever verifies and closes is not who rectified; closing needs evidence
and an opinion; 重大 needs the five-element remediation plan (+ safety measures and emergency
plan) before 整改中. Deadlines count working days (Chinese calendar)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from yingji.calendars.selectors import work_calendar
from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import can, scope_of
from yingji.core.services import add_attachment, locked
from yingji.standards import hazards as rules

from .choices import (
    CATEGORIES,
    MAX_DEADLINE_WORKDAYS,
    MAX_PEOPLE_EXPOSED,
    OPEN_STATES,
    SOURCES,
    STATE_LABELS,
)
from .models import Hazard, HazardNumber, HazardSettings

# action → (allowed from-states, to-state, who: "handler" = enterprise or regulator in scope
# (change), "regulator" = approve)
TRANSITIONS = {
    "grade": (("registered", "graded"), "graded", "regulator"),
    "rectify_on_the_spot": (("registered", "graded"), "awaiting_verification", "handler"),
    "start": (("graded",), "rectifying", "handler"),
    "submit": (("rectifying",), "awaiting_verification", "handler"),
    "verify_pass": (("awaiting_verification",), "closed", "regulator"),
    "verify_fail": (("awaiting_verification",), "rectifying", "regulator"),
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
}


def settings_row() -> HazardSettings:
    row = HazardSettings.objects.order_by("pk").first()
    return row or HazardSettings(weights={})


def weights() -> rules.PriorityWeights:
    data = settings_row().weights or {}
    known = {k: v for k, v in data.items() if k in rules.PriorityWeights.__dataclass_fields__}
    return rules.PriorityWeights(**known)


def _check(actor, hazard: Hazard, action: str) -> str:
    """Permission and state check for a transition; returns the new state."""
    allowed, to_state, who = TRANSITIONS[action]
    permission = "approve" if who == "regulator" else "change"
    if not can(actor, hazard, permission):
        if who == "regulator":
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


def _evidence_count(hazard: Hazard) -> int:
    from yingji.core.models import Attachment

    return Attachment.objects.for_object(hazard).count()


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


def _level(level: str, criteria: list[int]) -> tuple[str, str]:
    """The level and its reason (a 2017 criterion makes it 重大)."""
    try:
        return rules.level_for(level, criteria)
    except (ValueError, KeyError) as exc:
        raise ValidationFailed(str(exc), details={"level": level, "criteria": criteria}) from exc


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
    level, reason = _level(level, criteria)
    with transaction.atomic():
        hazard = Hazard(
            code=_next_code(found_on.year),
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
    expected_version: int | None = None,
    today: date | None = None,
) -> Hazard:
    """定级: 一般 or 重大 (a 2017 criterion forces 重大), and the rectification deadline in
    working days from today."""
    today = today or timezone.localdate()
    criteria = sorted(set(criteria or ()))
    if criteria and not _is_hazchem(hazard.enterprise):
        raise ValidationFailed("《化工和危险化学品重大事故隐患判定标准》只适用于危险化学品企业。")
    level, reason = _level(level, criteria)
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
        hazard.state = _check(actor, hazard, "grade")
        hazard.level, hazard.level_reason, hazard.criteria = level, reason, criteria
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
    """整改中: a 重大 hazard needs the remediation plan with all its elements first."""
    plan = {k: str(v).strip() for k, v in (plan or {}).items() if v is not None}
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        to_state = _check(actor, hazard, "start")
        if hazard.level == "major":
            missing = rules.missing_plan_elements(plan)
            if missing:
                raise ValidationFailed(
                    "重大隐患须先制定治理方案,缺少:" + "、".join(missing) + "。",
                    details={"missing": missing},
                )
        hazard.plan = plan
        hazard.state = to_state
        hazard.save()
        _event(hazard, "start", "按治理方案整改" if plan else "")
    return hazard


def do_submit_rectification(
    *, actor, hazard: Hazard, rectification: str, evidence=(), expected_version=None
) -> Hazard:
    """整改完成,提交验收: with evidence (photos/documents)."""
    rectification = (rectification or "").strip()
    if len(rectification) < 5:
        raise ValidationFailed("请说明整改情况(至少 5 个字)。", details={"rectification": ""})
    if not evidence:
        raise ValidationFailed("提交验收须上传整改后的照片或材料。", details={"evidence": ""})
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        hazard.state = _check(actor, hazard, "submit")
        _attach(actor, hazard, evidence, "整改佐证")
        hazard.rectification = rectification
        hazard.rectified_by, hazard.rectified_at = actor, timezone.now()
        hazard.save()
        _event(hazard, "submit", rectification[:60])
    return hazard


def do_verify_hazard(
    *,
    actor,
    hazard: Hazard,
    passed: bool,
    opinion: str,
    expected_version: int | None = None,
) -> Hazard:
    """验收: passed → 已销号; failed → 退回整改. The verifier is not the rectifier; closing needs
    evidence on file and the verifier's opinion."""
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationFailed("请填写验收意见。", details={"opinion": ""})
    action = "verify_pass" if passed else "verify_fail"
    with transaction.atomic():
        hazard = locked(Hazard, hazard.pk, expected_version=expected_version)
        to_state = _check(actor, hazard, action)
        if hazard.rectified_by_id == actor.pk:
            raise NotPermitted("整改人不能验收自己整改的隐患,请由其他监管人员验收。")
        _check_supervisor(actor, hazard, action)
        if passed and _evidence_count(hazard) == 0:
            raise ValidationFailed("没有整改佐证材料,不能销号。")
        hazard.state = to_state
        hazard.verification_opinion = opinion
        hazard.verified_by = actor
        if passed:
            hazard.closed_at = timezone.now()
        else:
            hazard.returns += 1
        hazard.save()
        _event(hazard, action, opinion[:80])
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
    """Who may verify (close or return) the hazard: a regulator in scope who did not rectify
    it, and for a 挂牌督办 hazard only the supervising authority's staff."""
    if not can(user, hazard, "approve"):
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
