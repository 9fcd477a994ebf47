"""Hand-written denials for regions (see tests/test_permission_rules.py)."""

from yingji.core.testing import Denial


def _regions():
    from yingji.geo.models import Region

    return Region.objects.filter(code__startswith="620104")


def _boundaries():
    from yingji.geo.models import RegionBoundary

    return RegionBoundary.objects.filter(region__code__startswith="620104")


DENIALS = [
    Denial(
        "geo.Region",
        "county_a",
        "change",
        _regions,
        "行政区划只有系统管理员可改,县区也不能改本区的",
    ),
    Denial("geo.Region", "enterprise", "delete", _regions, "企业不能删除行政区划"),
    Denial("geo.RegionBoundary", "county_a", "change", _boundaries, "县区不能改本区的边界"),
]

# Models a generated rule does not apply to, with the reason (collected by
# tests/test_permission_rules.py; shown here so that it is reviewed with the app).
EXCEPTIONS = {
    ("region", "geo.Region"): "行政区划是所有登录用户可读的基础数据",
    ("region", "geo.RegionBoundary"): "县区边界随行政区划,是所有登录用户可读的基础数据",
}
