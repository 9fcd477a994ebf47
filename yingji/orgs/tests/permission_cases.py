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
