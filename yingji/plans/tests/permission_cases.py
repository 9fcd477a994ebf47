"""Hand-written denials for 预案与演练 beyond the generated ones: deciding filings."""

from yingji.core.testing import Denial

OWN = "DEMO-ENT-620104-01"
XIGU = "/620100/620104/"


def _own_plans():
    from yingji.plans.models import Plan

    return Plan.objects.filter(owner__code=OWN)


def _chengguan_plans():
    from yingji.plans.models import Plan

    return Plan.objects.filter(region__path__startswith="/620100/620102/")


def _city_plans():
    from yingji.plans.models import Plan

    return Plan.objects.filter(region__level="city")


def _xigu_drills():
    from yingji.plans.models import Drill

    return Drill.objects.filter(region__path__startswith=XIGU)


def _xigu_findings():
    from yingji.plans.models import Finding

    return Finding.objects.filter(drill__region__path__startswith=XIGU)


def _xigu_filings():
    from yingji.plans.models import Filing

    return Filing.objects.filter(plan__region__path__startswith=XIGU)


def _other_filings():
    from yingji.plans.models import Filing

    return Filing.objects.exclude(plan__owner__code=OWN)


def _a_target():
    from yingji.core.context import actor_context
    from yingji.plans.models import DrillTarget

    with actor_context(None, source="test", label="denial setup"):
        DrillTarget.objects.get_or_create(kind="special", region=None, defaults={"per_year": 2})


def _a_xigu_part():
    from yingji.core.context import actor_context
    from yingji.plans.models import Plan, PlanPart

    plan = Plan.objects.filter(region__path__startswith=XIGU, enterprise=None).first()
    with actor_context(None, source="test", label="denial setup"):
        PlanPart.objects.create(plan=plan, kind="group", name="抢险救援组")


def _xigu_parts():
    from yingji.plans.models import PlanPart

    return PlanPart.objects.filter(plan__region__path__startswith=XIGU)


def _targets():
    from yingji.plans.models import DrillTarget

    return DrillTarget.objects.all()


def _a_xigu_schedule_item():
    from yingji.core.context import actor_context
    from yingji.geo.models import Region
    from yingji.orgs.models import Organisation
    from yingji.plans.models import ScheduledDrill

    with actor_context(None, source="test", label="denial setup"):
        ScheduledDrill.objects.create(
            year=2099,
            month=5,
            title="西固区演练计划(测试)",
            kind="special",
            organiser=Organisation.objects.get(code="XGQ-YJJ"),
            region=Region.objects.get(code="620104"),
        )


def _xigu_schedule():
    from yingji.plans.models import ScheduledDrill

    return ScheduledDrill.objects.filter(region__path__startswith=XIGU)


DENIALS = [
    Denial(
        "plans.ScheduledDrill",
        "county_b",
        "view",
        _xigu_schedule,
        "西固区的年度演练计划(城关区用户)",
        _a_xigu_schedule_item,
    ),
    Denial(
        "plans.ScheduledDrill",
        "leader",
        "change",
        _xigu_schedule,
        "局领导只读",
        _a_xigu_schedule_item,
    ),
    Denial("plans.Drill", "county_b", "view", _xigu_drills, "西固区的演练(城关区用户)"),
    Denial("plans.Drill", "leader", "change", _xigu_drills, "市局领导只读"),
    Denial("plans.Finding", "county_b", "view", _xigu_findings, "西固区演练的问题(城关区用户)"),
    Denial("plans.Finding", "county_b", "change", _xigu_findings, "西固区演练的问题(城关区用户)"),
    Denial("plans.Filing", "county_b", "view", _xigu_filings, "西固区的预案备案(城关区用户)"),
    Denial("plans.Filing", "enterprise", "view", _other_filings, "其他单位的预案备案(企业用户)"),
    Denial("plans.Filing", "county_a", "change", _xigu_filings, "备案记录只随审查服务写入"),
    Denial("plans.Plan", "enterprise", "approve", _own_plans, "企业不能审查自己的预案备案"),
    Denial("plans.Plan", "county_a", "change", _chengguan_plans, "城关区的预案(西固区用户)"),
    Denial("plans.Plan", "county_a", "change", _city_plans, "县区用户只读市级预案"),
    Denial("plans.Plan", "enterprise", "change", _city_plans, "企业只读政府预案"),
    Denial(
        "plans.DrillTarget", "county_a", "change", _targets, "县区用户不设定演练目标", _a_target
    ),
    Denial("plans.DrillTarget", "leader", "change", _targets, "局领导只读", _a_target),
    Denial("plans.DrillTarget", "enterprise", "view", _targets, "企业不看演练目标", _a_target),
    Denial(
        "plans.PlanPart",
        "county_b",
        "change",
        _xigu_parts,
        "西固区预案要素(城关区用户)",
        _a_xigu_part,
    ),
    Denial("plans.PlanPart", "leader", "change", _xigu_parts, "局领导只读", _a_xigu_part),
]
