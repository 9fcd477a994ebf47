"""死亡失踪人员名单, the count check before a report goes in, 审核 gating the roll-up, and the
Word 灾情报告 — on the session's demo world (马福贵 missing in 岔路村 of 西固区 达川镇, 刘秀英
dead in 城关区; 城关's 续报 waits for the city's 审核)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.disasters import selectors, services
from yingji.disasters.models import CasualtyPerson, DisasterProcess, LossReport
from yingji.disasters.schemas import CasualtyChangeIn, CasualtyIn, ConfirmIn, LossReportIn
from yingji.standards import disaster_stats as stats

pytestmark = pytest.mark.django_db

MA_ID = "620104195803120313"


def _process():
    return DisasterProcess.objects.get(name__endswith="暴雨山洪灾害(演示)")


def _user(name):
    return get_user_model().objects.get(username=name)


def _ma():
    return CasualtyPerson.objects.get(process=_process(), name="马福贵", is_current=True)


def _counts():
    return LossReport.objects.count(), CasualtyPerson.objects.count(), AuditEvent.objects.count()


def _followup(region="620104103", **figures):
    base = {
        "affected_people": 1020,
        "relocated": 160,
        "need_aid": 60,
        "collapsed_households": 3,
        "collapsed_rooms": 7,
        "severe_households": 6,
        "severe_rooms": 14,
        "crop_affected": 96,
        "crop_damaged": 40,
        "crop_lost": 6,
        "direct_loss": 388,
    }
    return LossReportIn(
        region=region, kind="followup", as_of=timezone.localdate(), **(base | figures)
    )


def _person(region="620104103202", **kw):
    start = timezone.localtime(_process().started_at).date()
    data = {
        "process": _process().pk,
        "region": region,
        "name": "李春生",
        "sex": "M",
        "age": 52,
        "state": "dead",
        "occurred_on": start,
        "cause": "山洪冲毁房屋",
    } | kw
    return CasualtyIn(**data)


# --- the count check -------------------------------------------------------------------------


def test_a_report_whose_counts_differ_from_the_list_is_refused_and_changes_nothing(persona):
    user = persona("county_a")
    before = _counts()
    with actor_context(user, source="test"), pytest.raises(ValidationFailed) as exc:
        services.do_submit_loss_report(actor=user, process=_process(), data=_followup())
    message = str(exc.value)
    assert "因灾失踪人口填报0人" in message and "名单中因灾失踪1人" in message
    assert exc.value.details["errors"][0]["field"] == "missing"
    assert _counts() == before
    with actor_context(user, source="test"):
        report = services.do_submit_loss_report(
            actor=user, process=_process(), data=_followup(missing=1)
        )
    assert list(report.casualties.all()) == [_ma()]


def test_the_county_and_the_city_count_everything_below(persona):
    counts = selectors.casualty_counts(_process(), persona("section"))
    assert counts == {"dead": 1, "missing": 1, "found": 0}
    xigu = selectors.casualty_counts(_process(), persona("county_a"))
    assert xigu == {"dead": 0, "missing": 1, "found": 0}  # 城关's person is not theirs
    county_report = LossReport.objects.filter(
        process=_process(), region__code="620104", kind="followup"
    ).latest("pk")
    assert county_report.figures["missing"] == 1 and county_report.casualties.count() == 1


# --- recording persons: grants and denials ----------------------------------------------------


def test_county_records_in_its_own_county_with_an_audit_record(persona):
    user = persona("county_a")
    with actor_context(user, source="test"):
        person = services.do_record_casualty(actor=user, data=_person(id_number=""))
    assert person.is_current and person.recorded_by == user
    event = AuditEvent.objects.filter(verb="disasters.casualty.recorded").latest("pk")
    assert event.object_id == str(person.pk) and event.actor == user
    assert "李春生" not in event.message  # names stay out of the audit text


@pytest.mark.parametrize(
    ("who", "region", "error"),
    [
        ("county_b", "620104103202", NotPermitted),  # another county
        ("leader", "620104103202", NotPermitted),  # read-only
        ("enterprise", "620104103202", NotPermitted),
    ],
)
def test_others_may_not_record(persona, who, region, error):
    user = persona(who)
    before = _counts()
    with actor_context(user, source="test"), pytest.raises(error):
        services.do_record_casualty(actor=user, data=_person(region=region))
    assert _counts() == before


def test_an_officer_records_for_their_village_only(db):
    officer = _user("xxy_chalu")
    with actor_context(officer, source="test"):
        with pytest.raises(NotPermitted):
            services.do_record_casualty(actor=officer, data=_person(region="620104103202"))
        person = services.do_record_casualty(actor=officer, data=_person(region="620104103201"))
    assert person.region.code == "620104103201"


def test_bad_input_is_refused_with_a_clear_message(persona):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="身份证号不正确"):
        _person(id_number="620104195803120314")  # wrong check character
    user = persona("county_a")
    before = _counts()
    early = timezone.localtime(_process().started_at).date() - dt.timedelta(days=2)
    with actor_context(user, source="test"), pytest.raises(ValidationFailed, match="不能早于"):
        services.do_record_casualty(actor=user, data=_person(occurred_on=early))
    with actor_context(user, source="test"), pytest.raises(ValidationFailed, match="已在"):
        services.do_record_casualty(actor=user, data=_person(id_number=MA_ID))
    assert _counts() == before


def test_the_form_shows_the_message(as_user):
    client = as_user("county_a")
    before = _counts()
    r = client.post(
        "/disasters/casualties/record/",
        {
            "process": _process().pk,
            "region": "620104103202",
            "name": "李春生",
            "sex": "M",
            "age": "52",
            "id_number": "123",
            "state": "dead",
            "occurred_on": timezone.localdate().isoformat(),
            "cause": "山洪",
        },
        follow=True,
    )
    assert "身份证号不正确" in r.content.decode() and _counts() == before


# --- 失踪 → 死亡/找到 as new versions ------------------------------------------------------


def test_missing_found_is_a_new_version_and_the_next_report_follows(persona):
    user = persona("county_a")
    old = _ma()
    counted_before = list(old.reports.values_list("pk", flat=True))
    with actor_context(user, source="test"):
        new = services.do_change_casualty_state(
            actor=user,
            person=old,
            data=CasualtyChangeIn(
                state="found", occurred_on=timezone.localdate(), reason="在下游村庄找到,安全"
            ),
        )
    old.refresh_from_db()
    assert not old.is_current and new.supersedes == old and new.state == "found"
    assert list(old.reports.values_list("pk", flat=True)) == counted_before  # history kept
    event = AuditEvent.objects.filter(verb="disasters.casualty.changed").latest("pk")
    assert "因灾失踪" in event.message and "已找到" in event.message
    with (
        actor_context(user, source="test"),
        pytest.raises(ValidationFailed, match="名单中因灾失踪0人"),
    ):
        services.do_submit_loss_report(actor=user, process=_process(), data=_followup(missing=1))
    with actor_context(user, source="test"):
        services.do_submit_loss_report(
            actor=user, process=_process(), data=_followup(warning_reason="失踪人员已找到")
        )


def test_invalid_changes_are_refused_and_change_nothing(persona):
    county_a, county_b = persona("county_a"), persona("county_b")
    old = _ma()
    data = CasualtyChangeIn(state="dead", occurred_on=timezone.localdate(), reason="确认遇难")
    before = _counts()
    with actor_context(county_b, source="test"), pytest.raises(NotPermitted):
        services.do_change_casualty_state(actor=county_b, person=old, data=data)
    liu = CasualtyPerson.objects.get(name="刘秀英", is_current=True)
    with actor_context(county_b, source="test"), pytest.raises(InvalidTransition):
        services.do_change_casualty_state(
            actor=county_b,
            person=liu,
            data=CasualtyChangeIn(state="found", occurred_on=timezone.localdate(), reason="误报"),
        )
    assert _counts() == before
    with actor_context(county_a, source="test"):
        services.do_change_casualty_state(actor=county_a, person=old, data=data)
    before = _counts()
    with actor_context(county_a, source="test"), pytest.raises(InvalidTransition):
        services.do_change_casualty_state(actor=county_a, person=old, data=data)  # old version
    assert _counts() == before


# --- masking ---------------------------------------------------------------------------------


def test_id_numbers_are_masked_for_leaders_in_pages_and_exports(as_user):
    masked = MA_ID[:6] + "*" * 10 + MA_ID[-2:]
    for who, full in (("section", True), ("county_a", True), ("leader", False)):
        client = as_user(who)
        html = client.get(f"/disasters/casualties/?process={_process().pk}").content.decode()
        assert (MA_ID in html) is full and (masked in html) is not full, who
        csv = client.get(f"/disasters/casualties/?process={_process().pk}&export=csv")
        body = b"".join(csv.streaming_content).decode("utf-8-sig")
        assert (MA_ID in body) is full, who
    report = LossReport.objects.filter(process=_process(), casualties=_ma()).first()
    leader_page = as_user("leader").get(report.get_absolute_url()).content.decode()
    assert "马福贵" in leader_page and MA_ID not in leader_page and masked in leader_page
    assert as_user("county_b").get(_ma().get_absolute_url()).status_code == 404
    assert as_user("enterprise").get("/disasters/casualties/").status_code == 403


def test_api_list_masks_and_record_works(as_user):
    import json

    leader = as_user("leader").get(f"/api/v1/disasters/casualties?process={_process().pk}")
    assert leader.status_code == 200
    ids = {p["name"]: p["id_number"] for p in leader.json()}
    assert ids["马福贵"].startswith("620104**") and ids["马福贵"] != MA_ID
    county = as_user("county_a")
    r = county.post(
        "/api/v1/disasters/casualties",
        json.dumps(_person().model_dump(mode="json")),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert as_user("county_b").get("/api/v1/disasters/casualties").json()[0]["name"] == "刘秀英"


# --- 审核 gating the roll-up ------------------------------------------------------------------


def _expected_total(process):
    """Independently: per county, its latest confirmed report, else the sum of its townships'
    latest confirmed reports."""
    total: dict = {}
    for county in ("620104", "620102", "620103"):
        own = (
            LossReport.objects.filter(
                process=process, region__code=county, confirmed_at__isnull=False
            )
            .order_by("-submitted_at", "-pk")
            .first()
        )
        parts = [own.figures] if own else []
        if own is None:
            for code in {
                r.region.code
                for r in LossReport.objects.filter(
                    process=process, region__level="township", region__code__startswith=county
                )
            }:
                r = (
                    LossReport.objects.filter(
                        process=process, region__code=code, confirmed_at__isnull=False
                    )
                    .order_by("-submitted_at", "-pk")
                    .first()
                )
                if r:
                    parts.append(r.figures)
        for figures in parts:
            for k, v in figures.items():
                total[k] = total.get(k, 0) + v
    return total


def test_roll_up_equals_the_sum_of_confirmed_reports_exactly(persona):
    city, county_a, county_b = persona("section"), persona("county_a"), persona("county_b")
    process = _process()

    def total():
        return {k: float(v) for k, v in selectors.rollup(process, city)["total_figures"].items()}

    assert total() == {k: float(v) for k, v in _expected_total(process).items()}
    # 城关 corrects its 初报 upward: not counted until the city confirms it
    first = LossReport.objects.filter(process=process, region__code="620102").earliest("pk")
    data = LossReportIn(
        region="620102",
        kind="initial",
        corrects=first.pk,
        correction_reason="漏报一个社区",
        warning_reason="损失评估中",
        **(first.figures | {"affected_people": 320, "deaths": 1}),  # the list has 刘秀英 now
    )
    with actor_context(county_b, source="test"):
        correction = services.do_submit_loss_report(actor=county_b, process=process, data=data)
    before = total()
    assert before == {k: float(v) for k, v in _expected_total(process).items()}
    roll = selectors.rollup(process, city)
    assert correction in roll["pending"]
    with actor_context(city, source="test"):
        services.do_confirm_loss_report(
            actor=city,
            report=LossReport.objects.get(process=process, region__code="620102", kind="followup"),
            data=ConfirmIn(),
        )
    after = total()
    assert after == {k: float(v) for k, v in _expected_total(process).items()}
    assert after["affected_people"] == before["affected_people"] + 40
    # a county's roll-up of its townships counts only the ones it confirmed
    xigu = selectors.county_rollup(process, county_a, _region("620104"))
    assert {r["region"].code for r in xigu["rows"]} == {"620104103", "620104104"}
    assert all(r["report"].confirmed_at for r in xigu["rows"])
    assert sum(r["figures"]["affected_people"] for r in xigu["rows"]) == 1020 + 510


def _region(code):
    from yingji.geo.models import Region

    return Region.objects.get(code=code)


# --- the Word report -------------------------------------------------------------------------


def _docx_text(data: bytes) -> tuple[str, list[list[str]]]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return text, tables


def test_word_report_of_the_city(as_user):
    process = _process()
    r = as_user("section").get(f"/disasters/processes/{process.pk}/report.docx")
    assert r.status_code == 200 and r["Content-Type"].endswith("wordprocessingml.document")
    text, tables = _docx_text(r.content)
    figures = selectors.rollup(process, _user("whk_staff"))["total_figures"]
    assert f"受灾人口{int(figures['affected_people'])}人次" in text
    assert "因灾死亡0人" in text  # counted: 城关's 续报 with the death is not yet confirmed
    assert "1份报告待审核" in text and "受灾人口 +40" in text
    assert "名单现有因灾死亡1人、因灾失踪1人" in text
    indicator, deadlines, persons = tables
    total = float(indicator[-1][2].replace(",", ""))  # thousands separators, as on the pages
    assert indicator[-1][0] == "合计" and total == figures["affected_people"]
    by_region = {row[0]: row for row in deadlines}
    assert "迟报" in by_region["城关区"][2] and by_region["七里河区"][1] == "未报"
    assert {row[0] for row in persons[1:]} == {"马福贵", "刘秀英"}


def test_word_report_hides_names_from_leaders_and_serves_a_county(as_user):
    process = _process()
    text, tables = _docx_text(
        as_user("leader").get(f"/disasters/processes/{process.pk}/report.docx").content
    )
    assert "马福贵" not in text and len(tables) == 2 and "只列人数" in text
    county = as_user("county_a").get(f"/disasters/processes/{process.pk}/report.docx?region=620104")
    text, tables = _docx_text(county.content)
    assert text.startswith("西固区关于") and "因灾失踪1人" in text
    assert {row[0] for row in tables[0][1:-1]} == {"达川镇", "柳泉镇"}
    assert "马福贵" in text or any("马福贵" in row[0] for row in tables[-1])
    refused = as_user("county_b").get(
        f"/disasters/processes/{process.pk}/report.docx?region=620104"
    )
    assert refused.status_code == 404
    assert stats.table()["source"] in text or "时限依据" in text
