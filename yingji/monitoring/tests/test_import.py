"""Observation files (CSV/xlsx) imported in steps with progress (#13): the same checks and
reasons as the API, rejected rows downloadable with their row number, core upload checks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from yingji.core.models import AuditEvent
from yingji.monitoring import importing
from yingji.monitoring.models import Observation, ObservationImport

from .helpers import make_station

pytestmark = pytest.mark.django_db


def _t(minutes_ago: int) -> str:
    t = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=minutes_ago)
    return t.isoformat()


def _rows():
    return [
        ["station", "element", "time", "value"],
        ["IMP-1", "rain", _t(120), "1.5"],  # row 2: kept
        ["IMP-1", "rain", _t(60), "2"],  # row 3: kept
        ["NOPE", "rain", _t(60), "1"],  # row 4: unknown station
        ["IMP-1", "rain", "2024-07-01T08:00:00", "1"],  # row 5: no time zone
        ["IMP-1", "rain", _t(30), "NaN"],  # row 6: not finite
        ["IMP-1", "rain", _t(20), "abc"],  # row 7: not a number
        ["IMP-1", "rain", _t(10), "9999"],  # row 8: out of range → quarantined
        ["=cmd|' /C calc'!A0", "rain", _t(10), "1"],  # row 9: formula-like, unknown
    ]


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def station(persona, ctx):
    return make_station(persona("section"), code="IMP-1")


def _upload(client, name, data):
    return client.post("/monitoring/imports/", {"file": SimpleUploadedFile(name, data)})


def _run(client, job):
    for _ in range(20):
        r = client.post(f"/monitoring/imports/{job.pk}/step/")
        assert r.status_code == 200
        job.refresh_from_db()
        if job.state == "done":
            return r.content.decode()
    raise AssertionError("the import did not finish")


def test_a_csv_is_imported_in_steps_with_progress_and_the_apis_reasons(
    station, as_user, monkeypatch
):
    monkeypatch.setattr(importing, "CHUNK", 3)
    client = as_user("section")
    r = _upload(client, "雨量.csv", _csv(_rows()))
    job = ObservationImport.objects.get(file_name="雨量.csv")
    assert r.status_code == 302 and r["Location"] == f"/monitoring/imports/{job.pk}/"
    assert job.total == 8 and job.done == 0 and job.rows[0] == 2
    page = client.get(r["Location"]).content.decode()
    assert f"/monitoring/imports/{job.pk}/step/" in page and "0 / 8" in page
    first = client.post(f"/monitoring/imports/{job.pk}/step/").content.decode()
    job.refresh_from_db()
    assert job.done == 3 and job.state == "running" and "3 / 8" in first
    assert 'hx-trigger="load' in first  # asks for the next step
    last = _run(client, job)
    assert "8 / 8" in last and 'hx-trigger="load' not in last
    assert job.accepted == 2 and job.quarantined == 1
    assert Observation.objects.filter(station=station).count() == 2
    # the same reasons as the API for the same records
    api = client.post(
        "/api/v1/monitoring/observations",
        json.dumps(
            {
                "observations": [
                    {
                        "station": r[0],
                        "element": r[1],
                        "time": r[2],
                        "value": float(r[3]) if r[3] not in ("abc",) else r[3],
                    }
                    for r in _rows()[1:]
                ]
            }
        ),
        content_type="application/json",
    ).json()
    assert [(x["row"], x["reason"]) for x in job.rejected] == [
        (x["index"] + 2, x["reason"]) for x in api["rejected"]
    ]
    assert [x["row"] for x in job.rejected] == [4, 5, 6, 7, 8, 9]
    assert AuditEvent.objects.filter(verb="monitoring.import.finished", object_id=str(job.pk))
    # rejected rows, downloadable, formula-safe
    download = client.get(f"/monitoring/imports/{job.pk}/rejected.csv")
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert lines[0] == ["行号", "station", "element", "time", "value", "原因"]
    assert lines[1][0] == "4" and lines[1][1] == "NOPE" and "不存在" in lines[1][5]
    assert lines[-1][1].startswith("'=")
    # a finished import does nothing more
    client.post(f"/monitoring/imports/{job.pk}/step/")
    job.refresh_from_db()
    assert job.accepted == 2 and len(job.rejected) == 6


def test_an_xlsx_with_chinese_headers_is_imported(station, as_user):
    book = Workbook()
    ws = book.active
    ws.append(["站点编码", "要素", "观测时间", "数值"])
    ws.append(["IMP-1", "rain", _t(90), 3.5])
    ws.append(["IMP-1", "rain", dt.datetime(2024, 7, 1, 8, 0), 1])  # an Excel date: no zone
    buf = io.BytesIO()
    book.save(buf)
    client = as_user("section")
    _upload(client, "雨量.xlsx", buf.getvalue())
    job = ObservationImport.objects.get(file_name="雨量.xlsx")
    _run(client, job)
    assert job.accepted == 1
    assert [x["row"] for x in job.rejected] == [3] and "时区" in job.rejected[0]["reason"]


def test_bad_files_are_refused_with_a_reason(station, as_user):
    client = as_user("section")
    r = client.post(
        "/monitoring/imports/",
        {"file": SimpleUploadedFile("x.xlsx", b"not a zip at all")},
        follow=True,
    )
    assert "内容与扩展名" in r.content.decode()
    r = client.post(
        "/monitoring/imports/",
        {"file": SimpleUploadedFile("x.csv", _csv([["a", "b"], ["1", "2"]]))},
        follow=True,
    )
    assert "缺少" in r.content.decode()
    r = client.post(
        "/monitoring/imports/", {"file": SimpleUploadedFile("x.exe", b"MZ")}, follow=True
    )
    assert "不支持的文件类型" in r.content.decode()
    assert not ObservationImport.objects.exists()


def test_an_import_is_its_uploaders(station, as_user):
    client = as_user("section")
    _upload(client, "雨量.csv", _csv(_rows()[:3]))
    job = ObservationImport.objects.get()
    other = as_user("county_b")
    assert other.get(f"/monitoring/imports/{job.pk}/").status_code == 404
    assert other.post(f"/monitoring/imports/{job.pk}/step/").status_code == 404
    assert other.get(f"/monitoring/imports/{job.pk}/rejected.csv").status_code == 404
    job.refresh_from_db()
    assert job.done == 0
    assert as_user("leader").get("/monitoring/imports/").status_code == 403
