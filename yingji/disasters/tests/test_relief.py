"""救助: the relief records of a process, checked against the reports; denials per persona."""

import pytest

from yingji.core.context import actor_context
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.disasters import selectors, services
from yingji.disasters.models import DisasterProcess, ReliefRecord
from yingji.disasters.schemas import ReliefIn

pytestmark = pytest.mark.django_db


def _process():
    return DisasterProcess.objects.get(name__endswith="暴雨山洪灾害(演示)")


def _relief(**extra):
    data = {
        "kind": "transition",
        "process": _process().pk,
        "region": "620104103202",
        "head_name": "李建成",
        "persons": 4,
        "amount": "3600",
    }
    return ReliefIn(**(data | extra))


def test_summary_against_the_reports(persona):
    summary = selectors.relief_summary(_process(), persona("section"))
    # demo: 3 households; 西固 3 collapsed + 8 badly damaged, 城关 1 collapsed
    assert summary["households"] == 4 and summary["persons"] == 14
    assert summary["damaged_households"] == 12 and not summary["exceeds"]


def test_county_records_in_its_county_only(persona):
    county_a, county_b = persona("county_a"), persona("county_b")
    with actor_context(county_a, source="test"):
        record = services.do_record_relief(actor=county_a, data=_relief())
    assert record.recorded_by == county_a
    before = ReliefRecord.objects.count()
    with actor_context(county_b, source="test"), pytest.raises(NotPermitted):
        services.do_record_relief(actor=county_b, data=_relief(head_name="王五"))
    with actor_context(county_a, source="test"), pytest.raises(ValidationFailed):
        services.do_record_relief(actor=county_a, data=_relief(region="620104"))  # a county
    assert ReliefRecord.objects.count() == before
    assert not selectors.visible_relief(county_b).filter(pk=record.pk).exists()


def test_transition_relief_needs_a_process():
    with pytest.raises(ValueError):
        _relief(process=None)


def test_pages_and_api(as_user):
    client = as_user("county_a")
    page = client.get("/disasters/relief/")
    assert page.status_code == 200 and "马永福" in page.content.decode()
    assert "马永福" not in as_user("county_b").get("/disasters/relief/").content.decode()
    rows = as_user("leader").get("/api/v1/disasters/relief").json()
    assert {r["head_name"] for r in rows} >= {"马永福", "马玉兰", "王世杰"}
    process = _process()
    html = as_user("section").get(f"/disasters/processes/{process.pk}/").content.decode()
    assert 'id="relief-summary"' in html and "已登记 4 户 14 人" in html
