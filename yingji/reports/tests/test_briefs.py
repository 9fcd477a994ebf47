"""研判简报: figures equal the modules' own selectors on the demo, the snapshot does not move
after issue, the workflow (reviewer ≠ drafter, invalid transitions change nothing), each
persona's grants and denials, the idempotent daily job, the .docx, the pages and the API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from yingji.core.errors import DomainError, InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.reports import selectors, services
from yingji.reports.models import Brief
from yingji.reports.schemas import (
    BriefApproveIn,
    BriefGenerateIn,
    BriefIssueIn,
    BriefOpinionsIn,
    BriefReturnIn,
    BriefSubmitIn,
)
from yingji.reports.sections import bounds

pytestmark = pytest.mark.django_db


def _metric(brief, section, key):
    s = next(s for s in brief.figures["sections"] if s["key"] == section)
    return next(m for m in s["metrics"] if m["key"] == key)


def _weekly():
    return Brief.objects.filter(is_demo=True, kind="week").latest("period_start")


def _monthly():
    return Brief.objects.get(is_demo=True, kind="month")


def _generate(user, kind="month", region="620104", day=dt.date(2026, 3, 10)):
    return services.do_generate_brief(
        actor=user, data=BriefGenerateIn(kind=kind, region=region, day=day)
    )


def _written(user, brief):
    return services.do_edit_brief(
        actor=user,
        brief=brief,
        data=BriefOpinionsIn(
            opinions={"hazards": "隐患逾期集中,要督办。"},
            risk_outlook="风险上升。",
            advice="加强检查。",
            version=brief.version,
        ),
    )


# --- the figures are the modules' own counts -------------------------------------------------


def test_it_counts_hazards_as_the_hazard_module_does(persona):
    from yingji.hazards.selectors import overdue_q, visible_hazards

    brief = _weekly()
    leader = persona("leader")
    p = brief.period
    hazards = visible_hazards(leader).exclude(state="void")
    in_week = hazards.filter(found_on__gte=p.start, found_on__lte=p.end)
    assert _metric(brief, "hazards", "new")["value"] == in_week.count()
    assert _metric(brief, "hazards", "new_major")["value"] == in_week.filter(level="major").count()
    start, end = bounds(p)
    closed = hazards.filter(state="closed", closed_at__gte=start, closed_at__lt=end).count()
    assert _metric(brief, "hazards", "closed")["value"] == closed
    prev = p.previous()
    assert (
        _metric(brief, "hazards", "new")["prev"]
        == hazards.filter(found_on__gte=prev.start, found_on__lte=prev.end).count()
    )
    # the state "now" is the hazard statistics' own figure (the statistics page), as of the
    # day the snapshot records (the demo moves generated_at into the past afterwards)
    as_of = dt.date.fromisoformat(brief.figures["as_of"])
    assert _metric(brief, "hazards", "overdue")["value"] == hazards.filter(overdue_q(as_of)).count()


def test_it_counts_events_alarms_drills_and_stock_as_their_modules_do(persona):
    from yingji.monitoring.selectors import visible_alarms
    from yingji.plans.selectors import visible_drills
    from yingji.resources.selectors import alert_counts
    from yingji.response.selectors import visible_events

    brief = _monthly()
    leader = persona("leader")
    start, end = bounds(brief.period)
    events = visible_events(leader).filter(occurred_at__gte=start, occurred_at__lt=end)
    assert _metric(brief, "response", "events")["value"] == events.count()
    assert _metric(brief, "response", "deaths")["value"] == sum(e.deaths for e in events)
    alarms = visible_alarms(leader).filter(raised_at__gte=start, raised_at__lt=end)
    assert _metric(brief, "monitoring", "alarms")["value"] == alarms.count()
    drills = visible_drills(leader).filter(
        held_on__gte=brief.period_start, held_on__lte=brief.period_end
    )
    assert _metric(brief, "plans", "drills")["value"] == drills.count()
    assert _metric(brief, "resources", "low")["value"] == alert_counts(leader)["low"]
    assert events.exists() or alarms.exists(), "the demo month should hold events or alarms"


def test_a_county_brief_counts_only_its_county(persona, ctx):
    from yingji.hazards.selectors import visible_hazards

    today = timezone.localdate()
    brief = _generate(persona("county_a"), kind="quarter", day=today)
    p = brief.period
    xigu = visible_hazards(persona("county_a")).exclude(state="void")
    assert (
        _metric(brief, "hazards", "new")["value"]
        == xigu.filter(found_on__gte=p.start, found_on__lte=p.end).count()
    )
    city = _generate(persona("section"), kind="quarter", region="620100", day=today)
    assert _metric(city, "hazards", "new")["value"] >= _metric(brief, "hazards", "new")["value"]
    assert brief.title.startswith("西固区") and brief.drafted_by == persona("county_a")


def test_similar_cases_come_from_the_coming_months_of_earlier_years():
    brief = _monthly()
    cases = next(s for s in brief.figures["sections"] if s["key"] == "cases")
    assert "同期典型事故" in cases["items_title"]
    months = {brief.period.next().start.month}
    from yingji.cases.models import Case

    expected = Case.objects.filter(
        occurred_on__month__in=months, occurred_on__lt=brief.period.next().start
    ).count()
    assert len(cases["items"]) == min(5, expected)


# --- the snapshot --------------------------------------------------------------------------


def test_an_issued_brief_keeps_its_figures_when_the_data_change(persona, ctx):
    from yingji.hazards.models import Hazard

    brief = _weekly()
    before = _metric(brief, "hazards", "new")["value"]
    hazard = Hazard.objects.filter(state__in=("registered", "graded", "rectifying")).first()
    Hazard.objects.filter(pk=hazard.pk).update(found_on=brief.period_start)  # new data now
    brief.refresh_from_db()
    assert brief.state == "issued" and brief.number
    assert _metric(brief, "hazards", "new")["value"] == before
    with pytest.raises(InvalidTransition):
        _written(persona("section"), brief)
    brief.refresh_from_db()
    assert brief.risk_outlook != "风险上升。"


# --- workflow ------------------------------------------------------------------------------


def test_the_whole_workflow_with_a_different_reviewer(persona, ctx):
    drafter, reviewer = persona("county_a"), persona("section")
    brief = _generate(drafter)
    with pytest.raises(ValidationFailed, match="风险提示"):
        services.do_submit_brief(actor=drafter, brief=brief, data=BriefSubmitIn())
    brief = _written(drafter, brief)
    brief = services.do_submit_brief(actor=drafter, brief=brief, data=BriefSubmitIn())
    with pytest.raises(NotPermitted, match="起草人以外"):
        services.do_approve_brief(actor=drafter, brief=brief, data=BriefApproveIn())
    brief.refresh_from_db()
    assert brief.state == "submitted" and brief.reviewed_by is None
    with pytest.raises(InvalidTransition):
        services.do_issue_brief(actor=reviewer, brief=brief, data=BriefIssueIn())
    brief = services.do_return_brief(
        actor=reviewer, brief=brief, data=BriefReturnIn(comment="补充重大隐患分析")
    )
    assert brief.state == "draft" and brief.review_comment == "补充重大隐患分析"
    brief = services.do_submit_brief(actor=drafter, brief=brief, data=BriefSubmitIn())
    brief = services.do_approve_brief(actor=reviewer, brief=brief, data=BriefApproveIn())
    brief = services.do_issue_brief(actor=reviewer, brief=brief, data=BriefIssueIn())
    year = timezone.localdate().year
    assert brief.state == "issued" and brief.number == f"〔{year}〕第1期"
    verbs = list(
        AuditEvent.objects.filter(object_id=str(brief.pk), verb__startswith="reports.brief.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "reports.brief.generated",
        "reports.brief.edited",
        "reports.brief.submitted",
        "reports.brief.returned",
        "reports.brief.submitted",
        "reports.brief.approved",
        "reports.brief.issued",
    ]


def test_a_stale_version_and_a_second_brief_for_the_period_are_refused(persona, ctx):
    from yingji.core.errors import ConflictError

    user = persona("county_a")
    brief = _generate(user)
    with pytest.raises(InvalidTransition, match="已生成"):
        _generate(user)
    with pytest.raises(ConflictError):
        services.do_edit_brief(
            actor=user, brief=brief, data=BriefOpinionsIn(advice="x", version=brief.version + 5)
        )
    assert (
        Brief.objects.filter(region__code="620104", period_start=dt.date(2026, 3, 1)).count() == 1
    )


def test_bad_input_is_refused_with_a_message(persona, ctx):
    user = persona("section")
    with pytest.raises(ValidationFailed, match="不是本市或县区"):
        _generate(user, region="620104001")
    with pytest.raises(ValidationFailed, match="尚未开始"):
        _generate(user, day=timezone.localdate() + dt.timedelta(days=40))
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        BriefReturnIn(comment="")
    with pytest.raises(ValidationError):
        BriefGenerateIn(kind="year", region="620100", day=dt.date(2026, 1, 1))


# --- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, region, allowed",
    [
        ("section", "620100", True),
        ("section", "620102", True),
        ("county_a", "620104", True),
        ("county_a", "620100", False),
        ("county_a", "620102", False),
        ("county_b", "620104", False),
        ("leader", "620100", False),
        ("enterprise", "620104", False),
    ],
)
def test_who_may_generate_which_brief(persona, ctx, who, region, allowed):
    before = Brief.objects.count()
    if allowed:
        assert _generate(persona(who), region=region).region.code == region
    else:
        with pytest.raises(NotPermitted):
            _generate(persona(who), region=region)
        assert Brief.objects.count() == before


def test_who_sees_which_brief(persona, ctx):
    xigu = _generate(persona("county_a"))
    seen = {
        who: set(selectors.visible_briefs(persona(who)).values_list("pk", flat=True))
        for who in ("leader", "section", "county_a", "county_b", "enterprise")
    }
    weekly = _weekly().pk
    assert {weekly, xigu.pk} <= seen["leader"] and {weekly, xigu.pk} <= seen["section"]
    assert seen["county_a"] == {xigu.pk}
    assert weekly not in seen["county_b"] and xigu.pk not in seen["county_b"]
    assert seen["enterprise"] == set()
    assert not selectors.visible_briefs(persona("leader"), "change").exists()


# --- the daily job -------------------------------------------------------------------------


def test_the_daily_job_drafts_each_period_once(ctx):
    from yingji.core.jobs import run_job_inline
    from yingji.reports.jobs import draft_scheduled_briefs

    day = dt.date(2026, 6, 1)  # a Monday, the 1st of a month (not a quarter start)
    first = run_job_inline(draft_scheduled_briefs, day.isoformat())
    # on a Monday the 周研判 and the 安全生产周调度 of last week, on the 1st the monthly
    assert first == {"drafted": 3, "existing": 0}
    again = run_job_inline(draft_scheduled_briefs, day.isoformat())
    assert again == {"drafted": 0, "existing": 3}
    drafted = Brief.objects.filter(region__code="620100", drafted_by=None)
    assert set(drafted.values_list("kind", "period_start")) >= {
        ("week", dt.date(2026, 5, 25)),
        ("dispatch", dt.date(2026, 5, 25)),
        ("month", dt.date(2026, 5, 1)),
    }
    assert run_job_inline(draft_scheduled_briefs, "2026-06-02") == {"drafted": 0, "existing": 0}
    quarter = run_job_inline(draft_scheduled_briefs, "2026-07-01")  # Wednesday: month + quarter
    assert quarter == {"drafted": 2, "existing": 0}
    assert Brief.objects.filter(kind="quarter", period_start=dt.date(2026, 4, 1)).exists()


# --- the documents and pages ---------------------------------------------------------------


def test_the_docx_holds_the_figures_and_the_opinions(as_user):
    from docx import Document

    brief = _weekly()
    response = as_user("leader").get(f"/reports/{brief.pk}/word/")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert brief.title in text and brief.number in text and brief.risk_outlook in text
    new = _metric(brief, "hazards", "new")
    i = cells.index("新增隐患")
    assert cells[i + 1] == str(new["value"]) and cells[i + 2] == str(new["prev"])
    assert "隐患排查治理" in text and brief.opinions["hazards"] in text


def test_the_docx_charts_are_pictures_of_the_page_charts(as_user, settings):
    """The Word file carries one PNG per chart of the page (drawn with a CJK font, no browser);
    without a usable font it keeps the tables and says so."""
    from docx import Document

    from yingji.reports import charts, selectors

    brief = _weekly()
    expected = len(selectors.chart_rows(brief.figures))
    assert expected >= 1
    doc = Document(io.BytesIO(as_user("leader").get(f"/reports/{brief.pk}/word/").content))
    blips = doc.inline_shapes
    assert len(blips) == expected
    images = [
        part
        for rel in doc.part.rels.values()
        if "image" in rel.reltype
        for part in [rel.target_part]
    ]
    assert images and all(img.blob[:8] == b"\x89PNG\r\n\x1a\n" for img in images)
    captions = [p.text for p in doc.paragraphs if p.text.startswith("图:")]
    assert captions[0] == "图:" + selectors.chart_rows(brief.figures)[0]["title"]
    # no CJK font: tables only, and the document says why
    settings.REPORTS_CHART_FONT = ""
    charts.cjk_font.cache_clear()
    try:
        from unittest import mock

        with mock.patch.object(charts, "CJK_FAMILIES", ()):
            doc = Document(io.BytesIO(as_user("leader").get(f"/reports/{brief.pk}/word/").content))
    finally:
        charts.cjk_font.cache_clear()
    assert len(doc.inline_shapes) == 0 and doc.tables
    assert any("图表从略" in p.text for p in doc.paragraphs)


def test_the_demo_weekly_says_when_its_state_figures_were_counted(as_user):
    """The demo's weekly brief is dated to its Monday, but its "now" figures (open, overdue…)
    were counted when the demo was loaded: the page and the Word file say when, instead of
    "截至生成时" (which would claim Monday)."""
    from django.utils import timezone

    from yingji.reports.documents import state_label

    brief = _weekly()
    state_at = dt.datetime.fromisoformat(brief.figures["state_at"])
    # loaded after (or, before 8 a.m. on a Monday, at) the moment it is dated to
    assert state_at >= brief.generated_at - dt.timedelta(seconds=5)
    label = state_label(brief.figures)
    assert label == f"{timezone.localtime(state_at):%Y年%m月%d日 %H:%M}"
    page = as_user("leader").get(f"/reports/{brief.pk}/").content.decode()
    assert f"计于{label}" in page and "截至生成时" not in page
    assert f"(截至{label})" in page
    assert state_label({}) == "生成时"  # a snapshot from before the field existed


def test_the_pages_per_persona(as_user):
    brief = _weekly()
    leader = as_user("leader")
    page = leader.get(f"/reports/{brief.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and brief.number in body and 'id="brief-charts"' in body
    assert "brief-submit" not in body and "opinions-form" not in body
    assert leader.get("/reports/").status_code == 200
    assert "generate-form" not in leader.get("/reports/").content.decode()
    assert as_user("enterprise").get("/reports/").status_code == 403
    assert as_user("enterprise").get(f"/reports/{brief.pk}/").status_code == 404
    assert as_user("county_a").get(f"/reports/{brief.pk}/").status_code == 404
    printed = as_user("section").get(f"/reports/{brief.pk}/print/").content.decode()
    assert "研判简报" in printed and "<nav" not in printed
    draft = as_user("section").get(f"/reports/{_monthly().pk}/").content.decode()
    assert "opinions-form" in draft and "brief-submit" in draft


def test_the_web_form_saves_opinions_and_escapes_them(as_user):
    brief = _monthly()
    client = as_user("section")
    evil = "<script>alert(1)</script>"
    response = client.post(
        f"/reports/{brief.pk}/edit/",
        {"version": brief.version, "opinion_risk": evil, "risk_outlook": "寒潮", "advice": "值守"},
    )
    assert response.status_code == 302
    brief.refresh_from_db()
    assert brief.opinions["risk"] == evil and brief.advice == "值守"
    body = client.get(f"/reports/{brief.pk}/").content.decode()
    assert evil not in body and "&lt;script&gt;" in body


def test_the_api(as_user):
    leader, county = as_user("leader"), as_user("county_a")
    listed = leader.get("/api/v1/briefs").json()
    assert {b["kind"] for b in listed} >= {"week", "month"}
    one = leader.get(f"/api/v1/briefs/{_weekly().pk}").json()
    assert one["figures"]["sections"][0]["key"] == "workplan"
    denied = leader.post(
        "/api/v1/briefs",
        {"kind": "week", "region": "620100", "day": "2026-01-07"},
        content_type="application/json",
    )
    assert denied.status_code == 403 and "message" in denied.json()
    made = county.post(
        "/api/v1/briefs",
        {"kind": "week", "region": "620104", "day": "2026-01-07"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["region"] == "620104"
    assert county.get(f"/api/v1/briefs/{_weekly().pk}").status_code == 404
    assert isinstance(DomainError("x"), Exception)
