"""安全生产周调度 (T11) as its own kind of brief — its sections, its Word template, its own
numbering, schedule and archive filter — and the by-industry breakdown of the hazards (issue
#18: "hazards opened/closed/overdue by county and industry"), checked against the hazard
module's own figures for the same period; the demo's last four weekly briefs."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.utils import timezone

from yingji.reports import selectors, services
from yingji.reports.models import Brief
from yingji.reports.schemas import (
    BriefApproveIn,
    BriefGenerateIn,
    BriefIssueIn,
    BriefOpinionsIn,
    BriefSubmitIn,
)
from yingji.reports.sections import KIND_SECTIONS, bounds, industry_label

pytestmark = pytest.mark.django_db


def _dispatch():
    return Brief.objects.get(is_demo=True, kind="dispatch")


def _weeklies():
    return list(Brief.objects.filter(is_demo=True, kind="week").order_by("period_start"))


def _section(brief, key):
    return next(s for s in brief.figures["sections"] if s["key"] == key)


def _metric(brief, section, key):
    return next(m for m in _section(brief, section)["metrics"] if m["key"] == key)["value"]


def _table(section, title):
    return next(t for t in selectors.section_tables(section) if t["title"] == title)


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_has_the_last_four_weeklies_numbered_in_sequence(persona):
    from yingji.hazards.selectors import visible_hazards

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    weeklies = _weeklies()
    expected = [
        monday - dt.timedelta(days=7 * back)
        for back in (4, 3, 2, 1)
        if (monday - dt.timedelta(days=7 * (back - 1))).year == today.year
    ]
    assert [b.period_start for b in weeklies] == expected
    assert [b.number for b in weeklies] == [
        f"〔{today.year}〕第{i}期" for i in range(1, len(weeklies) + 1)
    ]
    hazards = visible_hazards(persona("leader")).exclude(state="void")
    for brief in weeklies:
        assert brief.state == "issued"
        # issued on the Monday after its week
        assert timezone.localtime(brief.issued_at).date() == brief.period_end + dt.timedelta(1)
        # its figures are the demo data of its own week, and its 研判意见 says them
        found = hazards.filter(found_on__gte=brief.period_start, found_on__lte=brief.period_end)
        assert _metric(brief, "hazards", "new") == found.count()
        assert f"本期新增隐患{found.count()}项" in brief.opinions["hazards"]
        assert brief.deliveries.filter(recipient__username="leader", read_at__isnull=False)


def test_the_demo_dispatch_has_its_own_sections_and_numbering():
    brief = _dispatch()
    latest = _weeklies()[-1]
    assert brief.state == "issued" and brief.period_start == latest.period_start
    assert brief.title.startswith("兰州市安全生产周调度(")
    # its own sequence: the first 周调度 of the year, whatever the weeklies' numbers
    assert brief.number == f"〔{timezone.localdate().year}〕第1期"
    assert latest.number != brief.number
    keys = [s["key"] for s in brief.figures["sections"]]
    assert keys == list(KIND_SECTIONS["dispatch"])
    assert "schedule" in brief.opinions and brief.risk_outlook and brief.advice
    # the 研判 briefs keep every module's section and have no 周调度 one
    assert "schedule" not in [s["key"] for s in latest.figures["sections"]]


# --- figures ----------------------------------------------------------------------------------


def test_dispatch_hazard_figures_by_county_and_industry_match_the_hazard_module(persona):
    from yingji.hazards.selectors import overdue_q, visible_hazards

    brief = _dispatch()
    p = brief.period
    hazards = visible_hazards(persona("leader")).exclude(state="void")
    found = hazards.filter(found_on__gte=p.start, found_on__lte=p.end)
    start, end = bounds(p)
    closed = hazards.filter(state="closed", closed_at__gte=start, closed_at__lt=end)
    assert _metric(brief, "hazards", "new") == found.count()
    assert _metric(brief, "hazards", "closed") == closed.count()
    # the weekly brief of the same week says the same
    weekly = Brief.objects.get(is_demo=True, kind="week", period_start=p.start)
    for key in ("new", "new_major", "closed"):
        assert _metric(brief, "hazards", key) == _metric(weekly, "hazards", key)
    hz = _section(brief, "hazards")
    by_industry = _table(hz, "分行业")
    assert by_industry["columns"] == ["行业领域", "新增", "销号", "当前逾期"]
    expected_new = Counter(industry_label(s) for s in found.values_list("sector", flat=True))
    expected_closed = Counter(industry_label(s) for s in closed.values_list("sector", flat=True))
    today = dt.date.fromisoformat(brief.figures["as_of"])
    overdue = hazards.filter(overdue_q(today)).values_list("sector", flat=True)
    expected_overdue = Counter(industry_label(s) for s in overdue)
    rows = {r[0]: r[1:] for r in by_industry["rows"]}
    assert found.exists() and rows
    for label in set(expected_new) | set(expected_closed) | set(expected_overdue):
        assert rows[label] == [expected_new[label], expected_closed[label], expected_overdue[label]]
    assert sum(r[0] for r in rows.values()) == found.count()
    # by county too, and the two tables add up to the same new hazards
    by_county = _table(hz, "分区域")
    assert sum(r[1] for r in by_county["rows"]) == found.count()
    # and the charts (page and Word) include the by-industry one
    titles = [c["title"] for c in selectors.section_charts(hz)]
    assert "隐患新增与销号(分行业)" in titles and "隐患新增与销号(分区域)" in titles


def test_the_industry_labels_are_those_of_the_hazard_statistics_page(as_user):
    """The by-industry rows name an industry as the 隐患统计 page does (an enterprise's sector,
    a public place's category, 未注明行业)."""
    from yingji.hazards.choices import CATEGORY_LABELS

    assert industry_label("hazchem_storage") == "危险化学品储存"
    assert industry_label("") == "未注明行业"
    category = next(iter(CATEGORY_LABELS))
    assert industry_label(category) == CATEGORY_LABELS[category]
    monthly = Brief.objects.get(is_demo=True, kind="month")
    page = as_user("leader").get("/hazards/stats/").content.decode()
    for row in _table(_section(monthly, "hazards"), "分行业")["rows"]:
        assert row[0] in page, row[0]


def test_the_schedule_section_lists_what_falls_due_next_week(persona):
    from yingji.hazards.choices import OPEN_STATES
    from yingji.hazards.selectors import visible_hazards

    brief = _dispatch()
    coming = brief.period.next()
    due = (
        visible_hazards(persona("leader"))
        .exclude(state="void")
        .filter(state__in=OPEN_STATES, deadline__gte=coming.start, deadline__lte=coming.end)
    )
    assert _metric(brief, "schedule", "hazards_due") == due.count()
    section = _section(brief, "schedule")
    assert section["items_title"] == f"下周({coming.label})到期事项"
    listed = [i["text"] for i in section["items"] if i["text"].startswith("隐患")]
    assert len(listed) == min(due.count(), 8)
    assert all(h.code in " ".join(listed) for h in due.order_by("-level", "deadline", "pk")[:8])


# --- the Word file and the default template ---------------------------------------------------


def test_the_dispatch_docx_opens_and_holds_the_weeks_figures_and_charts(as_user, persona):
    from docx import Document

    from yingji.reports.charts import renderer

    brief = _dispatch()
    response = as_user("leader").get(f"/reports/{brief.pk}/word/")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert text.startswith("安全生产周调度") and brief.number in text
    for heading in ("一、本周安全生产形势", "三、隐患排查治理(分县区、分行业)", "六、下周调度事项"):
        assert heading in text
    new, closed = _metric(brief, "hazards", "new"), _metric(brief, "hazards", "closed")
    accidents = _metric(brief, "response", "accidents")
    assert f"本周接报生产安全事故{accidents}起" in text
    assert f"新增隐患{new}处" in text and f"整改销号{closed}处" in text
    assert brief.opinions["schedule"] in text and brief.advice in text
    assert "{{" not in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "行业领域" in cells and "区域" in cells
    industry = _table(_section(brief, "hazards"), "分行业")["rows"][0]
    i = cells.index(industry[0])
    assert cells[i + 1 : i + 4] == [str(v) for v in industry[1:]]
    if renderer() is not None:  # the charts are pictures (PNG)
        assert len(doc.inline_shapes) >= 2
        captions = [p.text for p in doc.paragraphs if p.text.startswith("图:")]
        assert "图:隐患新增与销号(分行业)" in captions


def test_each_kind_has_its_default_template(as_user):
    from yingji.reports.templating import check_template, default_template

    client = as_user("leader")
    dispatch = client.get("/reports/templates/default.docx?kind=dispatch")
    weekly = client.get("/reports/templates/default.docx")
    assert dispatch.status_code == weekly.status_code == 200
    assert dispatch.content != weekly.content
    assert client.get("/api/v1/brief-templates/default.docx?kind=dispatch").status_code == 200
    found = check_template(default_template("dispatch"))
    assert found["unknown"] == [] and found["misplaced"] == []
    assert "{{清单:调度}}" in found["used"] and "{{表:处罚}}" in found["used"]
    # an unknown kind falls back to the 研判 layout
    odd = client.get("/reports/templates/default.docx?kind=<b>")
    assert odd.status_code == 200
    page = client.get("/reports/templates/").content.decode()
    assert "default.docx?kind=dispatch" in page


# --- numbering, schedule, archive ------------------------------------------------------------


def test_a_county_dispatch_is_numbered_in_its_own_sequence(persona, ctx):
    drafter, reviewer = persona("county_a"), persona("section")
    year = timezone.localdate().year
    day = timezone.localdate() - dt.timedelta(days=70)
    numbers = {}
    for kind in ("week", "dispatch"):
        brief = services.do_generate_brief(
            actor=drafter,
            data=BriefGenerateIn(kind=kind, region="620104", day=day),
        )
        brief = services.do_edit_brief(
            actor=drafter,
            brief=brief,
            data=BriefOpinionsIn(risk_outlook="风险平稳。", advice="加强调度。"),
        )
        brief = services.do_submit_brief(actor=drafter, brief=brief, data=BriefSubmitIn())
        brief = services.do_approve_brief(actor=reviewer, brief=brief, data=BriefApproveIn())
        brief = services.do_issue_brief(actor=reviewer, brief=brief, data=BriefIssueIn())
        numbers[kind] = brief.number
        if kind == "dispatch":
            assert brief.title == f"西固区安全生产周调度({brief.period.label})"
            assert [s["key"] for s in brief.figures["sections"]] == list(KIND_SECTIONS["dispatch"])
    assert numbers == {"week": f"〔{year}〕第1期", "dispatch": f"〔{year}〕第1期"}
    # one 周调度 per week and region, as for every kind
    with pytest.raises(Exception, match="已生成"):
        services.do_generate_brief(
            actor=drafter,
            data=BriefGenerateIn(kind="dispatch", region="620104", day=day),
        )


def test_the_archive_filters_the_dispatch_briefs(as_user):
    brief, weekly = _dispatch(), _weeklies()[-1]
    client = as_user("leader")
    page = client.get("/reports/?kind=dispatch").content.decode()
    assert brief.title in page and weekly.title not in page
    assert "安全生产周调度" in client.get("/reports/").content.decode()
    api = client.get("/api/v1/briefs?kind=dispatch").json()
    items = api["items"] if isinstance(api, dict) else api
    assert {b["kind"] for b in items} == {"dispatch"}
    page = client.get(f"/reports/{brief.pk}/").content.decode()
    assert "下周调度事项" in page and "分行业" in page
