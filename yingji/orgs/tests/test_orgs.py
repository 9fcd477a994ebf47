"""Organisations: the seeded structure, aliases, groups, renames (T1) and scopes."""

import pytest

from yingji.core.errors import ConflictError, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent, ObjectChange
from yingji.core.permissions import scope_of
from yingji.orgs.loader import load_organisations
from yingji.orgs.models import OrgAlias, Organisation, OrgGroup
from yingji.orgs.selectors import name_directory
from yingji.orgs.services import do_rename_organisation

pytestmark = pytest.mark.django_db

SECTIONS = [
    "办公室",
    "人事科",
    "规划财务科",
    "政策法规科",
    "安全生产综合协调科",
    "风险监测和综合减灾科",
    "防汛抗旱和火灾管理科",
    "救援协调和预案管理科",
    "应急指挥科",
    "救灾和物资保障科",
    "危险化学品安全监督管理科",
    "矿山安全监督管理科",
    "工商贸行业安全管理科",
    "城市安全监督科",
    "机关党委",
]


def test_bureau_sections_and_units_are_seeded():
    bureau = Organisation.objects.get(name="兰州市应急管理局")
    sections = set(bureau.children.filter(kind="section").values_list("name", flat=True))
    assert sections == set(SECTIONS)
    units = set(bureau.children.filter(kind="unit").values_list("name", flat=True))
    assert units == {"市安全生产监察支队", "市安全生产宣传教育培训中心"}
    assert Organisation.objects.filter(kind="rescue").count() == 2


def test_county_bureaus_have_their_jurisdiction():
    xigu = Organisation.objects.get(name="西固区应急管理局")
    assert xigu.region.code == "620104"
    assert Organisation.objects.get(name="兰州新区应急管理局").region.code == "620171"
    assert Organisation.objects.get(name="高新区安监局").region.is_functional_zone
    assert Organisation.objects.filter(kind="county_bureau").count() == 10


def test_groups_and_aliases():
    members = set(OrgGroup.objects.get(name="各监管科室").members.values_list("name", flat=True))
    assert members == {
        "危险化学品安全监督管理科",
        "矿山安全监督管理科",
        "工商贸行业安全管理科",
        "城市安全监督科",
    }
    alias = OrgAlias.objects.get(name="救灾和物资储备科")
    assert alias.organisation.name == "救灾和物资保障科" and not alias.confirmed
    assert OrgAlias.objects.get(name="森林消防大队").confirmed
    directory = name_directory()
    assert directory["aliases"]["救灾和物资储备科"] == ("救灾和物资保障科", False)
    assert len(directory["groups"]["各科室单位"]) == 17


def test_loader_is_idempotent(ctx):
    before = (Organisation.objects.count(), OrgAlias.objects.count())
    assert load_organisations()["created"] == 0
    assert (Organisation.objects.count(), OrgAlias.objects.count()) == before


def test_rename_keeps_old_name_as_confirmed_alias_and_is_audited(persona, ctx):
    admin = persona("city_admin")
    unit = Organisation.objects.get(name="市安全生产监察支队")
    do_rename_organisation(
        actor=admin,
        organisation=unit,
        new_name="兰州市应急管理综合行政执法支队",
        expected_version=unit.version,
    )
    unit.refresh_from_db()
    assert unit.name == "兰州市应急管理综合行政执法支队"
    alias = OrgAlias.objects.get(name="市安全生产监察支队")
    assert alias.organisation == unit and alias.confirmed
    event = AuditEvent.objects.get(verb="orgs.organisation.renamed")
    assert event.data == {
        "old_name": "市安全生产监察支队",
        "new_name": "兰州市应急管理综合行政执法支队",
    }
    change = ObjectChange.objects.filter(object_id=str(unit.pk), action="update").first()
    assert change.before["name"] == "市安全生产监察支队"
    assert change.after["name"] == "兰州市应急管理综合行政执法支队"
    # A re-load of the seed does not resurrect the old name as a second organisation.
    load_organisations()
    assert not Organisation.objects.filter(name="市安全生产监察支队").exists()


def test_rename_refuses_stale_version_duplicate_and_unauthorised(persona, ctx):
    admin = persona("city_admin")
    org = Organisation.objects.get(name="办公室")
    with pytest.raises(ConflictError):
        do_rename_organisation(
            actor=admin, organisation=org, new_name="综合办公室", expected_version=org.version + 5
        )
    with pytest.raises(ValidationFailed, match="已被"):
        do_rename_organisation(
            actor=admin, organisation=org, new_name="人事科", expected_version=org.version
        )
    with pytest.raises(ValidationFailed, match="别名"):
        do_rename_organisation(
            actor=admin, organisation=org, new_name="森林消防大队", expected_version=org.version
        )
    with pytest.raises(NotPermitted):
        do_rename_organisation(
            actor=persona("county_a"),
            organisation=org,
            new_name="综合办公室",
            expected_version=org.version,
        )
    org.refresh_from_db()
    assert org.name == "办公室" and not OrgAlias.objects.filter(organisation=org).exists()


def test_scopes_of_personas(persona):
    assert scope_of(persona("city_admin")).is_admin
    leader = scope_of(persona("leader"))
    assert leader.read_all and not leader.is_admin
    a = scope_of(persona("county_a"))
    assert a.region_paths == ("/620100/620104/",) and not a.read_all
    ent = scope_of(persona("enterprise"))
    assert len(ent.enterprise_org_ids) == 1 and not ent.region_paths
