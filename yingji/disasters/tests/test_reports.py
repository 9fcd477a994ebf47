"""灾情报送 through the services, the API and the pages, on the session's demo world (a 暴雨山洪
process with reports from 西固 (on time) and 城关 (late), 七里河 missing)."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model

from yingji.core.context import actor_context
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.disasters import selectors, services
from yingji.disasters.models import DisasterProcess, InfoOfficer, LossReport
from yingji.disasters.schemas import ConfirmIn, LossReportIn, QuickReportIn

pytestmark = pytest.mark.django_db


def _process():
    return DisasterProcess.objects.get(name__endswith="暴雨山洪灾害(演示)")


def _user(name):
    return get_user_model().objects.get(username=name)


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_demo_world_roll_up_shows_the_missing_county_and_the_late_one(persona):
    data = selectors.rollup(_process(), persona("section"))
    rows = {row["region"].code: row for row in data["rows"]}
    assert set(rows) == {"620102", "620103", "620104"}
    assert [r.code for r in data["missing"]] == ["620103"]  # 七里河 has not reported
    assert "迟报" in rows["620102"]["status"] and "迟报" not in rows["620104"]["status"]
    xigu = rows["620104"]
    assert xigu["children"] == 2 and xigu["findings"] == []  # county = sum of its townships
    assert xigu["figures"]["affected_people"] == 1020 + 510
    # 城关's 续报 waits for the city's 审核: its confirmed 初报 counts, the gap is stated
    chengguan = rows["620102"]
    assert "待审核" in chengguan["status"] and chengguan["report"].kind == "initial"
    assert chengguan["gap"] == {"affected_people": 40, "deaths": 1, "direct_loss": 145}
    assert data["total_figures"]["affected_people"] == 1020 + 510 + 300
    assert data["gap_total"]["affected_people"] == 40


def test_a_county_sees_its_own_reports_only(persona):
    mine = selectors.visible_reports(persona("county_a"))
    assert mine.exists() and not mine.exclude(region__path__startswith="/620100/620104/").exists()
    assert not selectors.visible_reports(persona("enterprise")).exists()
    data = selectors.rollup(_process(), persona("county_a"))
    assert {row["region"].code for row in data["rows"] if row["report"]} == {"620104"}


def _report(**figures):
    return LossReportIn(region="620104104", kind="followup", as_of="2026-07-01", **figures)


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"crop_affected": 10, "crop_damaged": 20, "direct_loss": 1}, "crop_damaged"),
        ({"collapsed_households": 4, "collapsed_rooms": 3, "direct_loss": 1}, "collapsed_rooms"),
    ],
)
def test_a_logical_error_refuses_and_changes_nothing(persona, figures, field):
    user = persona("county_a")
    before = LossReport.objects.count(), AuditEvent.objects.count()
    with actor_context(user, source="test"), pytest.raises(ValidationFailed) as exc:
        services.do_submit_loss_report(actor=user, process=_process(), data=_report(**figures))
    assert exc.value.details["errors"][0]["field"] == field
    assert (LossReport.objects.count(), AuditEvent.objects.count()) == before


def test_a_warning_needs_a_reason(persona):
    user = persona("county_a")
    data = _report(affected_people=10)  # less than the previous report: a warning
    with actor_context(user, source="test"), pytest.raises(ValidationFailed) as exc:
        services.do_submit_loss_report(actor=user, process=_process(), data=data)
    assert exc.value.details["field"] == "warning_reason"
    data = _report(affected_people=10, warning_reason="经核实,重复统计的人口已剔除")
    with actor_context(user, source="test"):
        report = services.do_submit_loss_report(actor=user, process=_process(), data=data)
    assert report.findings and report.warning_reason.startswith("经核实")


def test_a_county_cannot_report_for_another_county(persona):
    user = persona("county_b")  # 城关
    data = LossReportIn(
        region="620104104", kind="followup", as_of="2026-07-01", affected_people=999
    )
    before = LossReport.objects.count()
    with actor_context(user, source="test"), pytest.raises(NotPermitted):
        services.do_submit_loss_report(actor=user, process=_process(), data=data)
    assert LossReport.objects.count() == before


def test_a_second_initial_report_is_refused_and_a_correction_shows_above(persona):
    user = persona("county_a")
    process = _process()
    with actor_context(user, source="test"), pytest.raises(ValidationFailed):
        services.do_submit_loss_report(
            actor=user, process=process, data=LossReportIn(region="620104", kind="initial")
        )
    latest = selectors.latest_report(process, _region("620104104"))
    corrected = LossReportIn(
        region="620104104",
        kind=latest.kind,
        as_of=latest.as_of,
        corrects=latest.pk,
        correction_reason="柳泉镇受灾人口少报",
        **(latest.figures | {"affected_people": latest.figures["affected_people"] + 100}),
    )
    with actor_context(user, source="test"):
        report = services.do_submit_loss_report(actor=user, process=process, data=corrected)
    assert report.corrects == latest and not report.is_late and report.due_at is None
    row = next(r for r in selectors.rollup(process, user)["rows"] if r["region"].code == "620104")
    # not yet confirmed: listed as pending, not counted, so no conflict yet
    assert report in row["pending"] and row["findings"] == []
    city = persona("section")
    with actor_context(city, source="test"):
        services.do_confirm_loss_report(actor=city, report=report, data=ConfirmIn())
    row = next(r for r in selectors.rollup(process, user)["rows"] if r["region"].code == "620104")
    # confirmed: the county's own figure is now below the sum of its townships: an error above
    assert [f.field for f in row["findings"] if f.level == "error"] == ["affected_people"]
    event = AuditEvent.objects.filter(verb="disasters.report.submitted").latest("pk")
    assert "更正" in event.message and event.data["reason"] == "柳泉镇受灾人口少报"


def _region(code):
    from yingji.geo.models import Region

    return Region.objects.get(code=code)


def test_confirm_by_the_level_above_only(persona):
    process = _process()
    township = LossReport.objects.filter(
        process=process, region__code="620104103", confirmed_at__isnull=True
    ).latest("pk")
    county_b, county_a, city = persona("county_b"), persona("county_a"), persona("section")
    with actor_context(county_b, source="test"), pytest.raises(NotPermitted):
        services.do_confirm_loss_report(actor=county_b, report=township, data=ConfirmIn())
    own_county = LossReport.objects.filter(process=process, region__code="620104").latest("pk")
    with actor_context(county_a, source="test"), pytest.raises(NotPermitted):
        # a county does not confirm its own county-level report: the city does
        services.do_confirm_loss_report(actor=county_a, report=own_county, data=ConfirmIn())
    with actor_context(city, source="test"):
        done = services.do_confirm_loss_report(actor=city, report=township, data=ConfirmIn())
    assert done.confirmed_by == city and done.confirmed_at is not None


def test_the_officer_reports_for_their_village_only(db):
    officer = _user("xxy_chalu")
    post = InfoOfficer.objects.filter(user=officer).first()
    assert post.region.code == "620104103201"
    process = _process()
    with actor_context(officer, source="test"):
        with pytest.raises(NotPermitted):  # another village
            services.do_submit_quick_report(
                actor=officer,
                data=QuickReportIn(
                    process=process.pk, region="620104103202", summary="河水漫过村道"
                ),
            )
        with pytest.raises(ValidationFailed):  # their village already has its 初报
            services.do_submit_quick_report(
                actor=officer,
                data=QuickReportIn(
                    process=process.pk, region="620104103201", summary="河水漫过村道"
                ),
            )
    first = LossReport.objects.get(process=process, region__code="620104103201", kind="initial")
    assert first.source == "officer" and first.submitted_by == officer and not first.is_late


def test_quick_page_on_a_phone(client):
    officer = _user("xxy_chalu")
    client.force_login(officer)
    page = client.get("/disasters/quick/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "岔路村" in html and "form-control-lg" in html
    assert client.get("/disasters/").status_code == 200  # the module opens for an officer


def test_pages_and_exports(as_user):
    client = as_user("section")
    process = _process()
    page = client.get(f"/disasters/processes/{process.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "七里河区" in html and "迟报" in html
    xlsx = client.get(f"/disasters/processes/{process.pk}/?export=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("区划", "代码", "状态")
    total = next(r for r in rows if r[0] == "合计(已审核)")
    assert float(total[3]) == 1020 + 510 + 300
    assert rows[-1][0] == "待审核未计入" and "受灾人口 +40" in rows[-1][2]
    listing = client.get("/disasters/reports/?late=yes")
    assert listing.status_code == 200 and "城关区" in listing.content.decode()
    assert as_user("enterprise").get("/disasters/").status_code == 403
    assert as_user("enterprise").get(f"/disasters/processes/{process.pk}/").status_code == 404


def test_report_form_refuses_with_the_field_message(as_user):
    client = as_user("county_a")
    process = _process()
    before = LossReport.objects.count()
    r = client.post(
        f"/disasters/processes/{process.pk}/report/",
        {
            "region": "620104104",
            "kind": "followup",
            "as_of": "2026-07-02",
            "crop_affected": "5",
            "crop_damaged": "9",
            "direct_loss": "1",
        },
        follow=True,
    )
    assert "农作物成灾面积" in r.content.decode() and LossReport.objects.count() == before


def test_api_submit_read_and_confirm(as_user):
    process = _process()
    county = as_user("county_a")
    r = _post(
        county,
        f"/api/v1/disasters/processes/{process.pk}/reports",
        {
            "region": "620104103",
            "kind": "followup",
            "as_of": "2026-07-02",
            "affected_people": 1100,
            "relocated": 160,
            "need_aid": 60,
            "collapsed_households": 3,
            "collapsed_rooms": 7,
            "severe_households": 6,
            "severe_rooms": 14,
            "crop_affected": 96,
            "crop_damaged": 40,
            "crop_lost": 6,
            "direct_loss": 400,
            "missing": 1,  # 马福贵 of 岔路村 is on the name list
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["figures"]["affected_people"] == 1100 and body["source"] == "api"
    bad = _post(
        county,
        f"/api/v1/disasters/processes/{process.pk}/reports",
        {
            "region": "620104103",
            "kind": "followup",
            "as_of": "2026-07-02",
            "deaths": 5,
            "affected_people": 2,
        },
    )
    assert bad.status_code == 422 and "因灾死亡人口" in bad.json()["message"]
    city = as_user("section")
    ok = _post(
        city, f"/api/v1/disasters/reports/{body['id']}/confirm", {"version": body["version"]}
    )
    assert ok.status_code == 200 and ok.json()["confirmed_by"]
    roll = city.get(f"/api/v1/disasters/processes/{process.pk}/rollup").json()
    assert roll["missing"] == ["620103"]
    assert as_user("county_b").get(f"/api/v1/disasters/reports/{body['id']}").status_code == 404


def test_officer_coverage_from_the_village_list(persona):
    rows = {r["county"].code: r for r in selectors.coverage(persona("section"))}
    from yingji.geo.models import Region

    xigu_villages = Region.objects.filter(level="village", code__startswith="620104").count()
    assert rows["620104"]["villages"] == xigu_villages
    covered = (
        InfoOfficer.objects.filter(
            active=True, region__level="village", region__code__startswith="620104"
        )
        .values("region")
        .distinct()
        .count()
    )
    assert rows["620104"]["covered"] == covered and 0 < covered < xigu_villages
    assert len(rows["620104"]["missing"]) == xigu_villages - covered
    assert set(r["county"].code for r in selectors.coverage(persona("county_a"))) == {"620104"}
