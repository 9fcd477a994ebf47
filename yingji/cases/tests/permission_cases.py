"""Hand-written denials for the case library (no link to an enterprise or a region): the
library is read by every signed-in user and written by city staff only."""

from yingji.core.testing import Denial


def _cases():
    from yingji.cases.models import Case

    return Case.objects.all()


DENIALS = [
    Denial("cases.Case", "enterprise", "change", _cases, "企业用户只能查阅案例库"),
    Denial("cases.Case", "county_a", "change", _cases, "县区用户只能查阅案例库"),
    Denial("cases.Case", "leader", "add", _cases, "市局领导只读"),
]
