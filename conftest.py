"""Shared fixtures: reference data loaded once per session, and the fixed personas of
DESIGN §5 (city admin, section staff, county A staff, county B staff, enterprise A1 user,
anonymous). County A is 西固区 (620104), county B is 城关区 (620102)."""

import pytest

from yingji.core.context import actor_context


def load_reference_and_demo():
    from yingji.core.demo import run_demo_loaders
    from yingji.geo.loader import load_regions
    from yingji.orgs.loader import load_organisations

    with actor_context(None, source="test", label="fixture"):
        load_regions()
        load_organisations()
        run_demo_loaders()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from yingji.core.testing import take_snapshot

    with django_db_blocker.unblock():
        load_reference_and_demo()
        take_snapshot()


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests (their tables are emptied after each test): the reference and
    demo data, restored from the session's snapshot rather than loaded again."""
    from yingji.core.testing import restore_snapshot
    from yingji.geo.models import Region

    if not Region.objects.exists():
        restore_snapshot()


PERSONAS = {
    "city_admin": "city_admin",
    "leader": "leader",
    "section": "whk_staff",
    "county_a": "xigu_staff",
    "county_b": "chengguan_staff",
    "enterprise": "ent_user",
}


@pytest.fixture
def persona(db):
    from django.contrib.auth import get_user_model

    User = get_user_model()

    def get(name):
        return User.objects.get(username=PERSONAS[name])

    return get


@pytest.fixture
def as_user(persona):
    """A new logged-in test client for a persona (each call: its own client)."""
    from django.test import Client

    def login(name):
        client = Client()
        client.force_login(persona(name))
        return client

    return login


@pytest.fixture
def ctx():
    """An explicit actor context for a test that writes directly (not through a view)."""
    with actor_context(None, source="test", label="test") as c:
        yield c


@pytest.fixture
def certified_team(db):
    """``name(inspection)``: two officers of the inspection's bureau, certified on its day, named
    on it — what 执法 (yingji.enforcement) requires before an inspection is 完成. For the tests
    of modules that may not import enforcement (inspections)."""
    import datetime as dt

    from yingji.enforcement.models import InspectionOfficer, LawOfficer

    def name(inspection, names=("测试执法员甲", "测试执法员乙")):
        day = inspection.inspected_on
        for i, who in enumerate(names):
            officer = LawOfficer.objects.create(
                name=who,
                organisation=inspection.authority,
                certificate_no=f"T{inspection.pk:06d}{i}",
                issuing_authority="甘肃省人民政府",
                valid_from=day - dt.timedelta(days=365),
                valid_until=day + dt.timedelta(days=365),
            )
            InspectionOfficer.objects.create(inspection_id=inspection.pk, officer=officer)

    return name
