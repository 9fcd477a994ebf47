"""Demo risk data for the demo enterprises (all 演示): GB 18218 units with chemicals for the
hazardous-chemical and gas enterprises, 2018 diagnoses, LEC/LS risk points, the resulting colours.
Deterministic, idempotent, bulk-written with one event. Every number is computed by
yingji.standards, never typed in."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.enterprises.choices import HAZCHEM_SECTORS
from yingji.enterprises.models import Enterprise
from yingji.enterprises.services import bulk_set_major_hazard_grades
from yingji.standards import gb18218, lec, risk_grading

from .choices import GRADES
from .models import (
    Diagnosis,
    EnterpriseRisk,
    MajorHazardUnit,
    RiskColourChange,
    RiskPoint,
    RiskSettings,
    UnitChemical,
)
from .services import add_years, colour_from, default_settings

SEED = 2022
# (substance, 表2 categories for β where it is not in 表3, typical design maximum range in t)
CHEMICALS = {
    "hazchem_production": [
        ("甲醇", ["W5.3"], (50, 4000)),
        ("苯", ["W5.3"], (5, 80)),
        ("氢", ["W2"], (0.5, 8)),
        ("液氨", [], (2, 160)),
        ("环氧乙烷", [], (2, 60)),
        ("乙烯", ["W2"], (5, 90)),
        ("硫化氢", [], (0.2, 4)),
    ],
    "hazchem_storage": [
        ("汽油", ["W5.1"], (50, 3000)),
        ("柴油", ["W5.4"], (500, 6000)),
        ("液化石油气", ["W2"], (10, 600)),
        ("甲醇", ["W5.3"], (100, 900)),
    ],
    "hazchem_trade": [
        ("汽油", ["W5.1"], (10, 150)),
        ("柴油", ["W5.4"], (100, 2000)),
        ("乙醇", ["W5.3"], (20, 300)),
    ],
    "hazchem_use": [
        ("液氨", [], (1, 15)),
        ("氯", [], (0.5, 30)),
        ("甲苯", ["W5.3"], (10, 300)),
    ],
    "gas": [
        ("液化石油气", ["W2"], (5, 80)),
        ("天然气", ["W2"], (5, 60)),
    ],
}
POPULATIONS = (0, 12, 35, 60, 150, 420)
UNIT_NAMES = {
    "hazchem_production": ["合成装置", "精馏装置", "中间罐区", "原料罐区"],
    "hazchem_storage": ["一号罐区", "二号罐区", "装卸站台", "球罐区"],
    "hazchem_trade": ["储存库房", "储罐区"],
    "hazchem_use": ["制冷机房", "液氯钢瓶库", "溶剂库"],
    "gas": ["储配站", "充装站"],
}
POINTS = {
    "coal_mine": [
        ("采煤工作面", "瓦斯爆炸、煤尘爆炸"),
        ("主斜井提升", "提升运输事故"),
        ("井下变电所", "触电、火灾"),
    ],
    "non_coal_mine": [
        ("露天采场边坡", "坍塌、滑坡"),
        ("爆破作业", "爆炸、飞石"),
        ("尾矿库", "溃坝"),
    ],
    "metallurgy": [
        ("高炉炉前", "灼烫、煤气中毒"),
        ("煤气管网", "煤气中毒、爆炸"),
        ("行车吊运", "起重伤害"),
    ],
    "nonferrous": [("电解车间", "灼烫、触电"), ("熔铸车间", "熔融金属喷溅"), ("焙烧炉", "火灾")],
    "building_materials": [
        ("回转窑", "灼烫"),
        ("粉磨车间", "粉尘爆炸"),
        ("料库", "坍塌、机械伤害"),
    ],
    "machinery": [("冲压车间", "机械伤害"), ("涂装车间", "火灾、爆炸"), ("焊接工位", "触电、灼烫")],
    "light_industry": [("锅炉房", "锅炉爆炸"), ("冷库", "氨泄漏、冻伤"), ("生产线", "机械伤害")],
    "textile": [("梳棉车间", "火灾、粉尘"), ("染整车间", "灼烫、中毒")],
    "tobacco": [("成品库", "火灾")],
    "commerce": [("营业大厅", "火灾、踩踏"), ("配电室", "触电、火灾"), ("货运装卸区", "车辆伤害")],
    "fireworks": [("成品仓库", "爆炸"), ("装卸作业", "爆炸")],
    "gas": [("调压站", "泄漏、爆炸"), ("巡线作业", "泄漏")],
    "fire_key_unit": [("疏散通道", "火灾、踩踏"), ("厨房操作间", "火灾")],
    "other": [("生产区域", "机械伤害")],
}
LEC_L = (0.5, 1, 3, 6)
LEC_E = (1, 2, 3, 6)
LEC_C = (1, 3, 7, 15, 40)


def _unit_items(rng, sector):
    pool = CHEMICALS[sector]
    chosen = rng.sample(pool, k=min(len(pool), rng.randint(1, 3)))
    items = []
    for substance, cats, (lo, hi) in chosen:
        q = Decimal(str(round(rng.uniform(lo, hi), 1)))
        item = {"substance": substance, "q_t": str(q)}
        if cats:
            item["categories"] = cats
        items.append(item)
    return items


# (probability, answer key, value): a value that is a function of the generator is drawn
ANSWER_ODDS = (
    (0.5, "other_key_supervised_chemicals", lambda rng: rng.randint(1, 8)),
    (0.4, "key_hazardous_processes", lambda rng: rng.randint(1, 3)),
    (0.6, "class_a_buildings", lambda rng: rng.randint(1, 6)),
    (0.5, "outside_chemical_park", True),
    (0.2, "no_dual_power_supply", True),
    (0.5, "missing_gas_detectors", lambda rng: rng.randint(1, 5)),
    (0.3, "uncertified_principal_or_safety_manager", lambda rng: rng.randint(1, 2)),
    (0.4, "no_registered_safety_engineer", True),
    (0.2, "special_work_noncompliant", True),
    (0.5, "standardization_grade", lambda rng: rng.choice(["二级", "三级"])),
)
UNIT_KIND_WORDS = ("罐", "库", "站")  # a unit named so is a storage unit


def _answers(rng, force_red=False):
    answers = {}
    for odds, key, value in ANSWER_ODDS:
        if rng.random() < odds:
            answers[key] = value(rng) if callable(value) else value
    # five years without an accident (a bonus), or else sometimes a fatal accident
    if rng.random() < 0.5:
        answers["no_accident_5y"] = True
    elif rng.random() < 0.15:
        answers["fatal_general_accidents_3y"] = 1
    if force_red or rng.random() < 0.05:
        answers["special_work_operator_unqualified"] = True
    return answers


def _units(erng, ent, journey: bool) -> list[tuple[MajorHazardUnit, list[dict]]]:
    """The enterprise's GB 18218 units with their chemicals (hazardous chemicals and gas)."""
    if ent.sector not in CHEMICALS or ent.status == "closed":
        return []
    out = []
    for n in range(erng.randint(1, 2)):
        items = _unit_items(erng, ent.sector)
        population = erng.choice(POPULATIONS)
        name = erng.choice(UNIT_NAMES[ent.sector]) + ("" if n == 0 else f"{n + 1}")
        if journey and n == 0:
            # the journey's enterprise: a 三级 major hazard source (county-tier)
            name, population = "一号罐区", 60
            items = [
                {"substance": "液化石油气", "q_t": "200", "categories": ["W2"]},
                {"substance": "汽油", "q_t": "160", "categories": ["W5.1"]},
            ]
        result = gb18218.evaluate_unit(items, population)
        unit = MajorHazardUnit(
            enterprise=ent,
            name=name,
            kind="storage" if any(w in name for w in UNIT_KIND_WORDS) else "production",
            population_500m=population,
            S=result.S,
            R=result.R,
            is_major=result.is_major,
            grade=result.grade or "",
            working=result.as_dict(),
            evaluated_at=timezone.now(),
        )
        out.append((unit, items))
    return out


def _diagnosis(erng, ent, unit_grades, journey: bool, settings, today) -> Diagnosis | None:
    """An operating hazardous-chemical enterprise's 2018 diagnosis (some time in 4 years)."""
    if ent.sector not in HAZCHEM_SECTORS or ent.status != "operating":
        return None
    answers = {**_answers(erng, force_red=journey), "major_hazard_grades": unit_grades}
    result = risk_grading.evaluate_diagnosis(answers)
    assessed = today - datetime.timedelta(days=erng.randint(30, 4 * 365))
    return Diagnosis(
        enterprise=ent,
        assessed_on=assessed,
        assessor="演示评估机构",
        answers=answers,
        score=float(result.score),
        colour=result.colour.key,
        reason=result.reason[:1000],
        working=result.as_dict(),
        next_due=add_years(assessed, settings.reassess_years),
    )


def _point_values(erng, sector, settings):
    """LEC (70 %; mines and fireworks often with C = 40) or LS values, evaluated."""
    if erng.random() < 0.7:
        L, E, C = erng.choice(LEC_L), erng.choice(LEC_E), erng.choice(LEC_C)
        if sector in ("coal_mine", "non_coal_mine", "fireworks") and erng.random() < 0.4:
            C = 40
        r = lec.evaluate_lec(L, E, C, settings.lec_bands)
        return r, {"method": "LEC", "L": L, "E": E, "C": C, "S": None, "value": r.D}
    L, S = erng.randint(1, 5), erng.randint(1, 5)
    r = lec.evaluate_ls(L, S, settings.ls_variant)
    return r, {"method": "LS", "L": L, "E": None, "C": None, "S": S, "value": r.R}


def _points(erng, ent, settings) -> list[RiskPoint]:
    templates = POINTS.get(ent.sector) or POINTS["other"]
    points = []
    for name, hazard in erng.sample(templates, k=min(len(templates), erng.randint(1, 3))):
        r, values = _point_values(erng, ent.sector, settings)
        points.append(
            RiskPoint(
                enterprise=ent,
                name=name,
                location=name,
                hazard=hazard,
                colour=r.colour.key,
                working=r.as_dict(),
                controls="制定操作规程;设置安全警示标志;定期检查;配备应急器材。",
                responsible=ent.safety_contact,
                **values,
            )
        )
    return points


def _colours(todo, by_ent) -> tuple[list[EnterpriseRisk], list[RiskColourChange]]:
    risks, changes = [], []
    for ent in todo:
        colour, reason = colour_from(by_ent[ent.pk]["diag"], by_ent[ent.pk]["points"])
        risks.append(EnterpriseRisk(enterprise=ent, colour=colour, reason=reason))
        if colour:
            changes.append(
                RiskColourChange(
                    enterprise=ent,
                    old_colour="",
                    new_colour=colour,
                    reason=f"演示数据初始评估:{reason}"[:1000],
                )
            )
    return risks, changes


def _chemicals(chem_rows) -> list[UnitChemical]:
    return [
        UnitChemical(
            unit=unit,
            substance=item["substance"],
            q_t=Decimal(item["q_t"]),
            categories=",".join(item.get("categories", [])),
        )
        for unit, items in chem_rows
        for item in items
    ]


@transaction.atomic
def load_demo(seed: int = SEED) -> dict:
    if not RiskSettings.objects.exists():
        default_settings().save()
    settings = RiskSettings.objects.order_by("pk").first()
    ents = list(
        Enterprise.objects.filter(organisation__is_demo=True)
        .select_related("organisation")
        .order_by("organisation__code")
    )
    done = set(
        EnterpriseRisk.objects.filter(enterprise__in=ents).values_list("enterprise_id", flat=True)
    )
    todo = [e for e in ents if e.pk not in done]
    if not todo:
        return {"enterprises": 0}
    today = timezone.localdate()
    chem_rows, diagnoses, points = [], [], []
    grades: dict[int, str] = {}
    by_ent: dict[int, dict] = {}
    for ent in todo:
        # one generator per enterprise: the data of one does not depend on the others
        erng = random.Random(f"{seed}-{ent.organisation.code}")
        journey = ent.organisation.code == "DEMO-ENT-620104-01"
        ent_units = _units(erng, ent, journey)
        chem_rows.extend(ent_units)
        unit_grades = [u.grade for u, _ in ent_units if u.is_major]
        grades[ent.pk] = next((g for g in GRADES if g in unit_grades), "")
        diag = _diagnosis(erng, ent, unit_grades, journey, settings, today)
        if diag is not None:
            diagnoses.append(diag)
        ent_points = _points(erng, ent, settings)
        points.extend(ent_points)
        by_ent[ent.pk] = {"diag": diag, "points": ent_points}
    units = [unit for unit, _ in chem_rows]
    MajorHazardUnit.objects.bulk_create(units)
    UnitChemical.objects.bulk_create(_chemicals(chem_rows))
    Diagnosis.objects.bulk_create(diagnoses)
    RiskPoint.objects.bulk_create(points)
    risks, changes = _colours(todo, by_ent)
    EnterpriseRisk.objects.bulk_create(risks)
    RiskColourChange.objects.bulk_create(changes)
    bulk_set_major_hazard_grades({pk: g for pk, g in grades.items() if g})
    record_event(
        "demo.risk.loaded",
        f"载入演示风险数据:单元 {len(units)} 个,评估诊断 {len(diagnoses)} 份,风险点 {len(points)} 个",
        units=len(units),
        diagnoses=len(diagnoses),
        points=len(points),
    )
    return {
        "enterprises": len(todo),
        "units": len(units),
        "diagnoses": len(diagnoses),
        "points": len(points),
    }
