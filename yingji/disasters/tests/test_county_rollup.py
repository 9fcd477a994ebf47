"""A county's page of its townships: the confirmed figures, a township's pending report and its
gap, the affected townships that have not reported, late reports, the xlsx; the city sees every
county's, a county only its own."""

import datetime as dt
import io
import json

import openpyxl
import pytest

from yingji.core.context import actor_context
from yingji.disasters import selectors, services
from yingji.disasters.models import DisasterProcess
from yingji.disasters.schemas import LossReportIn
from yingji.geo.models import Region

pytestmark = pytest.mark.django_db


def _process():
    return DisasterProcess.objects.get(name__endswith="暴雨山洪灾害(演示)")


def test_the_townships_of_xigu_with_a_pending_gap_and_a_silent_township(persona):
    process, county = _process(), persona("county_a")
    process.affected_regions.add(
        Region.objects.get(code="620104102")
    )  # 河口镇: listed, never reported
    town = persona("county_a")
    with actor_context(town, source="test"):
        pending = services.do_submit_loss_report(
            actor=town,
            process=process,
            data=LossReportIn(
                region="620104103",
                kind="followup",
                as_of=dt.date.today(),
                affected_people=1100,
                missing=1,
                warning_reason="补报",
                summary="续报",
            ),
        )
    xigu = Region.objects.get(code="620104")
    data = selectors.county_rollup(process, county, xigu)
    rows = {row["region"].code: row for row in data["rows"]}
    assert set(rows) == {"620104103", "620104104"}
    dachuan = rows["620104103"]
    assert dachuan["pending"] == [pending] and dachuan["gap"]["affected_people"] == 1100 - 1020
    assert data["total"][0] == 1020 + 510  # confirmed only
    assert [r.code for r in data["silent"]] == ["620104102"]
    header, table = selectors.county_rollup_table(process, county, xigu)
    assert table[-1][0] == "待审核未计入" and "受灾人口 +80" in table[-1][2]


def test_pages_permissions_and_export(as_user):
    process = _process()
    url = f"/disasters/processes/{process.pk}/county/620104/"
    page = as_user("county_a").get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "达川镇" in body and 'id="county-late"' in body
    assert as_user("county_b").get(url).status_code == 404  # 城关 cannot open 西固's
    assert as_user("section").get(url).status_code == 200  # the city sees every county's
    assert (
        as_user("county_a").get(f"/disasters/processes/{process.pk}/county/620199/").status_code
        == 404
    )
    sheet = as_user("county_a").get(url + "?export=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(sheet.streaming_content)))
    names = [row[0] for row in wb.active.iter_rows(values_only=True)]
    assert "乡镇合计(已审核)" in names and "西固区本级" in names
    # the process page links each county the user may open, and only those
    detail = as_user("county_b").get(process.get_absolute_url()).content.decode()
    assert "/county/620102/" in detail and "/county/620104/" not in detail


def test_api(as_user):
    process = _process()
    url = f"/api/v1/disasters/processes/{process.pk}/counties/620104/rollup"
    data = as_user("county_a").get(url).json()
    assert {r["region"] for r in data["rows"]} == {"620104103", "620104104"}
    assert data["total"]["affected_people"] == 1530
    assert as_user("county_b").get(url).status_code == 404
    assert json.loads(as_user("leader").get(url).content)["process"] == process.pk
