"""Hand-written denials for 应急资源 (tests/test_permission_rules.py). The city's (市级) records
are read by every county by design (EXCEPTIONS at the end of this file); these cases deny what a county
must not read or do: another county's own records, changing the city's, the catalogue."""

from yingji.core.testing import Denial

CHENGGUAN = "/620100/620102/"
YUZHONG = "/620100/620123/"


def _county_rows(model, prefix=""):
    def rows():
        return model._base_manager.filter(
            **{f"{prefix}region__path__startswith": CHENGGUAN}
        ).exclude(**{f"{prefix}level": "city"})

    return rows


def _city_rows(model, prefix=""):
    def rows():
        return model._base_manager.filter(**{f"{prefix}level": "city"})

    return rows


def _models():
    from yingji.resources import models

    return models


def _lazy(name, maker, prefix=""):
    return lambda: maker(getattr(_models(), name), prefix)()


def _items():
    from yingji.resources.models import Item

    return Item.objects.all()


DENIALS = [
    Denial("resources.Item", "county_a", "change", _items, "物资目录只有市局科室可改"),
    Denial("resources.Item", "enterprise", "change", _items, "物资目录只有市局科室可改"),
    Denial("resources.Site", "county_a", "view", _lazy("Site", _county_rows), "城关区的县级储备库"),
    Denial(
        "resources.Site", "county_a", "change", _lazy("Site", _city_rows), "市级储备库对县区只读"
    ),
    Denial(
        "resources.Site", "enterprise", "view", _lazy("Site", _city_rows), "企业只看本企业代储点"
    ),
    Denial(
        "resources.Stock", "county_a", "view", _lazy("Stock", _county_rows, "site__"), "城关区库存"
    ),
    Denial(
        "resources.Stock", "county_a", "change", _lazy("Stock", _city_rows, "site__"), "市级库存"
    ),
    Denial(
        "resources.Movement",
        "county_a",
        "view",
        _lazy("Movement", _county_rows, "stock__site__"),
        "城关区的出入库台账",
    ),
    Denial("resources.Team", "county_a", "view", _lazy("Team", _county_rows), "城关区的基层队伍"),
    Denial("resources.Team", "county_a", "change", _lazy("Team", _city_rows), "市级队伍对县区只读"),
    Denial("resources.Team", "enterprise", "view", _lazy("Team", _city_rows), "企业不看救援队伍"),
    Denial(
        "resources.TeamEvaluation",
        "county_a",
        "change",
        lambda: _models().TeamEvaluation.objects.all(),
        "年度评估只有市局科室打分",
    ),
    Denial(
        "resources.TeamEvaluation",
        "enterprise",
        "view",
        lambda: _models().TeamEvaluation.objects.all(),
        "企业不看评估结果",
    ),
    Denial(
        "resources.Agreement",
        "county_a",
        "view",
        _lazy("Agreement", _county_rows),
        "城关区的协议储备合同",
    ),
    Denial("resources.Agreement", "county_a", "change", _lazy("Agreement", _city_rows), "市级协议"),
    Denial(
        "resources.AgreementLine",
        "county_a",
        "change",
        _lazy("AgreementLine", _city_rows, "agreement__"),
        "市级协议的储备明细",
    ),
    Denial(
        "resources.AgreementLine",
        "enterprise",
        "view",
        _lazy("AgreementLine", _city_rows, "agreement__"),
        "企业不看市级协议储备",
    ),
    Denial("resources.Expert", "enterprise", "view", _lazy("Expert", _city_rows), "专家个人信息"),
    Denial("resources.Expert", "county_a", "change", _lazy("Expert", _city_rows), "市级专家库"),
    Denial(
        "resources.Shelter", "county_a", "view", _lazy("Shelter", _county_rows), "城关区的避难场所"
    ),
    Denial(
        "resources.SupplyRequest",
        "county_a",
        "approve",
        lambda: _models().SupplyRequest.objects.all(),
        "审批调运只有市局科室",
    ),
    Denial(
        "resources.RequestLine",
        "county_b",
        "view",
        lambda: _models().RequestLine.objects.filter(request__region__path__startswith=YUZHONG),
        "榆中县的物资需求明细(城关区用户)",
    ),
    Denial(
        "resources.RequestLine",
        "enterprise",
        "view",
        lambda: _models().RequestLine.objects.all(),
        "企业不看物资需求",
    ),
    Denial(
        "resources.Allocation",
        "county_b",
        "view",
        lambda: _models().Allocation.objects.filter(request__region__path__startswith=YUZHONG),
        "榆中县需求的调运分配(城关区用户)",
    ),
    Denial(
        "resources.Allocation",
        "enterprise",
        "change",
        lambda: _models().Allocation.objects.all(),
        "调运分配只由审批、调运服务写入",
    ),
    Denial(
        "resources.ForceLine",
        "county_b",
        "view",
        lambda: _models().ForceLine.objects.filter(request__region__path__startswith=YUZHONG),
        "榆中县需求的队伍装备明细(城关区用户)",
    ),
    Denial(
        "resources.ForceLine",
        "enterprise",
        "view",
        lambda: _models().ForceLine.objects.all(),
        "企业不看物资需求",
    ),
    Denial(
        "resources.ForceAssignment",
        "county_b",
        "view",
        lambda: _models().ForceAssignment.objects.filter(request__region__path__startswith=YUZHONG),
        "榆中县需求的队伍调派(城关区用户)",
    ),
    Denial(
        "resources.ForceAssignment",
        "county_a",
        "change",
        lambda: _models().ForceAssignment.objects.all(),
        "调派记录只由审批、调运、归还服务写入",
    ),
    Denial(
        "resources.AgreementCall",
        "county_b",
        "view",
        lambda: _models().AgreementCall.objects.filter(request__region__path__startswith=YUZHONG),
        "榆中县需求的协议储备调用(城关区用户)",
        setup=lambda: _make_call(),
    ),
    Denial(
        "resources.TransitPosition",
        "county_b",
        "view",
        lambda: _models().TransitPosition.objects.filter(request__region__path__startswith=YUZHONG),
        "榆中县需求的在途位置(城关区用户)",
        setup=lambda: _make_position(),
    ),
    Denial(
        "resources.LinkageCall",
        "county_b",
        "view",
        lambda: _models().LinkageCall.objects.filter(request__region__path__startswith=YUZHONG),
        "榆中县需求的联动请求(城关区用户)",
    ),
    Denial(
        "resources.LinkageCall",
        "enterprise",
        "view",
        lambda: _models().LinkageCall.objects.all(),
        "企业不看联动请求",
    ),
    Denial(
        "resources.LinkagePartner",
        "enterprise",
        "view",
        lambda: _models().LinkagePartner.objects.all(),
        "企业不看物资联动单位",
    ),
    Denial(
        "resources.LinkagePartner",
        "county_a",
        "change",
        lambda: _models().LinkagePartner.objects.all(),
        "联动单位由市局维护",
    ),
    Denial(
        "resources.Equipment",
        "county_a",
        "change",
        _lazy("Equipment", _city_rows),
        "市级装备对县区只读",
    ),
    Denial(
        "resources.Equipment",
        "enterprise",
        "view",
        _lazy("Equipment", _city_rows),
        "企业不看市级装备",
    ),
    Denial(
        "resources.MaintenanceRecord",
        "county_a",
        "change",
        lambda: _models().MaintenanceRecord.objects.all(),
        "保养维修记录只由登记服务写入",
    ),
    Denial(
        "resources.MaintenanceRecord",
        "enterprise",
        "view",
        lambda: _models().MaintenanceRecord.objects.filter(equipment__level="city"),
        "企业不看市级装备的保养记录",
    ),
    Denial(
        "resources.ReserveTarget",
        "county_a",
        "view",
        lambda: _models().ReserveTarget.objects.filter(region__path__startswith=CHENGGUAN),
        "城关区的储备目标(西固区用户)",
    ),
    Denial(
        "resources.ReserveTarget",
        "county_a",
        "change",
        lambda: _models().ReserveTarget.objects.all(),
        "储备目标由市局设置",
    ),
    Denial(
        "resources.ReserveTarget",
        "enterprise",
        "view",
        lambda: _models().ReserveTarget.objects.all(),
        "企业不看储备目标",
    ),
]

# Models a generated rule does not apply to, with the reason (collected by
# tests/test_permission_rules.py; shown here so that it is reviewed with the app).
EXCEPTIONS = {
    ("region", "resources.Site"): "市级储备库对各县区只读公开;县级的另有人工用例",
    ("region", "resources.Stock"): "随储备库",
    ("region", "resources.Movement"): "随储备库",
    ("region", "resources.Team"): "市级队伍对各县区只读公开;县级的另有人工用例",
    ("region", "resources.TeamEvaluation"): "随队伍",
    ("region", "resources.Agreement"): "市级协议对各县区只读公开;县级的另有人工用例",
    ("region", "resources.AgreementLine"): "随协议",
    ("region", "resources.Expert"): "市级专家库对各县区只读公开;县级的另有人工用例",
    ("region", "resources.Shelter"): "市级避难场所对各县区只读公开;县级的另有人工用例",
    ("region", "resources.Equipment"): "市级装备对各县区只读公开;县级的另有人工用例",
    ("region", "resources.MaintenanceRecord"): "随装备",
    ("region", "resources.ReserveTarget"): "全市(市级)储备目标对各县区只读公开;县区的另有人工用例",
}


def _yuzhong_request():
    return _models().SupplyRequest.objects.filter(region__path__startswith=YUZHONG).first()


def _make_call():
    from django.utils import timezone

    m = _models()
    line = m.AgreementLine.objects.select_related("agreement").first()
    m.AgreementCall.objects.create(
        request=_yuzhong_request(),
        agreement=line.agreement,
        line=line,
        quantity=1,
        called_at=timezone.now(),
    )


def _make_position():
    from django.utils import timezone

    _models().TransitPosition.objects.create(
        request=_yuzhong_request(), lon=104.1, lat=35.85, reported_at=timezone.now()
    )
