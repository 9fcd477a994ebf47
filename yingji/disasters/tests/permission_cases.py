"""Hand-written denials for 灾情报送 (tests/test_permission_rules.py): the model the generated
rules do not reach (the deadline clocks) and the actions they do not test."""

from yingji.core.testing import Denial


def _setting():
    from yingji.disasters.models import DeadlineSetting

    return DeadlineSetting.objects.all()


def _reports():
    from yingji.disasters.models import LossReport

    return LossReport.objects.all()


def _county_reports(code):
    from yingji.disasters.models import LossReport

    return lambda: LossReport.objects.filter(region__code=code)


def _xigu_processes():
    from yingji.disasters.models import DisasterProcess

    return DisasterProcess.objects.all()


def _communities(status, county=None):
    def get():
        from yingji.disasters.models import DemoCommunity

        qs = DemoCommunity.objects.filter(status=status)
        return qs.filter(region__path__contains=f"/{county}/") if county else qs

    return get


def _inspections():
    from yingji.disasters.models import CommunityInspection

    return CommunityInspection.objects.all()


def _evidence(county=None):
    def get():
        from yingji.disasters.models import CommunityEvidence

        qs = CommunityEvidence.objects.all()
        return qs.filter(community__region__path__contains=f"/{county}/") if county else qs

    return get


DENIALS = [
    Denial(
        "disasters.CommunityEvidence",
        "county_b",
        "view",
        _evidence("620104"),
        "他县区社区的佐证材料",
    ),
    Denial(
        "disasters.CommunityEvidence",
        "county_a",
        "add",
        _evidence("620102"),
        "不能替其他县区的社区提交佐证",
    ),
    Denial("disasters.CommunityEvidence", "leader", "change", _evidence(), "领导只读"),
    Denial("disasters.CommunityEvidence", "enterprise", "view", _evidence(), "企业不参与"),
    Denial(
        "disasters.DemoCommunity",
        "county_a",
        "change",
        _communities("county_passed", "620104"),
        "市级评审、命名由市局办理",
    ),
    Denial(
        "disasters.DemoCommunity",
        "section",
        "approve",
        _communities("applied"),
        "县区初审由社区所在县区办理",
    ),
    Denial(
        "disasters.DemoCommunity", "county_b", "view", _communities("applied", "620104"), "他县区"
    ),
    Denial(
        "disasters.DemoCommunity", "leader", "change", _communities("county_passed"), "领导只读"
    ),
    Denial(
        "disasters.CommunityInspection",
        "county_a",
        "add",
        _inspections,
        "督查由市局登记",
    ),
    Denial("disasters.DeadlineSetting", "county_a", "change", _setting, "报送时限由市局修改"),
    Denial("disasters.DeadlineSetting", "leader", "change", _setting, "领导只读"),
    Denial("disasters.DeadlineSetting", "enterprise", "view", _setting, "企业不参与灾情报送"),
    Denial("disasters.LossReport", "county_a", "change", _reports, "报告报送后不可修改"),
    Denial("disasters.LossReport", "section", "change", _reports, "报告报送后不可修改"),
    Denial(
        "disasters.LossReport",
        "county_a",
        "approve",
        _county_reports("620104"),
        "县区级报告由市局审核,不能自审",
    ),
    Denial(
        "disasters.LossReport",
        "county_a",
        "add",
        _county_reports("620102"),
        "不能替其他县区报送",
    ),
    Denial(
        "disasters.DisasterProcess", "county_a", "change", _xigu_processes, "市局牵头的灾害过程"
    ),
    Denial(
        "disasters.DisasterProcess", "enterprise", "view", _xigu_processes, "企业不参与灾情报送"
    ),
    Denial(
        "disasters.QuakeEstimate",
        "enterprise",
        "view",
        lambda: _quake_estimates(),
        "地震烈度估算不对企业开放",
    ),
    Denial(
        "disasters.QuakeEstimate",
        "leader",
        "change",
        lambda: _quake_estimates(),
        "领导只读",
    ),
]


def _quake_estimates():
    from yingji.disasters.models import QuakeEstimate

    return QuakeEstimate.objects.all()


def _city_allocations():
    from yingji.disasters.models import ReliefFund

    return ReliefFund.objects.filter(from_region__level="city")


def _funds():
    from yingji.disasters.models import ReliefFund

    return ReliefFund.objects.all()


def _chengguan_supplies():
    from yingji.disasters.models import ReliefSupply

    return ReliefSupply.objects.filter(region__path__startswith="/620100/620102/")


DENIALS += [
    Denial(
        "disasters.ReliefFund",
        "county_a",
        "add",
        _city_allocations,
        "市级下拨的资金由市局登记",
    ),
    Denial("disasters.ReliefFund", "leader", "change", _funds, "领导只读"),
    Denial("disasters.ReliefFund", "enterprise", "view", _funds, "企业不参与救助"),
    Denial(
        "disasters.ReliefSupply",
        "county_a",
        "add",
        _chengguan_supplies,
        "不能替其他县区登记物资发放",
    ),
]
