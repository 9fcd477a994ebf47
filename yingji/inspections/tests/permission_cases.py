"""Hand-written denials for the inspections app (see tests/test_permission_rules.py)."""

from yingji.core.testing import Denial


def _overlaps():
    from yingji.inspections.models import Overlap

    return Overlap.objects.all()


DENIALS = [
    Denial(
        "inspections.Overlap", "enterprise", "view", _overlaps, "重复检查的说明是监管部门内部信息"
    ),
]
