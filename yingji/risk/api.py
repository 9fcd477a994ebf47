"""Risk grading API: the map layers as GeoJSON (same permissions as the web map), the
enterprise's assessments, writes through the services, and stateless calculators that return the
full working of GB 18218-2018, the 2018 diagnosis guide and LEC/LS (token or session auth)."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Router, Schema
from pydantic import Field

from yingji.core.errors import ValidationFailed
from yingji.core.permissions import get_restricted_or_404, restrict
from yingji.enterprises.models import Enterprise
from yingji.standards import lec, risk_grading

from . import services
from .models import Diagnosis, EnterpriseRisk, MajorHazardUnit, RiskPoint
from .selectors import adjacent_mines, district_features, enterprise_features, hazard_features

router = Router(tags=["风险分级与风险图"])

FILTER_DOC = "筛选:sector 行业、colour 风险等级(red/orange/yellow/blue/none)、tier 监管层级、district 县区代码"


def _filters(sector, colour, tier, district) -> dict:
    return {
        k: v
        for k, v in {"sector": sector, "colour": colour, "tier": tier, "district": district}.items()
        if v
    }


@router.get("/risk/map/enterprises", summary="风险图:企业点位(GeoJSON)", description=FILTER_DOC)
def map_enterprises(
    request,
    sector: str | None = None,
    colour: str | None = None,
    tier: str | None = None,
    district: str | None = None,
):
    return enterprise_features(request.user, _filters(sector, colour, tier, district))


@router.get("/risk/map/hazards", summary="风险图:重大危险源(GeoJSON)", description=FILTER_DOC)
def map_hazards(
    request,
    sector: str | None = None,
    colour: str | None = None,
    tier: str | None = None,
    district: str | None = None,
):
    return hazard_features(request.user, _filters(sector, colour, tier, district))


@router.get(
    "/risk/map/districts",
    summary="风险图:县区边界及区域风险指数(GeoJSON)",
    description=FILTER_DOC + "。指数 = Σ 权重 × 该颜色企业数(仅计您可见的企业)。",
)
def map_districts(
    request,
    sector: str | None = None,
    colour: str | None = None,
    tier: str | None = None,
    district: str | None = None,
):
    return district_features(request.user, _filters(sector, colour, tier, district))


@router.get("/risk/adjacent-mines", summary="相邻矿山:配置距离内的在业矿山对(联合管控)")
def adjacent_mines_api(request):
    return [
        {
            "a": {"id": p["a"].pk, "name": p["a"].name, "region_code": p["a"].region.code},
            "b": {"id": p["b"].pk, "name": p["b"].name, "region_code": p["b"].region.code},
            "distance_m": p["distance_m"],
        }
        for p in adjacent_mines(request.user)
    ]


@router.get("/risk/enterprises/{int:ent_id}", summary="企业风险等级、依据与各项评估")
def enterprise_risk(request, ent_id: int):
    ent = get_restricted_or_404(
        Enterprise.objects.select_related("organisation"), request.user, pk=ent_id
    )
    risk = EnterpriseRisk.objects.filter(enterprise=ent).first()
    user = request.user
    return {
        "enterprise_id": ent.pk,
        "name": ent.name,
        "colour": risk.colour if risk else "",
        "reason": risk.reason if risk else "尚无有效的评估诊断或风险点评价",
        "units": [
            {
                "id": u.pk,
                "name": u.name,
                "S": u.S,
                "R": u.R,
                "grade": u.grade,
                "is_major": u.is_major,
            }
            for u in restrict(ent.hazard_units.filter(status="active"), user)
        ],
        "diagnoses": [
            {
                "id": d.pk,
                "assessed_on": d.assessed_on,
                "score": d.score,
                "colour": d.colour,
                "state": d.state,
                "next_due": d.next_due,
            }
            for d in restrict(ent.diagnoses.all(), user)
        ],
        "risk_points": [
            {"id": p.pk, "name": p.name, "method": p.method, "value": p.value, "colour": p.colour}
            for p in restrict(ent.risk_points.filter(status="active"), user)
        ],
        "colour_history": [
            {"time": c.created_at, "old": c.old_colour, "new": c.new_colour, "reason": c.reason}
            for c in restrict(ent.risk_changes.all(), user)
        ],
    }


@router.get("/risk/units/{int:unit_id}", summary="辨识单元及GB 18218计算过程")
def get_unit(request, unit_id: int):
    unit = get_restricted_or_404(MajorHazardUnit.objects.all(), request.user, pk=unit_id)
    return {
        "id": unit.pk,
        "enterprise_id": unit.enterprise_id,
        "name": unit.name,
        "kind": unit.kind,
        "status": unit.status,
        "working": unit.working,
    }


class ChemicalIn(Schema):
    substance: str = Field(description="名称、别名或CAS号")
    q_t: float = Field(description="设计最大量(吨)")
    categories: list[str] = Field(default_factory=list, description="表2危险性类别代码")
    beta_category: str | None = Field(default=None, description="多种危险性时选定的β类别")


class UnitIn(Schema):
    name: str
    kind: str = Field(description="production 生产单元 / storage 储存单元")
    population_500m: int = 0
    chemicals: list[ChemicalIn]


@router.post("/risk/enterprises/{int:ent_id}/units", response={201: dict}, summary="登记辨识单元")
def create_unit(request, ent_id: int, payload: UnitIn):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=ent_id)
    data = payload.dict()
    data["chemicals"] = [{k: v for k, v in c.items() if v is not None} for c in data["chemicals"]]
    unit = services.do_create_unit(actor=request.user, enterprise=ent, data=data)
    return 201, {"id": unit.pk, "grade": unit.grade, "working": unit.working}


class DiagnosisIn(Schema):
    assessed_on: datetime.date
    assessor: str = ""
    answers: dict[str, Any]


@router.post(
    "/risk/enterprises/{int:ent_id}/diagnoses",
    response={201: dict},
    summary="登记评估诊断(重大危险源一项按已登记单元自动填写)",
)
def create_diagnosis(request, ent_id: int, payload: DiagnosisIn):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=ent_id)
    diag = services.do_record_diagnosis(
        actor=request.user,
        enterprise=ent,
        assessed_on=payload.assessed_on,
        assessor=payload.assessor,
        answers=payload.answers,
    )
    return 201, {"id": diag.pk, "score": diag.score, "colour": diag.colour, "working": diag.working}


class PointIn(Schema):
    name: str
    method: str = Field(description="LEC 或 LS")
    L: float
    E: float | None = None
    C: float | None = None
    S: int | None = None
    location: str = ""
    hazard: str = ""
    controls: str = ""
    responsible: str = ""


@router.post("/risk/enterprises/{int:ent_id}/points", response={201: dict}, summary="登记风险点")
def create_point(request, ent_id: int, payload: PointIn):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=ent_id)
    point = services.do_add_risk_point(actor=request.user, enterprise=ent, data=payload.dict())
    return 201, {
        "id": point.pk,
        "value": point.value,
        "colour": point.colour,
        "working": point.working,
    }


@router.get("/risk/diagnoses/{int:diag_id}", summary="评估诊断及计算过程")
def get_diagnosis(request, diag_id: int):
    d = get_restricted_or_404(Diagnosis.objects.all(), request.user, pk=diag_id)
    return {"id": d.pk, "enterprise_id": d.enterprise_id, "state": d.state, "working": d.working}


@router.get("/risk/points/{int:point_id}", summary="风险点及计算过程")
def get_point(request, point_id: int):
    p = get_restricted_or_404(RiskPoint.objects.all(), request.user, pk=point_id)
    return {"id": p.pk, "enterprise_id": p.enterprise_id, "status": p.status, "working": p.working}


# --- stateless calculators --------------------------------------------------------------------


class CalcUnitIn(Schema):
    chemicals: list[ChemicalIn]
    population_500m: int = Field(0, description="厂区边界外500m范围内常住人口(表5 α)")


@router.post(
    "/risk/calc/major-hazard",
    summary="计算器:GB 18218-2018 单元辨识与分级(S、R、级别及每项取值依据)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "examples": {
                        "单一物质(液氨12t)": {
                            "value": {
                                "chemicals": [{"substance": "液氨", "q_t": 12}],
                                "population_500m": 60,
                            }
                        },
                        "混合单元(按CAS号和别名)": {
                            "value": {
                                "chemicals": [
                                    {"substance": "67-56-1", "q_t": 300, "categories": ["W5.3"]},
                                    {"substance": "液化石油气", "q_t": 40, "categories": ["W2"]},
                                    {"substance": "柴油", "q_t": 2000, "categories": ["W5.4"]},
                                ],
                                "population_500m": 120,
                            }
                        },
                    }
                }
            }
        }
    },
)
def calc_major_hazard(request, payload: CalcUnitIn):
    items = [{k: v for k, v in c.dict().items() if v not in (None, [])} for c in payload.chemicals]
    return services.evaluate_items(items, payload.population_500m).as_dict()


class CalcDiagnosisIn(Schema):
    answers: dict[str, Any] = Field(
        description="规则键→次数/是否/选项;键见 GET /risk/calc/diagnosis/keys"
    )


@router.get("/risk/calc/diagnosis/keys", summary="计算器:评估诊断评分表的全部规则键")
def calc_diagnosis_keys(request):
    table = risk_grading.load_table()
    rules = [
        {"key": r["key"], "item": it["name"], "type": r["type"], "label": r.get("label", "")}
        for it in table["items"]
        for r in it["rules"]
    ]
    red = [
        {"key": k, "item": "直接判定红色", "type": v["type"], "label": v["label"]}
        for k, v in table["red_line_inputs"].items()
        if not k.startswith("_")
    ]
    return {"keys": rules + red}


@router.post(
    "/risk/calc/diagnosis",
    summary="计算器:危险化学品企业安全风险评估诊断(应急厅〔2018〕19号)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "examples": {
                        "扣分与封顶": {
                            "value": {
                                "answers": {
                                    "major_hazard_grades": ["二级"],
                                    "missing_gas_detectors": 12,
                                    "outside_chemical_park": True,
                                    "standardization_grade": "二级",
                                }
                            }
                        },
                        "直接判红": {
                            "value": {"answers": {"special_work_operator_unqualified": True}}
                        },
                    }
                }
            }
        }
    },
)
def calc_diagnosis(request, payload: CalcDiagnosisIn):
    return services.evaluate_answers(payload.answers).as_dict()


class CalcLECIn(Schema):
    L: float
    E: float
    C: float
    bands: list[dict] | None = Field(None, description="可选:自定义D值分级表;缺省用平台设置")


@router.post(
    "/risk/calc/lec",
    summary="计算器:LEC(D=L×E×C)",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"example": {"L": 3, "E": 6, "C": 15}}}}
    },
)
def calc_lec(request, payload: CalcLECIn):
    bands = payload.bands or services.current_settings().lec_bands
    try:
        return lec.evaluate_lec(payload.L, payload.E, payload.C, bands).as_dict()
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed(str(exc))


class CalcLSIn(Schema):
    L: int
    S: int
    variant: str | None = Field(None, description="A 或 B;缺省用平台设置")


@router.post(
    "/risk/calc/ls",
    summary="计算器:LS风险矩阵(R=L×S)",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": {"L": 3, "S": 3}}}}},
)
def calc_ls(request, payload: CalcLSIn):
    variant = payload.variant or services.current_settings().ls_variant
    try:
        return lec.evaluate_ls(payload.L, payload.S, variant).as_dict()
    except ValueError as exc:
        raise ValidationFailed(str(exc))
