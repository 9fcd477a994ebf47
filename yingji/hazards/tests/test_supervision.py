"""挂牌督办 belongs to the supervising authority (issue #12 A5), and a public place given with an
enterprise is refused, never dropped (A4)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.geo.models import Region
from yingji.hazards import selectors, services
from yingji.hazards.models import Hazard
from yingji.orgs.models import Membership, Organisation

from .test_hazards import act, graded, own_enterprise, photo, register, user

pytestmark = pytest.mark.django_db


def second_xigu_user():
    User = get_user_model()
    with actor_context(user("city_admin"), source="test"):
        other = User.objects.create(username="xigu_staff2", first_name="西固区应急局科员乙")
        Membership.objects.create(
            user=other, organisation=Organisation.objects.get(code="XGQ-YJJ"), role="county_staff"
        )
    return other


def awaiting_major(supervisor_code, supervised_by, rectifier="city_admin"):
    hazard = graded(level="major")
    hazard = act(
        services.do_supervise_hazard,
        supervised_by,
        hazard=hazard,
        supervisor=Organisation.objects.get(code=supervisor_code),
        until=timezone.localdate() + timedelta(days=60),
    )
    from .test_hazards import assess, report_major

    hazard = report_major(hazard, rectifier)
    hazard = act(services.do_start_rectification, rectifier, hazard=hazard)
    hazard = assess(hazard, rectifier)
    return act(
        services.do_submit_rectification,
        rectifier,
        hazard=hazard,
        rectification="已按方案整改完毕",
        evidence=[photo()],
    )


def test_a_county_cannot_supervise_in_the_citys_name():
    city = Organisation.objects.get(code="LZYJJ")
    major = graded(level="major")
    with pytest.raises(NotPermitted, match="只能以本单位名义"):
        act(
            services.do_supervise_hazard,
            "xigu_staff",
            hazard=major,
            supervisor=city,
            until=timezone.localdate() + timedelta(days=30),
        )
    major.refresh_from_db()
    assert not major.supervised
    names = {o.code for o in selectors.supervisors(user("xigu_staff"))}
    assert names == {"XGQ-YJJ"}
    assert "LZYJJ" in {o.code for o in selectors.supervisors(user("whk_staff"))}
    assert "XGQ-YJJ" not in {o.code for o in selectors.supervisors(user("whk_staff"))}


def test_only_the_supervising_authority_closes_a_supervised_hazard():
    second_xigu_user()
    hazard = awaiting_major("LZYJJ", "city_admin", rectifier="xigu_staff2")
    for name in ("xigu_staff",):
        assert not services.may_verify(user(name), hazard)
        with pytest.raises(NotPermitted, match="挂牌督办"):
            act(services.do_verify_hazard, name, hazard=hazard, passed=True, opinion="同意销号")
        with pytest.raises(NotPermitted, match="挂牌督办"):
            act(services.do_void_hazard, name, hazard=hazard, reason="重复登记")
    assert Hazard.objects.get(pk=hazard.pk).state == "awaiting_verification"
    # the city bureau's staff (its sections) act for it
    assert services.acts_for(user("whk_staff"), Organisation.objects.get(code="LZYJJ"))
    assert not services.acts_for(user("xigu_staff"), Organisation.objects.get(code="LZYJJ"))
    closed = act(
        services.do_verify_hazard, "city_admin", hazard=hazard, passed=True, opinion="同意"
    )
    assert closed.state == "closed"


def test_the_county_supervising_its_own_hazard_lets_its_staff_close_it():
    hazard = awaiting_major("XGQ-YJJ", "xigu_staff")
    second_xigu_user()
    assert services.may_verify(user("xigu_staff2"), hazard)
    closed = act(
        services.do_verify_hazard, "xigu_staff2", hazard=hazard, passed=True, opinion="同意"
    )
    assert closed.state == "closed"


def test_the_supervise_form_offers_only_the_users_own_bureau(as_user):
    hazard = graded(level="major")
    html = as_user("county_a").get(hazard.get_absolute_url()).content.decode()
    assert 'value="XGQ-YJJ"' in html and 'value="LZYJJ"' not in html


def test_an_enterprise_hazard_with_another_county_is_refused_not_dropped():
    chengguan = Region.objects.get(code="620102")
    count = Hazard.objects.count()
    with pytest.raises(ValidationFailed) as info:
        register("ent_user", enterprise=own_enterprise(), region=chengguan)
    assert "城关区" in info.value.details["region"]
    with pytest.raises(ValidationFailed) as info:
        register("ent_user", enterprise=own_enterprise(), place="城关区某广场")
    assert "公共场所" in info.value.details["place"]
    assert Hazard.objects.count() == count
    ok = register("ent_user", enterprise=own_enterprise(), region=Region.objects.get(code="620104"))
    assert ok.region == own_enterprise().region


def test_the_rectifier_is_not_shown_the_verify_form(as_user):
    hazard = act(services.do_start_rectification, "xigu_staff", hazard=graded())
    hazard = act(
        services.do_submit_rectification,
        "xigu_staff",
        hazard=hazard,
        rectification="已更换液位计并校验",
        evidence=[photo()],
    )
    html = as_user("county_a").get(hazard.get_absolute_url()).content.decode()
    assert 'id="verify-form"' not in html
    assert (
        'id="verify-form"' in as_user("city_admin").get(hazard.get_absolute_url()).content.decode()
    )
