"""Hand-written denials for 执法 (tests/test_permission_rules.py): the register is the
regulators'; an enterprise sees none of it, not even the conflict declared about itself; a
county bureau neither reads nor manages another county's officers; the leadership only reads."""

from yingji.core.testing import Denial


def _officers(code):
    def rows():
        from yingji.enforcement.models import LawOfficer

        return LawOfficer.objects.filter(organisation__code=code)

    return rows


def _conflicts():
    from yingji.enforcement.models import OfficerConflict

    return OfficerConflict.objects.all()


def _trainings():
    from yingji.enforcement.models import OfficerTraining

    return OfficerTraining.objects.filter(officer__organisation__code="XGQ-YJJ")


DENIALS = [
    Denial(
        "enforcement.LawOfficer",
        "enterprise",
        "view",
        _officers("XGQ-YJJ"),
        "企业看不到执法人员名录库",
    ),
    Denial(
        "enforcement.LawOfficer",
        "county_b",
        "view",
        _officers("XGQ-YJJ"),
        "城关区看不到西固区的执法人员",
    ),
    Denial(
        "enforcement.LawOfficer",
        "county_a",
        "change",
        _officers("LZYJJ-ZD"),
        "县区不管理市局执法人员",
    ),
    Denial("enforcement.LawOfficer", "leader", "change", _officers("LZYJJ-ZD"), "市局领导只读"),
    Denial(
        "enforcement.OfficerConflict", "enterprise", "view", _conflicts, "企业看不到对其申报的回避"
    ),
    Denial(
        "enforcement.OfficerConflict",
        "county_b",
        "change",
        _conflicts,
        "城关区不管理西固区人员的回避",
    ),
    Denial("enforcement.OfficerTraining", "enterprise", "view", _trainings, "企业看不到培训记录"),
    Denial(
        "enforcement.OfficerTraining",
        "county_b",
        "change",
        _trainings,
        "城关区不管理西固区人员的培训",
    ),
]
