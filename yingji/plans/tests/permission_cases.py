"""Hand-written denials for 预案与演练 beyond the generated ones: deciding filings."""

from yingji.core.testing import Denial

OWN = "DEMO-ENT-620104-01"


def _own_plans():
    from yingji.plans.models import Plan

    return Plan.objects.filter(owner__code=OWN)


def _chengguan_plans():
    from yingji.plans.models import Plan

    return Plan.objects.filter(region__path__startswith="/620100/620102/")


def _city_plans():
    from yingji.plans.models import Plan

    return Plan.objects.filter(region__level="city")


DENIALS = [
    Denial("plans.Plan", "enterprise", "approve", _own_plans, "企业不能审查自己的预案备案"),
    Denial("plans.Plan", "county_a", "change", _chengguan_plans, "城关区的预案(西固区用户)"),
    Denial("plans.Plan", "county_a", "change", _city_plans, "县区用户只读市级预案"),
    Denial("plans.Plan", "enterprise", "change", _city_plans, "企业只读政府预案"),
]
