"""Hand-written denials for organisations (see tests/test_permission_rules.py)."""

from yingji.core.testing import Denial


def _chengguan_enterprises():
    from yingji.orgs.models import Organisation

    return Organisation.objects.filter(
        kind="enterprise", region__path__startswith="/620100/620102/"
    )


def _bureau_aliases():
    from yingji.orgs.models import OrgAlias

    return OrgAlias.objects.all()


def _groups():
    from yingji.orgs.models import OrgGroup

    return OrgGroup.objects.all()


def _group_members():
    from yingji.orgs.models import OrgGroupMember

    return OrgGroupMember.objects.all()


def _sections():
    from yingji.orgs.models import Organisation

    return Organisation.objects.filter(kind="section")


DENIALS = [
    Denial("orgs.Organisation", "county_a", "view", _chengguan_enterprises, "城关区的企业"),
    Denial("orgs.Organisation", "county_a", "change", _sections, "市局科室不由县区修改"),
    Denial("orgs.OrgAlias", "county_a", "change", _bureau_aliases, "机构别名只有管理员可改"),
    Denial("orgs.OrgGroup", "section", "change", _groups, "机构分组只有管理员可改"),
    Denial("orgs.OrgGroupMember", "county_b", "change", _group_members, "机构分组只有管理员可改"),
]

# Models a generated rule does not apply to, with the reason (collected by
# tests/test_permission_rules.py; shown here so that it is reviewed with the app).
EXCEPTIONS = {
    ("region", "orgs.Organisation"): "机关、科室、县区局等非企业机构对所有登录用户公开",
    ("region", "orgs.OrgAlias"): "公开机构的别名随机构公开",
    ("region", "orgs.OrgGroupMember"): "机构分组(如各监管科室)对所有登录用户公开",
}
