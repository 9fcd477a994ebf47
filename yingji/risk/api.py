"""Risk grading API: the map layers as GeoJSON (same permissions as the web map), the
enterprise's assessments, writes through the services, and stateless calculators that return the
full working of GB 18218-2018, the 2018 diagnosis guide and LEC/LS (token or session auth)."""

from __future__ import annotations

from ninja import Router, Status

from yingji.core.errors import ValidationFailed
from yingji.core.permissions import get_restricted_or_404, restrict
from yingji.core.schemas import FeatureCollection
from yingji.enterprises.models import Enterprise
from yingji.geo.spatial import cached_layer
from yingji.standards import lec, risk_grading

from . import services
from .models import Diagnosis, EnterpriseRisk, MajorHazardUnit, RiskPoint
from .schemas import (
    AdjacentPairOut,
    AnswerKeysOut,
    CalcDiagnosisIn,
    CalcLECIn,
    CalcLSIn,
    CalcUnitIn,
    DiagnosisCreated,
    DiagnosisIn,
    DiagnosisOut,
    DiagnosisResultOut,
    EnterpriseRiskOut,
    LECOut,
    LSOut,
    MajorHazardOut,
    PointCreated,
    PointIn,
    PointOut,
    SettingsIn,
    SettingsOut,
    UnitCreated,
    UnitIn,
    UnitOut,
    VoidIn,
    bands_data,
)
from .selectors import (
    adjacent_mines,
    district_features,
    enterprise_features,
    hazard_features,
    layer_models,
)

router = Router(tags=["风险分级与风险图"])

FILTER_DOC = "筛选:sector 行业、colour 风险等级(red/orange/yellow/blue/none)、tier 监管层级、district 县区代码"


def _filters(sector, colour, tier, district) -> dict:
    return {
        k: v
        for k, v in {"sector": sector, "colour": colour, "tier": tier, "district": district}.items()
        if v
    }


@router.get(
    "/risk/map/enterprises",
    response=FeatureCollection,
    summary="风险图:企业点位(GeoJSON)",
    description=FILTER_DOC,
)
def map_enterprises(
    request,
    sector: str | None = None,
    colour: str | None = None,
    tier: str | None = None,
    district: str | None = None,
):
    filters = _filters(sector, colour, tier, district)
    return cached_layer(
        "risk.enterprises",
        request,
        filters,
        layer_models(),
        lambda: enterprise_features(request.user, filters),
    )


@router.get(
    "/risk/map/hazards",
    response=FeatureCollection,
    summary="风险图:重大危险源(GeoJSON)",
    description=FILTER_DOC,
)
def map_hazards(
    request,
    sector: str | None = None,
    colour: str | None = None,
    tier: str | None = None,
    district: str | None = None,
):
    filters = _filters(sector, colour, tier, district)
    return cached_layer(
        "risk.units",
        request,
        filters,
        layer_models(),
        lambda: hazard_features(request.user, filters),
    )


@router.get(
    "/risk/map/districts",
    response=FeatureCollection,
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
    filters = _filters(sector, colour, tier, district)
    return cached_layer(
        "risk.districts",
        request,
        filters,
        layer_models(),
        lambda: district_features(request.user, filters),
    )


@router.get(
    "/risk/adjacent-mines",
    response=list[AdjacentPairOut],
    summary="相邻矿山:配置距离内的在业矿山对(联合管控)",
)
def adjacent_mines_api(request):
    return adjacent_mines(request.user)


@router.get(
    "/risk/enterprises/{int:ent_id}",
    response=EnterpriseRiskOut,
    summary="企业风险等级、依据与各项评估",
)
def enterprise_risk(request, ent_id: int):
    user = request.user
    ent = get_restricted_or_404(Enterprise.objects.select_related("organisation"), user, pk=ent_id)
    risk = EnterpriseRisk.objects.filter(enterprise=ent).first()
    return {
        "enterprise_id": ent.pk,
        "name": ent.name,
        "colour": risk.colour if risk else "",
        "reason": risk.reason if risk else "尚无有效的评估诊断或风险点评价",
        "units": list(restrict(ent.hazard_units.filter(status="active"), user)),
        "diagnoses": list(restrict(ent.diagnoses.all(), user)),
        "risk_points": list(restrict(ent.risk_points.filter(status="active"), user)),
        "colour_history": list(restrict(ent.risk_changes.all(), user)),
    }


@router.get("/risk/units/{int:unit_id}", response=UnitOut, summary="辨识单元及GB 18218计算过程")
def get_unit(request, unit_id: int):
    return get_restricted_or_404(MajorHazardUnit.objects.all(), request.user, pk=unit_id)


@router.post(
    "/risk/enterprises/{int:ent_id}/units", response={201: UnitCreated}, summary="登记辨识单元"
)
def create_unit(request, ent_id: int, payload: UnitIn):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=ent_id)
    unit = services.do_create_unit(actor=request.user, enterprise=ent, data=payload.model_dump())
    return Status(201, unit)


@router.post(
    "/risk/units/{int:unit_id}/void",
    response=UnitOut,
    summary="作废辨识单元(改造、拆除或录入错误;修改请作废后重新登记)",
)
def void_unit(request, unit_id: int, payload: VoidIn):
    unit = get_restricted_or_404(MajorHazardUnit.objects.all(), request.user, pk=unit_id)
    return services.do_void_unit(actor=request.user, unit=unit, reason=payload.reason)


@router.post(
    "/risk/enterprises/{int:ent_id}/diagnoses",
    response={201: DiagnosisCreated},
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
    return Status(201, diag)


@router.get("/risk/diagnoses/{int:diag_id}", response=DiagnosisOut, summary="评估诊断及计算过程")
def get_diagnosis(request, diag_id: int):
    return get_restricted_or_404(Diagnosis.objects.all(), request.user, pk=diag_id)


@router.post(
    "/risk/diagnoses/{int:diag_id}/void",
    response=DiagnosisOut,
    summary="作废评估诊断(现行的作废后,上一份恢复为现行)",
)
def void_diagnosis(request, diag_id: int, payload: VoidIn):
    diag = get_restricted_or_404(Diagnosis.objects.all(), request.user, pk=diag_id)
    return services.do_void_diagnosis(actor=request.user, diagnosis=diag, reason=payload.reason)


@router.post(
    "/risk/enterprises/{int:ent_id}/points", response={201: PointCreated}, summary="登记风险点"
)
def create_point(request, ent_id: int, payload: PointIn):
    ent = get_restricted_or_404(Enterprise.objects.all(), request.user, pk=ent_id)
    point = services.do_add_risk_point(
        actor=request.user, enterprise=ent, data=payload.model_dump()
    )
    return Status(201, point)


@router.get("/risk/points/{int:point_id}", response=PointOut, summary="风险点及计算过程")
def get_point(request, point_id: int):
    return get_restricted_or_404(RiskPoint.objects.all(), request.user, pk=point_id)


@router.post("/risk/points/{int:point_id}/void", response=PointOut, summary="作废风险点")
def void_point(request, point_id: int, payload: VoidIn):
    point = get_restricted_or_404(RiskPoint.objects.all(), request.user, pk=point_id)
    return services.do_void_risk_point(actor=request.user, point=point, reason=payload.reason)


@router.get("/risk/settings", response=SettingsOut, summary="风险分级设置(LEC/LS分级表、权重等)")
def get_settings(request):
    return services.current_settings()


@router.patch(
    "/risk/settings",
    response=SettingsOut,
    summary="修改风险分级设置(仅系统管理员;未给出的项不变)",
)
def update_settings(request, payload: SettingsIn):
    current = services.current_settings()
    return services.do_update_risk_settings(
        actor=request.user,
        data=payload.changes(),
        expected_version=payload.version if current.pk else None,
    )


# --- stateless calculators --------------------------------------------------------------------
@router.post(
    "/risk/calc/major-hazard",
    response=MajorHazardOut,
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
    items = [c.model_dump(exclude_none=True, exclude_defaults=True) for c in payload.chemicals]
    return services.evaluate_items(items, payload.population_500m).as_dict()


@router.get(
    "/risk/calc/diagnosis/keys",
    response=AnswerKeysOut,
    summary="计算器:评估诊断评分表的全部规则键",
)
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
    response=DiagnosisResultOut,
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


@router.post(
    "/risk/calc/lec",
    response=LECOut,
    summary="计算器:LEC(D=L×E×C)",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"example": {"L": 3, "E": 6, "C": 15}}}}
    },
)
def calc_lec(request, payload: CalcLECIn):
    bands = bands_data(payload.bands) if payload.bands else services.current_settings().lec_bands
    try:
        return lec.evaluate_lec(payload.L, payload.E, payload.C, bands).as_dict()
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed(str(exc))


@router.post(
    "/risk/calc/ls",
    response=LSOut,
    summary="计算器:LS风险矩阵(R=L×S)",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": {"L": 3, "S": 3}}}}},
)
def calc_ls(request, payload: CalcLSIn):
    variant = payload.variant or services.current_settings().ls_variant
    try:
        return lec.evaluate_ls(payload.L, payload.S, variant).as_dict()
    except ValueError as exc:
        raise ValidationFailed(str(exc))
