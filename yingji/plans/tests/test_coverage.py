"""演练覆盖 (T32): per county, drills of each kind this year against a configurable target;
the page, its export, the API, and who may set targets."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.plans import selectors, services
from yingji.plans.choices import DEFAULT_DRILL_TARGETS
from yingji.plans.models import DrillTarget
from yingji.plans.schemas import DrillTargetIn

pytestmark = pytest.mark.django_db


def _row(data, code):
    return next(r for r in data["rows"] if r["code"] == code)


def test_it_counts_each_countys_drills_of_the_year(persona):
    year = timezone.localdate().year
    leader = persona("leader")
    data = selectors.drill_coverage(leader, year)
    xigu = _row(data, "620104")
    drills = selectors.visible_drills(leader).filter(
        held_on__year=year, region__path__startswith="/620100/620104/"
    )
    assert xigu["done"] == drills.count()
    assert sum(r["done"] for r in data["rows"]) > 0  # the demo holds drills this year
    for cell in xigu["cells"]:
        assert cell["done"] == drills.filter(kind=cell["kind"]).count()
        assert cell["target"] == DEFAULT_DRILL_TARGETS[cell["kind"]]
        assert cell["met"] == (cell["done"] >= cell["target"])
    assert len(data["rows"]) >= 8  # every county of the city


def test_a_county_target_overrides_the_default_and_is_audited(persona, ctx):
    city = persona("section")
    services.do_set_drill_target(actor=city, data=DrillTargetIn(kind="special", per_year=3))
    services.do_set_drill_target(
        actor=city, data=DrillTargetIn(kind="special", region="620104", per_year=5, note="石化区")
    )
    data = selectors.drill_coverage(persona("leader"), timezone.localdate().year)
    special = lambda code: next(c for c in _row(data, code)["cells"] if c["kind"] == "special")  # noqa: E731
    assert special("620104")["target"] == 5 and special("620102")["target"] == 3
    again = services.do_set_drill_target(actor=city, data=DrillTargetIn(kind="special", per_year=4))
    assert DrillTarget.objects.filter(kind="special", region=None).count() == 1
    assert again.per_year == 4
    assert AuditEvent.objects.filter(verb="plans.drill_target.set").count() >= 3


def test_only_city_staff_set_targets_and_bad_input_is_refused(persona, ctx):
    for who in ("county_a", "leader", "enterprise"):
        with pytest.raises(NotPermitted):
            services.do_set_drill_target(
                actor=persona(who), data=DrillTargetIn(kind="comms", per_year=9)
            )
    assert not DrillTarget.objects.filter(kind="comms").exists()
    with pytest.raises(ValidationFailed, match="县区编码"):
        services.do_set_drill_target(
            actor=persona("section"), data=DrillTargetIn(kind="comms", region="999999", per_year=1)
        )
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        DrillTargetIn(kind="comms", per_year=-1)


def test_a_county_sees_only_itself_and_the_enterprise_nothing(persona, as_user):
    data = selectors.drill_coverage(persona("county_a"), timezone.localdate().year)
    assert [r["code"] for r in data["rows"]] == ["620104"]
    assert as_user("enterprise").get("/plans/coverage/").status_code == 403
    assert as_user("enterprise").get("/api/v1/drill-coverage").status_code == 403


def test_the_page_the_export_and_the_api(as_user):
    client = as_user("leader")
    page = client.get("/plans/coverage/").content.decode()
    assert "西固区" in page and "target-form" not in page
    assert "target-form" in as_user("section").get("/plans/coverage/").content.decode()
    csv = client.get("/plans/coverage/?format=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("县区编码,县区,综合演练(已演练)")
    assert "620104" in csv
    xlsx = client.get("/plans/coverage/?format=xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    api = client.get("/api/v1/drill-coverage").json()
    assert {r["code"] for r in api["rows"]} >= {"620104", "620102"}


def test_the_coverage_tab_shows_only_to_those_who_may_open_it(as_user):
    assert 'href="/plans/coverage/"' not in as_user("enterprise").get("/plans/").content.decode()
    assert 'href="/plans/coverage/"' in as_user("county_a").get("/plans/").content.decode()
