"""State changes of risk grading. Every evaluation is done by the pure functions of
yingji.standards (gb18218, risk_grading, lec); this module stores their full working and keeps
each enterprise's colour = the worst of its assessments, recording every change."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.permissions import can, ensure_in_scope, scope_of
from yingji.core.services import locked
from yingji.enterprises.services import do_set_major_hazard_grade
from yingji.standards import gb18218, lec, risk_colours, risk_grading

from .choices import DEFAULT_INDEX_WEIGHTS, GRADES, UNIT_KINDS
from .models import (
    Diagnosis,
    EnterpriseRisk,
    MajorHazardUnit,
    RiskColourChange,
    RiskPoint,
    RiskSettings,
    UnitChemical,
)

# --- settings ---------------------------------------------------------------------------------


def default_settings() -> RiskSettings:
    return RiskSettings(
        lec_bands=lec.load_table()["lec"]["d_bands"]["rows"],
        ls_variant=lec.load_table()["ls"]["default_variant"],
        index_weights=dict(DEFAULT_INDEX_WEIGHTS),
    )


def current_settings() -> RiskSettings:
    return RiskSettings.objects.order_by("pk").first() or default_settings()


def do_update_risk_settings(*, actor, data: dict, expected_version: int | None) -> RiskSettings:
    """Administrators change the configurable tables; the given LEC bands are checked by
    evaluating a sample with them before anything is saved."""
    if not scope_of(actor).is_admin:
        raise NotPermitted("只有系统管理员可以修改风险分级设置。")
    settings = current_settings()
    bands = data.get("lec_bands", settings.lec_bands)
    variant = data.get("ls_variant", settings.ls_variant)
    weights = data.get("index_weights", settings.index_weights)
    try:
        lec.evaluate_lec(1, 1, 1, bands)
        lec.evaluate_ls(1, 1, variant)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed(f"分级表无效:{exc}")
    if set(weights) != set(DEFAULT_INDEX_WEIGHTS) or any(
        not _is_number(v) or v < 0 for v in weights.values()
    ):
        raise ValidationFailed("区域风险指数权重须为红、橙、黄、蓝四项非负数值。")
    years = data.get("reassess_years", settings.reassess_years)
    distance = data.get("adjacent_mine_m", settings.adjacent_mine_m)
    if not _is_whole(years) or not _is_whole(distance):
        raise ValidationFailed("评估周期和相邻矿山距离须为整数。")
    if not (1 <= years <= 10) or distance < 0:
        raise ValidationFailed("评估周期应为1—10年,相邻矿山距离不能为负。")
    with transaction.atomic():
        if settings.pk is None:
            settings.save()
        row = locked(RiskSettings, settings.pk, expected_version=expected_version)
        row.lec_bands, row.ls_variant, row.index_weights = bands, variant, weights
        row.reassess_years, row.adjacent_mine_m = years, distance
        row.save()
        record_event("risk.settings.updated", "修改风险分级设置", target=row)
    return row


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- colour -----------------------------------------------------------------------------------


def colour_from(diagnosis, points) -> tuple[str, str]:
    """(colour key or "" when nothing is assessed, the reason) from the enterprise's current
    diagnosis (or None) and its active risk points: the worst of them, with what made it so."""
    sources: list[tuple[risk_colours.RiskColour, str]] = []
    if diagnosis is not None:
        c = risk_colours.get(diagnosis.colour)
        sources.append(
            (
                c,
                f"{diagnosis.assessed_on:%Y-%m-%d}评估诊断得分{diagnosis.score:g}分,判定为{c.label}",
            )
        )
    for point in points:
        c = risk_colours.get(point.colour)
        sources.append((c, f"风险点“{point.name}”{point.method}={point.value:g},{c.label}"))
    if not sources:
        return "", "尚无有效的评估诊断或风险点评价"
    top = risk_colours.worst(c for c, _ in sources)
    reasons = [text for c, text in sources if c == top]
    others = len(sources) - len(reasons)
    reason = f"取各项评估中最高的风险等级:{top.label}。依据:" + ";".join(reasons[:5])
    if len(reasons) > 5:
        reason += f" 等{len(reasons)}项"
    if others:
        reason += f"(另有{others}项评估等级较低)"
    return top.key, reason[:1000]


def compute_colour(enterprise) -> tuple[str, str]:
    diagnosis = (
        Diagnosis.objects.filter(enterprise=enterprise, state="active")
        .order_by("-assessed_on", "-pk")
        .first()
    )
    points = RiskPoint.objects.filter(enterprise=enterprise, status="active")
    return colour_from(diagnosis, points)


def refresh_colour(enterprise, cause: str) -> EnterpriseRisk:
    """Recompute the enterprise's colour; a change is recorded in RiskColourChange."""
    colour, reason = compute_colour(enterprise)
    current = EnterpriseRisk.objects.select_for_update().filter(enterprise=enterprise).first()
    if current is None:
        current = EnterpriseRisk(enterprise=enterprise, colour="", reason="")
    old = current.colour
    if old != colour or current.reason != reason:
        current.colour, current.reason = colour, reason
        current.save()
    if old != colour:
        RiskColourChange.objects.create(
            enterprise=enterprise,
            old_colour=old,
            new_colour=colour,
            reason=f"{cause}:{reason}"[:1000],
        )
    return current


# --- major hazard units -------------------------------------------------------------------------


def _chemical_items(chemicals) -> list[dict]:
    if not isinstance(chemicals, list) or not chemicals:
        raise ValidationFailed("单元内至少应有一种危险化学品。", details={"field": "chemicals"})
    items = []
    for i, chem in enumerate(chemicals, start=1):
        substance = str(chem.get("substance") or "").strip()
        if not substance:
            raise ValidationFailed(f"第{i}种危险化学品的名称或CAS号不能为空。", details={"row": i})
        try:
            q = Decimal(str(chem.get("q_t")).strip())
            if not q.is_finite() or q < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise ValidationFailed(
                f"第{i}种危险化学品“{substance}”的设计最大量q应为非负数(吨),收到“{chem.get('q_t')}”。",
                details={"row": i, "field": "q_t"},
            )
        cats = chem.get("categories") or []
        if isinstance(cats, str):
            cats = [c.strip() for c in cats.replace("，", ",").split(",") if c.strip()]
        item = {"substance": substance, "q_t": str(q)}
        if cats:
            item["categories"] = list(cats)
        if chem.get("beta_category"):
            item["beta_category"] = str(chem["beta_category"]).strip()
        items.append(item)
    return items


def evaluate_items(items: list[dict], population: int) -> gb18218.UnitEvaluation:
    try:
        return gb18218.evaluate_unit(items, population)
    except ValueError as exc:  # includes BetaUndeterminedError, AmbiguousSubstanceError
        raise ValidationFailed(str(exc), code="gb18218_input")


def _unit_fields(data: dict) -> tuple[str, str, int, list[dict]]:
    name = (data.get("name") or "").strip()
    kind = data.get("kind")
    if not name:
        raise ValidationFailed("单元名称不能为空。", details={"field": "name"})
    if kind not in dict(UNIT_KINDS):
        raise ValidationFailed("单元类型只能是生产单元或储存单元。", details={"field": "kind"})
    population = data.get("population_500m", 0)
    if not _is_whole(population) or population < 0:
        raise ValidationFailed(
            "厂区边界外500m范围内常住人口应为非负整数。", details={"field": "population_500m"}
        )
    return name[:100], kind, population, _chemical_items(data.get("chemicals"))


def _store_evaluation(unit: MajorHazardUnit, result: gb18218.UnitEvaluation) -> None:
    unit.S, unit.R = result.S, result.R
    unit.is_major, unit.grade = result.is_major, result.grade or ""
    unit.working = result.as_dict()
    unit.evaluated_at = timezone.now()


def _sync_enterprise(actor, enterprise, cause: str) -> None:
    """After a unit change: the enterprise's highest grade (→ tier), a pending reassessment of
    its current diagnosis when the grade changed (评估诊断 "on change"), and its colour."""
    grades = set(
        MajorHazardUnit.objects.filter(
            enterprise=enterprise, status="active", is_major=True
        ).values_list("grade", flat=True)
    )
    highest = next((g for g in GRADES if g in grades), "")
    if highest != enterprise.major_hazard_grade:
        Diagnosis.objects.filter(enterprise=enterprise, state="active").update(
            change_pending=f"重大危险源辨识结果变化(最高级别:{highest or '无'}),应重新评估"
        )
        do_set_major_hazard_grade(actor=actor, enterprise=enterprise, grade=highest)
    refresh_colour(enterprise, cause)


def do_create_unit(*, actor, enterprise, data: dict) -> MajorHazardUnit:
    name, kind, population, items = _unit_fields(data)
    result = evaluate_items(items, population)
    if not can(actor, enterprise, "change"):
        raise NotPermitted("您无权为该企业登记辨识单元。")
    with transaction.atomic():
        unit = MajorHazardUnit(
            enterprise=enterprise, name=name, kind=kind, population_500m=population
        )
        _store_evaluation(unit, result)
        unit.save()
        UnitChemical.objects.bulk_create(
            [
                UnitChemical(
                    unit=unit,
                    substance=item["substance"],
                    q_t=Decimal(item["q_t"]),
                    categories=",".join(item.get("categories", [])),
                    beta_category=item.get("beta_category", ""),
                )
                for item in items
            ]
        )
        verdict = (
            f"S={result.S:g},构成{result.grade}重大危险源"
            if result.is_major
            else f"S={result.S:g}<1,不构成重大危险源"
        )
        record_event(
            "risk.unit.created", f"“{enterprise}”登记辨识单元“{name}”:{verdict}", target=unit
        )
        ensure_in_scope(actor, unit, "view")
        _sync_enterprise(actor, enterprise, f"辨识单元“{name}”登记")
    return unit


def do_void_unit(*, actor, unit: MajorHazardUnit, reason: str) -> MajorHazardUnit:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写作废原因。", details={"field": "reason"})
    if not can(actor, unit, "change"):
        raise NotPermitted("您无权作废该辨识单元。")
    with transaction.atomic():
        unit = locked(MajorHazardUnit, unit.pk)
        if unit.status != "active":
            raise ValidationFailed("该单元已作废。")
        unit.status, unit.void_reason = "voided", reason[:255]
        unit.save()
        record_event("risk.unit.voided", f"作废辨识单元“{unit.name}”({reason})", target=unit)
        _sync_enterprise(actor, unit.enterprise, f"辨识单元“{unit.name}”作废")
    return unit


# --- diagnosis ----------------------------------------------------------------------------------


def unit_grades(enterprise) -> list[str]:
    return list(
        MajorHazardUnit.objects.filter(
            enterprise=enterprise, status="active", is_major=True
        ).values_list("grade", flat=True)
    )


def evaluate_answers(answers: dict) -> risk_grading.DiagnosisResult:
    try:
        return risk_grading.evaluate_diagnosis(answers)
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="diagnosis_input")


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def do_record_diagnosis(
    *, actor, enterprise, assessed_on, assessor: str, answers: dict
) -> Diagnosis:
    """Record a diagnosis. The 重大危险源 item is filled from the enterprise's units (it cannot be
    typed in); the previous diagnosis is superseded; the next one is due after the period."""
    if not isinstance(answers, dict):
        raise ValidationFailed("评分表填报应为“规则键→取值”的对象。")
    if not isinstance(assessed_on, datetime.date):
        raise ValidationFailed("请填写评估日期。", details={"field": "assessed_on"})
    if assessed_on > timezone.localdate():
        raise ValidationFailed("评估日期不能晚于今天。", details={"field": "assessed_on"})
    answers = {**answers, "major_hazard_grades": unit_grades(enterprise)}
    result = evaluate_answers(answers)
    if not can(actor, enterprise, "approve"):
        raise NotPermitted("评估诊断由负责监管该企业的部门登记。")
    settings = current_settings()
    with transaction.atomic():
        Diagnosis.objects.filter(enterprise=enterprise, state="active").update(state="superseded")
        diag = Diagnosis.objects.create(
            enterprise=enterprise,
            assessed_on=assessed_on,
            assessor=(assessor or "").strip()[:100],
            answers=answers,
            score=float(result.score),
            colour=result.colour.key,
            reason=result.reason[:1000],
            working=result.as_dict(),
            next_due=add_years(assessed_on, settings.reassess_years),
        )
        record_event(
            "risk.diagnosis.recorded",
            f"“{enterprise}”评估诊断:得分{result.score:g}分,{result.colour.label}",
            target=diag,
        )
        refresh_colour(enterprise, f"{assessed_on:%Y-%m-%d}评估诊断")
    return diag


def do_void_diagnosis(*, actor, diagnosis: Diagnosis, reason: str) -> Diagnosis:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写作废原因。", details={"field": "reason"})
    if not can(actor, diagnosis, "approve"):
        raise NotPermitted("您无权作废该评估诊断。")
    with transaction.atomic():
        diag = locked(Diagnosis, diagnosis.pk)
        if diag.state == "voided":
            raise ValidationFailed("该评估诊断已作废。")
        was_active = diag.state == "active"
        diag.state, diag.void_reason = "voided", reason[:255]
        diag.save()
        if was_active:
            previous = (
                Diagnosis.objects.filter(enterprise=diag.enterprise, state="superseded")
                .order_by("-assessed_on", "-pk")
                .first()
            )
            if previous is not None:
                previous.state = "active"
                previous.save()
        record_event("risk.diagnosis.voided", f"作废“{diag}”({reason})", target=diag)
        refresh_colour(diag.enterprise, "评估诊断作废")
    return diag


# --- risk points --------------------------------------------------------------------------------


def evaluate_point(method: str, values: dict, settings: RiskSettings | None = None):
    settings = settings or current_settings()
    try:
        if method == "LEC":
            return lec.evaluate_lec(
                values.get("L"), values.get("E"), values.get("C"), settings.lec_bands
            )
        if method == "LS":
            return lec.evaluate_ls(
                _whole(values.get("L")), _whole(values.get("S")), settings.ls_variant
            )
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="risk_point_input")
    raise ValidationFailed("评价方法只能是 LEC 或 LS。", details={"field": "method"})


def _whole(value):
    """3.0 → 3 (the LS matrix takes whole numbers; the form's L is a number for LEC too)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def do_add_risk_point(*, actor, enterprise, data: dict) -> RiskPoint:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationFailed("风险点名称不能为空。", details={"field": "name"})
    method = data.get("method")
    values = {k: data.get(k) for k in ("L", "E", "C", "S")}
    result = evaluate_point(method, values)
    if not can(actor, enterprise, "change"):
        raise NotPermitted("您无权为该企业登记风险点。")
    with transaction.atomic():
        point = RiskPoint.objects.create(
            enterprise=enterprise,
            name=name[:100],
            location=(data.get("location") or "")[:100],
            hazard=(data.get("hazard") or "")[:255],
            method=method,
            L=float(result.L),
            E=float(result.E) if method == "LEC" else None,
            C=float(result.C) if method == "LEC" else None,
            S=result.S if method == "LS" else None,
            value=float(result.D if method == "LEC" else result.R),
            colour=result.colour.key,
            working=result.as_dict(),
            controls=data.get("controls") or "",
            responsible=(data.get("responsible") or "")[:50],
        )
        record_event(
            "risk.point.created",
            f"“{enterprise}”登记风险点“{point.name}”:{method}={point.value:g},{result.colour.label}",
            target=point,
        )
        ensure_in_scope(actor, point, "view")
        refresh_colour(enterprise, f"风险点“{point.name}”登记")
    return point


def do_void_risk_point(*, actor, point: RiskPoint, reason: str) -> RiskPoint:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写作废原因。", details={"field": "reason"})
    if not can(actor, point, "change"):
        raise NotPermitted("您无权作废该风险点。")
    with transaction.atomic():
        point = locked(RiskPoint, point.pk)
        if point.status != "active":
            raise ValidationFailed("该风险点已作废。")
        point.status, point.void_reason = "voided", reason[:255]
        point.save()
        record_event("risk.point.voided", f"作废风险点“{point.name}”({reason})", target=point)
        refresh_colour(point.enterprise, f"风险点“{point.name}”作废")
    return point
