"""Editable Word templates of the 研判简报 (issue #18): the shipped default, an uploaded
template with placeholders (a placeholder split across runs, a table cell, blocks), unknown
placeholders reported and refused on upload, who may upload, the page and the API."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.reports import selectors, services
from yingji.reports.models import Brief, BriefTemplate
from yingji.reports.periods import change
from yingji.reports.schemas import BriefTemplateIn
from yingji.reports.templating import check_template, classify, default_template, fill

pytestmark = pytest.mark.django_db


def _weekly():
    return Brief.objects.filter(is_demo=True, kind="week").latest("period_start")


def _metric(brief, section, key):
    s = next(s for s in brief.figures["sections"] if s["key"] == section)
    return next(m for m in s["metrics"] if m["key"] == key)


def _docx(build) -> bytes:
    from docx import Document

    doc = Document()
    build(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _open(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def _text(doc) -> str:
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _custom(doc):
    p = doc.add_paragraph("第")
    p.add_run("{{期")  # Word splits a placeholder over runs after an edit
    p.add_run("号}} 本周新增隐患{{隐患.新增}}处,环比{{隐患.新增.环比}}")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "当前逾期"
    table.rows[0].cells[1].text = "{{隐患.当前逾期未整改}}"
    doc.add_paragraph("{{表:隐患}}")
    doc.add_paragraph("{{图:隐患}}")
    doc.add_paragraph("{{研判:隐患}}")


@pytest.mark.parametrize(
    "name, meaning",
    [
        ("期号", ("text", "期号")),
        ("隐患.新增", ("metric", ("hazards", "new", "value"))),
        ("隐患排查治理.新增隐患.同比", ("metric", ("hazards", "new", "yoy_change"))),
        ("隐患.new.上期", ("metric", ("hazards", "new", "prev"))),
        ("告警.告警", ("metric", ("monitoring", "alarms", "value"))),  # 告警(起) without its unit
        ("表:隐患", ("block", ("表", "hazards"))),
        ("分项研判", ("block", ("all", None))),
        ("隐患.新曾", None),
        ("表:天气", None),
        ("期号2", None),
    ],
)
def test_placeholder_names(name, meaning):
    assert classify(name) == meaning


def test_the_default_template_gives_the_weekly_brief_with_its_hazard_figures_and_charts():
    brief = _weekly()
    doc = _open(fill(default_template(), brief))
    text = _text(doc)
    assert "{{" not in text
    new = _metric(brief, "hazards", "new")
    closed = _metric(brief, "hazards", "closed")
    assert brief.number in text and brief.title in text and brief.risk_outlook in text
    assert f"本期新增隐患{new['value']}处(环比{change(new['value'], new['prev'])})" in text
    assert f"整改销号{closed['value']}处" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    i = cells.index("新增隐患")
    assert cells[i + 1] == str(new["value"])
    assert len(doc.inline_shapes) == len(selectors.chart_rows(brief.figures)) >= 1


def test_an_uploaded_template_is_filled_and_used_for_its_kind(persona, ctx, as_user):
    brief = _weekly()
    template = services.do_upload_brief_template(
        actor=persona("section"),
        data=BriefTemplateIn(kind="week", name="周研判(局版式)"),
        upload=SimpleUploadedFile("周研判.docx", _docx(_custom)),
    )
    assert "{{隐患.新增}}" in template.placeholders and template.active
    doc = _open(as_user("leader").get(f"/reports/{brief.pk}/word/").content)
    text = _text(doc)
    new = _metric(brief, "hazards", "new")
    overdue = _metric(brief, "hazards", "overdue")
    assert doc.paragraphs[0].text == (
        f"第{brief.number} 本周新增隐患{new['value']}处,环比{change(new['value'], new['prev'])}"
    )
    assert doc.tables[0].rows[0].cells[1].text == str(overdue["value"])
    hazards = next(s for s in brief.figures["sections"] if s["key"] == "hazards")
    assert len(doc.inline_shapes) == len(selectors.section_charts(hazards)) >= 1
    assert brief.opinions["hazards"] in text and "{{" not in text
    assert "执法检查" not in text  # only what the template asks for
    # the template is the weekly's: a monthly brief keeps the default template
    assert selectors.active_template("month") is None
    # a second upload of the kind replaces the first (kept, inactive)
    services.do_upload_brief_template(
        actor=persona("section"),
        data=BriefTemplateIn(kind="week", name="第二版"),
        upload=SimpleUploadedFile("b.docx", _docx(lambda d: d.add_paragraph("{{标题}}"))),
    )
    template.refresh_from_db()
    assert not template.active and BriefTemplate.objects.filter(active=True).count() == 1


def test_unknown_and_misplaced_placeholders_are_reported_and_nothing_is_saved(persona, ctx):
    def bad(doc):
        doc.add_paragraph("新增{{隐患.新曾}}处,{{天气}}")
        doc.add_paragraph("见下表:{{表:隐患}}")

    found = check_template(_docx(bad))
    assert found["unknown"] == ["{{隐患.新曾}}", "{{天气}}"]
    assert found["misplaced"] == ["{{表:隐患}}"]
    with pytest.raises(ValidationFailed) as exc:
        services.do_upload_brief_template(
            actor=persona("section"),
            data=BriefTemplateIn(kind="week", name="有错"),
            upload=SimpleUploadedFile("bad.docx", _docx(bad)),
        )
    assert "{{隐患.新曾}}" in str(exc.value) and "{{天气}}" in str(exc.value)
    assert exc.value.details["unknown"] == ["{{隐患.新曾}}", "{{天气}}"]
    with pytest.raises(ValidationFailed):  # a renamed non-Word file
        services.do_upload_brief_template(
            actor=persona("section"),
            data=BriefTemplateIn(kind="week", name="假文件"),
            upload=SimpleUploadedFile("x.docx", b"MZ\x90\x00 not a docx"),
        )
    assert not BriefTemplate.objects.exists()


@pytest.mark.parametrize("who", ["county_a", "leader", "enterprise"])
def test_only_city_staff_upload_templates(persona, ctx, who):
    with pytest.raises(NotPermitted):
        services.do_upload_brief_template(
            actor=persona(who),
            data=BriefTemplateIn(kind="week", name="越权"),
            upload=SimpleUploadedFile("t.docx", default_template()),
        )
    assert not BriefTemplate.objects.exists()


def test_the_page_and_the_api(as_user):
    page = as_user("section").get("/reports/templates/").content.decode()
    assert 'id="template-form"' in page and "{{隐患.新增}}" in page
    assert 'id="template-form"' not in as_user("leader").get("/reports/templates/").content.decode()
    assert as_user("enterprise").get("/reports/templates/").status_code == 403
    default = as_user("county_a").get("/reports/templates/default.docx")
    assert default.status_code == 200 and check_template(default.content)["unknown"] == []
    r = as_user("section").post(
        "/api/v1/brief-templates",
        {"kind": "month", "name": "月研判", "file": SimpleUploadedFile("m.docx", default.content)},
    )
    assert r.status_code == 201, r.content
    assert r.json()["active"] and "{{分项研判}}" in r.json()["placeholders"]
    got = as_user("county_a").get(f"/reports/templates/{r.json()['id']}/file/")
    assert got.status_code == 200 and got.content == default.content
    assert (
        as_user("enterprise").get(f"/reports/templates/{r.json()['id']}/file/").status_code == 403
    )
    r = as_user("county_a").post(
        "/api/v1/brief-templates",
        {"kind": "month", "name": "县区", "file": SimpleUploadedFile("m.docx", default.content)},
    )
    assert r.status_code == 403
    listed = as_user("leader").get("/api/v1/brief-templates").json()
    assert [t["name"] for t in listed] == ["月研判"]


def test_this_weeks_brief_word_has_the_hazard_statistics_page_figures(persona, ctx, as_user):
    """A weekly brief generated now (this week) from the demo data: its Word file's hazard
    table shows the open and overdue counts the hazard statistics page (/hazards/stats/) shows
    the city's leadership at the same moment, and its charts are pictures."""
    from django.utils import timezone

    from yingji.reports.schemas import BriefGenerateIn

    brief = services.do_generate_brief(
        actor=persona("section"),
        data=BriefGenerateIn(kind="week", region="620100", day=timezone.localdate()),
    )
    stats = as_user("leader").get("/hazards/stats/").context["stats"]
    doc = _open(as_user("leader").get(f"/reports/{brief.pk}/word/").content)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for label, figure in (("当前未销号", "open"), ("当前逾期未整改", "overdue")):
        i = next(n for n, c in enumerate(cells) if c.startswith(label + "(截至"))
        assert cells[i + 1] == str(stats[figure]), label
    assert len(doc.inline_shapes) >= 1
