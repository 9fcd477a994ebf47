"""The archive of briefs (issue #18): full-text search over the number, the title, the 研判意见
and the frozen snapshot (figures, tables, listed records), and by a day of the period — on the
page (list search and filters), the API and the platform search."""

from __future__ import annotations

import datetime as dt

import pytest

from yingji.reports import selectors
from yingji.reports.models import Brief

pytestmark = pytest.mark.django_db


def _weekly():
    return Brief.objects.filter(is_demo=True, kind="week").latest("period_start")


def _ids(response) -> list[int]:
    return [b["id"] for b in response.json()]


def test_the_snapshot_text_is_searchable_and_unrelated_text_is_not(as_user):
    weekly, monthly = _weekly(), Brief.objects.get(is_demo=True, kind="month")
    leader = as_user("leader")
    # the issue number only the weekly has
    assert _ids(leader.get("/api/v1/briefs", {"q": weekly.number})) == [weekly.pk]
    # a row of the snapshot's hazards table (a county name with its figures) is found
    hazards = next(s for s in weekly.figures["sections"] if s["key"] == "hazards")
    assert "隐患排查治理" in weekly.search_text and weekly.opinions["hazards"] in weekly.search_text
    opinion_words = weekly.opinions["hazards"][:8]
    assert weekly.pk in _ids(leader.get("/api/v1/briefs", {"q": opinion_words}))
    if hazards.get("table", {}).get("rows"):
        county = hazards["table"]["rows"][0][0]
        assert weekly.pk in _ids(leader.get("/api/v1/briefs", {"q": county}))
    assert _ids(leader.get("/api/v1/briefs", {"q": "不存在的词语甲乙丙"})) == []
    # by a day of the period
    day = weekly.period_start + dt.timedelta(days=2)
    found = _ids(leader.get("/api/v1/briefs", {"day": day.isoformat()}))
    assert weekly.pk in found and (monthly.pk in found) == (
        monthly.period_start <= day <= monthly.period_end
    )


def test_the_page_searches_the_archive_and_filters_by_day(as_user):
    weekly = _weekly()
    leader = as_user("leader")
    page = leader.get("/reports/", {"q": weekly.number}).content.decode()
    assert weekly.title in page
    page = leader.get("/reports/", {"q": "不存在的词语甲乙丙"}).content.decode()
    assert weekly.title not in page
    day = weekly.period_start.isoformat()
    assert weekly.title in leader.get("/reports/", {"day": day}).content.decode()
    assert weekly.title not in leader.get("/reports/", {"day": "不是日期"}).content.decode()
    hits = selectors.search(weekly.drafted_by, weekly.number, 5)
    assert [h.url for h in hits] == [weekly.get_absolute_url()]


def test_an_edit_keeps_the_search_text_current(persona, ctx):
    draft = Brief.objects.get(is_demo=True, kind="month")
    draft.opinions = {**draft.opinions, "plans": "演练覆盖不足需加强专项演练"}
    draft.save(update_fields=["opinions"])
    draft.refresh_from_db()
    assert "演练覆盖不足需加强专项演练" in draft.search_text
